//! Undoing a check-in made by mistake.

use domain::booking::UndoCheckIn;
use domain::{Actor, TicketCode};

use super::on_ticket;
use crate::commands::replies::BookingChanged;
use crate::commands::CommandError;
use crate::state::AppState;

/// Undoes the admission of the ticket with `code`.
pub async fn undo(
    state: &AppState,
    actor: Actor,
    code: TicketCode,
) -> Result<BookingChanged, CommandError> {
    let now = state.clock.now();
    on_ticket(state, actor, code, |code| {
        UndoCheckIn { actor, code, now }.into()
    })
    .await
}
