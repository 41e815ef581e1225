//! Admitting tickets at the door: once, by the organizer's staff, never when cancelled.

use crate::common::*;
use domain::booking::{
    self, BookingCommand, BookingError, BookingEvent, BookingState, CheckIn, UndoCheckIn,
};
use domain::{Actor, TicketCode};

fn check_in(
    events: &[BookingEvent],
    who: Actor,
    code: TicketCode,
    at: i64,
) -> Result<Vec<BookingEvent>, BookingError> {
    booking::decide(
        &BookingState::fold(events),
        BookingCommand::from(CheckIn {
            actor: who,
            code,
            now: t(at),
        }),
    )
}

fn undo(
    events: &[BookingEvent],
    who: Actor,
    code: TicketCode,
    at: i64,
) -> Result<Vec<BookingEvent>, BookingError> {
    booking::decide(
        &BookingState::fold(events),
        UndoCheckIn {
            actor: who,
            code,
            now: t(at),
        }
        .into(),
    )
}

fn admitted(by: Actor, at: i64) -> BookingEvent {
    BookingEvent::TicketCheckedIn {
        booking_id: booking_id(1),
        ticket_id: ticket_id(100),
        by: by.user_id,
        at: t(at),
    }
}

#[test]
fn staff_admit_a_ticket_by_its_code() {
    let booked = booked_balcony(2);
    assert_eq!(
        check_in(&booked.booking, staff(), code(100), 50).unwrap(),
        vec![admitted(staff(), 50)]
    );
}

#[test]
fn the_organizer_can_admit_a_ticket() {
    let booked = booked_balcony(2);
    assert!(check_in(&booked.booking, organizer(), code(101), 50).is_ok());
}

#[test]
fn a_code_typed_in_lower_case_with_dashes_is_the_same_code() {
    let booked = booked_balcony(2);
    let typed = TicketCode::parse("tkt0-0000-0000-0100").unwrap();
    assert_eq!(typed, code(100));
    assert_eq!(
        check_in(&booked.booking, staff(), typed, 50).unwrap(),
        vec![admitted(staff(), 50)]
    );
}

#[test]
fn a_second_admission_is_rejected_with_when_and_by_whom_it_was_first_admitted() {
    let mut booked = booked_balcony(2);
    booked.booking.push(admitted(staff(), 50));
    let error = check_in(&booked.booking, organizer(), code(100), 55).unwrap_err();
    assert_eq!(
        error,
        BookingError::AlreadyCheckedIn {
            at: t(50),
            by: staff().user_id,
        }
    );
    assert!(error
        .to_string()
        .contains("already admitted at 2026-06-01 10:50:00 UTC"));
}

#[test]
fn the_other_ticket_of_a_booking_can_still_be_admitted() {
    let mut booked = booked_balcony(2);
    booked.booking.push(admitted(staff(), 50));
    assert!(check_in(&booked.booking, staff(), code(101), 51).is_ok());
}

#[test]
fn a_cancelled_ticket_is_rejected_with_when_it_was_cancelled() {
    let mut booked = booked_balcony(2);
    booked
        .booking
        .extend(cancel(&booked, buyer(1), 30).unwrap().booking);
    assert_eq!(
        check_in(&booked.booking, staff(), code(100), 50).unwrap_err(),
        BookingError::TicketCancelled { at: t(30) }
    );
}

#[test]
fn staff_of_another_organizer_cannot_check_in() {
    let booked = booked_balcony(2);
    assert_eq!(
        check_in(&booked.booking, other_staff(), code(100), 50).unwrap_err(),
        BookingError::NotStaffForListing
    );
}

#[test]
fn customers_and_other_organizers_cannot_check_in() {
    let booked = booked_balcony(2);
    for actor in [buyer(1), other_organizer()] {
        assert_eq!(
            check_in(&booked.booking, actor, code(100), 50).unwrap_err(),
            BookingError::NotStaffForListing
        );
    }
}

#[test]
fn a_code_from_another_booking_is_rejected() {
    let booked = booked_balcony(2);
    assert_eq!(
        check_in(&booked.booking, staff(), code(999), 50).unwrap_err(),
        BookingError::UnknownTicketCode
    );
}

#[test]
fn checking_in_on_a_booking_that_does_not_exist_is_rejected() {
    assert_eq!(
        check_in(&[], staff(), code(100), 50).unwrap_err(),
        BookingError::BookingNotFound
    );
}

#[test]
fn undoing_a_check_in_lets_the_ticket_be_admitted_again() {
    let mut booked = booked_balcony(2);
    booked.booking.push(admitted(staff(), 50));
    let undone = undo(&booked.booking, staff(), code(100), 51).unwrap();
    assert_eq!(
        undone,
        vec![BookingEvent::TicketCheckInUndone {
            booking_id: booking_id(1),
            ticket_id: ticket_id(100),
            by: staff().user_id,
            at: t(51),
        }]
    );
    booked.booking.extend(undone);
    assert!(check_in(&booked.booking, staff(), code(100), 52).is_ok());
}

#[test]
fn undoing_a_ticket_that_is_not_checked_in_is_rejected() {
    let booked = booked_balcony(2);
    assert_eq!(
        undo(&booked.booking, staff(), code(100), 51).unwrap_err(),
        BookingError::NotCheckedIn {
            ticket_id: ticket_id(100)
        }
    );
}

#[test]
fn a_customer_cannot_undo_a_check_in() {
    let mut booked = booked_balcony(2);
    booked.booking.push(admitted(staff(), 50));
    assert_eq!(
        undo(&booked.booking, buyer(1), code(100), 51).unwrap_err(),
        BookingError::NotStaffForListing
    );
}
