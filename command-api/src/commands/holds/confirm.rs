//! Confirming a hold into a booking with one ticket per seat, after payment unless the
//! seats are free. Accepting a waitlist offer confirms its offer hold the same way.

use domain::booking::{BookingState, NewTicket};
use domain::flows::{confirm_hold, ConfirmHold};
use domain::listing::ListingState;
use domain::{Actor, BookingId, HoldId, ListingId, Money, TicketCode, TicketId};
use eventlog::{ExpectedVersion, StreamAppend};
use rand::Rng;
use uuid::Uuid;

use crate::commands::replies::BookingCreated;
use crate::commands::{metadata, CommandError};
use crate::payments;
use crate::state::AppState;
use crate::store;
use crate::writer::Planned;

/// Confirms the actor's hold `hold_id`, charging `payment_token` first if it costs money.
pub async fn confirm(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    hold_id: HoldId,
    payment_token: Option<String>,
) -> Result<BookingCreated, CommandError> {
    confirm_into_booking(state, actor, listing_id, hold_id, payment_token).await
}

/// Charges (if not free) and confirms `hold_id` into a new booking with its tickets.
/// Shared by hold confirmation and accepting a waitlist offer.
pub async fn confirm_into_booking(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    hold_id: HoldId,
    payment_token: Option<String>,
) -> Result<BookingCreated, CommandError> {
    // A payment happens before the decision, outside the writer, so a slow provider never
    // holds up other buyers: only then is the hold priced first. Without a token the one
    // decision below prices it and refuses if it costs money.
    let payment_reference = match payment_token {
        Some(token) => {
            let (_, amount) = state
                .writers
                .submit(listing_id, metadata(&actor), move |current| {
                    Ok::<_, CommandError>(Planned::listing(
                        Vec::new(),
                        price(current, actor, hold_id)?,
                    ))
                })
                .await??
                .reply;
            match amount {
                Some(amount) if !amount.is_zero() => Some(payments::charge(&amount, &token).await?),
                _ => None,
            }
        }
        None => None,
    };
    let booking_id = BookingId::from(Uuid::now_v7());
    let now = state.clock.now();
    let reference = payment_reference.clone();
    let meta = metadata(&actor);
    let booking_meta = meta.clone();
    let answer = move |ticket_codes, position| BookingCreated {
        booking_id,
        ticket_codes,
        position,
    };
    let result = state
        .writers
        .submit_answering(
            listing_id,
            meta,
            move |current| {
                let (seats, amount) = price(current, actor, hold_id)?;
                if reference.is_none() && amount.is_some_and(|a| !a.is_zero()) {
                    return Err(CommandError::invalid(
                        "payment_token",
                        "this hold costs money: send a payment token (sandbox: tok_ok)",
                    ));
                }
                let tickets = new_tickets(seats);
                let codes: Vec<String> =
                    tickets.iter().map(|t| t.code.as_str().to_owned()).collect();
                let decision = confirm_hold(
                    current,
                    &BookingState::default(),
                    ConfirmHold {
                        actor,
                        hold_id,
                        booking_id,
                        payment_reference: reference.clone(),
                        tickets,
                        now,
                    },
                )?;
                let booking_events = store::to_log(&decision.booking, &booking_meta)?;
                let booking = StreamAppend::new(
                    store::stream_id(booking_id.stream_id()),
                    ExpectedVersion::NoStream,
                    booking_events,
                );
                Ok(Planned {
                    listing: decision.listing,
                    others: vec![booking],
                    reply: codes,
                })
            },
            answer,
        )
        .await
        .map_err(CommandError::from)
        .and_then(|answer| answer);
    match result {
        Ok(booked) => {
            state.recorder.booking(
                listing_id.to_string(),
                booking_id.to_string(),
                booked.ticket_codes.clone(),
            );
            Ok(booked)
        }
        Err(error) => {
            if let Some(reference) = &payment_reference {
                payments::refund(reference).await;
            }
            Err(error)
        }
    }
}

/// Seats and total price of an active hold the actor may confirm.
fn price(
    current: &ListingState,
    actor: Actor,
    hold_id: HoldId,
) -> Result<(u32, Option<Money>), CommandError> {
    let listing = current
        .listing()
        .ok_or_else(|| CommandError::NotFound("no such listing".into()))?;
    let hold = listing
        .hold(hold_id)
        .ok_or_else(|| CommandError::NotFound(format!("no active hold {hold_id}")))?;
    if hold.buyer != actor.user_id {
        return Err(CommandError::Forbidden(
            "this hold belongs to someone else".into(),
        ));
    }
    let seats = hold.seats.get();
    let amount = listing
        .ticket_type(hold.ticket_type_id)
        .and_then(|t| t.price.checked_mul(seats));
    Ok((seats, amount))
}

/// One ticket per seat, each with a code drawn from the OS's CSPRNG.
fn new_tickets(seats: u32) -> Vec<NewTicket> {
    let alphabet = TicketCode::ALPHABET.as_bytes();
    let mut rng = rand::rng();
    (0..seats)
        .map(|_| {
            let code: String = (0..TicketCode::MIN_LEN)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
                .collect();
            NewTicket {
                ticket_id: TicketId::from(Uuid::now_v7()),
                code: TicketCode::parse(&code).expect("codes are drawn from the alphabet"),
            }
        })
        .collect()
}
