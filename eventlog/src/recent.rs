//! The events this process committed last, kept in memory so that its own tailers (the
//! projections, the notifier, the relay) read them without a round trip to the database
//! and without parsing their JSON again.
//!
//! The group-commit writer adds each batch right after its commit and before it wakes the
//! subscribers. The window is always one run of consecutive positions: a batch that does
//! not continue it (another process or an in-transaction append took the positions in
//! between) starts it afresh, so a read it answers is exactly what the database holds.
//! A read that starts outside the window goes to the database as before.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::types::StoredEvent;

/// Most events kept.
const MAX_EVENTS: usize = 8_192;
/// Most payload and metadata bytes kept (as JSON text, roughly what they cost in memory).
const MAX_BYTES: usize = 16 * 1024 * 1024;

/// The window of recently committed events.
#[derive(Debug, Default)]
pub(crate) struct Recent {
    window: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    events: VecDeque<(StoredEvent, usize)>,
    bytes: usize,
}

impl Recent {
    /// Adds committed events (ascending positions, consecutive among themselves), each
    /// with its size in bytes.
    pub(crate) fn push(&self, batch: Vec<(StoredEvent, usize)>) {
        let Some((first, _)) = batch.first() else {
            return;
        };
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let continues = window
            .events
            .back()
            .is_none_or(|(last, _)| last.position + 1 == first.position);
        if !continues {
            window.events.clear();
            window.bytes = 0;
        }
        for (event, size) in batch {
            window.bytes += size;
            window.events.push_back((event, size));
        }
        while window.events.len() > MAX_EVENTS || window.bytes > MAX_BYTES {
            match window.events.pop_front() {
                Some((_, size)) => window.bytes -= size,
                None => break,
            }
        }
    }

    /// Up to `limit` events after position `after`, if the window holds the next one.
    pub(crate) fn read(&self, after: i64, limit: usize) -> Option<Vec<StoredEvent>> {
        let window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let (first, _) = window.events.front()?;
        let start = usize::try_from(after + 1 - first.position).ok()?;
        if start >= window.events.len() {
            return None;
        }
        Some(
            window
                .events
                .range(start..window.events.len().min(start + limit))
                .map(|(event, _)| event.clone())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::types::{Metadata, StreamId};

    fn event(position: i64) -> (StoredEvent, usize) {
        let stored = StoredEvent {
            position,
            stream_id: StreamId::new("listing-a").unwrap(),
            stream_version: position as u64,
            event_id: Uuid::now_v7(),
            event_type: "seats_held".into(),
            schema_version: 1,
            payload: json!({"seats": position}),
            metadata: Metadata::default(),
            recorded_at: Utc::now(),
        };
        (stored, 100)
    }

    fn positions(events: Option<Vec<StoredEvent>>) -> Option<Vec<i64>> {
        events.map(|e| e.iter().map(|e| e.position).collect())
    }

    #[test]
    fn a_read_inside_the_window_is_answered_from_memory() {
        let recent = Recent::default();
        recent.push((5..=9).map(event).collect());
        assert_eq!(positions(recent.read(4, 10)), Some(vec![5, 6, 7, 8, 9]));
        assert_eq!(positions(recent.read(6, 2)), Some(vec![7, 8]));
    }

    #[test]
    fn a_read_outside_the_window_goes_to_the_database() {
        let recent = Recent::default();
        assert_eq!(positions(recent.read(0, 10)), None);
        recent.push((5..=9).map(event).collect());
        assert_eq!(
            positions(recent.read(3, 10)),
            None,
            "position 4 is not held"
        );
        assert_eq!(
            positions(recent.read(9, 10)),
            None,
            "nothing after the window"
        );
    }

    #[test]
    fn a_batch_that_does_not_continue_the_window_starts_it_afresh() {
        let recent = Recent::default();
        recent.push((5..=9).map(event).collect());
        // Positions 10 and 11 were taken by another process.
        recent.push((12..=13).map(event).collect());
        assert_eq!(positions(recent.read(9, 10)), None);
        assert_eq!(positions(recent.read(4, 10)), None);
        assert_eq!(positions(recent.read(11, 10)), Some(vec![12, 13]));
    }

    #[test]
    fn the_window_keeps_only_the_newest_events() {
        let recent = Recent::default();
        recent.push((1..=(MAX_EVENTS as i64 + 10)).map(event).collect());
        assert_eq!(positions(recent.read(0, 1)), None);
        assert_eq!(positions(recent.read(10, 1)), Some(vec![11]));
    }
}
