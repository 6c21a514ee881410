//! One task in a list, and the badges that show its state.

use dioxus::core::spawn_forever;
use dioxus::prelude::*;

use crate::Route;
use crate::api::{
    CompleteTask, Id, IdVars, MutationBuilder as _, Priority, Task, UncompleteTask, id_of, run,
};
use crate::state::{Completed, LAST_COMPLETION, ToastAction, error_toast, toast, user_zone};
use crate::store::{TaskStoreStoreImplExt as _, Tasks, use_tasks};
use crate::time;

#[component]
pub fn PriorityBadge(priority: Option<Priority>) -> Element {
    match priority {
        Some(p) => rsx! {
            span { class: "priority priority-{p}",
                span { class: "priority-mark", "aria-hidden": "true" }
                "{p.label()}"
            }
        },
        None => rsx! {},
    }
}

#[component]
pub fn DueBadge(task: Task) -> Element {
    let Some(due) = &task.due_at else {
        return rsx! {};
    };
    let label = time::due_label(due, task.completed, &user_zone(), time::now_ms());
    let class = if label.overdue {
        "due due-overdue"
    } else if label.today {
        "due due-today"
    } else {
        "due"
    };
    rsx! {
        span { class: "{class}",
            if label.overdue { strong { "Overdue" } span { "aria-hidden": "true", "·" } }
            time { datetime: "{due.0}", "{label.text}" }
        }
    }
}

#[component]
pub fn RecurrenceBadge(task: Task) -> Element {
    match &task.recurrence {
        Some(recurrence) => rsx! {
            span { class: "badge badge-repeat", title: "{recurrence.rrule}",
                span { "aria-hidden": "true", "↻ " }
                span { class: "visually-hidden", "Repeats: " }
                "{recurrence.description}"
            }
        },
        None => rsx! {},
    }
}

/// Completes or reopens a task at once, then asks the server; a refusal puts it back
/// and says why. Callers spawn it with `spawn_forever`: completing takes the row out of
/// an open list, and a task spawned in the row's scope would be cancelled with it,
/// losing the answer (the "Next: …" toast, or the rollback).
pub async fn toggle_complete(mut store: Tasks, task: Task) {
    let id = id_of(&task.id);
    let mut optimistic = task.clone();
    optimistic.completed = !task.completed;
    store.upsert(optimistic);
    if task.completed {
        // Reopening what was just completed here is its undo.
        let next_id = LAST_COMPLETION
            .peek()
            .as_ref()
            .filter(|last| last.task_id == id)
            .and_then(|last| last.next_id.clone());
        if !reopen(
            store,
            Completed {
                task_id: id,
                next_id,
            },
        )
        .await
        {
            store.upsert(task);
        }
        return;
    }
    match run(CompleteTask::build(IdVars {
        id: Id::new(id.clone()),
    }))
    .await
    {
        Ok(data) => {
            let payload = data.complete_task;
            let body = payload.next_occurrence.as_ref().and_then(|next| {
                next.due_at.as_ref().map(|due| {
                    format!(
                        "Next: {}",
                        time::relative_text(&user_zone(), time::parse_ms(due), time::now_ms())
                    )
                })
            });
            let title = format!("Completed “{}”", payload.task.title);
            store.upsert(payload.task);
            let completed = Completed {
                task_id: id,
                next_id: payload.next_occurrence.as_ref().map(|next| id_of(&next.id)),
            };
            if let Some(next) = payload.next_occurrence {
                store.upsert(next);
            }
            *LAST_COMPLETION.write() = Some(completed.clone());
            toast(title, body, Some(ToastAction::Undo(completed)));
        }
        Err(error) => {
            store.upsert(task);
            error_toast(format!("Could not complete the task: {error}"));
        }
    }
}

/// Undoes `completed`: reopens the task, and drops from the store the next occurrence
/// its completion created, which the API removes with the reopening unless someone
/// changed it (then it is kept, and a toast says so). Returns whether the server agreed.
pub async fn reopen(mut store: Tasks, completed: Completed) -> bool {
    if LAST_COMPLETION.peek().as_ref() == Some(&completed) {
        *LAST_COMPLETION.write() = None;
    }
    let id = completed.task_id.clone();
    match run(UncompleteTask::build(IdVars { id: Id::new(id) })).await {
        Ok(data) => {
            let reopened = data.uncomplete_task;
            let title = reopened.task.title.clone();
            store.upsert(reopened.task);
            match (reopened.next_occurrence, completed.next_id) {
                (Some(kept), _) => {
                    let when = kept
                        .due_at
                        .as_ref()
                        .map(|due| {
                            format!(
                                " ({})",
                                time::relative_text(
                                    &user_zone(),
                                    time::parse_ms(due),
                                    time::now_ms()
                                )
                            )
                        })
                        .unwrap_or_default();
                    store.upsert(kept);
                    toast(
                        format!("Reopened “{title}”"),
                        Some(format!(
                            "Its next occurrence{when} was kept because it was changed."
                        )),
                        None,
                    );
                }
                (None, Some(removed)) => store.remove(&removed),
                (None, None) => {}
            }
            true
        }
        Err(error) => {
            error_toast(format!("Could not reopen the task: {error}"));
            false
        }
    }
}

#[component]
pub fn TaskRow(id: String, onedit: EventHandler<String>) -> Element {
    let store = use_tasks();
    // Subscribes to this task alone: a change to another task leaves this row be.
    let Some(task) = store.task(&id) else {
        return rsx! {};
    };
    let completed = task.completed;
    let toggle_label = if completed {
        format!("Reopen “{}”", task.title)
    } else {
        format!("Complete “{}”", task.title)
    };
    let toggle_task = task.clone();
    let edit_id = id.clone();
    rsx! {
        li { class: if completed { "task-row done" } else { "task-row" },
            button {
                class: "check",
                r#type: "button",
                role: "checkbox",
                "aria-checked": "{completed}",
                "aria-label": "{toggle_label}",
                onclick: move |_| {
                    let task = toggle_task.clone();
                    spawn_forever(async move { toggle_complete(store, task).await });
                },
                if completed { "✓" }
            }
            div { class: "task-main",
                Link { class: "task-title", to: Route::TaskDetail { id: id.clone() }, "{task.title}" }
                div { class: "task-meta",
                    DueBadge { task: task.clone() }
                    PriorityBadge { priority: task.priority }
                    if let Some(category) = &task.category {
                        span { class: "badge", span { class: "visually-hidden", "Category: " } "{category}" }
                    }
                    RecurrenceBadge { task: task.clone() }
                }
            }
            button {
                class: "button button-small button-quiet row-edit",
                r#type: "button",
                "aria-label": "Edit “{task.title}”",
                onclick: move |_| onedit.call(edit_id.clone()),
                "Edit"
            }
        }
    }
}
