//! The application clock (`basics::Clock`, via `http_kit`), under its old path.

pub use http_kit::Clock;
