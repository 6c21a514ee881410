//! App-wide state every page reads: preferences, the notification center, toasts, and
//! the live connection's status. The tasks are in `crate::store`, provided as context.

use dioxus::prelude::*;

use crate::api::{DateTime, Notification, Preferences};

pub static PREFERENCES: GlobalSignal<Option<Preferences>> = Signal::global(|| None);
pub static NOTIFICATIONS: GlobalSignal<Vec<Notification>> = Signal::global(Vec::new);
pub static UNREAD: GlobalSignal<i32> = Signal::global(|| 0);
pub static TOASTS: GlobalSignal<Vec<Toast>> = Signal::global(Vec::new);
/// Bumped each time the live connection (re)opens: pages refetch what they show, so
/// nothing that happened while it was away is missed.
pub static RESYNC: GlobalSignal<u64> = Signal::global(|| 0);
pub static LIVE: GlobalSignal<Live> = Signal::global(|| Live::Connecting);
/// The latest task change the live connection delivered: the task's id and when. The
/// detail page waits for its history to include it.
pub static TASK_CHANGED: GlobalSignal<Option<(String, DateTime)>> = Signal::global(|| None);
/// The new-task dialog, opened by the `n` key or the button.
pub static NEW_TASK_OPEN: GlobalSignal<bool> = Signal::global(|| false);
/// The page to return to after signing in.
pub static RETURN_TO: GlobalSignal<Option<String>> = Signal::global(|| None);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Live {
    Connecting,
    Connected,
    Reconnecting,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ToastAction {
    /// Reopens a task just completed.
    Undo(Completed),
    /// A reminder: complete its task, snooze it, or open the task; each marks the
    /// notification read.
    Reminder {
        task_id: String,
        notification_id: String,
    },
}

/// A completion that can be undone: the task, and the next occurrence it created.
#[derive(Debug, Clone, PartialEq)]
pub struct Completed {
    pub task_id: String,
    pub next_id: Option<String>,
}

/// The last completion made here and not undone: what Ctrl+Z (Cmd+Z) undoes.
pub static LAST_COMPLETION: GlobalSignal<Option<Completed>> = Signal::global(|| None);

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub title: String,
    pub body: Option<String>,
    pub error: bool,
    pub action: Option<ToastAction>,
}

/// How many toasts show at once, errors included.
const MAX_TOASTS: usize = 3;

static NEXT_TOAST: GlobalSignal<u64> = Signal::global(|| 1);

pub fn toast(title: impl Into<String>, body: Option<String>, action: Option<ToastAction>) {
    push_toast(title.into(), body, false, action);
}

pub fn error_toast(message: impl Into<String>) {
    push_toast(message.into(), None, true, None);
}

fn push_toast(title: String, body: Option<String>, error: bool, action: Option<ToastAction>) {
    let id = *NEXT_TOAST.peek();
    *NEXT_TOAST.write() = id + 1;
    let mut toasts = TOASTS.write();
    // A calm corner: the oldest make way.
    while toasts.len() >= MAX_TOASTS {
        toasts.remove(0);
    }
    toasts.push(Toast {
        id,
        title,
        body,
        error,
        action,
    });
}

pub fn dismiss_toast(id: u64) {
    TOASTS.write().retain(|t| t.id != id);
}

/// The user's zone: from preferences, else the browser's.
pub fn user_zone() -> String {
    PREFERENCES
        .read()
        .as_ref()
        .map(|p| p.time_zone.clone())
        .unwrap_or_else(crate::time::browser_zone)
}

/// Which catch-up of the live connection a page's load belongs to, or `None` while its
/// first connection is being made. A page waits for that first connection before its
/// first load, so that its query sees everything the subscription will not deliver
/// and one load is enough; without a connection (it failed) it loads at once.
pub fn sync_round() -> Option<u64> {
    let round = *RESYNC.read();
    if round > 0 {
        return Some(round);
    }
    (*LIVE.read() == Live::Reconnecting).then_some(0)
}

/// Bumped when time crosses something the list shows: a task's due minute, or
/// midnight. Views that word time relative to now read it (`now`) to render again.
pub static TICK: GlobalSignal<u64> = Signal::global(|| 0);

/// Now, for a view that words time relative to it: it renders again at each `TICK`.
pub fn now() -> f64 {
    let _ = TICK.read();
    crate::time::now_ms()
}
