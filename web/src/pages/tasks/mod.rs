//! The task list: quick add, filters (kept in the address), the list with more loaded
//! on scroll.

mod filter_bar;
mod filters;
mod groups;
mod list;
mod project;
mod quick_add;

use dioxus::prelude::*;

use crate::components::TaskFormDialog;
use crate::organise::{self, can_edit};
use crate::state::{NEW_TASK_OPEN, user_zone};
use filter_bar::FilterBar;
pub use filters::ListFilters;
use list::TaskList;
use project::ProjectActions;
use quick_add::QuickAdd;

#[component]
pub fn Tasks(filters: ReadSignal<ListFilters>) -> Element {
    let mut editing = use_signal(|| None::<String>);
    let query = use_memo(move || filters.read().query(&user_zone()));
    let f = filters();
    // The project view: the list narrowed to one project, named by it.
    let project = (!f.project.is_empty())
        .then(|| organise::project(&f.project))
        .flatten();
    let label = (!f.label.is_empty())
        .then(|| organise::label(&crate::api::Id::new(f.label.clone())))
        .flatten();
    let heading = match (&project, &label) {
        (Some(p), _) => p.name.clone(),
        (None, Some(l)) => format!("Label: {}", l.name),
        (None, None) => "Tasks".to_owned(),
    };
    let writable = project.as_ref().is_none_or(|p| can_edit(p.role));
    rsx! {
        document::Title { "{heading} · Todo" }
        div { class: "page tasks-page",
            div { class: "page-head",
                h1 {
                    if let Some(p) = &project {
                        span { class: "dot-color dot-large", style: "background: {organise::css_color(p.color.as_deref())}", "aria-hidden": "true" }
                    }
                    "{heading}"
                    if project.as_ref().is_some_and(|p| p.archived) {
                        " "
                        span { class: "badge", "Archived" }
                    }
                }
                div { class: "page-actions",
                    if let Some(p) = project.clone() {
                        ProjectActions { project: p }
                    }
                    if writable {
                        button {
                            class: "button button-primary",
                            r#type: "button",
                            "aria-keyshortcuts": "n",
                            onclick: move |_| *NEW_TASK_OPEN.write() = true,
                            "New task"
                        }
                    }
                }
            }
            if project.as_ref().is_some_and(|p| p.archived) {
                p { class: "hint", "This project is archived: it is listed apart in the sidebar, and its settings restore it." }
            }
            if let Some(read_only) = project.as_ref().filter(|p| !can_edit(p.role)) {
                p { class: "hint", "You can view “{read_only.name}”: its owner gave you read access." }
            }
            if writable {
                QuickAdd { project: f.project.clone() }
            }
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
