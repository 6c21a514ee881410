//! The tools. Each is one API operation as the requesting user; descriptions and
//! annotations are written for an agent deciding what to call and what it risks.

use rmcp::handler::server::tool::schema_for_output;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::service::RequestContext;
use rmcp::{RoleServer, tool, tool_router};

use crate::args::{
    AddTaskArgs, CreateProjectArgs, ListNotificationsArgs, ListProjectsArgs, ListTasksArgs, NoArgs,
    SnoozeTaskArgs, TaskHistoryArgs, TaskIdArgs, UpdateTaskArgs,
};
use crate::model::{
    Completion, Deletion, HistoryPage, LabelList, NotificationPage, Project, ProjectList,
    Reopening, Task, TaskPage,
};
use crate::response::{Structured, ToolError};
use crate::server::TodoServer;

type ToolResult<T> = Result<Structured<T>, ToolError>;

const ADD_TASK: &str = "Create a task for the user, from `title` and fields, or from \
`text`: the user's own words (\"Pay rent every month on the last day at 9am p1 #Home \
@bills\"), read by the service's quick add, which answers with what it understood. With \
fields, only `title` is required. \
Give `dueAt` as an RFC 3339 date-time with the offset of the task's time zone \
(\"2027-03-01T09:00:00+01:00\" is 09:00 in Europe/Berlin in winter) and `timeZone` as an \
IANA name; without `timeZone` the task takes the user's preferred time zone (their \
preferences; UTC unless they chose another). A repeating task needs `dueAt` (its \
first occurrence) and `recurrence`: a `preset` (DAILY, WEEKDAYS, WEEKLY, MONTHLY, YEARLY: \
weekly, monthly and yearly repeat on the due date's weekday, day or date) or an RFC 5545 \
`rrule` such as \"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO\" (every other Monday), with `mode` \
FROM_DUE_DATE (default: fixed calendar) or FROM_COMPLETION (counted from when it is done). \
Set `priority` only when the user signals it (\"urgent\", \"ASAP\" = URGENT). The task goes \
to the Inbox unless `project` names one of the user's projects (by name, any case, or id; \
a name no project has is refused with the list of projects: create it with create_project \
first if the user wants a new one). `labels` are names; missing labels are created: \
{\"title\": \"Buy soil\", \"project\": \"Garden\", \"labels\": [\"errand\"]}. `parentId` \
makes it a subtask of that task (one level deep). `category` is deprecated: it is a label \
now. The prompt `recurrence_guide` has more phrase-to-argument mappings. Returns the \
created task with its id, project and labels.";

const UPDATE_TASK: &str = "Change an existing task: pass its `id` and only the fields to \
change. An omitted field is kept; a field set to null is cleared: `recurrence: null` makes \
the task one-time, `dueAt: null` removes the due date (clear `recurrence` with it on a \
repeating task), `priority: null`, `description: null` remove them, \
`remindBeforeMinutes: null` restores the user's default lead time and `timeZone: null` \
the user's preferred time zone. `project` moves the task to another project (name or \
id); `labels` replaces the whole set of labels by name ({\"labels\": []} removes them all; \
missing labels are created). The deprecated `category` is a label now: alone it sets the \
labels to that one, null removes all labels. A new `recurrence` replaces the whole rule, e.g. {\"recurrence\": {\"rrule\": \
\"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2\"}} for the second Monday of each month; a new rule or \
due date restarts the series from the due date. Only this occurrence changes: earlier, \
completed occurrences keep their values. Returns the updated task. Repeating the same \
update changes nothing more.";

const LIST_TASKS: &str = "List the user's tasks, one page at a time. Filters are optional \
and combine with AND: `completed` (false = open), `priority`, `project` (a project's name \
or id), `labels` (names: tasks with all of them), `dueAfter` / `dueBefore` (RFC 3339 \
instants: due at or after / strictly before), `overdue` (open and past due), `recurring`, \
`search` (text in title or description); `category` is deprecated (a label now). A project \
or label name the user does not have is refused with the list of the existing ones. Only \
top-level tasks are listed, each with its `subtaskProgress`; `parentId` lists that task's \
subtasks instead. Open work tasks: {\"project\": \"Work\", \"completed\": false}. Sort with `orderBy` \
(CREATED_AT, DUE_AT, PRIORITY, TITLE) and `direction` (ASC, DESC); the default is newest \
first. Today's open tasks: {\"completed\": false, \"dueAfter\": \
\"2027-03-01T00:00:00+01:00\", \"dueBefore\": \"2027-03-02T00:00:00+01:00\", \"orderBy\": \
\"DUE_AT\", \"direction\": \"ASC\"}. A page holds `first` tasks, 1 to 200 (default 50); \
when `hasNextPage` is true, call again with `after` set to `endCursor` and the same \
filters. Use it to find a task's id by title before changing it.";

const GET_TASK: &str = "Fetch one task by id, with its project, labels, recurrence (rule, \
mode and description), due date, completion state, `parentId` and `subtaskProgress` for \
subtasks, and series links (`seriesId`, `parentTaskId`: the previous occurrence of a \
repeating task, not the parent of a subtask). \
A task that does not exist or belongs to someone else is reported as not found.";

const COMPLETE_TASK: &str = "Mark a task as done. For a repeating task this creates the \
next occurrence (a new task with a new id and the same title, description, priority, \
project, labels, subtasks (open again), time zone, reminder lead time and recurrence, due at the rule's next date) and \
returns it as `nextOccurrence`; it is null for a one-time task or when the series has ended (COUNT or \
UNTIL). Safe to repeat: completing a completed task changes nothing and returns the same \
next occurrence, never a second one. To change the rest of the series afterwards, update \
the `nextOccurrence` id.";

const UNCOMPLETE_TASK: &str = "Reopen a completed task (e.g. it was marked done by \
mistake). If its completion created the next occurrence of a repeating task, that \
occurrence is removed when nobody has changed it since, and kept when it was changed or \
completed (delete it with delete_task if it is not wanted); `nextOccurrence` says which. \
Reopening an open task changes nothing. Returns the task.";

const SNOOZE_TASK: &str = "Snooze a task's reminder: it fires again after `minutes` or \
at `until` (give one), on every channel the user has on (the app, Web Push, email), even \
if the task is due by then. Use it when the user says \"remind me again in an hour\" or \
\"remind me tomorrow at 9\" (convert that to an RFC 3339 instant in their time zone). \
The task needs a due date and must be open. Giving the task a new due date or completing \
it ends the snooze. Returns the task with `snoozedUntil`.";

const DELETE_TASK: &str = "Delete one task permanently. For a repeating task only this \
occurrence is deleted, and the series does not continue from it; to stop a series but keep \
the task, use update_task with `recurrence: null` instead. This cannot be undone: confirm \
with the user first unless they clearly asked for it. Deleting a task that is already \
gone reports it as not found.";

const LIST_NOTIFICATIONS: &str = "List the user's notifications (reminders that a task is \
due soon, and system messages), newest first. `unreadOnly: true` for unread ones; pages \
work like list_tasks (`first` 1 to 200, default 50; `after` = `endCursor`). A \
notification's `taskId` can be passed to get_task. Reading the list does not mark anything as read.";

const GET_TASK_HISTORY: &str = "Show the audit trail of one task, newest first: every \
create, update, complete, uncomplete and delete, with when it happened, through which \
channel (WEB, GRAPHQL, MCP, SYSTEM) and the values before and after. Use it to answer \
\"what changed?\" or \"when did I finish this?\". Pages work like list_tasks (`first` 1 \
to 200, default 50; `after` = `endCursor`).";

const LIST_PROJECTS: &str = "List the user's projects: the Inbox first (where tasks without \
a project go), then their own and those shared with them, in the user's order. Each has \
its id, name, color, the user's `role` (OWNER; EDITOR: may change its tasks; VIEWER: may \
only read them), `archived`, `isInbox` and `openTaskCount` (open top-level tasks). \
Archived projects are left out unless `includeArchived` is true. A project's name or id is \
what the `project` argument of add_task, update_task and list_tasks takes.";

const CREATE_PROJECT: &str = "Create a project for the user, e.g. {\"name\": \"Garden\", \
\"color\": \"#22c55e\"}. The name is 1 to 100 characters and must differ from the user's \
other projects regardless of case (a duplicate is refused: list_projects shows the \
existing ones); `color` is optional, `#rrggbb`. Create one only when the user asks for a \
new project, not to file a single task. Returns the project with its id.";

const LIST_LABELS: &str = "List the user's labels by name, each with its id and color. \
Tasks can have many labels; add_task and update_task take them by name (creating missing \
ones) and list_tasks filters by them (tasks with all the labels given). Use it to reuse \
the user's existing label names rather than inventing near-duplicates.";

#[tool_router(vis = "pub(crate)")]
impl TodoServer {
    #[tool(
        name = "add_task",
        description = ADD_TASK,
        output_schema = schema_for_output::<Task>(),
        annotations(
            title = "Add a task",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn add_task(
        &self,
        Parameters(args): Parameters<AddTaskArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<Task> {
        if args.title.is_some() == args.text.is_some() {
            return Err(failed(
                "add_task",
                ToolError::InvalidArgument {
                    argument: "title".to_owned(),
                    message: "give either `title` (with the other fields) or `text` (the \
                              user's own words), not both and not neither"
                        .to_owned(),
                },
            ));
        }
        let token = self.token(&context)?;
        let (task, draft) = self
            .operations(&token)
            .create_task(&args)
            .await
            .map_err(|error| {
                // The only task an add can miss is the parent it names.
                let parent = args.parent_id.as_deref();
                failed("add_task", ToolError::from_operation(error, parent))
            })?;
        let summary = match draft {
            Some(draft) => format!(
                "Created {}. Read from the text: {}.",
                task.summary(),
                draft.understood()
            ),
            None => format!("Created {}.", task.summary()),
        };
        Ok(Structured::new(summary, task))
    }

    #[tool(
        name = "update_task",
        description = UPDATE_TASK,
        output_schema = schema_for_output::<Task>(),
        annotations(
            title = "Update a task",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn update_task(
        &self,
        Parameters(args): Parameters<UpdateTaskArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<Task> {
        let token = self.token(&context)?;
        let task = self
            .operations(&token)
            .update_task(&args)
            .await
            .map_err(|error| {
                failed(
                    "update_task",
                    ToolError::from_operation(error, Some(&args.id)),
                )
            })?;
        Ok(Structured::new(
            format!("Updated {}.", task.summary()),
            task,
        ))
    }

    #[tool(
        name = "list_tasks",
        description = LIST_TASKS,
        output_schema = schema_for_output::<TaskPage>(),
        annotations(
            title = "List tasks",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_tasks(
        &self,
        Parameters(args): Parameters<ListTasksArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<TaskPage> {
        let token = self.token(&context)?;
        let page = self
            .operations(&token)
            .tasks(&args)
            .await
            .map_err(|error| {
                let parent = args.parent_id.as_deref();
                failed("list_tasks", ToolError::from_operation(error, parent))
            })?;
        let mut summary = format!(
            "{} of {} matching task(s){}",
            page.tasks.len(),
            page.total_count,
            if page.has_next_page {
                "; more on the next page (pass `after` = endCursor)"
            } else {
                ""
            }
        );
        for task in &page.tasks {
            summary.push_str("\n- ");
            summary.push_str(&task.summary());
        }
        Ok(Structured::new(summary, page))
    }

    #[tool(
        name = "get_task",
        description = GET_TASK,
        output_schema = schema_for_output::<Task>(),
        annotations(
            title = "Get a task",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_task(
        &self,
        Parameters(TaskIdArgs { id }): Parameters<TaskIdArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<Task> {
        let token = self.token(&context)?;
        let task = self
            .operations(&token)
            .task(&id)
            .await
            .map_err(|error| failed("get_task", ToolError::from_api(error, Some(&id))))?
            .ok_or_else(|| failed("get_task", ToolError::TaskNotFound { id: id.clone() }))?;
        Ok(Structured::new(task.summary(), task))
    }

    #[tool(
        name = "complete_task",
        description = COMPLETE_TASK,
        output_schema = schema_for_output::<Completion>(),
        annotations(
            title = "Complete a task",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn complete_task(
        &self,
        Parameters(TaskIdArgs { id }): Parameters<TaskIdArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<Completion> {
        let token = self.token(&context)?;
        let completion = self
            .operations(&token)
            .complete_task(&id)
            .await
            .map_err(|error| failed("complete_task", ToolError::from_api(error, Some(&id))))?;
        let summary = match &completion.next_occurrence {
            Some(next) => format!(
                "Completed {}. Next occurrence: {}.",
                completion.task.summary(),
                next.summary()
            ),
            None => format!("Completed {}.", completion.task.summary()),
        };
        Ok(Structured::new(summary, completion))
    }

    #[tool(
        name = "snooze_task",
        description = SNOOZE_TASK,
        output_schema = schema_for_output::<Task>(),
        annotations(
            title = "Snooze a task's reminder",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn snooze_task(
        &self,
        Parameters(SnoozeTaskArgs { id, minutes, until }): Parameters<SnoozeTaskArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<Task> {
        let token = self.token(&context)?;
        let task = self
            .operations(&token)
            .snooze_task(&id, minutes, until)
            .await
            .map_err(|error| failed("snooze_task", ToolError::from_api(error, Some(&id))))?;
        let until = task
            .snoozed_until
            .as_ref()
            .map_or_else(String::new, |until| format!(" until {until}"));
        Ok(Structured::new(
            format!("Snoozed the reminder of {}{until}.", task.summary()),
            task,
        ))
    }

    #[tool(
        name = "uncomplete_task",
        description = UNCOMPLETE_TASK,
        output_schema = schema_for_output::<Reopening>(),
        annotations(
            title = "Reopen a task",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn uncomplete_task(
        &self,
        Parameters(TaskIdArgs { id }): Parameters<TaskIdArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<Reopening> {
        let token = self.token(&context)?;
        let reopening = self
            .operations(&token)
            .uncomplete_task(&id)
            .await
            .map_err(|error| failed("uncomplete_task", ToolError::from_api(error, Some(&id))))?;
        let mut summary = format!("Reopened {}.", reopening.task.summary());
        if let Some(next) = &reopening.next_occurrence {
            let due = next
                .task
                .due_at
                .as_ref()
                .map_or_else(String::new, |due| format!(" due {due}"));
            summary.push_str(&if next.removed {
                format!(
                    " Removed the next occurrence{due} (id {}), which nobody had changed.",
                    next.task.id.inner()
                )
            } else {
                format!(
                    " Kept the next occurrence {} because it was changed; delete it with \
                     delete_task if it is not wanted.",
                    next.task.summary()
                )
            });
        }
        Ok(Structured::new(summary, reopening))
    }

    #[tool(
        name = "delete_task",
        description = DELETE_TASK,
        output_schema = schema_for_output::<Deletion>(),
        annotations(
            title = "Delete a task",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn delete_task(
        &self,
        Parameters(TaskIdArgs { id }): Parameters<TaskIdArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<Deletion> {
        let token = self.token(&context)?;
        let deleted = self
            .operations(&token)
            .delete_task(&id)
            .await
            .map_err(|error| failed("delete_task", ToolError::from_api(error, Some(&id))))?;
        if !deleted {
            return Err(failed("delete_task", ToolError::TaskNotFound { id }));
        }
        Ok(Structured::new(
            format!("Deleted task {id}."),
            Deletion { deleted, id },
        ))
    }

    #[tool(
        name = "list_notifications",
        description = LIST_NOTIFICATIONS,
        output_schema = schema_for_output::<NotificationPage>(),
        annotations(
            title = "List notifications",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_notifications(
        &self,
        Parameters(args): Parameters<ListNotificationsArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<NotificationPage> {
        let token = self.token(&context)?;
        let page = self
            .operations(&token)
            .notifications(&args)
            .await
            .map_err(|error| {
                failed(
                    "list_notifications",
                    ToolError::from_api_feature(error, None, "notifications"),
                )
            })?;
        let mut summary = format!(
            "{} of {} notification(s)",
            page.notifications.len(),
            page.total_count
        );
        for notification in &page.notifications {
            summary.push_str(&format!(
                "\n- {}{} ({})",
                if notification.read { "" } else { "[unread] " },
                notification.title,
                notification.created_at
            ));
        }
        Ok(Structured::new(summary, page))
    }

    #[tool(
        name = "get_task_history",
        description = GET_TASK_HISTORY,
        output_schema = schema_for_output::<HistoryPage>(),
        annotations(
            title = "Task history",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_task_history(
        &self,
        Parameters(TaskHistoryArgs { id, first, after }): Parameters<TaskHistoryArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<HistoryPage> {
        let token = self.token(&context)?;
        let page = self
            .operations(&token)
            .task_history(&id, first, after.as_deref())
            .await
            .map_err(|error| {
                failed(
                    "get_task_history",
                    ToolError::from_api_feature(error, Some(&id), "task history"),
                )
            })?
            .ok_or_else(|| {
                failed(
                    "get_task_history",
                    ToolError::TaskNotFound { id: id.clone() },
                )
            })?;
        let mut summary = format!(
            "{} of {} change(s) to task {}",
            page.entries.len(),
            page.total_count,
            page.task_id.inner()
        );
        for entry in &page.entries {
            summary.push_str(&format!(
                "\n- {} {} via {}",
                entry.at, entry.action, entry.source
            ));
            if let Some(agent) = &entry.agent {
                summary.push_str(&format!(" ({agent})"));
            }
        }
        Ok(Structured::new(summary, page))
    }

    #[tool(
        name = "list_projects",
        description = LIST_PROJECTS,
        output_schema = schema_for_output::<ProjectList>(),
        annotations(
            title = "List projects",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_projects(
        &self,
        Parameters(args): Parameters<ListProjectsArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<ProjectList> {
        let token = self.token(&context)?;
        let projects = self
            .operations(&token)
            .projects(args.include_archived.unwrap_or(false))
            .await
            .map_err(|error| {
                failed(
                    "list_projects",
                    ToolError::from_api_feature(error, None, "projects"),
                )
            })?;
        let mut summary = format!("{} project(s)", projects.len());
        for project in &projects {
            summary.push_str("\n- ");
            summary.push_str(&project.summary());
        }
        Ok(Structured::new(summary, ProjectList { projects }))
    }

    #[tool(
        name = "create_project",
        description = CREATE_PROJECT,
        output_schema = schema_for_output::<Project>(),
        annotations(
            title = "Create a project",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn create_project(
        &self,
        Parameters(args): Parameters<CreateProjectArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<Project> {
        let token = self.token(&context)?;
        let project = self
            .operations(&token)
            .create_project(&args)
            .await
            .map_err(|error| {
                failed(
                    "create_project",
                    ToolError::from_api_feature(error, None, "projects"),
                )
            })?;
        Ok(Structured::new(
            format!("Created project {}.", project.summary()),
            project,
        ))
    }

    #[tool(
        name = "list_labels",
        description = LIST_LABELS,
        output_schema = schema_for_output::<LabelList>(),
        annotations(
            title = "List labels",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_labels(
        &self,
        Parameters(NoArgs {}): Parameters<NoArgs>,
        context: RequestContext<RoleServer>,
    ) -> ToolResult<LabelList> {
        let token = self.token(&context)?;
        let labels = self.operations(&token).labels().await.map_err(|error| {
            failed(
                "list_labels",
                ToolError::from_api_feature(error, None, "labels"),
            )
        })?;
        let names: Vec<&str> = labels.iter().map(|label| label.name.as_str()).collect();
        let summary = if names.is_empty() {
            "The user has no labels yet.".to_owned()
        } else {
            format!("{} label(s): {}", names.len(), names.join(", "))
        };
        Ok(Structured::new(summary, LabelList { labels }))
    }
}

/// Logs a failed call (never its token or arguments) and passes the error on.
fn failed(tool: &'static str, error: ToolError) -> ToolError {
    if error.is_service_failure() {
        tracing::warn!(tool, %error, "tool call failed");
    } else {
        tracing::debug!(tool, %error, "tool call refused");
    }
    error
}
