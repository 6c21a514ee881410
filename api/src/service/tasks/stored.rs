//! A stored task read back: its recurrence and zone decoded from the row, and the
//! snapshot of it the audit trail records with each change.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::json;
use uuid::Uuid;

use super::super::{Actor, Source};
use crate::domain::event::{AuditAction, CloudEvent, TaskChange, topic};
use crate::domain::task::Task;
use crate::domain::{Priority, Recurrence};
use crate::store::{self, StoreDbError, Tx};

/// One change to one task, as the audit trail records it.
pub(super) struct Change<'a> {
    pub action: AuditAction,
    /// The channel it came through: the actor's, or `System` for what the service did
    /// on the user's behalf.
    pub source: Source,
    pub before: Option<&'a Task>,
    pub after: Option<&'a Task>,
    /// The names of the task's labels before the change, when the change replaced them;
    /// otherwise the labels are the same before and after, and read as they are.
    pub labels_before: Option<Vec<String>>,
}

/// Writes the events of changes to the outbox, in order and in the transaction of the
/// changes.
pub(super) async fn record(
    tx: &Tx,
    actor: &Actor,
    changes: &[Change<'_>],
) -> Result<(), StoreDbError> {
    let now = Utc::now();
    let ids: Vec<Uuid> = changes
        .iter()
        .filter_map(|change| change.after.or(change.before).map(|task| task.id))
        .collect();
    let labels = store::labels::of_tasks(tx, &ids).await?;
    let names_of = |task: &Task| -> Vec<String> {
        labels
            .get(&task.id)
            .into_iter()
            .flatten()
            .map(|label| label.name.clone())
            .collect()
    };
    let events: Vec<CloudEvent> = changes
        .iter()
        .filter_map(|change| {
            let task_id = change.after.or(change.before)?.id;
            let before = change.before.map(|task| {
                let names = change
                    .labels_before
                    .clone()
                    .unwrap_or_else(|| names_of(task));
                snapshot(task, &names)
            });
            let after = change.after.map(|task| snapshot(task, &names_of(task)));
            let change = TaskChange {
                user_id: actor.user_id,
                task_id,
                project_id: change.after.or(change.before).map(|task| task.project_id),
                action: change.action,
                source: change.source,
                // The service's own follow-up changes (a series' next occurrence) are
                // not the agent's.
                agent: actor
                    .origin
                    .agent
                    .clone()
                    .filter(|_| change.source == actor.origin.source),
                request_id: actor.origin.request_id.clone(),
                before,
                after,
            };
            Some(CloudEvent::task_change(
                &change,
                now,
                actor.origin.traceparent.clone(),
            ))
        })
        .collect();
    store::outbox::append(tx, topic::AUDIT, &events).await
}

/// Records the deletion of these tasks, in order (subtasks before their parent), before
/// they are deleted (so their labels can still be read).
pub async fn record_deletions(tx: &Tx, actor: &Actor, tasks: &[Task]) -> Result<(), StoreDbError> {
    let changes: Vec<Change<'_>> = tasks
        .iter()
        .map(|task| Change {
            action: AuditAction::Delete,
            source: actor.origin.source,
            before: Some(task),
            after: None,
            labels_before: None,
        })
        .collect();
    record(tx, actor, &changes).await
}

/// A task as the audit trail shows it: the fields of the GraphQL `Task`, with the names
/// of its labels.
pub fn snapshot(task: &Task, labels: &[String]) -> serde_json::Value {
    let recurrence = stored_recurrence(task).map(
        |r| json!({ "preset": <&str>::from(r.preset()), "rrule": r.rule(), "mode": <&str>::from(r.mode()) }),
    );
    let priority = task
        .priority
        .and_then(Priority::from_rank)
        .map(<&str>::from);
    json!({
        "id": task.id,
        "title": task.title,
        "description": task.description,
        "priority": priority,
        "projectId": task.project_id,
        "labels": labels,
        "parentId": task.parent_id,
        "position": task.position,
        "assigneeId": task.assignee_id,
        "dueAt": task.due_at.map(rfc3339),
        "allDay": task.all_day,
        "timeZone": task.time_zone,
        "recurrence": recurrence,
        "remindBeforeMinutes": task.remind_before_minutes,
        "completed": task.completed,
        "completedAt": task.completed_at.map(rfc3339),
        "seriesId": task.series_id,
        // Named as before `previousOccurrenceId` existed, so that old and new entries
        // compare field by field.
        "parentTaskId": task.parent_task_id,
        "occurrenceNumber": task.occurrence_number,
        "createdAt": rfc3339(task.created_at),
        "updatedAt": rfc3339(task.updated_at),
        "nextReminderAt": task.remind_at.map(rfc3339),
        "snoozedUntil": task.snoozed_until.map(rfc3339),
    })
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The recurrence stored on a task, if it has a valid one.
pub fn stored_recurrence(task: &Task) -> Option<Recurrence> {
    match (task.recurrence_preset, &task.rrule, task.recurrence_mode) {
        (Some(preset), Some(rule), Some(mode)) => Recurrence::from_stored(preset, rule, mode).ok(),
        _ => None,
    }
}

pub fn stored_time_zone(task: &Task) -> Tz {
    task.zone()
}
