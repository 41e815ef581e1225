//! Account and session routes: register, verify e-mail, change password, log in,
//! refresh, log out, and the admin commands (role, suspend, reinstate); one file each.

mod log_in;
mod log_out;
mod password;
mod refresh;
mod register;
mod reinstate;
mod role;
mod suspend;
mod verify;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The account and session routes with their documentation.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register::register))
        .routes(routes!(verify::verify))
        .routes(routes!(password::change))
        .routes(routes!(log_in::log_in))
        .routes(routes!(refresh::refresh))
        .routes(routes!(log_out::log_out))
        .routes(routes!(role::change_role))
        .routes(routes!(suspend::suspend))
        .routes(routes!(reinstate::reinstate))
}

#[cfg(test)]
mod tests {
    fn document() -> utoipa::openapi::OpenApi {
        super::router().split_for_parts().1
    }

    #[test]
    fn every_account_route_is_in_the_contract() {
        let doc = document();
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
        let doc = serde_json::to_value(document()).unwrap();
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
