//! A task's subtasks on its page: their progress, each with its checkbox and a place
//! that can move up or down, and a field to add one.

use dioxus::core::spawn_forever;
use dioxus::prelude::*;

use crate::Route;
use crate::api::{
    CreateTask, CreateTaskInput, CreateTaskVars, Id, MoveTask, MoveTaskInput, MoveTaskVars,
    MutationBuilder as _, Task, id_of, run,
};
use crate::components::{DueBadge, task_row_toggle};
use crate::organise::can_edit;
use crate::state::error_toast;
use crate::store::{TaskStoreStoreImplExt as _, Tasks, use_tasks};

/// Moves the subtask at `at` `by` places, writing every subtask's new place, so the
/// order holds whether the server stores the numbers as given or moves a task to the
/// index it is given.
async fn move_subtask(mut store: Tasks, mut order: Vec<Task>, at: usize, by: isize) {
    let to = at
        .saturating_add_signed(by)
        .min(order.len().saturating_sub(1));
    if to == at {
        return;
    }
    let moved = order.remove(at);
    order.insert(to, moved);
    for (index, task) in order.into_iter().enumerate() {
        let Ok(position) = i32::try_from(index) else {
            return;
        };
        if task.position == position {
            continue;
        }
        // Shown at once in its new place; the answer confirms it.
        store.upsert(Task {
            position,
            ..task.clone()
        });
        let vars = MoveTaskVars {
            id: task.id.clone(),
            input: MoveTaskInput {
                position: Some(position),
            },
        };
        match run(MoveTask::build(vars)).await {
            Ok(data) => store.upsert(data.update_task),
            Err(error) => {
                store.upsert(task);
                error_toast(format!("Could not move the subtask: {error}"));
                return;
            }
        }
    }
}

#[component]
pub fn Subtasks(parent: ReadSignal<Task>) -> Element {
    let mut store = use_tasks();
    let subtasks = use_memo(move || store.subtasks_of(&id_of(&parent.read().id)));
    let mut title = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let writable = can_edit(parent.read().project.role);
    let add = move |event: FormEvent| {
        event.prevent_default();
        let text = title().trim().to_owned();
        if text.is_empty() || busy() {
            return;
        }
        busy.set(true);
        let parent = id_of(&parent.read().id);
        spawn(async move {
            let input = CreateTaskInput {
                parent_id: Some(Id::new(parent.clone())),
                ..CreateTaskInput::titled(text)
            };
            match run(CreateTask::build(CreateTaskVars { input })).await {
                Ok(data) => {
                    store.upsert(data.create_task);
                    title.set(String::new());
                }
                Err(error) => error_toast(format!("Could not add the subtask: {error}")),
            }
            busy.set(false);
            crate::components::focus("new-subtask");
        });
    };
    let all = subtasks();
    let done = all.iter().filter(|t| t.completed).count();
    let count = all.len();
    rsx! {
        section { class: "subtasks", "aria-labelledby": "subtasks-title",
            div { class: "section-head",
                h2 { id: "subtasks-title", "Subtasks" }
                if count > 0 {
                    span { class: "badge badge-progress",
                        span { "aria-hidden": "true", "{done}/{count}" }
                        span { class: "visually-hidden", "{done} of {count} subtasks done" }
                    }
                }
            }
            if count > 0 {
                ol { class: "subtask-list",
                    for (at, task) in all.iter().cloned().enumerate() {
                        SubtaskRow {
                            key: "{task.id.inner()}",
                            task: task.clone(),
                            first: at == 0,
                            last: at + 1 == count,
                            writable,
                            onmove: move |by: isize| {
                                let order = subtasks.peek().clone();
                                spawn_forever(move_subtask(store, order, at, by));
                            },
                        }
                    }
                }
            } else {
                p { class: "muted", "Break the task into steps: add a subtask below." }
            }
            if writable {
                form { class: "subtask-add", onsubmit: add,
                    label { r#for: "new-subtask", class: "visually-hidden", "New subtask" }
                    input {
                        id: "new-subtask",
                        r#type: "text",
                        maxlength: "200",
                        autocomplete: "off",
                        placeholder: "Add a subtask",
                        value: "{title}",
                        oninput: move |e| title.set(e.value()),
                    }
                    button { class: "button", r#type: "submit", disabled: busy() || title().trim().is_empty(), "Add subtask" }
                }
            }
        }
    }
}

#[component]
fn SubtaskRow(
    task: Task,
    first: bool,
    last: bool,
    writable: bool,
    onmove: EventHandler<isize>,
) -> Element {
    let store = use_tasks();
    let completed = task.completed;
    let label = if completed {
        format!("Reopen “{}”", task.title)
    } else {
        format!("Complete “{}”", task.title)
    };
    let toggle = task.clone();
    rsx! {
        li { class: if completed { "subtask done" } else { "subtask" },
            button {
                class: "check",
                r#type: "button",
                role: "checkbox",
                "aria-checked": "{completed}",
                "aria-label": "{label}",
                disabled: !writable,
                onclick: move |_| {
                    let task = toggle.clone();
                    spawn_forever(async move { task_row_toggle(store, task).await });
                },
                if completed { "✓" }
            }
            Link { class: "task-title", to: Route::TaskDetail { id: id_of(&task.id) }, "{task.title}" }
            DueBadge { task: task.clone() }
            if writable {
                div { class: "subtask-move",
                    button { class: "icon-button", r#type: "button", disabled: first,
                        "aria-label": "Move “{task.title}” up", onclick: move |_| onmove.call(-1), "↑" }
                    button { class: "icon-button", r#type: "button", disabled: last,
                        "aria-label": "Move “{task.title}” down", onclick: move |_| onmove.call(1), "↓" }
                }
            }
        }
    }
}
