#!/usr/bin/env bash
# `make bench`: release build of the benchmarks, a throwaway PostgreSQL like `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
state=$(mktemp -d "${TMPDIR:-/tmp}/boxoffice-bench.XXXXXX")
chmod 755 "$state"
trap 'scripts/postgres.sh stop "$state/pg" || true; rm -rf "$state"' EXIT
TEST_DATABASE_URL="$(scripts/postgres.sh start "$state/pg")"
export TEST_DATABASE_URL
cargo build --release --locked -p bench -p boxoffice
target/release/eventlog-bench
# --external: the same sale against a `boxoffice serve` child, with its CPU per booking.
target/release/flash-sale --external
target/release/read-side-bench
# A hold on a listing with a 1,000,000-event stream against one with 10 (snapshots).
target/release/history-bench
# The waiting room: 10,000 buyers, the room letting them in near the booking rate.
target/release/room-bench --admitted-per-minute 9000
# The flash sale through HAProxy with N = 1, 2, 4 API processes (scripts/cluster.sh).
scripts/scale-bench.sh
scripts/web.sh bench
