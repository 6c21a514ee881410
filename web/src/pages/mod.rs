//! One module a page.

mod activity;
mod auth;
mod authorize;
mod detail;
mod settings;
mod tasks;

use dioxus::prelude::*;

pub use activity::Activity;
pub use auth::{SignIn, SignUp};
pub use authorize::{AuthorizationQuery, Authorize};
pub use detail::TaskDetail;
pub use settings::Settings;
pub use tasks::{ListFilters, Tasks};

use crate::Route;

#[component]
pub fn NotFound(segments: Vec<String>) -> Element {
    let path = segments.join("/");
    rsx! {
        document::Title { "Not found · Todo" }
        main { class: "auth-page",
            div { class: "auth-card",
                h1 { "Nothing here" }
                p { "The page /{path} does not exist." }
                Link { class: "button button-primary", to: Route::default_tasks(), "Go to your tasks" }
            }
        }
    }
}
