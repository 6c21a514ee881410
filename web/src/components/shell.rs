//! The signed-in frame: header with the bell and the account menu, the live
//! connection, keyboard shortcuts, toasts, and the new-task dialog.

use dioxus::prelude::*;

use super::notifications::NotificationCenter;
use super::{Dialog, Sidebar, TaskFormDialog, Toasts, focus, js};
use crate::Route;
use crate::api::{PreferencesQuery, QueryBuilder as _, run};
use crate::organise;
use crate::session::{self, SESSION};
use crate::state::{LIVE, Live, NEW_TASK_OPEN, PREFERENCES, RESYNC, RETURN_TO, UNREAD};
use crate::store::use_tasks;

pub fn current_path() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}",
        location.pathname().ok()?,
        location.search().ok()?
    ))
}

#[component]
pub fn Shell() -> Element {
    let nav = navigator();
    let signed_in = SESSION.read().is_some();
    use_effect(move || {
        if SESSION.read().is_none() {
            if RETURN_TO.peek().is_none() {
                *RETURN_TO.write() = current_path();
            }
            nav.replace(Route::SignIn {});
        }
    });
    if !signed_in {
        return rsx! {};
    }
    rsx! { SignedIn {} }
}

#[component]
fn SignedIn() -> Element {
    let mut panel_open = use_signal(|| false);
    let mut shortcuts_open = use_signal(|| false);
    let mut menu_open = use_signal(|| false);
    let nav = navigator();
    // Preferences first: toasts and dates depend on them.
    use_future(|| async {
        if let Ok(data) = run(PreferencesQuery::build(())).await {
            *PREFERENCES.write() = Some(data.preferences);
        }
    });
    let tasks = use_tasks();
    use_future(move || crate::live::stay_connected(tasks));
    let mut drawer_open = use_signal(|| false);
    // Projects, labels and invitations: at once, again when the live connection comes
    // back, and whenever something asks (`organise::refresh`). A newer load replaces
    // an older one still running.
    let _organise = use_resource(|| async {
        let _ = RESYNC.read();
        let _ = organise::STALE.read();
        organise::load().await;
    });
    // `n` opens a new task, `/` goes to search, `?` lists the shortcuts: keys typed
    // into a field stay there.
    use_future(move || async move {
        let mut keys = document::eval(
            r#"document.addEventListener('keydown', e => {
  const t = e.target;
  const typing = t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
  if (typing || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('[role=dialog]')) return;
  if (e.key === 'n' || e.key === '/' || e.key === '?') { e.preventDefault(); dioxus.send(e.key); }
});"#,
        );
        while let Ok(key) = keys.recv::<String>().await {
            match key.as_str() {
                "n" => *NEW_TASK_OPEN.write() = true,
                "/" => {
                    if !matches!(route_now(), Route::Tasks { .. }) {
                        nav.push(Route::default_tasks());
                    }
                    focus("search");
                }
                "?" => shortcuts_open.set(true),
                _ => {}
            }
        }
    });
    let route = use_route::<Route>();
    let on_list = matches!(route, Route::Tasks { .. });
    // A task's page is part of Tasks.
    let on_tasks = on_list || matches!(route, Route::TaskDetail { .. });
    let on_activity = matches!(route, Route::Activity {});
    let on_settings = matches!(route, Route::Settings {});
    let unread = *UNREAD.read();
    let badge = if unread > 99 {
        "99+".to_owned()
    } else {
        unread.to_string()
    };
    let bell_label = match unread {
        0 => "Notifications, none unread".to_owned(),
        1 => "Notifications, 1 unread".to_owned(),
        _ => format!("Notifications, {badge} unread"),
    };
    let user = SESSION.read().clone();
    let name = user
        .as_ref()
        .map(|u| u.display_name.clone())
        .unwrap_or_default();
    let initial = name
        .chars()
        .next()
        .unwrap_or('?')
        .to_uppercase()
        .to_string();
    rsx! {
        a { class: "skip-link", href: "#content", "Skip to content" }
        if on_list {
            a {
                class: "skip-link",
                href: "#task-list",
                // To the row that holds the list's tab stop, so the arrow keys work
                // at once; to the list's place when it has no rows.
                onclick: move |event| {
                    event.prevent_default();
                    js("(document.querySelector('.task-row[tabindex=\"0\"]') || document.getElementById('task-list') || document.getElementById('content'))?.focus()");
                },
                "Skip to the list"
            }
        }
        header { class: "app-header",
            div { class: "header-inner",
                button {
                    class: "icon-button menu-button",
                    r#type: "button",
                    "aria-label": "Projects and labels",
                    "aria-expanded": "{drawer_open}",
                    "aria-controls": "sidebar",
                    onclick: move |_| drawer_open.toggle(),
                    svg { "aria-hidden": "true", width: "20", height: "20", view_box: "0 0 24 24", fill: "none", stroke: "currentColor", stroke_width: "2", stroke_linecap: "round",
                        path { d: "M4 6h16M4 12h16M4 18h16" }
                    }
                }
                Link { class: "brand", to: Route::default_tasks(), span { class: "brand-mark", "aria-hidden": "true", "✓" } span { class: "brand-text", "Todo" } }
                nav { class: "main-nav", "aria-label": "Main",
                    // Tasks is current on any view of the list and on a task's page.
                    NavLink { to: Route::default_tasks(), current: on_tasks, "Tasks" }
                    NavLink { to: Route::Activity {}, current: on_activity, "Activity" }
                    NavLink { to: Route::Settings {}, current: on_settings, "Settings" }
                }
                // `data-live` lets the browser tests wait until the live connection's
                // subscriptions are in place, which nothing on screen shows.
                div { class: "header-actions", "data-live": live_state(*LIVE.read()),
                    if *LIVE.read() == Live::Reconnecting {
                        span { class: "live-status", role: "status", "Reconnecting…" }
                    }
                    button {
                        class: "bell",
                        r#type: "button",
                        "aria-label": "{bell_label}",
                        "aria-expanded": "{panel_open}",
                        "aria-controls": "notification-center",
                        onclick: move |_| panel_open.toggle(),
                        svg { "aria-hidden": "true", width: "20", height: "20", view_box: "0 0 24 24", fill: "none", stroke: "currentColor", stroke_width: "2", stroke_linecap: "round", stroke_linejoin: "round",
                            path { d: "M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" }
                            path { d: "M10.3 21a1.94 1.94 0 0 0 3.4 0" }
                        }
                        if unread > 0 {
                            span { class: "bell-count", "aria-hidden": "true", "{badge}" }
                        }
                    }
                    div { class: "account",
                        button {
                            class: "avatar",
                            r#type: "button",
                            "aria-label": "Account menu for {name}",
                            "aria-expanded": "{menu_open}",
                            "aria-haspopup": "menu",
                            onclick: move |_| menu_open.toggle(),
                            "{initial}"
                        }
                        if menu_open() {
                            div { class: "menu", role: "menu",
                                p { class: "menu-name", "{name}" }
                                button {
                                    class: "menu-item",
                                    role: "menuitem",
                                    r#type: "button",
                                    onclick: move |_| {
                                        menu_open.set(false);
                                        nav.push(Route::Settings {});
                                    },
                                    "Settings"
                                }
                                button {
                                    class: "menu-item",
                                    role: "menuitem",
                                    r#type: "button",
                                    onclick: move |_| {
                                        menu_open.set(false);
                                        *RETURN_TO.write() = None;
                                        spawn(session::sign_out());
                                    },
                                    "Sign out"
                                }
                            }
                        }
                    }
                }
            }
        }
        if panel_open() {
            NotificationCenter { onclose: move |_| panel_open.set(false) }
        }
        div { class: "app-body",
            Sidebar { open: drawer_open }
            main { id: "content", class: "content", tabindex: "-1",
                OfflineNotice {}
                Outlet::<Route> {}
            }
        }
        if shortcuts_open() {
            Shortcuts { onclose: move |_| shortcuts_open.set(false) }
        }
        if *NEW_TASK_OPEN.read() {
            TaskFormDialog { task_id: None, onclose: move |_| *NEW_TASK_OPEN.write() = false }
        }
        Toasts {}
    }
}

/// Says so while the browser is offline: the app (from the service worker's cache)
/// shows what it last saw, and changes wait for the connection.
#[component]
fn OfflineNotice() -> Element {
    let mut online = use_signal(|| web_sys::window().is_none_or(|w| w.navigator().on_line()));
    use_future(move || async move {
        let mut events = document::eval(
            r#"const say = () => dioxus.send(navigator.onLine);
               addEventListener('online', say);
               addEventListener('offline', say);"#,
        );
        while let Ok(now_online) = events.recv::<bool>().await {
            online.set(now_online);
        }
    });
    if online() {
        return rsx! {};
    }
    rsx! {
        p { class: "offline-banner", role: "status",
            "You are offline. This is what the app last saw; changes need a connection."
        }
    }
}

#[component]
fn NavLink(to: Route, current: bool, children: Element) -> Element {
    rsx! {
        Link {
            to,
            class: if current { "active" } else { "" },
            "aria-current": current.then_some("page"),
            {children}
        }
    }
}

/// Every key the app answers to, in words.
const SHORTCUTS: &[(&str, &str)] = &[
    ("n", "New task"),
    ("/", "Search"),
    ("↓ or j", "Next task"),
    ("↑ or k", "Previous task"),
    ("x", "Complete or reopen the task"),
    ("e", "Edit the task"),
    ("Enter", "Open the task"),
    ("Ctrl+Z", "Undo the last completion"),
    ("?", "Show these shortcuts"),
    ("Esc", "Close a dialog"),
];

#[component]
fn Shortcuts(onclose: EventHandler<()>) -> Element {
    rsx! {
        Dialog { id: "shortcuts", title: "Keyboard shortcuts", onclose,
            p { class: "hint", "Keys do nothing while you type in a field." }
            dl { class: "shortcuts",
                for (keys, what) in SHORTCUTS {
                    div { class: "shortcut",
                        dt { kbd { "{keys}" } }
                        dd { "{what}" }
                    }
                }
            }
        }
    }
}

/// The route shown now; the `/` key only needs to know whether it is the list.
fn route_now() -> Route {
    let path = current_path().unwrap_or_default();
    path.parse::<Route>().unwrap_or(Route::default_tasks())
}

fn live_state(live: Live) -> &'static str {
    match live {
        Live::Connecting => "connecting",
        Live::Connected => "connected",
        Live::Reconnecting => "reconnecting",
    }
}
