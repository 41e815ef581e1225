//! The error responses an operation can give, each an `application/problem+json`
//! [`Problem`](crate::Problem) document, named once in `components.responses` so
//! every operation refers to the same description.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa::PartialSchema;

/// Declares a unit struct whose `ToResponse` is a problem document described by its docs.
macro_rules! problem {
    ($(#[doc = $doc:literal])+ $name:ident $(, $build:expr)?) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                let response = problem_response(concat!($($doc, " "),+));
                $(let response = $build(response);)?
                (stringify!($name), response.build().into())
            }
        }
    };
}

/// A response of `description` whose body is a `Problem`.
fn problem_response(description: &str) -> ResponseBuilder {
    let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
    ResponseBuilder::new().description(description).content(
        "application/problem+json",
        Content::new(Some(Ref::from_schema_name("Problem"))),
    )
}

problem! {
    /// The body is not JSON or cannot be read.
    BadRequest
}

problem! {
    /// No access token, or an expired or forged one: log in and send
    /// `Authorization: Bearer <access token>`.
    Unauthorized
}

problem! {
    /// The payment provider declined the payment token; the hold is kept.
    PaymentRequired
}

problem! {
    /// Authenticated, but this is not the caller's to change.
    Forbidden
}

problem! {
    /// The thing does not exist, or is not the caller's to see.
    NotFound
}

problem! {
    /// The command was refused in the current state (the detail says why), another
    /// request changed the same thing at the same moment, or a request with this
    /// `Idempotency-Key` is still running.
    Conflict
}

problem! {
    /// The body is larger than the server accepts.
    PayloadTooLarge
}

problem! {
    /// The body was not sent as `Content-Type: application/json`.
    UnsupportedMediaType
}

problem! {
    /// Fields are missing, unknown or invalid (`errors` names each one), or the
    /// `Idempotency-Key` is malformed or was already used for a different request.
    Unprocessable
}

problem! {
    /// Too many attempts; retry after the seconds in `Retry-After`.
    TooManyRequests, with_retry_after
}

/// Adds the `Retry-After` header a 429 carries.
fn with_retry_after(response: ResponseBuilder) -> ResponseBuilder {
    let header = HeaderBuilder::new()
        .schema(u64::schema())
        .description(Some("Seconds until a retry can succeed"))
        .build();
    response.header("Retry-After", header)
}

problem! {
    /// Something failed on the server; it has been logged.
    Internal
}

problem! {
    /// The payment provider did not answer in time; nothing was charged, so retry.
    GatewayTimeout
}
