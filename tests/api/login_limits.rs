//! Log-in limits fit a deployment (issue 12, item 12): behind a trusted proxy each
//! client is limited by its own address (`X-Forwarded-For`, believed only from trusted
//! peers), successful log-ins cost the address nothing, and an outsider's wrong
//! passwords pause only their own tries, never the owner's. The limits live in memory,
//! so these run on SQLite only.

use command_api::ApiConfig;
use eventlog::testing::TestDb;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::TestApp;

const PASSWORD: &str = "correct horse battery";

async fn app(trusted: &str) -> TestApp {
    let config = ApiConfig {
        login_failures_before_delay: 2,
        login_failures_per_address: 3,
        trusted_proxies: trusted.parse().unwrap(),
        ..ApiConfig::default()
    };
    TestApp::start(TestDb::sqlite(), config).await
}

/// Logs in as `email` through a proxy that says the client is `client`.
async fn log_in(app: &TestApp, client: &str, email: &str, password: &str) -> StatusCode {
    let request = app
        .http
        .post(app.at("/api/v1/sessions"))
        .header("x-forwarded-for", client)
        .json(&json!({ "email": email, "password": password }));
    app.send(request, None).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_address_has_its_own_limit() {
    let app = app("127.0.0.0/8").await;
    for n in 0..3 {
        let email = format!("guess{n}@example.com");
        let status = log_in(&app, "203.0.113.7", &email, PASSWORD).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = log_in(&app, "203.0.113.7", "guess@example.com", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesser's address"
    );
    let status = log_in(&app, "198.51.100.2", "guess@example.com", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "another client behind the proxy"
    );
    // What a client writes itself, left of what the proxy appended, is not believed.
    let forged = "198.51.100.99, 203.0.113.7";
    let status = log_in(&app, forged, "guess@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_peer_cannot_pick_its_address() {
    let app = app("").await;
    for n in 0..3 {
        let (client, email) = (format!("203.0.113.{n}"), format!("guess{n}@example.com"));
        let status = log_in(&app, &client, &email, PASSWORD).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = log_in(&app, "203.0.113.200", "guess@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "all from 127.0.0.1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn successful_log_ins_do_not_use_up_the_address() {
    let app = app("").await;
    let user = app.user("customer").await;
    for _ in 0..10 {
        assert_eq!(
            log_in(&app, "-", &user.email, PASSWORD).await,
            StatusCode::OK
        );
    }
    let status = log_in(&app, "-", "guess@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "failures still count");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outsider_cannot_lock_the_owner_out() {
    let app = app("127.0.0.0/8").await;
    let owner = app.user("customer").await;
    let attacker = "203.0.113.7";
    for _ in 0..2 {
        let status = log_in(&app, attacker, &owner.email, "a wrong guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = log_in(&app, attacker, &owner.email, "a wrong guess").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the attacker waits");
    let status = log_in(&app, attacker, &owner.email, PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even with the password"
    );
    let status = log_in(&app, "198.51.100.2", &owner.email, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "the owner, from their own address");
}
