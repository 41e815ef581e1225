//! Accounts and sessions through the API: registration, log-in, rate limits, refresh
//! rotation and reuse, log-out, token expiry and forgery, verification, passwords and the
//! admin commands.

use std::time::Duration;

use chrono::TimeDelta;
use command_api::auth::jwt::{Claims, Keys};
use command_api::auth::verification;
use eventlog::{ExpectedVersion, NewEvent, StreamAppend, StreamId};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{TestApp, User};

api_test!(
    a_new_customer_registers_and_logs_in_with_a_bearer_session,
    an_e_mail_registers_only_once_in_any_case_and_the_second_try_appends_nothing,
    concurrent_registrations_with_one_e_mail_create_one_account,
    a_short_password_is_refused_naming_every_wrong_field,
    a_body_that_is_not_json_is_a_bad_request,
    an_unknown_field_is_refused_naming_it,
    a_wrong_password_and_an_unknown_e_mail_get_the_same_answer,
    repeated_failed_log_ins_pause_the_account_for_growing_times,
    too_many_attempts_from_one_address_are_refused,
    refreshing_rotates_the_refresh_token,
    reusing_a_refresh_token_revokes_its_whole_family,
    two_racing_refreshes_with_one_token_succeed_once_and_end_the_family,
    logging_out_ends_the_session,
    an_access_token_expires_after_fifteen_minutes_but_the_session_refreshes,
    a_token_signed_with_another_secret_is_refused,
    a_suspended_user_cannot_log_in_or_refresh_until_reinstated,
    only_an_admin_changes_roles_and_the_new_role_arrives_at_the_next_refresh,
    a_user_verifies_their_e_mail_with_the_token_from_the_link,
    changing_the_password_needs_the_current_one_and_ends_every_session,
);

const PASSWORD: &str = "correct horse battery";
/// The secret `TestApp` signs with.
const SECRET: &[u8] = b"test-secret-test-secret-test-secret";

async fn register(app: &TestApp, email: &str, password: &str) -> (StatusCode, Value) {
    let body =
        json!({ "email": email, "password": password, "display_name": "Ada", "kind": "customer" });
    app.post("/api/v1/accounts", None, body).await
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({ "email": email, "password": password });
    app.post("/api/v1/sessions", None, body).await
}

async fn refresh(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let body = json!({ "refresh_token": token });
    app.post("/api/v1/sessions/refresh", None, body).await
}

/// An authenticated request whose status says whether the token is accepted: changing
/// the password with a wrong current one is 422 for a valid token, 401 for a bad one.
async fn token_status(app: &TestApp, token: &str) -> StatusCode {
    let body =
        json!({ "current_password": "not the password", "new_password": "whatever it is now" });
    app.post("/api/v1/accounts/me/password", Some(token), body)
        .await
        .0
}

/// Promotes a user to admin the way an operator would bootstrap the first one: an event
/// in their stream. The new role reaches tokens at the next refresh.
async fn make_admin(app: &TestApp, user: &User) -> User {
    let payload = json!({
        "type": "role_changed",
        "from": { "kind": "customer" },
        "to": { "kind": "admin" },
        "by": user.id,
        "at": app.clock.now(),
    });
    let stream = StreamId::new(format!("user-{}", user.id)).unwrap();
    let event = NewEvent::new("role_changed", payload);
    let append = StreamAppend::new(stream, ExpectedVersion::Any, vec![event]);
    app.log.append(vec![append]).await.unwrap();
    let (status, session) = refresh(app, &user.refresh).await;
    assert_eq!(status, StatusCode::OK, "refresh: {session}");
    assert_eq!(session["role"], json!({ "kind": "admin" }));
    User {
        token: session["access_token"].as_str().unwrap().to_owned(),
        refresh: session["refresh_token"].as_str().unwrap().to_owned(),
        ..user.clone()
    }
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default()
}

async fn a_new_customer_registers_and_logs_in_with_a_bearer_session(app: TestApp) {
    let (status, registered) = register(&app, "Ada@Example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    assert!(registered["position"].as_i64().unwrap() > 0);

    let (status, session) = log_in(&app, "ada@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_eq!(session["user_id"], registered["user_id"]);
    assert_eq!(session["token_type"], "Bearer");
    assert_eq!(session["role"], json!({ "kind": "customer" }));
    let expires_at = session["expires_at"].as_str().unwrap();
    let expected = app.clock.now() + TimeDelta::minutes(15);
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(expires_at).unwrap(),
        expected
    );
    assert_eq!(session["refresh_token"].as_str().unwrap().len(), 64);
    let token = session["access_token"].as_str().unwrap();
    assert_eq!(
        token_status(&app, token).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

async fn an_e_mail_registers_only_once_in_any_case_and_the_second_try_appends_nothing(
    app: TestApp,
) {
    let (status, _) = register(&app, "sam@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::CREATED);
    let head = app.log_head().await;

    let (status, problem) = register(&app, " SAM@example.com", "another good password").await;

    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(
        problem["detail"],
        "an account with this e-mail already exists"
    );
    assert_eq!(app.log_head().await, head);
    let (status, _) = log_in(&app, "sam@example.com", "another good password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn concurrent_registrations_with_one_e_mail_create_one_account(app: TestApp) {
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { register(&app, "race@example.com", PASSWORD).await.0 })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }

    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, refused), (1, 7), "{statuses:?}");
    assert_eq!(app.log_head().await, 1);
}

async fn a_short_password_is_refused_naming_every_wrong_field(app: TestApp) {
    let head = app.log_head().await;
    let body = json!({ "email": "no-at-sign", "password": "short", "display_name": "Ada", "kind": "admin" });

    let (status, problem) = app.post("/api/v1/accounts", None, body).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["email", "password", "kind"]);
    assert_eq!(app.log_head().await, head);
}

async fn a_body_that_is_not_json_is_a_bad_request(app: TestApp) {
    let request = app
        .http
        .post(app.at("/api/v1/sessions"))
        .header("content-type", "application/json")
        .body("{\"email\": ");

    let (status, problem) = app.send(request, None).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["status"], 400);
}

async fn an_unknown_field_is_refused_naming_it(app: TestApp) {
    let body = json!({ "email": "a@example.com", "password": PASSWORD, "display_name": "Ada", "kind": "customer", "role": "admin" });

    let (status, problem) = app.post("/api/v1/accounts", None, body).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("role"),
        "{problem}"
    );
    assert_eq!(app.log_head().await, 0);
}

async fn a_wrong_password_and_an_unknown_e_mail_get_the_same_answer(app: TestApp) {
    let user = app.user("customer").await;

    let wrong_password = log_in(&app, &user.email, "not the password at all").await;
    let unknown_email = log_in(&app, "nobody@example.com", PASSWORD).await;

    assert_eq!(wrong_password.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password, unknown_email);
}

async fn repeated_failed_log_ins_pause_the_account_for_growing_times(app: TestApp) {
    let user = app.user("customer").await;
    // Five failures are free (from one address; the tests all come from 127.0.0.1).
    for _ in 0..5 {
        let (status, _) = log_in(&app, &user.email, "not the password at all").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let mut pauses = Vec::new();
    for _ in 0..3 {
        let body = json!({ "email": user.email, "password": "still not the password" });
        let response = app
            .http
            .post(app.at("/api/v1/sessions"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        pauses.push(retry_after);
        app.advance(TimeDelta::seconds(retry_after as i64));
        let (status, _) = log_in(&app, &user.email, "not the password at all").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a try after the pause");
    }
    assert_eq!(pauses, [1, 2, 4], "each pause twice the one before");
    let other = app.user("customer").await;
    assert_eq!(log_in(&app, &other.email, PASSWORD).await.0, StatusCode::OK);

    app.advance(TimeDelta::seconds(8));
    assert_eq!(log_in(&app, &user.email, PASSWORD).await.0, StatusCode::OK);
    let (status, _) = log_in(&app, &user.email, "not the password at all").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a success forgets the failures"
    );
}

async fn too_many_attempts_from_one_address_are_refused(app: TestApp) {
    // The default allows 30 failures per address per window, whatever the accounts.
    for i in 0..30 {
        let (status, _) = log_in(&app, &format!("guess{i}@example.com"), PASSWORD).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    let (status, problem) = log_in(&app, "guess@example.com", PASSWORD).await;

    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
    app.advance(TimeDelta::minutes(15));
    assert_eq!(
        log_in(&app, "guess@example.com", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn refreshing_rotates_the_refresh_token(app: TestApp) {
    let user = app.user("customer").await;
    app.advance(TimeDelta::minutes(1));

    let (status, session) = refresh(&app, &user.refresh).await;

    assert_eq!(status, StatusCode::OK, "{session}");
    let next = session["refresh_token"].as_str().unwrap();
    assert_ne!(next, user.refresh);
    assert_ne!(session["access_token"], user.token.as_str());
    assert_eq!(session["user_id"], user.id.as_str());
    let token = session["access_token"].as_str().unwrap();
    assert_eq!(
        token_status(&app, token).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(refresh(&app, next).await.0, StatusCode::OK);
}

async fn reusing_a_refresh_token_revokes_its_whole_family(app: TestApp) {
    let user = app.user("customer").await;
    let (_, first) = refresh(&app, &user.refresh).await;
    let newest = first["refresh_token"].as_str().unwrap();

    let (status, problem) = refresh(&app, &user.refresh).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert_eq!(refresh(&app, newest).await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = log_in(&app, &user.email, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "a new log-in starts a new family");
}

async fn two_racing_refreshes_with_one_token_succeed_once_and_end_the_family(app: TestApp) {
    let user = app.user("customer").await;

    let (a, b) = tokio::join!(refresh(&app, &user.refresh), refresh(&app, &user.refresh));

    let winners: Vec<&Value> = [&a, &b]
        .into_iter()
        .filter(|(status, _)| *status == StatusCode::OK)
        .map(|(_, session)| session)
        .collect();
    assert_eq!(winners.len(), 1, "{a:?} {b:?}");
    let next = winners[0]["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&app, next).await.0, StatusCode::UNAUTHORIZED);
}

async fn logging_out_ends_the_session(app: TestApp) {
    let user = app.user("customer").await;
    let (_, other_device) = log_in(&app, &user.email, PASSWORD).await;
    let (_, rotated) = refresh(&app, &user.refresh).await;
    let body = json!({ "refresh_token": rotated["refresh_token"] });

    let (status, _) = app
        .post("/api/v1/sessions/logout", None, body.clone())
        .await;

    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        refresh(&app, &user.refresh).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app.post("/api/v1/sessions/refresh", None, body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let other = other_device["refresh_token"].as_str().unwrap();
    assert_eq!(
        refresh(&app, other).await.0,
        StatusCode::OK,
        "other sessions go on"
    );
}

async fn an_access_token_expires_after_fifteen_minutes_but_the_session_refreshes(app: TestApp) {
    let user = app.user("customer").await;
    app.advance(TimeDelta::minutes(14));
    assert_eq!(
        token_status(&app, &user.token).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    app.advance(TimeDelta::minutes(1));

    assert_eq!(
        token_status(&app, &user.token).await,
        StatusCode::UNAUTHORIZED
    );
    let (status, session) = refresh(&app, &user.refresh).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let token = session["access_token"].as_str().unwrap();
    assert_eq!(
        token_status(&app, token).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

async fn a_token_signed_with_another_secret_is_refused(app: TestApp) {
    let user = app.user("customer").await;
    let claims: Claims = serde_json::from_value(json!({
        "sub": user.id, "role": { "kind": "admin" }, "iat": 0, "exp": 0,
        "jti": uuid::Uuid::now_v7(),
    }))
    .unwrap();
    let forger = Keys::new(
        b"another-secret-another-secret-!!",
        Duration::from_secs(900),
    );
    let (forged, _) = forger.issue(claims.actor(), app.clock.now()).unwrap();

    assert_eq!(token_status(&app, &forged).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        token_status(&app, "not.a.jwt").await,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_suspended_user_cannot_log_in_or_refresh_until_reinstated(app: TestApp) {
    let admin = make_admin(&app, &app.user("customer").await).await;
    let user = app.user("customer").await;
    let path = format!("/api/v1/accounts/{}", user.id);

    let body = json!({ "reason": "chargebacks" });
    let (status, done) = app
        .post(&format!("{path}/suspend"), Some(&admin.token), body)
        .await;

    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["user_id"], user.id.as_str());
    let events = app.log.read_all(0, 1000).await.unwrap();
    let suspended = events.last().unwrap();
    assert_eq!(suspended.event_type, "account_suspended");
    assert_eq!(suspended.position, done["position"].as_i64().unwrap());
    assert_eq!(suspended.metadata.actor.as_deref(), Some(admin.id.as_str()));
    let (status, problem) = log_in(&app, &user.email, PASSWORD).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(
        refresh(&app, &user.refresh).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = log_in(&app, &user.email, "not the password at all").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a suspension is told only to the owner"
    );

    let (status, _) = app
        .post(&format!("{path}/reinstate"), Some(&admin.token), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log_in(&app, &user.email, PASSWORD).await.0, StatusCode::OK);
}

async fn only_an_admin_changes_roles_and_the_new_role_arrives_at_the_next_refresh(app: TestApp) {
    let customer = app.user("customer").await;
    let user = app.user("customer").await;
    let path = format!("/api/v1/accounts/{}/role", user.id);
    let body = json!({ "role": { "kind": "organizer" } });
    let head = app.log_head().await;

    let (status, problem) = app.post(&path, Some(&customer.token), body.clone()).await;

    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(app.log_head().await, head);
    let suspend = format!("/api/v1/accounts/{}/suspend", user.id);
    let (status, _) = app
        .post(
            &suspend,
            Some(&customer.token),
            json!({ "reason": "spite" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let admin = make_admin(&app, &app.user("customer").await).await;
    let (status, done) = app.post(&path, Some(&admin.token), body).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let (_, session) = refresh(&app, &user.refresh).await;
    assert_eq!(session["role"], json!({ "kind": "organizer" }));

    let staff = json!({ "role": { "kind": "staff" } });
    let (status, problem) = app.post(&path, Some(&admin.token), staff).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["role.organizer_id"]);
}

async fn a_user_verifies_their_e_mail_with_the_token_from_the_link(app: TestApp) {
    let user = app.user("customer").await;
    let other = app.user("customer").await;
    let keys = Keys::new(SECRET, Duration::from_secs(900));
    let id = user.id.parse().unwrap();
    let token = verification::token(&keys, id, &user.email).unwrap();
    let path = format!("/api/v1/accounts/{}/verify", user.id);

    let others_token = verification::token(&keys, other.id.parse().unwrap(), &other.email);
    let body = json!({ "token": others_token.unwrap() });
    let (status, problem) = app.post(&path, None, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["token"]);

    let (status, done) = app.post(&path, None, json!({ "token": token })).await;
    assert_eq!(status, StatusCode::OK, "{done}");

    let (status, _) = app.post(&path, None, json!({ "token": token })).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn changing_the_password_needs_the_current_one_and_ends_every_session(app: TestApp) {
    let user = app.user("customer").await;
    let path = "/api/v1/accounts/me/password";
    let body =
        json!({ "current_password": "not the password", "new_password": "a brand new password" });
    let (status, problem) = app.post(path, Some(&user.token), body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["current_password"]);

    let body = json!({ "current_password": PASSWORD, "new_password": "a brand new password" });
    let (status, done) = app.post(path, Some(&user.token), body).await;

    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        refresh(&app, &user.refresh).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in(&app, &user.email, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = log_in(&app, &user.email, "a brand new password").await;
    assert_eq!(status, StatusCode::OK);
}
