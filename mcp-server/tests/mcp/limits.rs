//! The documents the MCP server sends, held to the API's limits on what one document
//! may ask for (aliases, fields, depth, complexity) with the API's default settings.

use serde_json::{Value, json};

use crate::helpers::start_api;

/// The refusal in `response` by a limit, if any; other errors (these documents are sent
/// without their variables) do not count.
fn over_a_limit(response: &Value) -> Option<String> {
    response["errors"]
        .as_array()?
        .iter()
        .find(|error| {
            let message = error["message"].as_str().unwrap_or_default();
            error["extensions"]["limit"].is_string()
                || message.contains("too complex")
                || message.contains("nested too deep")
        })
        .map(Value::to_string)
}

#[tokio::test]
async fn every_document_the_mcp_server_sends_is_within_the_apis_limits() {
    let api = start_api().await;
    let token = api.user_token("ada@example.com", "WRITE").await;
    let documents = mcp_server::operations::documents();
    assert!(documents.len() >= 17);
    for (name, document) in documents {
        let response = api.graphql(&token, &document, json!({})).await;
        if let Some(refusal) = over_a_limit(&response) {
            panic!("{name} is refused by a limit: {refusal}");
        }
    }
}
