//! Quick add: a line of plain English read into a task draft the client shows, lets the
//! person correct, and then creates. Reading never creates anything; the draft's parts
//! are checked by the same rules `createTask` applies, and a part those rules refuse
//! (a series closer than an hour, say) is left out of the draft.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use quick_add::{Context, LabelMatch, ProjectMatch, Span, SpanKind};
use uuid::Uuid;

use super::preview::RecurrencePreview;
use super::{Actor, ServiceResult};
use crate::domain::task::parse_time_zone;
use crate::domain::{Priority, Recurrence, RecurrenceMode, TaskFields};
use crate::store::{self, Db};

/// How many due dates a draft shows: enough to see what a series does.
const NEXT_DATES: usize = 3;

/// What the text says, ready to become `createTask`'s input.
#[derive(Debug, Clone)]
pub struct TaskDraft {
    /// The text without what was recognised.
    pub title: String,
    /// The first due date (of the series, for a recurring task).
    pub due_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub time_zone: Tz,
    pub recurrence: Option<Recurrence>,
    pub priority: Option<Priority>,
    pub labels: Vec<DraftLabel>,
    pub project: Option<DraftProject>,
    pub remind_before_minutes: Option<i32>,
    /// The first due dates: three of a series, one of a one-time task, none without.
    pub next_dates: Vec<DateTime<Utc>>,
    /// What was recognised, in character offsets into the text.
    pub spans: Vec<Span>,
}

/// A label the text names: one of the user's (with its id) or a new one to propose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftLabel {
    pub name: String,
    pub id: Option<Uuid>,
}

/// The project the text names: one the user is a member of, or an unknown name (which
/// is reported, never created).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftProject {
    pub name: String,
    pub id: Option<Uuid>,
}

#[derive(Clone)]
pub struct QuickAddService {
    db: Db,
}

impl QuickAddService {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Reads `text` as of `now` in `time_zone` (default: the user's).
    pub async fn parse(
        &self,
        actor: &Actor,
        text: &str,
        time_zone: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<TaskDraft> {
        let zone = match time_zone {
            Some(name) => parse_time_zone("timeZone", name)?,
            None => {
                store::preferences::get(self.db.reader(), actor.user_id)
                    .await?
                    .time_zone
            }
        };
        let projects =
            store::projects::list_access(self.db.reader(), actor.user_id, None, false).await?;
        let labels = store::labels::list(self.db.reader(), actor.user_id).await?;
        let project_names: Vec<&str> = projects.iter().map(|p| p.project.name.as_str()).collect();
        let label_names: Vec<&str> = labels.iter().map(|l| l.name.as_str()).collect();
        let parsed = quick_add::parse(
            text,
            &Context {
                now: now.with_timezone(&zone),
                projects: &project_names,
                labels: &label_names,
            },
        );

        let due_at = parsed
            .due
            .map(|due| quick_add::resolve_local(due.at, zone).with_timezone(&Utc));
        let all_day = parsed.due.is_some_and(|due| due.all_day);
        // The service's own rules decide the series: its preset name, its first date.
        let series = match (&parsed.recurrence, due_at) {
            (Some(rule), Some(due)) => series_of(&rule.rrule, due, zone),
            _ => None,
        };
        let mut spans = parsed.spans;
        if parsed.recurrence.is_some() && series.is_none() {
            spans.retain(|span| span.kind != SpanKind::Recurrence);
        }
        let (recurrence, due_at, next_dates) = match series {
            Some((recurrence, preview)) => {
                let first = Some(preview.anchor);
                (Some(recurrence), first, preview.dates)
            }
            None => (None, due_at, due_at.into_iter().collect()),
        };
        let labels = parsed
            .labels
            .into_iter()
            .map(|LabelMatch { name, existing }| DraftLabel {
                id: existing
                    .then(|| labels.iter().find(|label| label.name == name).map(|l| l.id))
                    .flatten(),
                name,
            })
            .collect();
        let project = parsed.project.map(|project| match project {
            ProjectMatch::Existing(name) => DraftProject {
                id: projects
                    .iter()
                    .find(|access| access.project.name == name)
                    .map(|access| access.project.id),
                name,
            },
            ProjectMatch::Unknown(name) => DraftProject { name, id: None },
        });
        Ok(TaskDraft {
            title: parsed.title,
            due_at,
            all_day,
            time_zone: zone,
            recurrence,
            priority: parsed.priority.map(priority_of),
            labels,
            project,
            remind_before_minutes: parsed
                .remind_before_minutes
                .and_then(|minutes| i32::try_from(minutes).ok())
                .and_then(|minutes| TaskFields::remind_before_minutes(minutes).ok()),
            next_dates,
            spans,
        })
    }
}

/// The series the rule makes from `due`, as `createTask` would start it; none when the
/// service refuses the rule for this date.
fn series_of(rrule: &str, due: DateTime<Utc>, zone: Tz) -> Option<(Recurrence, RecurrencePreview)> {
    let recurrence = Recurrence::from_input(None, Some(rrule), RecurrenceMode::FromDueDate).ok()?;
    recurrence.validate_schedule(due, zone).ok()?;
    let first = recurrence.first_due(due, zone).ok()?;
    let preview = RecurrencePreview::walk(recurrence.clone(), first, zone, NEXT_DATES);
    Some((recurrence, preview))
}

fn priority_of(priority: quick_add::Priority) -> Priority {
    match priority {
        quick_add::Priority::Urgent => Priority::Urgent,
        quick_add::Priority::High => Priority::High,
        quick_add::Priority::Normal => Priority::Normal,
        quick_add::Priority::Low => Priority::Low,
    }
}
