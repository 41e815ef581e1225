//! Projection health as Prometheus metrics (rendered by the process's `/metrics`).

use crate::status::ProjectionStatus;

/// Publishes one projection's status as gauges labelled `projection`.
/// The last error is an info series (`…_last_error_info{projection, error} 1`); the series
/// of an error that was replaced or cleared drops to 0.
pub(crate) fn publish(previous_error: Option<&str>, status: &ProjectionStatus) {
    let label = [("projection", status.name.clone())];
    metrics::gauge!("boxoffice_projection_checkpoint", &label).set(status.checkpoint as f64);
    metrics::gauge!("boxoffice_projection_log_head", &label).set(status.head as f64);
    metrics::gauge!("boxoffice_projection_lag_events", &label).set(status.lag_events() as f64);
    metrics::gauge!("boxoffice_projection_lag_seconds", &label)
        .set(status.lag_seconds(chrono::Utc::now()));
    if let Some(at) = status.last_progress_at {
        metrics::gauge!(
            "boxoffice_projection_last_progress_timestamp_seconds",
            &label
        )
        .set(at.timestamp_millis() as f64 / 1000.0);
    }
    metrics::gauge!("boxoffice_projection_consecutive_failures", &label)
        .set(f64::from(status.failures));
    metrics::gauge!("boxoffice_projection_failing", &label).set(if status.last_error.is_some() {
        1.0
    } else {
        0.0
    });

    if previous_error != status.last_error.as_deref() {
        if let Some(old) = previous_error {
            error_info(&status.name, old).set(0.0);
        }
    }
    if let Some(error) = &status.last_error {
        error_info(&status.name, error).set(1.0);
    }
}

fn error_info(projection: &str, error: &str) -> metrics::Gauge {
    // Label values stay short and on one line.
    let error: String = error.replace(['\n', '"'], " ").chars().take(200).collect();
    let labels = [("projection", projection.to_owned()), ("error", error)];
    metrics::gauge!("boxoffice_projection_last_error_info", &labels)
}
