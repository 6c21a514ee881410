//! One task in a list, and the badges that show its state.

use dioxus::core::spawn_forever;
use dioxus::prelude::*;

use super::{LabelChips, focus};
use crate::Route;
use crate::api::{
    CompleteTask, Id, IdVars, MutationBuilder as _, Priority, ProjectRef, SubtaskProgress, Task,
    UncompleteTask, id_of, run,
};
use crate::organise::css_color;
use crate::state::{Completed, LAST_COMPLETION, ToastAction, error_toast, now, toast, user_zone};
use crate::store::{TaskStoreStoreExt as _, TaskStoreStoreImplExt as _, Tasks, matches, use_tasks};
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
    let label = if task.all_day {
        time::all_day_label(due, task.completed, &task.time_zone, now())
    } else {
        time::due_label(due, task.completed, &user_zone(), now())
    };
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

/// A row completed or reopened under the pointer, kept where it was for a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub id: String,
    /// The rows shown above it when it was held, nearest first: it goes back under the
    /// first of them still shown.
    pub above: Vec<String>,
}

/// What the rows of one list share: the one tab stop among them, their order as
/// shown (for the arrow keys), and the rows held in place under the pointer.
#[derive(Clone, Copy, PartialEq)]
pub struct ListNav {
    /// The row the user last moved to or clicked; it holds the list's tab stop.
    pub active: Signal<Option<String>>,
    /// The rows in the order shown, held ones included.
    pub order: Memo<Vec<String>>,
    pub held: Signal<Vec<Held>>,
    /// Bumped by each hold, so only the latest hold's timer lets go.
    pub hold_round: Signal<u64>,
}

/// How long a row completed under the pointer stays when the pointer stays too.
const HOLD: std::time::Duration = std::time::Duration::from_millis(2_000);

impl ListNav {
    /// The row with the tab stop: the active one while shown, else the first.
    pub fn tab_stop(&self) -> Option<String> {
        let order = self.order.read();
        let active = self.active.read();
        match active.as_ref() {
            Some(id) if order.contains(id) => Some(id.clone()),
            _ => order.first().cloned(),
        }
    }

    /// Moves the tab stop and focus `by` rows from `from` (clamped to the ends).
    fn step(mut self, from: &str, by: isize) {
        let order = self.order.peek();
        let Some(at) = order.iter().position(|id| id == from) else {
            return;
        };
        let to = at
            .saturating_add_signed(by)
            .min(order.len().saturating_sub(1));
        if let Some(id) = order.get(to).cloned() {
            drop(order);
            self.go_to(id);
        }
    }

    fn go_to(&mut self, id: String) {
        focus(&row_element(&id));
        self.active.set(Some(id));
    }

    /// Keeps `id` where it is shown until the pointer leaves the list or a moment
    /// passes, so completing does not move the rows under the pointer.
    fn hold(mut self, id: &str) {
        let order = self.order.peek();
        let above = match order.iter().position(|i| i == id) {
            Some(at) => order[..at].iter().rev().cloned().collect(),
            None => return,
        };
        drop(order);
        self.held.write().push(Held {
            id: id.to_owned(),
            above,
        });
        let round = *self.hold_round.peek() + 1;
        self.hold_round.set(round);
        spawn(async move {
            gloo_timers::future::sleep(HOLD).await;
            if *self.hold_round.peek() == round {
                self.release();
            }
        });
    }

    pub fn release(mut self) {
        if !self.held.peek().is_empty() {
            self.held.write().clear();
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

/// The element id of a row, for moving focus to it.
pub fn row_element(id: &str) -> String {
    format!("task-row-{id}")
}

/// Keeps Enter and Space on a control inside a row to that control: the row would
/// otherwise open the task as well.
fn own_keys(event: KeyboardEvent) {
    if matches!(event.key(), Key::Enter) || event.key() == Key::Character(" ".into()) {
        event.stop_propagation();
    }
}

#[component]
pub fn TaskRow(id: String, onedit: EventHandler<String>, nav: ListNav) -> Element {
    let store = use_tasks();
    let nav_to = navigator();
    let row_id = id.clone();
    // Every row compares, but only the two whose answer changes render again.
    let tab_stop = use_memo(move || nav.tab_stop().as_deref() == Some(row_id.as_str()));
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
    // In the open list a completed row is one held a moment after completing: it keeps
    // its looks and height, so nothing under the pointer moves. Elsewhere a completed
    // task says when it was done.
    let show_done = completed && store.list().peek().query.filter.completed != Some(false);
    // Outside a project's own view a row says which project it is in (not the Inbox).
    let show_project =
        !task.project.is_inbox && store.list().peek().query.filter.project_id.is_none();
    let details = task.due_at.is_some()
        || task.priority.is_some()
        || !task.labels.is_empty()
        || task.subtask_progress.total > 0
        || task.assignee.is_some()
        || show_project
        || task.recurrence.is_some()
        || show_done;
    let toggle_task = task.clone();
    let key_task = task.clone();
    let edit_id = id.clone();
    let key_id = id.clone();
    let focus_id = id.clone();
    let hold_id = id.clone();
    rsx! {
        li {
            id: row_element(&id),
            class: if completed { "task-row done" } else { "task-row" },
            tabindex: if tab_stop() { "0" } else { "-1" },
            onfocusin: move |_| {
                if nav.active.peek().as_deref() != Some(focus_id.as_str()) {
                    nav.active.set(Some(focus_id.clone()));
                }
            },
            onkeydown: move |event: KeyboardEvent| {
                let modifiers = event.modifiers();
                if modifiers.ctrl() || modifiers.meta() || modifiers.alt() {
                    return;
                }
                let key = event.key();
                let by = match &key {
                    Key::ArrowDown => Some(1),
                    Key::ArrowUp => Some(-1),
                    Key::Home => Some(isize::MIN),
                    Key::End => Some(isize::MAX),
                    Key::Character(c) if c == "j" => Some(1),
                    Key::Character(c) if c == "k" => Some(-1),
                    _ => None,
                };
                if let Some(by) = by {
                    event.prevent_default();
                    nav.step(&key_id, by);
                    return;
                }
                match key {
                    Key::Character(c) if c == "x" => {
                        event.prevent_default();
                        // Focus moves to the row that takes this one's place when it
                        // leaves the list, and stays on it when it does not.
                        let leaves = {
                            let mut after = key_task.clone();
                            after.completed = !after.completed;
                            !matches(&store.list().peek().query.filter, &after)
                        };
                        if leaves {
                            let order = nav.order.peek();
                            let at = order.iter().position(|i| *i == key_id);
                            let next = at.and_then(|at| order.get(at + 1).or_else(|| at.checked_sub(1).and_then(|b| order.get(b)))).cloned();
                            drop(order);
                            if let Some(next) = next {
                                let mut nav = nav;
                                nav.go_to(next);
                            }
                        }
                        let task = key_task.clone();
                        spawn_forever(async move { toggle_complete(store, task).await });
                    }
                    Key::Character(c) if c == "e" => {
                        event.prevent_default();
                        onedit.call(key_id.clone());
                    }
                    Key::Enter => {
                        event.prevent_default();
                        nav_to.push(Route::TaskDetail { id: key_id.clone() });
                    }
                    _ => {}
                }
            },
            button {
                class: "check",
                r#type: "button",
                role: "checkbox",
                tabindex: "-1",
                "aria-checked": "{completed}",
                "aria-label": "{toggle_label}",
                onkeydown: own_keys,
                onclick: move |_| {
                    nav.hold(&hold_id);
                    let task = toggle_task.clone();
                    spawn_forever(async move { toggle_complete(store, task).await });
                },
                if completed { "✓" }
            }
            div { class: "task-main",
                Link { class: "task-title", tabindex: "-1", to: Route::TaskDetail { id: id.clone() }, "{task.title}" }
                if details {
                    div { class: "task-meta",
                        if show_done {
                            DoneBadge { task: task.clone() }
                        } else {
                            DueBadge { task: task.clone() }
                        }
                        PriorityBadge { priority: task.priority }
                        RecurrenceBadge { task: task.clone() }
                        SubtaskBadge { progress: task.subtask_progress }
                        if show_project {
                            ProjectBadge { project: task.project.clone() }
                        }
                        if let Some(assignee) = &task.assignee {
                            span { class: "badge", span { class: "visually-hidden", "Assigned to " } span { "aria-hidden": "true", "→ " } "{assignee.display_name}" }
                        }
                        LabelChips { labels: task.labels.clone() }
                    }
                }
            }
            button {
                class: "button button-small button-quiet row-edit",
                r#type: "button",
                tabindex: "-1",
                "aria-label": "Edit “{task.title}”",
                "aria-keyshortcuts": "e",
                onkeydown: own_keys,
                onclick: move |_| onedit.call(edit_id.clone()),
                "Edit"
            }
        }
    }
}

/// How many of a task's subtasks are done, as "2/5".
#[component]
pub fn SubtaskBadge(progress: SubtaskProgress) -> Element {
    if progress.total == 0 {
        return rsx! {};
    }
    rsx! {
        span { class: "badge badge-progress", title: "Subtasks done",
            span { class: "visually-hidden", "Subtasks done: " }
            span { "aria-hidden": "true", "☑ " }
            "{progress.done}/{progress.total}"
        }
    }
}

#[component]
pub fn ProjectBadge(project: ProjectRef) -> Element {
    rsx! {
        span { class: "badge badge-project",
            span { class: "dot-color", style: "background: {css_color(project.color.as_deref())}", "aria-hidden": "true" }
            span { class: "visually-hidden", "Project: " }
            "{project.name}"
        }
    }
}

/// When a completed task was done; its old due date no longer matters.
#[component]
fn DoneBadge(task: Task) -> Element {
    let zone = user_zone();
    match &task.completed_at {
        Some(at) => {
            let text = time::relative_text(&zone, time::parse_ms(at), now());
            rsx! {
                span { class: "due due-done",
                    span { "Done" }
                    time { datetime: "{at.0}", "{text}" }
                }
            }
        }
        None => rsx! { span { class: "due due-done", "Done" } },
    }
}
