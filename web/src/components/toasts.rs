//! Toasts: at most three, stacked in one corner (at the top, with open dialogs moved
//! below them, while a dialog is open), announced to screen readers, gone after five
//! seconds, the countdown paused while the pointer or focus is on one. Ctrl+Z (Cmd+Z on
//! macOS) undoes the last completion, as the Undo button of its toast does.

use std::time::Duration;

use dioxus::core::spawn_forever;
use dioxus::prelude::*;
use gloo_timers::future::sleep;

use super::js;
use super::notifications::mark_read;
use super::task_row::reopen;
use crate::Route;
use crate::api::{CompleteTask, Id, IdVars, MutationBuilder as _, SnoozeTask, SnoozeVars, run};
use crate::state::{
    Completed, LAST_COMPLETION, TOASTS, Toast, ToastAction, dismiss_toast, error_toast, toast,
};
use crate::store::{TaskStoreStoreImplExt as _, Tasks, use_tasks};

const LIFETIME: Duration = Duration::from_secs(5);
const TICK: Duration = Duration::from_millis(100);

#[component]
pub fn Toasts() -> Element {
    let toasts = TOASTS.read().clone();
    let tasks = use_tasks();
    use_future(move || async move {
        let mut keys = document::eval(
            r#"document.addEventListener('keydown', e => {
  const t = e.target;
  const typing = t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
  if (typing || document.querySelector('[role=dialog]') || e.altKey || e.shiftKey || e.key.toLowerCase() !== 'z' || !(e.ctrlKey || e.metaKey)) return;
  e.preventDefault();
  dioxus.send('undo');
});"#,
        );
        while keys.recv::<String>().await.is_ok() {
            let last = LAST_COMPLETION.peek().clone();
            if let Some(completed) = last {
                undo(tasks, completed);
            }
        }
    });
    rsx! {
        div {
            class: "toast-stack",
            // The stack's height, as `--toast-room`: an open dialog is laid out below it
            // (style.css), so a toast never covers the dialog's buttons.
            onmounted: |_| js(r#"(() => {
  const stack = document.querySelector('.toast-stack');
  new ResizeObserver(() => {
    document.documentElement.style.setProperty('--toast-room', stack.offsetHeight + 'px');
  }).observe(stack);
})()"#),
            div { class: "toasts toasts-errors", role: "alert", "aria-live": "assertive",
                for toast in toasts.iter().filter(|t| t.error).cloned() {
                    ToastCard { key: "{toast.id}", toast }
                }
            }
            div { class: "toasts", role: "status", "aria-live": "polite", "aria-label": "Notifications as they arrive",
                for toast in toasts.into_iter().filter(|t| !t.error) {
                    ToastCard { key: "{toast.id}", toast }
                }
            }
        }
    }
}

/// Undoes a completion, taking away the toast that offered it.
fn undo(tasks: Tasks, completed: Completed) {
    TOASTS
        .write()
        .retain(|t| t.action.as_ref() != Some(&ToastAction::Undo(completed.clone())));
    // Outlives the toast, which the dismissal unmounts.
    spawn_forever(async move {
        reopen(tasks, completed).await;
    });
}

/// How long the toast's Snooze puts a reminder off (the task page offers more).
const TOAST_SNOOZE_MINUTES: i32 = 15;

/// The reminder toast's Complete: the task as the list would complete it.
async fn complete_from_reminder(mut tasks: Tasks, task_id: String) {
    match run(CompleteTask::build(IdVars {
        id: Id::new(task_id),
    }))
    .await
    {
        Ok(data) => {
            let payload = data.complete_task;
            let title = format!("Completed “{}”", payload.task.title);
            tasks.upsert(payload.task);
            if let Some(next) = payload.next_occurrence {
                tasks.upsert(next);
            }
            toast(title, None, None);
        }
        Err(error) => error_toast(format!("Could not complete the task: {error}")),
    }
}

async fn snooze_from_reminder(mut tasks: Tasks, task_id: String) {
    let vars = SnoozeVars {
        id: Id::new(task_id),
        minutes: Some(TOAST_SNOOZE_MINUTES),
        until: None,
    };
    match run(SnoozeTask::build(vars)).await {
        Ok(data) => {
            let title = format!(
                "Snoozed “{}” for {TOAST_SNOOZE_MINUTES} minutes",
                data.snooze_task.title
            );
            tasks.upsert(data.snooze_task);
            toast(title, None, None);
        }
        Err(error) => error_toast(format!("Could not snooze the reminder: {error}")),
    }
}

#[component]
fn ToastCard(toast: Toast) -> Element {
    let mut hovered = use_signal(|| false);
    let mut focused = use_signal(|| false);
    let id = toast.id;
    use_future(move || async move {
        let mut left = LIFETIME;
        while !left.is_zero() {
            sleep(TICK).await;
            if !hovered() && !focused() {
                left = left.saturating_sub(TICK);
            }
        }
        dismiss_toast(id);
    });
    let nav = navigator();
    let tasks = use_tasks();
    rsx! {
        div {
            class: if toast.error { "toast toast-error" } else { "toast" },
            onmouseenter: move |_| hovered.set(true),
            onmouseleave: move |_| hovered.set(false),
            onfocusin: move |_| focused.set(true),
            onfocusout: move |_| focused.set(false),
            div { class: "toast-text",
                p { class: "toast-title", "{toast.title}" }
                if let Some(body) = &toast.body {
                    p { class: "toast-body", "{body}" }
                }
            }
            match toast.action.clone() {
                Some(ToastAction::Undo(completed)) => rsx! {
                    button {
                        class: "toast-action",
                        r#type: "button",
                        "aria-keyshortcuts": "Control+Z Meta+Z",
                        onclick: move |_| undo(tasks, completed.clone()),
                        "Undo"
                    }
                },
                Some(ToastAction::Reminder { task_id, notification_id }) => {
                    let (complete_task, complete_note) = (task_id.clone(), notification_id.clone());
                    let (snooze_task, snooze_note) = (task_id.clone(), notification_id.clone());
                    rsx! {
                        button {
                            class: "toast-action",
                            r#type: "button",
                            onclick: move |_| {
                                dismiss_toast(id);
                                spawn_forever(mark_read(complete_note.clone()));
                                spawn_forever(complete_from_reminder(tasks, complete_task.clone()));
                            },
                            "Complete"
                        }
                        button {
                            class: "toast-action",
                            r#type: "button",
                            onclick: move |_| {
                                dismiss_toast(id);
                                spawn_forever(mark_read(snooze_note.clone()));
                                spawn_forever(snooze_from_reminder(tasks, snooze_task.clone()));
                            },
                            "Snooze"
                        }
                        button {
                            class: "toast-action",
                            r#type: "button",
                            onclick: move |_| {
                                dismiss_toast(id);
                                spawn_forever(mark_read(notification_id.clone()));
                                nav.push(Route::TaskDetail { id: task_id.clone() });
                            },
                            "Open"
                        }
                    }
                }
                None => rsx! {},
            }
            button {
                class: "icon-button",
                r#type: "button",
                "aria-label": "Dismiss",
                onclick: move |_| dismiss_toast(id),
                "✕"
            }
        }
    }
}
