//! The task form, one component for create and edit. As the user shapes a
//! recurrence it shows the rule's text and its next dates from `recurrencePreview`,
//! which checks exactly what `createTask` checks; an error appears beside the field
//! that `extensions.field` names.

use std::collections::HashMap;
use std::time::Duration;

use dioxus::prelude::*;
use gloo_timers::future::sleep;

use super::{Dialog, focus};
use crate::api::{
    ApiError, CreateTask, CreateTaskVars, Id, MutationBuilder as _, PreviewQuery, PreviewVars,
    Priority, QueryBuilder as _, RecurrenceMode, RecurrencePreview, UpdateTask, UpdateTaskVars,
    run,
};
use crate::form::{Ends, FieldError, Repeat, TaskForm, field_of};
use crate::state::{STORE, toast, user_zone};
use crate::time;

/// How long typing must pause before the preview is asked for.
const PREVIEW_PAUSE: Duration = Duration::from_millis(250);

type Errors = HashMap<&'static str, String>;

#[component]
pub fn TaskFormDialog(task_id: Option<String>, onclose: EventHandler<()>) -> Element {
    let editing = task_id.clone();
    let mut form = use_signal(move || {
        let existing = editing
            .as_ref()
            .and_then(|id| STORE.peek().get(id).cloned());
        match existing {
            Some(task) => {
                let due = task
                    .due_at
                    .as_ref()
                    .map(|d| time::wall_at(&task.time_zone, time::parse_ms(d)));
                TaskForm::from_task(&task, due)
            }
            None => TaskForm::blank(&user_zone()),
        }
    });
    let mut errors = use_signal(Errors::new);
    let mut saving = use_signal(|| false);
    let zones = use_hook(time::all_zones);

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
            let outcome = save(&current, task_id.as_deref()).await;
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
    let zone_now = f.time_zone.clone();
    rsx! {
        Dialog { id: "task-dialog", title: "{title}", onclose: move |_| onclose.call(()),
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
                div { class: "field-row",
                    Field { id: "task-priority", label: "Priority", error: errs.get("priority").cloned(),
                        select {
                            id: "task-priority",
                            onchange: move |e| form.write().priority = Priority::from_key(&e.value()),
                            option { value: "", selected: f.priority.is_none(), "None" }
                            for p in Priority::ALL {
                                option { value: "{p.key()}", selected: f.priority == Some(p), "{p.label()}" }
                            }
                        }
                    }
                    Field { id: "task-category", label: "Category", error: errs.get("category").cloned(),
                        input {
                            id: "task-category",
                            r#type: "text",
                            maxlength: "50",
                            value: "{f.category}",
                            "aria-describedby": "task-category-error",
                            oninput: move |e| form.write().category = e.value(),
                        }
                    }
                }
                div { class: "field-row",
                    Field { id: "task-due", label: "Due date", error: errs.get("due").cloned(),
                        input {
                            id: "task-due",
                            r#type: "date",
                            value: "{f.due_date}",
                            "aria-invalid": "{errs.contains_key(\"due\")}",
                            "aria-describedby": "task-due-error",
                            oninput: move |e| form.write().due_date = e.value(),
                        }
                    }
                    Field { id: "task-due-time", label: "Due time", error: None,
                        input {
                            id: "task-due-time",
                            r#type: "time",
                            value: "{f.due_time}",
                            oninput: move |e| form.write().due_time = e.value(),
                        }
                    }
                }
                div { class: "field-row",
                    Field { id: "task-timeZone", label: "Time zone", error: errs.get("timeZone").cloned(),
                        input {
                            id: "task-timeZone",
                            r#type: "text",
                            list: "zone-list",
                            autocomplete: "off",
                            value: "{zone_now}",
                            "aria-describedby": "task-timeZone-error",
                            oninput: move |e| form.write().time_zone = e.value(),
                        }
                        datalist { id: "zone-list",
                            for zone in zones.iter() { option { value: "{zone}" } }
                        }
                    }
                    Field { id: "task-remindBefore", label: "Remind me (minutes before)", error: errs.get("remindBefore").cloned(),
                        input {
                            id: "task-remindBefore",
                            r#type: "number",
                            min: "0",
                            max: "10080",
                            placeholder: "Default",
                            value: "{f.remind_before}",
                            "aria-describedby": "task-remindBefore-error",
                            oninput: move |e| form.write().remind_before = e.value(),
                        }
                    }
                }
                fieldset { class: "recurrence",
                    legend { "Recurrence" }
                    Field { id: "task-recurrence", label: "Repeat", error: errs.get("recurrence").cloned(),
                        select {
                            id: "task-recurrence",
                            "aria-invalid": "{errs.contains_key(\"recurrence\")}",
                            "aria-describedby": "task-recurrence-error",
                            onchange: move |e| form.write().repeat = Repeat::from_key(&e.value()),
                            for r in Repeat::ALL {
                                option { value: "{r.key()}", selected: f.repeat == r, "{r.label()}" }
                            }
                        }
                    }
                    if f.repeat == Repeat::Custom {
                        Field { id: "task-rule", label: "Rule (RRULE)", error: None,
                            input {
                                id: "task-rule",
                                r#type: "text",
                                autocomplete: "off",
                                spellcheck: "false",
                                placeholder: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
                                value: "{f.custom_rule}",
                                "aria-describedby": "task-recurrence-error",
                                oninput: move |e| form.write().custom_rule = e.value(),
                            }
                        }
                    }
                    if f.repeat != Repeat::Never {
                        div { class: "choice-row", role: "radiogroup", "aria-label": "Next date counts from",
                            span { class: "choice-label", "Counts from" }
                            label { class: "choice",
                                input { r#type: "radio", name: "mode", checked: f.mode == RecurrenceMode::FromDueDate,
                                    onchange: move |_| form.write().mode = RecurrenceMode::FromDueDate }
                                "the due date"
                            }
                            label { class: "choice",
                                input { r#type: "radio", name: "mode", checked: f.mode == RecurrenceMode::FromCompletion,
                                    onchange: move |_| form.write().mode = RecurrenceMode::FromCompletion }
                                "completion"
                            }
                        }
                        if f.repeat != Repeat::Custom {
                            div { class: "choice-row", role: "radiogroup", "aria-label": "Ends",
                                span { class: "choice-label", "Ends" }
                                for ends in [Ends::Never, Ends::AfterCount, Ends::OnDate] {
                                    label { class: "choice",
                                        input { r#type: "radio", name: "ends", checked: f.ends == ends,
                                            onchange: move |_| form.write().ends = ends }
                                        {ends.label()}
                                    }
                                }
                                if f.ends == Ends::AfterCount {
                                    label { class: "inline-field",
                                        input { r#type: "number", min: "1", value: "{f.count}", "aria-label": "Number of times",
                                            oninput: move |e| form.write().count = e.value() }
                                        "times"
                                    }
                                }
                                if f.ends == Ends::OnDate {
                                    input { r#type: "date", value: "{f.until}", "aria-label": "Last date",
                                        oninput: move |e| form.write().until = e.value() }
                                }
                            }
                        }
                        PreviewPanel { preview: preview.read().clone().flatten() }
                    }
                }
                div { class: "form-actions",
                    button { class: "button button-quiet", r#type: "button", onclick: move |_| onclose.call(()), "Cancel" }
                    button { class: "button button-primary", r#type: "submit", disabled: saving(),
                        if task_id.is_some() { "Save" } else { "Add task" }
                    }
                }
            }
        }
    }
}

#[component]
fn Field(
    id: String,
    label: String,
    #[props(!optional)] error: Option<String>,
    children: Element,
) -> Element {
    rsx! {
        div { class: if error.is_some() { "field field-invalid" } else { "field" },
            label { r#for: "{id}", "{label}" }
            {children}
            p { id: "{id}-error", class: "field-error", "aria-live": "polite",
                if let Some(error) = &error { "{error}" }
            }
        }
    }
}

#[component]
fn PreviewPanel(
    #[props(!optional)] preview: Option<Result<RecurrencePreview, ApiError>>,
) -> Element {
    rsx! {
        div { class: "preview", "aria-live": "polite",
            match preview {
                None => rsx! { p { class: "muted", "Set a due date to see the next dates." } },
                Some(Err(error)) => rsx! {
                    p { class: "field-error", id: "preview-error",
                        {error.field.as_deref().map(|f| format!("{}: ", field_label(f))).unwrap_or_default()}
                        "{error.message}"
                    }
                },
                Some(Ok(preview)) => {
                    let zone = preview.time_zone.clone();
                    rsx! {
                        p { class: "preview-rule", "{preview.recurrence.description}" }
                        ol { class: "preview-dates", "aria-label": "Next dates",
                            for date in preview.dates.iter() {
                                li { {time::at_text(&zone, date)} }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn field_label(path: &str) -> &'static str {
    match field_of(path) {
        "due" => "Due date",
        "timeZone" => "Time zone",
        "recurrence" => "Repeat",
        _ => "Input",
    }
}

/// Sends the form; the errors, by form field, when it is refused.
async fn save(form: &TaskForm, task_id: Option<&str>) -> Result<(), Errors> {
    let local = |e: FieldError| Errors::from([(e.field, e.message)]);
    if form.title.trim().is_empty() {
        return Err(Errors::from([(
            "title",
            "Give the task a title".to_owned(),
        )]));
    }
    let due_at = form.due_at().map_err(local)?;
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
            STORE.write().upsert(task);
            Ok(())
        }
        Err(error) => {
            let field = error.field.as_deref().map_or("form", field_of);
            Err(Errors::from([(field, error.message)]))
        }
    }
}
