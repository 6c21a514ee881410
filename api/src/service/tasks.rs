//! Task use cases: create, update, complete (with the next occurrence of a recurring
//! task), uncomplete, delete, and listing.

use chrono::{DateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use sea_orm::ActiveValue::Set;
use sea_orm::{DatabaseTransaction, DbErr, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

use super::pagination::{decode_cursor, encode_cursor, page_size};
use super::preview::RecurrencePreview;
use super::{Actor, ServiceError, ServiceResult, Source, Wakeup};
use crate::domain::event::{AuditAction, CloudEvent, TaskChange, topic};
use crate::domain::preferences::Preferences;
use crate::domain::reminder::{ReminderState, remind_at};
use crate::domain::task::parse_time_zone;
use crate::domain::{
    Priority, Recurrence, RecurrenceMode, RecurrencePreset, SeriesEnd, SeriesPosition, TaskFields,
    ValidationError,
};
use crate::store::entities::task;
use crate::store::tasks::{Keyset, SortValue, TaskFilter, TaskOrder, TaskOrderField};
use crate::store::{self, Db};

/// Stored tasks whose time zone cannot be read any more fall back to UTC.
const FALLBACK_TIME_ZONE: Tz = Tz::UTC;

/// A change to one optional field: leave it, clear it, or set it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    fn resolve(self, current: Option<T>) -> Option<T> {
        match self {
            Self::Keep => current,
            Self::Clear => None,
            Self::Set(value) => Some(value),
        }
    }

    fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecurrenceSpec {
    pub preset: Option<RecurrencePreset>,
    pub rrule: Option<String>,
    pub mode: RecurrenceMode,
}

impl RecurrenceSpec {
    fn resolve(&self) -> Result<Recurrence, ValidationError> {
        Recurrence::from_input(self.preset, self.rrule.as_deref(), self.mode)
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewTask {
    pub title: String,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub category: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub time_zone: Option<String>,
    pub recurrence: Option<RecurrenceSpec>,
    pub remind_before_minutes: Option<i32>,
}

/// Changes to a task; `Patch::Clear` clears a field. The title cannot be cleared.
#[derive(Debug, Clone, Default)]
pub struct TaskChanges {
    pub title: Option<String>,
    pub description: Patch<String>,
    pub priority: Patch<Priority>,
    pub category: Patch<String>,
    pub due_at: Patch<DateTime<Utc>>,
    /// Clearing the time zone returns the task to the default.
    pub time_zone: Patch<String>,
    /// Clearing the recurrence makes the task one-time.
    pub recurrence: Patch<RecurrenceSpec>,
    pub remind_before_minutes: Patch<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub filter: TaskFilter,
    pub order: TaskOrder,
    pub first: Option<i32>,
    pub after: Option<String>,
}

pub struct TaskPage {
    pub edges: Vec<(String, task::Model)>,
    pub has_next_page: bool,
}

pub struct Completion {
    pub task: task::Model,
    pub next_occurrence: Option<task::Model>,
    /// Why the task's recurring series has no next occurrence; `None` when it has one or
    /// the task is one-time.
    pub series_end: Option<SeriesEnd>,
}

/// The editable fields of a task after merging input with what is stored, validated
/// together because they constrain each other (a recurrence needs a due date).
struct Draft {
    title: String,
    description: Option<String>,
    priority: Option<Priority>,
    category: Option<String>,
    due_at: Option<DateTime<Utc>>,
    time_zone: Tz,
    recurrence: Option<Recurrence>,
    remind_before_minutes: Option<i32>,
}

impl Draft {
    /// Checks the fields against each other; `anchor` is the start of the series.
    fn validate(&self, anchor: Option<DateTime<Utc>>) -> Result<(), ValidationError> {
        check_schedule(
            self.recurrence.as_ref(),
            anchor.or(self.due_at),
            self.time_zone,
        )
    }

    fn write_to(self, model: &mut task::ActiveModel) {
        model.title = Set(self.title);
        model.description = Set(self.description);
        model.priority = Set(self.priority.map(Priority::rank));
        model.category = Set(self.category);
        model.due_at = Set(self.due_at);
        model.time_zone = Set(self.time_zone.name().to_owned());
        model.rrule = Set(self.recurrence.as_ref().map(|r| r.rule().to_owned()));
        model.recurrence_preset = Set(self
            .recurrence
            .as_ref()
            .map(|r| r.preset().as_str().to_owned()));
        model.recurrence_mode = Set(self
            .recurrence
            .as_ref()
            .map(|r| r.mode().as_str().to_owned()));
        model.remind_before_minutes = Set(self.remind_before_minutes);
    }
}

/// When a new task happens: its due date, time zone and recurrence, checked together.
/// `createTask` and `recurrencePreview` both go through here, so they accept and refuse
/// the same input with the same errors.
pub(super) struct Schedule {
    pub due_at: Option<DateTime<Utc>>,
    pub time_zone: Tz,
    pub recurrence: Option<Recurrence>,
}

impl Schedule {
    pub(super) fn resolve(
        due_at: Option<DateTime<Utc>>,
        time_zone: Option<&str>,
        recurrence: Option<&RecurrenceSpec>,
        default_zone: Tz,
    ) -> Result<Self, ValidationError> {
        let schedule = Self {
            due_at: due_at.map(to_whole_seconds),
            time_zone: match time_zone {
                Some(name) => TaskFields::time_zone(name)?,
                None => default_zone,
            },
            recurrence: recurrence.map(RecurrenceSpec::resolve).transpose()?,
        };
        check_schedule(
            schedule.recurrence.as_ref(),
            schedule.due_at,
            schedule.time_zone,
        )?;
        Ok(schedule)
    }
}

/// A recurrence needs a start (`anchor`, the first due date) and must fit it.
fn check_schedule(
    recurrence: Option<&Recurrence>,
    anchor: Option<DateTime<Utc>>,
    time_zone: Tz,
) -> Result<(), ValidationError> {
    if let Some(recurrence) = recurrence {
        let anchor = anchor.ok_or_else(|| {
            ValidationError::new("input.dueAt", "a recurring task needs a due date")
        })?;
        recurrence.validate_schedule(anchor, time_zone)?;
    }
    Ok(())
}

#[derive(Clone)]
pub struct TaskService {
    db: Db,
    outbox_wakeup: Wakeup,
    reminder_wakeup: Wakeup,
}

impl TaskService {
    pub fn new(db: Db, outbox_wakeup: Wakeup, reminder_wakeup: Wakeup) -> Self {
        Self {
            db,
            outbox_wakeup,
            reminder_wakeup,
        }
    }

    pub async fn get(&self, actor: &Actor, id: Uuid) -> ServiceResult<task::Model> {
        store::tasks::find_for_user(self.db.reader(), actor.user_id, id)
            .await?
            .ok_or(ServiceError::NotFound("task"))
    }

    pub async fn list(&self, actor: &Actor, query: &TaskQuery) -> ServiceResult<TaskPage> {
        let limit = page_size(query.first)?;
        let ordering = ordering_tag(query.order);
        let after = query
            .after
            .as_deref()
            .map(|cursor| decode_cursor::<(SortValue, Uuid)>(&ordering, cursor))
            .transpose()?
            .map(|(value, id)| Keyset { value, id });
        let (rows, has_next_page) = store::tasks::list(
            self.db.reader(),
            actor.user_id,
            &query.filter,
            query.order,
            after.as_ref(),
            limit,
            Utc::now(),
        )
        .await?;
        let edges = rows
            .into_iter()
            .map(|task| {
                let cursor =
                    encode_cursor(&ordering, &(query.order.field.value_of(&task), task.id));
                (cursor, task)
            })
            .collect();
        Ok(TaskPage {
            edges,
            has_next_page,
        })
    }

    pub async fn count(&self, actor: &Actor, filter: &TaskFilter) -> ServiceResult<u64> {
        Ok(store::tasks::count(self.db.reader(), actor.user_id, filter, Utc::now()).await?)
    }

    pub async fn create(&self, actor: &Actor, input: NewTask) -> ServiceResult<task::Model> {
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
        let mut model = task::ActiveModel {
            id: Set(id),
            user_id: Set(actor.user_id),
            recurrence_anchor: Set(draft.due_at.filter(|_| recurring)),
            occurrence_number: Set(1),
            completed: Set(false),
            completed_at: Set(None),
            series_id: Set(recurring.then_some(id)),
            parent_task_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            reminded_due_at: Set(None),
            ..Default::default()
        };
        draft.write_to(&mut model);
        arm_reminder(&mut model, &preferences, now);
        let tx = self.db.begin_write().await?;
        let task = store::tasks::insert(&tx, model).await?;
        record(
            &tx,
            actor,
            AuditAction::Create,
            actor.origin.source,
            None,
            Some(&task),
        )
        .await?;
        self.commit(tx).await?;
        Ok(task)
    }

    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        changes: TaskChanges,
    ) -> ServiceResult<task::Model> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let current = self.owned_task(&tx, actor, id).await?;
        let time_zone = match &changes.time_zone {
            Patch::Keep => stored_time_zone(&current),
            Patch::Clear => self.preferences(actor).await?.time_zone,
            Patch::Set(name) => TaskFields::time_zone(name)?,
        };
        let restarts_series = !changes.recurrence.is_keep() || !changes.due_at.is_keep();
        let draft = Draft {
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
        // A new rule or a moved due date starts the series afresh from the due date.
        let anchor = if restarts_series {
            draft.due_at
        } else {
            current.recurrence_anchor.or(draft.due_at)
        };
        draft.validate(anchor)?;
        let recurring = draft.recurrence.is_some();
        let mut model = current.clone().into_active_model();
        model.recurrence_anchor = Set(anchor.filter(|_| recurring));
        if recurring && current.series_id.is_none() {
            model.series_id = Set(Some(current.id));
        }
        model.updated_at = Set(now());
        draft.write_to(&mut model);
        arm_reminder(
            &mut model,
            &store::preferences::get(&tx, actor.user_id).await?,
            now(),
        );
        let task = store::tasks::update(&tx, model).await?;
        record(
            &tx,
            actor,
            AuditAction::Update,
            actor.origin.source,
            Some(&current),
            Some(&task),
        )
        .await?;
        self.commit(tx).await?;
        Ok(task)
    }

    /// Completes a task. Idempotent: completing a completed task changes nothing and
    /// returns the next occurrence created the first time. The next occurrence of a
    /// recurring task is created at most once, however many completions race.
    pub async fn complete(&self, actor: &Actor, id: Uuid) -> ServiceResult<Completion> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let task = self.owned_task(&tx, actor, id).await?;
        let completed_at = now();
        let won = !task.completed
            && store::tasks::mark_completed(&tx, actor.user_id, id, completed_at).await?;
        // A repeated completion reports what the first one decided.
        let decided_at = match task.completed_at {
            Some(first) if !won => first,
            _ => completed_at,
        };
        let (successor, series_end) = match successor_of(&task, decided_at) {
            Ok(successor) => (successor, None),
            Err(end) => (None, Some(end)),
        };
        let created_successor = match successor {
            Some(mut successor) if won => {
                let preferences = store::preferences::get(&tx, actor.user_id).await?;
                arm_reminder(&mut successor, &preferences, completed_at);
                store::tasks::insert_successor(&tx, successor).await?
            }
            _ => false,
        };
        let before = task;
        let task = self.owned_task(&tx, actor, id).await?;
        let next_occurrence = store::tasks::find_successor(&tx, id).await?;
        if won {
            record(
                &tx,
                actor,
                AuditAction::Complete,
                actor.origin.source,
                Some(&before),
                Some(&task),
            )
            .await?;
        }
        if let Some(successor) = next_occurrence.as_ref().filter(|_| created_successor) {
            // The next occurrence is the system's doing, on the user's behalf.
            record(
                &tx,
                actor,
                AuditAction::Create,
                Source::System,
                None,
                Some(successor),
            )
            .await?;
        }
        self.commit(tx).await?;
        let series_end = series_end.filter(|_| next_occurrence.is_none());
        Ok(Completion {
            task,
            next_occurrence,
            series_end,
        })
    }

    pub async fn uncomplete(&self, actor: &Actor, id: Uuid) -> ServiceResult<task::Model> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let task = self.owned_task(&tx, actor, id).await?;
        if !task.completed {
            tx.commit().await?;
            return Ok(task);
        }
        let before = task.clone();
        let mut model = task.into_active_model();
        model.completed = Set(false);
        model.completed_at = Set(None);
        model.updated_at = Set(now());
        arm_reminder(
            &mut model,
            &store::preferences::get(&tx, actor.user_id).await?,
            now(),
        );
        let task = store::tasks::update(&tx, model).await?;
        record(
            &tx,
            actor,
            AuditAction::Uncomplete,
            actor.origin.source,
            Some(&before),
            Some(&task),
        )
        .await?;
        self.commit(tx).await?;
        Ok(task)
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
            AuditAction::Delete,
            actor.origin.source,
            Some(&task),
            None,
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// The user's preferences: the time zone tasks that name none take, and the
    /// reminder settings.
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
            _ => Err(ServiceError::Internal(
                "a resolved schedule lost its recurrence".into(),
            )),
        }
    }

    async fn preferences(&self, actor: &Actor) -> ServiceResult<Preferences> {
        Ok(store::preferences::get(self.db.reader(), actor.user_id).await?)
    }

    /// Commits a change: wakes the relay for its events and the scheduler, whose next
    /// reminder may have moved.
    async fn commit(&self, tx: DatabaseTransaction) -> ServiceResult<()> {
        tx.commit().await?;
        self.outbox_wakeup.notify();
        self.reminder_wakeup.notify();
        Ok(())
    }

    /// Another user's task is reported exactly like a missing one.
    async fn owned_task(
        &self,
        tx: &DatabaseTransaction,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<task::Model> {
        store::tasks::find_for_user(tx, actor.user_id, id)
            .await?
            .ok_or(ServiceError::NotFound("task"))
    }
}

/// Writes the event of a change to the outbox, in the transaction of the change.
async fn record(
    tx: &DatabaseTransaction,
    actor: &Actor,
    action: AuditAction,
    source: Source,
    before: Option<&task::Model>,
    after: Option<&task::Model>,
) -> Result<(), DbErr> {
    let Some(task_id) = after.or(before).map(|task| task.id) else {
        return Ok(());
    };
    let change = TaskChange {
        user_id: actor.user_id,
        task_id,
        action,
        source,
        request_id: actor.origin.request_id.clone(),
        before: before.map(snapshot),
        after: after.map(snapshot),
    };
    let event = CloudEvent::task_change(&change, Utc::now(), actor.origin.traceparent.clone());
    store::outbox::append(tx, topic::AUDIT, &event).await
}

/// A task as the audit trail shows it: the fields of the GraphQL `Task`.
pub fn snapshot(task: &task::Model) -> serde_json::Value {
    let recurrence = stored_recurrence(task).map(
        |r| json!({ "preset": r.preset().as_str(), "rrule": r.rule(), "mode": r.mode().as_str() }),
    );
    let priority = task
        .priority
        .and_then(Priority::from_rank)
        .map(|p| p.as_str());
    json!({
        "id": task.id,
        "title": task.title,
        "description": task.description,
        "priority": priority,
        "category": task.category,
        "dueAt": task.due_at.map(rfc3339),
        "timeZone": task.time_zone,
        "recurrence": recurrence,
        "remindBeforeMinutes": task.remind_before_minutes,
        "completed": task.completed,
        "completedAt": task.completed_at.map(rfc3339),
        "seriesId": task.series_id,
        "parentTaskId": task.parent_task_id,
        "occurrenceNumber": task.occurrence_number,
        "createdAt": rfc3339(task.created_at),
        "updatedAt": rfc3339(task.updated_at),
        "nextReminderAt": task.remind_at.map(rfc3339),
    })
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The recurrence stored on a task, if it has a valid one.
pub fn stored_recurrence(task: &task::Model) -> Option<Recurrence> {
    match (&task.recurrence_preset, &task.rrule, &task.recurrence_mode) {
        (Some(preset), Some(rule), Some(mode)) => Recurrence::from_stored(preset, rule, mode).ok(),
        _ => None,
    }
}

pub fn stored_time_zone(task: &task::Model) -> Tz {
    parse_time_zone("timeZone", &task.time_zone).unwrap_or(FALLBACK_TIME_ZONE)
}

/// The next occurrence of a recurring task completed at `completed_at`, ready to insert;
/// `Ok(None)` for a one-time task, the reason when its series has ended.
fn successor_of(
    task: &task::Model,
    completed_at: DateTime<Utc>,
) -> Result<Option<task::ActiveModel>, SeriesEnd> {
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
    Ok(Some(task::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(task.user_id),
        title: Set(task.title.clone()),
        description: Set(task.description.clone()),
        priority: Set(task.priority),
        category: Set(task.category.clone()),
        due_at: Set(Some(next.due)),
        time_zone: Set(task.time_zone.clone()),
        rrule: Set(task.rrule.clone()),
        recurrence_preset: Set(task.recurrence_preset.clone()),
        recurrence_mode: Set(task.recurrence_mode.clone()),
        recurrence_anchor: Set(Some(next.anchor)),
        occurrence_number: Set(i32::try_from(next.occurrence_number).unwrap_or(i32::MAX)),
        remind_before_minutes: Set(task.remind_before_minutes),
        completed: Set(false),
        completed_at: Set(None),
        series_id: Set(Some(task.series_id.unwrap_or(task.id))),
        parent_task_id: Set(Some(task.id)),
        created_at: Set(completed_at),
        updated_at: Set(completed_at),
        remind_at: Set(None),
        reminded_due_at: Set(None),
    }))
}

/// Sets when the reminder of the task in `model` is due, from its other fields.
fn arm_reminder(model: &mut task::ActiveModel, preferences: &Preferences, now: DateTime<Utc>) {
    let state = ReminderState {
        due_at: model.due_at.try_as_ref().copied().flatten(),
        completed: model.completed.try_as_ref().copied().unwrap_or(false),
        remind_before_minutes: model.remind_before_minutes.try_as_ref().copied().flatten(),
        reminded_due_at: model.reminded_due_at.try_as_ref().copied().flatten(),
    };
    model.remind_at = Set(remind_at(state, preferences, now));
}

/// Recomputes the reminders of the user's open tasks after their preferences changed.
pub(super) async fn rearm_reminders(
    tx: &DatabaseTransaction,
    user_id: Uuid,
    preferences: &Preferences,
) -> Result<(), DbErr> {
    let now = now();
    for task in store::tasks::open_with_due_date(tx, user_id).await? {
        let current = task.remind_at;
        let mut model = task.into_active_model();
        arm_reminder(&mut model, preferences, now);
        if model.remind_at.try_as_ref().copied().flatten() != current {
            store::tasks::update(tx, model).await?;
        }
    }
    Ok(())
}

fn resolve_text(
    patch: Patch<String>,
    current: Option<String>,
    rule: fn(&str) -> Result<Option<String>, ValidationError>,
) -> Result<Option<String>, ValidationError> {
    match patch {
        Patch::Set(text) => rule(&text),
        other => Ok(other.resolve(current)),
    }
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

/// Due dates are kept to the second: recurrence rules produce whole seconds, and an
/// instance a fraction before its series start would be lost.
fn to_whole_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(0)
}

/// PostgreSQL keeps microseconds; trimming here makes every backend return exactly
/// what was stored.
fn to_stored_precision(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

fn now() -> DateTime<Utc> {
    to_stored_precision(Utc::now())
}
