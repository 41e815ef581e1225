// Time to first render of a listing page in headless Chromium, on the server at
// BOXOFFICE_URL (demo data): from navigation start to the listing's title and seat
// counts on screen, cold cache and warm; plus the JavaScript the first screen loaded.
import { gzipSync } from "node:zlib";
import { launch, newPage } from "../e2e/lib.mjs";

const base = process.env.BOXOFFICE_URL ?? "http://127.0.0.1:8080";
const page1 = await (await fetch(`${base}/api/v1/listings?limit=1`)).json();
const listing = page1.items?.[0];
if (!listing) throw new Error("no listing to render: start the server with --demo");

const browser = await launch();
const page = await newPage(browser);
await page.addInitScript(() => {
  // Records when the listing's seat table first appears.
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-testid="ticket-types"] td')) {
      window.__rendered = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
});
const scripts = new Map();
page.on("response", async (response) => {
  if (response.url().endsWith(".js")) scripts.set(response.url(), gzipSync(await response.body()).length);
});

const runs = [];
for (let i = 0; i < 6; i += 1) {
  await page.goto(`/listings/${listing.id}`);
  await page.waitForFunction(() => window.__rendered !== undefined);
  runs.push(await page.evaluate(() => window.__rendered));
}
await browser.close();
const [cold, ...warm] = runs;
warm.sort((a, b) => a - b);
const firstScreen = [...scripts.values()].reduce((s, n) => s + n, 0);
console.log(`web listing page first render: ${cold.toFixed(0)} ms cold, ${warm[Math.floor(warm.length / 2)].toFixed(0)} ms warm (median of ${warm.length})`);
console.log(`web listing page JavaScript loaded: ${scripts.size} files, ${(firstScreen / 1024).toFixed(1)} KB gzip (target < 200 KB)`);
