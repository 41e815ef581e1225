//! Value types: parsed once at the edge, impossible to build invalid, serde included.

use domain::{
    CountryCode, Currency, Email, HoldDuration, LongText, Money, SeatCount, ShortText, TicketCode,
    TimeZoneName, ValueError,
};

#[test]
fn seat_counts_run_from_one_to_the_maximum() {
    assert!(SeatCount::new(0).is_err());
    assert_eq!(SeatCount::new(1).unwrap().get(), 1);
    assert!(SeatCount::new(SeatCount::MAX).is_ok());
    assert_eq!(
        SeatCount::new(SeatCount::MAX + 1).unwrap_err().to_string(),
        "seat count must be between 1 and 100 (got 101)"
    );
}

#[test]
fn an_invalid_seat_count_cannot_be_deserialized() {
    assert!(serde_json::from_str::<SeatCount>("0").is_err());
    assert_eq!(serde_json::from_str::<SeatCount>("3").unwrap().get(), 3);
}

#[test]
fn emails_are_trimmed_and_lower_cased() {
    let email = Email::parse("  Ada.Lovelace+tix@Example.COM ").unwrap();
    assert_eq!(email.as_str(), "ada.lovelace+tix@example.com");
}

#[test]
fn malformed_emails_are_rejected() {
    for raw in [
        "",
        "ada",
        "@example.com",
        "ada@",
        "ada@localhost",
        "ada@exa mple.com",
        "a b@example.com",
        "ada@-example.com",
        "ada@example..com",
    ] {
        assert!(
            matches!(Email::parse(raw), Err(ValueError::InvalidEmail { .. })),
            "{raw:?} should be rejected"
        );
    }
}

#[test]
fn an_invalid_email_cannot_be_deserialized() {
    assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
}

#[test]
fn money_is_never_negative() {
    let eur = Currency::parse("eur").unwrap();
    assert_eq!(eur.as_str(), "EUR");
    assert_eq!(
        Money::new(-1, eur).unwrap_err(),
        ValueError::NegativeAmount { amount: -1 }
    );
    assert!(serde_json::from_str::<Money>(r#"{"amount_minor":-5,"currency":"EUR"}"#).is_err());
}

#[test]
fn money_displays_with_the_currencys_minor_digits() {
    let money = |amount, code| Money::new(amount, Currency::parse(code).unwrap()).unwrap();
    assert_eq!(money(1250, "EUR").to_string(), "12.50 EUR");
    assert_eq!(money(5, "USD").to_string(), "0.05 USD");
    assert_eq!(money(1250, "JPY").to_string(), "1250 JPY");
    assert_eq!(money(1250, "KWD").to_string(), "1.250 KWD");
}

#[test]
fn money_arithmetic_is_checked() {
    let eur = Currency::parse("EUR").unwrap();
    let usd = Currency::parse("USD").unwrap();
    let big = Money::new(i64::MAX / 2 + 1, eur).unwrap();
    assert_eq!(big.checked_mul(2), None);
    assert_eq!(
        Money::new(250, eur)
            .unwrap()
            .checked_mul(3)
            .unwrap()
            .amount_minor(),
        750
    );
    let sum = Money::new(1, eur)
        .unwrap()
        .checked_add(&Money::new(2, eur).unwrap());
    assert_eq!(sum.unwrap().amount_minor(), 3);
    assert_eq!(
        Money::new(1, eur).unwrap().checked_add(&Money::zero(usd)),
        None
    );
    assert_eq!(big.checked_add(&big), None);
}

#[test]
fn currencies_are_three_letters() {
    for raw in ["EU", "EURO", "E1R", ""] {
        assert!(Currency::parse(raw).is_err(), "{raw:?}");
    }
}

#[test]
fn ticket_codes_are_long_and_use_an_unambiguous_alphabet() {
    assert!(TicketCode::parse("ABCDEFGH").is_err(), "too short");
    assert!(TicketCode::parse(&"A".repeat(33)).is_err(), "too long");
    assert!(
        TicketCode::parse("ABCDEFGHJKMNPQRI").is_err(),
        "I is ambiguous"
    );
    assert!(
        TicketCode::parse("ABCDEFGHJKMNPQRO").is_err(),
        "O is ambiguous"
    );
    let code = TicketCode::parse("abcd-efgh-jkmn-pqrs").unwrap();
    assert_eq!(code.as_str(), "ABCDEFGHJKMNPQRS");
}

#[test]
fn a_ticket_code_shows_only_a_prefix_in_debug_output() {
    let code = TicketCode::parse("ABCDEFGHJKMNPQRS").unwrap();
    assert_eq!(format!("{code:?}"), "TicketCode(ABCD…)");
}

#[test]
fn time_zones_must_look_like_iana_names() {
    for ok in [
        "UTC",
        "Europe/Paris",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+5",
    ] {
        assert!(TimeZoneName::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "Paris",
        "Mars/Olympus",
        "Europe/",
        "europe/paris",
        "Europe/Paris/A/B",
    ] {
        assert!(TimeZoneName::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn short_texts_are_trimmed_single_lines() {
    assert_eq!(ShortText::parse("  Balcony ").unwrap().as_str(), "Balcony");
    assert_eq!(ShortText::parse("   ").unwrap_err(), ValueError::EmptyText);
    assert_eq!(
        ShortText::parse("two\nlines").unwrap_err(),
        ValueError::ControlCharacter
    );
    assert!(matches!(
        ShortText::parse(&"x".repeat(201)),
        Err(ValueError::TextTooLong { max: 200, len: 201 })
    ));
}

#[test]
fn long_texts_may_be_empty_and_span_lines() {
    assert_eq!(LongText::parse("").unwrap().as_str(), "");
    assert!(LongText::parse("a\nb\tc").is_ok());
    assert!(LongText::parse("bell\u{7}").is_err());
}

#[test]
fn country_codes_are_two_letters() {
    assert_eq!(CountryCode::parse("fr").unwrap().as_str(), "FR");
    assert!(CountryCode::parse("FRA").is_err());
}

#[test]
fn hold_durations_run_from_a_minute_to_a_week() {
    assert!(HoldDuration::from_seconds(59).is_err());
    assert_eq!(HoldDuration::from_minutes(10).unwrap().seconds(), 600);
    assert!(HoldDuration::from_seconds(7 * 24 * 3600 + 1).is_err());
    assert!(HoldDuration::try_from(chrono::TimeDelta::milliseconds(90_500)).is_err());
}
