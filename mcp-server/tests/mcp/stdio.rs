use std::process::Stdio;

use tokio::process::Command;

use crate::helpers::{TODO_MCP, start_api, stdio_client};
use crate::scenario;

#[tokio::test]
async fn an_agent_manages_projects_labels_and_recurring_tasks_over_stdio() {
    let api = start_api().await;
    let owner = api.user_token("ada@example.com", "WRITE").await;
    let stranger = api.user_token("eve@example.com", "WRITE").await;
    let client = stdio_client(&api.url, &owner).await;

    scenario::lists_tools_with_schemas_and_annotations(&client).await;
    scenario::organises_tasks_in_projects_with_labels(&client).await;
    scenario::manages_a_recurring_task(&client, &api, &owner, &stranger).await;
    scenario::adds_a_task_from_plain_words(&client).await;
    scenario::refuses_arguments_outside_the_schema(&client).await;
    scenario::offers_prompts(&client).await;

    client.cancel().await.unwrap();
}

#[tokio::test]
async fn stdio_refuses_to_start_with_a_token_the_api_rejects() {
    let api = start_api().await;
    let output = Command::new(TODO_MCP)
        .arg("stdio")
        .env("TODO_API_URL", &api.url)
        .env("TODO_API_TOKEN", "todo_not-a-real-token")
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("TODO_API_TOKEN"), "{stderr}");
    assert!(
        !stderr.contains("not-a-real-token"),
        "the token must not be logged: {stderr}"
    );
    assert!(output.stdout.is_empty(), "stdout belongs to the protocol");
}
