//! The command API end to end, through real HTTP on port 0, on SQLite and PostgreSQL.

/// Runs each listed `async fn(TestApp)` once per backend, as `on_sqlite::NAME` and
/// `on_postgres::NAME`.
macro_rules! api_test {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::support::TestApp::sqlite().await).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::support::TestApp::postgres().await).await;
                }
            )*
        }
    };
}

mod access;
mod accounts;
mod bookings;
mod bounds;
mod buyer_limits;
mod hardening;
mod listing_rules;
mod listings;
mod login_limits;
mod mail;
mod me_account;
mod openapi;
mod outage;
mod processes;
mod read_health;
mod reads;
mod support;
mod waiting_room;
