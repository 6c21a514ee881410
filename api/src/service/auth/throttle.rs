//! Slows down password guessing: after a few failed sign-ins for one email, further
//! attempts for it are refused for a while, whether or not the account exists.
//!
//! The count lives in the database, so every replica sees the same one: more replicas
//! give a guesser no more attempts.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::service::ServiceError;
use crate::store::{self, Db};

const MAX_FAILURES: i32 = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);
const LOCKOUT: Duration = Duration::from_secs(15 * 60);

#[derive(Clone)]
pub struct LoginThrottle {
    db: Db,
}

impl LoginThrottle {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    pub async fn check(&self, email: &str, now: DateTime<Utc>) -> Result<(), ServiceError> {
        match store::login_throttle::locked_until(self.db.reader(), email, now).await? {
            Some(until) => Err(ServiceError::TooManyAttempts {
                retry_after: (until - now).to_std().unwrap_or(Duration::ZERO),
            }),
            None => Ok(()),
        }
    }

    pub async fn failed(&self, email: &str, now: DateTime<Utc>) -> Result<(), ServiceError> {
        let failures =
            store::login_throttle::record_failure(self.db.writer(), email, now, now - WINDOW)
                .await?;
        if failures >= MAX_FAILURES {
            store::login_throttle::lock(self.db.writer(), email, now + LOCKOUT).await?;
            tracing::warn!("sign-ins for an email locked after repeated failures");
        }
        Ok(())
    }

    pub async fn succeeded(&self, email: &str) -> Result<(), ServiceError> {
        store::login_throttle::clear(self.db.writer(), email).await?;
        Ok(())
    }

    /// Forgets counts that no longer matter; run with the other retention work.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, ServiceError> {
        Ok(store::login_throttle::purge(self.db.writer(), now, now - WINDOW).await?)
    }
}
