//! The recurrence picker: a preset or a rule, what the next date counts from, how the
//! series ends, and the preview of its next dates.

use dioxus::prelude::*;
use strum::VariantArray as _;

use super::Errors;
use super::fields::Field;
use crate::api::{ApiError, RecurrenceMode, RecurrencePreview};
use crate::form::{Ends, Repeat, TaskForm, field_of};
use crate::time;

#[component]
pub fn RecurrenceFields(
    mut form: Signal<TaskForm>,
    errs: Errors,
    #[props(!optional)] preview: Option<Result<RecurrencePreview, ApiError>>,
) -> Element {
    let f = form();
    rsx! {
        fieldset { class: "recurrence",
            legend { "Recurrence" }
            Field { id: "task-recurrence", label: "Repeat", error: errs.get("recurrence").cloned(),
                select {
                    id: "task-recurrence",
                    "aria-invalid": "{errs.contains_key(\"recurrence\")}",
                    "aria-describedby": "task-recurrence-error",
                    onchange: move |e| form.write().repeat = e.value().parse().unwrap_or(Repeat::Never),
                    for &r in Repeat::VARIANTS {
                        option { value: "{r}", selected: f.repeat == r, "{r.label()}" }
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
                PreviewPanel { preview }
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
