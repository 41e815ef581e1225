//! `decide` for listings: routes each command to its sub-decider.

use super::command::ListingCommand;
use super::error::ListingError;
use super::event::ListingEvent;
use super::state::{Listing, ListingState};
use super::{
    decide_holds as holds, decide_room as room, decide_setup as setup, decide_waitlist as waitlist,
};

/// Decides a listing command against the folded state; returns the events to append.
///
/// Cost is O(log n) in holds, bookings and waitlist entries, plus O(ticket types) per
/// waitlist offer made; nothing scans bookings (they are counters here).
pub fn decide(
    state: &ListingState,
    command: ListingCommand,
) -> Result<Vec<ListingEvent>, ListingError> {
    use ListingCommand as C;
    match command {
        C::CreateListing(c) => setup::create(state, *c),
        C::UpdateDetails(c) => setup::update_details(existing(state)?, *c),
        C::AddTicketType(c) => setup::add_ticket_type(existing(state)?, c),
        C::ChangeTicketTypeCapacity(c) => setup::change_capacity(existing(state)?, c),
        C::ChangeTotalCapacity(c) => setup::change_total_capacity(existing(state)?, c),
        C::SetBuyerLimits(c) => setup::set_buyer_limits(existing(state)?, c),
        C::SetWaitingRoom(c) => room::set(existing(state)?, c),
        C::JoinWaitingRoom(c) => room::join(existing(state)?, c),
        C::OpenWaitingRoom(c) => room::open(existing(state)?, c),
        C::AdmitFromWaitingRoom(c) => room::admit(existing(state)?, c),
        C::ExpireAdmission(c) => room::expire(existing(state)?, c),
        C::Publish(c) => setup::publish(existing(state)?, c),
        C::CloseSales(c) => setup::close_sales(existing(state)?, c),
        C::CloseSalesOnSchedule(c) => setup::close_sales_on_schedule(existing(state)?, c),
        C::Cancel(c) => setup::cancel(existing(state)?, c),
        C::HoldSeats(c) => holds::hold(existing(state)?, c),
        C::ReleaseHold(c) => holds::release(existing(state)?, c),
        C::ExpireHold(c) => holds::expire(existing(state)?, c),
        C::DeclineOffer(c) => holds::decline(existing(state)?, c),
        C::JoinWaitlist(c) => waitlist::join(existing(state)?, c),
        C::LeaveWaitlist(c) => waitlist::leave(existing(state)?, c),
    }
}

fn existing(state: &ListingState) -> Result<&Listing, ListingError> {
    state.listing().ok_or(ListingError::ListingNotFound)
}
