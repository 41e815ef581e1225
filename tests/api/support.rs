//! `TestApp`: a fresh database, the whole system on port 0 with a hand-moved clock, and a
//! method per endpoint that tests need more than once.

use chrono::{TimeDelta, TimeZone, Utc};
use command_api::{ApiConfig, Clock};
use eventlog::testing::TestDb;
use eventlog::EventLog;
use http_kit::Secret;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::sync::OnceCell;

#[path = "schema.rs"]
mod schema;

/// The served OpenAPI document's contract, fetched by the first request that needs it
/// (every app serves the same document).
static CONTRACT: OnceCell<schema::Contract> = OnceCell::const_new();

/// The secret the test app signs tokens with.
pub(crate) const SECRET: &str = "test-secret-test-secret-test-secret";

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
    /// The projections' statuses (they run inside the app).
    pub projections: projections::Projections,
    /// The app's view of recent suspensions and role changes.
    pub access: http_kit::Access,
    /// The command API's state (writers, limits), for assertions on what it holds.
    pub state: command_api::AppState,
    /// The database's URL, for a second app on it ([`TestApp::beside`]).
    db_url: String,
    /// The database, removed when its first app drops (a second app holds none).
    _db: Option<TestDb>,
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

    /// Starts the whole system on `db` with `config`, as `boxoffice serve` does, except
    /// that the notifier is off (the mail tests run their own against the SMTP server) and
    /// projection retries and the stuck verdict are quicker.
    pub async fn start(db: TestDb, config: ApiConfig) -> Self {
        Self::start_with(db, |system| system.api = config).await
    }

    /// Like [`TestApp::start`] with the system's config changed by `tweak` first.
    pub async fn start_with(db: TestDb, tweak: impl FnOnce(&mut boxoffice::Config)) -> Self {
        let log = db.log().await;
        let mut app = Self::start_on(log, db.url().to_owned(), tweak).await;
        app._db = Some(db);
        app
    }

    /// A second app on this app's database, as a second `serve` process would be: its
    /// own pool, writers, views and clock (at the same time as this one's).
    pub async fn beside(&self) -> Self {
        let log = EventLog::connect(&self.db_url).await.expect("connect");
        let app = Self::start_on(log, self.db_url.clone(), |_| {}).await;
        app.clock.advance(self.clock.now() - app.clock.now());
        app
    }

    async fn start_on(
        log: EventLog,
        db_url: String,
        tweak: impl FnOnce(&mut boxoffice::Config),
    ) -> Self {
        let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
        let mut config = boxoffice::Config {
            clock: clock.clone(),
            projections: Some(projections::RunnerConfig {
                max_backoff: std::time::Duration::from_millis(500),
                ..projections::RunnerConfig::default()
            }),
            stuck_after: std::time::Duration::from_secs(2),
            notifier: None,
            ..boxoffice::Config::new(log.clone(), Secret::new(SECRET))
        };
        tweak(&mut config);
        let system = boxoffice::System::start(config)
            .await
            .expect("the system starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let scheduler = command_api::Scheduler::new(system.state().clone());
        let access = system.state().access.clone();
        let state = system.state().clone();
        let registry = system.projections().clone();
        tokio::spawn(system.serve(listener, std::future::pending()));
        Self {
            url,
            clock,
            log,
            http: reqwest::Client::new(),
            scheduler,
            projections: registry,
            access,
            state,
            db_url,
            _db: None,
        }
    }

    /// Waits until every projection has applied the whole log (panics after 10 s).
    pub async fn drain_projections(&self) {
        let head = self.log.head().await.unwrap();
        let names: Vec<&str> = projections::Projection::ALL
            .iter()
            .map(|p| p.name())
            .collect();
        let reached = self
            .projections
            .wait_for(&self.log, &names, head, std::time::Duration::from_secs(10))
            .await
            .unwrap();
        assert!(
            reached,
            "projections did not reach position {head} within 10 s: {:?}",
            self.projections.statuses()
        );
        // A read that passes the head also tells the query API's answers kept in memory
        // (the catalog cache, the waiting rooms' lines) that the catalog and bookings are
        // there, so the reads that follow without `after` see every write too.
        let keys = http_kit::Keys::new(SECRET.as_bytes(), std::time::Duration::from_secs(60));
        let nobody = domain::Actor::new(
            domain::UserId::from(uuid::Uuid::now_v7()),
            domain::Role::Customer,
        );
        let (token, _) = keys.issue(nobody, self.clock.now()).unwrap();
        let (status, body) = self
            .get(&format!("/api/v1/me/holds?after={head}"), Some(&token))
            .await;
        assert_eq!(status, StatusCode::OK, "a read after the head: {body}");
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

    /// Sends any request with an optional bearer token. A 2xx JSON reply must match the
    /// schema the served OpenAPI document gives for its path, method and status.
    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        let request = match token {
            Some(t) => request.bearer_auth(t),
            None => request,
        };
        let request = request.build().expect("request builds");
        let method = request.method().to_string();
        let path = request.url().path().to_owned();
        let response = self.http.execute(request).await.expect("request sent");
        let status = response.status();
        let json = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_success() && json && !path.starts_with("/api/openapi") {
            let contract = CONTRACT
                .get_or_init(|| async { schema::Contract::new(self.document().await) })
                .await;
            if let Err(mismatch) = contract.check(&method, &path, status.as_u16(), &body) {
                panic!("{mismatch}");
            }
        }
        (status, body)
    }

    /// The served OpenAPI document, fetched without checking it against itself.
    async fn document(&self) -> Value {
        let response = self.http.get(self.at("/api/openapi.json")).send().await;
        let response = response.expect("the OpenAPI document is served");
        assert!(
            response.status().is_success(),
            "/api/openapi.json: {}",
            response.status()
        );
        response.json().await.expect("the OpenAPI document is JSON")
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

// Helpers of the read-side tests (tests/api/reads.rs).
impl TestApp {
    /// GETs a path once every projection has applied every write so far.
    pub async fn read(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.drain_projections().await;
        self.get(path, token).await
    }

    /// A valid new-listing body (a Lyon concert 30 days out, one ticket type of 10 seats
    /// at 25.00 EUR) with the top-level fields of `changes` replacing the defaults.
    pub fn listing_body(&self, changes: Value) -> Value {
        let now = self.clock.now();
        let starts = now + TimeDelta::days(30);
        let mut body = json!({
            "title": "Jazz night",
            "description": "Late set",
            "venue": {"name": "Blue Room", "address": "1 Main St", "city": "Lyon", "country": "FR"},
            "category": "concert",
            "starts_at": starts.to_rfc3339(),
            "ends_at": (starts + TimeDelta::hours(3)).to_rfc3339(),
            "time_zone": "Europe/Paris",
            "sales": {"opens_at": now.to_rfc3339(), "closes_at": (starts - TimeDelta::hours(1)).to_rfc3339()},
            "max_tickets_per_booking": 4,
            "ticket_types": [{"name": "Balcony", "price": {"amount": 2500, "currency": "EUR"}, "capacity": 10}],
        });
        if let (Some(body), Value::Object(changes)) = (body.as_object_mut(), changes) {
            body.extend(changes);
        }
        body
    }

    /// Creates a listing from [`TestApp::listing_body`] with `changes`, and publishes it
    /// when `publish`; returns (listing id, ticket type id).
    pub async fn listing(
        &self,
        organizer: &User,
        changes: Value,
        publish: bool,
    ) -> (String, String) {
        let body = self.listing_body(changes);
        let (status, created) = self
            .post("/api/v1/listings", Some(&organizer.token), body)
            .await;
        assert_eq!(status, StatusCode::CREATED, "create listing: {created}");
        let listing = created["listing_id"].as_str().unwrap().to_owned();
        let ticket_type = created["ticket_type_ids"][0].as_str().unwrap().to_owned();
        if publish {
            let path = format!("/api/v1/listings/{listing}/publish");
            let (status, body) = self.post(&path, Some(&organizer.token), json!({})).await;
            assert_eq!(status, StatusCode::OK, "publish: {body}");
        }
        (listing, ticket_type)
    }

    /// `buyer` holds `seats` and confirms them (paying with a test card when `paid`);
    /// returns the confirmation (booking id, ticket codes, position).
    pub async fn book(
        &self,
        buyer: &User,
        listing: &str,
        ticket_type: &str,
        seats: u32,
        paid: bool,
    ) -> Value {
        let (status, held) = self
            .post(
                &format!("/api/v1/listings/{listing}/holds"),
                Some(&buyer.token),
                json!({ "ticket_type_id": ticket_type, "seats": seats }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "hold: {held}");
        let hold = held["hold_id"].as_str().unwrap();
        let body = if paid {
            json!({ "payment_token": "tok_ok" })
        } else {
            json!({})
        };
        let (status, booked) = self
            .post(
                &format!("/api/v1/listings/{listing}/holds/{hold}/confirm"),
                Some(&buyer.token),
                body,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "confirm: {booked}");
        booked
    }

    /// A new admin, made the way an operator bootstraps the first one (an event in their
    /// stream), with a token that carries the role.
    pub async fn admin(&self) -> User {
        use eventlog::{ExpectedVersion, NewEvent, StreamAppend, StreamId};
        let user = self.user("customer").await;
        let payload = json!({
            "type": "role_changed",
            "from": { "kind": "customer" },
            "to": { "kind": "admin" },
            "by": user.id,
            "at": self.clock.now(),
        });
        let stream = StreamId::new(format!("user-{}", user.id)).unwrap();
        let append = StreamAppend::new(
            stream,
            ExpectedVersion::Any,
            vec![NewEvent::new("role_changed", payload)],
        );
        self.log.append(vec![append]).await.unwrap();
        self.refreshed(user).await
    }

    /// A new door staff member of `organizer`, appointed by `admin`.
    pub async fn staff_of(&self, organizer: &User, admin: &User) -> User {
        let user = self.user("customer").await;
        let role = json!({ "role": { "kind": "staff", "organizer_id": organizer.id } });
        let path = format!("/api/v1/accounts/{}/role", user.id);
        let (status, body) = self.post(&path, Some(&admin.token), role).await;
        assert_eq!(status, StatusCode::OK, "appoint staff: {body}");
        self.refreshed(user).await
    }

    /// `user` with tokens refreshed (so they carry the current role).
    pub async fn refreshed(&self, user: User) -> User {
        let body = json!({ "refresh_token": user.refresh });
        let (status, session) = self.post("/api/v1/sessions/refresh", None, body).await;
        assert_eq!(status, StatusCode::OK, "refresh: {session}");
        User {
            token: session["access_token"].as_str().unwrap().to_owned(),
            refresh: session["refresh_token"].as_str().unwrap().to_owned(),
            ..user
        }
    }
}
