//! Pending deadlines and the commands the application issues when they fall due.

use crate::common::*;
use domain::listing::{self, Deadline, DeadlineKind, ListingCommand, ListingError, ListingEvent};

#[test]
fn pending_deadlines_list_hold_and_offer_expiries_and_the_sales_close_earliest_first() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 2, 1));
    events.push(held(2, buyer(3), stalls(), 1, 2));
    events.push(ListingEvent::HoldExpired {
        hold_id: hold_id(1),
        ticket_type_id: balcony(),
        buyer: buyer(1).user_id,
        seats: seats(4),
        at: t(10),
    });
    events.push(offered(1, buyer(2), balcony(), 2, 10));
    assert_eq!(
        fold(&events).pending_deadlines(),
        vec![
            Deadline {
                due_at: t(2 + HOLD_MINUTES),
                kind: DeadlineKind::HoldExpiry {
                    hold_id: hold_id(2)
                },
            },
            Deadline {
                due_at: t(10 + OFFER_MINUTES),
                kind: DeadlineKind::OfferExpiry {
                    hold_id: offer_hold(1),
                    entry_id: entry_id(1),
                },
            },
            Deadline {
                due_at: t(30 * DAY),
                kind: DeadlineKind::SalesClose,
            },
        ]
    );
}

#[test]
fn a_draft_or_closed_listing_has_no_sales_close_deadline() {
    assert!(fold(&drafted()).pending_deadlines().is_empty());
    let mut events = published();
    events.push(ListingEvent::SalesClosed { by: None, at: t(1) });
    assert!(fold(&events).pending_deadlines().is_empty());
}

#[test]
fn only_deadlines_that_have_passed_are_due() {
    let events = balcony_sold_out();
    let state = fold(&events);
    assert!(state.due_deadlines(t(HOLD_MINUTES - 1)).is_empty());
    assert_eq!(state.due_deadlines(t(HOLD_MINUTES)).len(), 1);
    assert_eq!(state.next_deadline().unwrap().due_at, t(HOLD_MINUTES));
}

#[test]
fn a_due_hold_deadline_becomes_an_expiry_command_that_succeeds() {
    let events = balcony_sold_out();
    let state = fold(&events);
    let deadline = state.due_deadlines(t(HOLD_MINUTES))[0];
    let command = deadline.command(t(HOLD_MINUTES), offer_for(), 0);
    assert!(matches!(command, ListingCommand::ExpireHold(_)));
    let expired = listing::decide(&state, command).unwrap();
    assert!(matches!(expired[..], [ListingEvent::HoldExpired { .. }]));
}

#[test]
fn a_sales_close_deadline_becomes_a_scheduled_close() {
    let state = fold(&published());
    let deadline = state.next_deadline().unwrap();
    let command = deadline.command(t(30 * DAY), offer_for(), 0);
    assert_eq!(
        listing::decide(&state, command).unwrap(),
        vec![ListingEvent::SalesClosed {
            by: None,
            at: t(30 * DAY)
        }]
    );
}

#[test]
fn issuing_a_deadline_command_early_is_rejected() {
    let state = fold(&published());
    let command = state.next_deadline().unwrap().command(t(0), offer_for(), 0);
    assert!(matches!(
        listing::decide(&state, command),
        Err(ListingError::SalesCloseNotDue { .. })
    ));
}
