//! Task use cases: create, update, complete (with the next occurrence of a recurring
//! task), uncomplete, delete, and listing. What they take is in `input`; how a stored
//! task is read back and recorded in the audit trail is in `stored`; reminder arming is
//! `service::reminders`.

mod input;
mod stored;
mod transfer;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use self::input::{Draft, Schedule, due_date, resolve_text, start_of_series, to_whole_seconds};
pub use self::input::{NewTask, Patch, RecurrenceSpec, TaskChanges, TaskPosition, TaskQuery};
use self::stored::{Change, record};
pub use self::stored::{record_deletions, snapshot, stored_recurrence, stored_time_zone};
pub use self::transfer::{ImportError, ImportReport, Owned};
use super::pagination::{Cursor, Page, page_spec};
use super::preview::RecurrencePreview;
use super::reminders::arm_reminder;
use super::{Actor, ReminderAlarm, ServiceError, ServiceResult, Source, Wakeup, now};
use std::collections::HashMap;

use crate::domain::ValidationError;
use crate::domain::event::AuditAction;
use crate::domain::preferences::Preferences;
use crate::domain::project::{Label, Project};
use crate::domain::reminder::Snooze;
use crate::domain::task::Task;
use crate::domain::{Priority, SeriesEnd, SeriesPosition, TaskFields};
use crate::store::tasks::{Keyset, SubtaskProgress, TaskFilter, TaskOrder, TaskOrderField};
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

    /// A task of a project the actor is a member of; any other is not found.
    pub async fn get(&self, actor: &Actor, id: Uuid) -> ServiceResult<Task> {
        store::tasks::find_visible(self.db.reader(), actor.user_id, id)
            .await?
            .ok_or(ServiceError::NotFound("task"))
    }

    /// The labels of each of these (visible) tasks.
    pub async fn labels_of(&self, task_ids: &[Uuid]) -> ServiceResult<HashMap<Uuid, Vec<Label>>> {
        Ok(store::labels::of_tasks(self.db.reader(), task_ids).await?)
    }

    /// The subtasks of each of these (visible) tasks, in their order.
    pub async fn subtasks_of(
        &self,
        parent_ids: &[Uuid],
    ) -> ServiceResult<HashMap<Uuid, Vec<Task>>> {
        let mut by_parent: HashMap<Uuid, Vec<Task>> = HashMap::new();
        for task in store::tasks::subtasks_of(self.db.reader(), parent_ids).await? {
            if let Some(parent) = task.parent_id {
                by_parent.entry(parent).or_default().push(task);
            }
        }
        Ok(by_parent)
    }

    /// How far along the subtasks of each of these (visible) tasks are.
    pub async fn subtask_progress(
        &self,
        parent_ids: &[Uuid],
    ) -> ServiceResult<HashMap<Uuid, SubtaskProgress>> {
        Ok(store::tasks::subtask_progress(self.db.reader(), parent_ids).await?)
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
            input.all_day,
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
            due_at: schedule.due_at,
            all_day: schedule.all_day,
            time_zone: schedule.time_zone,
            recurrence: schedule.recurrence,
            remind_before_minutes: input
                .remind_before_minutes
                .map(TaskFields::remind_before_minutes)
                .transpose()?,
        };
        let category = input
            .category
            .as_deref()
            .map(TaskFields::category)
            .transpose()?
            .flatten();
        let now = now();
        let id = Uuid::now_v7();
        let recurring = draft.recurrence.is_some();
        let tx = self.db.begin_write().await?;
        let placement = place_new_task(&tx, actor, &input).await?;
        let label_ids = own_labels(&tx, actor, &input.label_ids, category.as_deref()).await?;
        if let Some(assignee) = input.assignee_id {
            check_assignee(&tx, placement.project_id, assignee).await?;
        }
        // The fields the draft does not write are those of a new series' first
        // occurrence, open and not reminded yet.
        let mut task = Task {
            id,
            user_id: actor.user_id,
            project_id: placement.project_id,
            parent_id: placement.parent_id,
            position: placement.position,
            assignee_id: input.assignee_id,
            recurrence_anchor: draft.due_at.filter(|_| recurring),
            occurrence_number: 1,
            series_id: recurring.then_some(id),
            created_at: now,
            updated_at: now,
            ..Task::default()
        };
        draft.write_to(&mut task);
        arm_reminder(&mut task, &preferences, now);
        let task = store::tasks::insert(&tx, task).await?;
        store::labels::add_to_tasks(&tx, &[task.id], &label_ids).await?;
        record(
            &tx,
            actor,
            &[Change {
                action: AuditAction::Create,
                source: actor.origin.source,
                before: None,
                after: Some(&task),
                labels_before: None,
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
        let current = editable_task(&tx, actor, id).await?;
        let time_zone = match &changes.time_zone {
            Patch::Keep => stored_time_zone(&current),
            Patch::Clear => self.preferences(actor).await?.time_zone,
            Patch::Set(name) => TaskFields::time_zone(name)?,
        };
        let restarts_series = !changes.recurrence.is_keep() || !changes.due_at.is_keep();
        let due_at = changes.due_at.resolve(current.due_at);
        // A task without a due date cannot be due all day: clearing the date ends it.
        let all_day = match changes.all_day {
            Some(all_day) => all_day,
            None => current.all_day && due_at.is_some(),
        };
        let restarts_series = restarts_series || all_day != current.all_day;
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
            due_at: due_date(due_at, all_day, time_zone)?,
            all_day,
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
        // A new due date ends a snooze: its reminder follows the new date.
        if edited.due_at != current.due_at {
            edited.snoozed_until = None;
        }
        if let Some(project_id) = changes.project_id
            && project_id != current.project_id
        {
            if current.parent_id.is_some() {
                return Err(ValidationError::new(
                    "projectId",
                    "a subtask stays in its parent's project; move the parent",
                )
                .into());
            }
            editable_project(&tx, actor, project_id).await?;
            edited.project_id = project_id;
            // An assignee who is not a member of the new project is unassigned.
            if let Some(assignee) = edited.assignee_id
                && store::projects::role_of(&tx, project_id, assignee)
                    .await?
                    .is_none()
            {
                edited.assignee_id = None;
            }
        }
        match changes.assignee_id {
            Patch::Keep => {}
            Patch::Clear => edited.assignee_id = None,
            Patch::Set(assignee) => {
                check_assignee(&tx, edited.project_id, assignee).await?;
                edited.assignee_id = Some(assignee);
            }
        }
        if let Some(position) = changes.position {
            edited.position = position;
        }
        let category = match changes.category {
            Patch::Keep => None,
            Patch::Clear => Some(None),
            Patch::Set(name) => Some(TaskFields::category(&name)?),
        };
        let label_ids = match (changes.label_ids, category) {
            (Some(ids), category) => {
                Some(own_labels(&tx, actor, &ids, category.flatten().as_deref()).await?)
            }
            (None, Some(category)) => Some(own_labels(&tx, actor, &[], category.as_deref()).await?),
            (None, None) => None,
        };
        let labels_before = match &label_ids {
            Some(label_ids) => {
                let before = store::labels::of_tasks(&tx, &[id]).await?;
                store::labels::set_on_task(&tx, actor.user_id, id, label_ids).await?;
                Some(
                    before
                        .get(&id)
                        .into_iter()
                        .flatten()
                        .map(|label| label.name.clone())
                        .collect(),
                )
            }
            None => None,
        };
        let task = save_edit(
            &tx,
            actor,
            AuditAction::Update,
            &current,
            edited,
            labels_before,
        )
        .await?;
        if task.project_id != current.project_id {
            store::tasks::move_subtasks(&tx, id, task.project_id).await?;
        }
        self.commit(tx, task.remind_at).await?;
        Ok(task)
    }

    /// Completes a task. Idempotent: completing a completed task changes nothing and
    /// returns the next occurrence created the first time. The next occurrence of a
    /// recurring task is created at most once, however many completions race.
    pub async fn complete(&self, actor: &Actor, id: Uuid) -> ServiceResult<Completion> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let before = editable_task(&tx, actor, id).await?;
        let completed_at = now();
        let completed = if before.completed {
            None
        } else {
            store::tasks::mark_completed(&tx, id, completed_at).await?
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
        // The next occurrence starts with the same subtasks and labels, open again.
        let copied_subtasks = match &created_successor {
            Some(successor) => copy_subtasks(&tx, id, successor, completed_at).await?,
            None => Vec::new(),
        };
        let won = completed.is_some();
        let task = match completed {
            Some(task) => task,
            // Lost a race, or completed before: report the task as it stands now.
            None => editable_task(&tx, actor, id).await?,
        };
        let mut changes = Vec::with_capacity(2);
        if won {
            changes.push(Change {
                action: AuditAction::Complete,
                source: actor.origin.source,
                before: Some(&before),
                after: Some(&task),
                labels_before: None,
            });
        }
        // The next occurrence is the system's doing, on the user's behalf.
        for created in created_successor.iter().chain(&copied_subtasks) {
            changes.push(Change {
                action: AuditAction::Create,
                source: Source::System,
                before: None,
                after: Some(created),
                labels_before: None,
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
        let task = editable_task(&tx, actor, id).await?;
        if !task.completed {
            tx.commit().await?;
            return Ok(task);
        }
        let mut edited = task.clone();
        edited.completed = false;
        edited.completed_at = None;
        let task = save_edit(&tx, actor, AuditAction::Uncomplete, &task, edited, None).await?;
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
                    labels_before: None,
                }],
            )
            .await?;
        }
        self.commit(tx, task.remind_at).await?;
        Ok(task)
    }

    /// The occurrence that completing task `id` created, while it exists.
    /// Snoozes the task's reminder: it fires (again) when the snooze ends, on every
    /// channel, even if the task is due by then. Completing the task or giving it a new
    /// due date ends the snooze.
    pub async fn snooze(&self, actor: &Actor, id: Uuid, snooze: Snooze) -> ServiceResult<Task> {
        actor.require_write()?;
        let until = snooze.fires_at(now())?;
        let tx = self.db.begin_write().await?;
        let current = editable_task(&tx, actor, id).await?;
        if current.due_at.is_none() {
            return Err(ValidationError::new(
                "id",
                "the task has no due date, so no reminder to snooze",
            )
            .into());
        }
        if current.completed {
            return Err(ValidationError::new(
                "id",
                "the task is done; there is nothing to remind of",
            )
            .into());
        }
        let edited = Task {
            snoozed_until: Some(to_whole_seconds(until)),
            ..current.clone()
        };
        let task = save_edit(&tx, actor, AuditAction::Update, &current, edited, None).await?;
        self.commit(tx, task.remind_at).await?;
        Ok(task)
    }

    pub async fn next_occurrence(&self, actor: &Actor, id: Uuid) -> ServiceResult<Option<Task>> {
        let Some(next) = store::tasks::find_successor(self.db.reader(), id).await? else {
            return Ok(None);
        };
        let visible = store::projects::role_of(self.db.reader(), next.project_id, actor.user_id)
            .await?
            .is_some();
        Ok(visible.then_some(next))
    }

    pub async fn delete(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let task = editable_task(&tx, actor, id).await?;
        // Its subtasks go with it (the foreign key deletes them); each is recorded.
        let mut removed = store::tasks::subtasks_of(&tx, &[id]).await?;
        removed.push(task);
        record_deletions(&tx, actor, &removed).await?;
        if !store::tasks::delete(&tx, id).await? {
            return Err(ServiceError::NotFound("task"));
        }
        self.commit(tx, None).await?;
        Ok(())
    }

    /// The rule's text and the first `count` due dates of the series that `create` would
    /// start from this schedule, refused with the same errors `create` gives.
    pub async fn preview_recurrence(
        &self,
        actor: &Actor,
        due_at: Option<DateTime<Utc>>,
        all_day: bool,
        time_zone: Option<&str>,
        recurrence: &RecurrenceSpec,
        count: usize,
    ) -> ServiceResult<RecurrencePreview> {
        let preferences = self.preferences(actor).await?;
        let schedule = Schedule::resolve(
            due_at,
            all_day,
            time_zone,
            Some(recurrence),
            preferences.time_zone,
        )?;
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
}

/// Where a new task goes: its project, and for a subtask its parent and place.
struct Placement {
    project_id: Uuid,
    parent_id: Option<Uuid>,
    position: i32,
}

async fn place_new_task(tx: &Tx, actor: &Actor, input: &NewTask) -> ServiceResult<Placement> {
    let Some(parent_id) = input.parent_id else {
        let project_id = input
            .project_id
            .unwrap_or_else(|| Project::inbox_id(actor.user_id));
        editable_project(tx, actor, project_id).await?;
        return Ok(Placement {
            project_id,
            parent_id: None,
            position: 0,
        });
    };
    let parent = store::tasks::find_visible(tx, actor.user_id, parent_id)
        .await?
        .ok_or(ServiceError::NotFound("task"))?;
    if parent.parent_id.is_some() {
        return Err(ValidationError::new(
            "parentId",
            "a subtask cannot have subtasks of its own; pick a top-level task",
        )
        .into());
    }
    if input
        .project_id
        .is_some_and(|project| project != parent.project_id)
    {
        return Err(ValidationError::new(
            "projectId",
            "a subtask goes in its parent's project; leave projectId out",
        )
        .into());
    }
    editable_project(tx, actor, parent.project_id).await?;
    Ok(Placement {
        project_id: parent.project_id,
        parent_id: Some(parent.id),
        position: store::tasks::next_subtask_position(tx, parent.id).await?,
    })
}

/// The actor must be allowed to change tasks of `project_id`: a project they are not a
/// member of is not found, and a viewer is refused.
async fn editable_project(tx: &Tx, actor: &Actor, project_id: Uuid) -> ServiceResult<()> {
    match store::projects::role_of(tx, project_id, actor.user_id).await? {
        None => Err(ServiceError::NotFound("project")),
        Some(role) if !role.can_edit_tasks() => Err(viewer_refused()),
        Some(_) => Ok(()),
    }
}

/// A task the actor may change: one they cannot see is not found, one in a project they
/// only view is refused.
async fn editable_task(tx: &Tx, actor: &Actor, id: Uuid) -> ServiceResult<Task> {
    let task = store::tasks::find_visible(tx, actor.user_id, id)
        .await?
        .ok_or(ServiceError::NotFound("task"))?;
    match store::projects::role_of(tx, task.project_id, actor.user_id).await? {
        Some(role) if role.can_edit_tasks() => Ok(task),
        Some(_) => Err(viewer_refused()),
        None => Err(ServiceError::NotFound("task")),
    }
}

fn viewer_refused() -> ServiceError {
    ServiceError::Forbidden("you can view this project's tasks but not change them")
}

/// An assignee must be a member of the task's project.
async fn check_assignee(tx: &Tx, project_id: Uuid, assignee: Uuid) -> ServiceResult<()> {
    match store::projects::role_of(tx, project_id, assignee).await? {
        Some(_) => Ok(()),
        None => {
            Err(ValidationError::new("assigneeId", "is not a member of the task's project").into())
        }
    }
}

/// The label ids to put on a task: `ids`, which must all be the actor's labels, plus the
/// label named `category` (the deprecated field), created when the actor has none.
async fn own_labels(
    tx: &Tx,
    actor: &Actor,
    ids: &[Uuid],
    category: Option<&str>,
) -> ServiceResult<Vec<Uuid>> {
    let mut wanted: Vec<Uuid> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let found = store::labels::find_owned(tx, actor.user_id, &wanted).await?;
    // Someone else's label is as unknown as a missing one.
    if found.len() != wanted.len() {
        return Err(ServiceError::NotFound("label"));
    }
    if let Some(name) = category {
        let label = store::labels::find_or_insert(
            tx,
            Label {
                id: Uuid::now_v7(),
                user_id: actor.user_id,
                name: name.to_owned(),
                color: None,
                created_at: now(),
            },
        )
        .await?;
        if !wanted.contains(&label.id) {
            wanted.push(label.id);
        }
    }
    Ok(wanted)
}

/// Copies the subtasks of the completed occurrence `completed_id` under its `successor`,
/// open again, and the labels of both; returns the copies.
async fn copy_subtasks(
    tx: &Tx,
    completed_id: Uuid,
    successor: &Task,
    at: DateTime<Utc>,
) -> ServiceResult<Vec<Task>> {
    let subtasks = store::tasks::subtasks_of(tx, &[completed_id]).await?;
    let mut copies = Vec::with_capacity(subtasks.len());
    let mut copied_from: HashMap<Uuid, Uuid> = HashMap::from([(completed_id, successor.id)]);
    for subtask in subtasks {
        let copy = Task {
            id: Uuid::now_v7(),
            parent_id: Some(successor.id),
            project_id: successor.project_id,
            completed: false,
            completed_at: None,
            remind_at: None,
            reminded_due_at: None,
            snoozed_until: None,
            series_id: None,
            parent_task_id: None,
            created_at: at,
            updated_at: at,
            ..subtask
        };
        copied_from.insert(subtask.id, copy.id);
        copies.push(store::tasks::insert(tx, copy).await?);
    }
    let originals: Vec<Uuid> = copied_from.keys().copied().collect();
    for (task_id, label_id) in store::labels::ids_on_tasks(tx, &originals).await? {
        if let Some(&copy) = copied_from.get(&task_id) {
            store::labels::add_to_tasks(tx, &[copy], &[label_id]).await?;
        }
    }
    Ok(copies)
}

/// The end of every edit of a stored task: stamp it, arm its reminder from its new
/// state, write it, and record the change.
async fn save_edit(
    tx: &Tx,
    actor: &Actor,
    action: AuditAction,
    before: &Task,
    mut edited: Task,
    labels_before: Option<Vec<String>>,
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
            labels_before,
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
        project_id: task.project_id,
        parent_id: task.parent_id,
        position: task.position,
        assignee_id: task.assignee_id,
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
        snoozed_until: None,
        all_day: task.all_day,
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
