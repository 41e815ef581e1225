//! `GET /me/holds`: the caller's active holds and open waitlist offers.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use eventlog::sql::Arg;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use projections::read_row;
use projections::record::{columns_of, read_rows};
use projections::rows::HoldRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{fresh, uuid};
use crate::access::conn;
use crate::error::QueryError;
use crate::params::Params;
use crate::routes::AfterParam;
use crate::state::QueryState;
use crate::views::time;

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(holds))
}

/// Seats held for the caller, or offered to them from the waitlist.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyHold {
    /// The hold; confirm or release it with this id.
    pub hold_id: Uuid,
    /// `hold`, or `offer` when the waitlist offered these seats.
    pub kind: String,
    /// The waitlist entry the offer answers (offers only).
    pub entry_id: Option<Uuid>,
    /// The listing.
    pub listing_id: Uuid,
    /// Its title.
    pub listing_title: Option<String>,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// The ticket type.
    pub ticket_type_id: Uuid,
    /// Its name.
    pub ticket_type_name: Option<String>,
    /// Seats held.
    pub seats: i64,
    /// When the seats return to the pool unless confirmed.
    pub expires_at: DateTime<Utc>,
    /// Seconds until then.
    pub seconds_left: i64,
    /// When the hold was made.
    pub created_at: DateTime<Utc>,
}

read_row! {
    /// What a hold's line shows of its listing and ticket type.
    struct HoldListing {
        /// The listing's title.
        listing_title: Option<String>,
        /// When it starts.
        listing_starts_at: Option<i64>,
        /// The ticket type's name.
        ticket_type_name: Option<String>,
    }
}

/// The caller's active holds and open waitlist offers, soonest to expire first.
#[utoipa::path(
    get,
    path = "/me/holds",
    tag = "me",
    params(AfterParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's holds", body = Vec<MyHold>),
        (status = 401, response = problems::Unauthorized),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn holds(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    params: Params,
) -> Result<Json<Vec<MyHold>>, QueryError> {
    fresh(&state, &params, &["bookings", "catalog"]).await?;
    let now = state.clock.now().timestamp_millis();
    let mut conn = conn(&state).await?;
    let sql = format!(
        "SELECT {}, l.title AS listing_title, l.starts_at AS listing_starts_at, \
         t.name AS ticket_type_name \
         FROM rm_holds h \
         LEFT JOIN rm_listings l ON l.listing_id = h.listing_id \
         LEFT JOIN rm_ticket_types t \
           ON t.listing_id = h.listing_id AND t.ticket_type_id = h.ticket_type_id \
         WHERE h.buyer = $1 AND h.status = 'active' AND h.expires_at > $2 \
         ORDER BY h.expires_at, h.hold_id",
        columns_of::<HoldRow>("h")
    );
    let rows = conn
        .db()
        .rows(
            &sql,
            vec![Arg::from(actor.user_id.to_string()), Arg::Int(now)],
        )
        .await?;
    let holds = read_rows::<(HoldRow, HoldListing)>(&rows)?
        .into_iter()
        .map(|(hold, listing)| MyHold {
            hold_id: uuid(&hold.hold_id),
            kind: if hold.entry_id.is_some() {
                "offer"
            } else {
                "hold"
            }
            .into(),
            entry_id: hold.entry_id.as_deref().map(uuid),
            listing_id: uuid(&hold.listing_id),
            listing_title: listing.listing_title,
            starts_at: listing.listing_starts_at.map(time),
            ticket_type_id: uuid(&hold.ticket_type_id),
            ticket_type_name: listing.ticket_type_name,
            seats: hold.seats,
            expires_at: time(hold.expires_at),
            seconds_left: ((hold.expires_at - now) / 1000).max(0),
            created_at: time(hold.created_at),
        })
        .collect();
    Ok(Json(holds))
}
