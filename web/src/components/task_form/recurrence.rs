//! The recurrence picker: a preset, a custom repeat built from frequency, interval,
//! weekdays and monthly position, or raw RRULE text as the advanced way; what the next
//! date counts from, how the series ends, and the preview of its next dates.

use dioxus::prelude::*;
use strum::VariantArray as _;

use super::Errors;
use super::fields::Field;
use crate::api::{ApiError, RecurrenceMode, RecurrencePreview};
use crate::form::{Ends, Freq, MonthlyOn, POSITIONS, Repeat, TaskForm, WEEKDAYS, explain};
use crate::time::{self, Wall};

#[component]
pub fn RecurrenceFields(
    mut form: Signal<TaskForm>,
    errs: Errors,
    #[props(!optional)] preview: Option<Result<RecurrencePreview, ApiError>>,
) -> Element {
    let f = form();
    let typed = f.due_wall().ok().flatten();
    rsx! {
        fieldset { class: "recurrence",
            legend { "Recurrence" }
            Field { id: "task-recurrence", label: "Repeat", error: errs.get("recurrence").cloned(),
                select {
                    id: "task-recurrence",
                    "aria-invalid": "{errs.contains_key(\"recurrence\")}",
                    "aria-describedby": "task-recurrence-error",
                    onchange: move |e| {
                        let repeat = e.value().parse().unwrap_or(Repeat::Never);
                        let mut f = form.write();
                        if repeat == Repeat::Custom && f.repeat != Repeat::Custom {
                            f.seed_custom();
                        }
                        f.repeat = repeat;
                    },
                    for &r in Repeat::VARIANTS {
                        option { value: "{r}", selected: f.repeat == r, "{r.label()}" }
                    }
                }
            }
            if f.repeat == Repeat::Custom {
                CustomFields { form }
            }
            if f.repeat == Repeat::Advanced {
                Field { id: "task-rule", label: "Rule (RRULE)", error: None,
                    input {
                        id: "task-rule",
                        r#type: "text",
                        autocomplete: "off",
                        spellcheck: "false",
                        placeholder: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
                        value: "{f.custom_rule}",
                        "aria-describedby": "task-rule-hint task-recurrence-error",
                        oninput: move |e| form.write().custom_rule = e.value(),
                    }
                    p { id: "task-rule-hint", class: "hint", "RFC 5545, without DTSTART: the series starts on the due date." }
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
                if f.repeat != Repeat::Advanced {
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
                PreviewPanel { preview, typed }
            }
        }
    }
}

/// Frequency and "every N", then the weekday chips (weekly) or the day of the month
/// (monthly).
#[component]
fn CustomFields(mut form: Signal<TaskForm>) -> Element {
    let f = form();
    let plural = f.interval.trim() != "1";
    rsx! {
        div { class: "field-row",
            Field { id: "task-freq", label: "Repeats", error: None,
                select {
                    id: "task-freq",
                    onchange: move |e| {
                        if let Ok(freq) = e.value().parse() {
                            form.write().freq = freq;
                        }
                    },
                    for &freq in Freq::VARIANTS {
                        option { value: "{freq}", selected: f.freq == freq, "{freq.label()}" }
                    }
                }
            }
            Field { id: "task-interval", label: "Every", error: None,
                span { class: "inline-field",
                    input {
                        id: "task-interval",
                        r#type: "number",
                        min: "1",
                        max: "999",
                        value: "{f.interval}",
                        "aria-describedby": "task-interval-unit",
                        oninput: move |e| form.write().interval = e.value(),
                    }
                    span { id: "task-interval-unit", "{f.freq.unit(plural)}" }
                }
            }
        }
        if f.freq == Freq::Weekly {
            fieldset { class: "chips",
                legend { "On" }
                for (i, (_, short, full)) in WEEKDAYS.iter().enumerate() {
                    label { class: "chip", title: "{full}",
                        input {
                            r#type: "checkbox",
                            checked: f.weekdays[i],
                            onchange: move |e| form.write().weekdays[i] = e.checked(),
                        }
                        span { "{short}" }
                    }
                }
            }
        }
        if f.freq == Freq::Monthly {
            fieldset { class: "month-on",
                legend { "On" }
                div { class: "choice-row",
                    label { class: "choice", id: "month-on-day",
                        input { r#type: "radio", name: "month-on", checked: f.monthly_on == MonthlyOn::Day,
                            onchange: move |_| form.write().monthly_on = MonthlyOn::Day }
                        "day"
                    }
                    input {
                        class: "day-number",
                        r#type: "number",
                        min: "1",
                        max: "31",
                        "aria-labelledby": "month-on-day",
                        value: "{f.month_day}",
                        oninput: move |e| {
                            let mut f = form.write();
                            f.month_day = e.value();
                            f.monthly_on = MonthlyOn::Day;
                        },
                    }
                }
                div { class: "choice-row",
                    label { class: "choice",
                        input { r#type: "radio", name: "month-on", checked: f.monthly_on == MonthlyOn::LastDay,
                            onchange: move |_| form.write().monthly_on = MonthlyOn::LastDay }
                        "the last day"
                    }
                }
                div { class: "choice-row",
                    label { class: "choice",
                        input { r#type: "radio", name: "month-on", checked: f.monthly_on == MonthlyOn::Weekday,
                            onchange: move |_| form.write().monthly_on = MonthlyOn::Weekday }
                        "the"
                    }
                    select {
                        "aria-label": "Which week of the month",
                        onchange: move |e| {
                            let mut f = form.write();
                            f.nth = e.value().parse().unwrap_or(1);
                            f.monthly_on = MonthlyOn::Weekday;
                        },
                        for (n, words) in POSITIONS {
                            option { value: "{n}", selected: f.nth == n, "{words}" }
                        }
                    }
                    select {
                        "aria-label": "Weekday",
                        onchange: move |e| {
                            let mut f = form.write();
                            f.nth_weekday = e.value().parse().unwrap_or(0);
                            f.monthly_on = MonthlyOn::Weekday;
                        },
                        for (i, (_, _, full)) in WEEKDAYS.iter().enumerate() {
                            option { value: "{i}", selected: f.nth_weekday == i, "{full}" }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn PreviewPanel(
    #[props(!optional)] preview: Option<Result<RecurrencePreview, ApiError>>,
    /// The due date as typed, to say when the series starts later than it.
    #[props(!optional)]
    typed: Option<Wall>,
) -> Element {
    rsx! {
        div { class: "preview", "aria-live": "polite",
            match preview {
                None if typed.is_none() => rsx! { p { class: "muted", "Pick a due date to repeat from." } },
                None => rsx! { p { class: "muted", "Finish the repeat to see its next dates." } },
                Some(Err(error)) => rsx! {
                    p { class: "field-error", id: "preview-error", {explain(&error).message} }
                },
                Some(Ok(preview)) => {
                    let zone = preview.time_zone.clone();
                    let starts = typed.zip(preview.dates.first()).and_then(|(typed, first)| {
                        let first_ms = time::parse_ms(first);
                        let first_day = time::wall_at(&zone, first_ms);
                        (first_day.day_number() != typed.day_number()).then(|| {
                            format!(
                                "Starts {}, the first date of “{}” on or after {}.",
                                time::date_text(&zone, first_ms, false),
                                preview.recurrence.description,
                                time::date_text(&zone, time::instant_of(&zone, typed), false),
                            )
                        })
                    });
                    rsx! {
                        p { class: "preview-rule", "{preview.recurrence.description}" }
                        if let Some(starts) = starts {
                            p { class: "preview-start", "{starts}" }
                        }
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
