//! A minimal GraphQL client: one POST per operation over a shared keep-alive
//! `reqwest::Client`. Any response carrying `errors` counts as a failure.

use std::sync::Arc;

use anyhow::{Context as _, anyhow};
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::{Value, json};

#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    url: Arc<str>,
    token: Option<Arc<str>>,
}

#[derive(Deserialize)]
struct Response<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GraphQlError>,
}

#[derive(Deserialize)]
struct GraphQlError {
    message: String,
    #[serde(default)]
    extensions: Extensions,
}

#[derive(Deserialize, Default)]
struct Extensions {
    code: Option<String>,
}

impl Api {
    pub fn new(client: reqwest::Client, base_url: &str) -> Self {
        Self {
            client,
            url: format!("{base_url}/graphql").into(),
            token: None,
        }
    }

    pub fn signed_in(&self, token: &str) -> Self {
        Self {
            token: Some(token.into()),
            ..self.clone()
        }
    }

    pub async fn call<T: DeserializeOwned>(
        &self,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<T> {
        let mut request = self
            .client
            .post(&*self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.context("sending the request")?;
        let status = response.status();
        let body = response.bytes().await.context("reading the response")?;
        match serde_json::from_slice::<Response<T>>(&body) {
            Ok(Response {
                data: Some(data),
                errors,
            }) if errors.is_empty() && status.is_success() => Ok(data),
            _ => Err(describe_failure(status, &body)),
        }
    }
}

/// The GraphQL errors of a failed response, or the start of its body if it has none.
fn describe_failure(status: reqwest::StatusCode, body: &[u8]) -> anyhow::Error {
    match serde_json::from_slice::<Response<IgnoredAny>>(body) {
        Ok(response) if !response.errors.is_empty() => {
            let errors: Vec<String> = response
                .errors
                .iter()
                .map(|error| {
                    let code = error.extensions.code.as_deref().unwrap_or("NO_CODE");
                    format!("{code}: {}", error.message)
                })
                .collect();
            anyhow!("HTTP {status}: {}", errors.join("; "))
        }
        _ => {
            let text = String::from_utf8_lossy(body);
            anyhow!(
                "HTTP {status}: {}",
                text.chars().take(200).collect::<String>()
            )
        }
    }
}
