// The staff side's journeys: an organizer creates, publishes, edits and cancels a
// listing; door staff admit, see "already admitted", and undo; the dashboard shows the
// query API's figures after scripted sales and refunds; an admin suspends a user whose
// next refresh then signs them out.
import { account, book, call, check, eventually, inspect, listing, logIn, newPage, unique } from "../lib.mjs";
import { at, DEMO_ADMIN, demoServer } from "../staff-lib.mjs";

/** Money as the app writes it (ui/format.ts, en-GB). */
function euros(amount) {
  return amount ? new Intl.NumberFormat("en-GB", { style: "currency", currency: amount.currency }).format(amount.amount_minor / 100) : "–";
}
/** A rate as the dashboard writes it. */
function percent(rate) {
  return rate === null || rate === undefined ? "–" : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** An organizer creates a listing with two ticket types, publishes, edits, and cancels it. */
async function organizer({ browser, pages }) {
  const me = await account("organizer", "Olga Organizer");
  const page = await newPage(browser);
  pages.push(page);
  await logIn(page, me, "/organizer");
  await page.getByText("No listings yet").waitFor();
  check((await page.getByRole("link", { name: "Admin" }).count()) === 0, "organizers see no admin entry");
  check((await page.getByRole("link", { name: "Door" }).count()) === 1, "organizers see the door entry");
  await inspect(page, "organizer-empty");

  await page.getByRole("link", { name: "New listing" }).click();
  await page.getByRole("heading", { name: "New listing" }).waitFor();
  const title = unique("Harbour Jazz ");
  await page.getByLabel("Description").fill("Two sets by the water.");
  await page.getByLabel("Venue name").fill("Harbour Hall");
  await page.getByLabel("Street address").fill("5 Quai Est");
  await page.getByLabel("City").fill("Lyon");
  await page.getByLabel("Time zone").selectOption("Europe/Paris");
  await page.getByLabel("Starts").fill("2027-06-12T20:00");
  await page.getByLabel("Ends").fill("2027-06-12T23:00");
  await page.getByLabel("Sales open").fill("2026-01-01T09:00");
  await page.getByLabel("Sales close").fill("2027-06-12T19:00");
  const first = page.getByRole("group", { name: "Ticket type 1" });
  await first.getByLabel("Ticket type").fill("Stalls");
  await first.getByLabel("Price (EUR)").fill("30");
  await first.getByLabel("Seats").fill("50");
  await page.getByRole("button", { name: "Add a ticket type" }).click();
  const second = page.getByRole("group", { name: "Ticket type 2" });
  await second.getByLabel("Ticket type").fill("Balcony");
  await second.getByLabel("Price (EUR)").fill("19,5x");
  await second.getByLabel("Seats").fill("20");

  // A price the browser cannot read is named beside its field before anything is sent.
  await page.getByRole("button", { name: "Create draft" }).click();
  await page.locator('.field-error[data-field="ticket_types[1].price.amount"]').waitFor();
  await second.getByLabel("Price (EUR)").fill("19.50");
  // The title was left empty: the API's 422 shows under the title field.
  await page.getByRole("button", { name: "Create draft" }).click();
  await page.locator('.field-error[data-field="title"]').waitFor();
  check((await page.locator(".field-error").count()) === 1, "only the title is wrong now");
  await inspect(page, "organizer-new-error");
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: "Create draft" }).click();

  await page.getByRole("heading", { name: title }).waitFor();
  await page.getByTestId("status").filter({ hasText: "Draft" }).waitFor();
  check((await page.getByText("20:00 (Europe/Paris)").count()) > 0, "the start shows in the listing's zone, named");
  check((await page.getByTestId("type-Balcony").textContent()).includes("€19.50"), "Balcony costs €19.50");
  const id = page.url().split("/").pop();
  const [, detail] = await call("GET", `/api/v1/listings/${id}`, { token: me.token });
  check(detail.starts_at.startsWith("2027-06-12T18:00:00"), `20:00 in Paris is 18:00 UTC (${detail.starts_at})`);
  check(detail.ticket_types.map((t) => `${t.name}:${t.price.amount_minor}`).join() === "Stalls:3000,Balcony:1950", "prices in cents");
  await inspect(page, "organizer-draft");

  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByTestId("status").filter({ hasText: "On sale" }).waitFor();

  // Edit details: a new title.
  await page.getByRole("button", { name: "Edit details" }).click();
  await page.getByLabel("Title").fill(`${title} (late show)`);
  await page.getByRole("button", { name: "Save details" }).click();
  await page.getByRole("heading", { name: `${title} (late show)` }).waitFor();

  // A third ticket type, and more seats in the stalls.
  const add = page.locator("form", { has: page.getByRole("heading", { name: "Add a ticket type" }) });
  await add.getByLabel("Ticket type").fill("Standing");
  await add.getByLabel("Price (EUR)").fill("12");
  await add.getByLabel("Seats").fill("30");
  await add.getByRole("button", { name: "Add ticket type" }).click();
  await page.getByTestId("type-Standing").waitFor();
  await page.getByLabel("Capacity of Stalls").fill("60");
  await page.getByTestId("type-Stalls").getByRole("button", { name: "Save" }).click();
  await page.getByTestId("type-Stalls").getByTestId("capacity").filter({ hasText: "60" }).waitFor();

  // Per-buyer limits: a wrong value is named under its field, a right one is shown.
  const limits = page.getByRole("form", { name: "Per-buyer limits" });
  await limits.getByLabel("Most seats per buyer").fill("0");
  await limits.getByRole("button", { name: "Save limits" }).click();
  await limits.locator('[data-field="max_seats"]').filter({ hasText: "between 1 and" }).waitFor();
  await limits.getByLabel("Most seats per buyer").fill("3");
  await limits.getByLabel("Holds per buyer per minute").fill("4");
  await limits.getByRole("button", { name: "Save limits" }).click();
  await page.getByTestId("limits-summary").filter({ hasText: "at most 3 seats" }).waitFor();
  await page.getByTestId("limits-summary").filter({ hasText: "4 holds a minute" }).waitFor();

  // Someone books, then the organizer cancels: the confirmation says what happens.
  const buyer = await account("customer", "Bea Buyer");
  const [, fresh] = await call("GET", `/api/v1/listings/${id}`, { token: me.token });
  const booked = await book(buyer, { id, typeId: fresh.ticket_types[0].id }, 2);
  await page.reload();
  await page.getByTestId("attendee").filter({ hasText: "Bea Buyer" }).waitFor();
  await inspect(page, "organizer-listing");
  await page.getByRole("button", { name: "Cancel listing…" }).click();
  const confirm = page.locator(".confirm-box");
  await confirm.getByText("The 1 confirmed booking will be cancelled and refunded").waitFor();
  await inspect(page, "organizer-cancel-confirm");
  await page.getByLabel("Reason told to ticket holders").fill("The band is ill");
  await page.getByRole("button", { name: "Yes, cancel the listing" }).click();
  await page.getByTestId("cancelled").waitFor();
  await page.getByTestId("status").filter({ hasText: "Cancelled" }).waitFor();
  const refunded = await eventually(
    async () => (await call("GET", `/api/v1/me/bookings/${booked.booking_id}`, { token: buyer.token }))[1],
    (b) => b?.status === "cancelled",
  );
  check(refunded.status === "cancelled" && refunded.refund?.amount_minor === 6000, `the booking is refunded: ${JSON.stringify(refunded.refund)}`);

  await page.getByRole("link", { name: "My listings" }).first().click();
  await page.getByTestId("my-listing").filter({ hasText: "late show" }).getByText("Cancelled").waitFor();
  await inspect(page, "organizer-listings");
}

/** Door staff admit a ticket, see "already admitted" on a second scan, an unknown code, and undo. */
async function door({ browser, pages }) {
  const server = at(await demoServer());
  const admin = await server.logIn(DEMO_ADMIN);
  const org = await server.account("organizer", "Door Organizer");
  const l = await server.listing(org);
  const volunteer = await server.account("customer", "Val Volunteer");
  await server.ok("POST", `/api/v1/accounts/${volunteer.id}/role`, {
    token: admin.token,
    body: { role: { kind: "staff", organizer_id: org.id } },
  });
  const buyer = await server.account("customer", "Gus Guest");
  const booked = await server.book(buyer, l, 2);
  const [code, other] = booked.ticket_codes;
  // A ticket of the same organizer's other listing must not get in at this door.
  const elsewhere = await server.book(buyer, await server.listing(org, { title: unique("Other Night ") }), 1);

  const page = await server.newPage(browser, 375);
  pages.push(page);
  await logIn(page, volunteer, "/door");
  await page.getByRole("link", { name: "Door" }).waitFor();
  check((await page.getByRole("link", { name: "Organizer" }).count()) === 0, "staff see no organizer entry");
  await inspect(page, "door-home");
  await page.getByLabel("Door link or listing id").fill(`${server.base ?? ""}/door/${l.id}`);
  await page.getByRole("button", { name: "Open the door" }).click();
  await page.getByRole("heading", { name: l.title }).waitFor();
  await page.getByTestId("door-count").filter({ hasText: "0 of 2 admitted" }).waitFor();
  check((await page.getByTestId("verdict-region").getAttribute("aria-live")) === "assertive", "verdicts are announced");
  await inspect(page, "door-ready");

  const scan = async (text) => {
    await page.getByLabel("Ticket code").fill(text);
    await page.getByRole("button", { name: "Admit" }).click();
  };
  const verdict = page.getByTestId("verdict");
  await scan(code.toLowerCase());
  await page.locator('[data-kind="admitted"]').filter({ hasText: "Admitted" }).waitFor();
  await page.getByTestId("door-count").filter({ hasText: "1 of 2 admitted" }).waitFor({ timeout: 15_000 });
  await inspect(page, "door-admitted");

  // The second scan by keyboard alone: the field keeps focus after each answer.
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
  await page.locator('[data-kind="already"]').filter({ hasText: "Already admitted" }).waitFor();
  await inspect(page, "door-already");

  await scan("0000000000000000");
  await page.locator('[data-kind="unknown"]').filter({ hasText: "Unknown ticket" }).waitFor();
  await inspect(page, "door-unknown");
  await scan(elsewhere.ticket_codes[0]);
  await page.locator('[data-kind="unknown"]').filter({ hasText: elsewhere.ticket_codes[0] }).waitFor();

  // Undo undoes the last admission (not the unknown scan), and the ticket admits again.
  await page.getByRole("button", { name: `Undo admission of ${code}` }).click();
  await page.locator('[data-kind="undone"]').waitFor();
  await scan(code);
  await page.locator('[data-kind="admitted"]').waitFor();
  await scan(other);
  await eventually(async () => (await verdict.textContent()).includes(other), Boolean);
  await page.getByTestId("door-count").filter({ hasText: "2 of 2 admitted" }).waitFor({ timeout: 15_000 });
  const [, attendees] = await server.call("GET", `/api/v1/listings/${l.id}/attendees`, { token: org.token });
  check(attendees.checked_in === 2, `the API counts 2 admitted (${attendees.checked_in})`);
}

/** After scripted sales and refunds, the dashboard's figures equal the query API's. */
async function dashboard({ browser, pages }) {
  const org = await account("organizer", "Dana Dashboard");
  const l = await listing(org, { title: unique("Chart Night "), seats: 10, price: 2500 });
  // Two buyers (log-ins are rate limited per server): four holds, three bookings.
  const buyers = await Promise.all([1, 2].map((i) => account("customer", `Buyer ${i}`)));
  const booked = [];
  for (const [who, seats] of [
    [buyers[0], 2],
    [buyers[0], 1],
    [buyers[1], 3],
  ]) {
    booked.push(await book(who, l, seats));
  }
  const sold = Math.max(...booked.map((b) => b.position));
  // One refund, and one hold let go (conversion below 100%).
  const [, cancelled] = await call("POST", `/api/v1/bookings/${booked[2].booking_id}/cancel`, { token: buyers[1].token });
  const [, hold] = await call("POST", `/api/v1/listings/${l.id}/holds`, { token: buyers[0].token, body: { ticket_type_id: l.typeId, seats: 1 } });
  const [, released] = await call("POST", `/api/v1/listings/${l.id}/holds/${hold.hold_id}/release`, { token: buyers[0].token });
  const last = Math.max(sold, cancelled.position, released.position);

  const [s1, want] = await call("GET", `/api/v1/listings/${l.id}/analytics?after=${last}`, { token: org.token });
  check(s1 === 200 && want.seats_sold === 3 && want.cancellations === 1, `the API's figures: ${JSON.stringify(want)}`);
  const [, totals] = await call("GET", `/api/v1/organizer/analytics?after=${last}`, { token: org.token });

  const page = await newPage(browser);
  pages.push(page);
  await logIn(page, org, `/dashboard/${l.id}`);
  await page.getByRole("heading", { name: l.title }).waitFor();
  const shown = async (id) => (await page.getByTestId(`stat-${id}`).first().textContent()).trim();
  const expected = {
    "seats-sold": String(want.seats_sold),
    "seats-held": String(want.seats_held),
    "seats-free": String(want.seats_free),
    "fill-rate": percent(want.fill_rate),
    revenue: euros(want.revenue),
    refunds: euros(want.refunds),
    net: euros(want.net_revenue),
    bookings: String(want.bookings),
    cancellations: String(want.cancellations),
    conversion: percent(want.hold_to_booking_conversion),
    waitlist: String(want.waitlist_length),
    offers: `${want.offers_accepted} of ${want.offers_made} offers accepted`,
    "check-in-rate": percent(want.check_in_rate),
  };
  for (const [id, value] of Object.entries(expected)) {
    const text = await shown(id);
    check(text === value, `${id}: the dashboard shows ${text}, the API says ${value}`);
  }
  check(want.refunds.amount_minor > 0, "a refund was made");
  await page.getByText("The numbers as a table").click();
  const rows = await page.getByTestId("daily-table").locator("tbody tr").count();
  check(rows === want.daily.length, `one table row per day (${rows} vs ${want.daily.length})`);
  const day = want.daily.at(-1);
  const row = page.getByTestId("daily-table").locator("tbody tr").last();
  check((await row.textContent()).includes(euros({ amount_minor: day.revenue, currency: "EUR" })), "the day's revenue matches");
  check((await page.locator("svg.chart title").count()) === 2, "both charts have a title");
  await inspect(page, "dashboard-listing");

  await page.getByRole("link", { name: "Sales dashboard" }).click();
  const eur = page.getByTestId("totals-EUR");
  await eur.waitFor();
  const t = totals.totals.find((x) => x.currency === "EUR");
  check((await eur.getByTestId("stat-net").textContent()) === euros(t.net_revenue), "organizer net revenue matches");
  check((await eur.getByTestId("stat-seats-sold").textContent()) === String(t.seats_sold), "organizer seats sold match");
  check((await page.getByTestId("top-listing").first().textContent()).includes(l.title), "the listing tops the list");
  await inspect(page, "dashboard");
}

/** An admin suspends a user; the user's open session is signed out at its next refresh. */
async function admin({ browser, pages }) {
  const server = at(await demoServer());
  const victim = await server.account("customer", "Sue Spended");

  // The user's own browser, with a clock the test can move to the token's refresh time.
  const theirs = await server.newPage(browser, 375);
  pages.push(theirs);
  await theirs.clock.install();
  await logIn(theirs, victim, "/tickets");
  await theirs.getByRole("heading", { name: "My tickets" }).waitFor();

  const page = await server.newPage(browser);
  pages.push(page);
  await logIn(page, DEMO_ADMIN, "/admin");
  await page.getByRole("link", { name: "Admin" }).waitFor();
  await page.getByTestId("metric-accounts").waitFor();
  await page.getByTestId("projection-catalog").getByText("ok").waitFor();
  await inspect(page, "admin");

  await page.getByLabel("Account id").fill(victim.id);
  await page.getByLabel("Reason (for other admins)").fill("Reselling tickets");
  await page.getByRole("button", { name: "Suspend" }).click();
  await page.getByTestId("admin-done").filter({ hasText: "suspended" }).waitFor();
  await inspect(page, "admin-suspended");

  // Fifteen minutes later the page refreshes its token: refused, so it signs out.
  await theirs.clock.fastForward("15:00");
  await theirs.waitForURL((url) => url.pathname === "/login");
  await theirs.getByRole("link", { name: "Log in" }).waitFor();
  check((await theirs.evaluate(() => localStorage.getItem("boxoffice.refresh"))) === null, "the dead token is dropped");
  const [status] = await server.call("POST", "/api/v1/sessions", { body: { email: victim.email, password: victim.password } });
  check(status === 401 || status === 403, `a suspended user cannot log in (${status})`);

  await page.getByRole("button", { name: "Reinstate" }).click();
  await page.getByTestId("admin-done").filter({ hasText: "reinstated" }).waitFor();
  const [again] = await server.call("POST", "/api/v1/sessions", { body: { email: victim.email, password: victim.password } });
  check(again === 200, `a reinstated user logs in (${again})`);
}

export const journeys = [
  { name: "organizer", title: "an organizer creates, publishes, edits and cancels a listing", run: organizer },
  { name: "door", title: "door staff admit, see already admitted, an unknown code, and undo", run: door },
  { name: "dashboard", title: "the dashboard's figures equal the query API's after sales and refunds", run: dashboard },
  { name: "admin", title: "an admin suspends a user whose next refresh signs them out", run: admin },
];
