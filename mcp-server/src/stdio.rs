//! The stdio transport: one user, whose API token comes from the environment.

use rmcp::ServiceExt as _;
use rmcp::service::ServerInitializeError;

use crate::api_client::{ApiClient, ApiError, ApiToken};
use crate::server::{Credentials, TodoServer};

#[derive(Debug, thiserror::Error)]
pub enum StdioError {
    #[error(
        "TODO_API_TOKEN: the API at {endpoint} does not accept the token ({reason}); \
         create a new API token"
    )]
    TokenRejected { endpoint: String, reason: String },
    #[error("the MCP client did not start a session")]
    Initialize(#[source] Box<ServerInitializeError>),
    #[error("the MCP session ended abnormally")]
    Session(#[from] tokio::task::JoinError),
}

/// Serves MCP on stdin/stdout until the client closes the stream.
pub async fn serve(api: ApiClient, token: ApiToken) -> Result<(), StdioError> {
    check_token(&api, &token).await?;
    let server = TodoServer::new(api, Credentials::Fixed(token));
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|error| StdioError::Initialize(Box::new(error)))?;
    let reason = running.waiting().await?;
    tracing::info!(?reason, "session ended");
    Ok(())
}

/// A token the API refuses is a configuration mistake worth stopping for; an API that is
/// merely down now may be up by the first tool call, which then reports it itself.
async fn check_token(api: &ApiClient, token: &ApiToken) -> Result<(), StdioError> {
    if !token.is_personal_api_token() {
        tracing::warn!(
            "TODO_API_TOKEN does not look like a personal API token (todo_...); \
             session tokens expire, so tool calls will start failing"
        );
    }
    match api.verify(token).await {
        Ok(()) => Ok(()),
        Err(ApiError::Unauthenticated(reason)) => Err(StdioError::TokenRejected {
            endpoint: api.endpoint().to_owned(),
            reason,
        }),
        Err(error) => {
            tracing::warn!(%error, "cannot check TODO_API_TOKEN now; serving anyway");
            Ok(())
        }
    }
}
