//! The account aggregate (stream `user-<uuid>`): registration, verification, roles, suspension.

mod command;
mod decide;
mod error;
mod event;
mod state;

pub use command::{
    AccountCommand, AccountKind, ChangePassword, ChangeRole, Register, ReinstateAccount,
    SuspendAccount, VerifyEmail,
};
pub use decide::decide;
pub use error::AccountError;
pub use event::AccountEvent;
pub use state::{evolve, Account, AccountState, Suspension};
