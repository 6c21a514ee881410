//! Reminders by Web Push and email (issue 29), against real receivers: a push service
//! that checks VAPID and decrypts each message with the device's keys, and an SMTP
//! server whose messages are read as a mail client reads them.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field, eventually, spawn_app, spawn_app_tuned};
use crate::receivers::{Device, Receivers};

/// Retries back off from 5 s, so a test that waits for one retry waits this long.
const DELIVERED: Duration = Duration::from_secs(40);

async fn app_with_mail(receivers: &Receivers) -> TestApp {
    let smtp = format!("smtp://{}", receivers.smtp);
    spawn_app_tuned(|settings| {
        settings.delivery.smtp_url = Some(smtp.into());
    })
    .await
}

async fn preferences(app: &TestApp, token: &str, input: Value) -> Value {
    app.ok(
        Some(token),
        "mutation($input: PreferencesInput!) { updatePreferences(input: $input) {
            pushReminders emailReminders pushAvailable emailAvailable timeZone } }",
        json!({ "input": input }),
    )
    .await["updatePreferences"]
        .clone()
}

async fn register_device(app: &TestApp, token: &str, device: &Device, name: &str) -> Value {
    app.ok(
        Some(token),
        "mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) {
            id deviceName endpoint createdAt lastSuccessAt } }",
        json!({ "input": {
            "endpoint": device.endpoint, "p256dh": device.p256dh, "auth": device.auth,
            "deviceName": name,
        } }),
    )
    .await["registerPushSubscription"]
        .clone()
}

/// A task whose reminder is due at once (due in 10 minutes, reminded 15 before).
async fn task_due_soon(app: &TestApp, token: &str, title: &str) -> Value {
    app.create_task(
        token,
        json!({ "title": title, "dueAt": (chrono::Utc::now() + chrono::Duration::minutes(10)).to_rfc3339() }),
    )
    .await
}

/// The deliveries of the user's first notification, once `done` says they are settled.
async fn deliveries_when(
    app: &TestApp,
    token: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    eventually(DELIVERED, || async {
        let page = app
            .ok(
                Some(token),
                "{ notifications(first: 5) { edges { node { id deliveries { channel status attempts lastError at } } } } }",
                json!({}),
            )
            .await;
        let deliveries = page["notifications"]["edges"][0]["node"]["deliveries"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        done(&deliveries).then_some(deliveries)
    })
    .await
}

fn settled(deliveries: &[Value], count: usize) -> bool {
    deliveries.len() == count && deliveries.iter().all(|d| d["status"] != "PENDING")
}

/// The path of an action link: the server's public URL in the tests is not its address.
fn path_of(url: &Value) -> String {
    let url = url.as_str().unwrap();
    let start = url
        .find("/actions/")
        .unwrap_or_else(|| panic!("not an action link: {url}"));
    url[start..].to_owned()
}

#[tokio::test]
async fn a_reminder_reaches_every_device_encrypted_and_signed_and_its_buttons_act() {
    let receivers = Receivers::start().await;
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let key = app.ok(Some(&token), "{ pushPublicKey }", json!({})).await["pushPublicKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let laptop = receivers.device("laptop").await;
    let phone = receivers.device("phone").await;
    register_device(&app, &token, &laptop, "Laptop").await;
    register_device(&app, &token, &phone, "Phone").await;
    // Registering the same browser again updates it rather than adding a device.
    let renamed = register_device(&app, &token, &phone, "My phone").await;
    assert_eq!(renamed["deviceName"], "My phone");
    let devices = app
        .ok(
            Some(&token),
            "{ me { pushSubscriptions { id deviceName } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        devices["me"]["pushSubscriptions"].as_array().unwrap().len(),
        2
    );

    // Push is off until the user turns it on: a reminder now goes nowhere but the app.
    let quiet = task_due_soon(&app, &token, "Before push was on").await;
    eventually(DELIVERED, || async {
        let count = app
            .ok(Some(&token), "{ notifications { totalCount } }", json!({}))
            .await["notifications"]["totalCount"]
            .as_u64();
        (count == Some(1)).then_some(())
    })
    .await;
    let on = preferences(&app, &token, json!({ "pushReminders": true })).await;
    assert_eq!(on["pushReminders"], true);
    assert_eq!(on["pushAvailable"], true);
    assert_eq!(on["emailAvailable"], false, "no SMTP server is configured");

    let task = task_due_soon(&app, &token, "Water the plants").await;
    let deliveries = deliveries_when(&app, &token, |d| settled(d, 2)).await;
    for delivery in &deliveries {
        assert_eq!(delivery["channel"], "PUSH");
        assert_eq!(delivery["status"], "SENT", "{delivery}");
        assert_eq!(delivery["attempts"], 1);
    }
    let pushes = receivers.pushes().await;
    assert_eq!(
        pushes.len(),
        2,
        "one push per device, none for the earlier task: {pushes:?}"
    );
    for push in &pushes {
        assert_eq!(push["status"], 201, "{push}");
        // The receiver verified the JWT with `k`; `k` must be the key browsers subscribed with.
        assert_eq!(push["vapidKey"], key.as_str());
        assert_eq!(push["claims"]["aud"], receivers.http.as_str());
        assert_eq!(push["claims"]["sub"], "mailto:ops@example.com");
        assert_eq!(push["urgency"], "high");
        assert_eq!(push["ttl"], "86400");
        assert_eq!(push["topic"].as_str().unwrap().len(), 32);
        let message = &push["message"];
        assert_eq!(message["title"], "Water the plants");
        assert_eq!(message["taskId"], task["id"]);
        assert!(
            message["body"].as_str().unwrap().starts_with("Due "),
            "{message}"
        );
        assert_ne!(message["taskId"], quiet["id"]);
    }
    let devices = app
        .ok(
            Some(&token),
            "{ me { pushSubscriptions { lastSuccessAt } } }",
            json!({}),
        )
        .await;
    for device in devices["me"]["pushSubscriptions"].as_array().unwrap() {
        assert!(device["lastSuccessAt"].is_string(), "{device}");
    }

    // The notification's Snooze button: opening the link shows a page and changes
    // nothing (mail scanners open links); the page's POST acts, once.
    let message = &pushes[0]["message"];
    let snooze = path_of(&message["snoozeUrl"]);
    let page = app.client.get(app.url(&snooze)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Snooze “Water the plants”?") && html.contains("<form method=\"post\">"),
        "{html}"
    );
    let snoozed = || async {
        app.ok(
            Some(&token),
            "query($id: ID!) { task(id: $id) { snoozedUntil completed } }",
            json!({ "id": task["id"] }),
        )
        .await["task"]
            .clone()
    };
    assert!(
        snoozed().await["snoozedUntil"].is_null(),
        "GET must not act"
    );
    let acted = app.client.post(app.url(&snooze)).send().await.unwrap();
    assert_eq!(acted.status(), 200);
    assert!(acted.text().await.unwrap().contains("Reminder snoozed"));
    assert!(snoozed().await["snoozedUntil"].is_string());
    let again = app.client.post(app.url(&snooze)).send().await.unwrap();
    assert_eq!(again.status(), 404, "a link works once");

    // The other device's Complete button completes the task without the app.
    let complete = path_of(&pushes[1]["message"]["completeUrl"]);
    let done = app.client.post(app.url(&complete)).send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert_eq!(snoozed().await["completed"], true);
    let history = app
        .ok(Some(&token), "query($id: ID!) { task(id: $id) { history(first: 1) { edges { node { action source } } } } }", json!({ "id": task["id"] }))
        .await;
    assert_eq!(
        history["task"]["history"]["edges"][0]["node"]["source"],
        "REMINDER"
    );
    // Its Snooze, pressed after the task was done, says there is nothing to do.
    let late = path_of(&pushes[1]["message"]["snoozeUrl"]);
    let response = app.client.post(app.url(&late)).send().await.unwrap();
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("the task is done"));
}

#[tokio::test]
async fn push_service_faults_are_retried_recorded_or_clean_up_the_device() {
    let receivers = Receivers::start().await;
    let app = spawn_app().await;
    let token = app.register("grace@example.com").await;
    preferences(&app, &token, json!({ "pushReminders": true })).await;
    for name in ["flaky", "gone", "refused"] {
        let device = receivers.device(name).await;
        register_device(&app, &token, &device, name).await;
    }
    // Down once (503 asking for a retry in 1 s), then back; gone for good; a 400.
    receivers
        .answer_push("flaky", 503, 1, json!({ "Retry-After": "1" }))
        .await;
    receivers.answer_push("gone", 410, 1, json!({})).await;
    receivers.answer_push("refused", 400, 1, json!({})).await;

    task_due_soon(&app, &token, "Call the bank").await;
    let deliveries = deliveries_when(&app, &token, |d| settled(d, 3)).await;
    let mut outcomes: Vec<(String, i64, String)> = deliveries
        .iter()
        .map(|d| {
            (
                d["status"].as_str().unwrap().to_owned(),
                d["attempts"].as_i64().unwrap(),
                d["lastError"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    outcomes.sort();
    assert_eq!(
        outcomes,
        [
            (
                "FAILED".into(),
                1,
                "push service answered 400 Bad Request".into()
            ),
            ("GONE".into(), 1, "push service answered 410 Gone".into()),
            ("SENT".into(), 2, String::new()),
        ]
    );
    let pushes = receivers.pushes().await;
    let delivered: Vec<&Value> = pushes
        .iter()
        .filter(|p| p["device"] == "flaky" && p["status"] == 201)
        .collect();
    assert_eq!(
        delivered.len(),
        1,
        "delivered once after the retry: {pushes:?}"
    );
    let devices = app
        .ok(
            Some(&token),
            "{ me { pushSubscriptions { deviceName } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = devices["me"]["pushSubscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deviceName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["flaky", "refused"],
        "a 410 removes the subscription"
    );
}

#[tokio::test]
async fn reminder_emails_carry_both_parts_the_local_time_and_links_that_act_once() {
    let receivers = Receivers::start().await;
    let app = app_with_mail(&receivers).await;
    let token = app.register("lin@example.com").await;
    let prefs = preferences(
        &app,
        &token,
        json!({ "emailReminders": true, "timeZone": "Asia/Tokyo" }),
    )
    .await;
    assert_eq!(prefs["emailAvailable"], true);
    // The mail server refuses the first try (a temporary 451): recorded, retried.
    receivers.refuse_mail("451 4.3.0 Try again later", 1).await;

    let due = chrono::Utc::now() + chrono::Duration::minutes(10);
    let task = app
        .create_task(
            &token,
            json!({ "title": "Pay <rent> & bills", "dueAt": due.to_rfc3339() }),
        )
        .await;
    let deliveries = deliveries_when(&app, &token, |d| settled(d, 1)).await;
    assert_eq!(deliveries[0]["channel"], "EMAIL");
    assert_eq!(deliveries[0]["status"], "SENT", "{deliveries:?}");
    assert_eq!(deliveries[0]["attempts"], 2);
    let mails = receivers.mails().await;
    assert_eq!(mails.len(), 1, "one email for the reminder: {mails:?}");
    let mail = &mails[0];
    assert_eq!(mail["envelopeTo"], json!(["lin@example.com"]));
    assert_eq!(mail["subject"], "Reminder: Pay <rent> & bills");
    assert_eq!(mail["from"], "Todo <todo@example.com>");
    assert_eq!(mail["contentType"], "multipart/alternative");
    assert_eq!(mail["listUnsubscribePost"], "List-Unsubscribe=One-Click");
    assert!(mail["messageId"].as_str().unwrap().starts_with('<'));
    let local = due
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .format("%a %-d %b %Y, %H:%M (Asia/Tokyo)")
        .to_string();
    let text = mail["text"].as_str().unwrap();
    let html = mail["html"].as_str().unwrap();
    assert!(text.contains(&format!("Due {local}")), "{text}");
    assert!(html.contains(&format!("Due {local}")), "{html}");
    assert!(
        html.contains("Pay &lt;rent&gt; &amp; bills"),
        "the title is escaped: {html}"
    );

    // Links: the text part names them; opening one acts on nothing.
    let link = |label: &str| {
        let line = text
            .lines()
            .find(|line| line.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} link in {text}"));
        path_of(&json!(line[label.len()..].trim()))
    };
    let complete = link("Complete:");
    assert_eq!(
        app.client
            .get(app.url(&complete))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let completed = || async {
        app.ok(
            Some(&token),
            "query($id: ID!) { task(id: $id) { completed } }",
            json!({ "id": task["id"] }),
        )
        .await["task"]["completed"]
            .clone()
    };
    assert_eq!(completed().await, false, "opening the link changes nothing");
    assert_eq!(
        app.client
            .post(app.url(&complete))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(completed().await, true);
    assert_eq!(
        app.client
            .post(app.url(&complete))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.client
            .get(app.url("/actions/not-a-token"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // One-click unsubscribe (RFC 8058): a POST to the List-Unsubscribe URL.
    let header = mail["listUnsubscribe"].as_str().unwrap();
    let unsubscribe = path_of(&json!(header.trim_matches(['<', '>'])));
    let response = app
        .client
        .post(app.url(&unsubscribe))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let prefs = app
        .ok(
            Some(&token),
            "{ preferences { emailReminders } }",
            json!({}),
        )
        .await;
    assert_eq!(prefs["preferences"]["emailReminders"], false);
}

#[tokio::test]
async fn a_snoozed_reminder_fires_again_on_every_channel() {
    let receivers = Receivers::start().await;
    let app = spawn_app().await;
    let token = app.register("kay@example.com").await;
    preferences(&app, &token, json!({ "pushReminders": true })).await;
    let device = receivers.device("tablet").await;
    register_device(&app, &token, &device, "Tablet").await;
    let task = task_due_soon(&app, &token, "Stretch").await;
    deliveries_when(&app, &token, |d| settled(d, 1)).await;
    let first = app
        .ok(
            Some(&token),
            "{ notifications(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let notification = first["notifications"]["edges"][0]["node"]["id"].clone();
    app.ok(
        Some(&token),
        "mutation($id: ID!) { markNotificationRead(id: $id) { id } }",
        json!({ "id": notification }),
    )
    .await;

    let until = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let snoozed = app
        .ok(
            Some(&token),
            "mutation($id: ID!, $until: DateTime) { snoozeTask(id: $id, until: $until) { snoozedUntil nextReminderAt } }",
            json!({ "id": task["id"], "until": until }),
        )
        .await;
    assert_eq!(
        snoozed["snoozeTask"]["snoozedUntil"],
        snoozed["snoozeTask"]["nextReminderAt"]
    );
    // It fires again: the same notification comes back unread, and the device is
    // pushed a second time.
    let deliveries = deliveries_when(&app, &token, |d| settled(d, 2)).await;
    assert!(deliveries.iter().all(|d| d["status"] == "SENT"));
    let counts = app
        .ok(
            Some(&token),
            "{ unreadNotificationCount notifications { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(counts["unreadNotificationCount"], 1, "{counts}");
    assert_eq!(counts["notifications"]["totalCount"], 1);
    let task_now = app
        .ok(
            Some(&token),
            "query($id: ID!) { task(id: $id) { snoozedUntil nextReminderAt } }",
            json!({ "id": task["id"] }),
        )
        .await;
    assert!(
        task_now["task"]["snoozedUntil"].is_null(),
        "the snooze ended when it fired"
    );
    assert!(task_now["task"]["nextReminderAt"].is_null());

    // Bad snoozes change nothing and name their field.
    let both = app
        .graphql(Some(&token), "mutation($id: ID!) { snoozeTask(id: $id, minutes: 5, until: \"2100-01-01T00:00:00Z\") { id } }", json!({ "id": task["id"] }))
        .await;
    assert_eq!(error_code(&both), "BAD_USER_INPUT");
    assert_eq!(error_field(&both), "minutes");
    let undated = app.create_task(&token, json!({ "title": "Someday" })).await;
    let no_due = app
        .graphql(
            Some(&token),
            "mutation($id: ID!) { snoozeTask(id: $id, minutes: 15) { id } }",
            json!({ "id": undated["id"] }),
        )
        .await;
    assert_eq!(error_code(&no_due), "BAD_USER_INPUT");
}

#[tokio::test]
async fn notifications_can_be_deleted_and_devices_removed_by_their_owner_only() {
    let app = spawn_app().await;
    let ada = app.register("ada@example.com").await;
    let eve = app.register("eve@example.com").await;
    task_due_soon(&app, &ada, "Mine").await;
    let id = eventually(DELIVERED, || async {
        let page = app
            .ok(
                Some(&ada),
                "{ notifications(first: 1) { edges { node { id } } } }",
                json!({}),
            )
            .await;
        page["notifications"]["edges"][0]["node"]["id"]
            .as_str()
            .map(str::to_owned)
    })
    .await;
    let delete = "mutation($id: ID!) { deleteNotification(id: $id) }";
    let stranger = app.graphql(Some(&eve), delete, json!({ "id": id })).await;
    assert_eq!(error_code(&stranger), "NOT_FOUND");
    assert_eq!(
        app.ok(Some(&ada), delete, json!({ "id": id })).await["deleteNotification"],
        true
    );
    let gone = app.graphql(Some(&ada), delete, json!({ "id": id })).await;
    assert_eq!(error_code(&gone), "NOT_FOUND");
    assert_eq!(
        app.ok(Some(&ada), "{ notifications { totalCount } }", json!({}))
            .await["notifications"]["totalCount"],
        0
    );

    // Subscriptions: an https endpoint and browser-sized keys, removable by their owner.
    let bad = app
        .graphql(
            Some(&ada),
            "mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { id } }",
            json!({ "input": { "endpoint": "http://push.example.net/x", "p256dh": "AA", "auth": "AA", "deviceName": "x" } }),
        )
        .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    assert_eq!(error_field(&bad), "input.endpoint");
    let device = Device {
        endpoint: "https://push.example.net/send/abc".into(),
        p256dh: base64_url(&[[4u8].as_slice(), &[7; 64]].concat()),
        auth: base64_url(&[9; 16]),
    };
    let registered = register_device(&app, &ada, &device, "Phone").await;
    let remove = "mutation($id: ID!) { removePushSubscription(id: $id) }";
    let stranger = app
        .graphql(Some(&eve), remove, json!({ "id": registered["id"] }))
        .await;
    assert_eq!(error_code(&stranger), "NOT_FOUND");
    assert_eq!(
        app.ok(Some(&ada), remove, json!({ "id": registered["id"] }))
            .await["removePushSubscription"],
        true
    );
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A zone where it is around noon now, so "today" and "overdue" cannot straddle
/// midnight while the test runs.
fn zone_near_noon() -> (String, chrono_tz::Tz) {
    use chrono::Timelike as _;
    let offset = 12 - i32::try_from(chrono::Utc::now().hour()).unwrap();
    let offset = if offset > 12 { offset - 24 } else { offset };
    // POSIX signs: Etc/GMT-3 is three hours ahead of UTC.
    let name = match offset {
        0 => "Etc/GMT".to_owned(),
        ahead if ahead > 0 => format!("Etc/GMT-{ahead}"),
        behind => format!("Etc/GMT+{}", -behind),
    };
    let zone = name.parse().unwrap();
    (name, zone)
}

#[tokio::test]
async fn the_daily_digest_lists_today_and_overdue_once_at_the_local_time() {
    let receivers = Receivers::start().await;
    let app = app_with_mail(&receivers).await;
    let token = app.register("ren@example.com").await;
    let (zone_name, zone) = zone_near_noon();
    preferences(&app, &token, json!({ "timeZone": zone_name })).await;
    let now = chrono::Utc::now();
    let hours = |h: i64| (now + chrono::Duration::hours(h)).to_rfc3339();
    for (title, due) in [
        ("Overdue report", hours(-3)),
        ("Lunch with Sam", hours(1)),
        ("Tomorrow's call", hours(30)),
        ("Already done", hours(2)),
    ] {
        let task = app
            .create_task(&token, json!({ "title": title, "dueAt": due }))
            .await;
        if title == "Already done" {
            app.complete_task(&token, task["id"].as_str().unwrap())
                .await;
        }
    }
    // Reminders by email are off: only the digest is mailed.
    let at = (now - chrono::Duration::minutes(1))
        .with_timezone(&zone)
        .format("%H:%M")
        .to_string();
    let set = preferences(&app, &token, json!({ "dailyDigestAt": at })).await;
    assert_eq!(set["emailReminders"], false);
    let mails = eventually(DELIVERED, || async {
        let mails = receivers.mails().await;
        (!mails.is_empty()).then_some(mails)
    })
    .await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    let day = now.with_timezone(&zone).format("%a %-d %b").to_string();
    assert_eq!(mail["subject"], format!("Today, {day}: 1 due, 1 overdue"));
    let text = mail["text"].as_str().unwrap();
    let overdue = text.find("Overdue report").expect("overdue listed");
    let today = text.find("Lunch with Sam").expect("today listed");
    assert!(overdue < today, "earliest first: {text}");
    assert!(text.contains("(Overdue since "), "{text}");
    assert!(
        !text.contains("Tomorrow's call") && !text.contains("Already done"),
        "{text}"
    );
    assert!(
        mail["listUnsubscribe"]
            .as_str()
            .unwrap()
            .contains("/actions/")
    );

    let read = app
        .ok(Some(&token), "{ preferences { dailyDigestAt } }", json!({}))
        .await;
    assert_eq!(read["preferences"]["dailyDigestAt"], at.as_str());
    let off = app
        .ok(
            Some(&token),
            "mutation { updatePreferences(input: { dailyDigestAt: null }) { dailyDigestAt } }",
            json!({}),
        )
        .await;
    assert!(off["updatePreferences"]["dailyDigestAt"].is_null());
    let bad = app
        .graphql(
            Some(&token),
            "mutation { updatePreferences(input: { dailyDigestAt: \"7pm\" }) { dailyDigestAt } }",
            json!({}),
        )
        .await;
    assert_eq!(error_field(&bad), "input.dailyDigestAt");
}

/// The server is killed (SIGKILL) while a push is in flight: after restart the delivery
/// is claimed again when its lease ends and sent once more with the same identity (the
/// RFC 8030 `Topic`, the notification's tag), so the device shows it once; nothing is
/// lost and no second delivery is queued.
#[tokio::test]
async fn a_push_in_flight_when_the_server_is_killed_is_sent_again_as_the_same_message() {
    use crate::server_process::{ServerProcess, graphql, register};
    let receivers = Receivers::start().await;
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = crate::helpers::fresh_database_url(&data_dir).await;
    let env = [
        ("TODO_PUSH_ALLOW_LOOPBACK_HTTP", "true"),
        ("TODO_DELIVERY_LEASE_SECONDS", "2"),
        ("TODO_SHUTDOWN_DRAIN_SECONDS", "0"),
    ];
    let server = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        &env,
        std::process::Stdio::inherit(),
    )
    .await;
    let token = register(&server.base).await;
    turn_push_on_at(&server.base, &token).await;
    let device = receivers.device("slow").await;
    register_device_at(&server.base, &token, &device, "Slow").await;
    // The push service takes the message and is slow to answer: the kill lands between.
    receivers.answer_push_slowly("slow", 30).await;
    let due = (chrono::Utc::now() + chrono::Duration::minutes(10)).to_rfc3339();
    graphql(
        &server.base,
        Some(&token),
        "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
        json!({ "input": { "title": "Feed the cat", "dueAt": due } }),
    )
    .await;
    eventually(DELIVERED, || async {
        (!receivers.pushes().await.is_empty()).then_some(())
    })
    .await;
    server.signal("-KILL");
    drop(server);

    let server = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        &env,
        std::process::Stdio::inherit(),
    )
    .await;
    let query =
        "{ notifications(first: 1) { edges { node { deliveries { channel status attempts } } } } }";
    let deliveries = eventually(DELIVERED, || async {
        let page = graphql(&server.base, Some(&token), query, json!({})).await;
        let deliveries = page["notifications"]["edges"][0]["node"]["deliveries"].clone();
        (deliveries[0]["status"] == "SENT").then_some(deliveries)
    })
    .await;
    assert_eq!(
        deliveries,
        json!([{ "channel": "PUSH", "status": "SENT", "attempts": 2 }]),
        "one delivery, attempted twice"
    );
    let pushes = receivers.pushes().await;
    assert_eq!(pushes.len(), 2, "{pushes:?}");
    assert_eq!(pushes[0]["topic"], pushes[1]["topic"], "the same message");
    assert_eq!(pushes[1]["status"], 201);
    assert_eq!(pushes[1]["message"]["title"], "Feed the cat");
    let tag = &pushes[1]["message"]["tag"];
    assert!(tag.as_str().unwrap().starts_with("reminder:"), "{tag}");
}

/// Two replicas on one PostgreSQL database share the deliveries: each push goes out
/// exactly once, whichever replica consumed the event or claimed the delivery.
#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn two_replicas_send_each_push_exactly_once() {
    use crate::server_process::{ServerProcess, graphql, register};
    crate::helpers::assert_postgres();
    let receivers = Receivers::start().await;
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = crate::helpers::fresh_database_url(&data_dir).await;
    // One data directory: the second replica reads the VAPID key the first generated.
    let env = [("TODO_PUSH_ALLOW_LOOPBACK_HTTP", "true")];
    let a = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        &env,
        std::process::Stdio::inherit(),
    )
    .await;
    let b = ServerProcess::start_with(
        &database_url,
        data_dir.path(),
        &env,
        std::process::Stdio::inherit(),
    )
    .await;
    let token = register(&a.base).await;
    turn_push_on_at(&b.base, &token).await;
    for name in ["one", "two"] {
        let device = receivers.device(name).await;
        register_device_at(&a.base, &token, &device, name).await;
    }
    const TASKS: usize = 40;
    let due = (chrono::Utc::now() + chrono::Duration::minutes(10)).to_rfc3339();
    for i in 0..TASKS {
        // Half through each replica.
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        graphql(
            base,
            Some(&token),
            "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
            json!({ "input": { "title": format!("task {i}"), "dueAt": due } }),
        )
        .await;
    }
    eventually(DELIVERED, || async {
        let pushes = receivers.pushes().await;
        (pushes.iter().filter(|p| p["status"] == 201).count() >= 2 * TASKS).then_some(())
    })
    .await;
    // A moment more, for a duplicate to show up if there were one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pushes = receivers.pushes().await;
    let topics: std::collections::HashSet<String> = pushes
        .iter()
        .map(|p| p["topic"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pushes.len(), 2 * TASKS, "each push exactly once");
    assert_eq!(topics.len(), 2 * TASKS);
    assert!(
        pushes
            .iter()
            .all(|p| p["status"] == 201 && p["claims"]["aud"] == receivers.http.as_str())
    );
}

/// Turns Web Push on for the account, on a server process.
async fn turn_push_on_at(base: &str, token: &str) {
    crate::server_process::graphql(
        base,
        Some(token),
        "mutation { updatePreferences(input: { pushReminders: true }) { pushReminders } }",
        json!({}),
    )
    .await;
}

/// Registers a test push service's device for the account, on a server process.
async fn register_device_at(base: &str, token: &str, device: &Device, name: &str) {
    crate::server_process::graphql(
        base,
        Some(token),
        "mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { id } }",
        json!({ "input": { "endpoint": device.endpoint, "p256dh": device.p256dh, "auth": device.auth, "deviceName": name } }),
    )
    .await;
}
