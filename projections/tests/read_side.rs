//! The projector runner and verify against a real log on SQLite and PostgreSQL, fed with
//! sales the domain decided (`projections::testing::seed`). Replay has its own binary.

#[macro_use]
mod support;

use std::time::Duration;

use eventlog::sql::{Arg, Conn};
use eventlog::testing::TestDb;
use projections::testing::seed;
use projections::{Projection, RunnerConfig};
use support::*;

both_backends!(
    projections_fold_a_seeded_log_into_models_that_verify_clean,
    a_projector_stopped_mid_stream_resumes_without_applying_anything_twice,
    verify_names_a_row_corrupted_by_hand,
    a_failing_projection_is_reported_while_the_others_keep_going,
    rows_are_read_by_column_name_whatever_the_select_order,
);

async fn projections_fold_a_seeded_log_into_models_that_verify_clean(db: &TestDb) {
    let log = db.log().await;
    let seeded = seed(&log, &plan(3000, 1)).await.unwrap();
    let running = Running::start(&log, fast());
    running.drain(&log).await;
    verify_clean(&log).await;

    // What a reader sees adds up: seats sold in the catalog are the seats of the
    // bookings that stand, and every listing seeded is there.
    let sold = scalar(
        &log,
        "SELECT CAST(COALESCE(SUM(sold), 0) AS BIGINT) FROM rm_ticket_types",
    )
    .await;
    let booked = scalar(
        &log,
        "SELECT CAST(COALESCE(SUM(seats), 0) AS BIGINT) FROM rm_bookings WHERE status = 'confirmed'",
    )
    .await;
    assert!(sold > 0);
    assert_eq!(sold, booked);
    let listings = scalar(
        &log,
        "SELECT COUNT(*) FROM rm_listings WHERE status = 'published'",
    )
    .await;
    assert_eq!(listings, seeded.listings.len() as i64);
    let bookings = scalar(&log, "SELECT COUNT(*) FROM rm_bookings").await;
    assert_eq!(bookings, seeded.bookings as i64);
    running.stop().await;
}

async fn a_projector_stopped_mid_stream_resumes_without_applying_anything_twice(db: &TestDb) {
    let log = db.log().await;
    seed(&log, &plan(4000, 2)).await.unwrap();
    let head = log.head().await.unwrap();
    let running = Running::start(
        &log,
        RunnerConfig {
            batch: 100,
            ..fast()
        },
    );
    // Stop it once every projection is part-way through.
    let third = head / 3;
    let reached = running
        .registry
        .wait_for(&log, &names(), third, Duration::from_secs(60))
        .await
        .unwrap();
    assert!(reached);
    running.stop().await;
    let positions: Vec<i64> = {
        let mut out = Vec::new();
        for p in Projection::ALL {
            out.push(
                log.checkpoint(&format!("projection:{}", p.name()))
                    .await
                    .unwrap(),
            );
        }
        out
    };
    assert!(
        positions.iter().any(|p| *p < head),
        "the runner was meant to stop part-way, at {positions:?} of {head}"
    );
    // What was applied so far matches the log up to each checkpoint exactly.
    verify_clean(&log).await;

    seed(&log, &plan(1000, 3)).await.unwrap();
    let running = Running::start(&log, fast());
    running.drain(&log).await;
    verify_clean(&log).await;
    running.stop().await;
}

async fn verify_names_a_row_corrupted_by_hand(db: &TestDb) {
    let log = db.log().await;
    seed(&log, &plan(1500, 4)).await.unwrap();
    let running = Running::start(&log, fast());
    running.drain(&log).await;
    running.stop().await;
    verify_clean(&log).await;

    let mut conn = Conn::acquire(&log).await.unwrap();
    let (listing, ticket_type): (String, String) = conn
        .db()
        .fetch::<(String, String)>("SELECT listing_id, ticket_type_id FROM rm_ticket_types WHERE sold > 0 ORDER BY listing_id LIMIT 1", Vec::new())
        .await
        .unwrap()[0]
        .clone();
    let changed = exec(
        &log,
        "UPDATE rm_ticket_types SET sold = sold + 1 WHERE listing_id = $1 AND ticket_type_id = $2",
        vec![Arg::Text(listing.clone()), Arg::Text(ticket_type.clone())],
    )
    .await;
    assert_eq!(changed, 1);
    let report = projections::verify::verify(&log, &Projection::ALL)
        .await
        .unwrap();
    let lines: Vec<String> = report.mismatches.iter().map(|m| m.to_string()).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains(&ticket_type)
            && lines[0].contains("sold")
            && lines[0].starts_with("[catalog]"),
        "{lines:?}"
    );
}

async fn a_failing_projection_is_reported_while_the_others_keep_going(db: &TestDb) {
    let log = db.log().await;
    seed(&log, &plan(500, 5)).await.unwrap();
    let running = Running::start(&log, fast());
    running.drain(&log).await;

    // Break analytics: its daily table disappears.
    exec(
        &log,
        "ALTER TABLE rm_daily_sales RENAME TO rm_daily_sales_away",
        Vec::new(),
    )
    .await;
    seed(&log, &plan(500, 6)).await.unwrap();
    let head = log.head().await.unwrap();
    let others = running
        .registry
        .wait_for(
            &log,
            &["catalog", "bookings"],
            head,
            Duration::from_secs(30),
        )
        .await
        .unwrap();
    assert!(
        others,
        "catalog and bookings must keep going: {:?}",
        running.registry.statuses()
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let analytics = loop {
        let status = running.registry.status("analytics").unwrap();
        if status.failures >= 2 || tokio::time::Instant::now() > deadline {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(analytics.checkpoint < head);
    assert!(
        analytics.failures >= 2,
        "retried with backoff: {analytics:?}"
    );
    let error = analytics.last_error.clone().unwrap();
    assert!(error.contains("rm_daily_sales"), "{error}");
    // Behind and not moving: not ready (with a zero threshold), and the verdict says why.
    let readiness = running
        .registry
        .readiness(head, chrono::Utc::now(), Duration::ZERO);
    assert!(!readiness.ready);
    let verdicts: Vec<(String, &str)> = readiness
        .projections
        .iter()
        .map(|p| (p.status.name.clone(), p.verdict))
        .collect();
    assert!(
        verdicts.contains(&("analytics".into(), "stuck")),
        "{verdicts:?}"
    );
    assert!(verdicts.contains(&("catalog".into(), "ok")), "{verdicts:?}");

    // Repaired, it catches up by itself and the models verify.
    exec(
        &log,
        "ALTER TABLE rm_daily_sales_away RENAME TO rm_daily_sales",
        Vec::new(),
    )
    .await;
    running.drain(&log).await;
    // The runner reports a batch just after committing it; give the report a moment.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let analytics = loop {
        let status = running.registry.status("analytics").unwrap();
        if status.last_error.is_none() || tokio::time::Instant::now() > deadline {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(analytics.last_error, None);
    assert!(
        running
            .registry
            .readiness(head, chrono::Utc::now(), Duration::ZERO)
            .ready
    );
    verify_clean(&log).await;
    running.stop().await;
}

async fn rows_are_read_by_column_name_whatever_the_select_order(db: &TestDb) {
    use projections::record::{columns, read_rows, Record};
    use projections::rows::ListingRow;

    let log = db.log().await;
    seed(&log, &plan(300, 3)).await.unwrap();
    let running = Running::start(&log, fast());
    running.drain(&log).await;
    running.stop().await;
    let mut conn = Conn::acquire(&log).await.unwrap();
    let mut db = conn.db();
    let in_order = format!(
        "SELECT {} FROM rm_listings ORDER BY listing_id",
        columns::<ListingRow>()
    );
    let mut reversed: Vec<&str> = ListingRow::COLUMNS.to_vec();
    reversed.reverse();
    let reversed = format!(
        "SELECT {}, 1 AS unread FROM rm_listings ORDER BY listing_id",
        reversed.join(", ")
    );
    let a: Vec<ListingRow> = read_rows(&db.rows(&in_order, Vec::new()).await.unwrap()).unwrap();
    let b: Vec<ListingRow> = read_rows(&db.rows(&reversed, Vec::new()).await.unwrap()).unwrap();
    assert!(!a.is_empty());
    assert!(a
        .iter()
        .all(|l| l.status == "published" && l.seats_free > 0));
    assert_eq!(a, b);
}
