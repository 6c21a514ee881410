//! The live connection: one `graphql-transport-ws` socket at `/graphql/ws` carrying the
//! user's notifications and task changes into the store. It reconnects with backoff
//! when the server goes away, and every (re)connection triggers a refetch.

use std::future::IntoFuture as _;
use std::pin::pin;
use std::time::Duration;

use dioxus::prelude::*;
use futures_util::StreamExt as _;
use futures_util::future::{Either, select};
use gloo_timers::future::sleep;
use graphql_ws_client::Client;
use ws_stream_wasm::WsMeta;

use crate::api::{
    Notification, NotificationType, NotificationsQuery, NotificationsSubscription,
    QueryBuilder as _, SubscriptionBuilder as _, TaskChangesSubscription, TaskQuery,
    UnreadCountQuery, run,
};
use crate::session;
use crate::state::{
    LIVE, Live, NOTIFICATIONS, PREFERENCES, RESYNC, TASK_CHANGED, ToastAction, UNREAD, toast,
};
use crate::store::{TaskStoreStoreImplExt as _, Tasks};
use crate::time;

const FIRST_RETRY: Duration = Duration::from_millis(500);
/// Quiet time after the last notification before the unread count is asked again.
const COUNT_SETTLE: Duration = Duration::from_millis(500);
const MAX_RETRY: Duration = Duration::from_secs(8);

/// Runs for as long as the signed-in shell is mounted. The server closes the socket
/// when the session token it was opened with expires; it comes back with a renewed one.
pub async fn stay_connected(tasks: Tasks) {
    let mut retry = FIRST_RETRY;
    loop {
        let Some(token) = session::fresh_token().await else {
            return;
        };
        match connect(&token, tasks).await {
            // It was up: start the backoff afresh.
            Ok(()) => retry = FIRST_RETRY,
            Err(_) => retry = (retry * 2).min(MAX_RETRY),
        }
        *LIVE.write() = Live::Reconnecting;
        sleep(retry).await;
    }
}

fn socket_url() -> String {
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let secure = location
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    format!("{}://{host}/graphql/ws", if secure { "wss" } else { "ws" })
}

/// One connection's life; returns `Ok` when an established connection ends.
async fn connect(token: &str, mut tasks: Tasks) -> Result<(), String> {
    let socket = WsMeta::connect(socket_url(), Some(vec!["graphql-transport-ws"]))
        .await
        .map_err(|e| e.to_string())?;
    let connection = graphql_ws_client::ws_stream_wasm::Connection::new(socket).await;
    let (client, actor) = Client::build(connection)
        .payload(serde_json::json!({ "authorization": format!("Bearer {token}") }))
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    wasm_bindgen_futures::spawn_local(actor.into_future());
    let mut notifications = client
        .subscribe(NotificationsSubscription::build(()))
        .await
        .map_err(|e| e.to_string())?;
    let mut changes = client
        .subscribe(TaskChangesSubscription::build(()))
        .await
        .map_err(|e| e.to_string())?;
    *LIVE.write() = Live::Connected;
    resync().await;
    loop {
        match select(pin!(notifications.next()), pin!(changes.next())).await {
            Either::Left((Some(Ok(response)), _)) => {
                if let Some(data) = response.data {
                    receive_notification(data.notifications);
                }
            }
            Either::Right((Some(Ok(response)), _)) => {
                if let Some(data) = response.data {
                    let change = data.task_changes;
                    *TASK_CHANGED.write() =
                        Some((crate::api::id_of(&change.task_id), change.at.clone()));
                    // A subtask's change moves its parent's progress.
                    let parent = change.task.as_ref().and_then(|t| t.parent_id.clone());
                    tasks.apply_change(change);
                    if let Some(parent) = parent {
                        wasm_bindgen_futures::spawn_local(refetch_task(tasks, parent));
                    }
                    // And any change can move a project's open count.
                    crate::organise::refresh();
                }
            }
            Either::Left((Some(Err(_)), _)) | Either::Right((Some(Err(_)), _)) => {}
            Either::Left((None, _)) | Either::Right((None, _)) => return Ok(()),
        }
    }
}

/// Fetches task `id` again into the store.
async fn refetch_task(mut tasks: Tasks, id: crate::api::Id) {
    if let Ok(data) = run(TaskQuery::build(crate::api::IdVars { id })).await
        && let Some(task) = data.task
    {
        tasks.upsert(task);
    }
}

fn receive_notification(notification: Notification) {
    let toasts_on = PREFERENCES
        .peek()
        .as_ref()
        .is_none_or(|p| p.toast_notifications);
    if toasts_on && notification.kind == NotificationType::Reminder {
        let action = notification
            .task_id
            .as_ref()
            .map(|id| ToastAction::Reminder {
                task_id: crate::api::id_of(id),
                notification_id: crate::api::id_of(&notification.id),
            });
        toast(
            notification.title.clone(),
            notification.message.clone(),
            action,
        );
    }
    // An invitation arrives as an action notification: load it so that the center
    // offers Accept and Decline without waiting to be opened.
    if notification.kind == NotificationType::Action {
        crate::organise::refresh();
    }
    let mut list = NOTIFICATIONS.write();
    // A notification the catch-up query already counted can arrive again on the stream.
    let counted = list.iter().any(|n| n.id == notification.id && !n.read);
    if !notification.read && !counted {
        *UNREAD.write() += 1;
    }
    list.retain(|n| n.id != notification.id);
    list.insert(0, notification);
    drop(list);
    settle_count();
}

thread_local! {
    static COUNT_ROUND: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The stream and the catch-up query can overlap by a few notifications, and the center
/// holds only the newest page, so counting locally can drift during a burst. Once the
/// stream has been quiet for a moment, the server's count replaces the local one.
fn settle_count() {
    let round = COUNT_ROUND.with(|r| {
        r.set(r.get() + 1);
        r.get()
    });
    wasm_bindgen_futures::spawn_local(async move {
        sleep(COUNT_SETTLE).await;
        if COUNT_ROUND.with(std::cell::Cell::get) != round {
            return;
        }
        if let Ok(data) = run(UnreadCountQuery::build(())).await
            && COUNT_ROUND.with(std::cell::Cell::get) == round
        {
            *UNREAD.write() = data.unread_notification_count;
        }
    });
}

/// The notification center after a catch-up query: the server's newest page and count,
/// plus what the stream delivered after the query's snapshot (newer than anything in
/// it), which the server's answer cannot include yet.
fn merge_fetched(
    current: &[Notification],
    fetched: Vec<Notification>,
    server_unread: i32,
) -> (Vec<Notification>, i32) {
    let newest = fetched
        .iter()
        .map(|n| time::parse_ms(&n.created_at))
        .fold(f64::NEG_INFINITY, f64::max);
    let later: Vec<Notification> = current
        .iter()
        .filter(|n| time::parse_ms(&n.created_at) > newest && !fetched.iter().any(|f| f.id == n.id))
        .cloned()
        .collect();
    let unread = server_unread + later.iter().filter(|n| !n.read).count() as i32;
    (later.into_iter().chain(fetched).collect(), unread)
}

/// Catches up after (re)connecting: the notification center, and the open pages.
async fn resync() {
    if let Ok(data) = run(NotificationsQuery::build(())).await {
        let fetched = data
            .notifications
            .edges
            .into_iter()
            .map(|e| e.node)
            .collect();
        let (list, unread) = merge_fetched(
            &NOTIFICATIONS.peek(),
            fetched,
            data.unread_notification_count,
        );
        *NOTIFICATIONS.write() = list;
        *UNREAD.write() = unread;
    }
    *RESYNC.write() += 1;
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::api::{DateTime, Id};

    fn note(id: &str, at: &str, read: bool) -> Notification {
        Notification {
            id: Id::new(id),
            kind: NotificationType::Reminder,
            title: format!("Reminder {id}"),
            message: None,
            task_id: None,
            read,
            created_at: DateTime(at.into()),
            deliveries: Vec::new(),
        }
    }

    fn ids(list: &[Notification]) -> Vec<String> {
        list.iter().map(|n| crate::api::id_of(&n.id)).collect()
    }

    #[wasm_bindgen_test]
    fn catch_up_keeps_what_arrived_after_the_snapshot_and_counts_it_once() {
        let fetched = vec![
            note("b", "2027-01-01T10:00:01Z", false),
            note("a", "2027-01-01T10:00:00Z", true),
        ];
        // "b" came on the stream before the answer; "c" after the snapshot; "old" fell off
        // the server's first page.
        let current = vec![
            note("c", "2027-01-01T10:00:02Z", false),
            note("b", "2027-01-01T10:00:01Z", false),
            note("old", "2026-12-31T10:00:00Z", false),
        ];
        let (list, unread) = merge_fetched(&current, fetched, 1);
        assert_eq!(ids(&list), ["c", "b", "a"]);
        assert_eq!(unread, 2);
    }

    #[wasm_bindgen_test]
    fn catch_up_with_nothing_new_is_the_servers_answer() {
        let fetched = vec![note("a", "2027-01-01T10:00:00Z", false)];
        let (list, unread) = merge_fetched(&[], fetched.clone(), 7);
        assert_eq!(list, fetched);
        assert_eq!(unread, 7);
    }
}
