-- The log position of the last event that changed a listing's waiting room as the
-- bookings projection keeps it (`waiting_room_*`, `admission_*`, `listing_cancelled`),
-- as the catalog saw it: the query API keeps each room's line in memory and rebuilds it
-- only when this moved (0: no such event since this column was added).
ALTER TABLE rm_listings ADD COLUMN room_position BIGINT NOT NULL DEFAULT 0;
