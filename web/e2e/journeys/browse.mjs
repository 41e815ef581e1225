// Browsing: keyset pages appended with "Show more", sorting by popularity, filters kept
// in the URL, and the empty state.
import { account, book, check, inspect, listing, newPage, unique } from "../lib.mjs";

/** 14 listings that share a word: 12, then 14 after "Show more"; the best seller first by popularity. */
async function browse({ browser, pages }) {
  const organizer = await account("organizer", "E2E Organizer");
  const word = unique("Gala");
  const made = [];
  for (let i = 0; i < 14; i += 1) made.push(await listing(organizer, { title: `${word} ${i}`, seats: 5 }));
  const buyer = await account("customer");
  await book(buyer, made[9], 3);

  const page = await newPage(browser, 375);
  pages.push(page);
  await page.goto(`/?q=${word}`);
  await page.getByTestId("listing-card").first().waitFor();

  // Keyboard: the first Tab reaches the skip link, and every focus is visibly ringed.
  await page.keyboard.press("Tab");
  check((await page.evaluate(() => document.activeElement?.textContent)) === "Skip to content", "Tab reaches the skip link");
  for (let i = 0; i < 3; i += 1) {
    await page.keyboard.press("Tab");
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).boxShadow);
    check(ring && ring !== "none", `the focused element shows a ring (${ring})`);
  }
  check((await page.getByTestId("listing-card").count()) === 12, "the first page holds 12");
  await page.getByRole("button", { name: "Show more" }).click();
  await page.getByTestId("listing-card").nth(13).waitFor();
  check((await page.getByTestId("listing-card").count()) === 14, "the second page adds the last 2");
  check((await page.getByRole("button", { name: "Show more" }).count()) === 0, "no more pages");

  await page.getByLabel("Sort by").selectOption("popularity");
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(/sort=popularity/);
  const first = page.getByTestId("listing-card").first();
  await first.filter({ hasText: `${word} 9` }).waitFor();
  check(((await first.textContent()) ?? "").includes("2 left"), "the best seller shows 2 seats left");

  await page.getByText("Dates, price and seats").click();
  await page.getByLabel("Max price (€)").fill("10");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByText("No listing matches.").waitFor();
  await inspect(page, "browse-empty");
  await page.goBack();
  await page.getByTestId("listing-card").first().waitFor();
}

export const journeys = [{ name: "browse", title: "keyset pages, sort by popularity, empty result", run: browse }];
