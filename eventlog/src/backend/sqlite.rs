//! SQLite dialect: one writer at a time (`BEGIN IMMEDIATE`), so `max(position) + 1`
//! assigned inside the write transaction commits in order.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row as _, Sqlite, SqliteConnection, SqlitePool};
use uuid::Uuid;

use super::RawEvent;
use crate::error::LogError;
use crate::plan::{Existing, Row};
use crate::types::{Snapshot, StreamId};

const COLUMNS: &str = "position, event_id, stream_id, stream_version, event_type, \
                       schema_version, payload, metadata, recorded_at";
// SQLite allows 32766 bound variables per statement; 9 per row.
const ROWS_PER_INSERT: usize = 1000;

fn raw(row: SqliteRow) -> Result<RawEvent, LogError> {
    let position: i64 = row.try_get(0)?;
    let event_id: String = row.try_get(1)?;
    let event_id = Uuid::parse_str(&event_id).map_err(|e| LogError::Corrupt {
        position,
        reason: format!("event id: {e}"),
    })?;
    Ok(RawEvent {
        position,
        event_id,
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
    pool: &SqlitePool,
    after: i64,
    limit: i64,
) -> Result<Vec<RawEvent>, LogError> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?");
    let rows = sqlx::query(&sql)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(raw).collect()
}

pub(crate) async fn read_stream(
    pool: &SqlitePool,
    stream: &str,
    from: i64,
    limit: i64,
) -> Result<Vec<RawEvent>, LogError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ? \
         ORDER BY stream_version LIMIT ?"
    );
    let rows = sqlx::query(&sql)
        .bind(stream)
        .bind(from)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(raw).collect()
}

pub(crate) async fn head(pool: &SqlitePool) -> Result<i64, LogError> {
    let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events")
        .fetch_one(pool)
        .await?;
    Ok(head)
}

pub(crate) async fn lock_head(tx: &mut SqliteConnection) -> Result<i64, LogError> {
    // The transaction began IMMEDIATE: it already holds SQLite's single write lock.
    let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events")
        .fetch_one(tx)
        .await?;
    Ok(head)
}

pub(crate) async fn existing(
    tx: &mut SqliteConnection,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Existing>, LogError> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows = sqlx::query(
        "SELECT event_id, position, stream_id, stream_version FROM events \
         WHERE event_id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(&ids).unwrap_or_default())
    .fetch_all(tx)
    .await?;
    let mut found = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get(0)?;
        let position: i64 = row.try_get(1)?;
        let id = Uuid::parse_str(&id).map_err(|e| LogError::Corrupt {
            position,
            reason: e.to_string(),
        })?;
        let version: i64 = row.try_get(3)?;
        found.insert(
            id,
            Existing {
                position,
                stream_id: row.try_get(2)?,
                stream_version: version as u64,
            },
        );
    }
    Ok(found)
}

pub(crate) async fn versions(
    conn: &mut SqliteConnection,
    streams: &[String],
) -> Result<HashMap<String, u64>, LogError> {
    let rows = sqlx::query(
        // A correlated max per stream is answered from the end of the (stream_id,
        // stream_version) index; GROUP BY would scan every event of every stream.
        "SELECT value, (SELECT MAX(stream_version) FROM events WHERE stream_id = value) \
         FROM json_each(?)",
    )
    .bind(serde_json::to_string(streams).unwrap_or_default())
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

pub(crate) async fn insert(tx: &mut SqliteConnection, rows: &[Row]) -> Result<(), LogError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut query = QueryBuilder::<Sqlite>::new(format!("INSERT INTO events ({COLUMNS}) "));
        query.push_values(chunk, |mut b, row| {
            b.push_bind(row.position)
                .push_bind(row.event_id.to_string())
                .push_bind(&row.stream_id)
                .push_bind(row.stream_version)
                .push_bind(&row.event_type)
                .push_bind(row.schema_version)
                .push_bind(&row.payload)
                .push_bind(&row.metadata)
                .push_bind(row.recorded_at);
        });
        query.build().execute(&mut *tx).await?;
    }
    Ok(())
}

pub(crate) async fn load_checkpoint(
    tx: &mut SqliteConnection,
    name: &str,
) -> Result<i64, LogError> {
    let position: Option<i64> =
        sqlx::query_scalar("SELECT position FROM checkpoints WHERE name = ?")
            .bind(name)
            .fetch_optional(tx)
            .await?;
    Ok(position.unwrap_or(0))
}

pub(crate) async fn save_checkpoint(
    tx: &mut SqliteConnection,
    name: &str,
    position: i64,
) -> Result<(), LogError> {
    sqlx::query(
        "INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?) \
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, \
         updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(position)
    .bind(Utc::now())
    .execute(tx)
    .await?;
    Ok(())
}

pub(crate) async fn load_snapshot(
    pool: &SqlitePool,
    stream: &StreamId,
) -> Result<Option<Snapshot>, LogError> {
    let row =
        sqlx::query("SELECT version, schema_version, state FROM snapshots WHERE stream_id = ?")
            .bind(stream.as_str())
            .fetch_optional(pool)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let version: i64 = row.try_get(0)?;
    let schema_version: i64 = row.try_get(1)?;
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

pub(crate) async fn save_snapshot(pool: &SqlitePool, snapshot: &Snapshot) -> Result<(), LogError> {
    let taken_at: DateTime<Utc> = Utc::now();
    sqlx::query(
        "INSERT INTO snapshots (stream_id, version, schema_version, state, taken_at) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET \
         version = excluded.version, schema_version = excluded.schema_version, \
         state = excluded.state, taken_at = excluded.taken_at \
         WHERE snapshots.version <= excluded.version",
    )
    .bind(snapshot.stream_id.as_str())
    .bind(snapshot.version as i64)
    .bind(snapshot.schema_version as i64)
    .bind(snapshot.state.to_string())
    .bind(taken_at)
    .execute(pool)
    .await?;
    Ok(())
}
