// Log in, register, log out and change password: the session store is updated here and
// nowhere else.
import { api, session, unwrap } from "../api/client";
import type { SessionReply } from "../api/session";

/** Logs in and starts the session. */
export async function logIn(email: string, password: string) {
  const reply = await unwrap(api.POST("/api/v1/sessions", { body: { email, password } }));
  return session.accept(reply as unknown as SessionReply);
}

/** Registers an account, then logs it in. */
export async function register(body: { email: string; password: string; display_name: string; kind: string }) {
  await unwrap(api.POST("/api/v1/accounts", { body }));
  return logIn(body.email, body.password);
}

/** Ends the session on the server (best effort) and here. */
export async function logOut() {
  const token = session.refreshToken;
  session.clear();
  if (token) {
    await api.POST("/api/v1/sessions/logout", { body: { refresh_token: token } }).catch(() => undefined);
  }
}

/** Changes the password; the server keeps this session. */
export async function changePassword(current_password: string, new_password: string) {
  return unwrap(api.POST("/api/v1/accounts/me/password", { body: { current_password, new_password } }));
}
