//! Accounts and sessions: register, verify e-mail, change password, log in, refresh, log
//! out, and the admin commands (role, suspend, reinstate).

mod admin;
mod password;
mod register;
mod sessions;
mod shared;

use axum::routing::post;
use axum::Router;
use utoipa::OpenApi;

use crate::state::AppState;

/// The operations of accounts and sessions, for [`crate::openapi::ApiDoc`].
#[derive(OpenApi)]
#[openapi(paths(
    register::register,
    register::verify,
    password::change,
    sessions::log_in,
    sessions::refresh,
    sessions::log_out,
    admin::change_role,
    admin::suspend,
    admin::reinstate,
))]
pub(crate) struct AccountsApi;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", post(register::register))
        .route("/accounts/me/password", post(password::change))
        .route("/accounts/{user_id}/verify", post(register::verify))
        .route("/accounts/{user_id}/role", post(admin::change_role))
        .route("/accounts/{user_id}/suspend", post(admin::suspend))
        .route("/accounts/{user_id}/reinstate", post(admin::reinstate))
        .route("/sessions", post(sessions::log_in))
        .route("/sessions/refresh", post(sessions::refresh))
        .route("/sessions/logout", post(sessions::log_out))
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    use super::AccountsApi;

    #[test]
    fn every_account_route_is_in_the_contract() {
        let doc = AccountsApi::openapi();
        let paths: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "/accounts",
                "/accounts/{user_id}/verify",
                "/accounts/me/password",
                "/sessions",
                "/sessions/refresh",
                "/sessions/logout",
                "/accounts/{user_id}/role",
                "/accounts/{user_id}/suspend",
                "/accounts/{user_id}/reinstate",
            ]
        );
    }

    #[test]
    fn every_schema_the_account_routes_name_is_in_the_contract() {
        let doc = serde_json::to_value(AccountsApi::openapi()).unwrap();
        let text = doc.to_string();
        let names = text
            .split("\"#/components/schemas/")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()]);
        for name in names {
            let pointer = format!("/components/schemas/{name}");
            assert!(doc.pointer(&pointer).is_some(), "dangling {name}");
        }
        assert!(doc.pointer("/components/schemas/Session").is_some());
    }
}
