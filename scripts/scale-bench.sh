#!/usr/bin/env bash
# The scale benchmark: the flash sale (bench/src/bin/flash_sale.rs --cluster) through the
# load balancer of a whole deployment (scripts/cluster.sh) with N = 1, 2, 4 API processes,
# round-robin and listing-hash routing. Each run brings a fresh cluster up, sells, brings
# it down; one table at the end.
#
#   scripts/scale-bench.sh                      (called by scripts/bench.sh)
#   SCALE_N="1 2" SCALE_ROUTING=listing SCALE_SEATS=20000 scripts/scale-bench.sh
#
# Columns: bookings/s (confirmations per second), p99 of hold and of confirm (ms),
# conflicts (boxoffice_writer_conflicts_total summed over every API process's /metrics:
# a writer reloaded because another process had appended to its listing), 409s the
# buyers retried, server CPU per booking (every API process plus the whole PostgreSQL
# server, from /proc), and the log check (nothing oversold, every confirmed seat sold).
# Needs the release build (cargo build --release -p bench -p boxoffice).
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
bench_bin="$target/release/flash-sale"
export CLUSTER_BIN="${CLUSTER_BIN:-$target/release/boxoffice}"
for b in "$bench_bin" "$CLUSTER_BIN"; do
    [[ -x "$b" ]] || { echo "scale-bench: no $b (cargo build --release -p bench -p boxoffice)" >&2; exit 1; }
done
counts="${SCALE_N:-1 2 4}"
routings="${SCALE_ROUTING:-roundrobin listing}"
seats="${SCALE_SEATS:-30000}"
buyers="${SCALE_BUYERS:-256}"
max_seconds="${SCALE_MAX_SECONDS:-40}"

export CLUSTER_DIR="${TMPDIR:-/tmp}/boxoffice-scale.$$" CLUSTER_PROMETHEUS=0
CLUSTER_PORT="${CLUSTER_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
export CLUSTER_PORT
unset TEST_DATABASE_URL
results="$CLUSTER_DIR.results"
: >"$results"
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT

for routing in $routings; do
    for n in $counts; do
        echo "==> scale: $n API processes, $routing routing" >&2
        CLUSTER_API=$n CLUSTER_ROUTING=$routing scripts/cluster.sh up >"$CLUSTER_DIR.up.log" 2>&1 ||
            { tail -30 "$CLUSTER_DIR.up.log" >&2; exit 1; }
        # (Not `tee /dev/stderr`: on a redirected stderr that reopens and truncates the file.)
        "$bench_bin" --cluster "$CLUSTER_DIR" --seats "$seats" --buyers "$buyers" \
            --max-seconds "$max_seconds" >"$CLUSTER_DIR.run.log"
        cat "$CLUSTER_DIR.run.log" >&2
        line=$(grep '^scale-result ' "$CLUSTER_DIR.run.log" | tail -1)
        [[ -n "$line" ]] || { echo "scale-bench: no result line" >&2; exit 1; }
        echo "$n $routing ${line#scale-result }" >>"$results"
        scripts/cluster.sh down >/dev/null 2>&1
    done
done
trap - EXIT

echo
echo "Scale: flash sale through HAProxy, $seats seats, $buyers buyers, hold 1-4 then confirm ($(nproc) cores)"
python3 - "$results" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    n, routing, *fields = line.split()
    rows.append((n, routing, dict(f.split("=", 1) for f in fields)))
head = ("API", "routing", "bookings/s", "hold p99", "confirm p99", "conflicts", "409 retried",
        "CPU/booking", "(API + PG)", "seats sold", "log check")
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for n, routing, r in rows:
    print(f"| {n} | {routing} | {r['bookings_per_s']} | {r['hold_p99_ms']} ms | {r['confirm_p99_ms']} ms | "
          f"{r['conflicts']} | {r['conflict_answers']} | {r['cpu_ms']} ms | "
          f"{r['api_cpu_ms']} + {r['db_cpu_ms']} | {r['seats']} | {r['check']} |")
bad = [r for _, _, r in rows if r["check"] != "ok"]
sys.exit(1 if bad else 0)
PY
rm -f "$results" "$CLUSTER_DIR.up.log" "$CLUSTER_DIR.run.log"
