//! Settings: reminders, toasts, time zone, and API tokens for agents with the MCP
//! configurations ready to paste.

use dioxus::prelude::*;

use crate::api::{
    ApiToken, ApiTokenPayload, CreateApiToken, CreateTokenVars, Id, IdVars, MutationBuilder as _,
    PreferencesInput, PreferencesVars, QueryBuilder as _, RevokeApiToken, TokenScope, TokensQuery,
    UpdatePreferences, id_of, run,
};
use crate::components::js;
use crate::state::{PREFERENCES, error_toast, toast, user_zone};
use crate::time;

#[component]
pub fn Settings() -> Element {
    rsx! {
        document::Title { "Settings · Todo" }
        div { class: "page settings-page",
            div { class: "page-head", h1 { "Settings" } }
            if let Some(prefs) = PREFERENCES.read().clone() {
                PreferencesForm { key: "{prefs.time_zone}", prefs }
            } else {
                div { class: "card skeleton", "aria-busy": "true", "aria-label": "Loading preferences",
                    span { class: "skeleton-line" }
                    span { class: "skeleton-line short" }
                }
            }
            Tokens {}
        }
    }
}

#[component]
fn PreferencesForm(prefs: crate::api::Preferences) -> Element {
    let mut reminders = use_signal(|| prefs.reminders_enabled);
    let mut lead = use_signal(|| prefs.reminder_minutes_before.to_string());
    let mut toasts = use_signal(|| prefs.toast_notifications);
    let mut zone = use_signal(|| prefs.time_zone.clone());
    let mut errors = use_signal(|| None::<(String, String)>);
    let mut saving = use_signal(|| false);
    let zones = use_hook(time::all_zones);
    let browser = use_hook(time::browser_zone);
    let submit = move |event: FormEvent| {
        event.prevent_default();
        let minutes = lead()
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (5..=1440).contains(m));
        let Some(minutes) = minutes else {
            errors.set(Some(("lead".into(), "Give 5 to 1440 minutes".into())));
            return;
        };
        let input = PreferencesInput {
            reminders_enabled: Some(reminders()),
            reminder_minutes_before: Some(minutes),
            toast_notifications: Some(toasts()),
            time_zone: Some(zone().trim().to_owned()),
        };
        spawn(async move {
            saving.set(true);
            match run(UpdatePreferences::build(PreferencesVars { input })).await {
                Ok(data) => {
                    errors.set(None);
                    *PREFERENCES.write() = Some(data.update_preferences);
                    toast("Settings saved", None, None);
                }
                Err(e) => {
                    let field = match e.field.as_deref() {
                        Some("input.timeZone") => "zone",
                        Some(_) => "lead",
                        None => "form",
                    };
                    errors.set(Some((field.into(), e.message)));
                }
            }
            saving.set(false);
        });
    };
    let error_for = |field: &str| errors().filter(|(f, _)| f == field).map(|(_, m)| m);
    rsx! {
        section { class: "card", "aria-labelledby": "prefs-title",
            h2 { id: "prefs-title", "Reminders and time" }
            form { class: "settings-form", novalidate: true, onsubmit: submit,
                if let Some(message) = error_for("form") { p { class: "form-error", role: "alert", "{message}" } }
                label { class: "check-field",
                    input { r#type: "checkbox", checked: reminders(), onchange: move |e| reminders.set(e.checked()) }
                    "Remind me before tasks are due"
                }
                div { class: "field",
                    label { r#for: "lead", "Lead time (minutes)" }
                    input { id: "lead", r#type: "number", min: "5", max: "1440", value: "{lead}",
                        "aria-describedby": "lead-error lead-hint",
                        oninput: move |e| lead.set(e.value()) }
                    p { id: "lead-hint", class: "hint", "5 to 1440 minutes; a task can set its own." }
                    p { id: "lead-error", class: "field-error", if let Some(m) = error_for("lead") { "{m}" } }
                }
                label { class: "check-field",
                    input { r#type: "checkbox", checked: toasts(), onchange: move |e| toasts.set(e.checked()) }
                    "Show reminders as toasts"
                }
                div { class: "field",
                    label { r#for: "zone", "Time zone" }
                    input { id: "zone", r#type: "search", list: "zones", autocomplete: "off", value: "{zone}",
                        "aria-describedby": "zone-error zone-hint",
                        oninput: move |e| zone.set(e.value()) }
                    datalist { id: "zones", for z in zones.iter() { option { value: "{z}" } } }
                    p { id: "zone-hint", class: "hint",
                        "Type to search. This browser is in {browser}. "
                        if zone() != browser {
                            button { class: "link-button", r#type: "button", onclick: {
                                let browser = browser.clone();
                                move |_| zone.set(browser.clone())
                            }, "Use {browser}" }
                        }
                    }
                    p { id: "zone-error", class: "field-error", if let Some(m) = error_for("zone") { "{m}" } }
                }
                div { class: "form-actions",
                    button { class: "button button-primary", r#type: "submit", disabled: saving(), "Save settings" }
                }
            }
        }
    }
}

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

#[component]
fn Tokens() -> Element {
    let mut tokens =
        use_resource(|| async { run(TokensQuery::build(())).await.map(|d| d.me.api_tokens) });
    let mut name = use_signal(|| "Claude".to_owned());
    let mut scope = use_signal(|| TokenScope::Write);
    let mut created = use_signal(|| None::<ApiTokenPayload>);
    let mut error = use_signal(|| None::<String>);
    let create = move |event: FormEvent| {
        event.prevent_default();
        spawn(async move {
            match run(CreateApiToken::build(CreateTokenVars {
                name: name(),
                scopes: vec![scope()],
            }))
            .await
            {
                Ok(data) => {
                    created.set(Some(data.create_api_token));
                    error.set(None);
                    tokens.restart();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let list: Vec<ApiToken> = match &*tokens.read() {
        Some(Ok(list)) => list
            .iter()
            .filter(|t| t.revoked_at.is_none())
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let zone = user_zone();
    rsx! {
        section { class: "card", "aria-labelledby": "tokens-title",
            h2 { id: "tokens-title", "API tokens for agents" }
            p { class: "muted", "AI agents and scripts act as you with a token. A read token can only look; a write token can change tasks too." }
            form { class: "token-form", onsubmit: create,
                div { class: "field",
                    label { r#for: "token-name", "Token name" }
                    input { id: "token-name", r#type: "text", required: true, value: "{name}", oninput: move |e| name.set(e.value()) }
                }
                div { class: "choice-row", role: "radiogroup", "aria-label": "Access",
                    span { class: "choice-label", "Access" }
                    label { class: "choice",
                        input { r#type: "radio", name: "scope", checked: scope() == TokenScope::Read, onchange: move |_| scope.set(TokenScope::Read) }
                        "Read"
                    }
                    label { class: "choice",
                        input { r#type: "radio", name: "scope", checked: scope() == TokenScope::Write, onchange: move |_| scope.set(TokenScope::Write) }
                        "Write"
                    }
                }
                button { class: "button button-primary", r#type: "submit", "Create token" }
            }
            if let Some(message) = error() { p { class: "form-error", role: "alert", "{message}" } }
            if let Some(payload) = created() {
                {
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
            }
            h3 { "Your tokens" }
            if list.is_empty() {
                p { class: "muted", "No tokens yet." }
            } else {
                ul { class: "token-list",
                    for token in list {
                        {
                            let id = id_of(&token.id);
                            let scopes = token.scopes.iter().map(|s| match s { TokenScope::Read => "Read", TokenScope::Write => "Write" }).collect::<Vec<_>>().join(", ");
                            let created_at = time::full_text(&zone, &token.created_at);
                            let used = token.last_used_at.as_ref().map_or_else(|| "never used".to_owned(), |at| format!("last used {}", time::full_text(&zone, at)));
                            rsx! {
                                li { key: "{id}", class: "token-item",
                                    div {
                                        p { class: "token-name", "{token.name}" span { class: "badge", "{scopes}" } }
                                        p { class: "muted small", "Created {created_at}, {used}" }
                                    }
                                    button {
                                        class: "button button-small button-danger",
                                        r#type: "button",
                                        "aria-label": "Revoke “{token.name}”",
                                        onclick: move |_| {
                                            let id = id.clone();
                                            spawn(async move {
                                                match run(RevokeApiToken::build(IdVars { id: Id::new(id) })).await {
                                                    Ok(_) => {
                                                        toast("Token revoked", None, None);
                                                        tokens.restart();
                                                    }
                                                    Err(e) => error_toast(e.message),
                                                }
                                            });
                                        },
                                        "Revoke"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
