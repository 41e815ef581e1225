//! A throwaway PostgreSQL cluster of `scripts/postgres.sh`, for tests that stop and start
//! the database under a running system; removed on drop. Shared by the `api` and
//! `binary` test targets (each includes this file with `#[path]`).

use std::path::PathBuf;
use std::process::Command;

/// A private cluster in its own temporary directory.
pub struct Cluster {
    dir: tempfile::TempDir,
}

impl Cluster {
    /// A cluster directory; nothing runs until `script("start")`.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// Runs `scripts/postgres.sh ACTION DIR` and returns what it printed (the URL on start).
    pub fn script(&self, action: &str) -> String {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/postgres.sh");
        // Without TEST_DATABASE_URL the script always makes its own cluster.
        let out = Command::new(script)
            .arg(action)
            .arg(self.dir.path().join("pg"))
            .env_remove("TEST_DATABASE_URL")
            .output()
            .expect("scripts/postgres.sh runs");
        assert!(
            out.status.success(),
            "postgres.sh {action}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.script("stop");
    }
}
