//! PostgreSQL dialect. Appenders lock the single `log_head` row until they commit, so
//! positions are assigned and become visible in order (see ARCHITECTURE.md, "gap-safe
//! order"); a commit also sends `pg_notify` so subscribers in every process wake at once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row as _};
use uuid::Uuid;

use super::RawEvent;
use crate::error::LogError;
use crate::plan::{Existing, Row};
use crate::types::{Snapshot, StreamId};

/// The LISTEN/NOTIFY channel that carries the new head after each append commits.
pub(crate) const CHANNEL: &str = "eventlog_appended";

const COLUMNS: &str = "position, event_id, stream_id, stream_version, event_type, \
                       schema_version, payload::text, metadata::text, recorded_at";

fn raw(row: PgRow) -> Result<RawEvent, LogError> {
    Ok(RawEvent {
        position: row.try_get(0)?,
        event_id: row.try_get(1)?,
        stream_id: row.try_get(2)?,
        stream_version: row.try_get(3)?,
        event_type: row.try_get(4)?,
        schema_version: row.try_get(5)?,
        payload: row.try_get(6)?,
        metadata: row.try_get(7)?,
        recorded_at: row.try_get(8)?,
    })
}

pub(crate) async fn read_all(
    pool: &PgPool,
    after: i64,
    limit: i64,
) -> Result<Vec<RawEvent>, LogError> {
    let sql =
        format!("SELECT {COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2");
    let rows = sqlx::query(&sql)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(raw).collect()
}

pub(crate) async fn read_stream(
    pool: &PgPool,
    stream: &str,
    from: i64,
    limit: i64,
) -> Result<Vec<RawEvent>, LogError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 \
         ORDER BY stream_version LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(stream)
        .bind(from)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(raw).collect()
}

pub(crate) async fn head(pool: &PgPool) -> Result<i64, LogError> {
    // log_head moves in the same transaction as the inserts, so it is the committed head.
    let head: i64 = sqlx::query_scalar("SELECT position FROM log_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok(head)
}

pub(crate) async fn lock_head(tx: &mut PgConnection) -> Result<i64, LogError> {
    let head: i64 = sqlx::query_scalar("SELECT position FROM log_head WHERE id = 1 FOR UPDATE")
        .fetch_one(tx)
        .await?;
    Ok(head)
}

pub(crate) async fn existing(
    tx: &mut PgConnection,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Existing>, LogError> {
    let rows = sqlx::query(
        // One unique-index probe per id. `= ANY($1)` lets the planner pick a sequential
        // scan for large batches; LIMIT 1 keeps the lateral subquery from being flattened.
        "SELECT e.event_id, e.position, e.stream_id, e.stream_version \
         FROM UNNEST($1::uuid[]) AS ids(id) CROSS JOIN LATERAL \
         (SELECT * FROM events WHERE event_id = ids.id LIMIT 1) AS e",
    )
    .bind(ids)
    .fetch_all(tx)
    .await?;
    let mut found = HashMap::with_capacity(rows.len());
    for row in rows {
        let version: i64 = row.try_get(3)?;
        found.insert(
            row.try_get(0)?,
            Existing {
                position: row.try_get(1)?,
                stream_id: row.try_get(2)?,
                stream_version: version as u64,
            },
        );
    }
    Ok(found)
}

pub(crate) async fn versions(
    conn: &mut PgConnection,
    streams: &[String],
) -> Result<HashMap<String, u64>, LogError> {
    let rows = sqlx::query(
        // A correlated max per stream is answered from the end of the (stream_id,
        // stream_version) index; GROUP BY would scan every event of every stream.
        "SELECT s, (SELECT MAX(stream_version) FROM events WHERE stream_id = s) \
         FROM UNNEST($1::text[]) AS s",
    )
    .bind(streams)
    .fetch_all(conn)
    .await?;
    let mut versions = HashMap::with_capacity(rows.len());
    for row in rows {
        let version: Option<i64> = row.try_get(1)?;
        if let Some(version) = version {
            versions.insert(row.try_get(0)?, version as u64);
        }
    }
    Ok(versions)
}

pub(crate) async fn insert(tx: &mut PgConnection, rows: &[Row], head: i64) -> Result<(), LogError> {
    // One statement for the whole batch: arrays unnested server-side.
    let mut positions = Vec::with_capacity(rows.len());
    let mut ids = Vec::with_capacity(rows.len());
    let mut streams = Vec::with_capacity(rows.len());
    let mut versions = Vec::with_capacity(rows.len());
    let mut types = Vec::with_capacity(rows.len());
    let mut schemas = Vec::with_capacity(rows.len());
    let mut payloads = Vec::with_capacity(rows.len());
    let mut metadata = Vec::with_capacity(rows.len());
    let mut recorded: Vec<DateTime<Utc>> = Vec::with_capacity(rows.len());
    for row in rows {
        positions.push(row.position);
        ids.push(row.event_id);
        streams.push(row.stream_id.as_str());
        versions.push(row.stream_version);
        types.push(row.event_type.as_str());
        schemas.push(row.schema_version);
        payloads.push(row.payload.as_str());
        metadata.push(row.metadata.as_str());
        recorded.push(row.recorded_at);
    }
    sqlx::query(
        "INSERT INTO events (position, event_id, stream_id, stream_version, event_type, \
         schema_version, payload, metadata, recorded_at) \
         SELECT p, e, s, v, t, sv, pl::json, md::json, ra FROM UNNEST(\
         $1::int8[], $2::uuid[], $3::text[], $4::int8[], $5::text[], $6::int4[], \
         $7::text[], $8::text[], $9::timestamptz[]) AS x(p, e, s, v, t, sv, pl, md, ra)",
    )
    .bind(&positions)
    .bind(&ids)
    .bind(&streams)
    .bind(&versions)
    .bind(&types)
    .bind(&schemas)
    .bind(&payloads)
    .bind(&metadata)
    .bind(&recorded)
    .execute(&mut *tx)
    .await?;
    // The notification is delivered only when the transaction commits, so listeners
    // never see a phantom head.
    sqlx::query(
        "WITH moved AS (UPDATE log_head SET position = $1 WHERE id = 1) \
         SELECT pg_notify($2, $1::text)",
    )
    .bind(head)
    .bind(CHANNEL)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub(crate) async fn load_checkpoint(tx: &mut PgConnection, name: &str) -> Result<i64, LogError> {
    let position: Option<i64> =
        sqlx::query_scalar("SELECT position FROM checkpoints WHERE name = $1")
            .bind(name)
            .fetch_optional(tx)
            .await?;
    Ok(position.unwrap_or(0))
}

/// Creates the checkpoint row if missing, then locks it (`FOR UPDATE`) for this
/// transaction and returns its position.
pub(crate) async fn lock_checkpoint(tx: &mut PgConnection, name: &str) -> Result<i64, LogError> {
    sqlx::query(
        "INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, 0, now()) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .execute(&mut *tx)
    .await?;
    let position: i64 =
        sqlx::query_scalar("SELECT position FROM checkpoints WHERE name = $1 FOR UPDATE")
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
    Ok(position)
}

pub(crate) async fn save_checkpoint(
    tx: &mut PgConnection,
    name: &str,
    position: i64,
) -> Result<(), LogError> {
    sqlx::query(
        "INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, $2, now()) \
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, \
         updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(position)
    .execute(tx)
    .await?;
    Ok(())
}

pub(crate) async fn load_snapshot(
    pool: &PgPool,
    stream: &StreamId,
) -> Result<Option<Snapshot>, LogError> {
    let row = sqlx::query(
        "SELECT version, schema_version, state::text FROM snapshots WHERE stream_id = $1",
    )
    .bind(stream.as_str())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let version: i64 = row.try_get(0)?;
    let schema_version: i32 = row.try_get(1)?;
    let state: String = row.try_get(2)?;
    let state = serde_json::from_str(&state).map_err(|e| LogError::Corrupt {
        position: 0,
        reason: format!("snapshot of {stream}: {e}"),
    })?;
    Ok(Some(Snapshot {
        stream_id: stream.clone(),
        version: version as u64,
        schema_version: schema_version as u32,
        state,
    }))
}

pub(crate) async fn save_snapshot(pool: &PgPool, snapshot: &Snapshot) -> Result<(), LogError> {
    sqlx::query(
        "INSERT INTO snapshots (stream_id, version, schema_version, state, taken_at) \
         VALUES ($1, $2, $3, $4::jsonb, now()) ON CONFLICT (stream_id) DO UPDATE SET \
         version = excluded.version, schema_version = excluded.schema_version, \
         state = excluded.state, taken_at = excluded.taken_at \
         WHERE snapshots.version <= excluded.version",
    )
    .bind(snapshot.stream_id.as_str())
    .bind(snapshot.version as i64)
    .bind(snapshot.schema_version as i32)
    .bind(snapshot.state.to_string())
    .execute(pool)
    .await?;
    Ok(())
}
