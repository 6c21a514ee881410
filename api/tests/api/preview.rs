//! `recurrencePreview`: the task form's live view of a rule, checked exactly as
//! `createTask` checks it.

use serde_json::{Value, json};

use crate::helpers::{error_code, error_field, spawn_app};

const PREVIEW: &str = "query($input: RecurrencePreviewInput!, $count: Int) { \
    recurrencePreview(input: $input, count: $count) { timeZone dates \
    recurrence { preset rrule mode description } } }";

#[tokio::test]
async fn a_monthly_rule_on_the_31st_previews_the_last_day_of_shorter_months() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let data = app
        .ok(
            Some(&token),
            PREVIEW,
            json!({ "input": {
                "dueAt": "2027-01-31T09:00:00+01:00",
                "timeZone": "Europe/Berlin",
                "recurrence": { "preset": "MONTHLY" }
            } }),
        )
        .await;
    let preview = &data["recurrencePreview"];
    assert_eq!(preview["timeZone"], "Europe/Berlin");
    assert_eq!(
        preview["dates"],
        json!([
            "2027-01-31T08:00:00Z",
            "2027-02-28T08:00:00Z",
            "2027-03-31T07:00:00Z",
            "2027-04-30T07:00:00Z",
            "2027-05-31T07:00:00Z"
        ])
    );
    assert_eq!(
        preview["recurrence"]["description"],
        "Monthly on the 31st (or the last day of shorter months)"
    );
    assert_eq!(preview["recurrence"]["preset"], "MONTHLY");
}

#[tokio::test]
async fn the_preview_follows_count_until_and_the_users_time_zone() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    app.ok(
        Some(&token),
        "mutation { updatePreferences(input: { timeZone: \"America/New_York\" }) { timeZone } }",
        json!({}),
    )
    .await;
    let data = app
        .ok(
            Some(&token),
            PREVIEW,
            json!({ "input": {
                "dueAt": "2027-03-01T14:00:00Z",
                "recurrence": { "rrule": "FREQ=WEEKLY;COUNT=3" }
            }, "count": 10 }),
        )
        .await;
    let preview = &data["recurrencePreview"];
    assert_eq!(preview["timeZone"], "America/New_York");
    // 09:00 in New York on each date, across the DST change of 14 March.
    assert_eq!(
        preview["dates"],
        json!([
            "2027-03-01T14:00:00Z",
            "2027-03-08T14:00:00Z",
            "2027-03-15T13:00:00Z"
        ])
    );
    assert_eq!(preview["recurrence"]["preset"], "CUSTOM");
}

/// Each bad schedule gets the same code and field from both operations.
#[tokio::test]
async fn the_preview_refuses_what_create_task_refuses_with_the_same_errors() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let cases: [Value; 5] = [
        json!({ "recurrence": { "preset": "DAILY" } }),
        json!({ "dueAt": "2027-01-01T09:00:00Z", "recurrence": { "rrule": "FREQ=SOMETIMES" } }),
        json!({ "dueAt": "2027-01-01T09:00:00Z", "recurrence": { "rrule": "FREQ=MINUTELY" } }),
        json!({ "dueAt": "2027-01-01T09:00:00Z", "timeZone": "Mars/Olympus", "recurrence": { "preset": "DAILY" } }),
        json!({ "dueAt": "2027-01-01T09:00:00Z", "recurrence": { "preset": "CUSTOM" } }),
    ];
    for schedule in cases {
        let preview = app
            .graphql(Some(&token), PREVIEW, json!({ "input": schedule }))
            .await;
        let mut create_input = schedule.clone();
        create_input["title"] = json!("A task");
        let created = app
            .graphql(
                Some(&token),
                "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
                json!({ "input": create_input }),
            )
            .await;
        assert_eq!(
            error_code(&preview),
            "BAD_USER_INPUT",
            "{schedule}: {preview}"
        );
        assert_eq!(error_code(&preview), error_code(&created), "{schedule}");
        assert_eq!(error_field(&preview), error_field(&created), "{schedule}");
    }
    assert_eq!(app.task_count(&token).await, 0);
}

#[tokio::test]
async fn the_preview_needs_a_user_and_a_sane_count() {
    let app = spawn_app().await;
    let input = json!({ "dueAt": "2027-01-01T09:00:00Z", "recurrence": { "preset": "DAILY" } });
    let anonymous = app.graphql(None, PREVIEW, json!({ "input": input })).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");

    let token = app.register("ada@example.com").await;
    let too_many = app
        .graphql(
            Some(&token),
            PREVIEW,
            json!({ "input": input, "count": 500 }),
        )
        .await;
    assert_eq!(error_code(&too_many), "BAD_USER_INPUT");
    assert_eq!(error_field(&too_many), "count");
}

#[tokio::test]
async fn a_new_series_starts_on_the_rules_first_match_in_the_preview_and_when_saved() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    // Saturday 27 March 2027, 09:00 in Berlin; DST begins the next day.
    let saturday = "2027-03-27T08:00:00Z";
    let data = app
        .ok(
            Some(&token),
            PREVIEW,
            json!({ "input": { "dueAt": saturday, "timeZone": "Europe/Berlin", "recurrence": { "preset": "WEEKDAYS" } }, "count": 3 }),
        )
        .await;
    // Monday 09:00 in summer time, then on each weekday.
    assert_eq!(
        data["recurrencePreview"]["dates"],
        json!([
            "2027-03-29T07:00:00Z",
            "2027-03-30T07:00:00Z",
            "2027-03-31T07:00:00Z"
        ])
    );
    let created = app
        .create_task(
            &token,
            json!({ "title": "Stand-up", "dueAt": saturday, "timeZone": "Europe/Berlin", "recurrence": { "preset": "WEEKDAYS" } }),
        )
        .await;
    assert_eq!(created["dueAt"], "2027-03-29T07:00:00Z");
    let next = app
        .complete_task(&token, created["id"].as_str().unwrap())
        .await;
    assert_eq!(next["nextOccurrence"]["dueAt"], "2027-03-30T07:00:00Z");

    // Sunday 3 January 2027 at 18:30 in Berlin: the 2nd Monday is the 11th.
    let created = app
        .create_task(
            &token,
            json!({ "title": "Book club", "dueAt": "2027-01-03T17:30:00Z", "timeZone": "Europe/Berlin", "recurrence": { "rrule": "FREQ=MONTHLY;BYDAY=2MO" } }),
        )
        .await;
    assert_eq!(created["dueAt"], "2027-01-11T17:30:00Z");

    // The last day of the month, from the 10th of February.
    let data = app
        .ok(
            Some(&token),
            PREVIEW,
            json!({ "input": { "dueAt": "2027-02-10T08:00:00Z", "timeZone": "Europe/Berlin", "recurrence": { "rrule": "FREQ=MONTHLY;BYMONTHDAY=-1" } }, "count": 2 }),
        )
        .await;
    assert_eq!(
        data["recurrencePreview"]["dates"],
        json!(["2027-02-28T08:00:00Z", "2027-03-31T07:00:00Z"])
    );
}

#[tokio::test]
async fn giving_a_one_time_task_a_rule_moves_it_to_the_first_match() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(
            &token,
            json!({ "title": "Stand-up", "dueAt": "2027-03-27T08:00:00Z", "timeZone": "Europe/Berlin" }),
        )
        .await;
    assert_eq!(task["dueAt"], "2027-03-27T08:00:00Z");
    let update = "mutation($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) { dueAt recurrence { preset } } }";
    let data = app
        .ok(
            Some(&token),
            update,
            json!({ "id": task["id"], "input": { "recurrence": { "preset": "WEEKDAYS" } } }),
        )
        .await;
    assert_eq!(data["updateTask"]["dueAt"], "2027-03-29T07:00:00Z");
    assert_eq!(data["updateTask"]["recurrence"]["preset"], "WEEKDAYS");
}

#[tokio::test]
async fn a_due_date_the_rule_matches_is_kept() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let data = app
        .ok(
            Some(&token),
            PREVIEW,
            json!({ "input": { "dueAt": "2027-03-27T08:00:00Z", "timeZone": "Europe/Berlin", "recurrence": { "preset": "WEEKLY" } }, "count": 2 }),
        )
        .await;
    assert_eq!(
        data["recurrencePreview"]["dates"],
        json!(["2027-03-27T08:00:00Z", "2027-04-03T07:00:00Z"])
    );
}
