//! Serving a router on a listener until a shutdown future completes, with connection
//! hygiene: a header-read timeout (slow-loris and idle keep-alive connections are closed),
//! and a cap on open connections that makes room by closing the oldest ones.

use std::collections::VecDeque;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::extract::Request;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify, Semaphore};
use tower::ServiceExt;

/// How connections are kept in check.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// A connection must send a whole request head within this long of waiting for one;
    /// in hyper 1 that wait also starts when a keep-alive connection goes idle, so it is
    /// the idle keep-alive timeout too.
    pub header_read_timeout: Duration,
    /// Most connections open at once; past it the oldest is asked to close (at once when
    /// idle, after its request otherwise) and the newcomer waits up to `shed_after`.
    pub max_connections: usize,
    /// How long a connection over the cap waits for room before it is shed (closed).
    pub shed_after: Duration,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 4096,
            shed_after: Duration::from_secs(1),
        }
    }
}

/// Raises this process's soft limit on open files to the hard limit (best effort; the
/// common 1,024 soft limit otherwise fails every client past it); returns the limit now.
pub fn raise_fd_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(error) => {
            tracing::warn!(%error, "could not raise the open-file limit");
            None
        }
    }
}

/// Serves `router` on `listener` with the default [`ServeConfig`].
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, router, ServeConfig::default(), shutdown).await
}

/// The open connections, oldest first, each with the bell that asks it to close.
type Open = Arc<Mutex<VecDeque<(u64, Arc<Notify>)>>>;

/// Serves `router` on `listener`; in-flight requests finish after `shutdown` resolves.
/// Handlers can read the peer address (`ConnectInfo<SocketAddr>`), e.g. for rate limits.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let cap = config.max_connections.max(1);
    let permits = Arc::new(Semaphore::new(cap));
    let open: Open = Arc::default();
    let (stop_tx, stop_rx) = watch::channel(false);
    let shedding = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut shutdown = std::pin::pin!(shutdown);
    let mut next_id = 0u64;
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Out of descriptors or a reset before accept: pause, do not spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        next_id += 1;
        let connection = Connection {
            id: next_id,
            peer,
            router: router.clone(),
            config: config.clone(),
            permits: permits.clone(),
            open: open.clone(),
            stop: stop_rx.clone(),
            shedding: shedding.clone(),
        };
        tokio::spawn(connection.run(stream));
    }
    // Every connection finishes its request and closes; then every permit is back.
    let _ = stop_tx.send(true);
    let all = u32::try_from(cap).unwrap_or(u32::MAX);
    let _ = permits.acquire_many(all).await;
    Ok(())
}

/// One accepted connection and what it shares with the others.
struct Connection {
    id: u64,
    peer: SocketAddr,
    router: Router,
    config: ServeConfig,
    permits: Arc<Semaphore>,
    open: Open,
    stop: watch::Receiver<bool>,
    shedding: Arc<std::sync::atomic::AtomicBool>,
}

impl Connection {
    async fn run(mut self, stream: tokio::net::TcpStream) {
        use std::sync::atomic::Ordering;
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                // Full: ask the oldest connection to make room, and wait a little for it.
                if let Some((_, bell)) = self.open.lock().expect("not poisoned").pop_front() {
                    bell.notify_one();
                }
                let wait = self.permits.clone().acquire_owned();
                match tokio::time::timeout(self.config.shed_after, wait).await {
                    Ok(Ok(permit)) => permit,
                    _ => {
                        metrics::counter!("boxoffice_http_connections_shed_total").increment(1);
                        // One line per burst: the first shed after a quiet spell.
                        if !self.shedding.swap(true, Ordering::Relaxed) {
                            tracing::warn!(
                                max = self.config.max_connections,
                                "connection cap reached: shedding new connections"
                            );
                        }
                        return;
                    }
                }
            }
        };
        self.shedding.store(false, Ordering::Relaxed);
        let bell = Arc::new(Notify::new());
        self.open
            .lock()
            .expect("not poisoned")
            .push_back((self.id, bell.clone()));
        let (peer, router) = (self.peer, self.router.clone());
        let service = tower::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request)
        });
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.config.header_read_timeout);
        let conn = http
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .with_upgrades();
        let mut conn = std::pin::pin!(conn);
        let mut closing = false;
        loop {
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(%error, "connection closed with an error");
                    }
                    break;
                }
                () = bell.notified(), if !closing => {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
                _ = self.stop.wait_for(|stop| *stop), if !closing => {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
        self.open
            .lock()
            .expect("not poisoned")
            .retain(|(id, _)| *id != self.id);
        drop(permit);
    }
}
