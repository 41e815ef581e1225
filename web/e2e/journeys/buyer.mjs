// The buyer's journeys: search, hold, countdown, pay, QR tickets; a second person sees
// the free count drop live; a declined card keeps the hold.
import { account, book, call, check, count, eventually, inspect, listing, logIn, newPage, unique } from "../lib.mjs";

async function setUp() {
  const organizer = await account("organizer", "E2E Organizer");
  const l = await listing(organizer, { title: unique("Jazz Night "), seats: 10 });
  return { organizer, l };
}

/** A buyer registers, searches, holds 2 seats, watches the countdown, pays, sees QR tickets. */
async function buyer({ browser, pages }) {
  const { l } = await setUp();
  const page = await newPage(browser);
  pages.push(page);
  const watcher = await newPage(browser);
  pages.push(watcher);

  await page.goto("/");
  await page.getByRole("heading", { name: "Find something to go to" }).waitFor();
  await inspect(page, "browse");

  // Register through the app (the form answers with a field error first).
  await page.getByRole("link", { name: "Register" }).click();
  await page.getByLabel("Your name").fill("Ada Buyer");
  const email = `${unique("ada")}@example.com`;
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  const fieldError = page.locator('.field-error[data-field="password"]');
  await fieldError.waitFor();
  await inspect(page, "register-error");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("link", { name: "My tickets" }).waitFor();

  // Search by words and city.
  await page.getByRole("searchbox", { name: "Search" }).fill(l.title);
  await page.getByLabel("City").fill("Lyon");
  await page.getByRole("button", { name: "Search" }).click();
  const card = page.getByTestId("listing-card").filter({ hasText: l.title });
  await card.waitFor();
  check((await page.getByTestId("listing-card").count()) === 1, "the search finds exactly the listing");
  await card.getByRole("link", { name: l.title }).click();

  // The listing, live; a second person has it open too.
  await page.getByRole("heading", { name: l.title }).waitFor();
  await page.getByTestId("live-state").filter({ hasText: "Live" }).waitFor();
  check((await count(page, "Balcony", "free")) === 10, "10 seats free at first");
  check((await page.getByText("(Europe/Paris)").count()) > 0, "times name the listing's zone");
  await inspect(page, "listing");
  await watcher.goto(`/listings/${l.id}`);
  await watcher.getByTestId("live-state").filter({ hasText: "Live" }).waitFor();
  check((await count(watcher, "Balcony", "free")) === 10, "the watcher sees 10 free");

  // Hold 2 seats.
  await page.getByRole("spinbutton", { name: "Seats" }).fill("2");
  await page.getByRole("button", { name: "Hold seats" }).click();
  await page.waitForURL(/\/checkout\//);
  const countdown = page.getByTestId("countdown");
  await countdown.waitFor();
  const first = Number(await countdown.getAttribute("data-seconds"));
  check(first > 500 && first <= 600, `a 10-minute hold shows ${first} s left`);
  await page.waitForTimeout(2100);
  const later = Number(await countdown.getAttribute("data-seconds"));
  check(later < first && later >= first - 4, `the countdown moves (${first} then ${later})`);

  // The watcher's free count drops without a reload.
  const free = await eventually(() => count(watcher, "Balcony", "free"), (n) => n === 8);
  check(free === 8, `the watcher sees 8 free without reloading (saw ${free})`);
  check((await count(watcher, "Balcony", "held")) === 2, "and 2 held");

  // A reload keeps the server's expiry.
  await page.reload();
  await countdown.waitFor();
  const reloaded = Number(await countdown.getAttribute("data-seconds"));
  check(reloaded <= later && reloaded >= later - 5, `after a reload ${reloaded} s left (was ${later})`);
  check((await page.getByTestId("total").textContent()) === "€50.00", "the total is 2 × €25.00");
  await inspect(page, "checkout");

  // Back on the listing, the hold is there to return to.
  await page.goto(`/listings/${l.id}`);
  await page.getByTestId("my-holds-here").filter({ hasText: "You hold 2 × Balcony" }).waitFor();
  await inspect(page, "listing-with-hold");
  await page.getByRole("link", { name: "Pay now" }).click();
  await countdown.waitFor();

  // Pay with the good card.
  await page.getByLabel("Visa ending 4242 (pays)").check();
  await page.getByRole("button", { name: "Pay and book" }).click();
  await page.getByRole("heading", { name: "You are going!" }).waitFor();
  const codes = await page.getByTestId("ticket-code").allTextContents();
  check(codes.length === 2, `two ticket codes (${codes.join(", ")})`);
  check((await page.locator('[data-testid="ticket"] img[alt^="QR code"]').count()) === 2, "two QR codes");
  await inspect(page, "confirmation");
  const sold = await eventually(() => count(watcher, "Balcony", "sold"), (n) => n === 2);
  check(sold === 2, "the watcher sees 2 sold");

  // My tickets and the booking page show them.
  await page.getByRole("link", { name: "All my tickets" }).click();
  await page.getByTestId("booking").first().waitFor();
  await inspect(page, "my-tickets");
  await page.getByTestId("booking").getByRole("link").first().click();
  await page.getByTestId("ticket").first().waitFor();
  const shown = await page.getByTestId("ticket-code").allTextContents();
  check(shown.sort().join() === codes.sort().join(), "the booking page shows the same codes");
  await inspect(page, "booking");
  await page.getByRole("link", { name: "Account" }).click();
  await page.getByTestId("me-name").filter({ hasText: "Ada Buyer" }).waitFor();
  await inspect(page, "account");
}

/** A declined card shows the provider's answer and keeps the hold; the next card pays. */
async function declined({ browser, pages }) {
  const { l } = await setUp();
  const who = await account("customer");
  const page = await newPage(browser, 375);
  pages.push(page);
  await logIn(page, who, `/listings/${l.id}`);
  await page.getByRole("button", { name: "Hold seats" }).click();
  await page.waitForURL(/\/checkout\//);
  await page.getByLabel("Card ending 0002 (declined)").check();
  await page.getByRole("button", { name: "Pay and book" }).click();
  const error = page.locator(".form-error");
  await error.waitFor();
  const text = (await error.textContent()) ?? "";
  check(/declin/i.test(text), `the error says declined: ${text}`);
  check(Number(await page.getByTestId("countdown").getAttribute("data-seconds")) > 0, "the hold is still running");
  await inspect(page, "checkout-declined");
  await page.getByLabel("Card ending 0119 (provider times out)").check();
  await page.getByRole("button", { name: "Pay and book" }).click();
  await error.filter({ hasText: "did not answer" }).waitFor();
  check(Number(await page.getByTestId("countdown").getAttribute("data-seconds")) > 0, "the hold survives a timeout too");
  await page.getByLabel("Visa ending 4242 (pays)").check();
  await page.getByRole("button", { name: "Pay and book" }).click();
  await page.getByRole("heading", { name: "You are going!" }).waitFor();
}

/** A sold-out listing's waitlist gets an offer when a booking is cancelled; it is accepted. */
async function waitlist({ browser, pages }) {
  const organizer = await account("organizer", "E2E Organizer");
  const l = await listing(organizer, { title: unique("Tiny Gig "), seats: 1 });
  const first = await account("customer", "First Buyer");
  const booked = await book(first, l, 1);

  const page = await newPage(browser);
  pages.push(page);
  const second = await account("customer", "Second Buyer");
  await logIn(page, second, `/listings/${l.id}`);
  await page.getByText("Balcony is sold out.").waitFor();
  await inspect(page, "listing-sold-out");
  await page.getByLabel("Party size").fill("1");
  await page.getByRole("button", { name: "Join the waitlist" }).click();
  await page.getByTestId("waitlist-joined").waitFor();
  await page.getByRole("link", { name: "See your place" }).click();
  await page.getByTestId("waitlist-position").filter({ hasText: "#1" }).waitFor();
  await inspect(page, "my-tickets-waiting");

  // The first buyer cancels in their own browser and sees the refund.
  const other = await newPage(browser, 375);
  pages.push(other);
  await logIn(other, first, `/bookings/${booked.booking_id}`);
  await other.getByRole("button", { name: "Cancel this booking" }).click();
  await inspect(other, "booking-cancel-confirm");
  await other.getByRole("button", { name: "Yes, cancel" }).click();
  await other.getByTestId("refund").waitFor();
  check(/€25\.00|€0\.00/.test((await other.getByTestId("refund").textContent()) ?? ""), "the refund is shown in euros");
  await inspect(other, "booking-cancelled");

  // The waiting buyer gets the offer (the list refreshes itself) and accepts it.
  await page.getByTestId("offer").waitFor({ timeout: 15_000 });
  await inspect(page, "my-tickets-offer");
  await page.getByRole("button", { name: "Accept and pay" }).click();
  await page.getByText("Offer accepted").waitFor();
  await page.getByTestId("booking").filter({ hasText: l.title }).waitFor();
  await page.getByText("You are on no waitlist.").waitFor();
}

/** The answer to "Pay" is lost on the way back; clicking again books once, not twice. */
async function retry({ browser, pages }) {
  const { l } = await setUp();
  const who = await account("customer");
  const page = await newPage(browser);
  pages.push(page);
  await logIn(page, who, `/listings/${l.id}`);
  await page.getByRole("button", { name: "Hold seats" }).click();
  await page.waitForURL(/\/checkout\//);
  let lost = 0;
  await page.route("**/confirm", async (route) => {
    if (lost === 0) {
      lost += 1;
      await route.fetch(); // the server books it...
      return route.abort("connectionreset"); // ...and the answer never arrives
    }
    return route.continue();
  });
  await page.getByRole("button", { name: "Pay and book" }).click();
  await page.locator(".form-error").filter({ hasText: "could not be reached" }).waitFor();
  await page.getByRole("button", { name: "Pay and book" }).click();
  await page.getByRole("heading", { name: "You are going!" }).waitFor();
  // The read models are eventually consistent: wait for the booking, then make sure no
  // second one follows it.
  const bookings = async () => (await call("GET", "/api/v1/me/bookings", { token: who.token }))[1].items.length;
  const sold = async () => (await call("GET", `/api/v1/listings/${l.id}`))[1].seats_sold;
  await eventually(bookings, (n) => n >= 1);
  await eventually(sold, (n) => n >= 1);
  await page.waitForTimeout(1000);
  check((await bookings()) === 1, `one booking after the retried click (${await bookings()})`);
  check((await sold()) === 1, `one seat sold, not two (${await sold()})`);
}

export const journeys = [
  { name: "buyer", title: "search, hold, countdown, pay, QR tickets; a second browser sees the count drop", run: buyer },
  { name: "declined", title: "a declined card shows the error and keeps the hold", run: declined },
  { name: "retry", title: "a retried click after a lost answer books once (Idempotency-Key)", run: retry },
  { name: "waitlist", title: "a cancellation offers the seats to the waitlist, which accepts", run: waitlist },
];
