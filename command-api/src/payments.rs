//! Payments: the provider interface and the built-in sandbox, so the whole booking flow
//! runs without any external service. Free ticket types skip payment entirely.

use std::time::Duration;

use domain::{Money, PaymentReference};
use uuid::Uuid;

/// Why a charge did not capture any money.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The provider declined the card.
    #[error("the card was declined; no seats were booked and the hold is kept")]
    Declined,
    /// The provider did not answer in time; nothing was charged.
    #[error("the payment provider did not answer; nothing was charged, try again")]
    Timeout,
    /// The token is none the provider knows.
    #[error("unknown token; the sandbox takes tok_ok, tok_declined or tok_timeout")]
    UnknownToken,
    /// The provider answered with something unusable.
    #[error("the payment provider's answer is unusable: {0}")]
    Provider(String),
}

/// How long the sandbox's `tok_timeout` makes the caller wait before failing.
const SANDBOX_TIMEOUT: Duration = Duration::from_millis(200);

/// Charges the buyer with the sandbox's test tokens, matched exactly (byte for byte: a
/// token with a trailing NUL or space is another token): `tok_ok` succeeds,
/// `tok_declined` is declined, and `tok_timeout` times out. Anything else is rejected as
/// an unknown token.
pub async fn charge(amount: &Money, token: &str) -> Result<PaymentReference, PaymentError> {
    match token {
        "tok_ok" => {
            let reference = format!("pay_{}", Uuid::now_v7().simple());
            tracing::info!(
                payment.amount_minor = amount.amount_minor(),
                payment.currency = %amount.currency(),
                "sandbox payment captured"
            );
            PaymentReference::parse(&reference).map_err(|e| PaymentError::Provider(e.to_string()))
        }
        "tok_declined" => Err(PaymentError::Declined),
        "tok_timeout" => {
            tokio::time::sleep(SANDBOX_TIMEOUT).await;
            Err(PaymentError::Timeout)
        }
        _ => Err(PaymentError::UnknownToken),
    }
}

/// Gives a captured payment back (a confirmation failed after the charge).
pub async fn refund(_reference: &PaymentReference) {
    tracing::info!("sandbox payment refunded");
}

#[cfg(test)]
mod tests {
    use domain::Currency;

    use super::*;

    #[tokio::test]
    async fn only_the_exact_sandbox_tokens_are_known() {
        let amount = Money::new(100, Currency::parse("EUR").unwrap()).unwrap();
        assert!(charge(&amount, "tok_ok").await.is_ok());
        for near in ["tok_ok\u{0}", "tok_ok ", "tok_okay", " tok_ok", "TOK_OK"] {
            assert!(
                matches!(charge(&amount, near).await, Err(PaymentError::UnknownToken)),
                "{near:?}"
            );
        }
    }
}
