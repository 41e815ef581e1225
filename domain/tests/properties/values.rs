//! Properties of value types: parsing is total, normalising and serde-stable.

use domain::{Currency, Money, SeatCount, TicketCode};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_seat_count_parses_exactly_when_in_range(n in 0u32..300) {
        prop_assert_eq!(SeatCount::new(n).is_ok(), (1..=SeatCount::MAX).contains(&n));
    }

    #[test]
    fn money_survives_serde_and_rejects_negatives(amount in any::<i64>()) {
        let eur = Currency::parse("EUR").unwrap();
        match Money::new(amount, eur) {
            Ok(money) => {
                let json = serde_json::to_string(&money).unwrap();
                prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), money);
            }
            Err(_) => prop_assert!(amount < 0),
        }
    }

    #[test]
    fn a_ticket_code_parses_the_same_however_it_is_typed(
        chars in prop::collection::vec(prop::sample::select(TicketCode::ALPHABET.chars().collect::<Vec<_>>()), 16..=32),
    ) {
        let canonical: String = chars.iter().collect();
        let code = TicketCode::parse(&canonical).unwrap();
        let typed: String = canonical
            .to_lowercase()
            .chars()
            .enumerate()
            .flat_map(|(i, c)| if i > 0 && i % 4 == 0 { vec!['-', c] } else { vec![c] })
            .collect();
        prop_assert_eq!(TicketCode::parse(&typed).unwrap(), code.clone());
        let json = serde_json::to_string(&code).unwrap();
        prop_assert_eq!(serde_json::from_str::<TicketCode>(&json).unwrap(), code);
    }
}
