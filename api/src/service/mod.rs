//! Use cases. Each mutation runs in one database transaction, so that whatever else a
//! change must record is written atomically with it.

pub mod audit;
pub mod auth;
mod error;
pub mod pagination;
pub mod preferences;
pub mod tasks;

use std::sync::Arc;

use tokio::sync::Notify;
use uuid::Uuid;

pub use audit::AuditService;
pub use auth::{AuthConfig, AuthService};
pub use error::{ServiceError, ServiceResult};
pub use preferences::PreferencesService;
pub use tasks::TaskService;

pub use crate::domain::event::Source;
use crate::store::Db;

/// What a token lets its bearer do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "READ",
            Self::Write => "WRITE",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "READ" => Some(Self::Read),
            "WRITE" => Some(Self::Write),
            _ => None,
        }
    }
}

/// How the actor proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A signed-in session (a JWT from `login` or `register`).
    Session,
    ApiToken {
        id: Uuid,
    },
}

/// Where a request came from, recorded with the changes it makes.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub source: Source,
    pub request_id: Option<String>,
    /// W3C trace context, passed on to the events the request causes.
    pub traceparent: Option<String>,
}

/// The one user a request acts as, and with which rights.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub scope: Scope,
    pub credential: Credential,
    pub origin: Origin,
}

impl Actor {
    pub fn require_write(&self) -> ServiceResult<()> {
        match self.scope {
            Scope::Write => Ok(()),
            Scope::Read => Err(ServiceError::Forbidden(
                "this token is read-only; use a WRITE token to make changes",
            )),
        }
    }

    /// Token management needs a password sign-in: a leaked API token must not be able
    /// to mint more of itself.
    pub fn require_session(&self) -> ServiceResult<()> {
        match self.credential {
            Credential::Session => Ok(()),
            Credential::ApiToken { .. } => Err(ServiceError::Forbidden(
                "API tokens are managed from a signed-in session, not with an API token",
            )),
        }
    }
}

/// Wakes the outbox relay when a transaction has committed new events, so that they
/// go out at once rather than at the next poll.
#[derive(Clone, Default)]
pub struct OutboxSignal(Arc<Notify>);

impl OutboxSignal {
    pub fn notify(&self) {
        self.0.notify_one();
    }

    pub async fn notified(&self) {
        self.0.notified().await;
    }
}

/// The use cases, shared by every edge (GraphQL, events, and later MCP).
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub auth: AuthService,
    pub tasks: TaskService,
    pub audit: AuditService,
    pub preferences: PreferencesService,
    pub outbox_signal: OutboxSignal,
}

impl Services {
    pub fn new(db: Db, auth_config: AuthConfig, audit_retention: chrono::Duration) -> Self {
        let outbox_signal = OutboxSignal::default();
        Self {
            auth: AuthService::new(db.clone(), auth_config),
            tasks: TaskService::new(db.clone(), outbox_signal.clone()),
            audit: AuditService::new(db.clone(), audit_retention),
            preferences: PreferencesService::new(db.clone()),
            outbox_signal,
            db,
        }
    }
}
