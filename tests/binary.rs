//! The `boxoffice` binary as a user runs it: `migrate`, then `serve` on a fresh SQLite
//! file, answering health and readiness, and stopping cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn boxoffice(db: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_boxoffice"));
    cmd.env("DATABASE_URL", db).env("RUST_LOG", "warn");
    cmd
}

/// Starts `serve` on a free port and returns the child with its base URL.
fn serve(db: &str) -> (Child, String) {
    let mut child = boxoffice(db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start boxoffice serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("read first line");
    // Keep reading: the notifier prints the mail it would send.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = line
        .trim()
        .strip_prefix("boxoffice listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, url)
}

#[test]
fn migrate_applies_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("nested/box.db").display());
    for _ in 0..2 {
        let out = boxoffice(&db).arg("migrate").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("migrations applied"));
    }
    assert!(dir.path().join("nested/box.db").exists());
}

#[test]
fn an_unsupported_database_url_fails_with_a_clear_message() {
    let out = boxoffice("mysql://localhost/x")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unsupported database URL"), "{stderr}");
}

#[tokio::test]
async fn serve_answers_health_and_readiness_then_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("box.db").display());
    let (mut child, url) = serve(&db);
    let client = reqwest::Client::new();
    let health = client.get(format!("{url}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let request_id = health.headers().get("x-request-id").expect("a request id");
    assert_eq!(request_id.to_str().unwrap().len(), 36, "a UUID");
    let mine = client
        .get(format!("{url}/health"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        mine.headers()["x-request-id"],
        "trace-me-42",
        "the caller's id is kept"
    );
    let metrics = client.get(format!("{url}/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains("boxoffice_http_requests_total") && metrics.contains("route=\"/health\""),
        "{metrics}"
    );
    let ready: serde_json::Value = client
        .get(format!("{url}/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["log_head"], 0);

    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM, got {status}");
}

#[test]
fn demo_loads_once_and_grant_gives_a_registered_account_a_role() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("box.db").display());
    let out = boxoffice(&db).arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("organizer@boxoffice.demo"), "{stdout}");
    assert!(
        stdout.contains("admin      admin@boxoffice.demo"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("listing ").count(), 3, "{stdout}");

    let again = boxoffice(&db).arg("demo").output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("skipped"));

    let granted = boxoffice(&db)
        .args([
            "grant",
            "--email",
            "alice@boxoffice.demo",
            "--role",
            "organizer",
        ])
        .output()
        .unwrap();
    assert!(
        granted.status.success(),
        "{}",
        String::from_utf8_lossy(&granted.stderr)
    );
    assert!(String::from_utf8_lossy(&granted.stdout).contains("is now organizer"));

    let unknown = boxoffice(&db)
        .args(["grant", "--email", "nobody@example.com"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account is registered"));
}

/// `serve`'s `/ready` task list.
async fn tasks_of(url: &str) -> serde_json::Value {
    let ready: serde_json::Value = reqwest::get(format!("{url}/ready"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ready["tasks"].clone()
}

fn stop(mut child: Child) {
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = child.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM, got {status}");
}

#[tokio::test]
async fn serve_runs_a_notifier_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("box.db").display());
    let (child, url) = serve(&db);
    let tasks = tasks_of(&url).await;
    stop(child);
    assert_eq!(tasks["notifier"]["state"], "running", "{tasks}");

    let (child, url) = serve_with(&db, &["--notifier", "false"], &[]);
    let flagged = tasks_of(&url).await;
    stop(child);
    let (child, url) = serve_with(&db, &[], &[("BOXOFFICE_NOTIFIER", "false")]);
    let from_env = tasks_of(&url).await;
    stop(child);
    for tasks in [flagged, from_env] {
        assert!(tasks.get("notifier").is_none(), "{tasks}");
        assert_eq!(tasks["scheduler"]["state"], "running", "{tasks}");
    }
}

/// Starts `serve` with extra arguments and environment.
fn serve_with(db: &str, args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    let mut cmd = boxoffice(db);
    cmd.args(["serve", "--addr", "127.0.0.1:0"]).args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    first_line_url(cmd, "boxoffice listening on ")
}

/// Spawns `cmd`, reads the URL its first stdout line announces after `prefix`, and keeps
/// draining stdout (the notifier prints the mail it would send).
fn first_line_url(mut cmd: Command, prefix: &str) -> (Child, String) {
    let mut child = cmd.stdout(Stdio::piped()).spawn().expect("start boxoffice");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("read first line");
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = line
        .trim()
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, url)
}

#[path = "common/pg_cluster.rs"]
mod pg_cluster;

use pg_cluster::Cluster;

/// Polls `url` until it answers `want`.
async fn until_status(url: &str, want: u16) {
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    for _ in 0..600 {
        let got = http.get(url).send().await.map(|r| r.status().as_u16());
        if got.as_ref().ok() == Some(&want) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{url} never answered {want}");
}

/// Polls `/metrics` at `url` until the `task`'s restart counter is at least 1.
async fn until_restarted(url: &str, task: &str) -> String {
    let wanted = format!("boxoffice_task_restarts_total{{task=\"{task}\"}}");
    for _ in 0..600 {
        let text = reqwest::get(format!("{url}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let restarts = text
            .lines()
            .find_map(|l| l.strip_prefix(wanted.as_str()))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        if restarts >= 1.0 {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{task} was never restarted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_and_notify_serve_probes_and_metrics_and_survive_a_database_outage() {
    let cluster = Cluster::new();
    let db = cluster.script("start");
    let mut relay = boxoffice(&db);
    // Nothing listens there; with an empty log the relay has nothing to publish, and its
    // only work is reading the log and its checkpoint (what an outage breaks).
    relay.args([
        "relay",
        "--kafka-brokers",
        "127.0.0.1:9",
        "--metrics-addr",
        "127.0.0.1:0",
    ]);
    let (relay, relay_url) = first_line_url(relay, "relay health on ");
    let mut notify = boxoffice(&db);
    notify.args(["notify", "--metrics-addr", "127.0.0.1:0"]);
    let (notify, notify_url) = first_line_url(notify, "notifier health on ");
    for url in [&relay_url, &notify_url] {
        until_status(&format!("{url}/ready"), 200).await;
        until_status(&format!("{url}/health"), 200).await;
    }
    // The task sets its gauge as it starts, a moment after /ready may already answer.
    let metrics = metrics_with(&relay_url, "boxoffice_relay_lag_events").await;
    assert!(
        metrics.contains("boxoffice_relay_lag_events 0"),
        "the relay-lag alert's gauge, from the start: {metrics}"
    );
    let metrics = metrics_with(&notify_url, "boxoffice_notifier_failed_total").await;
    assert!(
        metrics.contains("boxoffice_notifier_failed_total 0"),
        "the dead-letter alert's counter, from the start: {metrics}"
    );

    cluster.script("pg-stop");
    for url in [&relay_url, &notify_url] {
        until_status(&format!("{url}/ready"), 503).await;
    }
    until_restarted(&relay_url, "relay").await;
    until_restarted(&notify_url, "notifier").await;
    cluster.script("pg-start");
    for url in [&relay_url, &notify_url] {
        until_status(&format!("{url}/ready"), 200).await;
    }
    stop(relay);
    stop(notify);
}

/// `/metrics` of `url` once it shows `name` (waits up to 10 s, then answers what it has).
async fn metrics_with(url: &str, name: &str) -> String {
    let mut text = String::new();
    for _ in 0..100 {
        text = reqwest::get(format!("{url}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if text.lines().any(|line| line.starts_with(name)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    text
}
