//! An MCP server for the todo service. AI agents manage a user's tasks through tools
//! that each run one GraphQL operation with the user's own API token, so validation,
//! authorization, the audit trail and events all stay in the API.
//!
//! `api_client` talks GraphQL; `operations` are the typed queries; `args` and `model`
//! are the tools' input and output schemas; `tools` and `prompts` are what agents see;
//! `validation` holds every call to its tool's declared input schema; `response` turns
//! outcomes into MCP tool results; `server` ties them into an rmcp handler; `stdio` and
//! `http` are the transports.

pub mod api_client;
pub mod args;
pub mod config;
#[cfg(test)]
mod examples;
pub mod http;
pub mod model;
pub mod operations;
pub mod prompts;
pub mod response;
pub mod server;
pub mod stdio;
pub mod tools;
pub mod validation;
