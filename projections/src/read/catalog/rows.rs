//! The catalog's rows: one per listing (`rm_listings`) and one per ticket type
//! (`rm_ticket_types`), as the migrations create them.

use crate::record::record;

record! {
    /// One listing (`rm_listings`).
    ListingRow in "rm_listings", key(listing_id): String, {
        listing_id: String,
        organizer_id: String,
        status: String,
        title: String,
        description: String,
        venue_name: String,
        venue_address: String,
        city: String,
        city_key: String,
        country: String,
        category: String,
        category_key: String,
        starts_at: i64,
        ends_at: i64,
        time_zone: String,
        sales_opens_at: i64,
        sales_closes_at: i64,
        max_tickets_per_booking: i64,
        total_capacity: Option<i64>,
        currency: Option<String>,
        min_price: Option<i64>,
        max_price: Option<i64>,
        capacity: i64,
        seats_free: i64,
        seats_sold: i64,
        search_text: String,
        published_at: Option<i64>,
        cancel_reason: Option<String>,
        version: i64,
        position: i64,
        buyer_max_seats: Option<i64>,
        holds_per_minute: i64,
        room_opens_at: Option<i64>,
        room_admitted_per_minute: Option<i64>,
        room_admission_minutes: Option<i64>,
        room_opened_at: Option<i64>,
        room_waiting: i64,
        room_admitted: i64,
        room_unused: i64,
        room_position: i64,
    }
}

record! {
    /// One ticket type of a listing (`rm_ticket_types`).
    TypeRow in "rm_ticket_types", key(listing_id, ticket_type_id): (String, String), {
        listing_id: String,
        ticket_type_id: String,
        ordinal: i64,
        name: String,
        price: i64,
        currency: String,
        capacity: i64,
        held: i64,
        offered: i64,
        sold: i64,
        free: i64,
        waitlist: i64,
    }
}
