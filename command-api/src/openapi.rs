//! The command API's part of the OpenAPI 3.1 contract, generated from the handlers'
//! annotations; `http_kit::app` merges it with the other parts into the served document.

pub use http_kit::openapi::{problems, IdempotencyKeyHeader};
use utoipa::OpenApi;

use crate::error::{FieldError, Problem};
use crate::routes::ConfirmBody;

/// The frame of the command API's document: the shared components and tags. The
/// operations come from the router (`routes::api`), which carries each route's
/// documentation.
#[derive(OpenApi)]
#[openapi(
    components(
        schemas(Problem, FieldError, ConfirmBody),
        responses(
            problems::BadRequest,
            problems::Unauthorized,
            problems::PaymentRequired,
            problems::Forbidden,
            problems::NotFound,
            problems::Conflict,
            problems::PayloadTooLarge,
            problems::UnsupportedMediaType,
            problems::Unprocessable,
            problems::TooManyRequests,
            problems::Internal,
            problems::GatewayTimeout,
        ),
    ),
    tags(
        (name = "accounts", description = "Register, verify e-mail, change password; admin commands"),
        (name = "sessions", description = "Log in, refresh the access token, log out"),
        (name = "listings", description = "Create, publish and close listings (organizers)"),
        (name = "holds", description = "Hold seats, release them, confirm them into a booking"),
        (name = "bookings", description = "Cancel bookings"),
        (name = "waitlist", description = "Wait for sold-out seats and answer offers"),
        (name = "checkin", description = "Admit tickets at the door"),
    ),
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    #[test]
    fn every_reference_in_the_document_resolves() {
        let checked = http_kit::openapi::check_refs(&crate::routes::documentation());
        assert!(matches!(checked, Ok(n) if n > 0), "{checked:?}");
    }
}
