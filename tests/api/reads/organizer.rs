//! Attendees and analytics for the organizer, their staff and admins; the admin overview.

use reqwest::StatusCode;
use serde_json::json;

use super::ids;
use crate::support::{TestApp, User};

api_test!(
    attendees_are_for_the_organizer_their_staff_and_admins,
    analytics_count_sales_conversion_and_check_ins_for_the_owner,
    the_admin_overview_is_for_admins_only,
);

/// A published listing (10 seats at 25.00 EUR) with one booking of 2 seats, one of them
/// admitted at the door; returns (listing, buyer, organizer).
async fn sold_and_admitted(app: &TestApp) -> (String, User, User) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, seat) = app.listing(&organizer, json!({}), true).await;
    let booked = app.book(&buyer, &listing, &seat, 2, true).await;
    let code = booked["ticket_codes"][0].as_str().unwrap();
    let (status, body) = app
        .post(
            "/api/v1/checkins",
            Some(&organizer.token),
            json!({"code": code}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (listing, buyer, organizer)
}

async fn attendees_are_for_the_organizer_their_staff_and_admins(app: TestApp) {
    let (listing, buyer, organizer) = sold_and_admitted(&app).await;
    let admin = app.admin().await;
    let staff = app.staff_of(&organizer, &admin).await;
    let rival = app.user("organizer").await;
    let path = format!("/api/v1/listings/{listing}/attendees");
    for who in [&organizer, &staff, &admin] {
        let (status, list) = app.read(&path, Some(&who.token)).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(
            (&list["tickets"], &list["checked_in"]),
            (&json!(2), &json!(1))
        );
        let booking = &list["bookings"][0];
        assert_eq!(booking["name"], "Sam");
        assert_eq!(booking["email"], buyer.email.as_str());
        assert_eq!(booking["seats"], 2);
        assert_eq!(booking["status"], "confirmed");
        let admitted = booking["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["checked_in_at"].is_string())
            .count();
        assert_eq!(admitted, 1);
    }
    for who in [&buyer, &rival] {
        let (status, problem) = app.get(&path, Some(&who.token)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    }
    let (status, _) = app.get(&path, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let unknown = uuid::Uuid::now_v7();
    let (status, _) = app
        .get(
            &format!("/api/v1/listings/{unknown}/attendees"),
            Some(&admin.token),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn analytics_count_sales_conversion_and_check_ins_for_the_owner(app: TestApp) {
    let (listing, buyer, organizer) = sold_and_admitted(&app).await;
    app.listing(&organizer, json!({"title": "Quiet one"}), true)
        .await;
    let path = format!("/api/v1/listings/{listing}/analytics");
    let (status, figures) = app.read(&path, Some(&organizer.token)).await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    assert_eq!(figures["capacity"], 10);
    assert_eq!(figures["seats_sold"], 2);
    assert_eq!(figures["seats_free"], 8);
    assert_eq!(
        figures["revenue"],
        json!({"amount_minor": 5000, "currency": "EUR"})
    );
    assert_eq!(
        figures["net_revenue"],
        json!({"amount_minor": 5000, "currency": "EUR"})
    );
    assert_eq!(figures["fill_rate"], 0.2);
    assert_eq!(figures["hold_to_booking_conversion"], 1.0);
    assert_eq!(figures["check_in_rate"], 0.5);
    assert_eq!(
        figures["daily"],
        json!([{"day": "2026-06-01", "bookings": 1, "seats": 2, "revenue": 5000, "refunds": 0, "cancellations": 0}])
    );
    let admin = app.admin().await;
    let staff = app.staff_of(&organizer, &admin).await;
    let (status, _) = app.get(&path, Some(&admin.token)).await;
    assert_eq!(status, StatusCode::OK);
    for who in [&buyer, &staff] {
        let (status, problem) = app.get(&path, Some(&who.token)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    }

    let (status, mine) = app
        .read("/api/v1/organizer/analytics?top=1", Some(&organizer.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["totals"][0]["currency"], "EUR");
    assert_eq!(mine["totals"][0]["listings"], 2);
    assert_eq!(mine["totals"][0]["seats_sold"], 2);
    assert_eq!(mine["totals"][0]["revenue"]["amount_minor"], 5000);
    assert_eq!(mine["top_listings"].as_array().unwrap().len(), 1);
    assert_eq!(mine["top_listings"][0]["listing_id"], listing.as_str());
    let (status, _) = app
        .get("/api/v1/organizer/analytics", Some(&buyer.token))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, own) = app
        .read("/api/v1/organizer/listings", Some(&organizer.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(ids(&own).len(), 2);
    let sold = own["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == listing.as_str());
    assert_eq!(sold.unwrap()["seats_sold"], 2, "{own}");
    let rival = app.user("organizer").await;
    let (_, none) = app
        .get("/api/v1/organizer/listings", Some(&rival.token))
        .await;
    assert_eq!(none["items"], json!([]));
}

async fn the_admin_overview_is_for_admins_only(app: TestApp) {
    let (_, buyer, organizer) = sold_and_admitted(&app).await;
    app.listing(&organizer, json!({}), false).await;
    let admin = app.admin().await;
    let (status, overview) = app.read("/api/v1/admin/overview", Some(&admin.token)).await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    assert_eq!(overview["metrics"]["accounts"], 3);
    assert_eq!(overview["metrics"]["role:organizer"], 1);
    assert_eq!(overview["metrics"]["role:admin"], 1);
    assert_eq!(
        overview["listings_by_status"],
        json!({"draft": 1, "published": 1})
    );
    assert_eq!(overview["totals"][0]["revenue"]["amount_minor"], 5000);
    assert_eq!(overview["top_listings"].as_array().unwrap().len(), 2);
    for who in [&buyer, &organizer] {
        let (status, problem) = app.get("/api/v1/admin/overview", Some(&who.token)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    }
}
