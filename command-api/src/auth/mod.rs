//! Authentication: argon2 password hashes, short-lived JWT access tokens, rotating
//! refresh tokens, e-mail verification tokens, log-in rate limits and the client address
//! they key on.

mod client;
pub mod jwt;
pub mod password;
pub mod rate_limit;
pub mod refresh;
pub mod verification;
