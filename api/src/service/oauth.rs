//! The authorization server for agents that connect to the MCP server by URL (issue
//! 31). So far: dynamic client registration (RFC 7591), rate-limited.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::{ServiceError, ServiceResult, now};
use crate::domain::oauth::{Client, OAuthError, Registration};
use crate::store::{self, Db};

/// Registrations one replica accepts per minute: agents register once per install, so
/// more means a script hammering the endpoint.
const REGISTRATIONS_PER_MINUTE: usize = 30;
const WINDOW: Duration = Duration::from_secs(60);

/// Why a registration did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    #[error(transparent)]
    Refused(#[from] OAuthError),
    #[error("too many registrations; try again in {} s", retry_after.as_secs().max(1))]
    TooMany { retry_after: Duration },
    #[error(transparent)]
    Service(#[from] ServiceError),
}

#[derive(Clone)]
pub struct OAuthService {
    db: Db,
    /// When this replica accepted its recent registrations, oldest first.
    recent: Arc<Mutex<VecDeque<Instant>>>,
}

impl OAuthService {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            recent: Arc::default(),
        }
    }

    /// Registers a public client from its RFC 7591 metadata.
    pub async fn register(&self, registration: &Registration) -> Result<Client, RegistrationError> {
        let (name, redirect_uris) = registration.check()?;
        self.admit(Instant::now())?;
        let client = Client {
            id: Uuid::now_v7(),
            name,
            redirect_uris,
            created_at: now(),
        };
        store::oauth_clients::insert(self.db.writer(), &client)
            .await
            .map_err(ServiceError::from)?;
        Ok(client)
    }

    pub async fn client(&self, id: Uuid) -> ServiceResult<Option<Client>> {
        Ok(store::oauth_clients::find(self.db.reader(), id).await?)
    }

    /// Counts a registration in the window, or says when the next one is allowed.
    fn admit(&self, at: Instant) -> Result<(), RegistrationError> {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while recent
            .front()
            .is_some_and(|first| at.duration_since(*first) >= WINDOW)
        {
            recent.pop_front();
        }
        if recent.len() >= REGISTRATIONS_PER_MINUTE {
            let oldest = recent.front().copied().unwrap_or(at);
            return Err(RegistrationError::TooMany {
                retry_after: WINDOW.saturating_sub(at.duration_since(oldest)),
            });
        }
        recent.push_back(at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_replica_admits_thirty_registrations_a_minute() {
        let db = Db::connect_with("sqlite::memory:", Some(1))
            .await
            .expect("a database");
        let service = OAuthService::new(db);
        let start = Instant::now();
        for _ in 0..REGISTRATIONS_PER_MINUTE {
            assert!(service.admit(start).is_ok());
        }
        match service.admit(start + Duration::from_secs(20)) {
            Err(RegistrationError::TooMany { retry_after }) => {
                assert_eq!(retry_after, Duration::from_secs(40));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(service.admit(start + WINDOW).is_ok(), "the window moved on");
    }
}
