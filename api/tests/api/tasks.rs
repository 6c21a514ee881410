use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::{TASK_FIELDS, error_code, error_field, spawn_app};

fn update_mutation() -> String {
    format!(
        "mutation($id: ID!, $input: UpdateTaskInput!) {{ updateTask(id: $id, input: $input) {{ {TASK_FIELDS} }} }}"
    )
}

#[tokio::test]
async fn create_read_and_defaults() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(
            &token,
            json!({
                "title": "  Water the plants  ",
                "description": "The ficus too",
                "priority": "HIGH",
                "category": "home",
                "dueAt": "2027-05-01T09:00:00+02:00",
                "remindBeforeMinutes": 30
            }),
        )
        .await;
    assert_eq!(task["title"], "Water the plants");
    assert_eq!(task["dueAt"], "2027-05-01T07:00:00Z");
    assert_eq!(task["timeZone"], "UTC");
    assert_eq!(task["priority"], "HIGH");
    assert_eq!(task["remindBeforeMinutes"], 30);
    assert_eq!(task["completed"], false);
    assert_eq!(task["recurrence"], Value::Null);
    assert_eq!(task["seriesId"], Value::Null);

    let read = app
        .ok(
            Some(&token),
            &format!("query($id: ID!) {{ task(id: $id) {{ {TASK_FIELDS} }} }}"),
            json!({ "id": task["id"] }),
        )
        .await;
    assert_eq!(read["task"], task);
}

#[tokio::test]
async fn invalid_input_is_rejected_naming_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let cases = [
        (json!({ "title": "   " }), "input.title"),
        (json!({ "title": "x".repeat(201) }), "input.title"),
        (
            json!({ "title": "ok", "description": "d".repeat(2001) }),
            "input.description",
        ),
        (
            json!({ "title": "ok", "category": "c".repeat(51) }),
            "input.category",
        ),
        (
            json!({ "title": "ok", "timeZone": "Mars/Olympus_Mons" }),
            "input.timeZone",
        ),
        (
            json!({ "title": "ok", "remindBeforeMinutes": -5 }),
            "input.remindBeforeMinutes",
        ),
    ];
    for (input, field) in cases {
        let response = app
            .graphql(
                Some(&token),
                "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{input}");
        assert_eq!(error_field(&response), field);
    }
    // 200 characters is fine; multi-byte characters count once.
    app.create_task(&token, json!({ "title": "é".repeat(200) }))
        .await;
    assert_eq!(app.task_count(&token).await, 1);

    let response = app
        .graphql(
            Some(&token),
            "{ task(id: \"not-a-uuid\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
}

#[tokio::test]
async fn text_is_normalised_and_control_characters_are_refused() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let create = "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }";
    for (input, field) in [
        (json!({ "title": "Pay\u{8C} rent" }), "input.title"),
        (json!({ "title": "bell\u{7}" }), "input.title"),
        (json!({ "title": "two\nlines" }), "input.title"),
        (json!({ "title": "a\u{2028}b" }), "input.title"),
        (json!({ "title": "invoice\u{202E}fdp.exe" }), "input.title"),
        (
            json!({ "title": "ok", "category": "home\twork" }),
            "input.category",
        ),
        (
            json!({ "title": "ok", "description": "nul\u{0}byte" }),
            "input.description",
        ),
        (
            json!({ "title": "ok", "description": "esc\u{1B}[2J" }),
            "input.description",
        ),
        // 201 characters once e + combining acute become é.
        (json!({ "title": "e\u{301}".repeat(201) }), "input.title"),
    ] {
        let response = app
            .graphql(Some(&token), create, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{input}");
        assert_eq!(error_field(&response), field, "{input}");
    }
    assert_eq!(app.task_count(&token).await, 0);

    let task = app
        .create_task(
            &token,
            json!({
                "title": " Cafe\u{301} ",
                "category": "cafe\u{301}s",
                "description": "\r\nMilk\r\n\tand eggs\r\n",
            }),
        )
        .await;
    assert_eq!(task["title"], "Caf\u{E9}");
    assert_eq!(task["category"], "caf\u{E9}s");
    assert_eq!(task["description"], "Milk\n\tand eggs");
    app.create_task(&token, json!({ "title": "e\u{301}".repeat(200) }))
        .await;

    // Updates follow the same rules.
    let response = app
        .graphql(
            Some(&token),
            &update_mutation(),
            json!({ "id": task["id"], "input": { "title": "x\u{9F}" } }),
        )
        .await;
    assert_eq!(error_field(&response), "input.title");
}

#[tokio::test]
async fn dates_outside_years_1_to_9999_are_refused() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    for due in [
        "9999-12-31T23:00:00-02:00",
        "0001-01-01T00:00:00+01:00",
        "0000-06-01T00:00:00Z",
    ] {
        let response = app
            .graphql(
                Some(&token),
                "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
                json!({ "input": { "title": "far", "dueAt": due } }),
            )
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{due}");
        let message = response["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("years 1 to 9999"), "{message}");
    }
    let response = app
        .graphql(
            Some(&token),
            "query($before: DateTime) { tasks(filter: { dueBefore: $before }) { totalCount } }",
            json!({ "before": "9999-12-31T22:00:00-05:00" }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert_eq!(app.task_count(&token).await, 0);

    for due in ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
        let task = app
            .create_task(&token, json!({ "title": "edge", "dueAt": due }))
            .await;
        assert_eq!(task["dueAt"], due);
    }
}

#[tokio::test]
async fn explicit_null_clears_a_field_and_absent_keeps_it() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app
        .create_task(
            &token,
            json!({ "title": "t", "description": "d", "priority": "LOW", "category": "c", "dueAt": "2027-01-01T00:00:00Z", "timeZone": "Europe/Berlin", "remindBeforeMinutes": 10 }),
        )
        .await;
    let updated = app
        .ok(
            Some(&token),
            &update_mutation(),
            json!({ "id": task["id"], "input": { "description": null, "priority": null, "title": "renamed" } }),
        )
        .await["updateTask"]
        .clone();
    assert_eq!(updated["title"], "renamed");
    assert_eq!(updated["description"], Value::Null);
    assert_eq!(updated["priority"], Value::Null);
    assert_eq!(updated["category"], "c");
    assert_eq!(updated["dueAt"], "2027-01-01T00:00:00Z");

    let updated = app
        .ok(
            Some(&token),
            &update_mutation(),
            json!({ "id": task["id"], "input": { "category": null, "dueAt": null, "timeZone": null, "remindBeforeMinutes": null } }),
        )
        .await["updateTask"]
        .clone();
    assert_eq!(updated["category"], Value::Null);
    assert_eq!(updated["dueAt"], Value::Null);
    assert_eq!(updated["timeZone"], "UTC");
    assert_eq!(updated["remindBeforeMinutes"], Value::Null);

    let response = app
        .graphql(
            Some(&token),
            &update_mutation(),
            json!({ "id": task["id"], "input": { "title": null } }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    let response = app
        .graphql(
            Some(&token),
            &update_mutation(),
            json!({ "id": task["id"], "input": { "title": "" } }),
        )
        .await;
    assert_eq!(error_field(&response), "input.title");
}

#[tokio::test]
async fn another_users_task_behaves_like_a_missing_one() {
    let app = spawn_app().await;
    let ada = app.register("ada@example.com").await;
    let bob = app.register("bob@example.com").await;
    let task = app.create_task(&ada, json!({ "title": "Ada's", "dueAt": "2027-01-01T09:00:00Z", "recurrence": { "preset": "DAILY" } })).await;
    let id = task["id"].clone();
    let missing = json!(uuid::Uuid::new_v4().to_string());

    for target in [&id, &missing] {
        let read = app
            .ok(
                Some(&bob),
                "query($id: ID!) { task(id: $id) { id } }",
                json!({ "id": target }),
            )
            .await;
        assert_eq!(read["task"], Value::Null);
        for mutation in [
            "mutation($id: ID!) { updateTask(id: $id, input: { title: \"mine\" }) { id } }",
            "mutation($id: ID!) { completeTask(id: $id) { task { id } } }",
            "mutation($id: ID!) { uncompleteTask(id: $id) { id } }",
            "mutation($id: ID!) { deleteTask(id: $id) }",
        ] {
            let response = app
                .graphql(Some(&bob), mutation, json!({ "id": target }))
                .await;
            assert_eq!(error_code(&response), "NOT_FOUND", "{mutation}");
            assert_eq!(response["errors"][0]["message"], "task not found");
        }
    }
    assert_eq!(app.task_count(&bob).await, 0);
    let still = app
        .ok(
            Some(&ada),
            &format!("query($id: ID!) {{ task(id: $id) {{ {TASK_FIELDS} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(still["task"], task);
}

#[tokio::test]
async fn uncomplete_and_delete() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let task = app.create_task(&token, json!({ "title": "once" })).await;
    let done = app
        .complete_task(&token, task["id"].as_str().unwrap())
        .await;
    assert_eq!(done["task"]["completed"], true);
    assert!(done["task"]["completedAt"].is_string());
    assert_eq!(done["nextOccurrence"], Value::Null);

    let undone = app
        .ok(
            Some(&token),
            "mutation($id: ID!) { uncompleteTask(id: $id) { completed completedAt } }",
            json!({ "id": task["id"] }),
        )
        .await;
    assert_eq!(
        undone["uncompleteTask"],
        json!({ "completed": false, "completedAt": null })
    );

    let deleted = app
        .ok(
            Some(&token),
            "mutation($id: ID!) { deleteTask(id: $id) }",
            json!({ "id": task["id"] }),
        )
        .await;
    assert_eq!(deleted["deleteTask"], true);
    let read = app
        .ok(
            Some(&token),
            "query($id: ID!) { task(id: $id) { id } }",
            json!({ "id": task["id"] }),
        )
        .await;
    assert_eq!(read["task"], Value::Null);
    let again = app
        .graphql(
            Some(&token),
            "mutation($id: ID!) { deleteTask(id: $id) }",
            json!({ "id": task["id"] }),
        )
        .await;
    assert_eq!(error_code(&again), "NOT_FOUND");
}

async fn titles(app: &crate::helpers::TestApp, token: &str, filter: Value) -> Vec<String> {
    let data = app
        .ok(
            Some(token),
            "query($filter: TaskFilter) { tasks(filter: $filter, orderBy: { field: TITLE, direction: ASC }) { totalCount edges { node { title } } } }",
            json!({ "filter": filter }),
        )
        .await;
    let titles: Vec<String> = data["tasks"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        data["tasks"]["totalCount"].as_u64().unwrap() as usize,
        titles.len()
    );
    titles
}

#[tokio::test]
async fn filters() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    app.create_task(&token, json!({ "title": "alpha", "priority": "URGENT", "category": "work", "dueAt": "2020-01-01T00:00:00Z" })).await;
    app.create_task(&token, json!({ "title": "Beta 100%", "description": "Buy MILK", "category": "home", "dueAt": "2030-01-01T00:00:00Z", "recurrence": { "preset": "WEEKLY" } })).await;
    let gamma = app
        .create_task(
            &token,
            json!({ "title": "gamma", "priority": "LOW", "dueAt": "2021-01-01T00:00:00Z" }),
        )
        .await;
    app.create_task(&token, json!({ "title": "delta" })).await;
    app.complete_task(&token, gamma["id"].as_str().unwrap())
        .await;

    assert_eq!(
        titles(&app, &token, json!({})).await,
        ["alpha", "Beta 100%", "delta", "gamma"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "completed": true })).await,
        ["gamma"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "priority": "URGENT" })).await,
        ["alpha"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "category": "home" })).await,
        ["Beta 100%"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "overdue": true })).await,
        ["alpha"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "overdue": false })).await,
        ["Beta 100%", "delta", "gamma"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "recurring": true })).await,
        ["Beta 100%"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "recurring": false })).await,
        ["alpha", "delta", "gamma"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "search": "milk" })).await,
        ["Beta 100%"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "search": "100%" })).await,
        ["Beta 100%"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "search": "%" })).await,
        ["Beta 100%"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "search": "A" })).await,
        ["alpha", "Beta 100%", "delta", "gamma"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "dueBefore": "2021-01-01T00:00:00Z" })).await,
        ["alpha"]
    );
    assert_eq!(
        titles(&app, &token, json!({ "dueAfter": "2021-01-01T00:00:00Z" })).await,
        ["Beta 100%", "gamma"]
    );
    assert_eq!(
        titles(
            &app,
            &token,
            json!({ "dueAfter": "2020-06-01T00:00:00Z", "dueBefore": "2025-01-01T00:00:00Z" })
        )
        .await,
        ["gamma"]
    );
}

fn set<S: AsRef<str>>(items: &[S]) -> HashSet<String> {
    items.iter().map(|s| s.as_ref().to_owned()).collect()
}

/// Walks every page of a listing and returns the titles in order.
async fn walk(app: &crate::helpers::TestApp, token: &str, order: Value, page: i64) -> Vec<String> {
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let data = app
            .ok(
                Some(token),
                "query($order: TaskOrder, $first: Int, $after: String) { tasks(orderBy: $order, first: $first, after: $after) { totalCount edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }",
                json!({ "order": order, "first": page, "after": after }),
            )
            .await;
        let tasks = &data["tasks"];
        assert_eq!(tasks["totalCount"], 7);
        for edge in tasks["edges"].as_array().unwrap() {
            seen.push(edge["node"]["title"].as_str().unwrap().to_owned());
        }
        if !tasks["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            return seen;
        }
        after = Some(tasks["pageInfo"]["endCursor"].as_str().unwrap().to_owned());
    }
}

#[tokio::test]
async fn cursor_pagination_visits_every_task_once_in_every_order() {
    every_order_pages_through(false).await;
}

/// The same listing with the tasks spread over three projects: each project's walk is
/// merged into one order, and the pages and the count are the same.
#[tokio::test]
async fn a_listing_across_projects_pages_in_every_order_as_one_list() {
    every_order_pages_through(true).await;
}

async fn every_order_pages_through(spread_over_projects: bool) {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let mut projects = vec![Value::Null];
    if spread_over_projects {
        for name in ["Home", "Work"] {
            let created = app
                .ok(
                    Some(&token),
                    "mutation($name: String!) { createProject(input: { name: $name }) { id } }",
                    json!({ "name": name }),
                )
                .await;
            projects.push(created["createProject"]["id"].clone());
        }
    }
    let tasks = [
        ("b", Some("HIGH"), Some("2027-01-03T00:00:00Z")),
        ("A", None, Some("2027-01-01T00:00:00Z")),
        ("c", Some("LOW"), None),
        ("e", Some("HIGH"), Some("2027-01-01T00:00:00Z")),
        ("D", Some("URGENT"), None),
        ("g", None, Some("2027-01-02T00:00:00Z")),
        ("f", Some("LOW"), Some("2027-01-05T00:00:00Z")),
    ];
    for (n, (title, priority, due)) in tasks.into_iter().enumerate() {
        let project = &projects[n % projects.len()];
        app.create_task(
            &token,
            json!({ "title": title, "priority": priority, "dueAt": due, "projectId": project }),
        )
        .await;
    }
    let created: Vec<&str> = tasks.iter().map(|t| t.0).collect();
    let by_title = ["A", "b", "c", "D", "e", "f", "g"];

    for page in [1, 2, 3, 50] {
        let newest_first: Vec<&str> = created.iter().rev().copied().collect();
        assert_eq!(walk(&app, &token, json!(null), page).await, newest_first);
        assert_eq!(
            walk(
                &app,
                &token,
                json!({ "field": "CREATED_AT", "direction": "ASC" }),
                page
            )
            .await,
            created
        );
        assert_eq!(
            walk(
                &app,
                &token,
                json!({ "field": "TITLE", "direction": "ASC" }),
                page
            )
            .await,
            by_title
        );
        let reversed: Vec<&str> = by_title.iter().rev().copied().collect();
        assert_eq!(
            walk(
                &app,
                &token,
                json!({ "field": "TITLE", "direction": "DESC" }),
                page
            )
            .await,
            reversed
        );

        // Rows without a value come last in both directions; ties fall back to the id.
        let due_asc = walk(
            &app,
            &token,
            json!({ "field": "DUE_AT", "direction": "ASC" }),
            page,
        )
        .await;
        assert_eq!(set(&due_asc[..2]), set(&["A", "e"]));
        assert_eq!(&due_asc[2..5], ["g", "b", "f"]);
        assert_eq!(set(&due_asc[5..]), set(&["c", "D"]));
        let due_desc = walk(
            &app,
            &token,
            json!({ "field": "DUE_AT", "direction": "DESC" }),
            page,
        )
        .await;
        assert_eq!(&due_desc[..3], ["f", "b", "g"]);
        assert_eq!(set(&due_desc[3..5]), set(&["A", "e"]));
        assert_eq!(set(&due_desc[5..]), set(&["c", "D"]));

        let by_priority = walk(
            &app,
            &token,
            json!({ "field": "PRIORITY", "direction": "DESC" }),
            page,
        )
        .await;
        assert_eq!(by_priority[0], "D");
        assert_eq!(set(&by_priority[1..3]), set(&["b", "e"]));
        assert_eq!(set(&by_priority[3..5]), set(&["c", "f"]));
        assert_eq!(set(&by_priority[5..]), set(&["A", "g"]));
    }
}

#[tokio::test]
async fn page_size_is_capped_and_cursors_are_checked() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    for i in 0..205 {
        app.create_task(&token, json!({ "title": format!("task {i}") }))
            .await;
    }
    let data = app.ok(Some(&token), "{ tasks(first: 1000) { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }", json!({})).await;
    assert_eq!(data["tasks"]["edges"].as_array().unwrap().len(), 200);
    assert_eq!(data["tasks"]["totalCount"], 205);
    assert_eq!(data["tasks"]["pageInfo"]["hasNextPage"], true);
    let default = app
        .ok(Some(&token), "{ tasks { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(default["tasks"]["edges"].as_array().unwrap().len(), 50);

    let cursor = data["tasks"]["pageInfo"]["endCursor"].as_str().unwrap();
    let wrong_order = app
        .graphql(Some(&token), "query($after: String) { tasks(after: $after, orderBy: { field: TITLE }) { totalCount } }", json!({ "after": cursor }))
        .await;
    assert_eq!(error_code(&wrong_order), "BAD_USER_INPUT");
    let garbage = app
        .graphql(
            Some(&token),
            "{ tasks(after: \"???\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&garbage), "BAD_USER_INPUT");
    let negative = app
        .graphql(
            Some(&token),
            "{ tasks(first: -1) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&negative), "BAD_USER_INPUT");
}

#[tokio::test]
async fn total_count_holds_on_empty_pages_and_however_it_is_selected() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    for i in 0..3 {
        app.create_task(
            &token,
            json!({ "title": format!("high {i}"), "priority": "HIGH" }),
        )
        .await;
    }
    app.create_task(&token, json!({ "title": "low", "priority": "LOW" }))
        .await;
    let listing = "query($filter: TaskFilter, $first: Int, $after: String) { tasks(filter: $filter, first: $first, after: $after) { totalCount edges { node { title } } pageInfo { endCursor } } }";
    let page = |variables: Value| {
        let app = &app;
        let token = &token;
        async move { app.ok(Some(token), listing, variables).await["tasks"].clone() }
    };
    let high = json!({ "priority": "HIGH" });

    let full = page(json!({ "filter": high, "first": 3 })).await;
    assert_eq!(full["totalCount"], 3);
    assert_eq!(full["edges"].as_array().unwrap().len(), 3);
    // Counted on their own: a page past the end, an empty page, and nothing matching.
    let end = full["pageInfo"]["endCursor"].clone();
    let past = page(json!({ "filter": high, "first": 3, "after": end })).await;
    assert_eq!(past["totalCount"], 3);
    assert!(past["edges"].as_array().unwrap().is_empty());
    let empty = page(json!({ "filter": high, "first": 0 })).await;
    assert_eq!(empty["totalCount"], 3);
    let none = page(json!({ "filter": { "priority": "URGENT" } })).await;
    assert_eq!(none["totalCount"], 0);

    let selected = app
        .ok(
            Some(&token),
            "query { tasks(first: 1) { ...Counted all: totalCount } } fragment Counted on TaskConnection { totalCount }",
            json!({}),
        )
        .await;
    assert_eq!(selected["tasks"]["totalCount"], 4);
    assert_eq!(selected["tasks"]["all"], 4);
}
