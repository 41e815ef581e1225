//! The wire shape of a role, `{"kind": "staff", "organizer_id": "..."}`: what a role
//! change sends and what a session answers.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A role as `{"kind": "staff", "organizer_id": "..."}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Role)]
pub struct RoleBody {
    /// `customer`, `organizer`, `staff` or `admin`.
    #[schema(example = "organizer")]
    pub kind: String,
    /// For `staff` only: the organizer they work for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Uuid>)]
    pub organizer_id: Option<String>,
}
