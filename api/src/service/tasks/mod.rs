//! Task use cases: create, update, complete (with the next occurrence of a recurring
//! task), uncomplete, delete, and listing. What they take is in `input`; how a stored
//! task is read back and recorded in the audit trail is in `stored`; reminder arming is
//! `service::reminders`.

mod input;
mod stored;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use self::input::{Draft, Schedule, resolve_text, start_of_series, to_whole_seconds};
pub use self::input::{NewTask, Patch, RecurrenceSpec, TaskChanges, TaskPosition, TaskQuery};
use self::stored::{Change, record};
pub use self::stored::{snapshot, stored_recurrence, stored_time_zone};
use super::pagination::{Cursor, Page, page_spec};
use super::preview::RecurrencePreview;
use super::reminders::arm_reminder;
use super::{Actor, ReminderAlarm, ServiceError, ServiceResult, Source, Wakeup, now};
use crate::domain::event::AuditAction;
use crate::domain::preferences::Preferences;
use crate::domain::task::Task;
use crate::domain::{Priority, SeriesEnd, SeriesPosition, TaskFields};
use crate::store::tasks::{Keyset, TaskFilter, TaskOrder, TaskOrderField};
use crate::store::{self, Db, Tx};

pub struct Completion {
    pub task: Task,
    pub next_occurrence: Option<Task>,
    /// Why the task's recurring series has no next occurrence; `None` when it has one or
    /// the task is one-time.
    pub series_end: Option<SeriesEnd>,
}

#[derive(Clone)]
pub struct TaskService {
    db: Db,
    outbox_wakeup: Wakeup,
    reminder_alarm: ReminderAlarm,
}

impl TaskService {
    pub fn new(db: Db, outbox_wakeup: Wakeup, reminder_alarm: ReminderAlarm) -> Self {
        Self {
            db,
            outbox_wakeup,
            reminder_alarm,
        }
    }

    pub async fn get(&self, actor: &Actor, id: Uuid) -> ServiceResult<Task> {
        store::tasks::find_for_user(self.db.reader(), actor.user_id, id)
            .await?
            .ok_or(ServiceError::NotFound("task"))
    }

    pub async fn list(
        &self,
        actor: &Actor,
        query: &TaskQuery,
    ) -> ServiceResult<Page<Task, TaskPosition>> {
        let page = page_spec(query.first, query.count_total)?;
        let ordering = ordering_tag(query.order);
        let after = query
            .after
            .clone()
            .map(|cursor| cursor.position_in(&ordering))
            .transpose()?
            .map(|(value, id)| Keyset { value, id });
        let fetched = store::tasks::list(
            self.db.reader(),
            actor.user_id,
            &query.filter,
            query.order,
            after.as_ref(),
            page,
            Utc::now(),
        )
        .await?;
        Ok(Page::of(fetched, |task| {
            let position = (query.order.field.value_of(task), task.id);
            Cursor::new(ordering.clone(), position)
        }))
    }

    pub async fn count(&self, actor: &Actor, filter: &TaskFilter) -> ServiceResult<u64> {
        Ok(store::tasks::count(self.db.reader(), actor.user_id, filter, Utc::now()).await?)
    }

    pub async fn create(&self, actor: &Actor, input: NewTask) -> ServiceResult<Task> {
        actor.require_write()?;
        let preferences = self.preferences(actor).await?;
        let title = TaskFields::title(&input.title)?;
        let schedule = Schedule::resolve(
            input.due_at,
            input.time_zone.as_deref(),
            input.recurrence.as_ref(),
            preferences.time_zone,
        )?;
        let draft = Draft {
            title,
            description: input
                .description
                .as_deref()
                .map(TaskFields::description)
                .transpose()?
                .flatten(),
            priority: input.priority,
            category: input
                .category
                .as_deref()
                .map(TaskFields::category)
                .transpose()?
                .flatten(),
            due_at: schedule.due_at,
            time_zone: schedule.time_zone,
            recurrence: schedule.recurrence,
            remind_before_minutes: input
                .remind_before_minutes
                .map(TaskFields::remind_before_minutes)
                .transpose()?,
        };
        let now = now();
        let id = Uuid::now_v7();
        let recurring = draft.recurrence.is_some();
        // The fields the draft does not write are those of a new series' first
        // occurrence, open and not reminded yet.
        let mut task = Task {
            id,
            user_id: actor.user_id,
            recurrence_anchor: draft.due_at.filter(|_| recurring),
            occurrence_number: 1,
            series_id: recurring.then_some(id),
            created_at: now,
            updated_at: now,
            ..Task::default()
        };
        draft.write_to(&mut task);
        arm_reminder(&mut task, &preferences, now);
        let tx = self.db.begin_write().await?;
        let task = store::tasks::insert(&tx, task).await?;
        record(
            &tx,
            actor,
            &[Change {
                action: AuditAction::Create,
                source: actor.origin.source,
                before: None,
                after: Some(&task),
            }],
        )
        .await?;
        self.commit(tx, task.remind_at).await?;
        Ok(task)
    }

    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        changes: TaskChanges,
    ) -> ServiceResult<Task> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let current = self.owned_task(&tx, actor, id).await?;
        let time_zone = match &changes.time_zone {
            Patch::Keep => stored_time_zone(&current),
            Patch::Clear => self.preferences(actor).await?.time_zone,
            Patch::Set(name) => TaskFields::time_zone(name)?,
        };
        let restarts_series = !changes.recurrence.is_keep() || !changes.due_at.is_keep();
        let mut draft = Draft {
            title: match &changes.title {
                Some(title) => TaskFields::title(title)?,
                None => current.title.clone(),
            },
            description: resolve_text(
                changes.description,
                current.description.clone(),
                TaskFields::description,
            )?,
            priority: changes
                .priority
                .resolve(current.priority.and_then(Priority::from_rank)),
            category: resolve_text(
                changes.category,
                current.category.clone(),
                TaskFields::category,
            )?,
            due_at: changes.due_at.resolve(current.due_at).map(to_whole_seconds),
            time_zone,
            recurrence: match changes.recurrence {
                Patch::Keep => stored_recurrence(&current),
                Patch::Clear => None,
                Patch::Set(spec) => Some(spec.resolve()?),
            },
            remind_before_minutes: match changes.remind_before_minutes {
                Patch::Set(minutes) => Some(TaskFields::remind_before_minutes(minutes)?),
                other => other.resolve(current.remind_before_minutes),
            },
        };
        // A one-time task given a rule starts a new series, on the rule's first match.
        if current.rrule.is_none() && draft.recurrence.is_some() {
            draft.validate(draft.due_at)?;
            draft.due_at = start_of_series(draft.recurrence.as_ref(), draft.due_at, time_zone)?;
        }
        // A new rule or a moved due date starts the series afresh from the due date.
        let anchor = if restarts_series {
            draft.due_at
        } else {
            current.recurrence_anchor.or(draft.due_at)
        };
        draft.validate(anchor)?;
        let recurring = draft.recurrence.is_some();
        let mut edited = current.clone();
        edited.recurrence_anchor = anchor.filter(|_| recurring);
        if recurring && current.series_id.is_none() {
            edited.series_id = Some(current.id);
        }
        draft.write_to(&mut edited);
        let task = save_edit(&tx, actor, AuditAction::Update, &current, edited).await?;
        self.commit(tx, task.remind_at).await?;
        Ok(task)
    }

    /// Completes a task. Idempotent: completing a completed task changes nothing and
    /// returns the next occurrence created the first time. The next occurrence of a
    /// recurring task is created at most once, however many completions race.
    pub async fn complete(&self, actor: &Actor, id: Uuid) -> ServiceResult<Completion> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let before = self.owned_task(&tx, actor, id).await?;
        let completed_at = now();
        let completed = if before.completed {
            None
        } else {
            store::tasks::mark_completed(&tx, actor.user_id, id, completed_at).await?
        };
        // A repeated completion reports what the first one decided.
        let decided_at = match before.completed_at {
            Some(first) if completed.is_none() => first,
            _ => completed_at,
        };
        let (successor, series_end) = match successor_of(&before, decided_at) {
            Ok(successor) => (successor, None),
            Err(end) => (None, Some(end)),
        };
        let created_successor = match successor {
            Some(mut successor) if completed.is_some() => {
                let preferences = store::preferences::get(&tx, actor.user_id).await?;
                arm_reminder(&mut successor, &preferences, completed_at);
                store::tasks::insert_successor(&tx, successor).await?
            }
            _ => None,
        };
        let won = completed.is_some();
        let task = match completed {
            Some(task) => task,
            // Lost a race, or completed before: report the task as it stands now.
            None => self.owned_task(&tx, actor, id).await?,
        };
        let mut changes = Vec::with_capacity(2);
        if won {
            changes.push(Change {
                action: AuditAction::Complete,
                source: actor.origin.source,
                before: Some(&before),
                after: Some(&task),
            });
        }
        if let Some(successor) = &created_successor {
            // The next occurrence is the system's doing, on the user's behalf.
            changes.push(Change {
                action: AuditAction::Create,
                source: Source::System,
                before: None,
                after: Some(successor),
            });
        }
        record(&tx, actor, &changes).await?;
        let next_occurrence = match created_successor {
            Some(successor) => Some(successor),
            None => store::tasks::find_successor(&tx, id).await?,
        };
        let armed = next_occurrence.as_ref().and_then(|next| next.remind_at);
        self.commit(tx, armed).await?;
        let series_end = series_end.filter(|_| next_occurrence.is_none());
        Ok(Completion {
            task,
            next_occurrence,
            series_end,
        })
    }

    /// Reopens a completed task (idempotent: an open task is returned as it is). When its
    /// completion created the next occurrence of its series and that occurrence is
    /// untouched ([`Task::is_untouched`]), the next occurrence is deleted in the same
    /// transaction, so undoing a completion leaves one open occurrence, not two.
    pub async fn uncomplete(&self, actor: &Actor, id: Uuid) -> ServiceResult<Task> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let task = self.owned_task(&tx, actor, id).await?;
        if !task.completed {
            tx.commit().await?;
            return Ok(task);
        }
        let mut edited = task.clone();
        edited.completed = false;
        edited.completed_at = None;
        let task = save_edit(&tx, actor, AuditAction::Uncomplete, &task, edited).await?;
        // Reopening an occurrence takes back the completion that created its next one:
        // that one goes too, unless someone has made it their own since (then it stays,
        // and `Task.nextOccurrence` still shows it).
        if let Some(next) = store::tasks::find_successor(&tx, id).await?
            && next.is_untouched()
            && store::tasks::delete_if_untouched(&tx, next.id).await?
        {
            record(
                &tx,
                actor,
                &[Change {
                    action: AuditAction::Delete,
                    source: actor.origin.source,
                    before: Some(&next),
                    after: None,
                }],
            )
            .await?;
        }
        self.commit(tx, task.remind_at).await?;
        Ok(task)
    }

    /// The occurrence that completing task `id` created, while it exists.
    pub async fn next_occurrence(&self, actor: &Actor, id: Uuid) -> ServiceResult<Option<Task>> {
        Ok(store::tasks::find_successor(self.db.reader(), id)
            .await?
            .filter(|next| next.user_id == actor.user_id))
    }

    pub async fn delete(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let task = self.owned_task(&tx, actor, id).await?;
        if !store::tasks::delete(&tx, actor.user_id, id).await? {
            return Err(ServiceError::NotFound("task"));
        }
        record(
            &tx,
            actor,
            &[Change {
                action: AuditAction::Delete,
                source: actor.origin.source,
                before: Some(&task),
                after: None,
            }],
        )
        .await?;
        self.commit(tx, None).await?;
        Ok(())
    }

    /// The rule's text and the first `count` due dates of the series that `create` would
    /// start from this schedule, refused with the same errors `create` gives.
    pub async fn preview_recurrence(
        &self,
        actor: &Actor,
        due_at: Option<DateTime<Utc>>,
        time_zone: Option<&str>,
        recurrence: &RecurrenceSpec,
        count: usize,
    ) -> ServiceResult<RecurrencePreview> {
        let preferences = self.preferences(actor).await?;
        let schedule =
            Schedule::resolve(due_at, time_zone, Some(recurrence), preferences.time_zone)?;
        match (schedule.recurrence, schedule.due_at) {
            (Some(recurrence), Some(anchor)) => Ok(RecurrencePreview::walk(
                recurrence,
                anchor,
                schedule.time_zone,
                count,
            )),
            // `resolve` refuses a recurrence without a due date.
            _ => Err(anyhow::anyhow!("a resolved schedule lost its recurrence").into()),
        }
    }

    /// The user's preferences: the time zone tasks that name none take, and the
    /// reminder settings.
    async fn preferences(&self, actor: &Actor) -> ServiceResult<Preferences> {
        Ok(store::preferences::get(self.db.reader(), actor.user_id).await?)
    }

    /// Commits a change that armed the reminder `armed` (or none): wakes the relay for
    /// its events and, if that reminder is due before its next sweep, the scheduler.
    async fn commit(&self, tx: Tx, armed: Option<DateTime<Utc>>) -> ServiceResult<()> {
        tx.commit().await?;
        self.outbox_wakeup.notify();
        self.reminder_alarm.armed(armed);
        Ok(())
    }

    /// Another user's task is reported exactly like a missing one.
    async fn owned_task(&self, tx: &Tx, actor: &Actor, id: Uuid) -> ServiceResult<Task> {
        store::tasks::find_for_user(tx, actor.user_id, id)
            .await?
            .ok_or(ServiceError::NotFound("task"))
    }
}

/// The end of every edit of a stored task: stamp it, arm its reminder from its new
/// state, write it, and record the change.
async fn save_edit(
    tx: &Tx,
    actor: &Actor,
    action: AuditAction,
    before: &Task,
    mut edited: Task,
) -> ServiceResult<Task> {
    let now = now();
    edited.updated_at = now;
    let preferences = store::preferences::get(tx, actor.user_id).await?;
    arm_reminder(&mut edited, &preferences, now);
    let task = store::tasks::update(tx, before, edited).await?;
    record(
        tx,
        actor,
        &[Change {
            action,
            source: actor.origin.source,
            before: Some(before),
            after: Some(&task),
        }],
    )
    .await?;
    Ok(task)
}

/// The next occurrence of a recurring task completed at `completed_at`, ready to insert;
/// `Ok(None)` for a one-time task, the reason when its series has ended.
fn successor_of(task: &Task, completed_at: DateTime<Utc>) -> Result<Option<Task>, SeriesEnd> {
    let (Some(recurrence), Some(due)) = (stored_recurrence(task), task.due_at) else {
        return Ok(None);
    };
    let position = SeriesPosition {
        anchor: task.recurrence_anchor.unwrap_or(due),
        due,
        occurrence_number: u32::try_from(task.occurrence_number).unwrap_or(1),
        time_zone: stored_time_zone(task),
    };
    let next = recurrence.next_or_end(&position, completed_at)?;
    Ok(Some(Task {
        id: Uuid::now_v7(),
        user_id: task.user_id,
        title: task.title.clone(),
        description: task.description.clone(),
        priority: task.priority,
        category: task.category.clone(),
        due_at: Some(next.due),
        time_zone: task.time_zone.clone(),
        rrule: task.rrule.clone(),
        recurrence_preset: task.recurrence_preset,
        recurrence_mode: task.recurrence_mode,
        recurrence_anchor: Some(next.anchor),
        occurrence_number: i32::try_from(next.occurrence_number).unwrap_or(i32::MAX),
        remind_before_minutes: task.remind_before_minutes,
        completed: false,
        completed_at: None,
        series_id: Some(task.series_id.unwrap_or(task.id)),
        parent_task_id: Some(task.id),
        created_at: completed_at,
        updated_at: completed_at,
        remind_at: None,
        reminded_due_at: None,
    }))
}

/// A listing's cursors are only valid for the ordering they were issued under.
fn ordering_tag(order: TaskOrder) -> String {
    let field = match order.field {
        TaskOrderField::CreatedAt => "CREATED_AT",
        TaskOrderField::DueAt => "DUE_AT",
        TaskOrderField::Priority => "PRIORITY",
        TaskOrderField::Title => "TITLE",
    };
    format!(
        "tasks:{field}:{}",
        if order.descending { "DESC" } else { "ASC" }
    )
}
