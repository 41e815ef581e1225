-- Command-side tables beside the log (SQLite). Ids are text and times integers
-- (milliseconds since the epoch) on both backends, so the code binds one set of types.

-- One account per e-mail: written in the same transaction as account_registered.
CREATE TABLE user_emails (
    email   TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE
);

-- Ticket code -> booking, and listing -> bookings, kept by a small projection.
CREATE TABLE ticket_codes (
    code       TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL,
    listing_id TEXT NOT NULL
);
CREATE TABLE listing_bookings (
    listing_id TEXT NOT NULL,
    booking_id TEXT NOT NULL,
    PRIMARY KEY (listing_id, booking_id)
);

-- The first answer to each (user, Idempotency-Key); status NULL while in progress.
CREATE TABLE idempotency_keys (
    scope        TEXT    PRIMARY KEY,
    request_hash TEXT    NOT NULL,
    status       INTEGER,
    response     TEXT,
    created_at   INTEGER NOT NULL
);

-- Rotating refresh tokens (stored hashed); a reused one revokes its family.
CREATE TABLE refresh_tokens (
    token_hash TEXT    PRIMARY KEY,
    family_id  TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    revoked_at INTEGER
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- When each listing next needs the scheduler (hold and offer expiries, sales closing).
CREATE TABLE listing_deadlines (
    stream_id TEXT    PRIMARY KEY,
    due_at    INTEGER NOT NULL
);
CREATE INDEX listing_deadlines_due ON listing_deadlines (due_at);
