//! The transactional outbox: events are written here in the transaction of the change
//! that caused them, and published from here by the relay.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::outbox::{self, Column, Entity as Outbox};
use crate::domain::event::CloudEvent;

/// Writes `events` to the outbox, in publication order and in as few statements as
/// `statement_chunks` allows.
pub async fn append(
    conn: &impl ConnectionTrait,
    topic: &str,
    events: &[CloudEvent],
) -> Result<(), DbErr> {
    let payloads = events
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DbErr::Custom(format!("cannot serialise an event: {e}")))?;
    let sizes: Vec<usize> = payloads.iter().map(|payload| payload.len() + 128).collect();
    let mut rows = events
        .iter()
        .zip(payloads)
        .map(|(event, payload)| outbox::ActiveModel {
            event_id: Set(event.id),
            topic: Set(topic.to_owned()),
            payload: Set(payload),
            created_at: Set(event.time),
            published_at: Set(None),
            attempts: Set(0),
            last_error: Set(None),
            ..Default::default()
        });
    for chunk in super::statement_chunks(&sizes) {
        Outbox::insert_many(rows.by_ref().take(chunk))
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// An event waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEvent {
    /// Its place in publication order.
    pub seq: i64,
    pub topic: String,
    /// The whole CloudEvent, as JSON.
    pub payload: String,
}

/// The oldest unpublished events, in publication order.
pub async fn pending(conn: &impl ConnectionTrait, limit: u64) -> Result<Vec<PendingEvent>, DbErr> {
    let rows = Outbox::find()
        .select_only()
        .columns([Column::Seq, Column::Topic, Column::Payload])
        .filter(Column::PublishedAt.is_null())
        .order_by_asc(Column::Seq)
        .limit(limit)
        .into_tuple::<(i64, String, String)>()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, topic, payload)| PendingEvent {
            seq,
            topic,
            payload,
        })
        .collect())
}

pub async fn mark_published(
    conn: &impl ConnectionTrait,
    seqs: &[i64],
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut rest = seqs;
    for length in super::id_chunks(seqs.len()) {
        let (chunk, tail) = rest.split_at(length.min(rest.len()));
        rest = tail;
        Outbox::update_many()
            .col_expr(Column::PublishedAt, Expr::value(at))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .filter(Column::Seq.is_in(chunk.iter().copied()))
            .exec(conn)
            .await?;
    }
    Ok(())
}

pub async fn record_failure(
    conn: &impl ConnectionTrait,
    seq: i64,
    error: &str,
) -> Result<(), DbErr> {
    Outbox::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(
            Column::LastError,
            Expr::value(error.chars().take(1000).collect::<String>()),
        )
        .filter(Column::Seq.eq(seq))
        .exec(conn)
        .await?;
    Ok(())
}

/// How many events wait to be published, and when the oldest of them was written.
pub async fn backlog(conn: &impl ConnectionTrait) -> Result<(u64, Option<DateTime<Utc>>), DbErr> {
    let count = Outbox::find()
        .filter(Column::PublishedAt.is_null())
        .count(conn)
        .await?;
    let oldest = Outbox::find()
        .filter(Column::PublishedAt.is_null())
        .order_by_asc(Column::Seq)
        .one(conn)
        .await?
        .map(|row| row.created_at);
    Ok((count, oldest))
}

/// Removes published rows older than `cutoff`; the outbox is a queue, not an archive.
pub async fn purge_published(
    conn: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = Outbox::delete_many()
        .filter(Column::PublishedAt.lt(cutoff))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
