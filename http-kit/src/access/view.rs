//! The pure fold behind [`super::Access`]: recent suspensions and role changes per user,
//! and what they make of a token's claims.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use domain::account::AccountEvent;
use domain::{Actor, Role, UserId};

use crate::jwt::Claims;

/// What the log says about one user's access since a recent change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// When the last change happened (the deciding command's clock).
    at: DateTime<Utc>,
    suspended: bool,
    /// The current role, when a change set one.
    role: Option<Role>,
}

/// Users whose access changed within the last `keep`, folded in log order.
#[derive(Debug, Default)]
pub(super) struct View {
    /// The position of the last access event applied.
    pub(super) applied: i64,
    users: HashMap<UserId, Entry>,
}

/// What a token may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Act as this actor (the token's user with the current role).
    Act(Actor),
    /// The account is suspended.
    Suspended,
}

impl View {
    /// Applies the access event at `position` of `user`; other events change nothing.
    pub(super) fn apply(&mut self, position: i64, user: UserId, event: &AccountEvent) {
        if position <= self.applied {
            return;
        }
        self.applied = position;
        let at = event.at();
        let entry = self.users.entry(user).or_insert(Entry {
            at,
            suspended: false,
            role: None,
        });
        entry.at = entry.at.max(at);
        match event {
            AccountEvent::AccountSuspended { .. } => entry.suspended = true,
            AccountEvent::AccountReinstated { .. } => entry.suspended = false,
            AccountEvent::RoleChanged { to, .. } => entry.role = Some(*to),
            _ => {}
        }
    }

    /// Applies a stored access event (its stream id and payload text as the log holds
    /// them); an unreadable one is logged and skipped.
    pub(super) fn apply_raw(&mut self, position: i64, stream: &str, payload: &str) {
        let user = stream
            .strip_prefix(UserId::STREAM_PREFIX)
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|id| uuid::Uuid::parse_str(id).ok())
            .map(UserId::from);
        match (user, serde_json::from_str::<AccountEvent>(payload)) {
            (Some(user), Ok(event)) => self.apply(position, user, &event),
            _ => {
                tracing::error!(event.position = position, "unreadable access event");
                self.applied = self.applied.max(position);
            }
        }
    }

    /// Forgets changes older than `keep` at `now`: every token issued before them has
    /// expired, and none is issued to a suspended account, so they can change nothing.
    pub(super) fn prune(&mut self, now: DateTime<Utc>, keep: TimeDelta) {
        self.users.retain(|_, entry| entry.at + keep > now);
    }

    /// How many users the view remembers.
    pub(super) fn len(&self) -> usize {
        self.users.len()
    }

    /// What `claims` may do: refused while the account is suspended, else the token's
    /// user with the role the log gives now (a token carries the role of its issue).
    pub(super) fn verdict(&self, claims: &Claims) -> Verdict {
        let actor = claims.actor();
        match self.users.get(&actor.user_id) {
            None => Verdict::Act(actor),
            Some(entry) if entry.suspended => Verdict::Suspended,
            Some(entry) => {
                Verdict::Act(Actor::new(actor.user_id, entry.role.unwrap_or(actor.role)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::ShortText;
    use uuid::Uuid;

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 9, minute, 0).unwrap()
    }

    fn claims(user: UserId, role: Role) -> Claims {
        Claims {
            sub: user.into(),
            role,
            iat: at(0).timestamp(),
            exp: at(15).timestamp(),
            nbf: None,
            jti: Uuid::now_v7(),
        }
    }

    fn suspended(minute: u32) -> AccountEvent {
        AccountEvent::AccountSuspended {
            reason: ShortText::parse("spam").unwrap(),
            by: UserId::from(Uuid::now_v7()),
            at: at(minute),
        }
    }

    fn reinstated(minute: u32) -> AccountEvent {
        AccountEvent::AccountReinstated {
            by: UserId::from(Uuid::now_v7()),
            at: at(minute),
        }
    }

    fn role(to: Role, minute: u32) -> AccountEvent {
        AccountEvent::RoleChanged {
            from: Role::Customer,
            to,
            by: UserId::from(Uuid::now_v7()),
            at: at(minute),
        }
    }

    #[test]
    fn a_suspended_user_is_refused_and_a_reinstated_one_acts_again() {
        let user = UserId::from(Uuid::now_v7());
        let mut view = View::default();
        view.apply(3, user, &suspended(1));
        assert_eq!(
            view.verdict(&claims(user, Role::Customer)),
            Verdict::Suspended
        );
        view.apply(4, user, &reinstated(2));
        let actor = Actor::new(user, Role::Customer);
        assert_eq!(
            view.verdict(&claims(user, Role::Customer)),
            Verdict::Act(actor)
        );
    }

    #[test]
    fn a_token_acts_with_the_role_the_log_gives_now() {
        let user = UserId::from(Uuid::now_v7());
        let mut view = View::default();
        view.apply(1, user, &role(Role::Organizer, 1));
        view.apply(2, user, &role(Role::Customer, 2));
        assert_eq!(
            view.verdict(&claims(user, Role::Organizer)),
            Verdict::Act(Actor::new(user, Role::Customer))
        );
    }

    #[test]
    fn an_event_seen_twice_is_applied_once() {
        let user = UserId::from(Uuid::now_v7());
        let mut view = View::default();
        view.apply(5, user, &suspended(1));
        view.apply(6, user, &reinstated(2));
        view.apply(5, user, &suspended(1));
        assert!(matches!(
            view.verdict(&claims(user, Role::Customer)),
            Verdict::Act(_)
        ));
    }

    #[test]
    fn changes_older_than_every_live_token_are_forgotten() {
        let (old, recent) = (UserId::from(Uuid::now_v7()), UserId::from(Uuid::now_v7()));
        let mut view = View::default();
        view.apply(1, old, &suspended(0));
        view.apply(2, recent, &suspended(10));
        view.prune(at(20), TimeDelta::minutes(15));
        assert_eq!(view.len(), 1);
        assert_eq!(
            view.verdict(&claims(recent, Role::Customer)),
            Verdict::Suspended
        );
    }
}
