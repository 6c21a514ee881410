//! What the task form and open pages need beyond the contract's operations: a preview of
//! a recurrence as the user types it, and the live stream of the user's task changes.

use async_graphql::{Context, ID, InputObject, Object, Subscription};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt as _};

use super::ContextExt;
use super::audit::{AuditAction, AuditSource};
use super::error::{GqlResultExt, to_graphql_error};
use super::scalars::DateTime;
use super::task::{Recurrence, RecurrenceInput, Task};
use crate::domain::ValidationError;
use crate::service::ServiceError;
use crate::service::audit::TaskChanged;
use crate::service::preview::{self, MAX_PREVIEW_DATES};
use crate::service::tasks::RecurrenceSpec;

/// The schedule part of `CreateTaskInput`, checked exactly as `createTask` checks it.
#[derive(InputObject)]
pub struct RecurrencePreviewInput {
    /// The first due date, the start of the series.
    pub due_at: Option<DateTime>,
    /// The series recurs by date, at the start of each local day (default false).
    #[graphql(default)]
    pub all_day: bool,
    /// IANA name; defaults to the user's.
    pub time_zone: Option<String>,
    pub recurrence: RecurrenceInput,
}

pub struct RecurrencePreview(preview::RecurrencePreview);

#[Object]
impl RecurrencePreview {
    async fn recurrence(&self) -> Recurrence {
        let anchor = self.0.anchor.with_timezone(&self.0.time_zone);
        Recurrence::new(self.0.recurrence.clone(), Some(anchor))
    }

    async fn time_zone(&self) -> &str {
        self.0.time_zone.name()
    }

    /// The due dates of the first occurrences when each is completed on time, the first
    /// due date included; fewer when the series ends.
    async fn dates(&self) -> Vec<DateTime> {
        self.0.dates.iter().copied().map(DateTime).collect()
    }
}

/// As many dates as the task form shows.
const DEFAULT_PREVIEW_DATES: i32 = 5;

pub struct PreviewQuery;

#[Object]
impl PreviewQuery {
    /// What a recurrence will do before the task exists: its description and its first
    /// `count` (1 to 20, default 5) due dates. Refuses what `createTask` refuses, with the same
    /// codes and `extensions.field`.
    async fn recurrence_preview(
        &self,
        ctx: &Context<'_>,
        input: RecurrencePreviewInput,
        count: Option<i32>,
    ) -> async_graphql::Result<RecurrencePreview> {
        let actor = ctx.actor()?;
        let count = usize::try_from(count.unwrap_or(DEFAULT_PREVIEW_DATES))
            .ok()
            .filter(|n| (1..=MAX_PREVIEW_DATES).contains(n))
            .ok_or_else(|| {
                to_graphql_error(
                    ValidationError::new("count", format!("give 1 to {MAX_PREVIEW_DATES}")).into(),
                )
            })?;
        let spec = RecurrenceSpec::from(input.recurrence);
        ctx.services()
            .tasks
            .preview_recurrence(
                actor,
                input.due_at.map(|d| d.0),
                input.all_day,
                input.time_zone.as_deref(),
                &spec,
                count,
            )
            .await
            .gql_in("input")
            .map(RecurrencePreview)
    }
}

/// A change to one of the user's tasks, from any channel.
pub struct TaskChange(TaskChanged);

#[Object]
impl TaskChange {
    async fn action(&self) -> AuditAction {
        self.0.action.into()
    }

    async fn task_id(&self) -> ID {
        ID(self.0.task_id.to_string())
    }

    async fn source(&self) -> AuditSource {
        self.0.source.into()
    }

    async fn at(&self) -> DateTime {
        DateTime(self.0.at)
    }

    /// The task as it is when the change is delivered; null once it is deleted.
    async fn task(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Task>> {
        let actor = ctx.actor()?;
        match ctx.services().tasks.get(actor, self.0.task_id).await {
            Ok(task) => Ok(Some(Task::one(task))),
            Err(ServiceError::NotFound(_)) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }
}

pub struct TaskSubscription;

#[Subscription]
impl TaskSubscription {
    /// Every change to the connected user's tasks (create, update, complete, uncomplete,
    /// delete) from any channel, as the audit trail records it, live on every replica.
    async fn task_changes(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = TaskChange>> {
        let user_id = ctx.actor()?.user_id;
        let receiver = ctx.services().audit.changes().subscribe(user_id);
        Ok(
            BroadcastStream::new(receiver).filter_map(move |item| match item {
                Ok(change) if change.recipients.contains(&user_id) => Some(TaskChange(change)),
                Ok(_) => None,
                Err(lagged) => {
                    tracing::warn!(%lagged, "a subscriber fell behind and missed task changes");
                    None
                }
            }),
        )
    }
}
