// Account journeys: a wrong password's message, log out, and a reused refresh token
// signing the user out cleanly.
import { account, call, check, inspect, logIn, newPage } from "../lib.mjs";

/** A wrong password shows the server's detail; a reused refresh token signs out on reload. */
async function session({ browser, pages }) {
  const who = await account("customer", "Sam Session");
  const page = await newPage(browser);
  pages.push(page);
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill("wrong password!");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator(".form-error").filter({ hasText: "wrong" }).waitFor();
  await inspect(page, "login-error");

  await logIn(page, who, "/tickets");
  await page.getByRole("heading", { name: "My tickets" }).waitFor();
  await page.getByRole("heading", { name: "On hold" }).waitFor();
  await page.getByText("No seats on hold.").waitFor();

  // Someone replays the page's refresh token: the API revokes the family.
  const stored = await page.evaluate(() => localStorage.getItem("boxoffice.refresh"));
  check(Boolean(stored), "a refresh token is stored");
  const [status] = await call("POST", "/api/v1/sessions/refresh", { body: { refresh_token: stored } });
  check(status === 200, `the stolen refresh works once (${status})`);
  await page.reload();
  await page.waitForURL((url) => url.pathname === "/login");
  await page.getByRole("link", { name: "Log in" }).waitFor();
  check((await page.evaluate(() => localStorage.getItem("boxoffice.refresh"))) === null, "the dead token is dropped");

  // Log in again, change the password (a wrong current one is named under its field),
  // and log out from the account screen.
  await logIn(page, who, "/account");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.locator('.field-error[data-field="current_password"]').waitFor();
  await inspect(page, "account-password-error");
  await page.getByLabel("Current password").fill(who.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Password changed.").waitFor();
  const [relogin] = await call("POST", "/api/v1/sessions", { body: { email: who.email, password: "a brand new passphrase" } });
  check(relogin === 200, `the new password logs in (${relogin})`);
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("link", { name: "Log in" }).waitFor();
  const [after] = await call("POST", "/api/v1/sessions/refresh", { body: { refresh_token: stored } });
  check(after === 401, "the old token stays dead");
}

export const journeys = [{ name: "session", title: "log-in errors, refresh-token reuse signs out, change password, log out", run: session }];
