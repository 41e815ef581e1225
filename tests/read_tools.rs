//! The read side's console tools as an operator runs them: `project` killed mid-stream
//! and restarted, `replay --all`, and `verify` passing, then catching a corrupted row —
//! on SQLite and PostgreSQL.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use eventlog::testing::TestDb;
use eventlog::EventLog;
use projections::testing::{seed, SeedPlan};
use projections::Projection;

fn boxoffice(db: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_boxoffice"));
    cmd.env("DATABASE_URL", db).env("RUST_LOG", "warn");
    cmd
}

fn run(db: &str, args: &[&str]) -> Output {
    boxoffice(db).args(args).output().expect("run boxoffice")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn checkpoints(log: &EventLog) -> Vec<i64> {
    let mut out = Vec::new();
    for p in Projection::ALL {
        out.push(
            log.checkpoint(&format!("projection:{}", p.name()))
                .await
                .unwrap(),
        );
    }
    out
}

async fn seeded(db: &TestDb, events: u64) -> (EventLog, i64) {
    let log = db.log().await;
    let plan = SeedPlan {
        events,
        ..SeedPlan::default()
    };
    seed(&log, &plan).await.unwrap();
    let head = log.head().await.unwrap();
    (log, head)
}

async fn killed_projector_resumes(db: TestDb) {
    let (log, head) = seeded(&db, 6000).await;
    let url = db.url().to_owned();
    let mut child = boxoffice(&url)
        .args(["project", "--all", "--batch", "20"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Kill -9 as soon as it is part-way.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let at = checkpoints(&log).await;
        if at.iter().any(|p| *p > 0) {
            break;
        }
        assert!(Instant::now() < deadline, "the projector never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let at = checkpoints(&log).await;
    assert!(
        at.iter().any(|p| *p < head),
        "killed part-way: {at:?} of {head}"
    );
    // What it applied before dying matches the log exactly up to each checkpoint.
    let out = run(&url, &["verify"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    let mut child = boxoffice(&url)
        .args(["project", "--metrics-addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let health = line
        .trim()
        .strip_prefix("projector health on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    while checkpoints(&log).await.iter().any(|p| *p < head) {
        assert!(Instant::now() < deadline, "the projector did not catch up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The worker reports its health like serve does.
    let client = reqwest::Client::new();
    let ready = client.get(format!("{health}/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let expected = format!("boxoffice_projection_checkpoint{{projection=\"catalog\"}} {head}");
    let mut metrics = String::new();
    for _ in 0..50 {
        metrics = client
            .get(format!("{health}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains(&expected) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(metrics.contains(&expected), "{metrics}");
    child.kill().unwrap();
    child.wait().unwrap();
    let out = run(&url, &["verify"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("the read models match the log"), "{stdout}");
    assert!(stdout.contains("catalog: checked"), "{stdout}");
}

async fn replay_then_verify_then_catch_corruption(db: TestDb) {
    let (log, head) = seeded(&db, 3000).await;
    let url = db.url().to_owned();
    let out = run(&url, &["replay", "--all", "--batch", "500"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("replayed catalog, bookings, analytics"),
        "{stdout}"
    );
    // Not a terminal: plain progress lines with a rate and an ETA.
    assert!(stderr.contains("events/s, ETA"), "{stderr}");
    assert_eq!(checkpoints(&log).await, vec![head; 3]);

    let out = run(&url, &["verify"]);
    assert!(out.status.success(), "{}", text(&out.stdout));

    let mut conn = eventlog::sql::Conn::acquire(&log).await.unwrap();
    let changed = conn
        .db()
        .exec(
            "UPDATE rm_bookings SET seats = seats + 1 WHERE booking_id = \
             (SELECT MIN(booking_id) FROM rm_bookings)",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let out = run(&url, &["verify", "--projection", "bookings"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("MISMATCH [bookings] booking") && stdout.contains("seats"),
        "{stdout}"
    );
    assert!(stdout.contains("verify: 1 mismatch(es)"), "{stdout}");

    // Replaying the broken projection repairs it.
    let out = run(&url, &["replay", "--projection", "bookings"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(run(&url, &["verify"]).status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projector_killed_mid_stream_resumes_where_it_stopped_on_sqlite() {
    killed_projector_resumes(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projector_killed_mid_stream_resumes_where_it_stopped_on_postgres() {
    killed_projector_resumes(TestDb::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_and_verify_from_the_console_on_sqlite() {
    replay_then_verify_then_catch_corruption(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_and_verify_from_the_console_on_postgres() {
    replay_then_verify_then_catch_corruption(TestDb::postgres().await).await;
}

#[test]
fn an_unknown_projection_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("box.db").display());
    let out = run(&db, &["replay", "--projection", "seats"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unknown projection \"seats\""),
        "{}",
        text(&out.stderr)
    );
}
