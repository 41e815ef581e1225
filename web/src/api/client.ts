// The one typed client of the API (openapi-fetch over the generated `paths`): bearer
// token on every request, refreshed before it expires; failures thrown as ApiError.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { ApiError, toProblem } from "./problem";
import { SessionStore, type SessionReply } from "./session";

/** Posts a refresh token; the new session, or the status it failed with (0: no answer). */
async function postRefresh(refreshToken: string): Promise<SessionReply | number> {
  try {
    const response = await fetch("/api/v1/sessions/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    if (!response.ok) return response.status;
    return (await response.json()) as SessionReply;
  } catch {
    return 0;
  }
}

const memoryStorage = new Map<string, string>();
const storage =
  typeof localStorage !== "undefined"
    ? localStorage
    : {
        getItem: (k: string) => memoryStorage.get(k) ?? null,
        setItem: (k: string, v: string) => void memoryStorage.set(k, v),
        removeItem: (k: string) => void memoryStorage.delete(k),
      };

/** The app's session. */
export const session = new SessionStore(postRefresh, storage);

const auth: Middleware = {
  async onRequest({ request, schemaPath }) {
    // Session routes carry their own credentials in the body.
    if (schemaPath.startsWith("/api/v1/sessions")) return request;
    const token = await session.token();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
};

/** The typed client: `api.GET("/api/v1/listings", { params: { query } })`. */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "" });
api.use(auth);

/** The result of an openapi-fetch call. */
interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a call, or an ApiError carrying its problem (network failures: status 0). */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(toProblem(0, null));
  }
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(toProblem(result.response.status, result.error));
  }
  return result.data as T;
}
