//! Quick add: a title and Enter make a task with the defaults.

use dioxus::prelude::*;

use crate::api::{CreateTask, CreateTaskInput, CreateTaskVars, Id, MutationBuilder as _, run};
use crate::components::js;
use crate::drafts::use_draft;
use crate::state::error_toast;
use crate::store::{TaskStoreStoreImplExt as _, use_tasks};

/// Title, Enter: a task with the defaults, in `project` (an id; empty for the Inbox).
#[component]
pub fn QuickAdd(project: String) -> Element {
    let mut store = use_tasks();
    // Kept if the session ends before it is sent.
    let mut title = use_draft("quick-add".into(), String::new);
    let mut busy = use_signal(|| false);
    let submit = move |event: FormEvent| {
        event.prevent_default();
        let text = title().trim().to_owned();
        if text.is_empty() || busy() {
            return;
        }
        let project = project.clone();
        spawn(async move {
            busy.set(true);
            let input = CreateTaskInput {
                project_id: Some(project).filter(|p| !p.is_empty()).map(Id::new),
                ..CreateTaskInput::titled(text)
            };
            match run(CreateTask::build(CreateTaskVars { input })).await {
                Ok(data) => {
                    store.upsert(data.create_task);
                    title.set(String::new());
                }
                Err(error) => error_toast(format!("Could not add the task: {error}")),
            }
            busy.set(false);
            js("document.getElementById('quick-add')?.focus()");
        });
    };
    rsx! {
        form { class: "quick-add", onsubmit: submit,
            label { r#for: "quick-add", class: "visually-hidden", "Add a task" }
            span { class: "quick-add-plus", "aria-hidden": "true", "+" }
            input {
                id: "quick-add",
                r#type: "text",
                placeholder: "Add a task, then press Enter",
                autocomplete: "off",
                maxlength: "200",
                value: "{title}",
                oninput: move |e| title.set(e.value()),
            }
            button { class: "button button-primary", r#type: "submit", disabled: busy() || title().trim().is_empty(), "Add task" }
        }
    }
}
