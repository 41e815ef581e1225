#!/usr/bin/env bash
# `make test`: lint, build and run every test against SQLite and a real PostgreSQL.
# PostgreSQL comes from TEST_DATABASE_URL when it answers, else from a throwaway cluster
# that scripts/postgres.sh creates (installing Debian's postgresql if needed) and removes.
set -euo pipefail
cd "$(dirname "$0")/.."

# A clean clone in CI builds everything once: incremental caches would only double the
# target directory (a CI run once died of a full disk in clippy).
if [ -n "${CI:-}" ]; then
    export CARGO_INCREMENTAL=0
fi
echo "==> disk: $(df -h --output=avail . | tail -1 | tr -d ' ') free where the build runs"

state=$(mktemp -d "${TMPDIR:-/tmp}/boxoffice-test.XXXXXX")
chmod 755 "$state"
cleanup() {
    scripts/postgres.sh stop "$state/pg" || true
    scripts/kafka.sh stop "$state/kafka" || true
    scripts/smtp.sh stop "$state/smtp" || true
    rm -rf "$state"
}
trap cleanup EXIT

TEST_DATABASE_URL="$(scripts/postgres.sh start "$state/pg")"
export TEST_DATABASE_URL
echo "==> PostgreSQL for tests: $TEST_DATABASE_URL"
TEST_KAFKA_BROKERS="$(scripts/kafka.sh start "$state/kafka")"
export TEST_KAFKA_BROKERS
echo "==> Kafka-protocol broker (tansu) for tests: $TEST_KAFKA_BROKERS"
TEST_SMTP_URL="$(scripts/smtp.sh start "$state/smtp")"
export TEST_SMTP_URL
export TEST_SMTP_MAILDIR="$state/smtp/maildir"
echo "==> SMTP server (aiosmtpd) for tests: $TEST_SMTP_URL, mail in $TEST_SMTP_MAILDIR"

echo "==> cargo fmt --check"
cargo fmt --all --check
echo "==> cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
echo "==> deployment files: linters and drift check"
scripts/deploy-check.sh

echo "==> web app: types, lint, unit tests, build, browser journeys"
scripts/web.sh test

echo "==> tests"
if cargo nextest --version >/dev/null 2>&1; then
    # Doc tests first: nextest's summary line must be the run's closing line.
    cargo test --workspace --doc --locked --quiet
    cargo nextest run --workspace --locked
else
    cargo test --workspace --locked
fi

echo "==> schema-driven fuzzing of the served API (schemathesis), SQLite then PostgreSQL"
FUZZ_SECONDS=50 scripts/fuzz.sh sqlite
FUZZ_SECONDS=50 scripts/fuzz.sh postgres
# The drills on a real cluster: kill -9 an API process, a catalog worker, a notifier;
# restart PostgreSQL.
make --no-print-directory test-cluster
