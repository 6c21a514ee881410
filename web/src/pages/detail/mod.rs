//! A task's detail: its fields, its recurrence and next dates, and its history.

mod card;
mod subtasks;

use std::time::Duration;

use dioxus::prelude::*;
use gloo_timers::future::sleep;

use crate::Route;
use crate::api::{
    AuditEntry, DeleteTask, Id, IdVars, MutationBuilder as _, QueryBuilder as _, TaskDetailQuery,
    id_of, run,
};
use crate::components::{Dialog, HistoryEntry, TaskFormDialog};
use crate::pages::ListFilters;
use crate::state::{RESYNC, TASK_CHANGED, error_toast, toast, user_zone};
use crate::store::{TaskStoreStoreImplExt as _, use_tasks};
use crate::time;
use card::TaskCard;
use subtasks::Subtasks;

const HISTORY_RETRY: Duration = Duration::from_millis(200);
const HISTORY_TRIES: u32 = 10;

#[component]
pub fn TaskDetail(id: ReadSignal<String>) -> Element {
    let mut store = use_tasks();
    let mut editing = use_signal(|| false);
    let mut confirming = use_signal(|| false);
    // Refetched when the task changes anywhere (its `updatedAt` moves) or the live
    // connection comes back.
    let version = use_memo(move || {
        store
            .task(&id())
            .map(|t| (t.updated_at.clone(), t.completed))
    });
    // A change to this task seen on the live connection, e.g. this page's own save.
    let seen_change = use_memo(move || {
        TASK_CHANGED
            .read()
            .as_ref()
            .filter(|(task, _)| *task == id())
            .map(|(_, at)| time::parse_ms(at))
    });
    // A newer run replaces an older one, whose answer is dropped.
    let detail = use_resource(move || async move {
        let _ = version();
        let _ = RESYNC.read();
        let seen = seen_change();
        let mut tries = 0;
        loop {
            let answer = run(TaskDetailQuery::build(IdVars { id: Id::new(id()) })).await;
            // The audit trail records a change a moment after the change itself, so a
            // refetch can come too early; ask again (briefly) until the history has it.
            let behind = match (&answer, seen) {
                (Ok(data), Some(at)) => data.task.as_ref().is_some_and(|t| {
                    t.history
                        .edges
                        .first()
                        .is_none_or(|e| time::parse_ms(&e.node.at) < at)
                }),
                _ => false,
            };
            if !behind || tries >= HISTORY_TRIES {
                if let Ok(Some(found)) = answer.as_ref().map(|data| &data.task) {
                    store.upsert(found.task.clone());
                    store.replace_subtasks(&id(), found.subtasks.clone());
                }
                return answer;
            }
            tries += 1;
            sleep(HISTORY_RETRY).await;
        }
    });

    let history: Vec<AuditEntry> = match &*detail.read() {
        Some(Ok(data)) => data
            .task
            .as_ref()
            .map(|t| t.history.edges.iter().map(|e| e.node.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let missing = matches!(&*detail.read(), Some(Ok(data)) if data.task.is_none());
    let failed = match &*detail.read() {
        Some(Err(error)) => Some(error.message.clone()),
        _ => None,
    };
    if missing {
        return rsx! {
            document::Title { "Task not found · Todo" }
            div { class: "page",
                div { class: "empty",
                    p { class: "empty-title", "This task is gone" }
                    p { "It was deleted, or it is not yours." }
                    Link { class: "button", to: Route::default_tasks(), "Back to tasks" }
                }
            }
        };
    }
    let Some(task) = store.task(&id()) else {
        return rsx! {
            div { class: "page",
                if let Some(message) = failed {
                    p { class: "form-error", role: "alert", "{message}" }
                } else {
                    div { class: "detail-card skeleton", "aria-busy": "true", "aria-label": "Loading the task",
                        span { class: "skeleton-line" }
                        span { class: "skeleton-line short" }
                    }
                }
            }
        };
    };
    let zone = user_zone();
    let nav = navigator();
    let delete = move |_| {
        let id = id();
        spawn(async move {
            match run(DeleteTask::build(IdVars {
                id: Id::new(id.clone()),
            }))
            .await
            {
                Ok(_) => {
                    store.remove(&id);
                    toast("Task deleted", None, None);
                    nav.replace(Route::default_tasks());
                }
                Err(error) => error_toast(error.message),
            }
        });
    };
    rsx! {
        document::Title { "{task.title} · Todo" }
        div { class: "page detail-page",
            nav { class: "breadcrumb", "aria-label": "Breadcrumb",
                Link { to: Route::default_tasks(), "Tasks" }
                span { "aria-hidden": "true", " / " }
                Link {
                    to: Route::Tasks { filters: ListFilters { project: id_of(&task.project.id), ..ListFilters::default() } },
                    "{task.project.name}"
                }
                span { "aria-hidden": "true", " / " }
                if let Some(parent) = task.parent_id.as_ref().and_then(|p| store.task(p.inner())) {
                    Link { to: Route::TaskDetail { id: id_of(&parent.id) }, "{parent.title}" }
                    span { "aria-hidden": "true", " / " }
                }
                span { "aria-current": "page", "{task.title}" }
            }
            TaskCard {
                task: task.clone(),
                onedit: move |_| editing.set(true),
                ondelete: move |_| confirming.set(true),
            }
            if task.parent_id.is_none() {
                Subtasks { parent: task.clone() }
            }
            section { class: "history", "aria-labelledby": "history-title",
                h2 { id: "history-title", "History" }
                if history.is_empty() {
                    p { class: "muted", "No changes recorded yet." }
                } else {
                    ol { class: "history-list",
                        for (key, entry) in history.into_iter().map(|e| (id_of(&e.id), e)) {
                            HistoryEntry { key: "{key}", entry, zone: zone.clone(), show_task: false }
                        }
                    }
                }
            }
        }
        if editing() {
            TaskFormDialog { task_id: Some(id()), onclose: move |_| editing.set(false) }
        }
        if confirming() {
            Dialog { id: "confirm-delete", title: "Delete this task?", onclose: move |_| confirming.set(false),
                p { "“{task.title}” and its reminders will be gone. Its history stays in the activity log." }
                div { class: "form-actions",
                    button { class: "button button-quiet", r#type: "button", onclick: move |_| confirming.set(false), "Cancel" }
                    button { class: "button button-danger", r#type: "button", onclick: delete, "Delete task" }
                }
            }
        }
    }
}
