//! The notification center's reads, on an account whose notifications came through the
//! real reminder path: tasks due inside the lead window, reminded at once by the
//! server's scheduler, relayed through the outbox and turned into notifications by the
//! consumer. Nothing is inserted behind the server's back.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use chrono::{SecondsFormat, Utc};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::json;
use tokio::task::JoinSet;

use crate::graphql::Api;
use crate::scenario::Operation;

const PREFERENCES: &str = "query { preferences { remindersEnabled reminderMinutesBefore } }";
const ENABLE_REMINDERS: &str =
    "mutation { updatePreferences(input: { remindersEnabled: true }) { remindersEnabled } }";
const CREATE_TASK: &str = "mutation($input: CreateTaskInput!) { \
     createTask(input: $input) { id nextReminderAt } }";
/// What the notification center shows: the edges with what a row displays, the paging
/// and the total.
const LIST_NOTIFICATIONS: &str = "query { notifications(first: 50) { \
     edges { node { id type title message taskId dueAt read createdAt } } \
     pageInfo { hasNextPage endCursor } totalCount } }";
const UNREAD_COUNT: &str = "query { unreadNotificationCount }";

const PAGE_SIZE: usize = 50;
/// The whole path normally takes well under a second per batch; a minute means it is
/// stuck rather than slow.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(100);
/// How far the reminder time reported by `createTask` may lie ahead of the clock here
/// and still count as "at once" (the clocks are the same; this covers the round trip).
const AT_ONCE_SLACK: chrono::Duration = chrono::Duration::seconds(5);

#[derive(Deserialize)]
struct PreferencesData {
    preferences: Preferences,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Preferences {
    reminders_enabled: bool,
    reminder_minutes_before: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTaskData {
    create_task: CreatedTask,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedTask {
    id: String,
    next_reminder_at: Option<chrono::DateTime<Utc>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnreadData {
    unread_notification_count: usize,
}

#[derive(Deserialize)]
struct NotificationsData {
    notifications: Connection,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connection {
    edges: Vec<IgnoredAny>,
    total_count: usize,
}

/// Gives the account `count` unread reminder notifications through the reminder path
/// and waits until all of them are there.
pub async fn seed(api: &Api, count: usize, concurrency: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let preferences: PreferencesData = api
        .call(PREFERENCES, json!({}))
        .await
        .context("reading the preferences")?;
    let preferences = preferences.preferences;
    if !preferences.reminders_enabled {
        api.call::<IgnoredAny>(ENABLE_REMINDERS, json!({}))
            .await
            .context("turning reminders on")?;
    }
    // Due halfway through the user's lead window: inside it, so the reminder fires at
    // once, and far enough ahead that the tasks are not overdue before it does.
    let lead = chrono::Duration::minutes(preferences.reminder_minutes_before.max(1));
    let due_at = (Utc::now() + lead / 2).to_rfc3339_opts(SecondsFormat::Secs, true);

    let mut running = JoinSet::new();
    for worker in 0..concurrency {
        let api = api.clone();
        let due_at = due_at.clone();
        running.spawn(async move {
            for n in (worker..count).step_by(concurrency) {
                let input = json!({
                    "title": format!("Reminded task {n}"),
                    "description": "Created by loadbench for the notification center",
                    "dueAt": due_at,
                });
                let created: CreateTaskData = api
                    .call(CREATE_TASK, json!({ "input": input }))
                    .await
                    .context("creating a task to be reminded of")?;
                check_reminded_at_once(&created.create_task)?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(joined) = running.join_next().await {
        joined.context("seeding worker panicked")??;
    }

    let delivered = wait_for_notifications(api, count).await?;
    println!(
        "seeded {delivered} notifications through the reminder path in {:.1} s \
         ({} min lead time, tasks due in {:.1} min)",
        started.elapsed().as_secs_f64(),
        lead.num_minutes(),
        (lead / 2).num_seconds() as f64 / 60.0,
    );
    Ok(())
}

fn check_reminded_at_once(task: &CreatedTask) -> anyhow::Result<()> {
    match task.next_reminder_at {
        Some(at) if at <= Utc::now() + AT_ONCE_SLACK => Ok(()),
        Some(at) => bail!(
            "task {} is to be reminded at {at}, not at once; the lead time did not apply",
            task.id
        ),
        None => bail!(
            "task {} has no reminder time although it is due inside the lead window",
            task.id
        ),
    }
}

/// Polls the unread count until it reaches `expected`; an error names how far it got.
async fn wait_for_notifications(api: &Api, expected: usize) -> anyhow::Result<usize> {
    let deadline = Instant::now() + DELIVERY_TIMEOUT;
    let mut seen = 0;
    while Instant::now() < deadline {
        let data: UnreadData = api.call(UNREAD_COUNT, json!({})).await?;
        seen = data.unread_notification_count;
        ensure!(
            seen <= expected,
            "the account has {seen} unread notifications for {expected} reminded tasks: \
             some reminder was delivered twice"
        );
        if seen == expected {
            return Ok(seen);
        }
        tokio::time::sleep(POLL).await;
    }
    bail!(
        "after {DELIVERY_TIMEOUT:?} the account has {seen} of {expected} notifications; \
         the reminder path (scheduler, outbox relay, consumer) did not deliver the rest"
    )
}

/// The first page of the notification center.
pub struct ListNotifications {
    api: Api,
    expected_total: usize,
}

impl ListNotifications {
    pub fn new(api: Api, expected_total: usize) -> Self {
        Self {
            api,
            expected_total,
        }
    }
}

impl Operation for ListNotifications {
    async fn call(&mut self) -> anyhow::Result<()> {
        let data: NotificationsData = self.api.call(LIST_NOTIFICATIONS, json!({})).await?;
        let page = &data.notifications;
        ensure!(
            page.edges.len() == PAGE_SIZE.min(self.expected_total),
            "expected {PAGE_SIZE} notifications, got {}",
            page.edges.len()
        );
        ensure!(
            page.total_count == self.expected_total,
            "expected a total of {}, got {}",
            self.expected_total,
            page.total_count
        );
        Ok(())
    }
}

/// The bell's number.
pub struct UnreadCount {
    api: Api,
    expected: usize,
}

impl UnreadCount {
    pub fn new(api: Api, expected: usize) -> Self {
        Self { api, expected }
    }
}

impl Operation for UnreadCount {
    async fn call(&mut self) -> anyhow::Result<()> {
        let data: UnreadData = self.api.call(UNREAD_COUNT, json!({})).await?;
        ensure!(
            data.unread_notification_count == self.expected,
            "expected {} unread, got {}",
            self.expected,
            data.unread_notification_count
        );
        Ok(())
    }
}
