//! Storage: connections, entities and queries. One code path serves SQLite and
//! PostgreSQL; the differences (pool shape, write locking) are settled in `Db`.
//!
//! sea-orm stays in here: queries take and return the domain's types (`entities` converts
//! them), and a use case's transaction is a [`Tx`].

pub mod action_tokens;
pub mod api_tokens;
pub mod audit;
pub mod calendar_feeds;
pub mod deliveries;
pub mod entities;
pub mod labels;
pub mod leader;
pub mod login_throttle;
pub mod notifications;
pub mod notify;
pub mod oauth_clients;
pub mod oauth_grants;
pub mod outbox;
pub mod preferences;
pub mod processed_events;
pub mod projects;
pub mod push_subscriptions;
pub mod refresh_tokens;
mod rows;
pub mod tasks;
pub mod users;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::ConnectOptions as _;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    ExecResult, QueryResult, QuerySelect, QueryTrait, Select, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};

use rows::FromRowByPosition;
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait as _, Query, SelectStatement, UnionType,
};

pub use sea_orm::DbErr as StoreDbError;

use entities::{from_name, name_of};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL must start with sqlite: or postgres: (got {0:?})")]
    UnsupportedUrl(String),
    #[error("cannot open the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sea_orm::sqlx::Error,
    },
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("{0} migration(s) not applied yet")]
    PendingMigrations(usize),
}

/// The database handles of the service.
///
/// SQLite allows one writer at a time. Rather than letting concurrent write transactions
/// collide on the file lock (and spin in its busy handler), writes go through a pool of a
/// single connection and start with `BEGIN IMMEDIATE`, while reads use a pool of several.
/// On PostgreSQL both handles are the same pool.
#[derive(Clone, Debug)]
pub struct Db {
    reader: DatabaseConnection,
    writer: DatabaseConnection,
    backend: DbBackend,
    /// Statements sent to the database since start-up, through either handle.
    statements: Arc<AtomicU64>,
}

/// Counts every statement a connection sends (sea-orm calls back once per statement,
/// in transactions too).
fn counting(mut connection: DatabaseConnection, counter: &Arc<AtomicU64>) -> DatabaseConnection {
    let counter = Arc::clone(counter);
    connection.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    connection
}

const SQLITE_READERS: u32 = 4;
/// Rows a SQLite connection's thread may send ahead of the reader: more than the largest
/// page (200, plus the one that tells whether more follow), so that a listing is sent in
/// one go instead of the thread stopping for the reader after 50 rows (sqlx's default).
const SQLITE_ROWS_IN_FLIGHT: usize = 256;
/// Per replica: the production chart scales to 10 replicas, and 10 × 8 stays within
/// PostgreSQL's default `max_connections` of 100 (16 each would not). A larger pool
/// served no faster on the benchmark machine (docs/performance.md, "A pool of 8").
const POSTGRES_CONNECTIONS: u32 = 8;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// Serialises migrations between replicas starting at the same time.
const MIGRATION_LOCK_KEY: i64 = 0x746f_646f_6d69_6772;

impl Db {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, None).await
    }

    /// Like `connect`, with at most `max_connections` (on SQLite: readers) instead of
    /// the backend's default.
    pub async fn connect_with(url: &str, max_connections: Option<u32>) -> Result<Self, StoreError> {
        let connect_error = |source| StoreError::Connect {
            url: redact_url(url),
            source,
        };
        // The pools lend connections without pinging them first: a ping is a round trip
        // (on SQLite, a hand-off to the connection's thread and back) that reads never
        // needed. sqlx also pings each connection as it comes back, to catch one left
        // mid-exchange or broken; the pools skip that ping (`test_on_release`, from the
        // patched sqlx-core in vendor/) for a connection whose last exchange finished,
        // and still ping one that did not (the patched sqlx-postgres counts a PostgreSQL
        // connection still owed a ReadyForQuery as such). On SQLite's single writer the
        // ping would stand between one transaction and the next; on PostgreSQL it would
        // be a round trip per request.
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(connect_error)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .row_buffer_size(SQLITE_ROWS_IN_FLIGHT)
                .disable_statement_logging();
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .test_before_acquire(false)
                .test_on_release(false)
                .connect_with(options.clone())
                .await
                .map_err(connect_error)?;
            let reader = SqlitePoolOptions::new()
                .max_connections(max_connections.unwrap_or(SQLITE_READERS))
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .test_before_acquire(false)
                .test_on_release(false)
                .connect_with(options)
                .await
                .map_err(connect_error)?;
            let statements = Arc::default();
            Ok(Self {
                reader: counting(reader.into(), &statements),
                writer: counting(writer.into(), &statements),
                backend: DbBackend::Sqlite,
                statements,
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)
                .map_err(connect_error)?
                .disable_statement_logging();
            let pool = PgPoolOptions::new()
                .max_connections(max_connections.unwrap_or(POSTGRES_CONNECTIONS))
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .test_before_acquire(false)
                .test_on_release(false)
                .connect_with(options)
                .await
                .map_err(connect_error)?;
            let statements = Arc::default();
            let connection = counting(pool.into(), &statements);
            Ok(Self {
                reader: connection.clone(),
                writer: connection,
                backend: DbBackend::Postgres,
                statements,
            })
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// How many statements this process has sent the database: for the metrics, and
    /// for tests that check a request's statements do not grow with its page.
    pub fn statements_sent(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// For queries outside a transaction.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.reader
    }

    /// For single-statement writes outside a transaction.
    pub fn writer(&self) -> &DatabaseConnection {
        &self.writer
    }

    /// Starts a read-write transaction; see the type's docs for why SQLite's is
    /// IMMEDIATE.
    pub async fn begin_write(&self) -> Result<Tx, DbErr> {
        self.writer
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await
            .map(Tx)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            DbBackend::Postgres => {
                // A session-level advisory lock, held on a connection of its own (so a
                // pool of one still has a connection for the migrator).
                let mut lock = self.detached_connection().await?;
                sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(MIGRATION_LOCK_KEY)
                    .execute(&mut lock)
                    .await
                    .map_err(sqlx_error)?;
                let migrated = Migrator::up(&self.writer, None).await;
                let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(MIGRATION_LOCK_KEY)
                    .execute(&mut lock)
                    .await;
                migrated?;
                unlocked.map_err(sqlx_error)?;
                Ok(())
            }
            _ => Ok(Migrator::up(&self.writer, None).await?),
        }
    }

    /// A PostgreSQL connection taken out of the pool for good: for a session lock held
    /// as long as it lives, without costing the requests a pool slot.
    async fn detached_connection(&self) -> Result<sea_orm::sqlx::PgConnection, DbErr> {
        Ok(self
            .writer
            .get_postgres_connection_pool()
            .acquire()
            .await
            .map_err(sqlx_error)?
            .detach())
    }

    /// Ready to serve: the database answers and every migration is applied.
    pub async fn check_ready(&self) -> Result<(), StoreError> {
        self.reader
            .execute_raw(Statement::from_string(self.backend, "SELECT 1"))
            .await?;
        let pending = Migrator::get_pending_migrations(&self.reader).await?.len();
        if pending > 0 {
            return Err(StoreError::PendingMigrations(pending));
        }
        Ok(())
    }
}

/// A write transaction, which the store's queries take like a connection: what a use
/// case writes in it is committed together or not at all. Dropped uncommitted, it rolls
/// back.
pub struct Tx(DatabaseTransaction);

impl Tx {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.0.commit().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Tx {
    fn get_database_backend(&self) -> DbBackend {
        self.0.get_database_backend()
    }

    async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        self.0.execute_raw(statement).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.0.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.0.query_one_raw(statement).await
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.0.query_all_raw(statement).await
    }

    fn support_returning(&self) -> bool {
        self.0.support_returning()
    }

    fn is_mock_connection(&self) -> bool {
        self.0.is_mock_connection()
    }
}

/// The state of one connection pool, for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub name: &'static str,
    /// Connections open (in use or idle).
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

impl Db {
    /// Every pool of the service: SQLite's reader and writer pools, or PostgreSQL's one.
    pub fn pool_stats(&self) -> Vec<PoolStats> {
        fn stats<DB: sea_orm::sqlx::Database>(
            name: &'static str,
            pool: &sea_orm::sqlx::Pool<DB>,
        ) -> PoolStats {
            PoolStats {
                name,
                size: pool.size(),
                idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                max: pool.options().get_max_connections(),
            }
        }
        match self.backend {
            DbBackend::Postgres => vec![stats(
                "postgres",
                self.writer.get_postgres_connection_pool(),
            )],
            _ => vec![
                stats("sqlite_reader", self.reader.get_sqlite_connection_pool()),
                stats("sqlite_writer", self.writer.get_sqlite_connection_pool()),
            ],
        }
    }
}

/// The URL with any password replaced, fit for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn sqlx_error(error: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(error)))
}

/// A row read back, if any, as the domain's type.
fn one<M, T: TryFrom<M, Error = DbErr>>(row: Option<M>) -> Result<Option<T>, DbErr> {
    row.map(T::try_from).transpose()
}

/// Rows read back as the domain's type.
fn all<M, T: TryFrom<M, Error = DbErr>>(rows: Vec<M>) -> Result<Vec<T>, DbErr> {
    rows.into_iter().map(T::try_from).collect()
}

/// How much of a listing to fetch.
#[derive(Debug, Clone, Copy)]
pub struct PageSpec {
    /// Rows in the page at most.
    pub limit: u64,
    /// Whether to count every matching row too.
    pub count_total: bool,
}

/// One page of a listing.
#[derive(Debug)]
pub struct FetchedPage<T> {
    pub rows: Vec<T>,
    /// Whether rows follow the page.
    pub has_more: bool,
    /// Every matching row, when asked for.
    pub total: Option<u64>,
}

/// Runs an ordered listing query (`query`, the `matching` rows after a keyset, in order)
/// for one page: up to `spec.limit` rows, and whether more follow (it fetches one extra
/// row to know).
///
/// With `spec.count_total` the page also carries how many rows match, as a scalar
/// subquery of the same statement, which both databases evaluate once: one query instead
/// of two, and on SQLite one hand-off to the connection's thread instead of two. An
/// empty page has no row to carry the count, so it is counted on its own.
///
/// Each row is decoded into the entity's model and moved into the domain's `T`.
pub async fn fetch_page<E: EntityTrait, T: TryFrom<E::Model, Error = DbErr>>(
    conn: &impl ConnectionTrait,
    query: Select<E>,
    matching: Select<E>,
    spec: PageSpec,
) -> Result<FetchedPage<T>, DbErr>
where
    E::Model: FromRowByPosition,
{
    fetch_page_of(conn, query.into_query(), matching, spec).await
}

/// [`fetch_page`] for a query built as a plain statement (one that reads from a subquery
/// rather than the entity's table), whose columns are the entity's, in its order.
pub async fn fetch_page_of<E: EntityTrait, T: TryFrom<E::Model, Error = DbErr>>(
    conn: &impl ConnectionTrait,
    mut query: SelectStatement,
    matching: Select<E>,
    spec: PageSpec,
) -> Result<FetchedPage<T>, DbErr>
where
    E::Model: FromRowByPosition,
{
    let backend = conn.get_database_backend();
    let limit = spec.limit;
    let count = spec.count_total.then(|| {
        matching
            .select_only()
            .expr(Expr::col(Asterisk).count())
            .into_query()
    });
    query.limit(limit + 1);
    if let Some(count) = &count {
        query.expr(Expr::SubQuery(None, Box::new(count.clone().into())));
    }
    let results = conn
        .query_all_raw(with_literal_limits(backend.build(&query)))
        .await?;
    let total = match (count, results.first()) {
        (None, _) => None,
        (Some(_), Some(first)) => Some(first.try_get_by_index::<i64>(E::Model::FIELDS.len())?),
        (Some(count), None) => match conn.query_one(&count).await? {
            Some(row) => Some(row.try_get_by_index::<i64>(0)?),
            None => None,
        },
    };
    let mut rows = results
        .iter()
        .map(|row| E::Model::from_row(row).and_then(T::try_from))
        .collect::<Result<Vec<_>, _>>()?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(FetchedPage {
        rows,
        has_more,
        total: total.map(|n| u64::try_from(n).unwrap_or(0)),
    })
}

/// Walks (each its own ordered, limited select) one after another (`UNION ALL`), each
/// in a subquery of its own: a compound select's members cannot carry their own ORDER
/// BY and LIMIT. Listings that cover several indexes' ranges merge a walk of each
/// rather than let the database read and sort everything the ranges hold for one page.
pub(crate) fn union_all(walks: impl Iterator<Item = SelectStatement>) -> SelectStatement {
    let mut members = walks.enumerate().map(|(n, walk)| {
        Query::select()
            .column(Asterisk)
            .from_subquery(walk, Alias::new(format!("walk{n}")))
            .to_owned()
    });
    // Callers unite one walk or more; an empty select would stand for none.
    let mut union = members.next().unwrap_or_else(Query::select);
    for member in members {
        union.union(UnionType::All, member);
    }
    union
}

/// The statement with each bound `LIMIT ?` written as a number, on SQLite.
///
/// SQLite plans a LIMIT with the value bound to it, so a statement whose LIMIT is a
/// parameter is parsed and planned again each time it runs (`sqlite3Reprepare`, a
/// visible share of a listing's time in docs/performance.md). Page sizes are few, so each
/// gets its own cached statement instead. That holds for the limits of the walks a
/// listing merges (`union_all`) as much as for its own. Other statements are returned
/// as they are.
fn with_literal_limits(mut statement: Statement) -> Statement {
    const BOUND_LIMIT: &str = " LIMIT ?";
    if statement.db_backend != DbBackend::Sqlite || !statement.sql.contains(BOUND_LIMIT) {
        return statement;
    }
    let Some(values) = statement.values.take() else {
        return statement;
    };
    // SQLite's placeholders are plain `?`s, one per value in order; the statement's text
    // holds no other (every value is bound, none is written into the text).
    let mut sql = String::with_capacity(statement.sql.len());
    let mut kept = Vec::with_capacity(values.0.len());
    let mut values = values.0.into_iter();
    for (n, piece) in statement.sql.split('?').enumerate() {
        if n > 0 {
            match values.next() {
                Some(sea_orm::Value::BigUnsigned(Some(limit))) if sql.ends_with(" LIMIT ") => {
                    sql.push_str(&limit.to_string());
                }
                Some(value) => {
                    sql.push('?');
                    kept.push(value);
                }
                None => sql.push('?'),
            }
        }
        sql.push_str(piece);
    }
    kept.extend(values);
    statement.sql = sql;
    statement.values = Some(sea_orm::Values(kept));
    statement
}

/// Splits items of the given sizes into runs of one statement each, in order. A run
/// holds 64, 16, 4, 2 or 1 items: the largest that stays within `MAX_STATEMENT_BYTES`, or
/// one item however large.
///
/// The few shapes per statement are prepared once per connection and then stay in
/// sqlx's statement cache (2 is among them for the pair of events a recurring task's
/// completion writes); a shape per batch size would keep missing it and pay a Parse round
/// trip. Without `TCP_NODELAY` (set by the patched sqlx-core, vendor/README.md) each such
/// miss, and each message spilling into a second TCP segment, would also wait for a
/// delayed ACK; the bounds keep that away should the patch be dropped before sqlx
/// releases the fix.
pub fn statement_chunks(sizes: &[usize]) -> Vec<usize> {
    const MAX_STATEMENT_BYTES: usize = 48 * 1024;
    const SHAPES: [usize; 5] = [64, 16, 4, 2, 1];
    let mut chunks = Vec::new();
    let mut rest = sizes;
    while !rest.is_empty() {
        let fits = |n: usize| {
            rest.get(..n)
                .is_some_and(|run| n == 1 || run.iter().sum::<usize>() <= MAX_STATEMENT_BYTES)
        };
        let take = SHAPES.into_iter().find(|&n| fits(n)).unwrap_or(1);
        chunks.push(take);
        rest = rest.get(take..).unwrap_or_default();
    }
    chunks
}

/// `statement_chunks` for items of equal size, such as ids in an `IN` list.
pub fn id_chunks(count: usize) -> Vec<usize> {
    statement_chunks(&vec![16; count])
}

/// True when `error` is a unique-constraint violation.
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

#[cfg(test)]
mod tests {
    use super::{redact_url, with_literal_limits};
    use sea_orm::{DbBackend, EntityTrait as _, QuerySelect as _, QueryTrait as _};

    #[test]
    fn statements_take_few_shapes_and_keep_every_item() {
        assert_eq!(super::statement_chunks(&[]), Vec::<usize>::new());
        assert_eq!(super::id_chunks(100), [64, 16, 16, 4]);
        assert_eq!(super::id_chunks(7), [4, 2, 1]);
        // At most 48 KiB per statement: 20 KiB items go in pairs, 30 KiB ones one by one.
        assert_eq!(super::statement_chunks(&[20 * 1024; 4]), [2, 2]);
        assert_eq!(super::statement_chunks(&[30 * 1024; 3]), [1, 1, 1]);
        assert_eq!(super::statement_chunks(&[10 * 1024; 4]), [4]);
        // An item too large for any statement still gets one of its own.
        assert_eq!(super::statement_chunks(&[100 * 1024]), [1]);
        assert_eq!(super::id_chunks(1_000).iter().sum::<usize>(), 1_000);
    }

    #[test]
    fn sqlite_listings_carry_their_limits_as_numbers() {
        use crate::store::entities::task::{Column, Entity as Tasks};
        use sea_orm::{ColumnTrait as _, QueryFilter as _, QueryOrder as _};
        let statement = Tasks::find().limit(51).build(DbBackend::Sqlite);
        let values = statement.values.as_ref().map_or(0, |v| v.0.len());
        let literal = with_literal_limits(statement);
        assert!(literal.sql.ends_with(" LIMIT 51"), "{}", literal.sql);
        assert_eq!(literal.values.as_ref().map_or(0, |v| v.0.len()), values - 1);

        // The walks of a merged listing, each with a value before and after its limit.
        let walk = |title: &str| {
            Tasks::find()
                .filter(Column::Title.eq(title))
                .order_by_asc(Column::Id)
                .limit(26)
                .into_query()
        };
        let mut merged = super::union_all([walk("a"), walk("b")].into_iter());
        merged.and_where(sea_orm::sea_query::Expr::cust("1 = 1"));
        let mut query = sea_orm::sea_query::Query::select();
        query
            .column(sea_orm::sea_query::Asterisk)
            .from_subquery(merged, sea_orm::sea_query::Alias::new("merged"))
            .and_where(Column::Title.ne("c"))
            .limit(51);
        let literal = with_literal_limits(DbBackend::Sqlite.build(&query));
        assert_eq!(
            literal.sql.matches(" LIMIT 26").count(),
            2,
            "{}",
            literal.sql
        );
        assert!(literal.sql.ends_with(" LIMIT 51"), "{}", literal.sql);
        assert!(!literal.sql.contains("LIMIT ?"), "{}", literal.sql);
        let kept: Vec<String> = literal
            .values
            .iter()
            .flat_map(|values| values.0.iter())
            .map(|value| format!("{value:?}"))
            .collect();
        assert_eq!(kept.len(), 3, "{kept:?}");
        assert!(
            kept[0].contains("\"a\"") && kept[1].contains("\"b\"") && kept[2].contains("\"c\""),
            "{kept:?}"
        );

        // PostgreSQL plans a bound LIMIT once; its statements stay as they are.
        let postgres = Tasks::find().limit(51).build(DbBackend::Postgres);
        assert_eq!(with_literal_limits(postgres.clone()).sql, postgres.sql);
    }

    /// The SQLite pools release connections without sqlx's ping (`test_on_release`): a
    /// transaction abandoned mid-way, as a failed request leaves it, must still be rolled
    /// back before the writer's next transaction, and its rows never seen.
    #[tokio::test]
    async fn an_abandoned_sqlite_write_is_rolled_back_before_the_next() -> anyhow::Result<()> {
        use sea_orm::{ConnectionTrait as _, Statement};

        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("pool.db").display());
        let db = super::Db::connect(&url).await?;
        let count = || async {
            let row = db
                .reader()
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "SELECT COUNT(*) FROM probe",
                ))
                .await?
                .ok_or_else(|| anyhow::anyhow!("COUNT(*) gave no row"))?;
            anyhow::Ok(row.try_get_by_index::<i64>(0)?)
        };
        db.writer()
            .execute_unprepared("CREATE TABLE probe (n INTEGER NOT NULL)")
            .await?;
        for round in 0..3 {
            let abandoned = db.begin_write().await?;
            abandoned
                .execute_unprepared("INSERT INTO probe (n) VALUES (-1)")
                .await?;
            drop(abandoned);
            // BEGIN IMMEDIATE inside a transaction still open would fail here.
            let next = db.begin_write().await?;
            next.execute_unprepared(&format!("INSERT INTO probe (n) VALUES ({round})"))
                .await?;
            next.commit().await?;
            assert_eq!(count().await?, round + 1);
        }
        Ok(())
    }

    /// sea-orm and the entities stay in the store: no other module of `api/src` names
    /// them (docs/architecture.md gives the same check as a grep).
    #[test]
    fn sea_orm_is_named_only_in_the_store() -> std::io::Result<()> {
        const NAMES: [&str; 4] = ["sea_orm::", "use sea_orm", "sea_orm(", "store::entities"];
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let store = src.join("store");
        let mut pending = vec![src];
        let mut offences = Vec::new();
        let mut scanned = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    if path != store {
                        pending.push(path);
                    }
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    scanned += 1;
                    let text = std::fs::read_to_string(&path)?;
                    for (number, line) in text.lines().enumerate() {
                        if NAMES.iter().any(|name| line.contains(name)) {
                            offences.push(format!("{}:{}: {line}", path.display(), number + 1));
                        }
                    }
                }
            }
        }
        assert!(scanned > 50, "only {scanned} source files found");
        assert!(offences.is_empty(), "{}", offences.join("\n"));
        Ok(())
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/todo"),
            "postgres://app:***@db:5432/todo"
        );
        assert_eq!(
            redact_url("postgres://app@db/todo"),
            "postgres://app@db/todo"
        );
        assert_eq!(redact_url("sqlite://data/todo.db"), "sqlite://data/todo.db");
    }
}
