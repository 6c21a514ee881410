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
use crate::state::{Completed, LAST_COMPLETION, TOASTS, Toast, ToastAction, dismiss_toast};
use crate::store::{Tasks, use_tasks};

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
                Some(ToastAction::OpenTask { task_id, notification_id }) => rsx! {
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
                },
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
