//! The analytics projection's rows: counters per listing (`rm_listing_stats`), per
//! listing and UTC day, per booking, and for the platform, as the migrations create them.

use crate::record::record;

record! {
    /// Counters of one listing (`rm_listing_stats`).
    StatRow in "rm_listing_stats", key(listing_id): String, {
        listing_id: String,
        organizer_id: String,
        title: String,
        status: String,
        currency: Option<String>,
        type_capacity: i64,
        total_capacity: Option<i64>,
        seats_held: i64,
        seats_sold: i64,
        holds_made: i64,
        holds_confirmed: i64,
        holds_expired: i64,
        holds_released: i64,
        bookings: i64,
        cancellations: i64,
        revenue: i64,
        refunds: i64,
        waitlist_joined: i64,
        waitlist_length: i64,
        offers_made: i64,
        offers_accepted: i64,
        offers_declined: i64,
        offers_expired: i64,
        tickets_valid: i64,
        checked_in: i64,
        room_on: i64,
        room_joined: i64,
        room_waiting: i64,
        room_admitted: i64,
        room_unused: i64,
        room_booked: i64,
    }
}

record! {
    /// One listing's waiting room in one UTC minute (`rm_room_minutes`).
    RoomMinuteRow in "rm_room_minutes", key(listing_id, minute): (String, i64), {
        listing_id: String,
        minute: i64,
        joined: i64,
        admitted: i64,
        waiting: i64,
    }
}

record! {
    /// Sales of one listing on one UTC day (`rm_daily_sales`).
    DailyRow in "rm_daily_sales", key(listing_id, day): (String, String), {
        listing_id: String,
        day: String,
        organizer_id: String,
        currency: Option<String>,
        bookings: i64,
        seats: i64,
        revenue: i64,
        cancellations: i64,
        refunds: i64,
    }
}

record! {
    /// What analytics remembers of a booking (`rm_stat_bookings`).
    StatBookingRow in "rm_stat_bookings", key(booking_id): String, {
        booking_id: String,
        listing_id: String,
        organizer_id: String,
        seats: i64,
        total: i64,
        cancelled: i64,
        checked_in: i64,
    }
}

record! {
    /// A platform-wide counter (`rm_platform`).
    PlatformRow in "rm_platform", key(metric): String, {
        metric: String,
        value: i64,
    }
}
