// Helpers of the staff journeys that need an admin: the API has no way to make one, and
// the test server starts empty, so these journeys start their own `boxoffice serve
// --demo` (which has admin@boxoffice.demo) on a fresh SQLite file, once, and stop it
// when the runner exits. The lib's helpers are bound to BOXOFFICE_URL; these take a base.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { check, unique } from "./lib.mjs";

/** The demo admin's credentials (command-api/src/demo.rs). */
export const DEMO_ADMIN = { email: "admin@boxoffice.demo", password: "boxoffice-demo" };

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

let started;
/** The base URL of a demo server of this run (started on first use). */
export function demoServer() {
  started ??= (async () => {
    const bin = process.env.BOXOFFICE_BIN ?? resolve(process.env.CARGO_TARGET_DIR ?? "../target", "debug/boxoffice");
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "boxoffice-staff-e2e-"));
    const child = spawn(bin, ["serve", "--demo", "--addr", `127.0.0.1:${port}`, "--web-dir", resolve("dist")], {
      env: { ...process.env, DATABASE_URL: `sqlite:${dir}/staff.db`, RUST_LOG: "warn" },
      stdio: "ignore",
    });
    process.on("exit", () => child.kill());
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i += 1) {
      if (child.exitCode !== null) throw new Error(`${bin} serve --demo exited with ${child.exitCode}`);
      const up = await fetch(`${base}/health`).then((r) => r.ok, () => false);
      if (up) return base;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${bin} serve --demo did not answer on ${base}`);
  })();
  return started;
}

/** The API of the server at `base`: call, account, listing, book and pages bound to it. */
export function at(base) {
  async function call(method, path, { token, body } = {}) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return [response.status, text ? JSON.parse(text) : null];
  }
  async function ok(method, path, options) {
    const [status, body] = await call(method, path, options);
    check(status === 200 || status === 201, `${method} ${path}: ${status} ${JSON.stringify(body)}`);
    return body;
  }
  async function logIn(who) {
    const s = await ok("POST", "/api/v1/sessions", { body: { email: who.email, password: who.password } });
    return { ...who, id: s.user_id, token: s.access_token, refresh: s.refresh_token };
  }
  async function account(kind = "customer", name = "E2E Person") {
    const email = `${unique(kind)}@example.com`;
    const password = "correct horse battery";
    await ok("POST", "/api/v1/accounts", { body: { email, password, display_name: name, kind } });
    return logIn({ email, password });
  }
  async function listing(organizer, { title = unique("Door Night "), seats = 10, price = 2500 } = {}) {
    const now = Date.now();
    const starts = new Date(now + 10 * 86_400_000);
    const created = await ok("POST", "/api/v1/listings", {
      token: organizer.token,
      body: {
        title,
        venue: { name: "Hall", address: "2 Quay", city: "Nantes", country: "FR" },
        category: "concert",
        starts_at: starts.toISOString(),
        ends_at: new Date(starts.getTime() + 7_200_000).toISOString(),
        time_zone: "Europe/Paris",
        sales: { opens_at: new Date(now).toISOString(), closes_at: new Date(starts.getTime() - 3_600_000).toISOString() },
        max_tickets_per_booking: 4,
        ticket_types: [{ name: "Floor", price: { amount: price, currency: "EUR" }, capacity: seats }],
      },
    });
    await ok("POST", `/api/v1/listings/${created.listing_id}/publish`, { token: organizer.token });
    return { id: created.listing_id, typeId: created.ticket_type_ids[0], title };
  }
  async function book(buyer, l, seats = 1) {
    const hold = await ok("POST", `/api/v1/listings/${l.id}/holds`, { token: buyer.token, body: { ticket_type_id: l.typeId, seats } });
    return ok("POST", `/api/v1/listings/${l.id}/holds/${hold.hold_id}/confirm`, { token: buyer.token, body: { payment_token: "tok_ok" } });
  }
  async function newPage(browser, width = 1440) {
    const context = await browser.newContext({ baseURL: base, viewport: { width, height: width < 600 ? 800 : 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.errors = [];
    page.on("pageerror", (e) => page.errors.push(e.message));
    return page;
  }
  return { call, ok, logIn, account, listing, book, newPage };
}
