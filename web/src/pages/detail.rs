//! A task's detail: its fields, its recurrence and next dates, and its history.

use std::time::Duration;

use dioxus::core::spawn_forever;
use dioxus::prelude::*;
use gloo_timers::future::sleep;

use crate::Route;
use crate::api::{
    AuditAction, AuditEntry, DeleteTask, Id, IdVars, MutationBuilder as _, PreviewQuery,
    PreviewVars, QueryBuilder as _, RecurrenceInput, RecurrencePreviewInput, TaskDetailQuery,
    id_of, run,
};
use crate::components::task_row_toggle;
use crate::components::{Dialog, DueBadge, PriorityBadge, RecurrenceBadge, TaskFormDialog};
use crate::state::{RESYNC, STORE, TASK_CHANGED, error_toast, toast, user_zone};
use crate::time;

const HISTORY_RETRY: Duration = Duration::from_millis(200);
const HISTORY_TRIES: u32 = 10;

#[component]
pub fn TaskDetail(id: ReadSignal<String>) -> Element {
    let nav = navigator();
    let mut editing = use_signal(|| false);
    let mut confirming = use_signal(|| false);
    // Refetched when the task changes anywhere (its `updatedAt` moves) or the live
    // connection comes back.
    let version = use_memo(move || {
        STORE
            .read()
            .get(&id())
            .map(|t| (t.updated_at.clone(), t.completed))
    });
    // A change to this task seen on the live connection, e.g. this page's own save.
    let seen_change = use_memo(move || {
        TASK_CHANGED
            .read()
            .as_ref()
            .filter(|(task, _)| *task == id())
            .map(|(_, at)| time::parse_ms(at))
    });
    let detail = use_resource(move || async move {
        let _ = version();
        let _ = RESYNC.read();
        let seen = seen_change();
        let mut tries = 0;
        loop {
            let answer = run(TaskDetailQuery::build(IdVars { id: Id::new(id()) })).await;
            // The audit trail records a change a moment after the change itself, so a
            // refetch can come too early; ask again (briefly) until the history has it.
            let behind = match (&answer, seen) {
                (Ok(data), Some(at)) => data.task.as_ref().is_some_and(|t| {
                    t.history
                        .edges
                        .first()
                        .is_none_or(|e| time::parse_ms(&e.node.at) < at)
                }),
                _ => false,
            };
            if !behind || tries >= HISTORY_TRIES {
                return answer;
            }
            tries += 1;
            sleep(HISTORY_RETRY).await;
        }
    });
    use_effect(move || {
        if let Some(Ok(data)) = &*detail.read()
            && let Some(found) = &data.task
        {
            let task = found.task.clone();
            let stale = STORE.peek().get(&id()).is_none_or(|known| *known != task);
            if stale {
                STORE.write().upsert(task);
            }
        }
    });
    let next_dates = use_resource(move || async move {
        let task = STORE.read().get(&id()).cloned()?;
        let recurrence = task.recurrence.clone()?;
        let input = RecurrencePreviewInput {
            due_at: task.due_at.clone(),
            time_zone: Some(task.time_zone.clone()),
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

    let history: Vec<AuditEntry> = match &*detail.read() {
        Some(Ok(data)) => data
            .task
            .as_ref()
            .map(|t| t.history.edges.iter().map(|e| e.node.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let missing = matches!(&*detail.read(), Some(Ok(data)) if data.task.is_none());
    let failed = match &*detail.read() {
        Some(Err(error)) => Some(error.message.clone()),
        _ => None,
    };
    let task = STORE.read().get(&id()).cloned();
    let zone = user_zone();

    if missing {
        return rsx! {
            document::Title { "Task not found · Todo" }
            div { class: "page",
                div { class: "empty",
                    p { class: "empty-title", "This task is gone" }
                    p { "It was deleted, or it is not yours." }
                    Link { class: "button", to: Route::Tasks {}, "Back to tasks" }
                }
            }
        };
    }
    let Some(task) = task else {
        return rsx! {
            div { class: "page",
                if let Some(message) = failed {
                    p { class: "form-error", role: "alert", "{message}" }
                } else {
                    div { class: "detail-card skeleton", "aria-busy": "true", "aria-label": "Loading the task",
                        span { class: "skeleton-line" }
                        span { class: "skeleton-line short" }
                    }
                }
            }
        };
    };
    let due_text = task.due_at.as_ref().map(|due| {
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
            format!("{local}; {} your time", time::time_text(&zone, ms))
        }
    });
    let remind = match task.remind_before_minutes {
        Some(0) => "At the due time".to_owned(),
        Some(m) => format!("{m} minutes before"),
        None => "Your default lead time".to_owned(),
    };
    let toggle_task = task.clone();
    let delete_id = id();
    rsx! {
        document::Title { "{task.title} · Todo" }
        div { class: "page detail-page",
            nav { class: "breadcrumb", "aria-label": "Breadcrumb",
                Link { to: Route::Tasks {}, "Tasks" }
                span { "aria-hidden": "true", " / " }
                span { "aria-current": "page", "{task.title}" }
            }
            article { class: "detail-card",
                div { class: "detail-head",
                    h1 { class: if task.completed { "done-title" } else { "" }, "{task.title}" }
                    div { class: "detail-actions",
                        button {
                            class: "button button-primary",
                            r#type: "button",
                            onclick: move |_| {
                                let task = toggle_task.clone();
                                spawn_forever(async move { task_row_toggle(task).await });
                            },
                            if task.completed { "Reopen" } else { "Complete" }
                        }
                        button { class: "button", r#type: "button", onclick: move |_| editing.set(true), "Edit" }
                        button { class: "button button-danger", r#type: "button", onclick: move |_| confirming.set(true), "Delete" }
                    }
                }
                div { class: "task-meta",
                    if task.completed { span { class: "badge badge-done", "Done" } }
                    DueBadge { task: task.clone() }
                    PriorityBadge { priority: task.priority }
                    RecurrenceBadge { task: task.clone() }
                }
                if let Some(description) = &task.description {
                    p { class: "description", "{description}" }
                }
                dl { class: "facts",
                    dt { "Due" }
                    dd { {due_text.unwrap_or_else(|| "No due date".to_owned())} }
                    dt { "Category" }
                    dd { {task.category.clone().unwrap_or_else(|| "None".to_owned())} }
                    dt { "Reminder" }
                    dd { "{remind}" }
                    if let Some(recurrence) = &task.recurrence {
                        dt { "Repeats" }
                        dd {
                            "{recurrence.description}"
                            span { class: "muted",
                                if recurrence.mode == crate::api::RecurrenceMode::FromCompletion { " · counted from completion" } else { " · counted from the due date" }
                            }
                        }
                    }
                }
                if task.recurrence.is_some() {
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
            section { class: "history", "aria-labelledby": "history-title",
                h2 { id: "history-title", "History" }
                if history.is_empty() {
                    p { class: "muted", "No changes recorded yet." }
                } else {
                    ol { class: "history-list",
                        for (key, entry) in history.into_iter().map(|e| (id_of(&e.id), e)) {
                            HistoryEntry { key: "{key}", entry, zone: zone.clone(), show_task: false }
                        }
                    }
                }
            }
        }
        if editing() {
            TaskFormDialog { task_id: Some(id()), onclose: move |_| editing.set(false) }
        }
        if confirming() {
            Dialog { id: "confirm-delete", title: "Delete this task?", onclose: move |_| confirming.set(false),
                p { "“{task.title}” and its reminders will be gone. Its history stays in the activity log." }
                div { class: "form-actions",
                    button { class: "button button-quiet", r#type: "button", onclick: move |_| confirming.set(false), "Cancel" }
                    button {
                        class: "button button-danger",
                        r#type: "button",
                        onclick: move |_| {
                            let id = delete_id.clone();
                            spawn(async move {
                                match run(DeleteTask::build(IdVars { id: Id::new(id.clone()) })).await {
                                    Ok(_) => {
                                        STORE.write().remove(&id);
                                        toast("Task deleted", None, None);
                                        nav.replace(Route::Tasks {});
                                    }
                                    Err(error) => error_toast(error.message),
                                }
                            });
                        },
                        "Delete task"
                    }
                }
            }
        }
    }
}

/// Field names in snapshots, as a person reads them.
fn field_name(key: &str) -> String {
    match key {
        "dueAt" | "due_at" => "Due".into(),
        "timeZone" | "time_zone" => "Time zone".into(),
        "remindBeforeMinutes" | "remind_before_minutes" => "Reminder (minutes before)".into(),
        "completedAt" | "completed_at" => "Completed at".into(),
        "rrule" | "recurrence" => "Recurrence".into(),
        "updatedAt" | "updated_at" => "Updated".into(),
        other => {
            let mut chars = other.chars();
            chars
                .next()
                .map(|c| {
                    c.to_uppercase()
                        .chain(chars)
                        .collect::<String>()
                        .replace('_', " ")
                })
                .unwrap_or_default()
        }
    }
}

fn sentence_case(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn show_value(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "—".into(),
        Some(serde_json::Value::String(text)) if text.is_empty() => "—".into(),
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(serde_json::Value::Object(map)) => map
            .get("description")
            .or_else(|| map.get("rrule"))
            .map_or_else(
                || serde_json::Value::Object(map.clone()).to_string(),
                |v| show_value(Some(v)),
            ),
        Some(other) => other.to_string(),
    }
}

#[component]
pub fn HistoryEntry(entry: AuditEntry, zone: String, show_task: bool) -> Element {
    let when = time::full_text(&zone, &entry.at);
    let snapshot = entry.after.as_ref().or(entry.before.as_ref()).map(|j| &j.0);
    let title = snapshot
        .and_then(|s| s.get("title"))
        .and_then(|t| t.as_str())
        .unwrap_or("A task")
        .to_owned();
    let changes: Vec<(String, String, String)> = if entry.action == AuditAction::Update {
        entry
            .changed_fields
            .iter()
            .filter(|f| {
                !matches!(
                    f.as_str(),
                    "updatedAt" | "updated_at" | "nextReminderAt" | "next_reminder_at"
                )
            })
            .map(|field| {
                let before = entry.before.as_ref().and_then(|b| b.0.get(field));
                let after = entry.after.as_ref().and_then(|a| a.0.get(field));
                let shown = |value: Option<&serde_json::Value>| match value.and_then(|v| v.as_str())
                {
                    Some(at) if matches!(field.as_str(), "dueAt" | "completedAt") => {
                        time::full_text(&zone, &crate::api::DateTime(at.to_owned()))
                    }
                    // Stored as the schema's enum value ("HIGH"); shown as the list shows it.
                    Some(word) if field == "priority" => sentence_case(word),
                    _ => show_value(value),
                };
                (field_name(field), shown(before), shown(after))
            })
            .collect()
    } else {
        Vec::new()
    };
    let task_id = id_of(&entry.entity_id);
    let action = entry.action.label();
    let actor = entry.source.actor();
    let at = entry.at.0.clone();
    rsx! {
        li { class: "history-entry",
            div { class: "history-line",
                span { class: "history-action", "{action}" }
                if show_task {
                    if entry.action == AuditAction::Delete {
                        span { class: "history-task", "{title}" }
                    } else {
                        Link { class: "history-task", to: Route::TaskDetail { id: task_id }, "{title}" }
                    }
                }
                span { class: "muted", "{actor}" }
                time { class: "muted history-time", datetime: "{at}", "{when}" }
            }
            if !changes.is_empty() {
                table { class: "changes",
                    caption { class: "visually-hidden", "Changed fields" }
                    thead { tr { th { scope: "col", "Field" } th { scope: "col", "Before" } th { scope: "col", "After" } } }
                    tbody {
                        for (field, before, after) in changes {
                            tr { key: "{field}",
                                th { scope: "row", "{field}" }
                                td { class: "before", "{before}" }
                                td { class: "after", "{after}" }
                            }
                        }
                    }
                }
            }
        }
    }
}
