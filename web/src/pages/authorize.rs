//! The consent page agents send people to (`/oauth/authorize` hands over to it): who
//! asks, where the answer goes, and for what access; "Allow" or "Deny". Signing in
//! comes first when needed, and returns here.

use std::fmt;

use dioxus::prelude::*;

use crate::Route;
use crate::api::{
    AgentAuthorizationQuery, AgentAuthorizationVars, AgentConsent, AnswerAgentAuthorization,
    AnswerAgentVars, MutationBuilder as _, QueryBuilder as _, TokenScope, run,
};
use crate::session::{self, SESSION};
use crate::state::RETURN_TO;

/// The authorization request's query string, kept exactly as the agent sent it: the
/// server checks it again when the person answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthorizationQuery(String);

impl From<&str> for AuthorizationQuery {
    fn from(query: &str) -> Self {
        Self(query.trim_start_matches('?').to_owned())
    }
}

impl fmt::Display for AuthorizationQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[component]
pub fn Authorize(request: AuthorizationQuery) -> Element {
    let nav = navigator();
    let signed_in = SESSION.read().is_some();
    use_effect(move || {
        if SESSION.read().is_none() {
            *RETURN_TO.write() = crate::components::current_path();
            nav.replace(Route::SignIn {});
        }
    });
    rsx! {
        document::Title { "Connect an agent · Todo" }
        main { class: "auth-page",
            div { class: "auth-card consent-card",
                p { class: "brand auth-brand", span { class: "brand-mark", "aria-hidden": "true", "✓" } "Todo" }
                if signed_in {
                    Consent { request }
                }
            }
        }
    }
}

#[component]
fn Consent(request: AuthorizationQuery) -> Element {
    let query = request.0.clone();
    let asked = use_resource(move || {
        let query = query.clone();
        async move {
            run(AgentAuthorizationQuery::build(AgentAuthorizationVars {
                query,
            }))
            .await
            .map(|data| data.agent_authorization)
        }
    });
    match &*asked.read() {
        None => rsx! {
            div { class: "skeleton", "aria-busy": "true", "aria-label": "Checking the request",
                span { class: "skeleton-line" }
                span { class: "skeleton-line short" }
            }
        },
        Some(Err(error)) => rsx! {
            h1 { "This agent cannot connect" }
            p { role: "alert", class: "form-error", "{error.message}" }
            p { class: "muted", "Nothing was shared with it. Start again from the agent." }
            Link { class: "button", to: Route::default_tasks(), "Go to your tasks" }
        },
        Some(Ok(consent)) => {
            rsx! { Question { consent: consent.clone(), query: request.0.clone() } }
        }
    }
}

#[component]
fn Question(consent: AgentConsent, query: String) -> Element {
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    let writes = consent.scopes.contains(&TokenScope::Write);
    let email = session::email().unwrap_or_default();
    let answer = move |allow: bool| {
        let query = query.clone();
        spawn(async move {
            busy.set(true);
            match run(AnswerAgentAuthorization::build(AnswerAgentVars {
                query,
                allow,
            }))
            .await
            {
                // Back to the agent, with a code or with the refusal.
                Ok(data) => {
                    if let Some(window) = web_sys::window()
                        && window
                            .location()
                            .set_href(&data.answer_agent_authorization)
                            .is_ok()
                    {
                        return;
                    }
                    error.set(Some(
                        "The browser would not go back to the agent.".to_owned(),
                    ));
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let answer_deny = answer.clone();
    let answer_allow = answer;
    rsx! {
        h1 { "Connect “{consent.client_name}”?" }
        p { "An AI agent called " strong { "{consent.client_name}" } " asks to use your tasks as you." }
        section { "aria-labelledby": "consent-access",
            h2 { id: "consent-access", class: "consent-heading", "It will be able to" }
            ul { class: "consent-list",
                li { "See your tasks, projects and labels" }
                if writes {
                    li { "Add, change, complete and delete tasks" }
                }
            }
            p { class: "muted small",
                if writes { "Access: read and write." } else { "Access: read only." }
            }
        }
        p { class: "consent-host",
            "After you answer, you go back to "
            strong { "{consent.redirect_host}" }
            ". Allow only if you started this from that agent."
        }
        if !email.is_empty() {
            p { class: "muted small", "Signed in as {email}. You can disconnect it any time in Settings." }
        }
        if let Some(message) = error() {
            p { class: "form-error", role: "alert", "{message}" }
        }
        div { class: "consent-actions",
            button { class: "button", r#type: "button", disabled: busy(), onclick: move |_| answer_deny(false), "Deny" }
            button { class: "button button-primary", r#type: "button", disabled: busy(), onclick: move |_| answer_allow(true), "Allow" }
        }
    }
}
