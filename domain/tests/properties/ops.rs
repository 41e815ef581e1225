//! Generators: a listing set-up and a random sequence of commands against it.

use domain::listing::BuyerLimits;
use proptest::prelude::*;
use proptest::sample::Index;

/// One step of a random sequence; indexes pick among ids created so far.
#[derive(Debug, Clone)]
pub enum Op {
    Hold {
        buyer: u8,
        ticket_type: u8,
        seats: u32,
    },
    Release {
        hold: Index,
    },
    Confirm {
        hold: Index,
        wrong_buyer: bool,
        duplicate_code: bool,
    },
    Expire {
        hold: Index,
    },
    ExpireEarly {
        hold: Index,
    },
    CancelBooking {
        booking: Index,
        who: u8,
    },
    ChangeCapacity {
        ticket_type: u8,
        delta: i8,
    },
    ChangeTotal {
        total: Option<u8>,
    },
    Join {
        buyer: u8,
        ticket_type: u8,
        party: u32,
    },
    Leave {
        entry: Index,
        as_owner: bool,
    },
    Decline {
        hold: Index,
    },
    Advance {
        minutes: u8,
    },
    CheckIn {
        booking: Index,
        ticket: Index,
    },
    UndoCheckIn {
        booking: Index,
        ticket: Index,
    },
    SetLimits {
        max_seats: Option<u8>,
        holds_per_minute: u8,
    },
    CloseSales,
    CancelListing,
}

/// Capacities of the three ticket types, an optional total cap, optional per-buyer
/// limits at creation, and the steps.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub capacities: [u32; 3],
    pub total_capacity: Option<u32>,
    pub buyer_limits: Option<BuyerLimits>,
    pub ops: Vec<Op>,
}

fn limits() -> impl Strategy<Value = BuyerLimits> {
    (prop::option::of(1..=12u32), 1..=8u32).prop_map(|(max_seats, holds_per_minute)| BuyerLimits {
        max_seats,
        holds_per_minute,
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        40 => (0..5u8, 0..3u8, 1..=4u32)
            .prop_map(|(buyer, ticket_type, seats)| Op::Hold { buyer, ticket_type, seats }),
        15 => any::<Index>().prop_map(|hold| Op::Release { hold }),
        30 => (any::<Index>(), 0..20u8).prop_map(|(hold, roll)| Op::Confirm {
            hold,
            wrong_buyer: roll == 0,
            duplicate_code: roll == 1,
        }),
        20 => any::<Index>().prop_map(|hold| Op::Expire { hold }),
        4 => any::<Index>().prop_map(|hold| Op::ExpireEarly { hold }),
        15 => (any::<Index>(), 0..6u8).prop_map(|(booking, who)| Op::CancelBooking { booking, who }),
        8 => (0..3u8, -3..=3i8).prop_map(|(ticket_type, delta)| Op::ChangeCapacity { ticket_type, delta }),
        5 => prop::option::of(4..16u8).prop_map(|total| Op::ChangeTotal { total }),
        30 => (0..5u8, 0..3u8, 1..=4u32)
            .prop_map(|(buyer, ticket_type, party)| Op::Join { buyer, ticket_type, party }),
        8 => (any::<Index>(), any::<bool>()).prop_map(|(entry, as_owner)| Op::Leave { entry, as_owner }),
        15 => any::<Index>().prop_map(|hold| Op::Decline { hold }),
        15 => (1..40u8).prop_map(|minutes| Op::Advance { minutes }),
        8 => (any::<Index>(), any::<Index>()).prop_map(|(booking, ticket)| Op::CheckIn { booking, ticket }),
        3 => (any::<Index>(), any::<Index>()).prop_map(|(booking, ticket)| Op::UndoCheckIn { booking, ticket }),
        3 => (prop::option::of(1..=12u8), 1..=8u8)
            .prop_map(|(max_seats, holds_per_minute)| Op::SetLimits { max_seats, holds_per_minute }),
        1 => Just(Op::CloseSales),
        2 => Just(Op::CancelListing),
    ]
}

pub fn scenario() -> impl Strategy<Value = Scenario> {
    (
        [2..=6u32, 2..=6u32, 2..=6u32],
        prop::option::of(5..=14u32),
        prop::option::of(limits()),
        prop::collection::vec(op(), 1..=60),
    )
        .prop_map(|(capacities, total_capacity, buyer_limits, ops)| Scenario {
            capacities,
            total_capacity,
            buyer_limits,
            ops,
        })
}
