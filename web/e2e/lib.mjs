// Helpers of the browser journeys: Debian's Chromium driven by playwright-core (no
// browser download), the API called directly for set-up, screenshots at phone and
// desktop width, and axe-core over every screen.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

/** The server under test. */
export const BASE = process.env.BOXOFFICE_URL ?? "http://127.0.0.1:8080";
/** Where screenshots go (not committed). */
export const SHOTS = resolve(process.env.BOXOFFICE_SCREENSHOTS ?? "../target/web-screenshots");
/** Phone and desktop widths every screen is checked at. */
export const WIDTHS = [375, 1440];

/** Starts headless Chromium from the system's package with a fresh profile. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A new browser context (its own storage, like another person) and a page in it. */
export async function newPage(browser, width = 1440) {
  const context = await browser.newContext({ baseURL: BASE, viewport: { width, height: width < 600 ? 800 : 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // The app must work offline: nothing may be fetched from another origin.
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(BASE) && !url.startsWith("data:")) errors.push(`fetched from outside: ${url}`);
  });
  page.errors = errors;
  return page;
}

/** Fails when `cond` is false. */
export function check(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * Screenshots the current screen at both widths as `<name>-<width>.png`, fails if either
 * scrolls sideways, and runs axe at phone width (the rules it checks, such as labels,
 * contrast and names, do not change with the width; once keeps the stage fast); any
 * serious or critical violation fails the journey.
 */
export async function inspect(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width < 600 ? 800 : 900 });
    await page.waitForTimeout(50);
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `${name} at ${width}px scrolls sideways by ${overflow}px`);
    if (width !== WIDTHS[0]) continue;
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    check(
      bad.length === 0,
      `${name} at ${width}px: axe ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`).join("; ")}`,
    );
  }
  if (original) await page.setViewportSize(original);
}

/** Calls the API; answers [status, body]. */
export async function call(method, path, { token, body, key } = {}) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers["Idempotency-Key"] = key;
  const response = await fetch(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return [response.status, text ? JSON.parse(text) : null];
}

async function ok(method, path, options, want = [200, 201]) {
  const [status, body] = await call(method, path, options);
  check(want.includes(status), `${method} ${path}: ${status} ${JSON.stringify(body)}`);
  return body;
}

let counter = 0;
/** A unique word for this run, so journeys never see each other's data. */
export function unique(prefix) {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

/** Registers and logs in an account; answers { id, email, password, token, refresh }. */
export async function account(kind = "customer", name = "E2E Buyer") {
  const email = `${unique(kind)}@example.com`;
  const password = "correct horse battery";
  const created = await ok("POST", "/api/v1/accounts", { body: { email, password, display_name: name, kind } });
  const session = await ok("POST", "/api/v1/sessions", { body: { email, password } });
  return { id: created.user_id, email, password, token: session.access_token, refresh: session.refresh_token };
}

/** A published listing of `organizer` with one ticket type; answers { id, typeId, title }. */
export async function listing(organizer, { title = unique("Jazz"), seats = 10, price = 2500, city = "Lyon" } = {}) {
  const now = Date.now();
  const starts = new Date(now + 20 * 86_400_000);
  const body = {
    title,
    description: "A journey's listing",
    venue: { name: "Blue Room", address: "1 Main St", city, country: "FR" },
    category: "concert",
    starts_at: starts.toISOString(),
    ends_at: new Date(starts.getTime() + 3 * 3_600_000).toISOString(),
    time_zone: "Europe/Paris",
    sales: { opens_at: new Date(now).toISOString(), closes_at: new Date(starts.getTime() - 3_600_000).toISOString() },
    max_tickets_per_booking: 4,
    ticket_types: [{ name: "Balcony", price: { amount: price, currency: "EUR" }, capacity: seats }],
  };
  const created = await ok("POST", "/api/v1/listings", { token: organizer.token, body });
  await ok("POST", `/api/v1/listings/${created.listing_id}/publish`, { token: organizer.token, body: {} });
  return { id: created.listing_id, typeId: created.ticket_type_ids[0], title };
}

/** `buyer` holds and pays for `seats`; answers the booking. */
export async function book(buyer, l, seats = 1) {
  const hold = await ok("POST", `/api/v1/listings/${l.id}/holds`, { token: buyer.token, body: { ticket_type_id: l.typeId, seats } });
  return ok("POST", `/api/v1/listings/${l.id}/holds/${hold.hold_id}/confirm`, {
    token: buyer.token,
    body: { payment_token: "tok_ok" },
  });
}

/** Logs `who` in through the app's form and waits for the next screen. */
export async function logIn(page, who, next = "/") {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname === next);
}

/** The integer in the cell `testId` of the ticket type row `name`. */
export async function count(page, name, testId) {
  const text = await page.getByTestId(`type-${name}`).getByTestId(testId).textContent();
  return Number(text);
}

/** Polls `read` until `want(value)` or the timeout; answers the last value. */
export async function eventually(read, want, timeout = 8_000) {
  const end = Date.now() + timeout;
  let value = await read();
  while (!want(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 150));
    value = await read();
  }
  return value;
}
