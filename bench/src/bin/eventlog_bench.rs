//! Event log throughput on SQLite and PostgreSQL, through the log's own API and, in the
//! same run, as raw sqlx inserts into a plain table, so the figures compare as ratios.
//!
//! `cargo run --release -p bench --bin eventlog-bench -- --postgres-url postgres://…`

use std::time::Duration;

use anyhow::Context;
use bench::{ratio, row, throughput};
use clap::Parser;
use eventlog::testing::TestDb;
use eventlog::{EventLog, ExpectedVersion, NewEvent, StreamAppend, StreamId};
use serde_json::json;
use sqlx::{PgPool, SqlitePool};

/// Measures append and tail throughput of the event log.
#[derive(Parser, Debug)]
struct Args {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 3)]
    seconds: u64,
    /// PostgreSQL server to create a scratch database on (else only SQLite runs).
    #[arg(long, env = "TEST_DATABASE_URL")]
    postgres_url: Option<String>,
    /// Concurrent writers for the "many writers" figures.
    #[arg(long, default_value_t = 64)]
    writers: usize,
}

const RAW_TABLE: &str = "CREATE TABLE raw_events (id BIGINT PRIMARY KEY, stream TEXT NOT NULL, \
                         payload TEXT NOT NULL, recorded_at TEXT NOT NULL)";

fn payload(i: u64) -> serde_json::Value {
    json!({ "listing_id": "0191d5e2-7c4a-7000-8000-000000000000", "seats": i % 4 + 1,
            "ticket_type": "Balcony", "buyer": "user-0191d5e2", "hold_minutes": 10 })
}

enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Raw {
    async fn insert(&self, key: i64, rows: u64) -> anyhow::Result<u64> {
        let body = payload(rows).to_string();
        let now = chrono::Utc::now().to_rfc3339();
        match self {
            Raw::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                for r in 0..rows as i64 {
                    sqlx::query("INSERT INTO raw_events VALUES (?, ?, ?, ?)")
                        .bind(key * 1000 + r)
                        .bind("stream")
                        .bind(&body)
                        .bind(&now)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
            Raw::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let ids: Vec<i64> = (0..rows as i64).map(|r| key * 1000 + r).collect();
                sqlx::query(
                    "INSERT INTO raw_events SELECT id, 'stream', $2, $3 FROM UNNEST($1::int8[]) id",
                )
                .bind(&ids)
                .bind(&body)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
        }
        Ok(rows)
    }
}

async fn measure(name: &str, url: &str, raw: Raw, args: &Args) -> anyhow::Result<()> {
    let secs = Duration::from_secs(args.seconds);
    let n = args.writers;
    println!(
        "\n{name} ({n} writers for the concurrent figures, {}s each)",
        args.seconds
    );
    let raw = std::sync::Arc::new(raw);
    let key = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let next = move || key.fetch_add(1, std::sync::atomic::Ordering::Relaxed);

    let run_raw = |workers: usize, rows: u64| {
        let (raw, next) = (raw.clone(), next.clone());
        throughput(workers, secs, move |_, _| {
            let (raw, k) = (raw.clone(), next());
            async move { raw.insert(k, rows).await }
        })
    };
    let raw_single_1 = run_raw(1, 1).await?;
    row(
        "raw: single-row insert transactions, 1 writer",
        raw_single_1,
        "tx",
    );
    let raw_single_n = run_raw(n, 1).await?;
    row(
        &format!("raw: single-row insert transactions, {n} writers"),
        raw_single_n,
        "tx",
    );
    let raw_batched = run_raw(n, 50).await?;
    row(
        &format!("raw: 50-row insert transactions, {n} writers"),
        raw_batched,
        "events",
    );

    let log = EventLog::connect(url).await?;
    log.migrate().await?;
    let run_log = |workers: usize, events: usize| {
        let log = log.clone();
        throughput(workers, secs, move |worker, round| {
            let log = log.clone();
            async move {
                // Distinct streams per writer; each append extends its own stream.
                let stream = StreamId::new(format!("bench-{events}-{workers}-{worker}"))?;
                let batch = (0..events)
                    .map(|i| NewEvent::new("seats_held", payload(round + i as u64)))
                    .collect();
                log.append(vec![StreamAppend::new(stream, ExpectedVersion::Any, batch)])
                    .await?;
                Ok(events as u64)
            }
        })
    };
    let log_single_1 = run_log(1, 1).await?;
    row(
        "event log: single-event appends, 1 writer",
        log_single_1,
        "events",
    );
    let log_single_n = run_log(n, 1).await?;
    row(
        &format!("event log: single-event appends, {n} writers"),
        log_single_n,
        "events",
    );
    let log_batched = run_log(n, 50).await?;
    row(
        &format!("event log: 50-event appends, {n} writers"),
        log_batched,
        "events",
    );

    let head = log.head().await?;
    let start = std::time::Instant::now();
    let (mut after, mut read) = (0, 0u64);
    loop {
        let batch = log.read_all(after, 1000).await?;
        let Some(last) = batch.last() else { break };
        after = last.position;
        read += batch.len() as u64;
    }
    let tail = read as f64 / start.elapsed().as_secs_f64();
    row(
        &format!("event log: tail read of {head} events, batches of 1000"),
        tail,
        "events",
    );

    println!("  ratios (event log / raw, same run):");
    ratio("single-event appends, 1 writer", log_single_1, raw_single_1);
    ratio(
        &format!("single-event appends, {n} writers vs raw {n} writers"),
        log_single_n,
        raw_single_n,
    );
    ratio(
        &format!("single-event appends, {n} writers vs best raw single-row"),
        log_single_n,
        raw_single_1.max(raw_single_n),
    );
    ratio(
        "50-event appends vs raw 50-row transactions",
        log_batched,
        raw_batched,
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!(
        "eventlog-bench: durable commits (SQLite WAL + synchronous=FULL; PostgreSQL fsync on)"
    );

    let sqlite_db = TestDb::sqlite();
    let raw_db = TestDb::sqlite();
    let raw_pool = raw_pool_sqlite(raw_db.url()).await?;
    measure("SQLite", sqlite_db.url(), Raw::Sqlite(raw_pool), &args).await?;

    if let Some(admin) = &args.postgres_url {
        std::env::set_var(eventlog::testing::TEST_DATABASE_URL, admin);
        let log_db = TestDb::postgres().await;
        let raw_db = TestDb::postgres().await;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(args.writers as u32 + 2)
            .connect(raw_db.url())
            .await
            .context("connect raw PostgreSQL database")?;
        sqlx::query(RAW_TABLE).execute(&pool).await?;
        measure("PostgreSQL", log_db.url(), Raw::Postgres(pool), &args).await?;
    } else {
        println!("\nPostgreSQL skipped: pass --postgres-url or set TEST_DATABASE_URL");
    }
    Ok(())
}

async fn raw_pool_sqlite(url: &str) -> anyhow::Result<SqlitePool> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(30));
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(16)
        .connect_with(options)
        .await?;
    sqlx::query(RAW_TABLE).execute(&pool).await?;
    Ok(pool)
}
