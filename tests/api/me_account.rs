//! `GET /api/v1/me`: who the signed-in account is, for the web app's header and menus.

use reqwest::StatusCode;

use crate::support::TestApp;

api_test!(
    me_names_the_signed_in_account_and_its_role,
    me_without_a_token_is_unauthorized,
    me_shows_a_new_role_after_the_next_refresh,
);

async fn me_names_the_signed_in_account_and_its_role(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (status, me) = app.read("/api/v1/me", Some(&organizer.token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user_id"], organizer.id.as_str());
    assert_eq!(me["email"], organizer.email.as_str());
    assert_eq!(me["display_name"], "Sam");
    assert_eq!(me["role"], "organizer");
    assert!(me["organizer_id"].is_null(), "{me}");
}

async fn me_without_a_token_is_unauthorized(app: TestApp) {
    let (status, body) = app.get("/api/v1/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["detail"].is_string(), "a problem: {body}");
}

async fn me_shows_a_new_role_after_the_next_refresh(app: TestApp) {
    let organizer = app.user("organizer").await;
    let admin = app.admin().await;
    let staff = app.staff_of(&organizer, &admin).await;
    let (status, me) = app.read("/api/v1/me", Some(&staff.token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["role"], "staff");
    assert_eq!(me["organizer_id"], organizer.id.as_str());
    assert_eq!(me["email"], staff.email.as_str());
}
