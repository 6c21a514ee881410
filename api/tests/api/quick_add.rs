//! `parseTask`: quick add reads a sentence into a draft against the user's own projects
//! and labels, with the service's rules deciding the series; nothing is created.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, error_field, spawn_app};

const PARSE: &str = "query($text: String!, $now: DateTime) { \
    parseTask(text: $text, timeZone: \"Europe/Berlin\", now: $now) { \
    title dueAt allDay timeZone priority remindBeforeMinutes nextDates \
    recurrence { preset rrule mode description } \
    labels { name id } project { name id } spans { start end kind } } }";

/// Wednesday 17 March 2027, 10:00 in Berlin.
const NOW: &str = "2027-03-17T09:00:00Z";

async fn parse(app: &TestApp, token: &str, text: &str) -> Value {
    let data = app
        .ok(Some(token), PARSE, json!({ "text": text, "now": NOW }))
        .await;
    data["parseTask"].clone()
}

#[tokio::test]
async fn a_sentence_becomes_a_draft_of_the_users_own_projects_and_labels() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let project = app
        .ok(
            Some(&token),
            "mutation { createProject(input: { name: \"Home Office\" }) { id } }",
            json!({}),
        )
        .await;
    let label = app
        .ok(
            Some(&token),
            "mutation { createLabel(input: { name: \"Bills\" }) { id } }",
            json!({}),
        )
        .await;

    let draft = parse(
        &app,
        &token,
        "Pay rent every month on the last day at 9am p1 #home office @bills @urgent-ish",
    )
    .await;
    assert_eq!(draft["title"], "Pay rent");
    assert_eq!(draft["priority"], "URGENT");
    assert_eq!(draft["allDay"], false);
    assert_eq!(
        draft["project"],
        json!({ "name": "Home Office", "id": project["createProject"]["id"] })
    );
    assert_eq!(
        draft["labels"],
        json!([
            { "name": "Bills", "id": label["createLabel"]["id"] },
            { "name": "urgent-ish", "id": null }
        ])
    );
    assert_eq!(draft["recurrence"]["rrule"], "FREQ=MONTHLY;BYMONTHDAY=-1");
    assert_eq!(draft["recurrence"]["mode"], "FROM_DUE_DATE");
    assert_eq!(
        draft["nextDates"],
        json!([
            "2027-03-31T07:00:00Z",
            "2027-04-30T07:00:00Z",
            "2027-05-31T07:00:00Z"
        ]),
        "09:00 in Berlin, summer time from the end of March"
    );
    assert_eq!(draft["dueAt"], "2027-03-31T07:00:00Z");
    let kinds: Vec<&str> = draft["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|span| span["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "RECURRENCE",
            "TIME",
            "PRIORITY",
            "PROJECT",
            "LABEL",
            "LABEL"
        ]
    );
    assert_eq!(
        draft["spans"][0],
        json!({ "start": 9, "end": 36, "kind": "RECURRENCE" })
    );

    assert_eq!(app.task_count(&token).await, 0, "reading creates nothing");
}

#[tokio::test]
async fn unknown_projects_are_reported_dates_roll_forward_and_the_rest_stays_in_the_title() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;

    let draft = parse(&app, &token, "Read chapter 5 tomorrow #Nowhere").await;
    assert_eq!(draft["title"], "Read chapter 5");
    assert_eq!(draft["project"], json!({ "name": "Nowhere", "id": null }));
    assert_eq!(draft["allDay"], true);
    assert_eq!(
        draft["dueAt"], "2027-03-17T23:00:00Z",
        "midnight of Thursday, Berlin"
    );
    assert_eq!(draft["nextDates"], json!(["2027-03-17T23:00:00Z"]));
    assert_eq!(draft["recurrence"], Value::Null);

    // 20 January has passed this year: next year's.
    let draft = parse(
        &app,
        &token,
        "Tax return jan 20 at 18:00 remind me 1 hour before",
    )
    .await;
    assert_eq!(draft["title"], "Tax return");
    assert_eq!(draft["dueAt"], "2028-01-20T17:00:00Z");
    assert_eq!(draft["remindBeforeMinutes"], 60);

    let draft = parse(&app, &token, "call mom at home").await;
    assert_eq!(draft["title"], "call mom at home");
    assert_eq!(draft["dueAt"], Value::Null);
    assert_eq!(draft["nextDates"], json!([]));
    assert_eq!(draft["spans"], json!([]));

    let too_long = app
        .graphql(
            Some(&token),
            PARSE,
            json!({ "text": "x".repeat(501), "now": NOW }),
        )
        .await;
    assert_eq!(error_code(&too_long), "BAD_USER_INPUT");
    assert_eq!(error_field(&too_long), "text");
}
