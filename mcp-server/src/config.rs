//! The command line, with environment fallbacks.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api_client::ApiToken;

#[derive(Debug, Parser)]
#[command(
    name = "todo-mcp",
    version,
    about = "MCP server for the todo service: lets AI agents manage a user's tasks"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Base URL of the todo API (the service, without /graphql).
    #[arg(
        long,
        env = "TODO_API_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub api_url: String,
    /// A PEM file of CA certificates to trust, besides the system's, for an https API
    /// URL (a private CA in front of the API).
    #[arg(long, env = "TODO_API_CA_CERT", global = true)]
    pub api_ca_cert: Option<std::path::PathBuf>,
    /// Log line format (logs go to stderr; stdout belongs to the stdio transport).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve one user over stdin/stdout, for a local MCP client such as Claude Desktop.
    Stdio(StdioArgs),
    /// Serve streamable HTTP at /mcp; each client authenticates with its own API token.
    Http(HttpArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct StdioArgs {
    /// The user's API token (`todo_...`). Prefer the environment variable: command lines
    /// are visible to other local users.
    #[arg(long, env = "TODO_API_TOKEN", hide_env_values = true, value_parser = api_token)]
    pub token: ApiToken,
}

fn api_token(text: &str) -> Result<ApiToken, &'static str> {
    ApiToken::parse(text).ok_or("must be a token without spaces")
}

#[derive(Debug, Args)]
pub struct HttpArgs {
    /// Address to listen on.
    #[arg(long, env = "TODO_MCP_LISTEN", default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,
    /// Host names (optionally host:port) that requests may be addressed to; guards
    /// against DNS rebinding. Add the public name when serving behind a proxy or in a
    /// container. `*` allows any.
    #[arg(
        long = "allowed-host",
        env = "TODO_MCP_ALLOWED_HOSTS",
        value_delimiter = ',',
        default_value = "localhost,127.0.0.1,::1"
    )]
    pub allowed_hosts: Vec<String>,
    /// Browser origins allowed to call the server (`scheme://host[:port]`, `:*` for any
    /// port). Requests without an Origin header (non-browser clients) are always
    /// accepted; other origins get 403. `*` allows any.
    #[arg(
        long = "allowed-origin",
        env = "TODO_MCP_ALLOWED_ORIGINS",
        value_delimiter = ',',
        default_value = "http://localhost:*,http://127.0.0.1:*,http://[::1]:*"
    )]
    pub allowed_origins: Vec<String>,
    /// Where agents reach this server's /mcp, as they should name it when they ask for
    /// a token (the API must be given the same URL). Default: this listener's address.
    #[arg(long, env = "TODO_MCP_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The authorization server agents sign in with: the API's public URL, as browsers
    /// reach it. Default: the API URL.
    #[arg(long, env = "TODO_PUBLIC_URL")]
    pub authorization_server: Option<String>,
}

/// What an allow-list setting amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowList {
    Any,
    Only(Vec<String>),
}

impl AllowList {
    pub fn from_entries(entries: &[String]) -> Self {
        let entries: Vec<String> = entries
            .iter()
            .map(|entry| entry.trim().to_owned())
            .filter(|entry| !entry.is_empty())
            .collect();
        if entries.iter().any(|entry| entry == "*") {
            Self::Any
        } else {
            Self::Only(entries)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_defaults_are_loopback_only() {
        let cli = Cli::try_parse_from(["todo-mcp", "http"]).unwrap();
        let Command::Http(args) = cli.command else {
            panic!("expected http");
        };
        assert_eq!(args.listen.to_string(), "127.0.0.1:8081");
        assert_eq!(
            AllowList::from_entries(&args.allowed_hosts),
            AllowList::Only(vec!["localhost".into(), "127.0.0.1".into(), "::1".into()])
        );
        assert_eq!(args.allowed_origins.len(), 3);
    }

    #[test]
    fn allow_lists_take_commas_and_a_wildcard() {
        let cli = Cli::try_parse_from([
            "todo-mcp",
            "http",
            "--allowed-host",
            "todo.example.com, localhost",
            "--allowed-origin",
            "*",
        ])
        .unwrap();
        let Command::Http(args) = cli.command else {
            panic!("expected http");
        };
        assert_eq!(
            AllowList::from_entries(&args.allowed_hosts),
            AllowList::Only(vec!["todo.example.com".into(), "localhost".into()])
        );
        assert_eq!(
            AllowList::from_entries(&args.allowed_origins),
            AllowList::Any
        );
    }

    #[test]
    fn stdio_needs_a_token() {
        let error = Cli::try_parse_from(["todo-mcp", "stdio"]).unwrap_err();
        assert!(error.to_string().contains("--token"), "{error}");
    }
}
