//! An external `boxoffice serve` process for a benchmark to drive over loopback, and the
//! server-side CPU it spends, read from `/proc` (Linux): the process's own user and system
//! time (threads that have exited included), and with PostgreSQL the time of the
//! database's backends serving it plus the cluster's shared helpers (WAL writer,
//! checkpointer, background writer), which that load keeps busy.
//!
//! Or a whole deployment started by `scripts/cluster.sh` ([`Cluster`]): the sale goes
//! through its load balancer, and the CPU counted is that of every API process plus the
//! whole PostgreSQL server of the cluster (its postmaster, every child of it, and the
//! children it has reaped).

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

/// Reads the CPU time of the `serve` processes and of the database processes that serve
/// them.
#[derive(Debug, Clone)]
pub struct CpuProbe {
    pids: Vec<u32>,
    database: DatabaseCpu,
}

/// Which PostgreSQL processes count.
#[derive(Debug, Clone, PartialEq)]
enum DatabaseCpu {
    /// SQLite: the database runs inside `serve`.
    None,
    /// A shared server: the backends of this database plus the shared helpers.
    Named(String),
    /// A server of its own: the postmaster with this pid and all its children.
    Postmaster(u32),
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
            .filter(|name| !name.is_empty())
            .map_or(DatabaseCpu::None, DatabaseCpu::Named);
        Self {
            pids: vec![pid],
            database,
        }
    }

    /// A probe of several API processes on a PostgreSQL server of their own, whose
    /// postmaster is `postmaster`.
    pub fn cluster(pids: Vec<u32>, postmaster: u32) -> Self {
        Self {
            pids,
            database: DatabaseCpu::Postmaster(postmaster),
        }
    }

    /// The CPU seconds used so far.
    pub fn read(&self) -> anyhow::Result<CpuReading> {
        let mut server = 0.0;
        for pid in &self.pids {
            server +=
                process_cpu(*pid)?.with_context(|| format!("the server process {pid} is gone"))?;
        }
        let database = match &self.database {
            DatabaseCpu::Named(name) => postgres_cpu(name)?,
            DatabaseCpu::Postmaster(pid) => process_tree_cpu(*pid)?,
            DatabaseCpu::None => 0.0,
        };
        Ok(CpuReading { server, database })
    }

    /// The servers' resident set size in MiB (summed).
    pub fn rss_mib(&self) -> anyhow::Result<f64> {
        let mut total = 0.0;
        for pid in &self.pids {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
            let kib: f64 = status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .context("VmRSS in /proc/PID/status")?;
            total += kib / 1024.0;
        }
        Ok(total)
    }
}

/// A deployment started by `scripts/cluster.sh up`, read from its state directory:
/// `cluster.env` (load balancer, database URL, JWT secret), `run/apiN.pid|addr` and the
/// PostgreSQL server's `pg/data/postmaster.pid`.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// The load balancer's base URL.
    pub url: String,
    /// The cluster's PostgreSQL database.
    pub database_url: String,
    /// The secret every API process signs and checks access tokens with.
    pub jwt_secret: String,
    /// Every API process: (pid, base URL).
    pub api: Vec<(u32, String)>,
    /// The pid of the cluster's PostgreSQL server (its postmaster).
    pub postmaster: u32,
}

impl Cluster {
    /// Reads the cluster in `dir` (the script's `CLUSTER_DIR`).
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        let env_file = dir.join("cluster.env");
        let env = std::fs::read_to_string(&env_file)
            .with_context(|| format!("reading {} (is the cluster up?)", env_file.display()))?;
        let var = |name: &str| {
            env.lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_owned)
                .with_context(|| format!("{name} in {}", env_file.display()))
        };
        let run = dir.join("run");
        let mut api = Vec::new();
        for i in 1.. {
            let pid_file = run.join(format!("api{i}.pid"));
            if !pid_file.exists() {
                break;
            }
            let pid = std::fs::read_to_string(&pid_file)?.trim().parse()?;
            let addr = std::fs::read_to_string(run.join(format!("api{i}.addr")))?;
            api.push((pid, format!("http://{}", addr.trim())));
        }
        if api.is_empty() {
            bail!("no API process in {}", run.display());
        }
        let postmaster_file = dir.join("pg/data/postmaster.pid");
        let postmaster = std::fs::read_to_string(&postmaster_file)
            .with_context(|| format!("reading {}", postmaster_file.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .parse()
            .context("the postmaster's pid")?;
        Ok(Self {
            url: var("LB")?,
            database_url: var("DATABASE_URL")?,
            jwt_secret: var("BOXOFFICE_JWT_SECRET")?,
            api,
            postmaster,
        })
    }

    /// The CPU probe of every API process and the PostgreSQL server.
    pub fn probe(&self) -> CpuProbe {
        CpuProbe::cluster(
            self.api.iter().map(|(pid, _)| *pid).collect(),
            self.postmaster,
        )
    }
}

/// The sum of counter `name` (every label set) in the `/metrics` of each base URL; a
/// counter never incremented is absent and counts 0.
pub async fn counter_sum(
    client: &reqwest::Client,
    base_urls: &[String],
    name: &str,
) -> anyhow::Result<f64> {
    let mut total = 0.0;
    for base in base_urls {
        let text = client
            .get(format!("{base}/metrics"))
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        total += parse_counter(&text, name);
    }
    Ok(total)
}

/// The sum of every sample of `name` in a Prometheus text exposition.
fn parse_counter(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let rest = line.strip_prefix(name)?;
            let value = match rest.chars().next()? {
                '{' => rest.split_once("} ")?.1,
                ' ' => rest.trim_start(),
                _ => return None,
            };
            value.split_whitespace().next()?.parse::<f64>().ok()
        })
        .sum()
}

/// User plus system seconds of `pid` (its exited threads included), None when gone.
fn process_cpu(pid: u32) -> anyhow::Result<Option<f64>> {
    Ok(process_stat(pid)?.map(|stat| stat.own))
}

/// What `/proc/PID/stat` says about CPU, in seconds.
struct Stat {
    parent: u32,
    /// The process's own user and system time.
    own: f64,
    /// Its children's that it has waited for.
    reaped: f64,
}

fn process_stat(pid: u32) -> anyhow::Result<Option<Stat>> {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Ok(None);
    };
    // The command name, field 2, is in parentheses and may hold spaces: split after it.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .context("/proc/PID/stat format")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, so ppid (4) is at 1, utime (14) and stime (15)
    // at 11 and 12, cutime (16) and cstime (17) at 13 and 14.
    let field = |i: usize| -> anyhow::Result<f64> {
        Ok(fields.get(i).context("/proc/PID/stat field")?.parse()?)
    };
    Ok(Some(Stat {
        parent: fields.get(1).context("ppid")?.parse()?,
        own: (field(11)? + field(12)?) / TICKS_PER_SECOND,
        reaped: (field(13)? + field(14)?) / TICKS_PER_SECOND,
    }))
}

/// CPU seconds of `root`, of its live children, and of the children it has reaped
/// (PostgreSQL's postmaster and its backends and helpers, exited ones included).
fn process_tree_cpu(root: u32) -> anyhow::Result<f64> {
    let top = process_stat(root)?.context("the PostgreSQL server is gone")?;
    let mut total = top.own + top.reaped;
    for entry in std::fs::read_dir("/proc")? {
        let Some(pid) = entry?
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some(stat) = process_stat(pid)? {
            if stat.parent == root {
                total += stat.own;
            }
        }
    }
    Ok(total)
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
        assert_eq!(probe.database, DatabaseCpu::Named("bench_7".into()));
        assert_eq!(
            CpuProbe::new(1, "sqlite:data/x.db").database,
            DatabaseCpu::None
        );
    }

    #[test]
    fn counts_a_process_tree_with_its_reaped_children() {
        let me = std::process::id();
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let tree = process_tree_cpu(me).unwrap();
        assert!(tree >= process_cpu(me).unwrap().unwrap());
        child.kill().unwrap();
        child.wait().unwrap();
    }

    #[test]
    fn sums_a_counter_over_its_label_sets() {
        let text = "# TYPE boxoffice_writer_conflicts_total counter\n\
            boxoffice_writer_conflicts_total{at=\"batch\"} 3\n\
            boxoffice_writer_conflicts_total{at=\"single\"} 4\n\
            boxoffice_writer_conflicts_total_other 100\n\
            boxoffice_commands_total{outcome=\"committed\"} 9\n";
        assert_eq!(parse_counter(text, "boxoffice_writer_conflicts_total"), 7.0);
        assert_eq!(parse_counter(text, "absent_total"), 0.0);
        assert_eq!(parse_counter("plain_total 2.5\n", "plain_total"), 2.5);
    }
}
