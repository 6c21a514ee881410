//! What the deployment tells its own clients about itself: where agents reach the MCP
//! server, so that the web UI's agent page shows configurations that work.

use async_graphql::{Context, Object, SimpleObject};

use super::ContextExt as _;
use crate::config::McpInfo;

pub struct ServerInfoQuery;

#[derive(SimpleObject)]
pub struct ServerInfo {
    /// The MCP server's streamable HTTP endpoint (`TODO_MCP_PUBLIC_URL`).
    pub mcp_url: String,
    /// The `todo-mcp` binary beside the API's own, for clients that start it over
    /// stdio; null when there is none.
    pub mcp_binary_path: Option<String>,
}

#[Object]
impl ServerInfoQuery {
    /// Where agents reach the MCP server. Needs a signed-in user.
    async fn server_info(&self, ctx: &Context<'_>) -> async_graphql::Result<ServerInfo> {
        ctx.actor()?;
        let mcp = ctx.data::<McpInfo>()?;
        Ok(ServerInfo {
            mcp_url: mcp.public_url.clone(),
            mcp_binary_path: mcp
                .binary_path
                .as_ref()
                .map(|path| path.display().to_string()),
        })
    }
}
