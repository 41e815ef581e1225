#!/usr/bin/env bash
# `make bench`: release build of the benchmarks, a throwaway PostgreSQL like `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
state=$(mktemp -d "${TMPDIR:-/tmp}/boxoffice-bench.XXXXXX")
chmod 755 "$state"
trap 'scripts/postgres.sh stop "$state/pg" || true; rm -rf "$state"' EXIT
TEST_DATABASE_URL="$(scripts/postgres.sh start "$state/pg")"
export TEST_DATABASE_URL
cargo build --release --locked -p bench
target/release/eventlog-bench
target/release/flash-sale
target/release/read-side-bench
scripts/web.sh bench
