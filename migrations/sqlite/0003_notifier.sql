-- The notifier (SQLite): its directory of people, listings and bookings, learnt from the
-- events it consumes, and one row per message (event id, recipient, template): the
-- dedupe key that makes a redelivered event send nothing twice. Parked failures are
-- copied to notifier_dead_letters until an operator retries them.
CREATE TABLE notifier_users (
    user_id      TEXT PRIMARY KEY,
    email        TEXT NOT NULL,
    display_name TEXT NOT NULL
);

CREATE TABLE notifier_listings (
    listing_id TEXT    PRIMARY KEY,
    title      TEXT    NOT NULL,
    position   INTEGER NOT NULL
);

CREATE TABLE notifier_bookings (
    booking_id TEXT    PRIMARY KEY,
    listing_id TEXT    NOT NULL,
    buyer      TEXT    NOT NULL,
    cancelled  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifier_bookings_listing ON notifier_bookings (listing_id);

CREATE TABLE notifier_deliveries (
    event_id   TEXT    NOT NULL,
    recipient  TEXT    NOT NULL,
    template   TEXT    NOT NULL,
    facts      TEXT    NOT NULL,
    listing_id TEXT,
    status     TEXT    NOT NULL,
    cancel_key TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    due_at     TEXT    NOT NULL,
    last_error TEXT,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (event_id, recipient, template)
);
CREATE INDEX notifier_deliveries_due ON notifier_deliveries (status, due_at);
CREATE INDEX notifier_deliveries_cancel ON notifier_deliveries (cancel_key);

CREATE TABLE notifier_dead_letters (
    event_id  TEXT    NOT NULL,
    recipient TEXT    NOT NULL,
    template  TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    attempts  INTEGER NOT NULL,
    failed_at TEXT    NOT NULL,
    PRIMARY KEY (event_id, recipient, template)
);
