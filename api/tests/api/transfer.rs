//! `GET /export` and `POST /import`: our JSON round-trips into another account without
//! loss; Todoist's CSV and iCalendar VTODOs come in with their subtasks, labels and
//! dates; a bad row refuses the whole file, naming its line and field.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn export(app: &TestApp, token: &str, format: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(&format!("/export?format={format}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// The exported document, and the same without its timestamp (for comparing two).
async fn export_json(app: &TestApp, token: &str) -> (Value, Value) {
    let response = export(app, token, "json").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"tasks-"),
    );
    let document: Value = response.json().await.unwrap();
    let mut timeless = document.clone();
    timeless.as_object_mut().unwrap().remove("exportedAt");
    (document, timeless)
}

async fn import(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/import"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

const TITLES: &str = "{ tasks(first: 50) { edges { node { \
    title priority dueAt allDay completed timeZone labels { name } project { name } \
    recurrence { rrule mode } subtasks { title completed } } } } }";

async fn tasks(app: &TestApp, token: &str) -> Vec<Value> {
    let data = app.ok(Some(token), TITLES, json!({})).await;
    let mut tasks: Vec<Value> = data["tasks"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"].clone())
        .collect();
    tasks.sort_by_key(|task| task["title"].as_str().unwrap().to_owned());
    tasks
}

#[tokio::test]
async fn an_export_imports_into_another_account_without_loss() {
    let app = spawn_app().await;
    let ada = app.register("ada@example.com").await;
    app.ok(
        Some(&ada),
        "mutation { updatePreferences(input: { timeZone: \"Europe/Berlin\", \
         reminderMinutesBefore: 30, dailyDigestAt: \"07:15\", allDayReminderTime: \"08:00\" }) { timeZone } }",
        json!({}),
    )
    .await;
    let work = app
        .ok(
            Some(&ada),
            "mutation { createProject(input: { name: \"Work\", color: \"#3b82f6\" }) { id } }",
            json!({}),
        )
        .await["createProject"]["id"]
        .clone();
    let old = app
        .ok(
            Some(&ada),
            "mutation { createProject(input: { name: \"Old\" }) { id } }",
            json!({}),
        )
        .await["createProject"]["id"]
        .clone();
    let home = app
        .ok(
            Some(&ada),
            "mutation { createLabel(input: { name: \"home\", color: \"#22c55e\" }) { id } }",
            json!({}),
        )
        .await["createLabel"]["id"]
        .clone();
    let report = app
        .create_task(
            &ada,
            json!({ "title": "Weekly report", "projectId": work, "priority": "HIGH",
                    "description": "Numbers\nand words", "dueAt": "2030-01-07T09:00:00+01:00",
                    "recurrence": { "rrule": "FREQ=WEEKLY;COUNT=10" }, "remindBeforeMinutes": 60 }),
        )
        .await;
    let next = app
        .complete_task(&ada, report["id"].as_str().unwrap())
        .await;
    app.create_task(
        &ada,
        json!({ "title": "Checklist", "parentId": next["nextOccurrence"]["id"] }),
    )
    .await;
    app.create_task(
        &ada,
        json!({ "title": "Birthday", "dueAt": "2030-06-03T00:00:00+02:00", "allDay": true,
                "labelIds": [home], "recurrence": { "preset": "YEARLY" } }),
    )
    .await;
    app.create_task(&ada, json!({ "title": "Archived idea", "projectId": old }))
        .await;
    app.ok(
        Some(&ada),
        "mutation($id: ID!) { updateProject(id: $id, input: { archived: true }) { id } }",
        json!({ "id": old }),
    )
    .await;

    let (document, exported) = export_json(&app, &ada).await;
    assert_eq!(exported["format"], "todo-app-export");
    assert_eq!(exported["version"], 1);
    assert_eq!(
        exported["tasks"].as_array().unwrap().len(),
        4,
        "{exported:#}"
    );

    let bob = app.register("bob@example.com").await;
    let (status, answer) = import(&app, &bob, "application/json", document.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer, json!({ "imported": 5, "skipped": [] }));
    let (_, reimported) = export_json(&app, &bob).await;
    assert_eq!(reimported, exported, "the round trip loses nothing");
}

const TODOIST: &str = "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE,DURATION,DURATION_UNIT
section,Groceries,,,,,,,,,,
task,Buy milk @errands @shop,Oat if they have it,4,1,Ada (1),,tomorrow,en,Europe/Berlin,,
task,Check the fridge first,,1,2,Ada (1),,,,,,
note,Remember the bags,,,,,,,,,,
task,Water plants @home,,3,1,Ada (1),,every 3 days at 8am,en,Europe/Berlin,,
";

#[tokio::test]
async fn todoist_csv_comes_in_with_subtasks_labels_and_dates_and_a_bad_row_refuses_the_file() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let (status, answer) = import(&app, &token, "text/csv; charset=utf-8", TODOIST).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["imported"], 3);
    assert_eq!(
        answer["skipped"],
        json!([
            { "line": 2, "reason": "sections are not imported; their tasks are" },
            { "line": 5, "reason": "comments are not imported" }
        ])
    );
    let imported = tasks(&app, &token).await;
    let [milk, plants] = imported.as_slice() else {
        panic!("two top-level tasks: {imported:#?}");
    };
    assert_eq!(milk["title"], "Buy milk");
    assert_eq!(milk["priority"], "URGENT");
    assert_eq!(milk["allDay"], true);
    assert_eq!(
        milk["labels"],
        json!([{ "name": "errands" }, { "name": "shop" }])
    );
    assert_eq!(
        milk["subtasks"],
        json!([{ "title": "Check the fridge first", "completed": false }])
    );
    assert_eq!(plants["priority"], "HIGH");
    assert_eq!(plants["recurrence"]["rrule"], "FREQ=DAILY;INTERVAL=3");
    assert_eq!(plants["timeZone"], "Europe/Berlin");

    let broken = format!("{TODOIST}task,Feed the cat,,2,1,Ada (1),,when the moon is full,en,,,\n");
    let (status, answer) = import(&app, &token, "text/csv", broken).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let extensions = &answer["errors"][0]["extensions"];
    assert_eq!(extensions["code"], "BAD_USER_INPUT");
    assert_eq!(extensions["line"], 7);
    assert_eq!(extensions["field"], "DATE");
    assert_eq!(
        app.task_count(&token).await,
        2,
        "the refused file imported nothing"
    );
}

const REMINDERS: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Apple Inc.//Reminders//EN\r
BEGIN:VTODO\r
UID:trip\r
SUMMARY:Plan the trip\r
DUE;VALUE=DATE:20300412\r
CATEGORIES:travel,family\r
PRIORITY:1\r
END:VTODO\r
BEGIN:VTODO\r
UID:passport\r
RELATED-TO:trip\r
SUMMARY:Renew passport\r
DUE;TZID=America/New_York:20300301T090000\r
STATUS:COMPLETED\r
COMPLETED:20300228T120000Z\r
END:VTODO\r
BEGIN:VTODO\r
UID:bins\r
SUMMARY:Take out the bins\r
DTSTART:20300304T190000Z\r
DUE:20300304T190000Z\r
RRULE:FREQ=WEEKLY\r
PRIORITY:9\r
END:VTODO\r
BEGIN:VTODO\r
UID:old\r
SUMMARY:Cancelled plan\r
STATUS:CANCELLED\r
END:VTODO\r
END:VCALENDAR\r
";

#[tokio::test]
async fn vtodos_come_in_and_the_export_writes_them_back() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let (status, answer) = import(&app, &token, "text/calendar", REMINDERS).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["imported"], 3);
    assert_eq!(
        answer["skipped"],
        json!([{ "line": 27, "reason": "cancelled to-dos are not imported" }])
    );
    let imported = tasks(&app, &token).await;
    let [trip, bins] = imported.as_slice() else {
        panic!("two top-level tasks: {imported:#?}");
    };
    assert_eq!(trip["title"], "Plan the trip");
    assert_eq!(trip["allDay"], true);
    assert_eq!(trip["priority"], "URGENT");
    assert_eq!(
        trip["labels"],
        json!([{ "name": "family" }, { "name": "travel" }])
    );
    assert_eq!(
        trip["subtasks"],
        json!([{ "title": "Renew passport", "completed": true }])
    );
    assert_eq!(bins["recurrence"]["rrule"], "FREQ=WEEKLY");
    assert_eq!(bins["priority"], "LOW");
    assert_eq!(bins["dueAt"], "2030-03-04T19:00:00Z");

    let response = export(&app, &token, "ics").await;
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let ics = response.text().await.unwrap();
    assert_eq!(ics.matches("BEGIN:VTODO").count(), 3, "{ics}");
    assert!(ics.contains("STATUS:COMPLETED"), "{ics}");
    assert!(ics.contains("DUE;VALUE=DATE:20300412"), "{ics}");
    assert!(ics.contains("RRULE:FREQ=WEEKLY"), "{ics}");
    assert!(ics.contains("RELATED-TO:"), "{ics}");

    let missing = REMINDERS.replace("SUMMARY:Take out the bins\r\n", "");
    let (status, answer) = import(&app, &token, "text/calendar", missing).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["errors"][0]["extensions"]["line"], 19);
    assert_eq!(answer["errors"][0]["extensions"]["field"], "SUMMARY");
    assert_eq!(app.task_count(&token).await, 2);
}

#[tokio::test]
async fn import_refuses_strangers_unknown_types_and_files_over_ten_mebibytes() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let anonymous = reqwest::Client::new()
        .post(app.url("/import"))
        .header("content-type", "text/csv")
        .body(TODOIST)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let anonymous = reqwest::get(app.url("/export?format=json")).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let (status, _) = import(&app, &token, "text/plain", "buy milk").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, answer) = import(&app, &token, "application/json", "{\"tasks\": 3}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let huge = format!("{TODOIST}{}", "task,x,,,,,,,,,,\n".repeat(700_000));
    assert!(huge.len() > 10 * 1024 * 1024);
    let (status, _) = import(&app, &token, "text/csv", huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.task_count(&token).await, 0);
    assert_eq!(
        export(&app, &token, "xml").await.status(),
        StatusCode::BAD_REQUEST
    );
}
