//! Use cases. Each mutation runs in one database transaction, so that whatever else a
//! change must record is written atomically with it.

pub mod auth;
mod error;
pub mod pagination;
pub mod tasks;

use uuid::Uuid;

pub use auth::{AuthConfig, AuthService};
pub use error::{ServiceError, ServiceResult};
pub use tasks::TaskService;

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

/// The channel a change came through; recorded with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    Web,
    #[default]
    Graphql,
    Mcp,
    System,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "WEB",
            Self::Graphql => "GRAPHQL",
            Self::Mcp => "MCP",
            Self::System => "SYSTEM",
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

/// The one user a request acts as, and with which rights.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub scope: Scope,
    pub credential: Credential,
    pub source: Source,
    pub request_id: Option<String>,
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

/// The use cases, shared by every edge (GraphQL, and later MCP and events).
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub auth: AuthService,
    pub tasks: TaskService,
}

impl Services {
    pub fn new(db: Db, auth_config: AuthConfig) -> Self {
        Self {
            auth: AuthService::new(db.clone(), auth_config),
            tasks: TaskService::new(db.clone()),
            db,
        }
    }
}
