//! The system as a whole: a background task that keeps failing is restarted, counted in
//! `/metrics` and shown in `/ready` while the API keeps serving, and shutdown stops it all.

use std::time::Duration;

use eventlog::testing::TestDb;
use serde_json::Value;

use super::*;

/// A notifier whose sender address cannot parse: every attempt fails at once.
fn broken_notifier() -> NotifierConfig {
    NotifierConfig {
        smtp_host: Some("127.0.0.1".into()),
        mail_from: "not an address".into(),
        ..NotifierConfig::default()
    }
}

#[tokio::test]
async fn a_failing_task_is_restarted_and_reported_while_the_api_serves_until_shutdown() {
    let db = TestDb::sqlite();
    let config = Config {
        projections: None,
        notifier: Some(broken_notifier()),
        backoff: Backoff {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(50),
            healthy_after: Duration::from_secs(60),
        },
        ..Config::new(
            db.log().await,
            Secret::new("system-test-secret-system-test-secret"),
        )
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(run(config, listener, async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();

    let mut ready = Value::Null;
    for _ in 0..200 {
        let response = http.get(format!("{url}/ready")).send().await;
        if let Ok(response) = response {
            assert_eq!(
                response.status(),
                200,
                "a failing task does not fail readiness"
            );
            ready = response.json().await.unwrap();
            if ready["tasks"]["notifier"]["restarts"].as_u64() >= Some(2) {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let notifier = &ready["tasks"]["notifier"];
    assert_eq!(notifier["state"], "failing", "{ready}");
    assert!(
        notifier["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("--mail-from")),
        "{ready}"
    );
    assert_eq!(ready["tasks"]["scheduler"]["state"], "running", "{ready}");

    let metrics = http.get(format!("{url}/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with(r#"boxoffice_task_failing{task="notifier"} 1"#)),
        "{metrics}"
    );
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with(r#"boxoffice_task_restarts_total{task="notifier"}"#)),
        "{metrics}"
    );
    let health = http.get(format!("{url}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    stop.send(()).unwrap();
    let stopped = tokio::time::timeout(Duration::from_secs(10), running).await;
    stopped
        .expect("everything stops after shutdown")
        .unwrap()
        .expect("a clean stop");
}
