//! What replicas tell each other through the database: on PostgreSQL, NOTIFY and LISTEN
//! for live pushes. On SQLite there is one process, so there is no one to tell.

use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

use super::{Db, Tx, sqlx_error};

/// Queues `payloads` on `channel` for every replica's listener (this one included), in
/// as few statements as `statement_chunks` allows, delivered if and when `tx` commits.
/// False on SQLite, where the caller delivers to its own process itself after the
/// commit.
pub async fn notify_all(tx: &Tx, channel: &str, payloads: &[&str]) -> Result<bool, DbErr> {
    if tx.get_database_backend() != DbBackend::Postgres {
        return Ok(false);
    }
    let sizes: Vec<usize> = payloads.iter().map(|payload| payload.len() + 16).collect();
    let mut rest = payloads;
    for length in super::statement_chunks(&sizes) {
        let (chunk, tail) = rest.split_at(length.min(rest.len()));
        rest = tail;
        let calls: Vec<String> = (0..chunk.len())
            .map(|n| format!("pg_notify($1, ${})", n + 2))
            .collect();
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() + 1);
        values.push(channel.into());
        values.extend(chunk.iter().map(|&payload| Value::from(payload)));
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT {}", calls.join(", ")),
            values,
        ))
        .await?;
    }
    Ok(true)
}

/// One message a replica sent with `notify_all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub channel: String,
    pub payload: String,
}

/// Receives what every replica sends on some channels.
pub struct Listener(PgListener);

impl Listener {
    /// The next message. An error means the connection is gone: listen again, and
    /// expect to have missed what was sent meanwhile.
    pub async fn recv(&mut self) -> Result<Signal, DbErr> {
        let message = self.0.recv().await.map_err(sqlx_error)?;
        Ok(Signal {
            channel: message.channel().to_owned(),
            payload: message.payload().to_owned(),
        })
    }
}

impl Db {
    /// Listens on `channels`; `None` on SQLite, where nothing is ever sent.
    pub async fn listen(&self, channels: &[&str]) -> Result<Option<Listener>, DbErr> {
        if self.backend() != DbBackend::Postgres {
            return Ok(None);
        }
        // The listener keeps its connection for as long as it listens: it gets a pool
        // of its own, so it never holds a slot the requests need (with a pool of one,
        // it would hold them all).
        let shared = self.writer().get_postgres_connection_pool();
        let own = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with((*shared.connect_options()).clone());
        let mut listener = PgListener::connect_with(&own).await.map_err(sqlx_error)?;
        listener
            .listen_all(channels.iter().copied())
            .await
            .map_err(sqlx_error)?;
        Ok(Some(Listener(listener)))
    }
}
