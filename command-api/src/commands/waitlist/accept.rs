//! Accepting a waitlist offer: its offer hold is confirmed into a booking.

use domain::{Actor, HoldId, ListingId, WaitlistEntryId};

use crate::commands::holds::confirm_into_booking;
use crate::commands::replies::BookingCreated;
use crate::commands::CommandError;
use crate::state::AppState;

/// Accepts the offer of entry `entry_id`, charging `payment_token` unless it is free.
pub async fn accept(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    entry_id: WaitlistEntryId,
    payment_token: Option<String>,
) -> Result<BookingCreated, CommandError> {
    let hold_id = HoldId::for_offer(entry_id);
    confirm_into_booking(state, actor, listing_id, hold_id, payment_token).await
}
