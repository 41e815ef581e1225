-- The waiting room of a listing, as the catalog shows it (events `waiting_room_*` and
-- `admission_*`): its settings (NULL when off), when it opened, and its counters.
ALTER TABLE rm_listings ADD COLUMN room_opens_at BIGINT;
ALTER TABLE rm_listings ADD COLUMN room_admitted_per_minute BIGINT;
ALTER TABLE rm_listings ADD COLUMN room_admission_minutes BIGINT;
ALTER TABLE rm_listings ADD COLUMN room_opened_at BIGINT;
ALTER TABLE rm_listings ADD COLUMN room_waiting BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_listings ADD COLUMN room_admitted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_listings ADD COLUMN room_unused BIGINT NOT NULL DEFAULT 0;
