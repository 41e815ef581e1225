// The waiting room: an organizer turns it on in the app, a buyer joins before the
// opening, is refused a hold while in line, sees the scheduler let her in (the live place
// stream turns the card to "your turn" with a countdown), and books; the organizer's
// dashboard counts the room's admission and booking.
import { account, call, check, inspect, listing, logIn, newPage } from "../lib.mjs";

/** `ms` as a datetime-local value in Europe/Paris (the journeys' listings' zone). */
function parisLocal(ms) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Paris",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

async function room({ browser, pages }) {
  const organizer = await account("organizer", "Room Organizer");
  const l = await listing(organizer, { seats: 20 });

  // The organizer turns the room on from the manage screen; a wrong rate is named first.
  const org = await newPage(browser);
  pages.push(org);
  await logIn(org, organizer, `/organizer/listings/${l.id}`);
  const form = org.getByRole("form", { name: "Waiting room" });
  await form.getByLabel("Opens at (Europe/Paris)").fill(parisLocal(Date.now() + 3 * 60_000));
  await form.getByLabel("Let in per minute").fill("0");
  await form.getByRole("button", { name: "Turn the room on" }).click();
  await form.locator('[data-field="admitted_per_minute"]').waitFor();
  await form.getByLabel("Let in per minute").fill("60");
  await form.getByRole("button", { name: "Turn the room on" }).click();
  await org.getByTestId("room-summary").filter({ hasText: "On: opens" }).waitFor();
  await inspect(org, "organizer-room");
  // A buyer finds the room on the listing page and joins it.
  const buyer = await account("customer", "Rita Roomer");
  const page = await newPage(browser, 375);
  pages.push(page);
  await logIn(page, buyer, `/listings/${l.id}`);
  const card = page.getByTestId("waiting-room");
  await card.waitFor();
  await page.getByRole("button", { name: "Join the waiting room" }).click();
  // Her place comes live from the place stream: in line, order not drawn yet.
  await page.locator('[data-testid="room-place"][data-status="waiting"]').filter({ hasText: "drawn at random" }).waitFor();
  await inspect(page, "waiting-room");
  // Until let in, a hold is refused and says why.
  await page.getByRole("button", { name: "Hold seats" }).click();
  await page.locator(".form-error").filter({ hasText: /waiting room/ }).waitFor();
  // The form's opening is minutes away (minute precision); bring it to a few seconds.
  const [status, body] = await call("POST", `/api/v1/listings/${l.id}/waiting_room`, {
    token: organizer.token,
    body: { enabled: true, opens_at: new Date(Date.now() + 4_000).toISOString(), admitted_per_minute: 60, admission_minutes: 5 },
  });
  check(status === 200, `bring the opening forward: ${status} ${JSON.stringify(body)}`);

  // The scheduler lets her in; the page says so by itself, with the admission's countdown.
  const turn = page.locator('[data-testid="room-place"][data-status="admitted"]');
  await turn.filter({ hasText: "your turn" }).waitFor({ timeout: 30_000 });
  await turn.getByTestId("countdown").filter({ hasText: "Admission lapses in" }).waitFor();
  await inspect(page, "waiting-room-turn");
  await page.getByRole("button", { name: "Hold seats" }).click();
  await page.waitForURL(/\/checkout\//);
  await page.getByLabel("Visa ending 4242 (pays)").check();
  await page.getByRole("button", { name: "Pay and book" }).click();
  await page.getByRole("heading", { name: "You are going!" }).waitFor();

  // The organizer's dashboard counts the room: one joined, let in, and booked through it.
  await org.goto(`/dashboard/${l.id}`);
  await org.getByTestId("stat-room-admitted").filter({ hasText: "1" }).waitFor();
  await org.getByTestId("stat-room-conversion").filter({ hasText: "100" }).waitFor();
  await org.getByTestId("queue-table").locator("tbody tr").first().waitFor({ state: "attached" });
  await inspect(org, "dashboard-room");
}

export const journeys = [
  { name: "room", title: "an organizer turns the waiting room on; a buyer joins, waits, is let in and books", run: room },
];
