// Runs the browser journeys (e2e/journeys/*.mjs) against BOXOFFICE_URL, one Chromium for
// all, each journey in fresh contexts. Arguments pick journeys by name (none: all).
// Usage: BOXOFFICE_URL=http://127.0.0.1:8080 node e2e/run.mjs [buyer ...]   (--list: the names)
import { readdirSync } from "node:fs";
import { launch, SHOTS } from "./lib.mjs";

const dir = new URL("./journeys/", import.meta.url);
const wanted = process.argv.slice(2);
const journeys = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".mjs")).sort()) {
  const module = await import(new URL(file, dir).href);
  journeys.push(...module.journeys);
}
if (wanted[0] === "--list") {
  console.log(journeys.map((j) => j.name).join("\n"));
  process.exit(0);
}
const chosen = wanted.length ? journeys.filter((j) => wanted.includes(j.name)) : journeys;
if (chosen.length === 0) {
  console.error(`no journey named ${wanted.join(", ")}; have ${journeys.map((j) => j.name).join(", ")}`);
  process.exit(2);
}

const browser = await launch();
let failed = 0;
for (const journey of chosen) {
  const started = Date.now();
  const pages = [];
  try {
    await journey.run({ browser, pages });
    const errors = pages.flatMap((p) => p.errors ?? []);
    if (errors.length) throw new Error(`uncaught errors in the page: ${errors.join("; ")}`);
    console.log(`  ok    ${journey.name} (${((Date.now() - started) / 1000).toFixed(1)} s): ${journey.title}`);
  } catch (error) {
    failed += 1;
    console.log(`  FAIL  ${journey.name}: ${journey.title}\n        ${error.stack ?? error}`);
    for (const [i, page] of pages.entries()) {
      await page.screenshot({ path: `${SHOTS}/FAILED-${journey.name}-${i}.png`, fullPage: true }).catch(() => {});
    }
  } finally {
    for (const page of pages) await page.context().close().catch(() => {});
  }
}
await browser.close();
console.log(`browser journeys: ${chosen.length - failed} of ${chosen.length} passed; screenshots in ${SHOTS}`);
process.exit(failed ? 1 : 0);
