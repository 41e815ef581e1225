// Token refresh: before expiry, once for concurrent callers, rotation stored, and a
// rejected refresh (reuse) signing out cleanly.
import { describe, expect, it, vi } from "vitest";
import { REFRESH_MARGIN_MS, SessionStore, type SessionReply } from "./session";

function storage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

function reply(n: number, expiresAt: number): SessionReply {
  return {
    access_token: `access-${n}`,
    expires_at: new Date(expiresAt).toISOString(),
    refresh_token: `refresh-${n}`,
    refresh_expires_at: new Date(expiresAt + 86_400_000).toISOString(),
    user_id: "u1",
    role: { kind: "customer" },
  };
}

describe("SessionStore", () => {
  it("hands out the token while it is fresh and refreshes it just before it expires", async () => {
    let now = 1_000_000;
    const refresh = vi.fn(async (token: string) => reply(Number(token.split("-")[1]) + 1, now + 900_000));
    const store = new SessionStore(refresh, storage(), () => now);
    store.accept(reply(1, now + 900_000));
    expect(await store.token()).toBe("access-1");
    expect(refresh).not.toHaveBeenCalled();

    now += 900_000 - REFRESH_MARGIN_MS + 1;
    expect(await store.token()).toBe("access-2");
    expect(refresh).toHaveBeenCalledWith("refresh-1");
    store.clear();
  });

  it("spends a refresh token once even when many requests need a new one at the same time", async () => {
    const now = 1_000_000;
    const refresh = vi.fn(async () => reply(2, now + 900_000));
    const s = storage();
    s.setItem("boxoffice.refresh", "refresh-1");
    const store = new SessionStore(refresh, s, () => now);
    const tokens = await Promise.all([store.token(), store.token(), store.token()]);
    expect(tokens).toEqual(["access-2", "access-2", "access-2"]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(s.map.get("boxoffice.refresh")).toBe("refresh-2");
    store.clear();
  });

  it("signs out cleanly when the server refuses the refresh token (reuse detected)", async () => {
    let now = 1_000_000;
    const s = storage();
    const store = new SessionStore(async () => 401, s, () => now);
    const seen: (string | null)[] = [];
    store.subscribe((session) => seen.push(session?.accessToken ?? null));
    store.accept(reply(1, now + 900_000));
    now += 900_000;
    expect(await store.token()).toBeNull();
    expect(store.current).toBeNull();
    expect(s.map.has("boxoffice.refresh")).toBe(false);
    expect(seen).toEqual(["access-1", null]);
  });

  it("keeps the session when the refresh only failed to reach the server", async () => {
    const now = 1_000_000;
    const s = storage();
    s.setItem("boxoffice.refresh", "refresh-1");
    const store = new SessionStore(async () => 0, s, () => now);
    expect(await store.token()).toBeNull();
    expect(s.map.get("boxoffice.refresh")).toBe("refresh-1");
  });
});
