//! Registration, e-mail verification, roles, passwords and suspension.

use crate::common::*;
use domain::account::{
    self, AccountCommand, AccountError, AccountEvent, AccountKind, AccountState, ChangePassword,
    ChangeRole, Register, ReinstateAccount, SuspendAccount, VerifyEmail,
};
use domain::{Actor, Email, PasswordHash, Role};

fn me() -> Actor {
    buyer(1)
}

fn register(kind: AccountKind) -> Register {
    Register {
        user_id: me().user_id,
        email: Email::parse("Ada@Example.com").unwrap(),
        display_name: text("Ada"),
        password_hash: PasswordHash::parse("$argon2id$v=19$abc").unwrap(),
        kind,
        now: t(0),
    }
}

fn registered() -> Vec<AccountEvent> {
    vec![AccountEvent::AccountRegistered {
        user_id: me().user_id,
        email: Email::parse("ada@example.com").unwrap(),
        display_name: text("Ada"),
        role: Role::Customer,
        password_hash: PasswordHash::parse("$argon2id$v=19$abc").unwrap(),
        at: t(0),
    }]
}

fn suspended() -> Vec<AccountEvent> {
    let mut events = registered();
    events.push(AccountEvent::AccountSuspended {
        reason: text("chargebacks"),
        by: admin().user_id,
        at: t(5),
    });
    events
}

fn decide(
    events: &[AccountEvent],
    command: impl Into<AccountCommand>,
) -> Result<Vec<AccountEvent>, AccountError> {
    account::decide(&AccountState::fold(events), command.into())
}

fn change_role(actor: Actor, role: Role) -> ChangeRole {
    ChangeRole {
        actor,
        role,
        now: t(10),
    }
}

fn new_password(actor: Actor) -> ChangePassword {
    ChangePassword {
        actor,
        password_hash: PasswordHash::parse("$argon2id$v=19$new").unwrap(),
        now: t(10),
    }
}

#[test]
fn registering_a_customer_records_a_lower_cased_email_and_the_customer_role() {
    assert_eq!(
        decide(&[], register(AccountKind::Customer)).unwrap(),
        registered()
    );
    let state = AccountState::fold(&registered());
    let account = state.account().unwrap();
    assert_eq!(account.email_verified_at, None);
    assert!(account.is_active());
}

#[test]
fn registering_an_organizer_gives_the_organizer_role() {
    let events = decide(&[], register(AccountKind::Organizer)).unwrap();
    let state = AccountState::fold(&events);
    assert_eq!(state.account().unwrap().role, Role::Organizer);
}

#[test]
fn registering_twice_is_rejected() {
    assert_eq!(
        decide(&registered(), register(AccountKind::Customer)).unwrap_err(),
        AccountError::AlreadyRegistered {
            user_id: me().user_id
        }
    );
}

#[test]
fn verifying_the_email_records_the_address_and_time() {
    assert_eq!(
        decide(&registered(), VerifyEmail { now: t(3) }).unwrap(),
        vec![AccountEvent::EmailVerified {
            email: Email::parse("ada@example.com").unwrap(),
            at: t(3),
        }]
    );
}

#[test]
fn verifying_twice_is_rejected_with_the_first_time() {
    let mut events = registered();
    events.extend(decide(&events, VerifyEmail { now: t(3) }).unwrap());
    assert_eq!(
        decide(&events, VerifyEmail { now: t(4) }).unwrap_err(),
        AccountError::AlreadyVerified { at: t(3) }
    );
}

#[test]
fn commands_on_an_unregistered_account_are_rejected() {
    assert_eq!(
        decide(&[], VerifyEmail { now: t(3) }).unwrap_err(),
        AccountError::AccountNotFound
    );
}

#[test]
fn an_admin_makes_a_customer_staff_of_an_organizer() {
    let staff_role = Role::Staff {
        organizer_id: organizer().user_id,
    };
    let events = decide(&registered(), change_role(admin(), staff_role)).unwrap();
    assert_eq!(
        events,
        vec![AccountEvent::RoleChanged {
            from: Role::Customer,
            to: staff_role,
            by: admin().user_id,
            at: t(10),
        }]
    );
}

#[test]
fn only_admins_change_roles() {
    assert_eq!(
        decide(&registered(), change_role(organizer(), Role::Admin)).unwrap_err(),
        AccountError::AdminOnly
    );
}

#[test]
fn an_admin_cannot_change_their_own_role() {
    let mut events = registered();
    events.push(AccountEvent::RoleChanged {
        from: Role::Customer,
        to: Role::Admin,
        by: admin().user_id,
        at: t(1),
    });
    let me_as_admin = Actor::new(me().user_id, Role::Admin);
    assert_eq!(
        decide(&events, change_role(me_as_admin, Role::Customer)).unwrap_err(),
        AccountError::CannotTargetSelf
    );
}

#[test]
fn changing_to_the_current_role_is_rejected() {
    assert_eq!(
        decide(&registered(), change_role(admin(), Role::Customer)).unwrap_err(),
        AccountError::RoleUnchanged {
            role: Role::Customer
        }
    );
}

#[test]
fn a_user_changes_their_own_password() {
    let events = decide(&registered(), new_password(me())).unwrap();
    assert!(matches!(events[..], [AccountEvent::PasswordChanged { by, .. }] if by == me().user_id));
    let mut all = registered();
    all.extend(events);
    assert_eq!(
        AccountState::fold(&all).account().unwrap().password_hash,
        PasswordHash::parse("$argon2id$v=19$new").unwrap()
    );
}

#[test]
fn nobody_changes_another_users_password_not_even_an_admin() {
    assert_eq!(
        decide(&registered(), new_password(admin())).unwrap_err(),
        AccountError::NotYourAccount
    );
}

#[test]
fn a_suspended_user_cannot_change_their_password() {
    assert_eq!(
        decide(&suspended(), new_password(me())).unwrap_err(),
        AccountError::AccountSuspended { at: t(5) }
    );
}

#[test]
fn an_admin_suspends_an_account_with_a_reason() {
    let command = SuspendAccount {
        actor: admin(),
        reason: text("chargebacks"),
        now: t(5),
    };
    assert_eq!(
        decide(&registered(), command).unwrap(),
        suspended()[1..].to_vec()
    );
    assert!(!AccountState::fold(&suspended())
        .account()
        .unwrap()
        .is_active());
}

#[test]
fn suspending_twice_is_rejected() {
    let command = SuspendAccount {
        actor: admin(),
        reason: text("again"),
        now: t(6),
    };
    assert_eq!(
        decide(&suspended(), command).unwrap_err(),
        AccountError::AccountSuspended { at: t(5) }
    );
}

#[test]
fn a_non_admin_cannot_suspend_and_an_admin_cannot_suspend_themselves() {
    let by = |actor| SuspendAccount {
        actor,
        reason: text("spam"),
        now: t(5),
    };
    assert_eq!(
        decide(&registered(), by(organizer())).unwrap_err(),
        AccountError::AdminOnly
    );
    let mut admin_account = registered();
    admin_account.push(AccountEvent::RoleChanged {
        from: Role::Customer,
        to: Role::Admin,
        by: admin().user_id,
        at: t(1),
    });
    assert_eq!(
        decide(&admin_account, by(Actor::new(me().user_id, Role::Admin))).unwrap_err(),
        AccountError::CannotTargetSelf
    );
}

#[test]
fn reinstating_lifts_the_suspension() {
    let mut events = suspended();
    events.extend(
        decide(
            &events,
            ReinstateAccount {
                actor: admin(),
                now: t(9),
            },
        )
        .unwrap(),
    );
    assert!(AccountState::fold(&events).account().unwrap().is_active());
}

#[test]
fn reinstating_an_account_that_is_not_suspended_is_rejected() {
    assert_eq!(
        decide(
            &registered(),
            ReinstateAccount {
                actor: admin(),
                now: t(9),
            }
        )
        .unwrap_err(),
        AccountError::NotSuspended
    );
}

#[test]
fn a_password_hash_never_shows_in_debug_output() {
    let events = registered();
    let debug = format!("{events:?}");
    assert!(!debug.contains("argon2"), "{debug}");
    assert!(debug.contains("<redacted>"));
}
