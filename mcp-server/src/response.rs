//! How a tool's outcome becomes an MCP tool result. Success carries the structured
//! value (checked against the tool's output schema by clients) plus a one-line summary
//! and the same JSON as text, for clients that only read text. Every failure is a tool
//! result with `isError` whose text tells the agent what to do next; none is a
//! protocol error, so the agent can correct itself.

use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock};
use serde::Serialize;

use crate::api_client::ApiError;
use crate::operations::OperationError;
use crate::validation::Violation;

/// A successful result: `value` becomes `structuredContent`.
pub struct Structured<T> {
    summary: String,
    value: T,
}

impl<T> Structured<T> {
    pub fn new(summary: impl Into<String>, value: T) -> Self {
        Self {
            summary: summary.into(),
            value,
        }
    }
}

impl<T: Serialize> IntoCallToolResult for Structured<T> {
    fn into_call_tool_result(self) -> Result<CallToolResponse, rmcp::ErrorData> {
        let value = serde_json::to_value(&self.value).map_err(|error| {
            rmcp::ErrorData::internal_error(format!("cannot serialise the result: {error}"), None)
        })?;
        let mut result = CallToolResult::structured(value);
        result.content.insert(0, ContentBlock::text(self.summary));
        Ok(result.into())
    }
}

/// A failed tool call, phrased for the agent that made it.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("Invalid argument `{argument}`: {message}. Correct it and call the tool again.")]
    InvalidArgument { argument: String, message: String },
    #[error("Invalid arguments: {0}. Correct them and call the tool again.")]
    InvalidInput(String),
    #[error(
        "No task with id {id} exists for this user: the id may be wrong or the task deleted. \
         Call list_tasks (for example with `search`) to find the task's id."
    )]
    TaskNotFound { id: String },
    #[error(
        "The todo API refused this change: {0}. Either the API token this server uses may only \
         read (READ scope; changing tasks needs a token with the WRITE scope), or the task's \
         project is shared with the user as a VIEWER (list_projects shows the user's role). \
         Tell the user."
    )]
    Forbidden(String),
    #[error(
        "The todo API does not accept the API token ({0}): it was revoked, expired or never \
         valid. Ask the user to create a new API token and reconfigure the MCP server."
    )]
    Unauthenticated(String),
    #[error(
        "The todo API is rate limiting requests ({message}); wait {retry_after_seconds} seconds and try again."
    )]
    RateLimited {
        message: String,
        retry_after_seconds: u64,
    },
    #[error(
        "The change conflicts with the task's current state: {0}. Call get_task to see the \
         current state, then decide whether to retry."
    )]
    Conflict(String),
    #[error(
        "This todo server does not support {feature} yet: its API has no such query. Nothing \
         is wrong with your arguments; tell the user the feature is not available yet."
    )]
    Unsupported { feature: &'static str },
    #[error(
        "The todo API did not understand the request ({0}): this MCP server and the API are \
         different versions. Nothing is wrong with your arguments."
    )]
    Incompatible(String),
    #[error(
        "The todo API could not be reached or failed ({0}). Nothing is wrong with your \
         arguments; try again in a moment."
    )]
    Unavailable(String),
    /// A tool whose own input schema does not compile: a bug in this server, which a unit
    /// test guards against; said as such rather than blamed on the API or the arguments.
    #[error(
        "This MCP server cannot check the arguments of this tool ({0}): a fault in the \
         server, not in your arguments. Tell the user this tool is unavailable."
    )]
    Broken(String),
    #[error("This request carries no API token. Connect with `Authorization: Bearer <API token>`.")]
    MissingCredentials,
}

impl ToolError {
    /// Phrases an API failure; `task_id` is the task the call was about, if any.
    pub fn from_api(error: ApiError, task_id: Option<&str>) -> Self {
        match error {
            ApiError::BadUserInput {
                message,
                field: Some(field),
            } => Self::InvalidArgument {
                argument: argument_name(&field).to_owned(),
                message,
            },
            ApiError::BadUserInput {
                message,
                field: None,
            } => Self::InvalidInput(message),
            ApiError::NotFound(message) => match task_id {
                Some(id) => Self::TaskNotFound { id: id.to_owned() },
                None => Self::InvalidInput(message),
            },
            ApiError::Forbidden(message) => Self::Forbidden(message),
            ApiError::Unauthenticated(message) => Self::Unauthenticated(message),
            ApiError::RateLimited {
                message,
                retry_after_seconds,
            } => Self::RateLimited {
                message,
                retry_after_seconds: retry_after_seconds.unwrap_or(60),
            },
            ApiError::Conflict(message) => Self::Conflict(message),
            ApiError::UnknownField(message) => Self::Incompatible(message),
            ApiError::Internal {
                message,
                request_id: Some(request_id),
            } => Self::Unavailable(format!("{message}; request id {request_id}")),
            ApiError::Internal { message, .. } => Self::Unavailable(message),
            error @ (ApiError::Unreachable { .. } | ApiError::Protocol(_)) => {
                Self::Unavailable(error.to_string())
            }
        }
    }

    /// A task operation's failure; `task_id` as for `from_api`. A project or label
    /// name the user does not have is an invalid argument listing the names they have.
    pub fn from_operation(error: OperationError, task_id: Option<&str>) -> Self {
        match error {
            OperationError::Api(error) => Self::from_api(error, task_id),
            OperationError::UnknownName {
                argument,
                kind,
                given,
                known,
            } => {
                let known = if known.is_empty() {
                    format!("the user has no {kind}s yet")
                } else {
                    let quoted: Vec<String> = known.iter().map(|n| format!("{n:?}")).collect();
                    format!("the user's {kind}s are {}", quoted.join(", "))
                };
                let remedy = match argument {
                    "project" => {
                        "; pass one of these names or its id, or create the project \
                                  with create_project first"
                    }
                    _ => "; pass some of these names",
                };
                Self::InvalidArgument {
                    argument: argument.to_owned(),
                    message: format!("no {kind} is named {given:?} ({known}){remedy}"),
                }
            }
        }
    }

    /// Arguments outside the tool's declared input schema, each named with what it
    /// must be.
    pub fn from_violations(violations: Vec<Violation>) -> Self {
        match <[Violation; 1]>::try_from(violations) {
            Ok([Violation { argument, message }]) => Self::InvalidArgument { argument, message },
            Err(violations) => Self::InvalidInput(
                violations
                    .iter()
                    .map(|v| format!("`{}`: {}", v.argument, v.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        }
    }

    /// For queries a newer API adds: a schema without them means "not supported yet".
    pub fn from_api_feature(error: ApiError, task_id: Option<&str>, feature: &'static str) -> Self {
        match error {
            ApiError::UnknownField(_) => Self::Unsupported { feature },
            other => Self::from_api(other, task_id),
        }
    }

    /// Whether the failure lies with the service rather than the caller's arguments.
    pub fn is_service_failure(&self) -> bool {
        matches!(
            self,
            Self::Unavailable(_)
                | Self::Incompatible(_)
                | Self::Broken(_)
                | Self::MissingCredentials
        )
    }
}

impl IntoCallToolResult for ToolError {
    fn into_call_tool_result(self) -> Result<CallToolResponse, rmcp::ErrorData> {
        Ok(CallToolResult::error(vec![ContentBlock::text(self.to_string())]).into())
    }
}

/// The API names inputs by their GraphQL path (`input.dueAt`, `filter.dueBefore`); the
/// tools take the same names without the wrapper.
fn argument_name(field: &str) -> &str {
    ["input.", "filter.", "orderBy."]
        .iter()
        .find_map(|prefix| field.strip_prefix(prefix))
        .unwrap_or(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_field_paths_become_argument_names() {
        let error = ToolError::from_api(
            ApiError::BadUserInput {
                message: "not a valid RRULE".into(),
                field: Some("input.recurrence.rrule".into()),
            },
            None,
        );
        assert_eq!(
            error.to_string(),
            "Invalid argument `recurrence.rrule`: not a valid RRULE. Correct it and call the \
             tool again."
        );
    }

    #[test]
    fn a_missing_task_names_the_id_and_the_way_out() {
        let error = ToolError::from_api(ApiError::NotFound("task not found".into()), Some("t-1"));
        let text = error.to_string();
        assert!(
            text.contains("t-1") && text.contains("list_tasks"),
            "{text}"
        );
    }

    #[test]
    fn an_unknown_project_name_lists_the_users_projects() {
        let error = ToolError::from_operation(
            OperationError::UnknownName {
                argument: "project",
                kind: "project",
                given: "Wrok".into(),
                known: vec!["Inbox".into(), "Work".into()],
            },
            None,
        );
        assert_eq!(
            error.to_string(),
            "Invalid argument `project`: no project is named \"Wrok\" (the user's projects are \
             \"Inbox\", \"Work\"); pass one of these names or its id, or create the project \
             with create_project first. Correct it and call the tool again."
        );
        let error = ToolError::from_operation(
            OperationError::UnknownName {
                argument: "labels",
                kind: "label",
                given: "urgent".into(),
                known: vec![],
            },
            None,
        );
        assert!(
            error.to_string().contains("the user has no labels yet"),
            "{error}"
        );
    }

    #[test]
    fn a_schema_without_the_feature_is_reported_as_unsupported() {
        let error = ToolError::from_api_feature(
            ApiError::UnknownField(r#"Unknown field "notifications" on type "Query"."#.into()),
            None,
            "notifications",
        );
        assert!(matches!(error, ToolError::Unsupported { .. }));
        assert!(
            error
                .to_string()
                .contains("does not support notifications yet")
        );
    }

    #[test]
    fn errors_become_is_error_results() {
        let response = ToolError::Conflict("stale".into())
            .into_call_tool_result()
            .unwrap();
        let CallToolResponse::Complete(result) = response else {
            panic!("expected a complete result");
        };
        assert_eq!(result.is_error, Some(true));
        assert!(result.structured_content.is_none());
    }
}
