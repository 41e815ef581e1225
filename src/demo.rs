//! Demo data for `serve --demo` and `demo`: organizers, customers and listings, loaded
//! through the command API into an empty log, with how to log in printed.

use eventlog::EventLog;

/// Seeds demo data into `log` if it is empty and prints the accounts and listings.
pub async fn seed(log: &EventLog, state: command_api::AppState) -> anyhow::Result<()> {
    if log.head().await? > 0 {
        println!("demo data skipped: the database already has events");
        return Ok(());
    }
    let summary = command_api::demo::seed(state).await?;
    println!(
        "demo data loaded; every account's password is {:?}",
        command_api::demo::DEMO_PASSWORD
    );
    for (email, kind) in &summary.accounts {
        println!("  {kind:<10} {email}");
    }
    for (title, id) in &summary.listings {
        println!("  listing    {title}: {id}");
    }
    Ok(())
}
