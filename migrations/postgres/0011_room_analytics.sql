-- Waiting-room analytics (the analytics projection): per listing, whether a room is on
-- and its counters (joined, waiting now, admitted, admissions that lapsed unused, and
-- bookings made while the room was on: with a room every hold needs an admission, so
-- booked / admitted is the admission-to-booking conversion), and the queue per minute.
ALTER TABLE rm_listing_stats ADD COLUMN room_on BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_listing_stats ADD COLUMN room_joined BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_listing_stats ADD COLUMN room_waiting BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_listing_stats ADD COLUMN room_admitted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_listing_stats ADD COLUMN room_unused BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_listing_stats ADD COLUMN room_booked BIGINT NOT NULL DEFAULT 0;
-- One row per listing and UTC minute with room events: who joined and was let in then,
-- and how many were waiting after the minute's last event (`minute`: its start, ms).
CREATE TABLE rm_room_minutes (
    listing_id TEXT NOT NULL,
    minute BIGINT NOT NULL,
    joined BIGINT NOT NULL,
    admitted BIGINT NOT NULL,
    waiting BIGINT NOT NULL,
    PRIMARY KEY (listing_id, minute)
);
