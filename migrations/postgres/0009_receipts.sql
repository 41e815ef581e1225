-- Receipts: a value written in the same transaction as an append and stamped with the
-- position it reached (eventlog `Receipt`). command-api keeps there the answer to a
-- request sent with an Idempotency-Key, so a retry after the process died between the
-- commit and its reply still gets that answer instead of running the command again.
-- recorded_at is milliseconds since the epoch; old receipts are deleted by age.
CREATE TABLE receipts (
    key         TEXT   PRIMARY KEY,
    value       TEXT   NOT NULL,
    position    BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX receipts_by_age ON receipts (recorded_at);
