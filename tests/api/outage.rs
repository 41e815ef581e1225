//! A PostgreSQL outage (issue 12 item 3): with a private cluster stopped under the
//! running system, `/ready` and a listing read answer 503 problem+json within seconds,
//! and both recover on their own once the cluster is back.

use std::time::{Duration, Instant};

use eventlog::EventLog;
use http_kit::Secret;
use reqwest::StatusCode;

#[path = "../common/pg_cluster.rs"]
mod pg_cluster;

use pg_cluster::Cluster;

/// Polls `path` until it answers `want`; the time it took.
async fn until(http: &reqwest::Client, url: &str, want: StatusCode, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let status = http.get(url).send().await.map(|r| r.status()).ok();
        if status == Some(want) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{url} still answered {status:?} after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_fails_fast_and_recovers_without_a_restart() {
    let cluster = Cluster::new();
    let url = cluster.script("start");
    let log = EventLog::connect(&url).await.unwrap();
    log.migrate().await.unwrap();
    let system = boxoffice::System::start(boxoffice::Config {
        notifier: None,
        ..boxoffice::Config::new(
            log,
            Secret::new("outage-secret-outage-secret-outage-secret"),
        )
    })
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(system.serve(listener, std::future::pending()));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let (ready, listings) = (format!("{base}/ready"), format!("{base}/api/v1/listings"));
    until(&http, &ready, StatusCode::OK, Duration::from_secs(10)).await;
    until(&http, &listings, StatusCode::OK, Duration::from_secs(5)).await;

    cluster.script("pg-stop");
    let red = until(
        &http,
        &ready,
        StatusCode::SERVICE_UNAVAILABLE,
        Duration::from_secs(5),
    )
    .await;
    let started = Instant::now();
    let response = http.get(&listings).send().await.unwrap();
    let refused = started.elapsed();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(refused < Duration::from_secs(3), "a read took {refused:?}");
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );

    cluster.script("pg-start");
    let green = until(&http, &ready, StatusCode::OK, Duration::from_secs(10)).await;
    let read = until(&http, &listings, StatusCode::OK, Duration::from_secs(10)).await;
    println!("outage: /ready red after {red:?}, a read refused in {refused:?}; back: /ready green after {green:?}, reads after {read:?} more");
}
