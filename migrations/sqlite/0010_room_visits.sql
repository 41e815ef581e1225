-- Who is in each listing's waiting room, and where (the bookings projection, events
-- `waiting_room_*` and `admission_*`). The line is ordered by (line_phase, line_key,
-- buyer): arrivals are phase 1 keyed by the log position of their join; at the opening
-- everyone then waiting moves to phase 0 keyed by their rank under the opening's seed
-- (the domain's `room::rank`, mapped to a signed integer in the same order), so one's
-- place is 1 + the waiting visits before one's own.
CREATE TABLE rm_room_visits (
    visit_id TEXT PRIMARY KEY,
    listing_id TEXT NOT NULL,
    buyer TEXT NOT NULL,
    line_phase BIGINT NOT NULL,
    line_key BIGINT NOT NULL,
    status TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    admitted_at BIGINT,
    expires_at BIGINT,
    used BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX rm_room_visits__line ON rm_room_visits (listing_id, status, line_phase, line_key, buyer);
