-- Per-buyer limits of a listing (the event `buyer_limits_set`): most seats per account
-- (NULL: the per-booking maximum) and holds per account per minute.
ALTER TABLE rm_listings ADD COLUMN buyer_max_seats BIGINT;
ALTER TABLE rm_listings ADD COLUMN holds_per_minute BIGINT NOT NULL DEFAULT 5;
