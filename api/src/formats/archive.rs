//! Our own export: everything an account owns as one versioned JSON document, which
//! `POST /import` reads back into any account without loss.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::import::{
    Import, ImportedLabel, ImportedProject, ImportedRecurrence, ImportedTask, RowError, Vocabulary,
};
use crate::domain::preferences::{PreferenceChanges, Preferences, format_local_time};
use crate::domain::project::{Label, Project};
use crate::domain::task::Task;
use crate::domain::{Priority, RecurrenceMode, RecurrencePreset};

/// What the document calls itself, so a stray JSON file is refused by name.
pub const FORMAT: &str = "todo-app-export";
/// Bumped when a field changes meaning; readers refuse versions they do not know.
pub const VERSION: u32 = 1;

/// What an account owns, as the service read it.
pub struct Owned<'a> {
    pub preferences: &'a Preferences,
    /// Projects the user owns (their Inbox among them).
    pub projects: &'a [Project],
    pub labels: &'a [Label],
    /// Every task of those projects, subtasks included.
    pub tasks: &'a [Task],
    /// The user's labels on each task.
    pub task_labels: &'a HashMap<uuid::Uuid, Vec<Label>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Archive {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub preferences: ArchivePreferences,
    pub projects: Vec<ArchiveProject>,
    pub labels: Vec<ArchiveLabel>,
    pub tasks: Vec<ArchiveTask>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchivePreferences {
    pub reminders_enabled: bool,
    pub reminder_minutes_before: i32,
    pub toast_notifications: bool,
    pub time_zone: String,
    pub push_reminders: bool,
    pub email_reminders: bool,
    pub daily_digest_at: Option<String>,
    pub all_day_reminder_time: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveProject {
    pub name: String,
    pub color: Option<String>,
    pub archived: bool,
    pub inbox: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveLabel {
    pub name: String,
    pub color: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveTask {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// URGENT, HIGH, NORMAL or LOW.
    #[serde(default)]
    pub priority: Option<String>,
    /// A project's name from `projects`.
    pub project: String,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub all_day: bool,
    pub time_zone: String,
    #[serde(default)]
    pub recurrence: Option<ArchiveRecurrence>,
    #[serde(default)]
    pub remind_before_minutes: Option<i32>,
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Only top-level tasks have them.
    #[serde(default)]
    pub subtasks: Vec<ArchiveTask>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveRecurrence {
    pub rrule: String,
    /// A preset's name, or CUSTOM.
    pub preset: String,
    /// FROM_DUE_DATE or FROM_COMPLETION.
    pub mode: String,
    /// The due date the series counts from.
    pub anchor: DateTime<Utc>,
    pub occurrence_number: i32,
}

/// The document for what an account owns; projects, labels and tasks in a stable order
/// (tasks by creation), so that exporting an import gives the same document.
pub fn archive(owned: &Owned<'_>, now: DateTime<Utc>) -> Archive {
    let project_names: HashMap<uuid::Uuid, &str> = owned
        .projects
        .iter()
        .map(|project| (project.id, project.name.as_str()))
        .collect();
    let mut subtasks: HashMap<uuid::Uuid, Vec<&Task>> = HashMap::new();
    for task in owned.tasks {
        if let Some(parent) = task.parent_id {
            subtasks.entry(parent).or_default().push(task);
        }
    }
    let entry = |task: &Task, subtasks: Vec<ArchiveTask>| ArchiveTask {
        title: task.title.clone(),
        description: task.description.clone(),
        priority: task
            .priority
            .and_then(Priority::from_rank)
            .map(|priority| <&str>::from(priority).to_owned()),
        project: project_names
            .get(&task.project_id)
            .map(|name| (*name).to_owned())
            .unwrap_or_default(),
        labels: {
            let mut names: Vec<String> = owned
                .task_labels
                .get(&task.id)
                .into_iter()
                .flatten()
                .map(|label| label.name.clone())
                .collect();
            names.sort();
            names
        },
        due_at: task.due_at,
        all_day: task.all_day,
        time_zone: task.time_zone.clone(),
        recurrence: task.rrule.as_ref().map(|rrule| ArchiveRecurrence {
            rrule: rrule.clone(),
            preset: <&str>::from(task.recurrence_preset.unwrap_or(RecurrencePreset::Custom))
                .to_owned(),
            mode: <&str>::from(task.recurrence_mode.unwrap_or_default()).to_owned(),
            anchor: task
                .recurrence_anchor
                .or(task.due_at)
                .unwrap_or(task.created_at),
            occurrence_number: task.occurrence_number,
        }),
        remind_before_minutes: task.remind_before_minutes,
        completed_at: task.completed_at.filter(|_| task.completed),
        created_at: task.created_at,
        subtasks,
    };
    let mut top_level: Vec<&Task> = owned
        .tasks
        .iter()
        .filter(|t| t.parent_id.is_none())
        .collect();
    top_level.sort_by_key(|task| (task.created_at, task.id));
    let tasks = top_level
        .into_iter()
        .map(|task| {
            let mut children = subtasks.remove(&task.id).unwrap_or_default();
            children.sort_by_key(|subtask| (subtask.position, subtask.created_at, subtask.id));
            let children = children
                .into_iter()
                .map(|subtask| entry(subtask, Vec::new()))
                .collect();
            entry(task, children)
        })
        .collect();
    let mut projects: Vec<&Project> = owned.projects.iter().collect();
    projects.sort_by_key(|project| (!project.is_inbox, project.position, project.name.clone()));
    let mut labels: Vec<&Label> = owned.labels.iter().collect();
    labels.sort_by_key(|label| label.name.to_lowercase());
    let preferences = owned.preferences;
    Archive {
        format: FORMAT.to_owned(),
        version: VERSION,
        exported_at: now,
        preferences: ArchivePreferences {
            reminders_enabled: preferences.reminders_enabled,
            reminder_minutes_before: preferences.reminder_minutes_before,
            toast_notifications: preferences.toast_notifications,
            time_zone: preferences.time_zone.name().to_owned(),
            push_reminders: preferences.push_reminders,
            email_reminders: preferences.email_reminders,
            daily_digest_at: preferences.daily_digest_at.map(format_local_time),
            all_day_reminder_time: format_local_time(preferences.all_day_reminder_time),
        },
        projects: projects
            .into_iter()
            .map(|project| ArchiveProject {
                name: project.name.clone(),
                color: project.color.clone(),
                archived: project.archived,
                inbox: project.is_inbox,
            })
            .collect(),
        labels: labels
            .into_iter()
            .map(|label| ArchiveLabel {
                name: label.name.clone(),
                color: label.color.clone(),
            })
            .collect(),
        tasks,
    }
}

/// Reads a document this service exported.
pub fn read(json: &[u8]) -> Result<Import, RowError> {
    let archive: Archive = serde_json::from_slice(json).map_err(|error| {
        RowError::new(
            error.line(),
            "document",
            format!("not an export of this service: {error}"),
        )
    })?;
    if archive.format != FORMAT {
        return Err(RowError::new(1, "format", format!("expected {FORMAT:?}")));
    }
    if archive.version != VERSION {
        return Err(RowError::new(
            1,
            "version",
            format!(
                "version {} is not one this server reads (it reads {VERSION})",
                archive.version
            ),
        ));
    }
    let inbox = archive
        .projects
        .iter()
        .find(|project| project.inbox)
        .map(|project| project.name.clone());
    let mut position = 0;
    let mut tasks = Vec::with_capacity(archive.tasks.len());
    for task in archive.tasks {
        tasks.push(read_task(task, inbox.as_deref(), &mut position, true)?);
    }
    let preferences = archive.preferences;
    Ok(Import {
        projects: archive
            .projects
            .into_iter()
            .map(|project| ImportedProject {
                name: project.name,
                color: project.color,
                archived: project.archived,
                inbox: project.inbox,
            })
            .collect(),
        labels: archive
            .labels
            .into_iter()
            .map(|label| ImportedLabel {
                name: label.name,
                color: label.color,
            })
            .collect(),
        tasks,
        preferences: Some(PreferenceChanges {
            reminders_enabled: Some(preferences.reminders_enabled),
            reminder_minutes_before: Some(preferences.reminder_minutes_before),
            toast_notifications: Some(preferences.toast_notifications),
            time_zone: Some(preferences.time_zone),
            push_reminders: Some(preferences.push_reminders),
            email_reminders: Some(preferences.email_reminders),
            daily_digest_at: Some(preferences.daily_digest_at),
            all_day_reminder_time: Some(preferences.all_day_reminder_time),
        }),
        skipped: Vec::new(),
        vocabulary: Vocabulary::Archive,
    })
}

/// One task and its subtasks; `position` counts tasks in document order, for errors.
/// Subtasks are one level deep, as in the service.
fn read_task(
    task: ArchiveTask,
    inbox: Option<&str>,
    position: &mut usize,
    top_level: bool,
) -> Result<ImportedTask, RowError> {
    *position += 1;
    let line = *position;
    if !top_level && !task.subtasks.is_empty() {
        return Err(RowError::new(
            line,
            "subtasks",
            "a subtask cannot have subtasks of its own",
        ));
    }
    let priority = task
        .priority
        .map(|name| {
            name.parse::<Priority>()
                .map_err(|error| RowError::new(line, "priority", error.to_string()))
        })
        .transpose()?;
    let recurrence =
        task.recurrence
            .map(|recurrence| -> Result<ImportedRecurrence, RowError> {
                Ok(ImportedRecurrence {
                    preset: Some(recurrence.preset.parse::<RecurrencePreset>().map_err(
                        |error| RowError::new(line, "recurrence.preset", error.to_string()),
                    )?),
                    mode: recurrence.mode.parse::<RecurrenceMode>().map_err(|error| {
                        RowError::new(line, "recurrence.mode", error.to_string())
                    })?,
                    rrule: recurrence.rrule,
                    anchor: Some(recurrence.anchor),
                    occurrence_number: Some(recurrence.occurrence_number),
                })
            })
            .transpose()?;
    let mut subtasks = Vec::with_capacity(task.subtasks.len());
    for subtask in task.subtasks {
        subtasks.push(read_task(subtask, inbox, position, false)?);
    }
    Ok(ImportedTask {
        line,
        title: task.title,
        description: task.description,
        priority,
        project: Some(task.project).filter(|name| Some(name.as_str()) != inbox),
        labels: task.labels,
        due_at: task.due_at,
        all_day: task.all_day,
        time_zone: Some(task.time_zone),
        recurrence,
        remind_before_minutes: task.remind_before_minutes,
        completed_at: task.completed_at,
        created_at: Some(task.created_at),
        subtasks,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn document(tasks: Value) -> Vec<u8> {
        json!({
            "format": FORMAT, "version": VERSION, "exportedAt": "2027-01-01T00:00:00Z",
            "preferences": {
                "remindersEnabled": true, "reminderMinutesBefore": 15, "toastNotifications": true,
                "timeZone": "UTC", "pushReminders": false, "emailReminders": false,
                "dailyDigestAt": null, "allDayReminderTime": "09:00"
            },
            "projects": [{ "name": "Inbox", "color": null, "archived": false, "inbox": true }],
            "labels": [],
            "tasks": tasks,
        })
        .to_string()
        .into_bytes()
    }

    fn task(title: &str, subtasks: Value) -> Value {
        json!({ "title": title, "project": "Inbox", "timeZone": "UTC",
                "createdAt": "2027-01-01T00:00:00Z", "subtasks": subtasks })
    }

    #[test]
    fn tasks_are_numbered_in_document_order_and_inbox_tasks_name_no_project() {
        let json = document(json!([
            task("First", json!([task("Child", json!([]))])),
            task("Second", json!([])),
        ]));
        let import = read(&json).expect("a valid export");
        let lines: Vec<(usize, &str)> = import
            .tasks
            .iter()
            .flat_map(|t| std::iter::once(t).chain(&t.subtasks))
            .map(|t| (t.line, t.title.as_str()))
            .collect();
        assert_eq!(lines, [(1, "First"), (2, "Child"), (3, "Second")]);
        assert_eq!(
            import.tasks[0].project, None,
            "the exporting account's Inbox is the importing one's"
        );
    }

    #[test]
    fn other_documents_versions_and_nesting_are_refused_by_place() {
        assert_eq!(read(b"{}").expect_err("refused").field, "document");
        let mut other: Value = serde_json::from_slice(&document(json!([]))).expect("json");
        other["version"] = json!(2);
        assert_eq!(
            read(other.to_string().as_bytes())
                .expect_err("refused")
                .field,
            "version"
        );
        let nested = document(json!([task(
            "Top",
            json!([task("Child", json!([task("Grandchild", json!([]))]))])
        )]));
        assert_eq!(
            read(&nested).expect_err("refused"),
            RowError::new(2, "subtasks", "a subtask cannot have subtasks of its own")
        );
        let bad_priority = document(json!([{
            "title": "x", "project": "Inbox", "timeZone": "UTC",
            "createdAt": "2027-01-01T00:00:00Z", "priority": "SOMEDAY"
        }]));
        assert_eq!(read(&bad_priority).expect_err("refused").field, "priority");
    }
}
