//! Agents connected by OAuth (signed in from the agent, allowed on the consent page):
//! listed with their access and last use, and disconnected at once.

use dioxus::prelude::*;

use super::credential::CredentialItem;
use crate::api::{
    AgentGrant, AgentGrantsQuery, Id, IdVars, MutationBuilder as _, QueryBuilder as _,
    RevokeAgentGrant, TokenScope, id_of, run,
};
use crate::state::{error_toast, toast, user_zone};
use crate::time;

#[component]
pub fn ConnectedAgents() -> Element {
    let mut grants = use_resource(|| async {
        run(AgentGrantsQuery::build(()))
            .await
            .map(|d| d.me.agent_grants)
    });
    let zone = user_zone();
    let list: Vec<AgentGrant> = match &*grants.read() {
        Some(Ok(list)) => list.clone(),
        _ => Vec::new(),
    };
    rsx! {
        section { class: "card", "aria-labelledby": "agents-title",
            h2 { id: "agents-title", "Connected agents" }
            p { class: "muted", "Agents that connect by URL (Claude, ChatGPT, an IDE) ask you to sign in and allow them. Disconnecting one ends its access at once." }
            if list.is_empty() {
                p { class: "muted", "No agents connected." }
            } else {
                ul { class: "token-list", "aria-label": "Connected agents",
                    for grant in list {
                        {
                            let id = id_of(&grant.id);
                            let access = if grant.scopes.contains(&TokenScope::Write) { "Read and write" } else { "Read only" }.to_owned();
                            let connected = time::full_text(&zone, &grant.created_at);
                            let used = grant.last_used_at.as_ref().map_or_else(|| "not used yet".to_owned(), |at| format!("last used {}", time::full_text(&zone, at)));
                            rsx! {
                                CredentialItem {
                                    key: "{id}",
                                    name: grant.client_name.clone(),
                                    access,
                                    detail: format!("Connected {connected}, {used}"),
                                    action: "Disconnect",
                                    on_end: move |()| {
                                        let id = id.clone();
                                        spawn(async move {
                                            match run(RevokeAgentGrant::build(IdVars { id: Id::new(id) })).await {
                                                Ok(_) => {
                                                    toast("Agent disconnected", None, None);
                                                    grants.restart();
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
