//! API tokens for agents: create, list, revoke.

use dioxus::prelude::*;

use super::agent_config::CreatedToken;
use super::credential::CredentialItem;
use crate::api::{
    ApiToken, ApiTokenPayload, CreateApiToken, CreateTokenVars, Id, IdVars, MutationBuilder as _,
    QueryBuilder as _, RevokeApiToken, TokenScope, TokensQuery, id_of, run,
};
use crate::state::{error_toast, toast, user_zone};
use crate::time;

#[component]
pub fn Tokens() -> Element {
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
                CreatedToken { payload }
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
                                CredentialItem {
                                    key: "{id}",
                                    name: token.name.clone(),
                                    access: scopes,
                                    detail: format!("Created {created_at}, {used}"),
                                    action: "Revoke",
                                    on_end: move |()| {
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
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
