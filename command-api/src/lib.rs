//! Command side of boxoffice: the HTTP front door for every change. Each service is a
//! library function that takes a listener and a shutdown future, so tests start it on
//! port 0 and the binary starts it on the configured address.

mod routes;
mod serve;

pub use routes::router;
pub use serve::serve;
