//! The database schema of boxoffice for both backends, embedded in the binary.
//!
//! `sqlite/` and `postgres/` hold the same numbered files; [`MIGRATIONS`] lists them once,
//! and a test proves the list and both folders agree, so a new migration cannot be added
//! for one backend only or forgotten in the list.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

/// One numbered migration with its SQL for each backend.
pub struct Step {
    /// Sequence number, the prefix of the file name.
    pub version: i64,
    /// File name without the number and extension.
    pub description: &'static str,
    /// SQL for SQLite.
    pub sqlite: &'static str,
    /// SQL for PostgreSQL.
    pub postgres: &'static str,
}

macro_rules! step {
    ($version:literal, $name:literal) => {
        Step {
            version: $version,
            description: $name,
            sqlite: include_str!(concat!("../sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../postgres/", $name, ".sql")),
        }
    };
}

/// Every migration, in order.
pub const MIGRATIONS: &[Step] = &[
    step!(1, "0001_event_log"),
    step!(2, "0002_command_side"),
    step!(3, "0003_notifier"),
    step!(4, "0004_read_models"),
    step!(5, "0005_bounded_lookups"),
    step!(6, "0006_full_text_search"),
    step!(7, "0007_buyer_limits"),
    step!(8, "0008_waiting_room"),
    step!(9, "0009_receipts"),
    step!(10, "0010_room_visits"),
    step!(11, "0011_room_analytics"),
    step!(12, "0012_room_position"),
];

/// Which SQL dialect to take from each [`Step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A sqlx migrator for one dialect, built from the embedded SQL.
pub fn migrator(dialect: Dialect) -> Migrator {
    let migrations: Vec<Migration> = MIGRATIONS
        .iter()
        .map(|step| {
            let sql = match dialect {
                Dialect::Sqlite => step.sqlite,
                Dialect::Postgres => step.postgres,
            };
            Migration::new(
                step.version,
                Cow::Borrowed(step.description),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            )
        })
        .collect();
    Migrator {
        migrations: Cow::Owned(migrations),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql_files(dir: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut names: Vec<String> = std::fs::read_dir(path)
            .expect("migration folder exists")
            .map(|e| {
                e.expect("readable entry")
                    .file_name()
                    .into_string()
                    .expect("utf-8")
            })
            .filter(|n| n.ends_with(".sql"))
            .map(|n| n.trim_end_matches(".sql").to_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_backends_have_the_same_numbered_files_and_all_are_listed() {
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|s| s.description.to_owned())
            .collect();
        assert_eq!(sql_files("sqlite"), listed);
        assert_eq!(sql_files("postgres"), listed);
    }

    #[test]
    fn versions_match_file_prefixes_and_increase() {
        for (i, step) in MIGRATIONS.iter().enumerate() {
            let prefix: i64 = step.description[..4].parse().expect("numbered file name");
            assert_eq!(prefix, step.version);
            assert_eq!(step.version, i as i64 + 1);
        }
    }
}
