//! The event log's contract: every behaviour is checked on SQLite and on PostgreSQL by the
//! same test body, so the two backends cannot drift apart.

/// Runs each listed `async fn(TestDb)` once per backend, as `on_sqlite::NAME` and
/// `on_postgres::NAME`.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(eventlog::testing::TestDb::sqlite()).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(eventlog::testing::TestDb::postgres().await).await;
                }
            )*
        }
    };
}

mod append;
mod bad_input;
mod checkpoints;
mod gap;
mod properties;
mod reading;
mod rebuildable;
mod receipts;
mod snapshots;
mod subscriptions;
mod support;
