//! The projector runner, replay and verify against a real log on SQLite and PostgreSQL,
//! fed with sales the domain decided (`projections::testing::seed`).

use std::time::Duration;

use eventlog::sql::{Arg, Conn};
use eventlog::testing::TestDb;
use eventlog::EventLog;
use projections::testing::{seed, SeedPlan};
use projections::{Projection, Projections, RunnerConfig};
use tokio::sync::oneshot;

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = eventlog::testing::TestDb::sqlite();
                    super::$name(&db).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = eventlog::testing::TestDb::postgres().await;
                    super::$name(&db).await;
                }
            )*
        }
    };
}

both_backends!(
    projections_fold_a_seeded_log_into_models_that_verify_clean,
    a_projector_stopped_mid_stream_resumes_without_applying_anything_twice,
    verify_names_a_row_corrupted_by_hand,
    a_failing_projection_is_reported_while_the_others_keep_going,
    replay_swaps_fresh_tables_in_while_projectors_and_writers_run,
    an_interrupted_replay_leaves_the_live_tables_serving,
    rows_are_read_by_column_name_whatever_the_select_order,
    a_replay_holding_few_rows_builds_the_model_the_projectors_built,
);

mod only_on_postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_reader_holding_a_table_through_the_swap_keeps_reading_and_the_rows_are_copied() {
        let db = eventlog::testing::TestDb::postgres().await;
        super::a_reader_holding_a_table_through_the_swap_keeps_reading_and_the_rows_are_copied(&db)
            .await;
    }
}

struct Running {
    registry: Projections,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    fn start(log: &EventLog, config: RunnerConfig) -> Self {
        let registry = Projections::new();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(projections::run(
            log.clone(),
            registry.clone(),
            Projection::ALL.to_vec(),
            config,
            async move {
                let _ = stopped.await;
            },
        ));
        Self {
            registry,
            stop: Some(stop),
            task,
        }
    }

    async fn drain(&self, log: &EventLog) {
        let head = log.head().await.unwrap();
        let reached = self
            .registry
            .wait_for(log, &names(), head, Duration::from_secs(60))
            .await
            .unwrap();
        assert!(reached, "projections stuck: {:?}", self.registry.statuses());
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap();
    }
}

fn names() -> Vec<&'static str> {
    Projection::ALL.iter().map(|p| p.name()).collect()
}

fn fast() -> RunnerConfig {
    RunnerConfig {
        max_backoff: Duration::from_millis(200),
        idle_check: Duration::from_millis(200),
        ..RunnerConfig::default()
    }
}

async fn verify_clean(log: &EventLog) {
    let report = projections::verify::verify(log, &Projection::ALL)
        .await
        .unwrap();
    assert!(
        report.mismatches.is_empty(),
        "verify found {} mismatches, e.g. {:?}",
        report.mismatches.len(),
        report.mismatches.iter().take(5).collect::<Vec<_>>()
    );
}

async fn scalar(log: &EventLog, sql: &str) -> i64 {
    let mut conn = Conn::acquire(log).await.unwrap();
    let rows: Vec<(i64,)> = conn.db().fetch(sql, Vec::new()).await.unwrap();
    rows[0].0
}

async fn exec(log: &EventLog, sql: &str, args: Vec<Arg>) -> u64 {
    let mut conn = Conn::acquire(log).await.unwrap();
    conn.db().exec(sql, args).await.unwrap()
}

fn plan(events: u64, seed_value: u64) -> SeedPlan {
    SeedPlan {
        events,
        seed: seed_value,
        ..SeedPlan::default()
    }
}

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

async fn replay_swaps_fresh_tables_in_while_projectors_and_writers_run(db: &TestDb) {
    let log = db.log().await;
    seed(&log, &plan(3000, 7)).await.unwrap();
    let running = Running::start(&log, fast());
    running.drain(&log).await;
    let listings_before = scalar(&log, "SELECT COUNT(*) FROM rm_listings").await;

    // Writers keep appending while two replays run back to back.
    let writer = {
        let log = log.clone();
        tokio::spawn(async move {
            for round in 0..4 {
                seed(&log, &plan(300, 100 + round)).await.unwrap();
            }
        })
    };
    let reader = {
        let log = log.clone();
        tokio::spawn(async move {
            let mut reads = 0;
            while reads < 200 {
                // Never an error, never an empty catalog mid-swap.
                let n = scalar(&log, "SELECT COUNT(*) FROM rm_listings").await;
                assert!(n >= listings_before, "read {n} listings mid-replay");
                reads += 1;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let mut updates = 0;
    for _ in 0..2 {
        let done = projections::replay::replay(&log, &Projection::ALL, 500, &mut |_| updates += 1)
            .await
            .unwrap();
        assert!(done.swapped && done.position > 0);
    }
    assert!(updates >= 2);
    writer.await.unwrap();
    reader.await.unwrap();
    running.drain(&log).await;
    verify_clean(&log).await;
    running.stop().await;
    // No copies are left behind.
    let mut conn = Conn::acquire(&log).await.unwrap();
    let sql = if log.postgres_pool().is_some() {
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'rm_%'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm_%'"
    };
    let tables: Vec<(String,)> = conn.db().fetch(sql, Vec::new()).await.unwrap();
    assert!(tables.iter().all(|(t,)| !t.contains("_r1")), "{tables:?}");
    search_works(&log).await;
}

/// The catalog's full-text search is in place on the live table after a swap: the GIN
/// index under its own name on PostgreSQL, the FTS5 table and its three triggers on
/// SQLite, and a search through it finds every seeded listing.
async fn search_works(log: &EventLog) {
    let listings = scalar(log, "SELECT COUNT(*) FROM rm_listings").await;
    assert!(listings > 0);
    if log.postgres_pool().is_some() {
        let index = "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() \
                     AND tablename = 'rm_listings' AND indexname = 'rm_listings__search'";
        assert_eq!(scalar(log, index).await, 1);
        let copies = "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() \
                      AND indexname LIKE 'rm\\_%\\_r1%'";
        assert_eq!(scalar(log, copies).await, 0, "indexes keep the live names");
        let found = "SELECT COUNT(*) FROM rm_listings WHERE to_tsvector('simple', \
                     regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g')) \
                     @@ to_tsquery('simple', 'seeded:*')";
        assert_eq!(scalar(log, found).await, listings);
    } else {
        // The triggers keep the copy's names (`rm_listings_r<n>__fts_*`); what matters is
        // that they are on the live table.
        let triggers = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' \
                        AND tbl_name = 'rm_listings'";
        assert_eq!(scalar(log, triggers).await, 3);
        let found = "SELECT COUNT(*) FROM rm_listings WHERE rowid IN (SELECT rowid FROM \
                     rm_listings__fts WHERE rm_listings__fts MATCH '\"seeded\"*')";
        assert_eq!(scalar(log, found).await, listings);
    }
}

/// Every row of every read-model table, as text, sorted: the whole model to compare.
async fn model(log: &EventLog) -> Vec<String> {
    use projections::record::{columns, read_rows, Record};
    use projections::rows::*;

    async fn dump<R: Record + std::fmt::Debug>(log: &EventLog, out: &mut Vec<String>) {
        let mut conn = Conn::acquire(log).await.unwrap();
        let sql = format!("SELECT {} FROM {}", columns::<R>(), R::TABLE);
        let rows: Vec<R> = read_rows(&conn.db().rows(&sql, Vec::new()).await.unwrap()).unwrap();
        out.extend(rows.iter().map(|r| format!("{} {r:?}", R::TABLE)));
    }
    let mut out = Vec::new();
    dump::<ListingRow>(log, &mut out).await;
    dump::<TypeRow>(log, &mut out).await;
    dump::<HoldRow>(log, &mut out).await;
    dump::<BookingRow>(log, &mut out).await;
    dump::<TicketRow>(log, &mut out).await;
    dump::<EntryRow>(log, &mut out).await;
    dump::<PersonRow>(log, &mut out).await;
    dump::<VisitRow>(log, &mut out).await;
    dump::<StatRow>(log, &mut out).await;
    dump::<DailyRow>(log, &mut out).await;
    dump::<StatBookingRow>(log, &mut out).await;
    dump::<PlatformRow>(log, &mut out).await;
    dump::<RoomMinuteRow>(log, &mut out).await;
    out.sort();
    out
}

async fn a_replay_holding_few_rows_builds_the_model_the_projectors_built(db: &TestDb) {
    let log = db.log().await;
    seed(&log, &plan(3000, 9)).await.unwrap();
    let running = Running::start(&log, fast());
    running.drain(&log).await;
    running.stop().await;
    let projected = model(&log).await;
    // Held in memory whole, then with so few rows held that they are written, forgotten
    // and loaded back many times over.
    for held in [projections::replay::HELD_ROWS, 40] {
        let done =
            projections::replay::replay_holding(&log, &Projection::ALL, 250, held, &mut |_| {})
                .await
                .unwrap();
        assert_eq!(done.swapped_by, Some(projections::replay::Swapped::Renamed));
        let replayed = model(&log).await;
        assert_eq!(replayed.len(), projected.len());
        let differ: Vec<_> = replayed
            .iter()
            .zip(&projected)
            .filter(|(a, b)| a != b)
            .take(3)
            .collect();
        assert!(differ.is_empty(), "held {held}: {differ:?}");
        verify_clean(&log).await;
    }
    search_works(&log).await;
}

/// A reader transaction that holds one of the live tables for longer than the swap waits
/// for its locks: the swap copies the rows instead (row locks only), the reader goes on
/// reading, and the model is complete.
async fn a_reader_holding_a_table_through_the_swap_keeps_reading_and_the_rows_are_copied(
    db: &TestDb,
) {
    let log = db.log().await;
    seed(&log, &plan(1500, 10)).await.unwrap();
    let running = Running::start(&log, fast());
    running.drain(&log).await;
    running.stop().await;
    let listings = scalar(&log, "SELECT COUNT(*) FROM rm_listings").await;
    let pool = log.postgres_pool().expect("PostgreSQL").clone();
    let mut reader = pool.begin().await.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rm_listings")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    assert_eq!(seen, listings);
    let done = projections::replay::replay(&log, &Projection::ALL, 500, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(done.swapped_by, Some(projections::replay::Swapped::Copied));
    let sold: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(sold), 0) AS BIGINT) FROM rm_ticket_types")
            .fetch_one(&mut *reader)
            .await
            .unwrap();
    assert!(sold > 0);
    reader.commit().await.unwrap();
    verify_clean(&log).await;
    search_works(&log).await;
}

async fn an_interrupted_replay_leaves_the_live_tables_serving(db: &TestDb) {
    let log = db.log().await;
    seed(&log, &plan(2000, 8)).await.unwrap();
    let running = Running::start(&log, fast());
    running.drain(&log).await;
    running.stop().await;
    let sold = scalar(
        &log,
        "SELECT CAST(COALESCE(SUM(sold), 0) AS BIGINT) FROM rm_ticket_types",
    )
    .await;

    // Interrupt it after its first batch went into the copies (as a crash would: the
    // process dies between two transactions).
    let mut interrupt = |_| panic!("interrupted");
    let replay = projections::replay::replay(&log, &Projection::ALL, 200, &mut interrupt);
    let outcome = futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(replay)).await;
    assert!(outcome.is_err(), "the replay was interrupted");
    assert_eq!(
        scalar(
            &log,
            "SELECT CAST(COALESCE(SUM(sold), 0) AS BIGINT) FROM rm_ticket_types"
        )
        .await,
        sold
    );
    verify_clean(&log).await;
    // The next replay clears whatever copies the interrupted one left, and completes.
    projections::replay::replay(&log, &Projection::ALL, 1000, &mut |_| {})
        .await
        .unwrap();
    verify_clean(&log).await;
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
