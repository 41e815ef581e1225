//! Projector runner, read-model projections, the Kafka relay and the replay logic (filled by the read-side issue).
