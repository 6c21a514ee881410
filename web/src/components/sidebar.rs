//! The sidebar (a drawer on phones): the Inbox, the projects in their order with their
//! colour and open count, and the labels; a new project starts here.

use dioxus::prelude::*;

use super::{Dialog, Field};
use crate::Route;
use crate::api::{
    CreateProject, CreateProjectInput, CreateProjectVars, MutationBuilder as _, Project, id_of, run,
};
use crate::organise::{self, COLORS, LABELS, PROJECTS, css_color};
use crate::pages::ListFilters;

/// The list narrowed to `project` (an id).
fn project_route(project: String) -> Route {
    Route::Tasks {
        filters: ListFilters {
            project,
            ..ListFilters::default()
        },
    }
}

fn label_route(label: String) -> Route {
    Route::Tasks {
        filters: ListFilters {
            label,
            ..ListFilters::default()
        },
    }
}

/// `open` is the drawer's state on phones; on wider screens the sidebar always shows.
#[component]
pub fn Sidebar(mut open: Signal<bool>) -> Element {
    let route = use_route::<Route>();
    let (current_project, current_label) = match &route {
        Route::Tasks { filters } => (filters.project.clone(), filters.label.clone()),
        _ => (String::new(), String::new()),
    };
    let mut creating = use_signal(|| false);
    let (archived, active): (Vec<Project>, Vec<Project>) =
        PROJECTS.read().iter().cloned().partition(|p| p.archived);
    let showing_archived = archived.iter().any(|p| current_project == p.id.inner());
    let archived_count = archived.len();
    let labels = LABELS.read().clone();
    rsx! {
        if open() {
            div { class: "drawer-backdrop", onclick: move |_| open.set(false) }
        }
        aside { id: "sidebar", class: if open() { "sidebar open" } else { "sidebar" },
            // Choosing a place closes the drawer on phones.
            onclick: move |_| {
                if open() {
                    open.set(false);
                }
            },
            nav { class: "sidebar-section", "aria-labelledby": "projects-title",
                div { class: "sidebar-head",
                    h2 { id: "projects-title", "Projects" }
                    button {
                        class: "icon-button",
                        r#type: "button",
                        "aria-label": "New project",
                        onclick: move |event| {
                            event.stop_propagation();
                            creating.set(true);
                        },
                        "+"
                    }
                }
                ul { class: "sidebar-list",
                    for p in active {
                        li { key: "{p.id.inner()}",
                            ProjectLink { current: current_project == p.id.inner(), project: p.clone() }
                        }
                    }
                }
                if !archived.is_empty() {
                    details { class: "sidebar-archived",
                        open: showing_archived,
                        // Opening the list is not choosing a place: the drawer stays open.
                        summary { onclick: move |event| event.stop_propagation(), "Archived ({archived_count})" }
                        ul { class: "sidebar-list",
                            for p in archived {
                                li { key: "{p.id.inner()}",
                                    ProjectLink { current: current_project == p.id.inner(), project: p.clone() }
                                }
                            }
                        }
                    }
                }
            }
            nav { class: "sidebar-section", "aria-labelledby": "labels-title",
                div { class: "sidebar-head",
                    h2 { id: "labels-title", "Labels" }
                }
                if labels.is_empty() {
                    p { class: "hint sidebar-hint", "Add labels to tasks in the task form." }
                } else {
                    ul { class: "sidebar-list",
                        for l in labels {
                            li { key: "{l.id.inner()}",
                                Link {
                                    class: if current_label == l.id.inner() { "sidebar-link active" } else { "sidebar-link" },
                                    "aria-current": (current_label == l.id.inner()).then_some("page"),
                                    to: label_route(id_of(&l.id)),
                                    span { class: "label-mark", style: "color: {css_color(l.color.as_deref())}", "aria-hidden": "true", "#" }
                                    span { class: "sidebar-name", "{l.name}" }
                                }
                            }
                        }
                    }
                }
            }
        }
        if creating() {
            NewProjectDialog { onclose: move |_| creating.set(false) }
        }
    }
}

/// A project's entry: its colour (or the Inbox's mark), name, whether it is shared and
/// how many tasks are open in it.
#[component]
fn ProjectLink(project: Project, current: bool) -> Element {
    let p = project;
    rsx! {
        Link {
            class: if current { "sidebar-link active" } else { "sidebar-link" },
            "aria-current": current.then_some("page"),
            to: project_route(id_of(&p.id)),
            if p.is_inbox {
                span { class: "inbox-mark", "aria-hidden": "true", "▤" }
            } else {
                span { class: "dot-color", style: "background: {css_color(p.color.as_deref())}", "aria-hidden": "true" }
            }
            span { class: "sidebar-name", "{p.name}" }
            if p.members.len() > 1 {
                span { class: "shared-mark", title: "Shared", "aria-hidden": "true", "👥" }
                span { class: "visually-hidden", ", shared" }
            }
            if p.open_task_count > 0 {
                span { class: "count", "aria-hidden": "true", "{p.open_task_count}" }
                span { class: "visually-hidden",
                    if p.open_task_count == 1 { ", 1 open task" } else { ", {p.open_task_count} open tasks" }
                }
            }
        }
    }
}

/// A colour from [`COLORS`], or none; `value` is `#rrggbb` or empty.
#[component]
pub fn ColorPicker(id: String, value: Signal<String>) -> Element {
    let mut value = value;
    let current = value();
    rsx! {
        Field { id: "{id}", label: "Color", error: None,
            div { class: "color-field",
                span { class: "dot-color dot-large", style: "background: {css_color(Some(current.as_str()).filter(|c| !c.is_empty()))}", "aria-hidden": "true" }
                select { id: "{id}", onchange: move |e| value.set(e.value()),
                    option { value: "", selected: current.is_empty(), "No color" }
                    for (hex, name) in COLORS.iter().copied() {
                        option { value: "{hex}", selected: current == hex, "{name}" }
                    }
                }
            }
        }
    }
}

#[component]
fn NewProjectDialog(onclose: EventHandler<()>) -> Element {
    let nav = navigator();
    let mut name = use_signal(String::new);
    let color = use_signal(|| COLORS[5].0.to_owned());
    let mut error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let submit = move |event: FormEvent| {
        event.prevent_default();
        let text = name().trim().to_owned();
        if text.is_empty() {
            error.set(Some("Give the project a name".into()));
            return;
        }
        if busy() {
            return;
        }
        busy.set(true);
        spawn(async move {
            let input = CreateProjectInput {
                name: text,
                color: Some(color()).filter(|c| !c.is_empty()),
            };
            match run(CreateProject::build(CreateProjectVars { input })).await {
                Ok(data) => {
                    organise::load().await;
                    onclose.call(());
                    nav.push(project_route(id_of(&data.create_project.id)));
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    rsx! {
        Dialog { id: "new-project", title: "New project", onclose,
            form { class: "stack", novalidate: true, onsubmit: submit,
                Field { id: "new-project-name", label: "Name", error: error(),
                    input { id: "new-project-name", r#type: "text", maxlength: "100", autocomplete: "off",
                        "data-autofocus": "true",
                        "aria-describedby": "new-project-name-error",
                        value: "{name}", oninput: move |e| name.set(e.value()) }
                }
                ColorPicker { id: "new-project-color", value: color }
                div { class: "form-actions",
                    button { class: "button button-quiet", r#type: "button", onclick: move |_| onclose.call(()), "Cancel" }
                    button { class: "button button-primary", r#type: "submit", disabled: busy(), "Create project" }
                }
            }
        }
    }
}
