//! A role from its wire shape, every wrong field reported at once.

use domain::{Role, UserId};
use uuid::Uuid;

use crate::commands::accounts::RoleBody;
use crate::error::{ApiError, Fields};

/// The role `body` names, or the fields that are wrong.
pub(crate) fn parse_role(body: &RoleBody) -> Result<Role, ApiError> {
    let mut f = Fields::new();
    let organizer = match (body.kind.as_str(), &body.organizer_id) {
        ("staff", Some(raw)) => match Uuid::parse_str(raw) {
            Ok(id) => Some(UserId::from(id)),
            Err(_) => {
                f.push("role.organizer_id", "use the organizer's user id (a UUID)");
                None
            }
        },
        ("staff", None) => {
            f.push(
                "role.organizer_id",
                "staff work for an organizer: give their id",
            );
            None
        }
        (_, Some(_)) => {
            f.push("role.organizer_id", "only a staff role names an organizer");
            None
        }
        (_, None) => None,
    };
    let role = match body.kind.as_str() {
        "customer" => Some(Role::Customer),
        "organizer" => Some(Role::Organizer),
        "admin" => Some(Role::Admin),
        "staff" => organizer.map(|organizer_id| Role::Staff { organizer_id }),
        _ => {
            f.push(
                "role.kind",
                "use \"customer\", \"organizer\", \"staff\" or \"admin\"",
            );
            None
        }
    };
    f.finish()?;
    Ok(role.expect("checked"))
}
