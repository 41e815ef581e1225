//! Hostile input at the edge (issue 12): problem+json for unknown paths and methods, 415
//! in the document, tokens from the future, control characters in query parameters,
//! `?after=` beyond the log's head, and payment tokens that only look like the sandbox's.

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use domain::{Actor, Role, UserId};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::bookings::{confirm, hold, published};
use crate::reads::fields;
use crate::support::{TestApp, SECRET};

api_test!(
    unknown_paths_and_wrong_methods_are_problems,
    bodies_document_unsupported_media_type,
    a_token_issued_in_the_future_is_refused,
    control_characters_in_text_parameters_are_named,
    after_beyond_the_head_is_refused_at_once,
    only_the_exact_sandbox_token_pays,
    int32_fields_refuse_two_to_the_31_and_the_schema_says_so,
    a_body_that_never_arrives_in_full_is_answered,
);

async fn problem_of(app: &TestApp, method: reqwest::Method, path: &str) -> (StatusCode, Value) {
    let response = app.http.request(method, app.at(path)).send().await.unwrap();
    let status = response.status();
    assert_eq!(
        response.headers()[CONTENT_TYPE],
        "application/problem+json",
        "{path}"
    );
    (status, response.json().await.unwrap())
}

async fn unknown_paths_and_wrong_methods_are_problems(app: TestApp) {
    for path in ["/api/v1/nothing-here", "/health/deep", "/nowhere"] {
        let (status, problem) = problem_of(&app, reqwest::Method::GET, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(problem["status"], 404, "{problem}");
    }
    for path in ["/api/v1/listings", "/health", "/api/openapi.json"] {
        let (status, problem) = problem_of(&app, reqwest::Method::PATCH, path).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(problem["status"], 405, "{problem}");
    }
}

async fn bodies_document_unsupported_media_type(app: TestApp) {
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let mut with_body = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("requestBody").is_some() {
                with_body += 1;
                assert_eq!(
                    op["responses"]["415"]["$ref"], "#/components/responses/UnsupportedMediaType",
                    "{method} {path}"
                );
            }
        }
    }
    assert!(with_body > 5, "only {with_body} operations take a body");
}

async fn a_token_issued_in_the_future_is_refused(app: TestApp) {
    let buyer = app.user("customer").await;
    let keys = http_kit::Keys::new(SECRET.as_bytes(), Duration::from_secs(900));
    let actor = Actor::new(
        UserId::from(buyer.id.parse::<uuid::Uuid>().unwrap()),
        Role::Customer,
    );
    let (token, _) = keys.issue(actor, Utc::now() + TimeDelta::days(11)).unwrap();
    let (status, problem) = app.get("/api/v1/me/holds", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert_eq!(problem["status"], 401);
    let (status, _) = app.get("/api/v1/me/holds", Some(&buyer.token)).await;
    assert_eq!(status, StatusCode::OK, "the honest token still works");
}

async fn control_characters_in_text_parameters_are_named(app: TestApp) {
    for name in ["q", "city", "category"] {
        for bad in ["x%00y", "x%07y", "%1B"] {
            let (status, problem) = app
                .get(&format!("/api/v1/listings?{name}={bad}"), None)
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{name}={bad}: {problem}"
            );
            assert_eq!(fields(&problem), [name]);
        }
    }
    let (status, problem) = app
        .get("/api/v1/listings?q=a%00&city=b%0A&category=c", None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["city", "q"]);
    let (status, _) = app.get("/api/v1/listings?q=caf%C3%A9", None).await;
    assert_eq!(status, StatusCode::OK);
}

async fn after_beyond_the_head_is_refused_at_once(app: TestApp) {
    app.user("customer").await;
    app.drain_projections().await;
    let head = app.log_head().await;
    let started = Instant::now();
    let (status, problem) = app
        .get(&format!("/api/v1/listings?after={}", head + 1000), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["after"]);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "answered after {:?}",
        started.elapsed()
    );
    let (status, _) = app
        .get(&format!("/api/v1/listings?after={head}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn only_the_exact_sandbox_token_pays(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 10, 2500).await;
    let (_, held) = hold(&app, &buyer, &listing, &tt, 1).await;
    let hold_id = held["hold_id"].as_str().unwrap();
    let head = app.log_head().await;
    for near in ["tok_ok\u{0}", "tok_ok ", "tok_okay"] {
        let body = json!({ "payment_token": near });
        let (status, problem) = confirm(&app, &buyer, &listing, hold_id, body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{near:?}: {problem}"
        );
        assert_eq!(fields(&problem), ["payment_token"]);
    }
    assert_eq!(app.log_head().await, head, "nothing was booked");
    let body = json!({ "payment_token": "tok_ok" });
    let (status, booked) = confirm(&app, &buyer, &listing, hold_id, body).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
}

async fn int32_fields_refuse_two_to_the_31_and_the_schema_says_so(app: TestApp) {
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let schemas = &doc["components"]["schemas"];
    for (schema, property) in [
        ("HoldBody", "seats"),
        ("JoinBody", "party_size"),
        ("NewListing", "max_tickets_per_booking"),
        ("DetailsBody", "max_tickets_per_booking"),
        ("TicketTypeBody", "capacity"),
        ("NewListing", "total_capacity"),
    ] {
        let field = &schemas[schema]["properties"][property];
        assert_eq!(field["minimum"], 1, "{schema}.{property}: {field}");
        assert!(
            field["maximum"].as_u64().is_some(),
            "{schema}.{property}: {field}"
        );
    }
    assert_eq!(schemas["NewListing"]["properties"]["title"]["minLength"], 1);
    let search = &doc["paths"]["/api/v1/listings"]["get"]["parameters"];
    let min_price = search
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "min_price");
    assert_eq!(min_price.unwrap()["schema"]["minimum"], 0, "{search}");
    // Every int32 a request body may carry says how large it may be, within int32.
    let bodies = schemas.as_object().unwrap().iter();
    let bodies = bodies.filter(|(name, _)| name.ends_with("Body") || *name == "NewListing");
    for (name, schema) in bodies {
        for (property, field) in schema["properties"].as_object().into_iter().flatten() {
            if field["format"] == "int32" {
                let max = field["maximum"].as_i64();
                assert!(
                    max.is_some_and(|m| m <= i64::from(i32::MAX)),
                    "{name}.{property}: {field}"
                );
            }
        }
    }

    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 10, 0).await;
    let big = 2_147_483_648_u64;
    let head = app.log_head().await;
    let new_listing = |change: &dyn Fn(&mut Value)| {
        let mut body = app.listing_body(json!({
            "ticket_types": [{"name": "Floor", "price": {"amount": 0, "currency": "EUR"}, "capacity": 10}],
        }));
        change(&mut body);
        body
    };
    let cases = [
        (
            "/api/v1/listings".to_owned(),
            new_listing(&|b| b["max_tickets_per_booking"] = json!(big)),
            "max_tickets_per_booking",
        ),
        (
            "/api/v1/listings".to_owned(),
            new_listing(&|b| b["ticket_types"][0]["capacity"] = json!(big)),
            "ticket_types[0].capacity",
        ),
        (
            "/api/v1/listings".to_owned(),
            new_listing(&|b| b["total_capacity"] = json!(big)),
            "total_capacity",
        ),
        (
            format!("/api/v1/listings/{listing}/holds"),
            json!({"ticket_type_id": tt, "seats": big}),
            "seats",
        ),
        (
            format!("/api/v1/listings/{listing}/waitlist"),
            json!({"ticket_type_id": tt, "party_size": big}),
            "party_size",
        ),
        (
            format!("/api/v1/listings/{listing}/ticket_types/{tt}/capacity"),
            json!({"capacity": big}),
            "capacity",
        ),
        (
            format!("/api/v1/listings/{listing}/ticket_types"),
            json!({"name": "Box", "price": {"amount": 0, "currency": "EUR"}, "capacity": big}),
            "capacity",
        ),
    ];
    for (path, body, field) in cases {
        let token = if path.ends_with("holds") || path.ends_with("waitlist") {
            &buyer.token
        } else {
            &organizer.token
        };
        let (status, problem) = app.post(&path, Some(token), body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {problem}"
        );
        assert_eq!(fields(&problem), [field], "{path}");
    }
    assert_eq!(app.log_head().await, head, "nothing was written");
}

async fn a_body_that_never_arrives_in_full_is_answered(app: TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let buyer = app.user("customer").await;
    let address = app.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/checkins/undo HTTP/1.1\r\nhost: {address}\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"code\":",
        buyer.token
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The other 90 bytes never come; the server answers instead of waiting for ever.
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut answer));
    read.await.expect("an answer, not a hang").unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
}
