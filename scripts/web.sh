#!/usr/bin/env bash
# The web app's tasks: `deps`, `build`, `gen-types`, `check-types`, `run`, `test`, `bench`.
#   deps         npm ci in web/ when the lock file changed since the last install
#   build        deps, then the production build into web/dist
#   gen-types    start a debug `boxoffice serve` on a free port and a temp SQLite file,
#                fetch /api/openapi.json, write web/src/api/schema.d.ts
#   check-types  the same into a temp file; fails when the committed one is stale
#   run          build, then `cargo run --release -- serve --demo` (what `make run` does)
#   test         the `make test` stage: chromium, deps, tsc, eslint, stale types, vitest,
#                build, and the browser journeys on SQLite (and the buyer's on PostgreSQL)
#   bench        bundle sizes (gzip) and the listing page's time to first render
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"

deps() {
    # npm ci wipes node_modules; skip it when the installed tree matches the lock file.
    local stamp=web/node_modules/.boxoffice-lock
    if [ -f "$stamp" ] && cmp -s web/package-lock.json "$stamp"; then
        return
    fi
    echo "==> npm ci (web/)"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    cp web/package-lock.json "$stamp"
}

build() {
    deps
    echo "==> building the web app (web/dist)"
    (cd web && npx vite build --logLevel warn)
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts `$target/debug/boxoffice serve` on a free port; sets SERVER_PID and SERVER_URL.
# $1: database URL (default: a new SQLite file in $TMP_DIR), rest: extra serve flags.
start_server() {
    local db="${1:-sqlite:$TMP_DIR/boxoffice.db}"
    shift || true
    local port
    port=$(free_port)
    DATABASE_URL="$db" BOXOFFICE_LOG_FORMAT=text RUST_LOG=warn \
        "$target/debug/boxoffice" serve --addr "127.0.0.1:$port" --web-dir "$root/web/dist" "$@" \
        >"$TMP_DIR/serve-$port.log" 2>&1 &
    SERVER_PID=$!
    SERVER_URL="http://127.0.0.1:$port"
    SERVER_LOG="$TMP_DIR/serve-$port.log"
    for _ in $(seq 1 100); do
        if curl -fsS "$SERVER_URL/health" >/dev/null 2>&1; then
            return
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            cat "$TMP_DIR/serve-$port.log" >&2
            echo "boxoffice serve exited before answering" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "boxoffice serve did not answer on $SERVER_URL" >&2
    return 1
}

stop_server() {
    if [ -n "${SERVER_PID:-}" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}

with_tmp() {
    TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/boxoffice-web.XXXXXX")
    trap 'stop_server; rm -rf "$TMP_DIR"' EXIT
}

# Writes the served OpenAPI document as TypeScript types into $1.
generate_types() {
    local out=$1
    [ -x "$target/debug/boxoffice" ] || cargo build --bin boxoffice --quiet
    start_server
    curl -fsS "$SERVER_URL/api/openapi.json" -o "$TMP_DIR/openapi.json"
    stop_server
    (cd web && npx openapi-typescript "$TMP_DIR/openapi.json" -o "$out" --silent >/dev/null)
}

check_types() {
    generate_types "$TMP_DIR/schema.d.ts"
    if ! cmp -s "$TMP_DIR/schema.d.ts" web/src/api/schema.d.ts; then
        diff -u web/src/api/schema.d.ts "$TMP_DIR/schema.d.ts" | head -40 >&2 || true
        echo "web/src/api/schema.d.ts is stale: run scripts/web.sh gen-types and commit it" >&2
        return 1
    fi
    echo "web/src/api/schema.d.ts matches the served OpenAPI document"
}

# A fresh PostgreSQL database on TEST_DATABASE_URL's server; prints its URL.
fresh_postgres() {
    local base=$TEST_DATABASE_URL name
    name="web_e2e_$(date +%s)_$$_$RANDOM"
    psql "$base" -qAt -c "CREATE DATABASE $name" >/dev/null
    echo "${base%/*}/$name"
}

drop_postgres() {
    psql "$TEST_DATABASE_URL" -qAt -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null || true
}

# Runs the browser journeys ($2...: names, none = all), each against its own fresh server
# and database ($1 makes one: `sqlite` or `postgres`), so journeys never share data or
# the API's per-address log-in limit.
journeys() {
    local kind=$1 name db failed=0
    shift
    local names=("$@")
    if [ ${#names[@]} -eq 0 ]; then
        mapfile -t names < <(cd web && node e2e/run.mjs --list)
    fi
    for name in "${names[@]}"; do
        if [ "$kind" = postgres ]; then db=$(fresh_postgres); else db="sqlite:$TMP_DIR/e2e-$name.db"; fi
        start_server "$db" --hold-minutes 10
        if ! (cd web && BOXOFFICE_URL="$SERVER_URL" node e2e/run.mjs "$name"); then
            failed=1
            echo "--- last lines of the server's log ($name):" >&2
            tail -n 20 "$SERVER_LOG" >&2
        fi
        stop_server
        if [ "$kind" = postgres ]; then drop_postgres "${db##*/}"; fi
    done
    return "$failed"
}

stage() {
    if [ ! -x /usr/bin/chromium ]; then
        echo "==> installing Debian's chromium for the browser tests"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
    fi
    deps
    echo "==> web: tsc --noEmit"
    (cd web && npx tsc --noEmit)
    echo "==> web: eslint"
    (cd web && npx eslint . --max-warnings 0)
    echo "==> web: cargo build --bin boxoffice"
    cargo build --bin boxoffice --locked --quiet
    echo "==> web: generated API types are current"
    check_types
    echo "==> web: vitest"
    (cd web && npx vitest run --reporter=dot)
    build
    echo "==> web: browser journeys on SQLite"
    journeys sqlite
    if [ -n "${TEST_DATABASE_URL:-}" ]; then
        if ! command -v psql >/dev/null; then
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client) >/dev/null
        fi
        echo "==> web: buyer journey on PostgreSQL"
        journeys postgres buyer
    fi
}

bench() {
    build
    (cd web && node scripts/bundle-size.mjs)
    [ -x "$target/debug/boxoffice" ] || cargo build --bin boxoffice --quiet
    start_server "sqlite:$TMP_DIR/bench.db" --demo
    (cd web && BOXOFFICE_URL="$SERVER_URL" node scripts/first-render.mjs)
    stop_server
}

case "${1:-}" in
    deps) deps ;;
    build) build ;;
    gen-types) with_tmp; generate_types "$root/web/src/api/schema.d.ts"; echo "wrote web/src/api/schema.d.ts" ;;
    check-types) with_tmp; check_types ;;
    run)
        build
        exec cargo run --release --bin boxoffice -- serve --demo --web-dir "$root/web/dist"
        ;;
    test) with_tmp; stage ;;
    bench) with_tmp; bench ;;
    *) echo "usage: scripts/web.sh deps|build|gen-types|check-types|run|test|bench" >&2; exit 2 ;;
esac
