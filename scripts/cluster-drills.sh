#!/usr/bin/env bash
# `make test-cluster`: fault drills on a whole deployment (scripts/cluster.sh) on 127.0.0.1.
#
#   scripts/cluster-drills.sh            every drill: api catalog notifier postgres
#   DRILLS="api postgres" scripts/cluster-drills.sh
#   DRILLS_KEEP=1 scripts/cluster-drills.sh   a failed run leaves the cluster up to inspect
#
# Brings a cluster up in its own directory and port (2 API processes, listing routing, no
# Prometheus), runs scripts/cluster_drills.py against it (see there what each drill kills
# and checks), and brings it down again, whatever happened. A failed drill prints
# `DRILL FAILED: NAME: what` and the script exits 1; the cluster's logs stay in
# CLUSTER_DIR/logs. About 3 minutes once the release binary is built.
set -euo pipefail
cd "$(dirname "$0")/.."

export CLUSTER_DIR="${CLUSTER_DIR:-${TMPDIR:-/tmp}/boxoffice-drills.$$}"
export CLUSTER_API="${CLUSTER_API:-2}" CLUSTER_ROUTING="${CLUSTER_ROUTING:-listing}"
export CLUSTER_PROMETHEUS=0
# A notifier killed mid-send leaves its claimed messages to the other one once the claim
# lapses (default 300 s, sized for slow SMTP servers; the loopback sink answers at once).
export NOTIFIER_CLAIM_SECS="${NOTIFIER_CLAIM_SECS:-15}"
CLUSTER_PORT="${CLUSTER_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
export CLUSTER_PORT
# The drills connect to the cluster's own PostgreSQL, never to one of the tests'.
unset TEST_DATABASE_URL
# Correctness, not speed: the debug binary `make test` has just built will do (a release
# build would take CI a quarter of an hour).
if [[ -z "${CLUSTER_BIN:-}" ]]; then
    CLUSTER_BIN="${CARGO_TARGET_DIR:-target}/debug/boxoffice"
    [[ -x "$CLUSTER_BIN" ]] || cargo build --locked -p boxoffice
    export CLUSTER_BIN
fi

started=$(date +%s)
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
echo "==> cluster drills: bringing a cluster up in $CLUSTER_DIR"
if ! scripts/cluster.sh up >"$CLUSTER_DIR.up.log" 2>&1; then
    tail -30 "$CLUSTER_DIR.up.log" >&2
    echo "DRILL FAILED: the cluster did not come up (log above)" >&2
    exit 1
fi
rc=0
python3 scripts/cluster_drills.py "$CLUSTER_DIR" || rc=$?
trap - EXIT
if [[ $rc -ne 0 && -n "${DRILLS_KEEP:-}" ]]; then
    echo "==> cluster drills FAILED; the cluster stays up (DRILLS_KEEP): CLUSTER_DIR=$CLUSTER_DIR scripts/cluster.sh down" >&2
    exit 1
fi
scripts/cluster.sh down >/dev/null 2>&1 || true
if [[ $rc -ne 0 ]]; then
    echo "==> cluster drills FAILED after $(($(date +%s) - started)) s (logs: $CLUSTER_DIR/logs)" >&2
    exit 1
fi
rm -rf "$CLUSTER_DIR" "$CLUSTER_DIR.up.log"
echo "==> cluster drills passed in $(($(date +%s) - started)) s"
