//! The web UI: a Dioxus app on the public GraphQL API, built for wasm32 and served by
//! `todo-api serve` at `/`.

mod api;
mod components;
mod form;
mod live;
mod pages;
mod session;
mod state;
mod store;
mod time;

use dioxus::prelude::*;

use components::Shell;
use pages::{Activity, NotFound, Settings, SignIn, SignUp, TaskDetail, Tasks};

#[derive(Routable, Clone, Debug, PartialEq)]
#[rustfmt::skip]
pub enum Route {
    #[route("/signin")]
    SignIn {},
    #[route("/signup")]
    SignUp {},
    #[layout(Shell)]
        #[route("/")]
        Tasks {},
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

fn main() {
    dioxus::launch(App);
}

#[component]
fn App() -> Element {
    rsx! {
        Router::<Route> {}
    }
}
