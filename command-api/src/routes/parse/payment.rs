//! The optional payment body of confirming a hold or accepting a waitlist offer.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The body of `POST .../confirm` and `POST .../accept`: how to pay.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfirmBody {
    /// Needed unless the seats are free; the sandbox takes `tok_ok`, `tok_declined`, `tok_timeout`.
    #[serde(default)]
    pub payment_token: Option<String>,
}
