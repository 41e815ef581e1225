//! `TestApp`: a fresh database, the command API on port 0 with a hand-moved clock, and a
//! method per endpoint that tests need more than once.

use chrono::{TimeDelta, TimeZone, Utc};
use command_api::{ApiConfig, AppState, Clock};
use eventlog::testing::TestDb;
use eventlog::EventLog;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A running command API on a fresh database.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// The clock the app reads; move it with `advance`.
    pub clock: Clock,
    /// The log behind the app, for assertions on what was written.
    pub log: EventLog,
    /// An HTTP client.
    pub http: reqwest::Client,
    /// The deadline scheduler, run by hand with `run_due`.
    pub scheduler: command_api::Scheduler,
    _db: TestDb,
}

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct User {
    /// The user id.
    pub id: String,
    /// The access token.
    pub token: String,
    /// The refresh token.
    pub refresh: String,
    /// The e-mail used.
    pub email: String,
}

impl TestApp {
    /// On a new SQLite file.
    pub async fn sqlite() -> Self {
        Self::start(TestDb::sqlite(), ApiConfig::default()).await
    }

    /// On a new PostgreSQL database.
    pub async fn postgres() -> Self {
        Self::start(TestDb::postgres().await, ApiConfig::default()).await
    }

    /// Starts the API on `db` with `config`.
    pub async fn start(db: TestDb, config: ApiConfig) -> Self {
        let log = db.log().await;
        let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
        let state = AppState::new(
            log.clone(),
            clock.clone(),
            b"test-secret-test-secret-test-secret",
            config,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let scheduler = command_api::Scheduler::new(state.clone());
        let router = command_api::router(state);
        tokio::spawn(command_api::serve(listener, router, std::future::pending()));
        Self {
            url,
            clock,
            log,
            http: reqwest::Client::new(),
            scheduler,
            _db: db,
        }
    }

    /// Moves the app's clock.
    pub fn advance(&self, by: TimeDelta) {
        self.clock.advance(by);
    }

    /// POSTs JSON; returns status and body (JSON, or Null when empty).
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.send(self.http.post(self.at(path)).json(&body), token)
            .await
    }

    /// POSTs JSON with an Idempotency-Key.
    pub async fn post_with_key(
        &self,
        path: &str,
        token: Option<&str>,
        key: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let request = self
            .http
            .post(self.at(path))
            .header("Idempotency-Key", key)
            .json(&body);
        self.send(request, token).await
    }

    /// GETs a path.
    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.send(self.http.get(self.at(path)), token).await
    }

    /// Sends any request with an optional bearer token.
    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        let request = match token {
            Some(t) => request.bearer_auth(t),
            None => request,
        };
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, body)
    }

    /// Absolute URL of a path.
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// Registers and logs in a user of `kind` (`customer` or `organizer`).
    pub async fn user(&self, kind: &str) -> User {
        let email = format!("{}-{}@example.com", kind, uuid::Uuid::new_v4().simple());
        let (status, body) = self
            .post(
                "/api/v1/accounts",
                None,
                json!({ "email": email, "password": "correct horse battery", "display_name": "Sam", "kind": kind }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "register: {body}");
        let (status, tokens) = self
            .post(
                "/api/v1/sessions",
                None,
                json!({ "email": email, "password": "correct horse battery" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "log in: {tokens}");
        User {
            id: body["user_id"].as_str().unwrap().to_owned(),
            token: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh: tokens["refresh_token"].as_str().unwrap().to_owned(),
            email,
        }
    }

    /// The number of events in the log.
    pub async fn log_head(&self) -> i64 {
        self.log.head().await.unwrap()
    }
}
