//! Routers, built from functions; one file per resource.

mod accounts;
mod bookings;
mod checkin;
mod holds;
mod idempotent;
mod listing_changes;
mod listings;
mod reply;
mod waitlist;

use axum::Router;
use utoipa::OpenApi;

use crate::state::AppState;
pub(crate) use holds::minutes;
pub(crate) use listing_changes::cancel_bookings_of;
pub(crate) use {
    accounts::AccountsApi, bookings::BookingsApi, checkin::CheckinApi, holds::HoldsApi,
    listing_changes::ListingChangesApi, listings::ListingsApi, waitlist::WaitlistApi,
};

/// Every route of the command API under `/api/v1` with `state` applied (no layers), and
/// the OpenAPI document of exactly those routes.
pub fn api(state: AppState) -> (Router, utoipa::openapi::OpenApi) {
    let api = Router::new()
        .merge(accounts::router())
        .merge(listings::router())
        .merge(listing_changes::router())
        .merge(holds::router())
        .merge(bookings::router())
        .merge(waitlist::router())
        .merge(checkin::router());
    let router = Router::new().nest("/api/v1", api).with_state(state);
    (router, crate::openapi::ApiDoc::openapi())
}
