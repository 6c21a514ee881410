//! One entry of a task's history: what changed, by whom, when; shown on the task's
//! page and in the activity log.

use dioxus::prelude::*;

use crate::Route;
use crate::api::{AuditAction, AuditEntry, id_of};
use crate::time;

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
    let actor = match &entry.agent {
        Some(agent) => format!("by {agent} (an AI agent, MCP) for you"),
        None => entry.source.actor().to_owned(),
    };
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
