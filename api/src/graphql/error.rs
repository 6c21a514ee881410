//! The one place where service errors become GraphQL errors with a stable
//! `extensions.code`.

use async_graphql::{ErrorExtensionValues, ServerError};

use crate::service::ServiceError;

pub mod code {
    /// Each code, as a constant named as its value, and `ALL` of them: one list, so that
    /// a new code has its metric series from the start (`graphql::metrics`).
    macro_rules! codes {
        ($($(#[$doc:meta])* $name:ident,)+) => {
            $($(#[$doc])* pub const $name: &str = stringify!($name);)+
            /// Every code this service reports.
            pub const ALL: &[&str] = &[$($name),+];
        };
    }

    codes! {
        UNAUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        BAD_USER_INPUT,
        CONFLICT,
        RATE_LIMITED,
        INTERNAL,
        /// The engine refused the document before running it: syntax, unknown fields or
        /// arguments, values of the wrong type, depth and complexity limits.
        GRAPHQL_VALIDATION_FAILED,
    }
}

pub fn to_graphql_error(error: ServiceError) -> async_graphql::Error {
    let (code, message) = match &error {
        ServiceError::Validation(e) => (code::BAD_USER_INPUT, e.to_string()),
        ServiceError::Unauthenticated
        | ServiceError::InvalidToken
        | ServiceError::SessionEnded(_)
        | ServiceError::InvalidCredentials => (code::UNAUTHENTICATED, error.to_string()),
        ServiceError::TooManyAttempts { .. } => (code::RATE_LIMITED, error.to_string()),
        ServiceError::Forbidden(_) => (code::FORBIDDEN, error.to_string()),
        ServiceError::NotFound(_) => (code::NOT_FOUND, error.to_string()),
        ServiceError::Conflict(_) => (code::CONFLICT, error.to_string()),
        ServiceError::Database(_) | ServiceError::Internal(_) => {
            // Logged here, once, with every cause; clients get the request id to quote.
            tracing::error!(error = %chain(&error), "request failed");
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

/// An error and its causes, outermost first: "database error: connection refused".
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

/// `result.gql()?` in resolvers.
pub trait GqlResultExt<T> {
    fn gql(self) -> async_graphql::Result<T>;

    /// For a use case fed from one argument: a refused field is named inside it
    /// (`input.title`), as clients address it.
    fn gql_in(self, argument: &str) -> async_graphql::Result<T>;
}

impl<T, E: Into<ServiceError>> GqlResultExt<T> for Result<T, E> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|error| to_graphql_error(error.into()))
    }

    fn gql_in(self, argument: &str) -> async_graphql::Result<T> {
        self.map_err(|error| {
            to_graphql_error(match error.into() {
                ServiceError::Validation(e) => ServiceError::Validation(e.within(argument)),
                other => other,
            })
        })
    }
}

/// The code of an error in a response. Every error this service raises has one; the
/// rest are the engine's own.
pub fn code_of(error: &ServerError) -> &str {
    error
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("code"))
        .and_then(|value| match value {
            async_graphql::Value::String(code) => Some(code.as_str()),
            _ => None,
        })
        .unwrap_or(code::GRAPHQL_VALIDATION_FAILED)
}

/// Gives every error a code: the engine's errors get `GRAPHQL_VALIDATION_FAILED`.
pub fn ensure_codes(errors: &mut [ServerError]) {
    for error in errors {
        let code = code_of(error).to_owned();
        error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default)
            .set("code", code);
    }
}

/// An error outside execution (bad body, bad token, wrong method), shaped like a
/// GraphQL response so clients parse it the same way.
pub fn request_error_body(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
}
