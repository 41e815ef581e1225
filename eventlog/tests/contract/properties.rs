//! Property: random interleavings of concurrent appenders (in two "processes", i.e. two
//! independent logs on one database) with random expected versions never give two events
//! one (stream, version), never lose an acknowledged event, and a tailer sees every event
//! exactly once in position order.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use eventlog::testing::TestDb;
use eventlog::{AppendOutcome, EventLog, ExpectedVersion, NewEvent, StreamAppend, StreamId};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;

contract!(concurrent_appenders_never_duplicate_lose_or_reorder);

#[derive(Debug, Clone)]
struct Op {
    streams: Vec<(u8, Option<u8>)>,
    events: usize,
    retry: bool,
}

fn op() -> impl Strategy<Value = Op> {
    let expected = prop_oneof![Just(None), (0u8..6).prop_map(Some)];
    (
        prop::collection::btree_map(0u8..4, expected, 1..3),
        1usize..4,
        any::<bool>(),
    )
        .prop_map(|(streams, events, retry)| Op {
            streams: streams.into_iter().collect(),
            events,
            retry,
        })
}

fn scenario() -> impl Strategy<Value = Vec<Vec<Op>>> {
    prop::collection::vec(prop::collection::vec(op(), 1..6), 2..6)
}

fn build(case: u64, op: &Op) -> Vec<StreamAppend> {
    op.streams
        .iter()
        .map(|(s, expected)| {
            let expected = match expected {
                None => ExpectedVersion::Any,
                Some(0) => ExpectedVersion::NoStream,
                Some(v) => ExpectedVersion::Exact(u64::from(*v)),
            };
            let events = (0..op.events)
                .map(|i| NewEvent::new("prop", json!({ "i": i })))
                .collect();
            StreamAppend::new(
                StreamId::new(format!("s{case}-{s}")).unwrap(),
                expected,
                events,
            )
        })
        .collect()
}

async fn run_case(logs: &[EventLog; 2], case: u64, writers: Vec<Vec<Op>>) -> Result<(), String> {
    let start = logs[0].head().await.map_err(|e| e.to_string())?;
    let mut tail = logs[0].subscribe(start);
    let mut tasks = Vec::new();
    for (w, ops) in writers.into_iter().enumerate() {
        let log = logs[w % 2].clone();
        tasks.push(tokio::spawn(async move {
            let mut acked: Vec<AppendOutcome> = Vec::new();
            for op in ops {
                let appends = build(case, &op);
                let result = log.append(appends.clone()).await;
                match result {
                    Ok(outcome) => {
                        if op.retry {
                            let again = log.append(appends).await.map_err(|e| e.to_string())?;
                            if !again.replayed || again.written != outcome.written {
                                return Err(format!("retry differed: {again:?} vs {outcome:?}"));
                            }
                        }
                        acked.push(outcome);
                    }
                    Err(e) if e.is_conflict() => {}
                    Err(e) => return Err(e.to_string()),
                }
            }
            Ok(acked)
        }));
    }
    let mut acked = Vec::new();
    for task in tasks {
        acked.extend(task.await.map_err(|e| e.to_string())??);
    }
    let end = logs[1].head().await.map_err(|e| e.to_string())?;
    let total: usize = acked.iter().map(|o| o.written.len()).sum();
    if end - start != total as i64 {
        return Err(format!(
            "log grew by {} but {total} events were acked",
            end - start
        ));
    }
    let stored = logs[1]
        .read_all(start, 100_000)
        .await
        .map_err(|e| e.to_string())?;
    let by_id: HashMap<_, _> = stored.iter().map(|e| (e.event_id, e)).collect();
    for written in acked.iter().flat_map(|o| o.written.iter()) {
        let Some(found) = by_id.get(&written.event_id) else {
            return Err(format!(
                "acknowledged event {} is missing",
                written.event_id
            ));
        };
        if found.position != written.position || found.stream_version != written.stream_version {
            return Err(format!("event {} moved", written.event_id));
        }
    }
    let mut versions: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for event in &stored {
        versions
            .entry(event.stream_id.as_str())
            .or_default()
            .push(event.stream_version);
    }
    for (stream, seen) in versions {
        let want: Vec<u64> = (1..=seen.len() as u64).collect();
        if seen != want {
            return Err(format!("{stream} has versions {seen:?}"));
        }
    }
    let mut tailed = Vec::new();
    while (tailed.len() as i64) < end - start {
        let batch = tail
            .next_batch_within(Duration::from_secs(30))
            .await
            .map_err(|e| e.to_string())?;
        if batch.is_empty() {
            return Err(format!("tailer stalled at {}", tail.position()));
        }
        tailed.extend(batch.into_iter().map(|e| e.position));
    }
    let want: Vec<i64> = (start + 1..=end).collect();
    if tailed != want {
        return Err(format!("tailer saw {tailed:?}, want {want:?}"));
    }
    Ok(())
}

async fn concurrent_appenders_never_duplicate_lose_or_reorder(db: TestDb) {
    let logs = [db.log().await, db.log().await];
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::sync::atomic::AtomicU64::new(0);
    let handle = tokio::runtime::Handle::current();
    runner
        .run(&scenario(), |writers| {
            let case = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            let outcome =
                tokio::task::block_in_place(|| handle.block_on(run_case(&logs, case, writers)));
            prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
            Ok(())
        })
        .unwrap();
}
