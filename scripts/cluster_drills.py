#!/usr/bin/env python3
"""Fault drills on a cluster that scripts/cluster.sh started (python3 stdlib only).

    python3 scripts/cluster_drills.py CLUSTER_DIR

Called by scripts/cluster-drills.sh, which brings the cluster up and down. Each drill
prints what it did and what it checked; the first failed check prints `DRILL FAILED: ...`
and exits 1. The drills, in order:

  api       kill -9 the API process that owns a listing mid-sale: every request is retried
            with its Idempotency-Key until answered; every 2xx-acknowledged booking must be
            in the log and the read model, and the seats sold must equal the seats
            acknowledged (no retry booked twice, nothing acknowledged lost).
  catalog   kill -9 a catalog projector worker while bookings keep coming: the other one
            takes over, the catalog reaches the log head, `boxoffice verify` passes.
  notifier  kill -9 a notifier while it sends: every message is delivered exactly once
            (the SMTP sink's Maildir, by Message-ID) and nothing is left pending.
  postgres  stop and start PostgreSQL: /ready fails meanwhile, then every process is ready
            again by itself, and a booking afterwards is projected and mailed.
"""

import base64
import concurrent.futures
import email.parser
import json
import mailbox
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

DIR = sys.argv[1] if len(sys.argv) > 1 else "/tmp/boxoffice-cluster"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(
    line.split("=", 1)
    for line in open(os.path.join(DIR, "cluster.env")).read().splitlines()
    if "=" in line
)
LB = ENV["LB"] + "/api/v1"
PG_BIN = sorted(
    (d for d in os.listdir("/usr/lib/postgresql")), key=lambda v: [int(x) for x in v.split(".")]
)[-1]
PSQL = f"/usr/lib/postgresql/{PG_BIN}/bin/psql"
STARTED = time.monotonic()


class DrillFailed(Exception):
    pass


def log(message):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def check(condition, message):
    if not condition:
        raise DrillFailed(message)
    log(f"  ok: {message}")


# ---- HTTP ---------------------------------------------------------------------------


def request(method, url, body=None, token=None, key=None, timeout=30):
    """(status, parsed JSON or None); status 0 when the connection failed."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    if key:
        req.add_header("idempotency-key", key)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, None


def retryable(status, body):
    """A failure of the moment: the process died under the request, none is ready, or the
    first try of this Idempotency-Key is still counted as running."""
    if status == 0 or status >= 500:
        return True
    if status == 409 and body and "Idempotency-Key" in (body.get("detail") or ""):
        return True
    return False


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.retried = 0  # requests that needed more than one try and then succeeded
        self.tries = 0  # extra tries in all
        self.replayed = 0  # retries answered from the stored first answer


STATS = Stats()


def command(path, body, token, within=120):
    """POSTs with one Idempotency-Key, retrying until a final answer (at most `within` s)."""
    key = str(uuid.uuid4())
    deadline = time.monotonic() + within
    tries = 0
    while True:
        status, answer = request("POST", LB + path, body, token, key)
        if not retryable(status, answer) or time.monotonic() > deadline:
            break
        tries += 1
        time.sleep(min(0.05 * 2**tries, 2.0))
    if tries and 200 <= status < 300:
        with STATS.lock:
            STATS.retried += 1
            STATS.tries += tries
    return status, answer


def account(kind):
    email_address = f"{kind}-{uuid.uuid4().hex[:12]}@drill.example"
    password = "drill password 123"
    status, body = command(
        "/accounts",
        {"email": email_address, "password": password, "display_name": "Drill", "kind": kind},
        None,
    )
    if status != 201:
        raise DrillFailed(f"register {kind}: {status} {body}")
    status, body = command("/sessions", {"email": email_address, "password": password}, None)
    if status != 200:
        raise DrillFailed(f"log in: {status} {body}")
    return body["access_token"]


def new_listing(organizer, seats):
    now = time.time()

    def at(offset):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + offset))

    status, body = command(
        "/listings",
        {
            "title": "Drill sale",
            "venue": {"name": "Hall", "address": "1 Main St", "city": "Lyon", "country": "FR"},
            "category": "concert",
            "starts_at": at(30 * 86400),
            "ends_at": at(30 * 86400 + 7200),
            "time_zone": "Europe/Paris",
            "sales": {"opens_at": at(-60), "closes_at": at(29 * 86400)},
            "max_tickets_per_booking": 4,
            "ticket_types": [
                {"name": "Floor", "price": {"amount": 0, "currency": "EUR"}, "capacity": seats}
            ],
            # A dozen buyers book over and over: per-buyer limits that allow it.
            "buyer_limits": {"max_seats": 1000000, "holds_per_minute": 10000},
        },
        organizer,
    )
    if status != 201:
        raise DrillFailed(f"create listing: {status} {body}")
    listing, ticket_type = body["listing_id"], body["ticket_type_ids"][0]
    status, body = command(f"/listings/{listing}/publish", {}, organizer)
    if status != 200:
        raise DrillFailed(f"publish: {status} {body}")
    return listing, ticket_type


class Sale:
    """Buyers holding 1-2 seats and confirming, every request retried with its key."""

    def __init__(self, listing, ticket_type, buyers):
        self.listing, self.ticket_type = listing, ticket_type
        self.tokens = [account("customer") for _ in range(buyers)]
        self.lock = threading.Lock()
        self.bookings = []  # (booking_id, seats, position, token)
        self.failures = []  # (what, status, body)
        self.stop = threading.Event()
        self.threads = []

    def book(self, token, seats):
        status, hold = command(
            f"/listings/{self.listing}/holds",
            {"ticket_type_id": self.ticket_type, "seats": seats},
            token,
        )
        path = f"/listings/{self.listing}/holds"
        if status != 201:
            return self.failed("hold", status, hold, path)
        path = f"/listings/{self.listing}/holds/{hold['hold_id']}/confirm"
        status, booking = command(path, {}, token)
        if status != 201:
            return self.failed("confirm", status, booking, path)
        with self.lock:
            self.bookings.append((booking["booking_id"], seats, booking["position"], token))

    def failed(self, what, status, body, path):
        with self.lock:
            self.failures.append((what, status, body, path))

    def buyer(self, i, token):
        while not self.stop.is_set():
            self.book(token, 1 + i % 2)

    def start(self):
        for i, token in enumerate(self.tokens):
            thread = threading.Thread(target=self.buyer, args=(i, token), daemon=True)
            thread.start()
            self.threads.append(thread)

    def wait_for(self, count, within):
        deadline = time.monotonic() + within
        while len(self.bookings) < count:
            if time.monotonic() > deadline:
                raise DrillFailed(f"only {len(self.bookings)} of {count} bookings in {within} s")
            time.sleep(0.05)

    def finish(self):
        """Lets every buyer finish its request in flight (retries included)."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=180)
        check(not any(t.is_alive() for t in self.threads), "every buyer finished")


# ---- the cluster's processes and database ---------------------------------------------


def pid_of(name):
    return int(open(os.path.join(DIR, "run", f"{name}.pid")).read())


def addr_of(name):
    return open(os.path.join(DIR, "run", f"{name}.addr")).read().strip()


def names(prefix):
    return sorted(
        f[: -len(".pid")]
        for f in os.listdir(os.path.join(DIR, "run"))
        if f.startswith(prefix) and f.endswith(".pid")
    )


def kill9(name):
    """kill -9 NAME; returns how to start it again (its command line and environment)."""
    pid = pid_of(name)
    argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[:-1]
    env = dict(
        item.split(b"=", 1) for item in open(f"/proc/{pid}/environ", "rb").read().split(b"\0") if b"=" in item
    )
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z":
            break
        time.sleep(0.05)
    log(f"  kill -9 {name} (pid {pid})")
    return argv, env


def restart(name, argv, env):
    """Starts NAME again as cluster.sh did (same command, environment and log)."""
    logfile = open(os.path.join(DIR, "logs", f"{name}.log"), "ab")
    process = subprocess.Popen(
        argv, env=env, stdout=logfile, stderr=logfile, stdin=subprocess.DEVNULL, start_new_session=True
    )
    with open(os.path.join(DIR, "run", f"{name}.pid"), "w") as f:
        f.write(f"{process.pid}\n")
    log(f"  started {name} again (pid {process.pid})")


def ready(url):
    return request("GET", url, timeout=3)[0] == 200


def wait(condition, within, what):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    raise DrillFailed(f"{what}: not within {within} s")


def sql(query):
    out = subprocess.run(
        [PSQL, ENV["DATABASE_URL"], "-At", "-v", "ON_ERROR_STOP=1", "-c", query],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if out.returncode != 0:
        raise DrillFailed(f"psql: {out.stderr.strip()}")
    return out.stdout.strip()


def metric(name, url):
    try:
        with urllib.request.urlopen(f"http://{url}/metrics", timeout=3) as response:
            text = response.read().decode()
    except OSError:
        return 0.0
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and line[len(name) : len(name) + 1] in ("{", " "):
            total += float(line.rsplit(" ", 1)[1])
    return total


def catalog_caught_up():
    row = sql(
        "SELECT (SELECT position FROM checkpoints WHERE name = 'projection:catalog'), "
        "(SELECT position FROM log_head)"
    )
    checkpoint, head = (int(x or 0) for x in row.split("|"))
    return checkpoint >= head


def verify():
    out = subprocess.run(
        [ENV["BIN"], "verify", "--database-url", ENV["DATABASE_URL"]],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RUST_LOG": "warn"},
    )
    summary = (out.stdout.strip().splitlines() or ["(no output)"])[-1]
    if out.returncode != 0:
        print(out.stdout[-3000:], out.stderr[-3000:], file=sys.stderr)
    check(out.returncode == 0, f"boxoffice verify passes ({summary})")


def sold(listing, after):
    status, body = request("GET", f"{LB}/listings/{listing}/availability?after={after}")
    if status != 200:
        raise DrillFailed(f"availability: {status} {body}")
    return body["seats_sold"]


def explain_failures(sale):
    """Prints each request that never got a 2xx, and what the log says about it."""
    for what, status, body, path in sale.failures:
        detail = (body or {}).get("detail", body)
        print(f"  {what} {path}: {status} {detail}", file=sys.stderr)
        hold = path.split("/holds/")[1].split("/")[0] if "/holds/" in path else None
        if what == "confirm" and hold:
            booking = sql(
                "SELECT stream_id FROM events WHERE event_type = 'booking_confirmed' "
                f"AND payload::text LIKE '%{hold}%' LIMIT 1"
            )
            if booking:
                print(
                    f"    the log holds {booking} for this hold: the first attempt committed in "
                    "the killed process, whose answer was never stored under the "
                    "Idempotency-Key; the retry that took the key over (after the 60 s "
                    "in-progress window) ran the command again and was refused, so the "
                    "buyer never learns its booking (command-api/src/routes/idempotent.rs)",
                    file=sys.stderr,
                )


# ---- the drills -------------------------------------------------------------------------


def drill_api(organizer):
    log("drill api: kill -9 the API process that owns a listing mid-sale")
    apis = names("api")
    check(len(apis) >= 2, f"{len(apis)} API processes to fail over between")
    listing, ticket_type = new_listing(organizer, 5000)
    sale = Sale(listing, ticket_type, buyers=12)
    before = {name: metric("boxoffice_writer_batch_size_count", addr_of(name)) for name in apis}
    sale.start()
    sale.wait_for(30, within=60)
    # Listing-hash routing: the owner is the process whose writer took the batches.
    grown = {name: metric("boxoffice_writer_batch_size_count", addr_of(name)) - before[name] for name in apis}
    owner = max(grown, key=grown.get)
    log(f"  writer batches per process since the sale opened: {grown}; the owner is {owner}")
    argv, env = kill9(owner)
    acked_at_kill = len(sale.bookings)
    sale.wait_for(acked_at_kill + 40, within=120)
    sale.finish()
    bookings = list(sale.bookings)
    log(
        f"  {len(bookings)} bookings acknowledged ({acked_at_kill} before the kill); "
        f"{STATS.retried} requests answered after {STATS.tries} retries"
    )
    explain_failures(sale)
    check(not sale.failures, "every request in flight at the kill got a 2xx in the end")
    check(STATS.retried > 0, f"{STATS.retried} in-flight requests were retried and succeeded")
    ids = ",".join(f"'booking-{b[0]}'" for b in bookings)
    in_log = int(sql(f"SELECT count(DISTINCT stream_id) FROM events WHERE stream_id IN ({ids})"))
    check(in_log == len(bookings), f"all {len(bookings)} acknowledged bookings are in the log ({in_log})")
    newest = max(b[2] for b in bookings)
    missing = []
    for booking_id, _, position, token in bookings:
        status, _ = request("GET", f"{LB}/me/bookings/{booking_id}?after={position}", token=token)
        if status != 200:
            missing.append((booking_id, status))
    check(not missing, f"all {len(bookings)} acknowledged bookings are readable (missing: {missing[:3]})")
    seats = sum(b[1] for b in bookings)
    check(sold(listing, newest) == seats, f"seats sold = seats acknowledged = {seats} (no retry booked twice)")
    restart(owner, argv, env)
    wait(lambda: ready(f"http://{addr_of(owner)}/ready"), 60, f"{owner} ready again")
    log(f"  {owner} is ready again")


def drill_catalog(organizer):
    log("drill catalog: kill -9 a catalog projector worker while bookings keep coming")
    listing, ticket_type = new_listing(organizer, 2000)
    sale = Sale(listing, ticket_type, buyers=6)
    sale.start()
    sale.wait_for(10, within=60)
    argv, env = kill9("project-catalog-1")
    at_kill = len(sale.bookings)
    sale.wait_for(at_kill + 30, within=60)
    sale.finish()
    explain_failures(sale)
    check(not sale.failures, "bookings went on while a catalog worker was dead")
    wait(catalog_caught_up, 30, "the catalog reaching the log head")
    check(True, "project-catalog-2 took over: the catalog checkpoint reached the log head")
    newest = max(b[2] for b in sale.bookings)
    seats = sum(b[1] for b in sale.bookings)
    check(sold(listing, newest) == seats, f"the catalog shows the {seats} seats sold")
    verify()
    restart("project-catalog-1", argv, env)
    wait(lambda: ready(f"http://{addr_of('project-catalog-1')}/ready"), 60, "project-catalog-1 ready again")


def messages():
    """Message-ID -> how many times it is in the Maildir."""
    counts = {}
    parser = email.parser.BytesHeaderParser()
    box = mailbox.Maildir(ENV["MAILDIR"], create=False)
    for key in box.keys():
        with box.get_file(key) as f:
            message_id = parser.parse(f).get("Message-ID", "").strip()
        counts[message_id] = counts.get(message_id, 0) + 1
    return counts


def deliveries_pending():
    """Messages not sent yet (claimed ones included), hold reminders aside (due later)."""
    return int(
        sql(
            "SELECT count(*) FROM notifier_deliveries "
            "WHERE status NOT IN ('sent', 'withdrawn') AND template <> 'hold_expiring'"
        )
    )


def drill_notifier(organizer):
    log("drill notifier: kill -9 a notifier while it sends")
    listing, ticket_type = new_listing(organizer, 2000)
    sale = Sale(listing, ticket_type, buyers=6)
    sale.start()
    sale.wait_for(10, within=60)
    argv, env = kill9("notify1")
    # What was claimed at the kill may already be in the SMTP server's hands with its
    # "sent" not yet recorded: SMTP has no way to take a message back or to ask whether
    # it arrived, so such a message goes out again, with the same Message-ID (receivers
    # de-duplicate by it). Everything else must arrive exactly once.
    in_flight = {
        f"<{event}.{template}.{recipient}@boxoffice>"
        for event, recipient, template in (
            line.split("|")
            for line in sql(
                # A claim is a pending message whose due time was pushed a lease ahead.
                "SELECT event_id || '|' || recipient || '|' || template "
                "FROM notifier_deliveries WHERE status = 'pending' AND due_at > now() "
                f"AND due_at <= now() + interval '{int(os.environ.get('NOTIFIER_CLAIM_SECS', '300')) + 5} seconds'"
            ).splitlines()
            if line
        )
    }
    log(f"  {len(in_flight)} messages were claimed at the kill")
    sale.wait_for(len(sale.bookings) + 30, within=60)
    sale.finish()
    explain_failures(sale)
    check(not sale.failures, "bookings went on while a notifier was dead")
    bookings = list(sale.bookings)
    # The dead notifier's partitions move after the session timeout (10 s here), and its
    # claimed messages to the other once the claim lapses (NOTIFIER_CLAIM_SECS).
    wait(
        lambda: deliveries_pending() == 0
        and int(sql("SELECT count(*) FROM notifier_deliveries")) > 0
        and int(
            sql(
                "SELECT count(*) FROM events e WHERE e.event_type = 'tickets_issued' AND NOT EXISTS "
                "(SELECT 1 FROM notifier_deliveries d WHERE d.event_id = e.event_id::text)"
            )
        )
        == 0,
        90,
        "every tickets_issued event consumed and every due message sent",
    )
    sent = int(sql("SELECT count(*) FROM notifier_deliveries WHERE status = 'sent'"))
    dead = int(sql("SELECT count(*) FROM notifier_dead_letters"))
    check(dead == 0, "no message parked as failed")
    counts = messages()
    twice = {k: v for k, v in counts.items() if v > 1}
    beyond = {k: v for k, v in twice.items() if k not in in_flight or v > 2}
    check(
        not beyond,
        f"no message delivered twice but one in flight at the kill, and that at most twice "
        f"({len(counts)} distinct in the Maildir; {len(twice)} twice, all in flight; beyond: {list(beyond)[:3]})",
    )
    check(len(counts) == sent, f"the Maildir holds every sent message ({len(counts)} distinct = {sent} sent)")
    tickets = [k for k in counts if ".booking_confirmed." in k]
    issued = int(sql("SELECT count(*) FROM events WHERE event_type = 'tickets_issued'"))
    check(
        len(tickets) == issued,
        f"one booking message per booking in the log: {len(tickets)} = {issued} "
        f"({len(bookings)} made during this drill)",
    )
    restart("notify1", argv, env)
    wait(lambda: ready(f"http://{addr_of('notify1')}/ready"), 60, "notify1 ready again")


def drill_postgres(organizer):
    log("drill postgres: stop PostgreSQL, start it again; everything recovers by itself")
    pg = os.path.join(DIR, "pg")
    subprocess.run([os.path.join(ROOT, "scripts/postgres.sh"), "pg-stop", pg], check=True, capture_output=True)
    log("  PostgreSQL stopped")
    wait(lambda: request("GET", ENV["LB"] + "/ready", timeout=5)[0] == 503, 20, "/ready failing")
    check(True, "the load balancer's /ready answers 503 while the database is down")
    time.sleep(3)
    subprocess.run([os.path.join(ROOT, "scripts/postgres.sh"), "pg-start", pg], check=True, capture_output=True)
    log("  PostgreSQL started")
    http = [n for n in names("") if open(os.path.join(DIR, "run", f"{n}.ready")).read().strip() != "-"]
    for name in http:
        url = open(os.path.join(DIR, "run", f"{name}.ready")).read().strip()
        wait(lambda: ready(url), 90, f"{name} ready again")
    check(True, f"every process is ready again by itself: {', '.join(http)}")
    sale = Sale(*new_listing(organizer, 100), buyers=2)
    sale.start()
    sale.wait_for(4, within=30)
    sale.finish()
    explain_failures(sale)
    check(not sale.failures, "bookings succeed after the restart")
    wait(catalog_caught_up, 30, "the catalog reaching the log head after the restart")
    check(True, "projections caught up after the restart")
    wait(
        lambda: deliveries_pending() == 0
        and int(sql("SELECT count(*) FROM notifier_deliveries WHERE template = 'booking_confirmed'"))
        >= int(sql("SELECT count(*) FROM events WHERE event_type = 'tickets_issued'")),
        60,
        "the notifiers mailing the bookings made after the restart",
    )
    check(True, "the notifiers mailed the bookings made after the restart")
    verify()


DRILLS = {"api": drill_api, "catalog": drill_catalog, "notifier": drill_notifier, "postgres": drill_postgres}


def main():
    chosen = os.environ.get("DRILLS", "api catalog notifier postgres").split()
    organizer = account("organizer")
    results = []
    for name in chosen:
        started = time.monotonic()
        try:
            DRILLS[name](organizer)
        except DrillFailed as failure:
            print(f"DRILL FAILED: {name}: {failure}", file=sys.stderr, flush=True)
            print(f"  (logs in {DIR}/logs)", file=sys.stderr)
            return 1
        results.append((name, time.monotonic() - started))
        log(f"drill {name}: passed in {results[-1][1]:.0f} s")
    log("every drill passed: " + ", ".join(f"{n} {s:.0f} s" for n, s in results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
