// The session: the access token lives in memory only; the refresh token (single use, the
// API rotates it on every refresh and revokes the whole family on reuse) is kept in
// localStorage so a reload stays signed in, and every rotation runs under a Web Lock so
// two tabs never spend the same token.

/** What `POST /sessions` and `POST /sessions/refresh` answer. */
export interface SessionReply {
  access_token: string;
  expires_at: string;
  refresh_token: string;
  refresh_expires_at: string;
  user_id: string;
  role: { kind: string; organizer_id?: string | null };
}

/** The signed-in state the app sees. */
export interface Session {
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  userId: string;
  role: string;
}

const STORAGE_KEY = "boxoffice.refresh";
/** Refresh this long before the access token expires. */
export const REFRESH_MARGIN_MS = 60_000;

type Listener = (session: Session | null) => void;

/** Posts a refresh token and answers the new session, or the HTTP status on failure. */
export type RefreshCall = (refreshToken: string) => Promise<SessionReply | number>;

/** Minimal storage, so tests can pass a Map-backed one. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Runs `work` under an exclusive cross-tab lock where the browser has one. */
async function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (!locks) return work();
  return locks.request("boxoffice.refresh", work) as Promise<T>;
}

/** Holds the session, refreshes it before expiry, and tells listeners when it changes. */
export class SessionStore {
  private session: Session | null = null;
  private listeners = new Set<Listener>();
  private inflight: Promise<Session | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly refreshCall: RefreshCall;
  private readonly storage: TokenStorage;
  private readonly now: () => number;

  constructor(refreshCall: RefreshCall, storage: TokenStorage, now: () => number = Date.now) {
    this.refreshCall = refreshCall;
    this.storage = storage;
    this.now = now;
  }

  /** The current session, if any. */
  get current(): Session | null {
    return this.session;
  }

  /** Whether a refresh token is stored (a reload may restore the session). */
  get restorable(): boolean {
    return this.storage.getItem(STORAGE_KEY) !== null;
  }

  /** The stored refresh token, for log-out. */
  get refreshToken(): string | null {
    return this.storage.getItem(STORAGE_KEY);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts a session from a log-in or refresh answer. */
  accept(reply: SessionReply): Session {
    this.storage.setItem(STORAGE_KEY, reply.refresh_token);
    const session: Session = {
      accessToken: reply.access_token,
      expiresAt: Date.parse(reply.expires_at),
      userId: reply.user_id,
      role: reply.role.kind,
    };
    this.set(session);
    return session;
  }

  /** Ends the session locally (the caller tells the server). */
  clear(): void {
    this.storage.removeItem(STORAGE_KEY);
    this.set(null);
  }

  /** An access token good for at least the refresh margin, refreshing if needed; null when signed out. */
  async token(): Promise<string | null> {
    const s = this.session;
    if (s && s.expiresAt - this.now() > REFRESH_MARGIN_MS) return s.accessToken;
    if (!s && !this.restorable) return null;
    const next = await this.refresh();
    return next?.accessToken ?? null;
  }

  /** Trades the stored refresh token for a new session; one at a time per page and across tabs. */
  refresh(): Promise<Session | null> {
    if (!this.inflight) {
      this.inflight = exclusive(async () => {
        // Read inside the lock: another tab may have rotated the token meanwhile.
        const stored = this.storage.getItem(STORAGE_KEY);
        if (!stored) {
          this.set(null);
          return null;
        }
        const reply = await this.refreshCall(stored);
        if (typeof reply === "number") {
          // 401/403: reused, revoked, expired or suspended: the session is over. A network
          // failure (0) or a 5xx keeps the token for the next try.
          if (reply === 401 || reply === 403) this.clear();
          return this.session;
        }
        return this.accept(reply);
      }).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private set(session: Session | null): void {
    this.session = session;
    clearTimeout(this.timer);
    if (session) {
      // Refresh ahead of expiry even when idle, so an open page never holds a dead token.
      const wait = Math.max(session.expiresAt - this.now() - REFRESH_MARGIN_MS, 1_000);
      this.timer = setTimeout(() => void this.refresh(), wait);
    }
    this.listeners.forEach((l) => l(session));
  }
}
