//! `parseTask`: quick add's reading of a line of text, for the client to show before it
//! calls `createTask` with what the person kept.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};

use super::ContextExt;
use super::error::GqlResultExt;
use super::scalars::DateTime;
use super::task::{Priority, Recurrence};
use crate::service::quick_add::{self, DraftLabel, DraftProject};

/// What kind of phrase a span of the text is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "::quick_add::SpanKind")]
pub enum SpanKind {
    Date,
    Time,
    Recurrence,
    Priority,
    Project,
    Label,
    Reminder,
}

/// A recognised phrase: characters `start` (inclusive) to `end` (exclusive) of the text,
/// counted in Unicode scalar values.
#[derive(SimpleObject)]
pub struct TextSpan {
    pub start: i32,
    pub end: i32,
    pub kind: SpanKind,
}

/// A label the text names (`@errands`): one of yours, or a new one (`id` null) that
/// `createLabel` would make.
#[derive(SimpleObject)]
pub struct LabelSuggestion {
    pub name: String,
    pub id: Option<ID>,
}

/// The project the text names (`#Work`): one of yours, or an unknown name (`id` null),
/// which quick add reports and never creates.
#[derive(SimpleObject)]
pub struct ProjectSuggestion {
    pub name: String,
    pub id: Option<ID>,
}

/// What quick add understood; nothing is created until the client calls `createTask`.
pub struct TaskDraft(quick_add::TaskDraft);

#[Object]
impl TaskDraft {
    /// The text without the recognised parts; the whole text when nothing else is left.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The first due date (the series' first, for a recurring task); for an all-day
    /// task, local midnight of the date.
    async fn due_at(&self) -> Option<DateTime> {
        self.0.due_at.map(Into::into)
    }

    async fn all_day(&self) -> bool {
        self.0.all_day
    }

    /// The zone the text was read in.
    async fn time_zone(&self) -> &str {
        self.0.time_zone.name()
    }

    async fn recurrence(&self) -> Option<Recurrence> {
        let anchor = self
            .0
            .due_at
            .map(|due| due.with_timezone(&self.0.time_zone));
        self.0
            .recurrence
            .clone()
            .map(|recurrence| Recurrence::new(recurrence, anchor))
    }

    async fn priority(&self) -> Option<Priority> {
        self.0.priority.map(Into::into)
    }

    async fn labels(&self) -> Vec<LabelSuggestion> {
        self.0
            .labels
            .iter()
            .map(|DraftLabel { name, id }| LabelSuggestion {
                name: name.clone(),
                id: id.map(|id| ID(id.to_string())),
            })
            .collect()
    }

    async fn project(&self) -> Option<ProjectSuggestion> {
        self.0
            .project
            .as_ref()
            .map(|DraftProject { name, id }| ProjectSuggestion {
                name: name.clone(),
                id: id.map(|id| ID(id.to_string())),
            })
    }

    async fn remind_before_minutes(&self) -> Option<i32> {
        self.0.remind_before_minutes
    }

    /// The first due dates: three of a series, the one of a one-time task, none
    /// without a date.
    async fn next_dates(&self) -> Vec<DateTime> {
        self.0.next_dates.iter().copied().map(Into::into).collect()
    }

    /// What was recognised, in order, for highlighting as the person types.
    async fn spans(&self) -> Vec<TextSpan> {
        self.0
            .spans
            .iter()
            .map(|span| TextSpan {
                start: i32::try_from(span.start).unwrap_or(i32::MAX),
                end: i32::try_from(span.end).unwrap_or(i32::MAX),
                kind: span.kind.into(),
            })
            .collect()
    }
}

/// The longest text quick add reads: a task title is 200 characters, and a sentence
/// around it a little more.
const MAX_TEXT_CHARS: usize = 500;

#[derive(Default)]
pub struct QuickAddQuery;

#[Object]
impl QuickAddQuery {
    /// Reads a line of plain English ("Pay rent every month on the last day at 9am p1
    /// #Home @bills") into a task draft. `timeZone` defaults to yours; `now` (default: the
    /// server's clock) is the instant "tomorrow" and "in 2 hours" count from. Nothing is
    /// created.
    async fn parse_task(
        &self,
        ctx: &Context<'_>,
        text: String,
        time_zone: Option<String>,
        now: Option<DateTime>,
    ) -> async_graphql::Result<TaskDraft> {
        let actor = ctx.actor()?;
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(super::error::to_graphql_error(
                crate::domain::ValidationError::new(
                    "text",
                    format!("at most {MAX_TEXT_CHARS} characters"),
                )
                .into(),
            ));
        }
        let now = now.map_or_else(chrono::Utc::now, |now| now.0);
        ctx.services()
            .quick_add
            .parse(actor, &text, time_zone.as_deref(), now)
            .await
            .gql()
            .map(TaskDraft)
    }
}
