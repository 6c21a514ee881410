//! The MCP server end to end: the real `todo-mcp` binary against a real API server,
//! driven by MCP clients over stdio and streamable HTTP.
#![allow(clippy::unwrap_used)]

mod helpers;
mod http;
mod limits;
mod roles;
mod scenario;
mod stdio;
mod tls;
mod typescript;
