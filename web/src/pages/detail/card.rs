//! The task's card on its page: title and actions, badges, facts, next dates.

use dioxus::core::spawn_forever;
use dioxus::prelude::*;

use crate::api::{
    MutationBuilder as _, PreviewQuery, PreviewVars, QueryBuilder as _, RecurrenceInput,
    RecurrenceMode, RecurrencePreviewInput, SnoozeTask, SnoozeVars, Task, run,
};
use crate::components::{
    DueBadge, LabelChips, PriorityBadge, ProjectBadge, RecurrenceBadge, task_row_toggle,
};
use crate::state::{error_toast, toast, user_zone};
use crate::store::{TaskStoreStoreImplExt as _, use_tasks};
use crate::time;

/// When the task is due, in its zone, and in the user's when that differs.
fn due_text(task: &Task, zone: &str) -> String {
    let Some(due) = &task.due_at else {
        return "No due date".to_owned();
    };
    let ms = time::parse_ms(due);
    let local = format!(
        "{}, {} ({})",
        time::date_text(&task.time_zone, ms, true),
        time::time_text(&task.time_zone, ms),
        task.time_zone
    );
    if task.time_zone == zone {
        local
    } else {
        format!("{local}; {} your time", time::time_text(zone, ms))
    }
}

#[component]
pub fn TaskCard(
    task: ReadSignal<Task>,
    onedit: EventHandler<()>,
    ondelete: EventHandler<()>,
) -> Element {
    let store = use_tasks();
    let shown = task();
    let remind = match shown.remind_before_minutes {
        Some(0) => "At the due time".to_owned(),
        Some(m) => format!("{m} minutes before"),
        None => "Your default lead time".to_owned(),
    };
    rsx! {
        article { class: "detail-card",
            div { class: "detail-head",
                h1 { class: if shown.completed { "done-title" } else { "" }, "{shown.title}" }
                div { class: "detail-actions",
                    button {
                        class: "button button-primary",
                        r#type: "button",
                        onclick: move |_| {
                            let task = task();
                            spawn_forever(async move { task_row_toggle(store, task).await });
                        },
                        if shown.completed { "Reopen" } else { "Complete" }
                    }
                    button { class: "button", r#type: "button", onclick: move |_| onedit.call(()), "Edit" }
                    button { class: "button button-danger", r#type: "button", onclick: move |_| ondelete.call(()), "Delete" }
                }
            }
            div { class: "task-meta",
                if shown.completed { span { class: "badge badge-done", "Done" } }
                DueBadge { task: shown.clone() }
                PriorityBadge { priority: shown.priority }
                RecurrenceBadge { task: shown.clone() }
                LabelChips { labels: shown.labels.clone() }
            }
            if let Some(description) = &shown.description {
                p { class: "description", "{description}" }
            }
            dl { class: "facts",
                dt { "Due" }
                dd { {due_text(&shown, &user_zone())} }
                dt { "Project" }
                dd { ProjectBadge { project: shown.project.clone() } }
                dt { "Labels" }
                dd {
                    if shown.labels.is_empty() { "None" } else { LabelChips { labels: shown.labels.clone() } }
                }
                if let Some(assignee) = &shown.assignee {
                    dt { "Assignee" }
                    dd { "{assignee.display_name}" }
                }
                dt { "Reminder" }
                dd {
                    "{remind}"
                    if let Some(until) = &shown.snoozed_until {
                        span { class: "muted", " · snoozed until {time::full_text(&user_zone(), until)}" }
                    }
                }
                if let Some(recurrence) = &shown.recurrence {
                    dt { "Repeats" }
                    dd {
                        "{recurrence.description}"
                        span { class: "muted",
                            if recurrence.mode == RecurrenceMode::FromCompletion { " · counted from completion" } else { " · counted from the due date" }
                        }
                    }
                }
            }
            if !shown.completed && shown.due_at.is_some() {
                SnoozeChoices { task }
            }
            if shown.recurrence.is_some() {
                NextDates { task }
            }
        }
    }
}

/// Snoozing the reminder: in 15 minutes, in an hour, or tomorrow at 09:00 in the
/// user's zone. It fires then on every channel, even past the due date.
#[component]
fn SnoozeChoices(task: ReadSignal<Task>) -> Element {
    let mut store = use_tasks();
    let snooze = move |minutes: Option<i32>, until: Option<crate::api::DateTime>, what: String| {
        let id = task().id;
        spawn_forever(async move {
            match run(SnoozeTask::build(SnoozeVars { id, minutes, until })).await {
                Ok(data) => {
                    store.upsert(data.snooze_task);
                    toast(format!("Reminder snoozed {what}"), None, None);
                }
                Err(error) => error_toast(format!("Could not snooze the reminder: {error}")),
            }
        });
    };
    rsx! {
        div { class: "snooze-row", role: "group", "aria-label": "Snooze the reminder",
            span { class: "muted", "Snooze the reminder:" }
            button { class: "button button-small", r#type: "button",
                onclick: move |_| snooze(Some(15), None, "for 15 minutes".into()), "15 minutes" }
            button { class: "button button-small", r#type: "button",
                onclick: move |_| snooze(Some(60), None, "for an hour".into()), "1 hour" }
            button { class: "button button-small", r#type: "button",
                onclick: move |_| {
                    let zone = user_zone();
                    let tomorrow = time::wall_at(&zone, time::now_ms() + 86_400_000.0);
                    let nine = time::Wall { hour: 9, minute: 0, ..tomorrow };
                    let at = time::to_datetime(time::instant_of(&zone, nine));
                    snooze(None, Some(at), "until tomorrow 09:00".into());
                },
                "Tomorrow 09:00"
            }
        }
    }
}

#[component]
fn NextDates(task: ReadSignal<Task>) -> Element {
    let next_dates = use_resource(move || async move {
        let task = task();
        let recurrence = task.recurrence?;
        let input = RecurrencePreviewInput {
            due_at: task.due_at,
            all_day: Some(task.all_day),
            time_zone: Some(task.time_zone),
            recurrence: RecurrenceInput {
                preset: None,
                rrule: Some(recurrence.rrule),
                mode: recurrence.mode,
            },
        };
        run(PreviewQuery::build(PreviewVars { input }))
            .await
            .ok()
            .map(|d| d.recurrence_preview)
    });
    rsx! {
        section { class: "next-dates", "aria-labelledby": "next-dates-title",
            h2 { id: "next-dates-title", "Next dates" }
            match &*next_dates.read() {
                Some(Some(preview)) => rsx! {
                    ol { class: "preview-dates",
                        for date in preview.dates.iter() {
                            li { {time::at_text(&preview.time_zone, date)} }
                        }
                    }
                },
                _ => rsx! { p { class: "muted", "Working out the next dates…" } },
            }
        }
    }
}
