//! Door use cases: admit a ticket by its code, undo an admission. Both find the booking
//! by code and decide-and-append on the booking stream.

mod admit;
mod undo;

pub use admit::admit;
pub use undo::undo;

use domain::booking::BookingCommand;
use domain::{Actor, BookingAggregate, TicketCode};

use crate::commands::replies::BookingChanged;
use crate::commands::{metadata, CommandError};
use crate::state::AppState;
use crate::{index, store};

/// Finds the booking of `code`, decides `command` on it and appends (retrying when
/// another door scanned a ticket of the same booking at the same moment).
async fn on_ticket(
    state: &AppState,
    actor: Actor,
    code: TicketCode,
    command: impl Fn(TicketCode) -> BookingCommand,
) -> Result<BookingChanged, CommandError> {
    let booking = match index::booking_of(&state.log, code.as_str()).await? {
        Some(booking) => booking,
        None => {
            // The booking may have been confirmed a moment ago: write pending rows, look again.
            state.recorder.flush().await;
            index::booking_of(&state.log, code.as_str())
                .await?
                .ok_or_else(|| CommandError::NotFound("no ticket has this code".into()))?
        }
    };
    let stream = store::stream_id(booking.stream_id());
    let position = store::decide_and_append::<BookingAggregate, CommandError>(
        &state.log,
        &stream,
        &metadata(&actor),
        |current| Ok(domain::booking::decide(current, command(code.clone()))?),
    )
    .await??;
    Ok(BookingChanged {
        booking_id: booking,
        position,
    })
}
