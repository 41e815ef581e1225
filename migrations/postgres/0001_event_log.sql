-- The append-only event log, consumer checkpoints and stream snapshots (PostgreSQL).
-- log_head is a single row that every appending transaction locks (FOR UPDATE) before it
-- assigns positions and holds until it commits. That serialises position assignment, so
-- positions become visible in order: a reader that remembers "last position seen" can
-- never skip an event that commits late (a bare sequence would allow exactly that).
CREATE TABLE log_head (
    id       SMALLINT PRIMARY KEY CHECK (id = 1),
    position BIGINT   NOT NULL
);
INSERT INTO log_head (id, position) VALUES (1, 0);

CREATE TABLE events (
    position       BIGINT      PRIMARY KEY,
    event_id       UUID        NOT NULL UNIQUE,
    stream_id      TEXT        NOT NULL,
    stream_version BIGINT      NOT NULL,
    event_type     TEXT        NOT NULL,
    schema_version INTEGER     NOT NULL,
    payload        JSON        NOT NULL,
    metadata       JSON        NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (stream_id, stream_version)
);

CREATE TABLE checkpoints (
    name       TEXT        PRIMARY KEY,
    position   BIGINT      NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE snapshots (
    stream_id      TEXT        PRIMARY KEY,
    version        BIGINT      NOT NULL,
    schema_version INTEGER     NOT NULL,
    state          JSONB       NOT NULL,
    taken_at       TIMESTAMPTZ NOT NULL
);
