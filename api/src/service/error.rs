use std::time::Duration;

use crate::domain::ValidationError;
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
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;
