//! Export and import of everything an account owns. Reading and writing the files is
//! `formats`; here the service gathers what an export holds, and checks and stores what
//! an import brings, all of it in one transaction so that a refused row imports nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::input::{Draft, due_date, start_of_series};
use super::stored::{Change, record};
use super::{TaskService, now};
use crate::domain::event::AuditAction;
use crate::domain::preferences::Preferences;
use crate::domain::project::{Label, OrganiseFields, Project, name_key};
use crate::domain::task::Task;
use crate::domain::{Recurrence, TaskFields, ValidationError};
use crate::formats::import::{Import, ImportedTask, RowError, Skipped, Vocabulary};
use crate::service::reminders::arm_reminder;
use crate::service::{Actor, ServiceError, ServiceResult};
use crate::store::{self, Tx};

/// How many tasks one audit batch records: its label lookup names each task once, and
/// SQLite bounds the values one statement binds.
const RECORD_BATCH: usize = 500;

/// What an account owns: its preferences, the projects it owns (Inbox first), its
/// labels, and every task of those projects with the user's labels on each.
pub struct Owned {
    pub preferences: Preferences,
    pub projects: Vec<Project>,
    pub labels: Vec<Label>,
    pub tasks: Vec<Task>,
    pub task_labels: HashMap<Uuid, Vec<Label>>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Tasks created, subtasks included.
    pub imported: usize,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file gets a row wrong; nothing was imported.
    #[error(transparent)]
    Row(#[from] RowError),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl<E: Into<store::StoreDbError>> From<E> for ImportError {
    fn from(error: E) -> Self {
        Self::Service(ServiceError::Database(error.into()))
    }
}

impl TaskService {
    /// Everything the actor's account owns, for an export.
    pub async fn owned(&self, actor: &Actor) -> ServiceResult<Owned> {
        let reader = self.db.reader();
        let preferences = store::preferences::get(reader, actor.user_id).await?;
        let projects: Vec<Project> =
            store::projects::list_access(reader, actor.user_id, None, true)
                .await?
                .into_iter()
                .map(|access| access.project)
                .filter(|project| project.owner_id == actor.user_id)
                .collect();
        let mut tasks = Vec::new();
        for project in &projects {
            tasks.extend(store::tasks::of_project(reader, project.id).await?);
        }
        let ids: Vec<Uuid> = tasks.iter().map(|task| task.id).collect();
        let mut task_labels = HashMap::new();
        for chunk in ids.chunks(RECORD_BATCH) {
            task_labels.extend(store::labels::of_tasks(reader, chunk).await?);
        }
        // Only the user's own labels: other members' labels on shared tasks are theirs.
        for labels in task_labels.values_mut() {
            labels.retain(|label: &Label| label.user_id == actor.user_id);
        }
        Ok(Owned {
            preferences,
            projects,
            labels: store::labels::list(reader, actor.user_id).await?,
            tasks,
            task_labels,
        })
    }

    /// Stores what a file brings into the actor's account: its projects (matched by name
    /// with those the user owns, else created), labels (likewise), tasks with their
    /// subtasks, and settings. A row the service's rules refuse refuses the whole file.
    pub async fn import(&self, actor: &Actor, import: Import) -> Result<ImportReport, ImportError> {
        actor.require_write()?;
        let now = now();
        let vocabulary = import.vocabulary;
        let tx = self.db.begin_write().await?;
        let mut preferences = store::preferences::get(&tx, actor.user_id).await?;
        if let Some(changes) = &import.preferences {
            preferences = preferences.with(changes).map_err(|error| {
                RowError::new(1, format!("preferences.{}", error.field), error.message)
            })?;
            store::preferences::save(&tx, actor.user_id, &preferences, now).await?;
        }
        let mut places = Places::load(&tx, actor).await?;
        for project in &import.projects {
            if !project.inbox {
                places
                    .project(
                        &tx,
                        actor,
                        &project.name,
                        project.color.as_deref(),
                        project.archived,
                        now,
                    )
                    .await?;
            }
        }
        for label in &import.labels {
            places
                .label(
                    &tx,
                    actor,
                    &label.name,
                    label.color.as_deref(),
                    0,
                    vocabulary,
                    now,
                )
                .await?;
        }
        let mut stored: Vec<Task> = Vec::new();
        for task in &import.tasks {
            let project_id = match &task.project {
                Some(name) => places.project(&tx, actor, name, None, false, now).await?,
                None => Project::inbox_id(actor.user_id),
            };
            let parent = self
                .import_task(
                    &tx,
                    actor,
                    &mut places,
                    task,
                    project_id,
                    None,
                    &preferences,
                    now,
                )
                .await?;
            let parent_id = parent.id;
            stored.push(parent);
            for (position, subtask) in task.subtasks.iter().enumerate() {
                let position = i32::try_from(position).unwrap_or(i32::MAX);
                let placement = (parent_id, position);
                stored.push(
                    self.import_task(
                        &tx,
                        actor,
                        &mut places,
                        subtask,
                        project_id,
                        Some(placement),
                        &preferences,
                        now,
                    )
                    .await?,
                );
            }
        }
        for batch in stored.chunks(RECORD_BATCH) {
            let changes: Vec<Change<'_>> = batch
                .iter()
                .map(|task| Change {
                    action: AuditAction::Create,
                    source: actor.origin.source,
                    before: None,
                    after: Some(task),
                    labels_before: None,
                })
                .collect();
            record(&tx, actor, &changes).await?;
        }
        super::super::reminders::rearm_reminders(&tx, actor.user_id, &preferences).await?;
        let armed = stored.iter().filter_map(|task| task.remind_at).min();
        self.commit(tx, armed).await?;
        Ok(ImportReport {
            imported: stored.len(),
            skipped: import.skipped,
        })
    }

    /// One imported task, checked by the rules `createTask` applies; `parent` places a
    /// subtask (its parent and position).
    #[allow(clippy::too_many_arguments)]
    async fn import_task(
        &self,
        tx: &Tx,
        actor: &Actor,
        places: &mut Places,
        task: &ImportedTask,
        project_id: Uuid,
        parent: Option<(Uuid, i32)>,
        preferences: &Preferences,
        now: DateTime<Utc>,
    ) -> Result<Task, ImportError> {
        let vocabulary = places.vocabulary;
        let refused = |error: ValidationError| {
            RowError::new(task.line, vocabulary.field(&error.field), error.message)
        };
        let time_zone = match &task.time_zone {
            Some(name) => TaskFields::time_zone(name).map_err(refused)?,
            None => preferences.time_zone,
        };
        let recurrence = task
            .recurrence
            .as_ref()
            .map(|imported| match imported.preset {
                Some(preset) => Recurrence::from_stored(preset, &imported.rrule, imported.mode),
                None => Recurrence::from_input(None, Some(&imported.rrule), imported.mode),
            })
            .transpose()
            .map_err(refused)?;
        let due_at = due_date(task.due_at, task.all_day, time_zone).map_err(refused)?;
        let anchor = task.recurrence.as_ref().and_then(|r| r.anchor);
        // Our own export carries where its series stands; other files start one.
        let due_at = match anchor {
            Some(_) => due_at,
            None => start_of_series(recurrence.as_ref(), due_at, time_zone).map_err(refused)?,
        };
        let draft = Draft {
            title: TaskFields::title(&task.title).map_err(refused)?,
            description: match &task.description {
                Some(text) => TaskFields::description(text).map_err(refused)?,
                None => None,
            },
            priority: task.priority,
            due_at,
            all_day: task.all_day,
            time_zone,
            recurrence,
            remind_before_minutes: task
                .remind_before_minutes
                .map(TaskFields::remind_before_minutes)
                .transpose()
                .map_err(refused)?,
        };
        let anchor = anchor.or(draft.due_at);
        draft.validate(anchor).map_err(refused)?;
        let id = Uuid::now_v7();
        let recurring = draft.recurrence.is_some();
        let (parent_id, position) = match parent {
            Some((parent_id, position)) => (Some(parent_id), position),
            None => (None, 0),
        };
        let mut row = Task {
            id,
            user_id: actor.user_id,
            project_id,
            parent_id,
            position,
            recurrence_anchor: anchor.filter(|_| recurring),
            occurrence_number: task
                .recurrence
                .as_ref()
                .and_then(|r| r.occurrence_number)
                .filter(|number| *number >= 1)
                .unwrap_or(1),
            series_id: recurring.then_some(id),
            completed: task.completed_at.is_some(),
            completed_at: task.completed_at,
            created_at: task.created_at.unwrap_or(now),
            updated_at: now,
            ..Task::default()
        };
        draft.write_to(&mut row);
        arm_reminder(&mut row, preferences, now);
        let row = store::tasks::insert(tx, row).await?;
        let mut label_ids = Vec::with_capacity(task.labels.len());
        for name in &task.labels {
            label_ids.push(
                places
                    .label(tx, actor, name, None, task.line, vocabulary, now)
                    .await?,
            );
        }
        store::labels::add_to_tasks(tx, &[row.id], &label_ids).await?;
        Ok(row)
    }
}

/// The user's projects and labels by name key, filled in as the import names new ones.
struct Places {
    projects: HashMap<String, Uuid>,
    labels: HashMap<String, Uuid>,
    vocabulary: Vocabulary,
}

impl Places {
    async fn load(tx: &Tx, actor: &Actor) -> Result<Self, ImportError> {
        let projects = store::projects::list_access(tx, actor.user_id, None, true)
            .await?
            .into_iter()
            .filter(|access| access.project.owner_id == actor.user_id && !access.project.is_inbox)
            .map(|access| (name_key(&access.project.name), access.project.id))
            .collect();
        let labels = store::labels::list(tx, actor.user_id)
            .await?
            .into_iter()
            .map(|label| (name_key(&label.name), label.id))
            .collect();
        Ok(Self {
            projects,
            labels,
            vocabulary: Vocabulary::default(),
        })
    }

    /// The user's project of this name, created when they own none.
    async fn project(
        &mut self,
        tx: &Tx,
        actor: &Actor,
        name: &str,
        color: Option<&str>,
        archived: bool,
        now: DateTime<Utc>,
    ) -> Result<Uuid, ImportError> {
        let invalid = |error: ValidationError| {
            RowError::new(0, format!("projects.{}", error.field), error.message)
        };
        let name = OrganiseFields::project_name(name).map_err(invalid)?;
        if let Some(id) = self.projects.get(&name_key(&name)) {
            return Ok(*id);
        }
        let project = Project {
            id: Uuid::now_v7(),
            owner_id: actor.user_id,
            name: name.clone(),
            color: color
                .map(OrganiseFields::color)
                .transpose()
                .map_err(invalid)?,
            position: store::projects::next_position(tx, actor.user_id).await?,
            archived,
            is_inbox: false,
            created_at: now,
            updated_at: now,
        };
        let project = store::projects::insert(tx, project).await?;
        self.projects.insert(name_key(&name), project.id);
        Ok(project.id)
    }

    /// The user's label of this name, created when they have none.
    #[allow(clippy::too_many_arguments)]
    async fn label(
        &mut self,
        tx: &Tx,
        actor: &Actor,
        name: &str,
        color: Option<&str>,
        line: usize,
        vocabulary: Vocabulary,
        now: DateTime<Utc>,
    ) -> Result<Uuid, ImportError> {
        let invalid =
            |error: ValidationError| RowError::new(line, vocabulary.field("labels"), error.message);
        let name = OrganiseFields::label_name(name).map_err(invalid)?;
        if let Some(id) = self.labels.get(&name_key(&name)) {
            return Ok(*id);
        }
        let label = store::labels::find_or_insert(
            tx,
            Label {
                id: Uuid::now_v7(),
                user_id: actor.user_id,
                name: name.clone(),
                color: color
                    .map(OrganiseFields::color)
                    .transpose()
                    .map_err(invalid)?,
                created_at: now,
            },
        )
        .await?;
        self.labels.insert(name_key(&name), label.id);
        Ok(label.id)
    }
}
