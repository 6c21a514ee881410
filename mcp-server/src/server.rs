//! The MCP server: tools and prompts over the API, acting as one user per request.

use std::sync::Arc;

use axum::http::request::Parts;
use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::{IntoCallToolResult as _, ToolCallContext};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, prompt_handler, tool_handler};

use crate::api_client::{ApiClient, ApiToken};
use crate::operations::Operations;
use crate::response::ToolError;
use crate::validation::{CheckError, ToolValidators, integral_floats_as_integers};

const INSTRUCTIONS: &str = "Manages the signed-in user's tasks in their todo service. \
Tasks have a title, optional description, priority (LOW, NORMAL, HIGH, URGENT), labels, \
due date (RFC 3339 with offset) in an IANA time zone, and may repeat (a preset such as \
WEEKLY or any RFC 5545 RRULE). Every task is in one project (the Inbox unless another is \
named; list_projects shows them, some shared with the user) and may have subtasks. Use \
list_tasks to find tasks and their ids before changing \
them; complete_task on a repeating task returns the next occurrence, which has a new id. \
Arguments outside a tool's input schema (unknown names, values out of range) are refused \
with an error naming the argument and what it must be. The prompt `recurrence_guide` maps \
phrases like \"every other Monday\" or \"ASAP\" to arguments; `plan_my_day` plans the \
user's day from their tasks.";

/// Whose token a tool call runs with.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// stdio: one user, configured at start-up.
    Fixed(ApiToken),
    /// HTTP: each request's own bearer token, checked and put in the request's
    /// extensions by the HTTP layer before the request reaches the MCP service.
    PerRequest,
}

/// The rmcp handler. Cheap to clone: the HTTP transport makes one per request from a
/// prototype.
#[derive(Clone)]
pub struct TodoServer {
    api: ApiClient,
    credentials: Credentials,
    tool_router: ToolRouter<Self>,
    prompt_router: PromptRouter<Self>,
    /// Compiled once here; the HTTP transport's clones share them.
    validators: Arc<ToolValidators>,
}

impl TodoServer {
    pub fn new(api: ApiClient, credentials: Credentials) -> Self {
        let tool_router = Self::tool_router();
        let validators = Arc::new(ToolValidators::new(&tool_router.list_all()));
        Self {
            api,
            credentials,
            tool_router,
            prompt_router: Self::prompt_router(),
            validators,
        }
    }

    /// The API operations as the user behind this request.
    pub(crate) fn operations<'a>(&'a self, token: &'a ApiToken) -> Operations<'a> {
        Operations::new(&self.api, token)
    }

    /// The token this call acts with: the configured one (stdio), or the one the HTTP
    /// layer checked and attached to this request.
    pub(crate) fn token(
        &self,
        context: &RequestContext<RoleServer>,
    ) -> Result<ApiToken, ToolError> {
        match &self.credentials {
            Credentials::Fixed(token) => Ok(token.clone()),
            Credentials::PerRequest => context
                .extensions
                .get::<Parts>()
                .and_then(|parts| parts.extensions.get::<ApiToken>())
                .cloned()
                .ok_or(ToolError::MissingCredentials),
        }
    }
}

#[tool_handler(router = self.tool_router)]
#[prompt_handler(router = self.prompt_router)]
impl ServerHandler for TodoServer {
    /// Every call is checked against the input schema its tool declares before it runs,
    /// so no tool can accept what its schema rules out.
    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if let Some(arguments) = request.arguments.as_mut() {
            arguments.values_mut().for_each(integral_floats_as_integers);
        }
        match self
            .validators
            .check(&request.name, request.arguments.as_ref())
        {
            Ok(()) => {}
            Err(CheckError::Arguments(violations)) => {
                let error = ToolError::from_violations(violations);
                tracing::debug!(tool = %request.name, %error, "tool call refused");
                return error.into_call_tool_result();
            }
            Err(CheckError::Schema(error)) => {
                tracing::error!(tool = %request.name, %error, "tool call not checked");
                return ToolError::Broken(error.to_string()).into_call_tool_result();
            }
        }
        self.tool_router
            .call(ToolCallContext::new(self, request, context))
            .await
    }

    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_prompts()
                .build(),
        )
        .with_server_info(
            Implementation::new("todo-mcp", env!("CARGO_PKG_VERSION"))
                .with_title("Todo")
                .with_description("Tasks, recurring tasks and reminders from the todo service"),
        )
        .with_instructions(INSTRUCTIONS)
    }
}
