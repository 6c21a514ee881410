//! The one place where service errors become GraphQL errors with a stable
//! `extensions.code`.

use async_graphql::{ErrorExtensionValues, ServerError};

use crate::service::ServiceError;

pub mod code {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const CONFLICT: &str = "CONFLICT";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const INTERNAL: &str = "INTERNAL";
}

pub fn to_graphql_error(error: ServiceError) -> async_graphql::Error {
    let (code, message) = match &error {
        ServiceError::Validation(e) => (code::BAD_USER_INPUT, e.to_string()),
        ServiceError::Unauthenticated
        | ServiceError::InvalidToken
        | ServiceError::InvalidCredentials => (code::UNAUTHENTICATED, error.to_string()),
        ServiceError::TooManyAttempts { .. } => (code::RATE_LIMITED, error.to_string()),
        ServiceError::Forbidden(_) => (code::FORBIDDEN, error.to_string()),
        ServiceError::NotFound(_) => (code::NOT_FOUND, error.to_string()),
        ServiceError::Conflict(_) => (code::CONFLICT, error.to_string()),
        ServiceError::Database(_) | ServiceError::Internal(_) => {
            // The details stay in the log; clients get the request id to quote.
            tracing::error!(error = %error, source = ?std::error::Error::source(&error), "request failed");
            (code::INTERNAL, "internal error".to_owned())
        }
    };
    let mut graphql_error = async_graphql::Error::new(message);
    let extensions = graphql_error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    extensions.set("code", code);
    match &error {
        ServiceError::Validation(e) => extensions.set("field", e.field.as_ref()),
        ServiceError::TooManyAttempts { retry_after } => {
            extensions.set("retryAfterSeconds", retry_after.as_secs().max(1))
        }
        _ => {}
    }
    graphql_error
}

/// `result.gql()?` in resolvers.
pub trait GqlResultExt<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResultExt<T> for Result<T, ServiceError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_graphql_error)
    }
}

/// Gives every error a code. Errors raised by the engine itself (syntax, unknown fields,
/// wrong argument types, depth and complexity limits) are the client's to fix.
pub fn ensure_codes(errors: &mut [ServerError]) {
    for error in errors {
        let extensions = error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        if extensions.get("code").is_none() {
            extensions.set("code", code::BAD_USER_INPUT);
        }
    }
}

/// An error outside execution (bad body, bad token, wrong method), shaped like a
/// GraphQL response so clients parse it the same way.
pub fn request_error_body(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
}
