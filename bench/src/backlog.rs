//! Reads the outbox backlog straight from the server's database: how many events wait
//! to be published and how old the oldest of them is. The server's `/metrics` gauges
//! are refreshed only every 10 s, too coarse to see a backlog come and go.
//!
//! Read-only: one connection, plain SELECTs; on SQLite the server runs in WAL mode, so
//! this reader never blocks its writer.

use std::str::FromStr as _;
use std::time::Duration;

use anyhow::{Context as _, bail};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};

/// Both queries compute the age in the database, against the same clock the server
/// stamped `created_at` with. SQLite keeps the instants as RFC 3339 text, which
/// `julianday` reads (to the millisecond) and which sorts in time order.
const SQLITE_BACKLOG: &str = "SELECT COUNT(*), \
     (julianday('now') - julianday(MIN(created_at))) * 86400.0 \
     FROM outbox WHERE published_at IS NULL";
const POSTGRES_BACKLOG: &str = "SELECT COUNT(*), \
     EXTRACT(EPOCH FROM clock_timestamp() - MIN(created_at))::float8 \
     FROM outbox WHERE published_at IS NULL";
/// The server holds SQLite's write lock often under load; a read waits for a
/// checkpoint at most this long.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug, Default)]
pub struct Backlog {
    pub rows: u64,
    /// Seconds since the oldest unpublished event was written; `None` when none waits.
    pub oldest_age_s: Option<f64>,
}

pub enum Outbox {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Outbox {
    pub async fn connect(database_url: &str) -> anyhow::Result<Self> {
        if database_url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(database_url)
                .with_context(|| format!("reading {database_url}"))?
                .read_only(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT);
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await
                .context("opening the server's SQLite database")?;
            Ok(Self::Sqlite(pool))
        } else if database_url.starts_with("postgres") {
            let options = PgConnectOptions::from_str(database_url)
                .with_context(|| format!("reading {database_url}"))?;
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await
                .context("connecting to the server's PostgreSQL database")?;
            Ok(Self::Postgres(pool))
        } else {
            bail!("cannot read the outbox of {database_url}: neither sqlite: nor postgres:")
        }
    }

    pub async fn sample(&self) -> anyhow::Result<Backlog> {
        let (rows, oldest_age_s): (i64, Option<f64>) = match self {
            Self::Sqlite(pool) => sqlx::query_as(SQLITE_BACKLOG).fetch_one(pool).await,
            Self::Postgres(pool) => sqlx::query_as(POSTGRES_BACKLOG).fetch_one(pool).await,
        }
        .context("reading the outbox backlog")?;
        Ok(Backlog {
            rows: u64::try_from(rows).unwrap_or(0),
            // The clock of the database and the row's timestamp can disagree by a hair.
            oldest_age_s: oldest_age_s.map(|age| age.max(0.0)),
        })
    }

    pub async fn close(self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}
