#!/usr/bin/env bash
# Ensures a PostgreSQL server for the tests and prints the admin URL to use.
#
#   scripts/postgres.sh start DIR   -> prints a postgres:// URL on stdout
#   scripts/postgres.sh stop DIR
#   scripts/postgres.sh pg-stop DIR   -> stops the server, keeps the cluster (an outage)
#   scripts/postgres.sh pg-start DIR  -> starts it again on the same port
#
# If TEST_DATABASE_URL is set and answers, it is used as is. Otherwise a throwaway
# cluster is created in DIR (Debian's postgresql package is installed if missing),
# listening on 127.0.0.1 on a free port, with trust auth; `stop` removes it.
set -euo pipefail

cmd=${1:?start|stop}
dir=${2:?state directory}

pg_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
        echo "installing postgresql (Debian package)..." >&2
        if [[ $(id -u) -eq 0 ]]; then
            apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        else
            sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        fi
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    echo "$bin"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case "$cmd" in
start)
    if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
        if command -v pg_isready >/dev/null && pg_isready -q -d "$TEST_DATABASE_URL" -t 3; then
            echo "$TEST_DATABASE_URL"
            exit 0
        fi
        echo "TEST_DATABASE_URL does not answer; starting a throwaway cluster" >&2
    fi
    bin=$(pg_bin)
    mkdir -p "$dir"
    data="$dir/data"
    port=$(free_port)
    # initdb and postgres refuse to run as root: run them as the postgres system user.
    run_as=()
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --home "$dir" postgres
        chown -R postgres "$dir"
        run_as=(runuser -u postgres --)
    fi
    # The server runs as another user: every directory above DIR must let it through.
    chmod 755 "$dir" "$(dirname "$dir")"
    if ! "${run_as[@]}" "$bin/initdb" -D "$data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        exit 1
    fi
    # fsync stays on: the durability the log promises is what the tests exercise.
    "${run_as[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=400 -c shared_buffers=256MB" start >&2
    echo "$port" >"$dir/port"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [[ -d "$dir/data" ]]; then
        bin=$(pg_bin)
        run_as=()
        [[ $(id -u) -eq 0 ]] && run_as=(runuser -u postgres --)
        "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$dir"
    fi
    ;;
pg-stop)
    bin=$(pg_bin)
    run_as=()
    [[ $(id -u) -eq 0 ]] && run_as=(runuser -u postgres --)
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2
    ;;
pg-start)
    bin=$(pg_bin)
    run_as=()
    [[ $(id -u) -eq 0 ]] && run_as=(runuser -u postgres --)
    port=$(cat "$dir/port")
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=400 -c shared_buffers=256MB" start >&2
    ;;
*)
    echo "usage: $0 start|stop|pg-stop|pg-start DIR" >&2
    exit 2
    ;;
esac
