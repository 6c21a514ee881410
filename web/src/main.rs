//! The web UI: a Dioxus app on the public GraphQL API, built for wasm32 and served by
//! `todo-api serve` at `/`.

mod api;
mod components;
mod crash;
#[cfg(test)]
mod documents;
mod drafts;
mod form;
mod live;
mod offline;
mod organise;
mod pages;
mod session;
mod state;
mod store;
mod time;

use dioxus::prelude::*;

use components::Shell;
use pages::{
    Activity, AuthorizationQuery, Authorize, ListFilters, NotFound, Settings, SignIn, SignUp,
    TaskDetail, Tasks,
};

#[derive(Routable, Clone, Debug, PartialEq)]
#[rustfmt::skip]
pub enum Route {
    #[route("/signin")]
    SignIn {},
    #[route("/signup")]
    SignUp {},
    // An agent's authorization request, as `/oauth/authorize` passed it on.
    #[route("/authorize?:..request")]
    Authorize { request: AuthorizationQuery },
    #[layout(Shell)]
        // The list's filters are its address's query: `/?status=done&q=rent`.
        #[route("/?:..filters")]
        Tasks { filters: ListFilters },
        #[route("/tasks/:id")]
        TaskDetail { id: String },
        #[route("/activity")]
        Activity {},
        #[route("/settings")]
        Settings {},
    #[end_layout]
    #[route("/:..segments")]
    NotFound { segments: Vec<String> },
}

impl Route {
    /// The list as it opens: open tasks, newest first.
    pub fn default_tasks() -> Self {
        Self::Tasks {
            filters: ListFilters::default(),
        }
    }
}

fn main() {
    crash::install();
    dioxus::launch(App);
}

#[component]
fn App() -> Element {
    use_context_provider(|| Store::new(store::TaskStore::default()));
    rsx! {
        ErrorBoundary { handle_error: crash::fallback,
            crash::TestFailure {}
            Router::<Route> {}
        }
    }
}
