//! What every transport must do the same way, driven by an rmcp client.

use std::collections::BTreeSet;

use rmcp::model::GetPromptRequestParams;
use serde_json::{Value, json};

use crate::helpers::{McpClient, TestApi, call, ok, text, tool_error};

const TOOLS: [&str; 13] = [
    "add_task",
    "complete_task",
    "create_project",
    "delete_task",
    "get_task",
    "get_task_history",
    "list_labels",
    "list_notifications",
    "list_projects",
    "list_tasks",
    "snooze_task",
    "uncomplete_task",
    "update_task",
];

/// Every tool is listed with input and output schemas and truthful annotations.
pub async fn lists_tools_with_schemas_and_annotations(client: &McpClient) {
    let tools = client.list_all_tools().await.unwrap();
    let names: BTreeSet<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    assert_eq!(names, TOOLS.into_iter().collect());
    for tool in &tools {
        let name = tool.name.as_ref();
        assert!(
            tool.description.as_ref().is_some_and(|d| d.len() > 100),
            "{name} needs a description an agent can act on"
        );
        assert_eq!(tool.input_schema["type"], "object", "{name}");
        let output = tool
            .output_schema
            .as_ref()
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(output["type"], "object", "{name}");
        let annotations = tool
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{name}"));
        let read_only = matches!(
            name,
            "list_tasks"
                | "get_task"
                | "list_notifications"
                | "get_task_history"
                | "list_projects"
                | "list_labels"
        );
        assert_eq!(annotations.read_only_hint, Some(read_only), "{name}");
        assert_eq!(
            annotations.destructive_hint,
            Some(matches!(name, "delete_task" | "update_task")),
            "{name}"
        );
        assert_eq!(
            annotations.idempotent_hint,
            // Snoozing for minutes again moves the reminder again.
            Some(!matches!(
                name,
                "add_task" | "create_project" | "snooze_task"
            )),
            "{name}"
        );
        assert_eq!(annotations.open_world_hint, Some(false), "{name}");
    }
    let add = tools.iter().find(|tool| tool.name == "add_task").unwrap();
    let schema = Value::Object((*add.input_schema).clone());
    // `title` or `text`: the tool says which it needs, since a top-level oneOf is
    // something several agent clients refuse.
    assert_eq!(schema.get("required"), None, "{schema}");
    assert!(
        schema["properties"]["text"]["description"]
            .as_str()
            .unwrap()
            .contains("quick add")
    );
    assert_eq!(schema["additionalProperties"], false);
    let schema_text = schema.to_string();
    for hint in [
        "RFC 3339",
        "IANA",
        "FREQ=WEEKLY",
        "FROM_COMPLETION",
        "examples",
    ] {
        assert!(schema_text.contains(hint), "add_task's schema lacks {hint}");
    }
}

/// A weekly task becomes a custom rule, gets completed, and its next occurrence follows
/// the new rule; validation problems and foreign ids are tool errors.
pub async fn manages_a_recurring_task(
    client: &McpClient,
    api: &TestApi,
    owner: &str,
    stranger: &str,
) {
    // 2030-01-07 is a Monday; 09:00 in Berlin is 08:00 UTC in winter.
    let added = ok(&call(
        client,
        "add_task",
        json!({
            "title": "Water the plants",
            "dueAt": "2030-01-07T09:00:00+01:00",
            "timeZone": "Europe/Berlin",
            "recurrence": { "preset": "WEEKLY" },
            "priority": "HIGH",
            "category": "home",
        }),
    )
    .await);
    let id = added["id"].as_str().unwrap().to_owned();
    assert_eq!(added["dueAt"], "2030-01-07T08:00:00Z");
    assert_eq!(added["recurrence"]["preset"], "WEEKLY");
    assert_eq!(added["recurrence"]["rrule"], "FREQ=WEEKLY");
    assert_eq!(added["recurrence"]["mode"], "FROM_DUE_DATE");
    assert_eq!(added["priority"], "HIGH");

    let updated = ok(&call(
        client,
        "update_task",
        json!({
            "id": id,
            "recurrence": { "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE" },
            "priority": null,
        }),
    )
    .await);
    assert_eq!(updated["recurrence"]["preset"], "CUSTOM");
    assert_eq!(
        updated["recurrence"]["rrule"],
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"
    );
    assert_eq!(updated["priority"], Value::Null, "priority: null clears it");
    assert_eq!(updated["category"], "home", "omitted fields are kept");

    let fetched = ok(&call(client, "get_task", json!({ "id": id })).await);
    assert_eq!(fetched["recurrence"], updated["recurrence"]);

    // "Remind me again tomorrow": the reminder moves there.
    let snoozed = call(client, "snooze_task", json!({ "id": id, "minutes": 1440 })).await;
    assert!(
        text(&snoozed).contains("Snoozed the reminder of \"Water the plants\""),
        "{}",
        text(&snoozed)
    );
    let snoozed = ok(&snoozed);
    assert!(snoozed["snoozedUntil"].is_string(), "{snoozed}");
    assert_eq!(snoozed["nextReminderAt"], snoozed["snoozedUntil"]);
    let message = tool_error(&call(client, "snooze_task", json!({ "id": id })).await);
    assert!(message.contains("minutes"), "{message}");

    let completion = call(client, "complete_task", json!({ "id": id })).await;
    assert!(
        text(&completion).contains("Next occurrence"),
        "{}",
        text(&completion)
    );
    let completion = ok(&completion);
    assert_eq!(completion["task"]["completed"], true);
    let next = &completion["nextOccurrence"];
    // The Wednesday of the same fortnight, at the same local time.
    assert_eq!(next["dueAt"], "2030-01-09T08:00:00Z");
    assert_eq!(next["title"], "Water the plants");
    assert_eq!(next["parentTaskId"], id.as_str());
    assert_eq!(next["occurrenceNumber"], 2);
    assert_eq!(
        next["recurrence"]["rrule"],
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"
    );
    let next_id = next["id"].as_str().unwrap().to_owned();

    let again = ok(&call(client, "complete_task", json!({ "id": id })).await);
    assert_eq!(
        again["nextOccurrence"]["id"],
        next_id.as_str(),
        "completion is idempotent"
    );

    // Reopening takes back the untouched next occurrence, and says so.
    let reopening = call(client, "uncomplete_task", json!({ "id": id })).await;
    assert!(
        text(&reopening).contains("Removed the next occurrence due 2030-01-09T08:00:00Z"),
        "{}",
        text(&reopening)
    );
    let reopened = ok(&reopening);
    assert_eq!(reopened["completed"], false);
    assert_eq!(reopened["id"], id.as_str());
    assert_eq!(reopened["nextOccurrence"]["removed"], true);
    assert_eq!(reopened["nextOccurrence"]["task"]["id"], next_id.as_str());
    let page = ok(&call(client, "list_tasks", json!({ "recurring": true })).await);
    assert_eq!(page["totalCount"], 1);

    // A next occurrence someone changed is kept.
    let completion = ok(&call(client, "complete_task", json!({ "id": id })).await);
    let next_id = completion["nextOccurrence"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(&call(
        client,
        "update_task",
        json!({ "id": next_id, "priority": "LOW" }),
    )
    .await);
    let reopening = call(client, "uncomplete_task", json!({ "id": id })).await;
    assert!(
        text(&reopening).contains("Kept the next occurrence"),
        "{}",
        text(&reopening)
    );
    let reopened = ok(&reopening);
    assert_eq!(reopened["nextOccurrence"]["removed"], false);
    assert_eq!(reopened["nextOccurrence"]["task"]["id"], next_id.as_str());
    let again = ok(&call(client, "uncomplete_task", json!({ "id": id })).await);
    assert_eq!(
        again["nextOccurrence"],
        Value::Null,
        "reopening an open task"
    );

    let page = ok(&call(
        client,
        "list_tasks",
        json!({ "recurring": true, "orderBy": "DUE_AT", "direction": "ASC", "first": 1 }),
    )
    .await);
    assert_eq!(page["totalCount"], 2);
    assert_eq!(page["hasNextPage"], true);
    assert_eq!(page["tasks"][0]["id"], id.as_str());
    let rest = ok(&call(
        client,
        "list_tasks",
        json!({ "recurring": true, "orderBy": "DUE_AT", "direction": "ASC", "after": page["endCursor"] }),
    )
    .await);
    assert_eq!(rest["tasks"][0]["id"], next_id.as_str());
    assert_eq!(rest["hasNextPage"], false);

    let deleted = ok(&call(client, "delete_task", json!({ "id": next_id })).await);
    assert_eq!(deleted, json!({ "deleted": true, "id": next_id }));
    let gone = tool_error(&call(client, "delete_task", json!({ "id": next_id })).await);
    assert!(gone.contains("No task with id"), "{gone}");

    let one_time = ok(&call(
        client,
        "update_task",
        json!({ "id": id, "recurrence": null, "dueAt": null, "category": null }),
    )
    .await);
    assert_eq!(one_time["recurrence"], Value::Null);
    assert_eq!(one_time["dueAt"], Value::Null);
    assert_eq!(one_time["category"], Value::Null);
    assert_eq!(one_time["title"], "Water the plants");

    rejects_bad_input(client, &id).await;
    cannot_touch_another_users_task(client, api, stranger).await;
    reports_history_and_notifications(client, api, owner, &id).await;
}

/// The names of a task's labels, in any order.
fn label_names(task: &Value) -> BTreeSet<String> {
    task["labels"]
        .as_array()
        .unwrap_or_else(|| panic!("no labels in {task}"))
        .iter()
        .map(|name| name.as_str().unwrap().to_owned())
        .collect()
}

fn names<const N: usize>(names: [&str; N]) -> BTreeSet<String> {
    names.into_iter().map(str::to_owned).collect()
}

/// Projects, labels and subtasks: a project made and filled by name, labels created on
/// first use and reused in any case, filters by both, the names listed when one is
/// unknown, a subtask counted on its parent, and the deprecated category as a label.
/// `text` instead of the fields: quick add reads it against the user's projects and
/// labels, the task is created from what it understood, and the answer says what that
/// was. An unknown `#project` is refused, not created.
pub async fn adds_a_task_from_plain_words(client: &McpClient) {
    ok(&call(client, "create_project", json!({ "name": "Errands" })).await);
    let result = call(
        client,
        "add_task",
        json!({ "text": "Pay rent every month on the last day at 9am p1 #errands @bills",
                "timeZone": "Europe/Berlin" }),
    )
    .await;
    let rent = ok(&result);
    assert_eq!(rent["title"], "Pay rent");
    assert_eq!(rent["priority"], "URGENT");
    assert_eq!(rent["project"]["name"], "Errands");
    assert_eq!(label_names(&rent), names(["bills"]));
    assert_eq!(rent["recurrence"]["rrule"], "FREQ=MONTHLY;BYMONTHDAY=-1");
    assert_eq!(rent["timeZone"], "Europe/Berlin");
    assert_eq!(rent["allDay"], false);
    let said = text(&result);
    assert!(
        said.contains("Read from the text: title \"Pay rent\""),
        "{said}"
    );
    assert!(said.contains("repeats: Monthly on the last day"), "{said}");

    let tomorrow = ok(&call(
        client,
        "add_task",
        json!({ "text": "Call the bank tomorrow" }),
    )
    .await);
    assert_eq!(tomorrow["title"], "Call the bank");
    assert_eq!(tomorrow["allDay"], true);
    let timed = ok(&call(
        client,
        "update_task",
        json!({ "id": tomorrow["id"], "allDay": false }),
    )
    .await);
    assert_eq!(timed["allDay"], false);
    assert_eq!(
        timed["dueAt"], tomorrow["dueAt"],
        "the date's midnight stays"
    );

    let unknown = tool_error(&call(client, "add_task", json!({ "text": "Paint #Nowhere" })).await);
    assert!(
        unknown.contains("Nowhere") && unknown.contains("Errands"),
        "{unknown}"
    );
    let both = tool_error(
        &call(
            client,
            "add_task",
            json!({ "title": "A", "text": "B tomorrow" }),
        )
        .await,
    );
    assert!(both.contains("`text`"), "{both}");
}

pub async fn organises_tasks_in_projects_with_labels(client: &McpClient) {
    let projects = ok(&call(client, "list_projects", json!({})).await);
    let inbox = &projects["projects"][0];
    assert_eq!(inbox["isInbox"], true, "{projects}");
    assert_eq!(inbox["role"], "OWNER");

    let garden = ok(&call(
        client,
        "create_project",
        json!({ "name": "Garden", "color": "#22c55e" }),
    )
    .await);
    assert_eq!(garden["name"], "Garden");
    assert_eq!(garden["color"], "#22c55e");
    assert_eq!(garden["isInbox"], false);
    let duplicate = tool_error(&call(client, "create_project", json!({ "name": "garden" })).await);
    assert!(duplicate.contains("name"), "{duplicate}");

    let soil = ok(&call(
        client,
        "add_task",
        json!({ "title": "Buy soil", "project": "gARDEN", "labels": ["errand", "Outside"] }),
    )
    .await);
    assert_eq!(
        soil["project"],
        json!({ "id": garden["id"], "name": "Garden" })
    );
    assert_eq!(label_names(&soil), names(["errand", "Outside"]));
    // An existing label in another case is reused, not created again; ids work too.
    let sweep = ok(&call(
        client,
        "add_task",
        json!({ "title": "Sweep the path", "labels": ["ERRAND"], "project": inbox["id"] }),
    )
    .await);
    assert_eq!(sweep["project"]["name"], inbox["name"]);
    assert_eq!(label_names(&sweep), names(["errand"]));
    let labels = ok(&call(client, "list_labels", json!({})).await);
    let listed: BTreeSet<String> = labels["labels"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|label| label["name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(listed, names(["errand", "Outside"]), "{labels}");
    assert_eq!(labels["labels"].as_array().unwrap().len(), 2, "{labels}");

    let child = ok(&call(
        client,
        "add_task",
        json!({ "title": "Choose a bag size", "parentId": soil["id"] }),
    )
    .await);
    assert_eq!(child["parentId"], soil["id"]);
    assert_eq!(
        child["project"]["name"], "Garden",
        "a subtask takes its parent's project"
    );
    let parent = ok(&call(client, "get_task", json!({ "id": soil["id"] })).await);
    assert_eq!(parent["subtaskProgress"], json!({ "done": 0, "total": 1 }));

    // Top-level tasks only, unless a parent is given.
    let in_garden = ok(&call(client, "list_tasks", json!({ "project": "Garden" })).await);
    assert_eq!(in_garden["totalCount"], 1, "{in_garden}");
    assert_eq!(in_garden["tasks"][0]["id"], soil["id"]);
    let subtasks = ok(&call(client, "list_tasks", json!({ "parentId": soil["id"] })).await);
    assert_eq!(subtasks["tasks"][0]["id"], child["id"]);
    let errands = ok(&call(client, "list_tasks", json!({ "labels": ["errand"] })).await);
    assert_eq!(errands["totalCount"], 2);
    let both = ok(&call(
        client,
        "list_tasks",
        json!({ "labels": ["errand", "outside"] }),
    )
    .await);
    assert_eq!(both["totalCount"], 1, "tasks with all the labels");
    assert_eq!(both["tasks"][0]["id"], soil["id"]);

    let unknown = tool_error(
        &call(
            client,
            "add_task",
            json!({ "title": "Lost", "project": "Gardne" }),
        )
        .await,
    );
    assert!(
        unknown.starts_with("Invalid argument `project`")
            && unknown.contains("\"Gardne\"")
            && unknown.contains(&format!("{}", inbox["name"]))
            && unknown.contains("\"Garden\""),
        "{unknown}"
    );
    let unknown = tool_error(&call(client, "list_tasks", json!({ "labels": ["urgent"] })).await);
    assert!(
        unknown.contains("\"urgent\"") && unknown.contains("\"errand\""),
        "{unknown}"
    );
    let lost = ok(&call(client, "list_tasks", json!({ "search": "Lost" })).await);
    assert_eq!(lost["totalCount"], 0, "a refused task is not created");

    // update_task moves a task and replaces its labels; a category is a label.
    let moved = ok(&call(
        client,
        "update_task",
        json!({ "id": sweep["id"], "project": "garden", "labels": [] }),
    )
    .await);
    assert_eq!(moved["project"]["name"], "Garden");
    assert_eq!(moved["labels"], json!([]));
    let categorised = ok(&call(
        client,
        "update_task",
        json!({ "id": sweep["id"], "category": "chores" }),
    )
    .await);
    assert_eq!(label_names(&categorised), names(["chores"]));
    assert_eq!(categorised["category"], "chores");
    let projects = ok(&call(client, "list_projects", json!({})).await);
    let garden = projects["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Garden")
        .unwrap();
    assert_eq!(garden["openTaskCount"], 2, "{projects}");
}

/// Bad arguments come back as `isError` results that say what to fix, and change
/// nothing.
async fn rejects_bad_input(client: &McpClient, id: &str) {
    let message = tool_error(
        &call(
            client,
            "add_task",
            json!({
                "title": "Sometimes",
                "dueAt": "2030-01-07T09:00:00Z",
                "recurrence": { "rrule": "FREQ=SOMETIMES" },
            }),
        )
        .await,
    );
    assert!(message.contains("recurrence"), "{message}");
    assert!(message.contains("call the tool again"), "{message}");

    let message = tool_error(
        &call(
            client,
            "add_task",
            json!({ "title": "On Mars", "timeZone": "Mars/Olympus" }),
        )
        .await,
    );
    assert!(message.contains("timeZone"), "{message}");

    let message = tool_error(
        &call(
            client,
            "add_task",
            json!({ "title": "Never starts", "recurrence": { "preset": "DAILY" } }),
        )
        .await,
    );
    assert!(message.to_lowercase().contains("due"), "{message}");

    let message = tool_error(
        &call(
            client,
            "add_task",
            json!({ "title": "Typo", "due_date": "2030-01-07T09:00:00Z" }),
        )
        .await,
    );
    assert!(message.contains("due_date"), "{message}");

    let message = tool_error(
        &call(
            client,
            "update_task",
            json!({ "id": id, "dueAt": "next Tuesday" }),
        )
        .await,
    );
    assert!(message.contains("RFC 3339"), "{message}");

    let message = tool_error(
        &call(
            client,
            "add_task",
            json!({ "title": "Whenever", "priority": "SOMEDAY" }),
        )
        .await,
    );
    assert!(
        message.contains("SOMEDAY") && message.contains("URGENT"),
        "{message}"
    );

    let message = tool_error(&call(client, "get_task", json!({ "id": "not-a-uuid" })).await);
    assert!(message.contains("id"), "{message}");

    let page = ok(&call(client, "list_tasks", json!({ "search": "Sometimes" })).await);
    assert_eq!(page["totalCount"], 0, "a refused task is not created");
}

/// Another user's task behaves exactly like a missing one, for every tool, and stays
/// untouched.
async fn cannot_touch_another_users_task(client: &McpClient, api: &TestApi, stranger: &str) {
    let theirs = api.create_task(stranger, "Their secret task").await;
    for (tool, arguments) in [
        ("get_task", json!({ "id": theirs })),
        ("update_task", json!({ "id": theirs, "title": "Mine now" })),
        ("complete_task", json!({ "id": theirs })),
        ("uncomplete_task", json!({ "id": theirs })),
        ("delete_task", json!({ "id": theirs })),
    ] {
        let message = tool_error(&call(client, tool, arguments).await);
        assert!(message.contains("No task with id"), "{tool}: {message}");
    }
    let page = ok(&call(client, "list_tasks", json!({ "search": "secret" })).await);
    assert_eq!(page["totalCount"], 0);
    let task = api.task(stranger, &theirs).await;
    assert_eq!(task["title"], "Their secret task");
    assert_eq!(task["completed"], false);
}

/// The history and notification tools work once the API has those queries, and say
/// plainly that they are not supported before that; either way without inventing data.
async fn reports_history_and_notifications(
    client: &McpClient,
    api: &TestApi,
    owner: &str,
    id: &str,
) {
    let history = call(client, "get_task_history", json!({ "id": id })).await;
    if api.has_field(owner, "Task", "history").await {
        let page = ok(&history);
        assert_eq!(page["taskId"], id);
        let entries = page["entries"].as_array().unwrap();
        assert!(!entries.is_empty());
        let actions: Vec<&str> = entries
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        for action in ["CREATE", "UPDATE", "COMPLETE", "UNCOMPLETE"] {
            assert!(
                actions.contains(&action),
                "{action} is missing from {actions:?}"
            );
        }
        assert!(
            entries.iter().all(|entry| entry["source"] == "MCP"),
            "changes made through MCP are recorded with source MCP: {entries:?}"
        );
    } else {
        let message = tool_error(&history);
        assert!(
            message.contains("does not support task history yet"),
            "{message}"
        );
    }

    let notifications = call(client, "list_notifications", json!({ "unreadOnly": true })).await;
    if api.has_field(owner, "Query", "notifications").await {
        let page = ok(&notifications);
        assert!(page["notifications"].is_array());
    } else {
        let message = tool_error(&notifications);
        assert!(
            message.contains("does not support notifications yet"),
            "{message}"
        );
    }
}

/// Both prompts are offered; plan_my_day pins "today" to the user's zone and leads to
/// list_tasks.
pub async fn offers_prompts(client: &McpClient) {
    let prompts = client.list_all_prompts().await.unwrap();
    let names: BTreeSet<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert!(
        names.contains("recurrence_guide") && names.contains("plan_my_day"),
        "{names:?}"
    );

    let guide = client
        .get_prompt(
            GetPromptRequestParams::new("recurrence_guide").with_arguments(
                json!({ "phrase": "every other Monday" })
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        )
        .await
        .unwrap();
    let guide = serde_json::to_string(&guide.messages).unwrap();
    for expected in [
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        "BYMONTHDAY=-1",
        "WEEKDAYS",
        "URGENT",
        "ASAP",
    ] {
        assert!(guide.contains(expected), "the guide lacks {expected}");
    }

    let plan = client
        .get_prompt(
            GetPromptRequestParams::new("plan_my_day").with_arguments(
                json!({ "timeZone": "Europe/Berlin", "date": "2030-07-01" })
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        )
        .await
        .unwrap();
    let plan = serde_json::to_string(&plan.messages).unwrap();
    assert!(plan.contains("list_tasks"), "{plan}");
    assert!(plan.contains("2030-07-01T00:00:00+02:00"), "{plan}");
}

/// One declared bound of a tool's top-level argument.
struct Bound {
    tool: String,
    argument: String,
    /// The schema keyword, e.g. `maximum`.
    keyword: &'static str,
    limit: u64,
}

/// Every numeric and length bound the tools declare, read from `tools/list` as an agent
/// sees it.
fn declared_bounds(tools: &[rmcp::model::Tool]) -> Vec<Bound> {
    let mut bounds = Vec::new();
    for tool in tools {
        // list_labels takes no arguments, so its schema has no properties.
        let properties = tool
            .input_schema
            .get("properties")
            .and_then(Value::as_object);
        for (argument, schema) in properties.into_iter().flatten() {
            for keyword in ["minimum", "maximum", "minLength", "maxLength"] {
                if let Some(limit) = schema[keyword].as_u64() {
                    bounds.push(Bound {
                        tool: tool.name.to_string(),
                        argument: argument.clone(),
                        keyword,
                        limit,
                    });
                }
            }
        }
    }
    bounds
}

/// A value just inside (`inside`) or just outside the bound.
fn value_at(bound: &Bound, inside: bool) -> Value {
    let limit = i64::try_from(bound.limit).unwrap();
    let step = match (bound.keyword, inside) {
        (_, true) => 0,
        ("minimum" | "minLength", false) => -1,
        _ => 1,
    };
    let value = limit + step;
    if bound.keyword.ends_with("Length") {
        json!("x".repeat(usize::try_from(value).unwrap()))
    } else {
        json!(value)
    }
}

/// Arguments outside a tool's declared input schema are refused before the tool runs,
/// with an `isError` result that names the argument and what it must be; values at the
/// declared bounds are accepted. Driven by the schemas the client lists, so a bound
/// added later is covered too.
pub async fn refuses_arguments_outside_the_schema(client: &McpClient) {
    let tools = client.list_all_tools().await.unwrap();
    let task = ok(&call(client, "add_task", json!({ "title": "Bounds" })).await);
    let id = task["id"].as_str().unwrap();
    // A reminder to snooze needs a due date.
    let dated = ok(&call(
        client,
        "add_task",
        json!({ "title": "Bounds with a date", "dueAt": "2030-01-07T09:00:00Z" }),
    )
    .await);
    let dated = dated["id"].as_str().unwrap();
    // The required arguments; the task is real so that in-range calls can succeed.
    // The smallest valid call of each tool, leaving room for `argument`: add_task takes
    // a title or a text, not both.
    let base = |tool: &str, argument: &str| match tool {
        "add_task" if argument == "text" => json!({}),
        "add_task" => json!({ "title": "Bounds" }),
        "snooze_task" => json!({ "id": dated }),
        "create_project" => json!({ "name": "Bounds" }),
        "list_tasks" | "list_notifications" | "list_projects" | "list_labels" => json!({}),
        _ => json!({ "id": id }),
    };

    let bounds = declared_bounds(&tools);
    let described: BTreeSet<(&str, &str)> = bounds
        .iter()
        .map(|b| (b.tool.as_str(), b.argument.as_str()))
        .collect();
    for expected in [
        ("list_tasks", "first"),
        ("list_notifications", "first"),
        ("get_task_history", "first"),
        ("add_task", "title"),
        ("add_task", "description"),
        ("add_task", "remindBeforeMinutes"),
        ("update_task", "title"),
        ("update_task", "description"),
        ("update_task", "category"),
        ("update_task", "remindBeforeMinutes"),
        ("create_project", "name"),
    ] {
        assert!(
            described.contains(&expected),
            "{expected:?} declares no bound"
        );
    }

    for bound in &bounds {
        let mut arguments = base(&bound.tool, &bound.argument);
        arguments[&bound.argument] = value_at(bound, false);
        let refused = call(client, &bound.tool, arguments).await;
        let message = tool_error(&refused);
        assert!(
            message.starts_with(&format!("Invalid argument `{}`", bound.argument)),
            "{} {} {}: {message}",
            bound.tool,
            bound.argument,
            bound.keyword
        );

        let mut arguments = base(&bound.tool, &bound.argument);
        arguments[&bound.argument] = value_at(bound, true);
        let accepted = call(client, &bound.tool, arguments).await;
        assert!(
            !text(&accepted).starts_with("Invalid argument"),
            "{} {} at its {}: {}",
            bound.tool,
            bound.argument,
            bound.keyword,
            text(&accepted)
        );
    }

    // The issue's own example, spelled out.
    for first in [0, 1000] {
        let message = tool_error(&call(client, "list_tasks", json!({ "first": first })).await);
        assert_eq!(
            message,
            format!(
                "Invalid argument `first`: must be between 1 and 200, got {first}. Correct it \
                 and call the tool again."
            )
        );
    }
    for first in [1, 200] {
        let page = ok(&call(client, "list_tasks", json!({ "first": first })).await);
        assert!(!page["tasks"].as_array().unwrap().is_empty());
    }

    // Unknown argument names, for every tool; the id is a task that does not exist, so
    // a tool that ran anyway would say "No task" rather than name the argument.
    for tool in &tools {
        let mut arguments = base(&tool.name, "");
        if arguments.get("id").is_some() {
            arguments["id"] = json!("01970f3a-5b6c-7d8e-9f00-112233445566");
        }
        arguments["dueDateTypo"] = json!("2030-01-07T09:00:00Z");
        let message = tool_error(&call(client, &tool.name, arguments).await);
        assert!(
            message.starts_with("Invalid argument `dueDateTypo`: there is no such argument"),
            "{}: {message}",
            tool.name
        );
    }

    let before = ok(&call(client, "get_task", json!({ "id": id })).await);
    // Values of the wrong type or outside an enum, and a null where none is declared.
    for (tool, arguments, expected) in [
        (
            "list_tasks",
            json!({ "first": "10" }),
            "Invalid argument `first`: must be an integer or null, got \"10\"",
        ),
        (
            "list_tasks",
            json!({ "orderBy": "DUE" }),
            "Invalid argument `orderBy`: must be one of",
        ),
        (
            "add_task",
            json!({ "title": "x", "recurrence": { "preset": "HOURLY" } }),
            "Invalid argument `recurrence.preset`: must be one of",
        ),
        (
            "update_task",
            json!({ "id": id, "title": null }),
            "Invalid argument `title`: must be a string, got null",
        ),
        (
            "add_task",
            json!({}),
            "Invalid argument `title`: give either `title` (with the other fields) or `text`",
        ),
    ] {
        let message = tool_error(&call(client, tool, arguments).await);
        assert!(message.starts_with(expected), "{tool}: {message}");
    }
    let after = ok(&call(client, "get_task", json!({ "id": id })).await);
    assert_eq!(after, before, "a refused update changes nothing");
}
