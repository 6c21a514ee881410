//! The task's own fields: priority, project, labels and assignee, when it is due, its
//! zone and reminder.

use dioxus::prelude::*;
use strum::VariantArray as _;

use super::Errors;
use crate::api::Priority;
use crate::components::LabelPicker;
use crate::components::ZonePicker;
use crate::form::TaskForm;
use crate::organise::{PROJECTS, can_edit, inbox, project};

#[component]
pub fn Field(
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
pub fn DetailFields(mut form: Signal<TaskForm>, errs: Errors) -> Element {
    let f = form();
    // A shared project's tasks can be assigned to one of its people.
    let members = if f.project.is_empty() {
        inbox()
    } else {
        project(&f.project)
    }
    .map(|p| p.members)
    .unwrap_or_default();
    rsx! {
        div { class: "field-row",
            Field { id: "task-priority", label: "Priority", error: errs.get("priority").cloned(),
                select {
                    id: "task-priority",
                    onchange: move |e| form.write().priority = e.value().parse().ok(),
                    option { value: "", selected: f.priority.is_none(), "None" }
                    for &p in Priority::VARIANTS {
                        option { value: "{p}", selected: f.priority == Some(p), "{p.label()}" }
                    }
                }
            }
            Field { id: "task-project", label: "Project", error: errs.get("project").cloned(),
                select {
                    id: "task-project",
                    "aria-describedby": "task-project-error",
                    onchange: move |e| {
                        let mut form = form.write();
                        form.project = e.value();
                        // Someone in the old project may not be in the new one.
                        form.assignee.clear();
                    },
                    for p in PROJECTS.read().iter().filter(|p| can_edit(p.role) && !p.archived) {
                        option {
                            value: "{p.id.inner()}",
                            selected: f.project == p.id.inner() || (f.project.is_empty() && p.is_inbox),
                            "{p.name}"
                        }
                    }
                }
            }
        }
        LabelPicker { form, error: errs.get("labels").cloned() }
        if members.len() > 1 {
            Field { id: "task-assignee", label: "Assignee", error: errs.get("assignee").cloned(),
                select {
                    id: "task-assignee",
                    "aria-describedby": "task-assignee-error",
                    onchange: move |e| form.write().assignee = e.value(),
                    option { value: "", selected: f.assignee.is_empty(), "Nobody" }
                    for m in members {
                        option { value: "{m.user.id.inner()}", selected: f.assignee == m.user.id.inner(), "{m.user.display_name}" }
                    }
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
                    // An all-day task has no time; the one typed before comes back if
                    // the switch goes off again.
                    value: if f.all_day { "" } else { "{f.due_time}" },
                    disabled: f.all_day,
                    oninput: move |e| form.write().due_time = e.value(),
                }
            }
            label { class: "check-field all-day", r#for: "task-all-day",
                input {
                    id: "task-all-day",
                    r#type: "checkbox",
                    role: "switch",
                    checked: f.all_day,
                    onchange: move |e| form.write().all_day = e.checked(),
                }
                span { "All day" }
            }
        }
        div { class: "field-row",
            Field { id: "task-timeZone", label: "Time zone", error: errs.get("timeZone").cloned(),
                ZonePicker {
                    id: "task-timeZone",
                    value: f.time_zone.clone(),
                    described_by: "task-timeZone-error",
                    invalid: errs.contains_key("timeZone"),
                    onchange: move |zone| form.write().time_zone = zone,
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
    }
}
