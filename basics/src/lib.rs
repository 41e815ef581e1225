//! The few pieces every part of boxoffice shares and none owns: the application clock, a
//! secret that never prints, and the e-mail verification token. A leaf crate (no HTTP, no
//! storage), so the notifier can use them without depending on a web framework.

pub mod clock;
pub mod secret;
pub mod verification;

pub use clock::Clock;
pub use secret::Secret;
