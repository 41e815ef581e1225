-- Read models, filled by the projections (projections crate) from the log. Every table
-- belongs to exactly one projection, which rewrites it together with its checkpoint
-- (`projection:<name>`) in one transaction. `boxoffice replay` builds copies of a
-- projection's tables under new names and swaps them in, so index names start with their
-- table's name followed by `__` (the replay renames both).
-- Ids are text, times are integer milliseconds since the epoch (UTC), money is integer
-- minor units with its currency beside it. The SQL is the same on both backends.

-- projection `catalog`: listings with their search fields and availability.
CREATE TABLE rm_listings (
    listing_id TEXT PRIMARY KEY,
    organizer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    venue_name TEXT NOT NULL,
    venue_address TEXT NOT NULL,
    city TEXT NOT NULL,
    city_key TEXT NOT NULL,
    country TEXT NOT NULL,
    category TEXT NOT NULL,
    category_key TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    time_zone TEXT NOT NULL,
    sales_opens_at BIGINT NOT NULL,
    sales_closes_at BIGINT NOT NULL,
    max_tickets_per_booking BIGINT NOT NULL,
    total_capacity BIGINT,
    currency TEXT,
    min_price BIGINT,
    max_price BIGINT,
    capacity BIGINT NOT NULL,
    seats_free BIGINT NOT NULL,
    seats_sold BIGINT NOT NULL,
    search_text TEXT NOT NULL,
    published_at BIGINT,
    cancel_reason TEXT,
    version BIGINT NOT NULL,
    position BIGINT NOT NULL
);
CREATE INDEX rm_listings__by_start ON rm_listings (status, starts_at, listing_id);
CREATE INDEX rm_listings__by_popularity ON rm_listings (status, seats_sold, listing_id);
CREATE INDEX rm_listings__by_organizer ON rm_listings (organizer_id, starts_at, listing_id);

CREATE TABLE rm_ticket_types (
    listing_id TEXT NOT NULL,
    ticket_type_id TEXT NOT NULL,
    ordinal BIGINT NOT NULL,
    name TEXT NOT NULL,
    price BIGINT NOT NULL,
    currency TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    held BIGINT NOT NULL,
    offered BIGINT NOT NULL,
    sold BIGINT NOT NULL,
    free BIGINT NOT NULL,
    waitlist BIGINT NOT NULL,
    PRIMARY KEY (listing_id, ticket_type_id)
);

-- projection `bookings`: what each buyer holds, booked, got and waits for.
CREATE TABLE rm_holds (
    hold_id TEXT PRIMARY KEY,
    listing_id TEXT NOT NULL,
    ticket_type_id TEXT NOT NULL,
    buyer TEXT NOT NULL,
    seats BIGINT NOT NULL,
    entry_id TEXT,
    status TEXT NOT NULL,
    booking_id TEXT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX rm_holds__by_buyer ON rm_holds (buyer, status, created_at);

CREATE TABLE rm_bookings (
    booking_id TEXT PRIMARY KEY,
    listing_id TEXT NOT NULL,
    organizer_id TEXT NOT NULL,
    buyer TEXT NOT NULL,
    hold_id TEXT NOT NULL,
    ticket_type_id TEXT NOT NULL,
    ticket_type_name TEXT NOT NULL,
    seats BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    total BIGINT NOT NULL,
    currency TEXT NOT NULL,
    payment_reference TEXT,
    status TEXT NOT NULL,
    cancel_reason TEXT,
    refund_amount BIGINT,
    confirmed_at BIGINT NOT NULL,
    cancelled_at BIGINT
);
CREATE INDEX rm_bookings__by_buyer ON rm_bookings (buyer, confirmed_at, booking_id);
CREATE INDEX rm_bookings__by_listing ON rm_bookings (listing_id, confirmed_at, booking_id);

CREATE TABLE rm_tickets (
    ticket_id TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL,
    listing_id TEXT NOT NULL,
    ordinal BIGINT NOT NULL,
    code TEXT NOT NULL,
    checked_in_at BIGINT,
    checked_in_by TEXT
);
CREATE INDEX rm_tickets__by_booking ON rm_tickets (booking_id, ordinal);
CREATE INDEX rm_tickets__by_listing ON rm_tickets (listing_id);

CREATE TABLE rm_waitlist (
    entry_id TEXT PRIMARY KEY,
    listing_id TEXT NOT NULL,
    ticket_type_id TEXT NOT NULL,
    buyer TEXT NOT NULL,
    party_size BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    status TEXT NOT NULL,
    offer_hold_id TEXT,
    offer_expires_at BIGINT,
    joined_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rm_waitlist__queue ON rm_waitlist (listing_id, ticket_type_id, status, seq);
CREATE INDEX rm_waitlist__by_buyer ON rm_waitlist (buyer, joined_at);

CREATE TABLE rm_people (
    user_id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL
);

-- projection `analytics`: counters per listing, per day, and for the platform.
CREATE TABLE rm_listing_stats (
    listing_id TEXT PRIMARY KEY,
    organizer_id TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    currency TEXT,
    type_capacity BIGINT NOT NULL,
    total_capacity BIGINT,
    seats_held BIGINT NOT NULL,
    seats_sold BIGINT NOT NULL,
    holds_made BIGINT NOT NULL,
    holds_confirmed BIGINT NOT NULL,
    holds_expired BIGINT NOT NULL,
    holds_released BIGINT NOT NULL,
    bookings BIGINT NOT NULL,
    cancellations BIGINT NOT NULL,
    revenue BIGINT NOT NULL,
    refunds BIGINT NOT NULL,
    waitlist_joined BIGINT NOT NULL,
    waitlist_length BIGINT NOT NULL,
    offers_made BIGINT NOT NULL,
    offers_accepted BIGINT NOT NULL,
    offers_declined BIGINT NOT NULL,
    offers_expired BIGINT NOT NULL,
    tickets_valid BIGINT NOT NULL,
    checked_in BIGINT NOT NULL
);
CREATE INDEX rm_listing_stats__by_organizer ON rm_listing_stats (organizer_id, revenue);

CREATE TABLE rm_daily_sales (
    listing_id TEXT NOT NULL,
    day TEXT NOT NULL,
    organizer_id TEXT NOT NULL,
    currency TEXT,
    bookings BIGINT NOT NULL,
    seats BIGINT NOT NULL,
    revenue BIGINT NOT NULL,
    cancellations BIGINT NOT NULL,
    refunds BIGINT NOT NULL,
    PRIMARY KEY (listing_id, day)
);
CREATE INDEX rm_daily_sales__by_organizer ON rm_daily_sales (organizer_id, day);

-- The analytics projection's own lookups (booking -> listing, seat counts, check-ins).
CREATE TABLE rm_stat_bookings (
    booking_id TEXT PRIMARY KEY,
    listing_id TEXT NOT NULL,
    organizer_id TEXT NOT NULL,
    seats BIGINT NOT NULL,
    total BIGINT NOT NULL,
    cancelled BIGINT NOT NULL,
    checked_in BIGINT NOT NULL
);

CREATE TABLE rm_platform (
    metric TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
