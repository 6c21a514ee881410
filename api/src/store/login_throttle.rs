//! Failed sign-ins per email, counted in the database so that every replica sees the
//! same count.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Statement,
};

use super::entities::login_throttle::{self, Entity as LoginThrottle};

/// Until when sign-ins for `email` are refused, if they are at `now`.
pub async fn locked_until(
    conn: &impl ConnectionTrait,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let locked: Option<Option<DateTime<Utc>>> = LoginThrottle::find_by_id(email)
        .select_only()
        .column(login_throttle::Column::LockedUntil)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(locked.flatten().filter(|until| *until > now))
}

/// Counts a failure in one atomic statement (replicas may count the same email at the
/// same moment); a window that began at or before `window_start`, or a lock that has
/// run out, starts the count again. Returns the failures in the current window.
pub async fn record_failure(
    conn: &impl ConnectionTrait,
    email: &str,
    now: DateTime<Utc>,
    window_start: DateTime<Utc>,
) -> Result<i32, DbErr> {
    const UPSERT: &str = "INSERT INTO login_throttle (email, failures, window_started_at, locked_until) \
         VALUES ($1, 1, $2, NULL) \
         ON CONFLICT (email) DO UPDATE SET \
           failures = CASE WHEN login_throttle.window_started_at <= $3 \
                            OR login_throttle.locked_until <= $2 \
                      THEN 1 ELSE login_throttle.failures + 1 END, \
           locked_until = CASE WHEN login_throttle.window_started_at <= $3 \
                                OR login_throttle.locked_until <= $2 \
                          THEN NULL ELSE login_throttle.locked_until END, \
           window_started_at = CASE WHEN login_throttle.window_started_at <= $3 \
                                     OR login_throttle.locked_until <= $2 \
                               THEN $2 ELSE login_throttle.window_started_at END \
         RETURNING failures";
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            UPSERT,
            [email.into(), now.into(), window_start.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("login_throttle upsert returned no row".into()))?;
    row.try_get("", "failures")
}

/// Refuses sign-ins for `email` until `until`.
pub async fn lock(
    conn: &impl ConnectionTrait,
    email: &str,
    until: DateTime<Utc>,
) -> Result<(), DbErr> {
    LoginThrottle::update_many()
        .col_expr(
            login_throttle::Column::LockedUntil,
            sea_orm::sea_query::Expr::value(until),
        )
        .filter(login_throttle::Column::Email.eq(email))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn clear(conn: &impl ConnectionTrait, email: &str) -> Result<(), DbErr> {
    LoginThrottle::delete_by_id(email).exec(conn).await?;
    Ok(())
}

/// Forgets emails whose window began before `window_start` and that are not locked at
/// `now`, so that a flood of random emails does not stay in the table.
pub async fn purge(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    window_start: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = LoginThrottle::delete_many()
        .filter(login_throttle::Column::WindowStartedAt.lt(window_start))
        .filter(
            Condition::any()
                .add(login_throttle::Column::LockedUntil.is_null())
                .add(login_throttle::Column::LockedUntil.lte(now)),
        )
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
