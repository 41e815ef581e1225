//! Turns events into e-mail and sends them idempotently (filled by the relay and notifier issue).
