//! One shape for every aggregate, so the command API can load, fold and decide generically.

use crate::account::{self, AccountCommand, AccountError, AccountEvent, AccountState};
use crate::booking::{self, BookingCommand, BookingError, BookingEvent, BookingState};
use crate::event::DomainEvent;
use crate::listing::{self, ListingCommand, ListingError, ListingEvent, ListingState};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// An aggregate: its state (snapshot-able), commands, events, rejections and pure functions.
pub trait Aggregate {
    /// Folded state; `Default` is the state of an empty stream.
    type State: Default + Clone + PartialEq + Serialize + DeserializeOwned;
    /// What it can be asked to do.
    type Command;
    /// What it records.
    type Event: DomainEvent;
    /// Why it refuses.
    type Error: std::error::Error;

    /// Decides a command against the state.
    fn decide(state: &Self::State, command: Self::Command)
        -> Result<Vec<Self::Event>, Self::Error>;

    /// Applies one event; never fails.
    fn evolve(state: Self::State, event: &Self::Event) -> Self::State;

    /// Folds events onto a state (a snapshot or the empty state).
    fn fold<'a>(
        state: Self::State,
        events: impl IntoIterator<Item = &'a Self::Event>,
    ) -> Self::State
    where
        Self::Event: 'a,
    {
        events.into_iter().fold(state, Self::evolve)
    }
}

/// The listing aggregate (stream `listing-<uuid>`).
#[derive(Debug, Clone, Copy)]
pub struct ListingAggregate;

/// The booking aggregate (stream `booking-<uuid>`).
#[derive(Debug, Clone, Copy)]
pub struct BookingAggregate;

/// The account aggregate (stream `user-<uuid>`).
#[derive(Debug, Clone, Copy)]
pub struct AccountAggregate;

impl Aggregate for ListingAggregate {
    type State = ListingState;
    type Command = ListingCommand;
    type Event = ListingEvent;
    type Error = ListingError;

    fn decide(
        state: &ListingState,
        command: ListingCommand,
    ) -> Result<Vec<ListingEvent>, ListingError> {
        listing::decide(state, command)
    }

    fn evolve(state: ListingState, event: &ListingEvent) -> ListingState {
        listing::evolve(state, event)
    }
}

impl Aggregate for BookingAggregate {
    type State = BookingState;
    type Command = BookingCommand;
    type Event = BookingEvent;
    type Error = BookingError;

    fn decide(
        state: &BookingState,
        command: BookingCommand,
    ) -> Result<Vec<BookingEvent>, BookingError> {
        booking::decide(state, command)
    }

    fn evolve(state: BookingState, event: &BookingEvent) -> BookingState {
        booking::evolve(state, event)
    }
}

impl Aggregate for AccountAggregate {
    type State = AccountState;
    type Command = AccountCommand;
    type Event = AccountEvent;
    type Error = AccountError;

    fn decide(
        state: &AccountState,
        command: AccountCommand,
    ) -> Result<Vec<AccountEvent>, AccountError> {
        account::decide(state, command)
    }

    fn evolve(state: AccountState, event: &AccountEvent) -> AccountState {
        account::evolve(state, event)
    }
}
