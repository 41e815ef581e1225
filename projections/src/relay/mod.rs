//! The Kafka relay: the log is the outbox; every event is published after it commits, and
//! the relay's checkpoint moves only once the broker has acknowledged it.

mod config;
mod kafka;
mod run;
pub mod wire;

pub use config::{KafkaArgs, RelayConfig};
pub use kafka::drop_off_runtime;
pub use run::{run, RelayError, LAG_GAUGE};
