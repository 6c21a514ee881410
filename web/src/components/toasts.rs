//! Toasts: stacked in one corner, announced to screen readers, gone after five
//! seconds unless hovered or focused.

use std::time::Duration;

use dioxus::core::spawn_forever;
use dioxus::prelude::*;
use gloo_timers::future::sleep;

use crate::Route;
use crate::api::{Id, IdVars, MutationBuilder as _, UncompleteTask, run};
use crate::state::{TOASTS, Toast, ToastAction, dismiss_toast, error_toast};
use crate::store::{TaskStoreStoreImplExt as _, use_tasks};

const LIFETIME: Duration = Duration::from_secs(5);
const TICK: Duration = Duration::from_millis(100);

#[component]
pub fn Toasts() -> Element {
    let toasts = TOASTS.read().clone();
    rsx! {
        div { class: "toasts", role: "status", "aria-live": "polite", "aria-label": "Notifications as they arrive",
            for toast in toasts.iter().filter(|t| !t.error).cloned() {
                ToastCard { key: "{toast.id}", toast }
            }
        }
        div { class: "toasts toasts-errors", role: "alert", "aria-live": "assertive",
            for toast in toasts.into_iter().filter(|t| t.error) {
                ToastCard { key: "{toast.id}", toast }
            }
        }
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
    let mut tasks = use_tasks();
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
                Some(ToastAction::Undo { task_id }) => rsx! {
                    button {
                        class: "toast-action",
                        r#type: "button",
                        onclick: move |_| {
                            let task_id = task_id.clone();
                            dismiss_toast(id);
                            // Outlives this card, which the dismissal unmounts.
                            spawn_forever(async move {
                                match run(UncompleteTask::build(IdVars { id: Id::new(task_id) })).await {
                                    Ok(data) => tasks.upsert(data.uncomplete_task),
                                    Err(error) => error_toast(format!("Could not undo: {error}")),
                                }
                            });
                        },
                        "Undo"
                    }
                },
                Some(ToastAction::OpenTask { task_id }) => rsx! {
                    button {
                        class: "toast-action",
                        r#type: "button",
                        onclick: move |_| {
                            dismiss_toast(id);
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
