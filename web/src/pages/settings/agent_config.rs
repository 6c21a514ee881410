//! What an agent needs to use a new token: the MCP configurations with it filled in.

use dioxus::prelude::*;

use crate::api::ApiTokenPayload;
use crate::components::js;
use crate::state::toast;

fn mcp_url() -> String {
    let host = web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .unwrap_or_else(|| "127.0.0.1".into());
    format!("http://{host}:8081/mcp")
}

fn api_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_else(|| "http://127.0.0.1:8080".into())
}

/// The configurations an agent needs, with the token filled in.
fn configs(token: &str) -> (String, String) {
    let desktop = serde_json::json!({
        "mcpServers": { "todo": {
            "command": "/path/to/repo/target/release/todo-mcp",
            "args": ["stdio"],
            "env": { "TODO_API_URL": api_origin(), "TODO_API_TOKEN": token }
        } }
    });
    let http = serde_json::json!({
        "mcpServers": { "todo": {
            "url": mcp_url(),
            "headers": { "Authorization": format!("Bearer {token}") }
        } }
    });
    (
        serde_json::to_string_pretty(&desktop).unwrap_or_default(),
        serde_json::to_string_pretty(&http).unwrap_or_default(),
    )
}

fn copy(text: &str) {
    js(&format!(
        "navigator.clipboard?.writeText({})",
        serde_json::Value::String(text.to_owned())
    ));
    toast("Copied to the clipboard", None, None);
}

/// A token just made: shown once, with the configurations that use it.
#[component]
pub fn CreatedToken(payload: ApiTokenPayload) -> Element {
    let (desktop, http) = configs(&payload.token);
    let token = payload.token.clone();
    rsx! {
        div { class: "token-created", role: "status",
            p { strong { "“{payload.api_token.name}” is ready. " } "Copy it now: it is shown only once." }
            div { class: "copy-row",
                label { r#for: "new-token", class: "visually-hidden", "New token" }
                input { id: "new-token", class: "token-value", r#type: "text", readonly: true, value: "{token}" }
                button { class: "button", r#type: "button", onclick: move |_| copy(&token), "Copy token" }
            }
            h3 { "Claude Desktop (stdio)" }
            p { class: "hint", "Add to claude_desktop_config.json, with the path to your todo-mcp build." }
            pre { class: "config", "{desktop}" }
            button { class: "button button-small", r#type: "button", onclick: {
                let desktop = desktop.clone();
                move |_| copy(&desktop)
            }, "Copy Claude Desktop configuration" }
            h3 { "HTTP (streamable MCP)" }
            p { class: "hint", "For clients configured with a URL; scripts/run serves MCP on port 8081." }
            pre { class: "config", "{http}" }
            button { class: "button button-small", r#type: "button", onclick: {
                let http = http.clone();
                move |_| copy(&http)
            }, "Copy HTTP configuration" }
        }
    }
}
