//! The bookings projection's rows: holds and offers (`rm_holds`), bookings, tickets,
//! waitlist entries and people, as the migrations create them.

use crate::record::record;

record! {
    /// A hold or waitlist offer (`rm_holds`).
    HoldRow in "rm_holds", key(hold_id): String, {
        hold_id: String,
        listing_id: String,
        ticket_type_id: String,
        buyer: String,
        seats: i64,
        entry_id: Option<String>,
        status: String,
        booking_id: Option<String>,
        expires_at: i64,
        created_at: i64,
        ended_at: Option<i64>,
    }
}

record! {
    /// A booking (`rm_bookings`).
    BookingRow in "rm_bookings", key(booking_id): String, {
        booking_id: String,
        listing_id: String,
        organizer_id: String,
        buyer: String,
        hold_id: String,
        ticket_type_id: String,
        ticket_type_name: String,
        seats: i64,
        unit_price: i64,
        total: i64,
        currency: String,
        payment_reference: Option<String>,
        status: String,
        cancel_reason: Option<String>,
        refund_amount: Option<i64>,
        confirmed_at: i64,
        cancelled_at: Option<i64>,
    }
}

record! {
    /// A ticket (`rm_tickets`).
    TicketRow in "rm_tickets", key(ticket_id): String, {
        ticket_id: String,
        booking_id: String,
        listing_id: String,
        ordinal: i64,
        code: String,
        checked_in_at: Option<i64>,
        checked_in_by: Option<String>,
    }
}

record! {
    /// A waitlist entry (`rm_waitlist`); `seq` is the log position of the join.
    EntryRow in "rm_waitlist", key(entry_id): String, {
        entry_id: String,
        listing_id: String,
        ticket_type_id: String,
        buyer: String,
        party_size: i64,
        seq: i64,
        status: String,
        offer_hold_id: Option<String>,
        offer_expires_at: Option<i64>,
        joined_at: i64,
        updated_at: i64,
    }
}

record! {
    /// A person's name and e-mail (`rm_people`), for attendee lists.
    PersonRow in "rm_people", key(user_id): String, {
        user_id: String,
        display_name: String,
        email: String,
    }
}

record! {
    /// A buyer's visit to a listing's waiting room (`rm_room_visits`), keyed
    /// `listing/buyer`; `status` is `waiting`, `admitted`, `expired` or `closed` (the room
    /// was turned off or the listing cancelled).
    VisitRow in "rm_room_visits", key(visit_id): String, {
        visit_id: String,
        listing_id: String,
        buyer: String,
        line_phase: i64,
        line_key: i64,
        status: String,
        joined_at: i64,
        admitted_at: Option<i64>,
        expires_at: Option<i64>,
        used: i64,
        ended_at: Option<i64>,
    }
}
