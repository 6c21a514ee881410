//! The one replica that does what only one may do at a time (relaying the outbox, so
//! each task's events stay in order): on PostgreSQL, the holder of a session advisory
//! lock. On SQLite there is one process, which always leads.

use sea_orm::sqlx::PgConnection;
use sea_orm::{DbBackend, DbErr};

use super::{Db, sqlx_error};

/// Leadership among replicas: held while its value lives.
pub enum Leadership {
    /// SQLite: the only process leads.
    Sole,
    /// PostgreSQL: a session advisory lock on a connection of its own.
    Session(PgConnection),
}

impl Leadership {
    /// Whether the lock is still held: on PostgreSQL a lost connection (a database
    /// restart, say) took the lock with it.
    pub async fn is_held(&mut self) -> bool {
        match self {
            Self::Sole => true,
            Self::Session(connection) => sea_orm::sqlx::query("SELECT 1")
                .execute(&mut *connection)
                .await
                .is_ok(),
        }
    }
}

impl Db {
    /// Takes the leadership named `key` unless another replica holds it.
    pub async fn try_lead(&self, key: i64) -> Result<Option<Leadership>, DbErr> {
        if self.backend() != DbBackend::Postgres {
            return Ok(Some(Leadership::Sole));
        }
        let mut connection = self.detached_connection().await?;
        let (locked,): (bool,) = sea_orm::sqlx::query_as("SELECT pg_try_advisory_lock($1)")
            .bind(key)
            .fetch_one(&mut connection)
            .await
            .map_err(sqlx_error)?;
        Ok(locked.then_some(Leadership::Session(connection)))
    }
}
