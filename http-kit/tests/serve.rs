//! Connection hygiene of `serve_with` on port 0: idle and half-sent connections are
//! closed after the header-read timeout, a health check still gets in at the cap (the
//! oldest connection makes room), and a newcomer is shed when no one can.

use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use http_kit::ServeConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn start(config: ServeConfig) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "slow"
            }),
        );
    tokio::spawn(http_kit::serve_with(
        listener,
        router,
        config,
        std::future::pending(),
    ));
    addr
}

fn quick(max_connections: usize) -> ServeConfig {
    ServeConfig {
        header_read_timeout: Duration::from_millis(500),
        max_connections,
        shed_after: Duration::from_millis(300),
    }
}

/// Whether the server closed `stream` within `within` (a read sees the end, or a reset).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // A 408 or similar may come first; the close follows.
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

async fn health(addr: std::net::SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(2), stream.read_to_string(&mut answer))
        .await
        .expect("the health check is answered")
        .ok();
    answer
}

#[tokio::test]
async fn idle_and_half_sent_connections_are_closed_after_the_header_timeout() {
    let addr = start(quick(1000)).await;
    let mut idle = Vec::new();
    let mut half = Vec::new();
    for _ in 0..50 {
        idle.push(TcpStream::connect(addr).await.unwrap());
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n")
            .await
            .unwrap();
        half.push(stream);
    }
    let started = Instant::now();
    for stream in idle.iter_mut().chain(half.iter_mut()) {
        assert!(
            closed_within(stream, Duration::from_secs(3)).await,
            "a connection is still open after {:?}",
            started.elapsed()
        );
    }
    assert!(health(addr).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_health_check_gets_in_while_the_cap_is_reached() {
    let addr = start(ServeConfig {
        header_read_timeout: Duration::from_secs(30),
        ..quick(20)
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..5 {
        let answer = health(addr).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
    }
    // The oldest idle connections made room.
    assert!(closed_within(&mut idle[0], Duration::from_secs(1)).await);
}

#[tokio::test]
async fn a_newcomer_is_shed_when_every_connection_is_busy() {
    let addr = start(quick(4)).await;
    let mut busy = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            .await
            .unwrap();
        busy.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut newcomer = TcpStream::connect(addr).await.unwrap();
    newcomer
        .write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(2), newcomer.read_to_end(&mut answer))
        .await
        .expect("the newcomer is closed, not left waiting");
    assert!(read.is_err() || answer.is_empty(), "answered: {answer:?}");
}
