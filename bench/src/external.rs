//! An external `boxoffice serve` process for a benchmark to drive over loopback, and the
//! server-side CPU it spends, read from `/proc` (Linux): the process's own user and system
//! time (threads that have exited included), and with PostgreSQL the time of the
//! database's backends serving it plus the cluster's shared helpers (WAL writer,
//! checkpointer, background writer), which that load keeps busy.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// Clock ticks per second in `/proc/*/stat` (`USER_HZ`, 100 on every Linux ABI).
const TICKS_PER_SECOND: f64 = 100.0;

/// A running `boxoffice serve`, killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
}

impl ServerProcess {
    /// Starts `binary serve` on a free loopback port with `database_url`, the JWT
    /// `secret`, and `extra` arguments; returns once `/ready` answers 200 (at most 60 s).
    /// Its output goes to `log_file`.
    pub async fn start(
        binary: &Path,
        database_url: &str,
        secret: &str,
        extra: &[&str],
        log_file: &Path,
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let addr = format!("127.0.0.1:{port}");
        let log = std::fs::File::create(log_file)
            .with_context(|| format!("creating {}", log_file.display()))?;
        let child = Command::new(binary)
            .arg("serve")
            .args(["--addr", &addr, "--database-url", database_url])
            .args(["--jwt-secret", secret])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let server = Self {
            child,
            url: format!("http://{addr}"),
        };
        server.wait_ready(Duration::from_secs(60)).await?;
        Ok(server)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn wait_ready(&self, within: Duration) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + within;
        let ready = format!("{}/ready", self.url);
        while Instant::now() < deadline {
            if let Ok(response) = client.get(&ready).send().await {
                if response.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{} was not ready within {within:?}", self.url)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `boxoffice` binary built beside the running benchmark (`target/release/`), or
/// `explicit` when given.
pub fn server_binary(explicit: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let path = match explicit {
        Some(path) => path,
        None => std::env::current_exe()?
            .parent()
            .context("the benchmark's directory")?
            .join("boxoffice"),
    };
    if !path.is_file() {
        bail!(
            "no server binary at {} (build it: cargo build --release -p boxoffice)",
            path.display()
        );
    }
    Ok(path)
}

/// CPU seconds spent so far by the server and its database.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuReading {
    /// The `serve` process.
    pub server: f64,
    /// PostgreSQL's processes for this database (0 on SQLite, which runs inside `serve`).
    pub database: f64,
}

impl std::ops::Sub for CpuReading {
    type Output = Self;
    fn sub(self, earlier: Self) -> Self {
        Self {
            server: self.server - earlier.server,
            database: self.database - earlier.database,
        }
    }
}

/// Reads the CPU time of one `serve` process and, for PostgreSQL, of the database
/// processes that serve it.
#[derive(Debug, Clone)]
pub struct CpuProbe {
    pid: u32,
    /// The PostgreSQL database name whose backends count (None: SQLite).
    database: Option<String>,
}

impl CpuProbe {
    /// A probe of process `pid`; `database_url` decides whether PostgreSQL counts too.
    pub fn new(pid: u32, database_url: &str) -> Self {
        let database = database_url
            .starts_with("postgres")
            .then(|| {
                let path = database_url.rsplit('/').next().unwrap_or_default();
                path.split('?').next().unwrap_or_default().to_owned()
            })
            .filter(|name| !name.is_empty());
        Self { pid, database }
    }

    /// The CPU seconds used so far.
    pub fn read(&self) -> anyhow::Result<CpuReading> {
        let server = process_cpu(self.pid)?.context("the server process is gone")?;
        let database = match &self.database {
            Some(name) => postgres_cpu(name)?,
            None => 0.0,
        };
        Ok(CpuReading { server, database })
    }

    /// The server's resident set size in MiB.
    pub fn rss_mib(&self) -> anyhow::Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .context("VmRSS in /proc/PID/status")?;
        Ok(kib / 1024.0)
    }
}

/// User plus system seconds of `pid` (its exited threads included), None when gone.
fn process_cpu(pid: u32) -> anyhow::Result<Option<f64>> {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Ok(None);
    };
    // The command name, field 2, is in parentheses and may hold spaces: split after it.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .context("/proc/PID/stat format")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let utime: f64 = fields.get(11).context("utime")?.parse()?;
    let stime: f64 = fields.get(12).context("stime")?.parse()?;
    Ok(Some((utime + stime) / TICKS_PER_SECOND))
}

/// CPU seconds of PostgreSQL's backends connected to `database` plus its shared helper
/// processes (those whose title names no database).
fn postgres_cpu(database: &str) -> anyhow::Result<f64> {
    let mut total = 0.0;
    for entry in std::fs::read_dir("/proc")? {
        let entry = entry?;
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(comm) = std::fs::read_to_string(format!("/proc/{pid}/comm")) else {
            continue;
        };
        if comm.trim() != "postgres" {
            continue;
        }
        let title = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let title = String::from_utf8_lossy(&title).replace('\0', " ");
        if counts_for(&title, database) {
            total += process_cpu(pid)?.unwrap_or(0.0);
        }
    }
    Ok(total)
}

/// Whether a PostgreSQL process titled `title` works for `database`: its backends
/// (`postgres: USER DATABASE HOST(PORT) STATE`) and the shared helpers.
fn counts_for(title: &str, database: &str) -> bool {
    const SHARED: [&str; 4] = [
        "walwriter",
        "checkpointer",
        "background writer",
        "wal writer",
    ];
    let Some(rest) = title.strip_prefix("postgres: ") else {
        return false;
    };
    // With `cluster_name` set (Debian's clusters: `15/main`), it comes first, colon-ended.
    let rest = match rest.split_once(": ") {
        Some((cluster, after)) if !cluster.contains(' ') => after,
        _ => rest,
    };
    if SHARED.iter().any(|name| rest.starts_with(name)) {
        return true;
    }
    rest.split_whitespace().nth(1) == Some(database)
}

/// Seconds per item in milliseconds, for printing.
pub fn ms_per(seconds: f64, items: u64) -> f64 {
    if items == 0 {
        return 0.0;
    }
    seconds * 1000.0 / items as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_backends_of_one_database_and_the_shared_helpers() {
        assert!(counts_for(
            "postgres: postgres bench_1 127.0.0.1(5000) idle ",
            "bench_1"
        ));
        assert!(!counts_for(
            "postgres: postgres other 127.0.0.1(5000) idle ",
            "bench_1"
        ));
        assert!(counts_for("postgres: checkpointer ", "bench_1"));
        assert!(counts_for("postgres: walwriter ", "bench_1"));
        assert!(!counts_for(
            "/usr/lib/postgresql/15/bin/postgres -D x",
            "bench_1"
        ));
        // Debian's clusters put their cluster name first.
        assert!(counts_for(
            "postgres: 15/main: postgres bench_1 127.0.0.1(5000) idle",
            "bench_1"
        ));
        assert!(counts_for("postgres: 15/main: walwriter ", "bench_1"));
        assert!(!counts_for(
            "postgres: 15/main: logical replication launcher ",
            "bench_1"
        ));
    }

    #[test]
    fn reads_this_process_cpu_and_rss() {
        let probe = CpuProbe::new(std::process::id(), "sqlite:x.db");
        let before = probe.read().unwrap();
        let mut x = 0u64;
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_millis(200) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        let used = probe.read().unwrap() - before;
        assert!(x > 0);
        assert!(
            used.server > 0.0,
            "200 ms of spinning used no CPU: {used:?}"
        );
        assert_eq!(used.database, 0.0);
        assert!(probe.rss_mib().unwrap() > 1.0);
    }

    #[test]
    fn names_the_database_of_a_postgres_url() {
        let probe = CpuProbe::new(1, "postgres://u@127.0.0.1:5432/bench_7?sslmode=disable");
        assert_eq!(probe.database.as_deref(), Some("bench_7"));
        assert_eq!(CpuProbe::new(1, "sqlite:data/x.db").database, None);
    }
}
