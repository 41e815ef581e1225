// Takes the README's screenshots (docs/web-*.png) on a server with the demo data
// (`boxoffice serve --demo` at BOXOFFICE_URL): the jazz night's listing page at desktop
// width, and a checkout with its countdown at phone width (the hold is released after).
import { launch, logIn, newPage } from "../e2e/lib.mjs";

const docs = new URL("../../docs/", import.meta.url).pathname;
const browser = await launch();
const desktop = await newPage(browser, 1440);
await desktop.goto("/?q=Late+Night+Jazz");
await desktop.getByRole("link", { name: "Late Night Jazz" }).click();
await desktop.getByTestId("live-state").filter({ hasText: "Live" }).waitFor();
await desktop.screenshot({ path: `${docs}web-listing-desktop.png` });

const phone = await newPage(browser, 375);
await logIn(phone, { email: "bob@boxoffice.demo", password: "boxoffice-demo" }, "/");
await phone.goto(desktop.url());
await phone.getByRole("spinbutton", { name: "Seats" }).fill("2");
await phone.getByRole("button", { name: "Hold seats" }).click();
await phone.getByTestId("countdown").waitFor();
await phone.waitForTimeout(1500);
await phone.screenshot({ path: `${docs}web-checkout-phone.png`, fullPage: true });
await phone.getByRole("button", { name: "Release the seats" }).click();
await phone.getByText("Seats released.").waitFor();
await browser.close();
console.log(`wrote ${docs}web-listing-desktop.png and web-checkout-phone.png`);
