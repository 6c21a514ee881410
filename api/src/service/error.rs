use std::time::Duration;

use crate::domain::ValidationError;
use crate::domain::event::EventError;
use crate::store::StoreDbError;

/// Everything a use case can refuse or fail with. The GraphQL edge maps each variant to
/// one stable error code; nothing below the edge knows about transports.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error("sign in first: send Authorization: Bearer <token>")]
    Unauthenticated,
    #[error("invalid or expired token")]
    InvalidToken,
    /// A refresh token that no longer continues a session: the message says why.
    #[error("{0}; sign in again")]
    SessionEnded(&'static str),
    /// One message for a wrong password and an unknown email alike.
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("too many failed sign-ins for this email; try again in {} s", retry_after.as_secs().max(1))]
    TooManyAttempts { retry_after: Duration },
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(&'static str),
    #[error("database error")]
    Database(#[from] StoreDbError),
    /// A failure no caller can fix; the cause (with its context) goes to the log.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Why a consumer could not apply an event.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The event can never be applied; retrying will not help.
    #[error(transparent)]
    Malformed(#[from] EventError),
    /// Storage failed; applying it again later may succeed.
    #[error("storage failed: {0}")]
    Storage(#[from] StoreDbError),
}
