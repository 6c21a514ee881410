//! What an agent needs to use a new token: for each kind of client, the form it takes
//! (a command, a stdio configuration, a URL with a header), with the token, the MCP
//! server's public URL and the `todo-mcp` binary's path as the server reports them.

use dioxus::prelude::*;

use crate::api::{ApiTokenPayload, QueryBuilder as _, ServerInfo, ServerInfoQuery, run};
use crate::components::js;
use crate::state::toast;

/// Where the binary is when the server does not know: a release build in the repository.
const BINARY_PLACEHOLDER: &str = "/path/to/repo/target/release/todo-mcp";

fn api_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_else(|| "http://127.0.0.1:8080".into())
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The three forms, with the token filled in.
struct Configs {
    claude_code: String,
    desktop: String,
    http: String,
}

fn configs(token: &str, server: &ServerInfo) -> Configs {
    let binary = server
        .mcp_binary_path
        .as_deref()
        .unwrap_or(BINARY_PLACEHOLDER);
    let url = &server.mcp_url;
    Configs {
        claude_code: format!(
            "claude mcp add --transport http todo {url} --header \"Authorization: Bearer {token}\""
        ),
        desktop: pretty(&serde_json::json!({
            "mcpServers": { "todo": {
                "command": binary,
                "args": ["stdio"],
                "env": { "TODO_API_URL": api_origin(), "TODO_API_TOKEN": token }
            } }
        })),
        http: pretty(&serde_json::json!({
            "mcpServers": { "todo": {
                "type": "http",
                "url": url,
                "headers": { "Authorization": format!("Bearer {token}") }
            } }
        })),
    }
}

pub fn copy(text: &str) {
    js(&format!(
        "navigator.clipboard?.writeText({})",
        serde_json::Value::String(text.to_owned())
    ));
    toast("Copied to the clipboard", None, None);
}

/// A token just made: shown once, with the configurations that use it.
#[component]
pub fn CreatedToken(payload: ApiTokenPayload) -> Element {
    let server =
        use_resource(|| async { run(ServerInfoQuery::build(())).await.map(|d| d.server_info) });
    let token = payload.token.clone();
    rsx! {
        div { class: "token-created", role: "status",
            p { strong { "“{payload.api_token.name}” is ready. " } "Copy it now: it is shown only once." }
            div { class: "copy-row",
                label { r#for: "new-token", class: "visually-hidden", "New token" }
                input { id: "new-token", class: "token-value", r#type: "text", readonly: true, value: "{token}" }
                button { class: "button", r#type: "button", onclick: {
                    let token = token.clone();
                    move |_| copy(&token)
                }, "Copy token" }
            }
            match &*server.read() {
                None => rsx! { p { class: "hint", "Loading the MCP server's address…" } },
                Some(Err(error)) => rsx! {
                    p { class: "form-error", role: "alert", "Could not load the MCP server's address: {error}" }
                },
                Some(Ok(server)) => rsx! { AgentConfigs { token: token.clone(), server: server.clone() } },
            }
        }
    }
}

#[component]
fn AgentConfigs(token: String, server: ServerInfo) -> Element {
    let Configs {
        claude_code,
        desktop,
        http,
    } = configs(&token, &server);
    let binary_known = server.mcp_binary_path.is_some();
    rsx! {
        h3 { "Claude Code" }
        p { class: "hint", "Run once in a terminal; Claude Code talks to the MCP server over HTTP with the token." }
        pre { class: "config", tabindex: "0", "{claude_code}" }
        CopyButton { text: claude_code, label: "Copy Claude Code command" }

        h3 { "Claude Desktop" }
        p { class: "hint",
            "Claude Desktop starts todo-mcp itself (stdio): add this to claude_desktop_config.json (Settings → Developer → Edit Config). "
            if binary_known {
                "The path is where this server's todo-mcp is installed."
            } else {
                "Put in the path to your todo-mcp build (cargo build --release -p mcp-server)."
            }
            " Its remote connectors sign in with OAuth, which this server does not offer, so use this form."
        }
        pre { class: "config", tabindex: "0", "{desktop}" }
        CopyButton { text: desktop, label: "Copy Claude Desktop configuration" }

        h3 { "Other clients (HTTP)" }
        p { class: "hint",
            "Clients configured with a URL and headers (Cursor, Windsurf, a project's .mcp.json) take this; some name the list differently, e.g. VS Code's \"servers\". The MCP server is at {server.mcp_url}."
        }
        pre { class: "config", tabindex: "0", "{http}" }
        CopyButton { text: http, label: "Copy HTTP configuration" }
    }
}

#[component]
fn CopyButton(text: String, label: &'static str) -> Element {
    rsx! {
        button { class: "button button-small", r#type: "button", onclick: move |_| copy(&text), "{label}" }
    }
}
