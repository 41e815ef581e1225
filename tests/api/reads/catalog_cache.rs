//! The query API's cache of public catalog answers: a write is in the next read that
//! passes its position, though the read before was answered from the cache; signed-in
//! answers are never shared; a small cache still answers every query right.

use eventlog::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{ids, spec};
use crate::support::TestApp;

api_test!(
    a_hold_and_an_edit_show_in_the_next_read_after_their_position,
    a_signed_in_answer_is_never_served_to_anyone_else,
);

/// The position a command answered.
fn position(answer: &Value) -> i64 {
    answer["position"]
        .as_i64()
        .unwrap_or_else(|| panic!("a command answers its position: {answer}"))
}

async fn a_hold_and_an_edit_show_in_the_next_read_after_their_position(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, seat) = app.listing(&organizer, json!({}), true).await;
    let detail = format!("/api/v1/listings/{listing}");
    let search = "/api/v1/listings?q=jazz&city=Lyon";
    // Read each twice, so the second answer (and the next) may come from the cache.
    for _ in 0..2 {
        let (status, body) = app.read(&detail, None).await;
        assert_eq!((status, &body["seats_free"]), (StatusCode::OK, &json!(10)));
        let (status, page) = app.get(search, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["items"][0]["seats_free"], 10);
    }

    let (status, held) = app
        .post(
            &format!("{detail}/holds"),
            Some(&buyer.token),
            json!({"ticket_type_id": seat, "seats": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    let after = position(&held);
    let (status, body) = app.get(&format!("{detail}?after={after}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["seats_free"], 8, "the hold is in the detail: {body}");
    assert_eq!(body["ticket_types"][0]["held"], 2);
    // The search, spelled differently, waits for the same position.
    let (status, page) = app
        .get(
            &format!("/api/v1/listings?city=lyon&q=JAZZ&after={after}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        page["items"][0]["seats_free"], 8,
        "the hold is in the search"
    );
    // Once a read has seen the position, later reads without it see it too.
    let (_, page) = app.get(search, None).await;
    assert_eq!(page["items"][0]["seats_free"], 8);

    let mut details = app.listing_body(json!({"title": "Blues night"}));
    let fields = details.as_object_mut().unwrap();
    fields.remove("ticket_types");
    let (status, edited) = app
        .post(
            &format!("{detail}/details"),
            Some(&organizer.token),
            details,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let after = position(&edited);
    let (_, body) = app.get(&format!("{detail}?after={after}"), None).await;
    assert_eq!(body["title"], "Blues night", "the edit is in the detail");
    let (_, page) = app.get(&format!("{search}&after={after}"), None).await;
    assert_eq!(ids(&page), Vec::<String>::new(), "no longer a jazz night");
    let (_, page) = app.get("/api/v1/listings?q=blues&city=Lyon", None).await;
    assert_eq!(ids(&page), [listing], "found by its new title");
    // The counts answer reads the catalog itself, and agrees.
    let (_, counts) = app
        .get(&format!("{detail}/availability?after={after}"), None)
        .await;
    assert_eq!(counts["seats_free"], 8);
}

async fn a_signed_in_answer_is_never_served_to_anyone_else(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (draft, _) = app.listing(&organizer, json!({}), false).await;
    let path = format!("/api/v1/listings/{draft}");
    for _ in 0..2 {
        let (status, body) = app.read(&path, Some(&organizer.token)).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "the organizer sees the draft: {body}"
        );
        let (status, body) = app.get(&path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "nobody else does: {body}");
    }
    let (status, page) = app.get("/api/v1/listings?q=jazz", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&page), Vec::<String>::new(), "a draft is never found");
}

/// A cache of four entries, asked many distinct searches and details (as a hostile
/// client would): every answer is still the right one, including the first, asked again.
async fn a_small_cache_answers_many_distinct_queries_right(db: TestDb) {
    let app = TestApp::start_with(db, |system| {
        system.read_cache = query_api::CacheLimits {
            max_bytes: 8 * 1024,
            max_entries: 4,
        };
    })
    .await;
    let organizer = app.user("organizer").await;
    let mut listings = Vec::new();
    for (i, city) in ["Lyon", "Nantes", "Lille"].into_iter().enumerate() {
        let title = format!("Concert {i}");
        let body = spec(&app, 10 + i as i64, &title, city, "concert", 1000, 5);
        let (listing, _) = app.listing(&organizer, body, true).await;
        listings.push(listing);
    }
    app.drain_projections().await;
    for round in 0..2 {
        for (i, listing) in listings.iter().enumerate() {
            let (_, body) = app.get(&format!("/api/v1/listings/{listing}"), None).await;
            assert_eq!(body["title"], format!("Concert {i}"), "round {round}");
        }
        for n in 0..40 {
            let (status, page) = app
                .get(&format!("/api/v1/listings?q=concert+x{n}"), None)
                .await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert_eq!(ids(&page), Vec::<String>::new(), "no such word");
        }
        let (_, page) = app
            .get("/api/v1/listings?q=concert&city=Nantes", None)
            .await;
        assert_eq!(ids(&page)[..], listings[1..2], "round {round}");
    }
}

mod small {
    use eventlog::testing::TestDb;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite_a_small_cache_answers_many_distinct_queries_right() {
        super::a_small_cache_answers_many_distinct_queries_right(TestDb::sqlite()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_a_small_cache_answers_many_distinct_queries_right() {
        super::a_small_cache_answers_many_distinct_queries_right(TestDb::postgres().await).await;
    }
}
