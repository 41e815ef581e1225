//! Replay against a real log on SQLite and PostgreSQL: fresh tables swapped in while
//! projectors, writers and readers run, interrupted replays, replays that hold few rows,
//! and a reader that holds a table through the swap.

#[macro_use]
mod support;

use std::time::Duration;

use eventlog::sql::Conn;
use eventlog::testing::TestDb;
use eventlog::EventLog;
use projections::testing::seed;
use projections::Projection;
use support::*;

both_backends!(
    replay_swaps_fresh_tables_in_while_projectors_and_writers_run,
    an_interrupted_replay_leaves_the_live_tables_serving,
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
