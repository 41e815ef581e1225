//! Projector runner, read-model projections, the Kafka relay and the replay logic.

pub mod relay;
