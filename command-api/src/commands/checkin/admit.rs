//! Admitting the ticket with a code (staff of the listing's organizer, or the organizer).

use domain::booking::CheckIn;
use domain::{Actor, TicketCode};

use super::on_ticket;
use crate::commands::replies::BookingChanged;
use crate::commands::CommandError;
use crate::state::AppState;

/// Checks in the ticket with `code`.
pub async fn admit(
    state: &AppState,
    actor: Actor,
    code: TicketCode,
) -> Result<BookingChanged, CommandError> {
    let now = state.clock.now();
    on_ticket(state, actor, code, |code| {
        CheckIn { actor, code, now }.into()
    })
    .await
}
