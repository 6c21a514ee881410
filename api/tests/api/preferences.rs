use serde_json::{Value, json};

use crate::helpers::{error_code, error_field, spawn_app};

const PREFERENCES: &str =
    "{ preferences { remindersEnabled reminderMinutesBefore toastNotifications timeZone } }";
const UPDATE: &str = "mutation($input: PreferencesInput!) { updatePreferences(input: $input) { remindersEnabled reminderMinutesBefore toastNotifications timeZone } }";

#[tokio::test]
async fn defaults_updates_and_privacy() {
    let app = spawn_app().await;
    let ada = app.register("ada@example.com").await;
    let bob = app.register("bob@example.com").await;
    let defaults = json!({ "remindersEnabled": true, "reminderMinutesBefore": 15, "toastNotifications": true, "timeZone": "UTC" });
    assert_eq!(
        app.ok(Some(&ada), PREFERENCES, json!({})).await["preferences"],
        defaults
    );

    let updated = app
        .ok(
            Some(&ada),
            UPDATE,
            json!({ "input": { "reminderMinutesBefore": 30, "timeZone": "Europe/Berlin" } }),
        )
        .await;
    assert_eq!(
        updated["updatePreferences"],
        json!({ "remindersEnabled": true, "reminderMinutesBefore": 30, "toastNotifications": true, "timeZone": "Europe/Berlin" })
    );
    let again = app
        .ok(
            Some(&ada),
            UPDATE,
            json!({ "input": { "remindersEnabled": false } }),
        )
        .await;
    assert_eq!(again["updatePreferences"]["reminderMinutesBefore"], 30);
    assert_eq!(again["updatePreferences"]["remindersEnabled"], false);
    assert_eq!(
        app.ok(Some(&bob), PREFERENCES, json!({})).await["preferences"],
        defaults
    );
}

#[tokio::test]
async fn invalid_preferences_are_rejected_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let before: Value = app.ok(Some(&token), PREFERENCES, json!({})).await;
    for (input, field) in [
        (
            json!({ "reminderMinutesBefore": 4, "toastNotifications": false }),
            "input.reminderMinutesBefore",
        ),
        (
            json!({ "reminderMinutesBefore": 1441 }),
            "input.reminderMinutesBefore",
        ),
        (
            json!({ "timeZone": "Atlantis/Capital", "remindersEnabled": false }),
            "input.timeZone",
        ),
    ] {
        let response = app
            .graphql(Some(&token), UPDATE, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT");
        assert_eq!(error_field(&response), field);
    }
    assert_eq!(app.ok(Some(&token), PREFERENCES, json!({})).await, before);
}

#[tokio::test]
async fn new_tasks_take_the_preferred_time_zone() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    app.ok(
        Some(&token),
        UPDATE,
        json!({ "input": { "timeZone": "America/New_York" } }),
    )
    .await;
    let task = app.create_task(&token, json!({ "title": "t" })).await;
    assert_eq!(task["timeZone"], "America/New_York");
    let explicit = app
        .create_task(&token, json!({ "title": "t", "timeZone": "Asia/Tokyo" }))
        .await;
    assert_eq!(explicit["timeZone"], "Asia/Tokyo");
    // Clearing a task's time zone returns it to the preferred one.
    let cleared = app
        .ok(
            Some(&token),
            "mutation($id: ID!) { updateTask(id: $id, input: { timeZone: null }) { timeZone } }",
            json!({ "id": explicit["id"] }),
        )
        .await;
    assert_eq!(cleared["updateTask"]["timeZone"], "America/New_York");
}

#[tokio::test]
async fn read_tokens_cannot_change_preferences() {
    let app = spawn_app().await;
    let session = app.register("ada@example.com").await;
    let issued = app
        .ok(
            Some(&session),
            "mutation { createApiToken(name: \"ro\", scopes: [READ]) { token } }",
            json!({}),
        )
        .await;
    let read = issued["createApiToken"]["token"].as_str().unwrap();
    app.ok(Some(read), PREFERENCES, json!({})).await;
    let refused = app
        .graphql(
            Some(read),
            UPDATE,
            json!({ "input": { "remindersEnabled": false } }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
}
