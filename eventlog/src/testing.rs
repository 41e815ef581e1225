//! Fresh, isolated databases for tests of every crate: a temporary SQLite file, or a new
//! database on the PostgreSQL server named by `TEST_DATABASE_URL` (`make test` starts a
//! throwaway cluster and sets it). Each is removed when the handle drops.

use sqlx::{Connection, PgConnection};
use tempfile::TempDir;
use uuid::Uuid;

use crate::log::{EventLog, LogOptions};

/// The variable that names the PostgreSQL server tests create their databases on.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(#[allow(dead_code)] TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A new SQLite file in a temporary directory.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite:{}", dir.path().join("boxoffice.db").display());
        Self {
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A new database on the server at `TEST_DATABASE_URL`. Panics with instructions when
    /// the variable is unset: a PostgreSQL test must never pass by being skipped.
    pub async fn postgres() -> Self {
        let admin_url = std::env::var(TEST_DATABASE_URL).unwrap_or_else(|_| {
            panic!("{TEST_DATABASE_URL} is not set: run `make test`, which starts PostgreSQL")
        });
        let name = format!("bo_test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach {TEST_DATABASE_URL}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let url = with_database(&admin_url, &name);
        Self {
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }

    /// The database URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Connects a log (default options) and applies all migrations.
    pub async fn log(&self) -> EventLog {
        self.log_with(LogOptions::default()).await
    }

    /// Connects a log with `options` and applies all migrations.
    pub async fn log_with(&self, options: LogOptions) -> EventLog {
        let log = EventLog::connect_with(&self.url, options)
            .await
            .expect("connect test database");
        log.migrate().await.expect("migrate test database");
        log
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs inside the test's runtime, which cannot block on async work: use a
        // private one on its own thread. FORCE ends the test's still-open connections.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .ok()
            })
        });
        let _ = dropped.join();
    }
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_swapped_and_parameters_kept() {
        assert_eq!(
            with_database("postgres://u@h:5/postgres?sslmode=disable", "x"),
            "postgres://u@h:5/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h:5", "x"), "postgres://u@h:5/x");
    }
}
