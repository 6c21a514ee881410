//! The task list: quick add, filters (kept in the address), the list with more loaded
//! on scroll.

mod filter_bar;
mod filters;
mod groups;
mod list;
mod quick_add;

use dioxus::prelude::*;

use crate::components::TaskFormDialog;
use crate::state::{NEW_TASK_OPEN, user_zone};
use filter_bar::FilterBar;
pub use filters::ListFilters;
use list::TaskList;
use quick_add::QuickAdd;

#[component]
pub fn Tasks(filters: ReadSignal<ListFilters>) -> Element {
    let mut editing = use_signal(|| None::<String>);
    let query = use_memo(move || filters.read().query(&user_zone()));
    let f = filters();
    rsx! {
        document::Title { "Tasks · Todo" }
        div { class: "page tasks-page",
            div { class: "page-head",
                h1 { "Tasks" }
                button {
                    class: "button button-primary",
                    r#type: "button",
                    "aria-keyshortcuts": "n",
                    onclick: move |_| *NEW_TASK_OPEN.write() = true,
                    "New task"
                }
            }
            QuickAdd {}
            FilterBar { filters }
            // Keyed by the query alone, so a new query mounts a new list (see
            // `TaskList`), and what does not change it (the zone arriving with the
            // preferences, folding the filters) keeps the list and its one load.
            for query in std::iter::once(query()) {
                TaskList {
                    key: "{query:?}",
                    query,
                    status: f.status,
                    narrowed: f.narrowed(),
                    grouped: f.grouped(),
                    onedit: move |id| editing.set(Some(id)),
                }
            }
        }
        if let Some(id) = editing() {
            TaskFormDialog { task_id: Some(id), onclose: move |_| editing.set(None) }
        }
    }
}
