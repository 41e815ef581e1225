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
