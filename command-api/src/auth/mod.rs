//! Authentication: argon2 password hashes, short-lived JWT access tokens, rotating
//! refresh tokens, e-mail verification tokens, and log-in rate limits.

pub mod jwt;
pub mod password;
pub mod rate_limit;
pub mod refresh;
pub mod verification;
