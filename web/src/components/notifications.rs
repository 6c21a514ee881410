//! The notification center: the bell's panel.

use dioxus::core::spawn_forever;
use dioxus::prelude::*;

use super::Dialog;
use crate::Route;
use crate::api::{
    AcceptInvitation, ClearNotifications, DeclineInvitation, DeleteNotification, Id, IdVars,
    Invitation, MarkAllNotificationsRead, MarkNotificationRead, MutationBuilder as _, Notification,
    delivery_summary, id_of, run,
};
use crate::organise::{self, INVITATIONS, css_color};
use crate::pages::ListFilters;
use crate::state::{NOTIFICATIONS, UNREAD, error_toast, toast, user_zone};
use crate::time;

#[component]
pub fn NotificationCenter(onclose: EventHandler<()>) -> Element {
    // Opening asks for invitations too: one that expired or was cancelled meanwhile
    // sent no notification.
    use_hook(organise::refresh);
    let notifications = NOTIFICATIONS.read().clone();
    let unread = *UNREAD.read();
    let empty = notifications.is_empty() && INVITATIONS.read().is_empty();
    rsx! {
        Dialog { id: "notification-center", title: "Notifications", onclose: move |_| onclose.call(()),
            div { class: "panel-actions",
                button {
                    class: "button",
                    r#type: "button",
                    disabled: unread == 0,
                    onclick: move |_| {
                        spawn(async move {
                            match run(MarkAllNotificationsRead::build(())).await {
                                Ok(_) => {
                                    for n in NOTIFICATIONS.write().iter_mut() {
                                        n.read = true;
                                    }
                                    *UNREAD.write() = 0;
                                }
                                Err(error) => error_toast(error.message),
                            }
                        });
                    },
                    "Mark all read"
                }
                button {
                    class: "button button-quiet",
                    r#type: "button",
                    disabled: empty,
                    onclick: move |_| {
                        spawn(async move {
                            match run(ClearNotifications::build(())).await {
                                Ok(_) => {
                                    NOTIFICATIONS.write().clear();
                                    *UNREAD.write() = 0;
                                }
                                Err(error) => error_toast(error.message),
                            }
                        });
                    },
                    "Clear all"
                }
            }
            Invitations { onopen: move |_| onclose.call(()) }
            if empty {
                div { class: "empty",
                    p { class: "empty-title", "You're all caught up" }
                    p { "Reminders for tasks with a due date show up here." }
                }
            } else {
                ul { class: "notification-list", "aria-label": "Notifications",
                    for (key, notification) in notifications.into_iter().map(|n| (id_of(&n.id), n)) {
                        NotificationItem { key: "{key}", notification, onopen: move |_| onclose.call(()) }
                    }
                }
            }
        }
    }
}

/// Marks notification `id` read, here and on the server.
pub(super) async fn mark_read(id: String) {
    match run(MarkNotificationRead::build(IdVars { id: Id::new(id) })).await {
        Ok(data) => {
            let updated = data.mark_notification_read;
            let mut list = NOTIFICATIONS.write();
            if let Some(n) = list.iter_mut().find(|n| n.id == updated.id) {
                if !n.read {
                    *UNREAD.write() -= 1;
                }
                *n = updated;
            }
        }
        Err(error) => error_toast(error.message),
    }
}

/// Deletes notification `id`, here and on the server.
async fn delete(id: String) {
    match run(DeleteNotification::build(IdVars {
        id: Id::new(id.clone()),
    }))
    .await
    {
        Ok(_) => {
            let mut list = NOTIFICATIONS.write();
            if let Some(at) = list.iter().position(|n| id_of(&n.id) == id) {
                if !list[at].read {
                    *UNREAD.write() -= 1;
                }
                list.remove(at);
            }
        }
        Err(error) => error_toast(error.message),
    }
}

#[component]
fn NotificationItem(notification: Notification, onopen: EventHandler<()>) -> Element {
    let nav = navigator();
    let id = id_of(&notification.id);
    let when = time::full_text(&user_zone(), &notification.created_at);
    let task_id = notification.task_id.as_ref().map(id_of);
    let read = notification.read;
    let open_id = id.clone();
    let delete_id = id.clone();
    rsx! {
        li { class: if read { "notification" } else { "notification unread" },
            div { class: "notification-text",
                p { class: "notification-title",
                    if !read { span { class: "dot", "aria-hidden": "true" } span { class: "visually-hidden", "Unread: " } }
                    "{notification.title}"
                }
                if let Some(message) = &notification.message { p { class: "muted", "{message}" } }
                if let Some(went) = delivery_summary(&notification.deliveries) { p { class: "deliveries", "{went}" } }
                p { class: "muted small", "{when}" }
            }
            div { class: "notification-actions",
                if let Some(task_id) = task_id {
                    button {
                        class: "button button-small",
                        r#type: "button",
                        onclick: move |_| {
                            let id = open_id.clone();
                            spawn_forever(async move { mark_read(id).await });
                            onopen.call(());
                            nav.push(Route::TaskDetail { id: task_id.clone() });
                        },
                        "Open task"
                    }
                }
                if !read {
                    button {
                        class: "button button-small button-quiet",
                        r#type: "button",
                        onclick: move |_| {
                            let id = id.clone();
                            spawn_forever(async move { mark_read(id).await });
                        },
                        "Mark read"
                    }
                }
                button {
                    class: "button button-small button-quiet",
                    r#type: "button",
                    "aria-label": "Delete “{notification.title}”",
                    onclick: move |_| {
                        let id = delete_id.clone();
                        spawn_forever(async move { delete(id).await });
                    },
                    "Delete"
                }
            }
        }
    }
}

/// Projects shared with the user and not answered yet, each with Accept and Decline.
#[component]
fn Invitations(onopen: EventHandler<()>) -> Element {
    let invitations = INVITATIONS.read().clone();
    if invitations.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "invitations", "aria-labelledby": "invitations-title",
            h3 { id: "invitations-title", "Invitations" }
            ul { class: "notification-list",
                for invitation in invitations {
                    InvitationItem { key: "{invitation.id.inner()}", invitation: invitation.clone(), onopen }
                }
            }
        }
    }
}

#[component]
fn InvitationItem(invitation: Invitation, onopen: EventHandler<()>) -> Element {
    let nav = navigator();
    let mut busy = use_signal(|| false);
    let project = invitation.project.clone();
    let until = time::full_text(&user_zone(), &invitation.expires_at);
    let accept_id = invitation.id.clone();
    let decline_id = invitation.id.clone();
    rsx! {
        li { class: "notification unread",
            div { class: "notification-text",
                p { class: "notification-title",
                    span { class: "dot-color", style: "background: {css_color(project.color.as_deref())}", "aria-hidden": "true" }
                    " {invitation.invited_by.display_name} shared “{project.name}” with you"
                }
                p { class: "muted", "As {invitation.role.label().to_lowercase()}" }
                p { class: "muted small", "Open until {until}" }
            }
            div { class: "notification-actions",
                button {
                    class: "button button-small button-primary",
                    r#type: "button",
                    disabled: busy(),
                    "aria-label": "Accept “{project.name}”",
                    onclick: move |_| {
                        let id = accept_id.clone();
                        busy.set(true);
                        spawn_forever(async move {
                            match run(AcceptInvitation::build(IdVars { id })).await {
                                Ok(data) => {
                                    let joined = data.accept_invitation;
                                    toast(format!("You joined “{}”", joined.name), None, None);
                                    organise::load().await;
                                    nav.push(Route::Tasks { filters: ListFilters { project: id_of(&joined.id), ..ListFilters::default() } });
                                }
                                Err(error) => {
                                    error_toast(format!("Could not accept: {error}"));
                                    organise::refresh();
                                }
                            }
                        });
                        onopen.call(());
                    },
                    "Accept"
                }
                button {
                    class: "button button-small button-quiet",
                    r#type: "button",
                    disabled: busy(),
                    "aria-label": "Decline “{project.name}”",
                    onclick: move |_| {
                        let id = decline_id.clone();
                        busy.set(true);
                        spawn_forever(async move {
                            if let Err(error) = run(DeclineInvitation::build(IdVars { id })).await {
                                error_toast(format!("Could not decline: {error}"));
                            }
                            organise::load().await;
                        });
                    },
                    "Decline"
                }
            }
        }
    }
}
