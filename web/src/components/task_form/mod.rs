//! The task form, one component for create and edit. As the user shapes a
//! recurrence it shows the rule's text and its next dates from `recurrencePreview`,
//! which checks exactly what `createTask` checks; an error appears beside the field
//! that `extensions.field` names.

use std::collections::HashMap;
use std::time::Duration;

mod fields;
mod recurrence;

use dioxus::prelude::*;
use gloo_timers::future::sleep;

use super::{Dialog, focus};
use crate::Route;
use crate::api::{
    CreateTask, CreateTaskVars, Id, MutationBuilder as _, PreviewQuery, PreviewVars,
    QueryBuilder as _, UpdateTask, UpdateTaskVars, run,
};
use crate::form::{FieldError, TaskForm, explain};
use crate::state::{toast, user_zone};
use crate::store::{TaskStoreStoreExt as _, TaskStoreStoreImplExt as _, Tasks, use_tasks};
use crate::time;
use fields::DetailFields;
pub use fields::Field;
use recurrence::RecurrenceFields;

/// How long typing must pause before the preview is asked for.
const PREVIEW_PAUSE: Duration = Duration::from_millis(250);

/// Messages by form field.
type Errors = HashMap<&'static str, String>;

#[component]
pub fn TaskFormDialog(task_id: Option<String>, onclose: EventHandler<()>) -> Element {
    let editing = task_id.clone();
    let store = use_tasks();
    let route = use_route::<Route>();
    // Kept if the session ends while the form is open (`drafts`).
    let draft_key = format!("task-form:{}", task_id.as_deref().unwrap_or("new"));
    let mut form = crate::drafts::use_draft(draft_key, move || {
        let existing = editing
            .as_ref()
            .and_then(|id| store.tasks().peek().get(id).cloned());
        match existing {
            Some(task) => {
                let due = task
                    .due_at
                    .as_ref()
                    .map(|d| time::wall_at(&task.time_zone, time::parse_ms(d)));
                TaskForm::from_task(&task, due)
            }
            None => {
                let mut blank = TaskForm::blank(&user_zone());
                // A new task goes to the project on screen.
                if let Route::Tasks { filters } = &route {
                    blank.project = filters.project.clone();
                }
                blank
            }
        }
    });
    // What the form held when it opened: closing an unchanged form needs no question.
    let opened = use_signal(|| form.peek().clone());
    let mut errors = use_signal(Errors::new);
    let mut saving = use_signal(|| false);
    let mut confirming = use_signal(|| false);
    // Esc, the backdrop, Close and Cancel all come here: a changed form asks first.
    let mut close = move |()| {
        if *form.peek() == *opened.peek() {
            onclose.call(());
        } else {
            confirming.set(true);
            focus("discard-keep");
        }
    };

    let preview = use_resource(move || async move {
        let current = form();
        let due_at = current.due_at().ok().flatten();
        let input = current.to_preview(due_at)?;
        sleep(PREVIEW_PAUSE).await;
        Some(
            run(PreviewQuery::build(PreviewVars { input }))
                .await
                .map(|data| data.recurrence_preview),
        )
    });

    let task_id_for_submit = task_id.clone();
    let submit = move |event: FormEvent| {
        event.prevent_default();
        if saving() {
            return;
        }
        let current = form();
        let task_id = task_id_for_submit.clone();
        spawn(async move {
            saving.set(true);
            let outcome = save(store, &current, task_id.as_deref()).await;
            saving.set(false);
            match outcome {
                Ok(()) => onclose.call(()),
                Err(found) => {
                    let first = found.keys().next().copied();
                    errors.set(found);
                    if let Some(field) = first {
                        focus(&format!("task-{field}"));
                    }
                }
            }
        });
    };

    let errs = errors();
    let f = form();
    let title = if task_id.is_some() {
        "Edit task"
    } else {
        "New task"
    };
    rsx! {
        Dialog { id: "task-dialog", title: "{title}", onclose: move |()| {
                // Esc while asking means "no, keep editing".
                if confirming() {
                    confirming.set(false);
                    focus("task-title");
                } else {
                    close(());
                }
            },
            form { class: "task-form", novalidate: true, onsubmit: submit,
                if let Some(message) = errs.get("form") {
                    p { class: "form-error", role: "alert", "{message}" }
                }
                Field { id: "task-title", label: "Title", error: errs.get("title").cloned(),
                    input {
                        id: "task-title",
                        r#type: "text",
                        "data-autofocus": "true",
                        autocomplete: "off",
                        maxlength: "200",
                        value: "{f.title}",
                        "aria-invalid": "{errs.contains_key(\"title\")}",
                        "aria-describedby": "task-title-error",
                        oninput: move |e| form.write().title = e.value(),
                    }
                }
                Field { id: "task-description", label: "Description", error: errs.get("description").cloned(),
                    textarea {
                        id: "task-description",
                        rows: "3",
                        value: "{f.description}",
                        "aria-describedby": "task-description-error",
                        oninput: move |e| form.write().description = e.value(),
                    }
                }
                DetailFields { form, errs: errs.clone() }
                RecurrenceFields { form, errs: errs.clone(), preview: preview.read().clone().flatten() }
                if confirming() {
                    div { class: "form-actions discard-confirm", role: "group", "aria-labelledby": "discard-question",
                        p { id: "discard-question", role: "alert",
                            if task_id.is_some() { "Discard your changes?" } else { "Discard this new task?" }
                        }
                        button { id: "discard-keep", class: "button", r#type: "button",
                            onclick: move |_| { confirming.set(false); focus("task-title"); },
                            "Keep editing"
                        }
                        button { class: "button button-danger", r#type: "button", onclick: move |_| onclose.call(()), "Discard" }
                    }
                } else {
                    div { class: "form-actions",
                        button { class: "button button-quiet", r#type: "button", onclick: move |_| close(()), "Cancel" }
                        button { class: "button button-primary", r#type: "submit", disabled: saving(),
                            if task_id.is_some() { "Save" } else { "Add task" }
                        }
                    }
                }
            }
        }
    }
}

/// Sends the form; the errors, by form field, when it is refused.
async fn save(mut store: Tasks, form: &TaskForm, task_id: Option<&str>) -> Result<(), Errors> {
    let local = |e: FieldError| Errors::from([(e.field, e.message)]);
    if form.title.trim().is_empty() {
        return Err(Errors::from([(
            "title",
            "Give the task a title".to_owned(),
        )]));
    }
    let due_at = form.due_at().map_err(local)?;
    if due_at.is_none() && form.repeat != crate::form::Repeat::Never {
        return Err(Errors::from([(
            "due",
            "Pick a due date to repeat from".to_owned(),
        )]));
    }
    let result = match task_id {
        None => {
            let input = form.to_create(due_at).map_err(local)?;
            run(CreateTask::build(CreateTaskVars { input }))
                .await
                .map(|data| data.create_task)
        }
        Some(id) => {
            let input = form.to_update(due_at).map_err(local)?;
            run(UpdateTask::build(UpdateTaskVars {
                id: Id::new(id),
                input,
            }))
            .await
            .map(|data| data.update_task)
        }
    };
    match result {
        Ok(task) => {
            toast(
                if task_id.is_some() {
                    "Saved"
                } else {
                    "Task added"
                },
                Some(task.title.clone()),
                None,
            );
            store.upsert(task);
            Ok(())
        }
        Err(error) => Err(local(explain(&error))),
    }
}
