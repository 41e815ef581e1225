//! Account and session use cases: register, verify e-mail, change password, log in,
//! refresh, log out, and the admin commands (role, suspend, reinstate). Account commands
//! decide on the account stream and append in a log transaction, so the lookup rows
//! beside it (e-mail, refresh tokens) commit with the events.

mod account;
mod change_password;
mod change_role;
mod log_in;
mod log_out;
mod refresh;
mod register;
mod reinstate;
mod role;
mod session;
mod suspend;
mod verify;

pub use account::user_by_email;
pub use change_password::change_password;
pub use change_role::{change_role, change_role_now, ensure_admin};
pub use log_in::log_in;
pub use log_out::log_out;
pub use refresh::refresh;
pub use register::register;
pub use reinstate::reinstate;
pub use role::RoleBody;
pub use session::Session;
pub use suspend::suspend;
pub use verify::verify;
