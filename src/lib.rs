//! The boxoffice system as a library: [`run`] starts every part from a [`Config`], a
//! listener and a shutdown future; the `boxoffice` binary, the API tests and the
//! benchmarks all start it that way. Background tasks run under a [`Supervisor`].

pub mod demo;
pub mod supervisor;
mod system;
pub mod web;

pub use supervisor::{Backoff, Supervisor, TaskHealth};
pub use system::{run, Config, System};

/// The command API's state for `config` (the demo loader drives the API through it too).
pub fn state(config: &Config) -> command_api::AppState {
    command_api::AppState::new(
        config.log.clone(),
        config.clock.clone(),
        config.secret.expose().as_bytes(),
        config.api.clone(),
    )
}

/// The `info` of the served OpenAPI document.
pub fn info() -> utoipa::openapi::Info {
    utoipa::openapi::InfoBuilder::new()
        .title("boxoffice")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Commands and queries of the boxoffice booking engine. Every failure is an \
             `application/problem+json` document (RFC 9457). POSTs take an optional \
             `Idempotency-Key`: a retry with the same key gets the first answer again. \
             Reads take `after=<position>` to see a command's write.",
        ))
        .license(Some(
            utoipa::openapi::LicenseBuilder::new()
                .name("Apache-2.0")
                .identifier(Some("Apache-2.0"))
                .build(),
        ))
        .build()
}
