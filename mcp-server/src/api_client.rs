//! The GraphQL client. Every tool call becomes one GraphQL operation sent with the
//! user's own API token, so validation, authorization and the audit trail stay in the
//! API; this client only carries requests and classifies the answers.

use std::fmt;
use std::time::Duration;

use cynic::{GraphQlError, GraphQlResponse, Operation};
use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret as _, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Names the channel of every change made through this server, for the audit trail.
const SOURCE_HEADER: &str = "x-todo-source";
const SOURCE: &str = "mcp";
const REQUEST_ID_HEADER: &str = "x-request-id";
/// Names the MCP server forwarding a request (its public URL): the API accepts an
/// agent's OAuth token only with the resource it was issued for.
const RESOURCE_HEADER: &str = "x-todo-resource";

/// An API token (or session token) of one user. Never printed: `Debug` hides it and
/// there is no `Display`.
#[derive(Clone, Debug)]
pub struct ApiToken(SecretString);

impl ApiToken {
    /// `None` for text that cannot be a bearer token (empty, or with spaces or control
    /// characters), so a malformed header is refused before it reaches the API.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let valid = !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic());
        valid.then(|| Self(text.into()))
    }

    /// The token from an `Authorization: Bearer <token>` header value.
    pub fn from_authorization(header: &str) -> Option<Self> {
        let (scheme, token) = header.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        Self::parse(token)
    }

    /// Personal API tokens start with `todo_`; anything else is probably a session token,
    /// which expires within hours.
    pub fn is_personal_api_token(&self) -> bool {
        self.0.expose_secret().starts_with("todo_")
    }

    fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl PartialEq for ApiToken {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for ApiToken {}

/// Why an operation failed, classified by the API's `extensions.code`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The token is missing, malformed, expired or revoked.
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    /// The token is valid but may not do this (a READ token attempting a change).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such object for this user (another user's object looks exactly the same).
    #[error("not found: {0}")]
    NotFound(String),
    /// The API refused an argument; `field` names it when the API says which.
    #[error("invalid input: {message}")]
    BadUserInput {
        message: String,
        field: Option<String>,
    },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("rate limited: {message}")]
    RateLimited {
        message: String,
        retry_after_seconds: Option<u64>,
    },
    /// The API's schema has no such field, argument or type: it is an older (or newer)
    /// version than this server expects.
    #[error("the API does not support this operation: {0}")]
    UnknownField(String),
    #[error("the API failed: {message}")]
    Internal {
        message: String,
        request_id: Option<String>,
    },
    #[error("cannot reach the API at {url}")]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// An answer this client cannot read: a proxy's error page, a changed shape.
    #[error("unexpected answer from the API: {0}")]
    Protocol(String),
}

/// A client for one API; cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    endpoint: Url,
    /// The resource this client forwards requests for, if it serves one over HTTP.
    resource: Option<HeaderValue>,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("endpoint", &self.endpoint.as_str())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientSetupError {
    #[error("TODO_API_URL: {0}")]
    InvalidUrl(String),
    #[error("TODO_API_CA_CERT: {0}")]
    CaCert(String),
    #[error("cannot build the HTTP client")]
    Http(#[from] reqwest::Error),
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorExtensions {
    code: Option<String>,
    field: Option<String>,
    retry_after_seconds: Option<u64>,
}

impl ApiClient {
    /// `base_url` is the service's base URL (`http://127.0.0.1:8080`); a URL that already
    /// ends in `/graphql` is accepted as well.
    pub fn new(base_url: &str) -> Result<Self, ClientSetupError> {
        Self::with_extra_roots(base_url, None)
    }

    /// Like `new`; for an https URL, the certificates in `extra_roots_pem` (a PEM bundle)
    /// are trusted besides the system's roots.
    pub fn with_extra_roots(
        base_url: &str,
        extra_roots_pem: Option<&[u8]>,
    ) -> Result<Self, ClientSetupError> {
        let endpoint = graphql_endpoint(base_url)?;
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("todo-mcp/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = extra_roots_pem {
            let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                ClientSetupError::CaCert(format!("not a PEM certificate bundle ({e})"))
            })?;
            if certificates.is_empty() {
                return Err(ClientSetupError::CaCert("holds no certificate".to_owned()));
            }
            builder = builder.tls_certs_merge(certificates);
        }
        Ok(Self {
            http: builder.build()?,
            endpoint,
            resource: None,
        })
    }

    /// This client, naming `resource` (the MCP server's public URL) on every request.
    pub fn forwarding_for(mut self, resource: &str) -> Self {
        self.resource = HeaderValue::from_str(resource).ok();
        self
    }

    pub fn endpoint(&self) -> &str {
        self.endpoint.as_str()
    }

    /// Runs one GraphQL operation as the token's user and decodes its `data`.
    pub async fn execute<ResponseData, Variables>(
        &self,
        token: &ApiToken,
        operation: Operation<ResponseData, Variables>,
    ) -> Result<ResponseData, ApiError>
    where
        ResponseData: DeserializeOwned,
        Variables: Serialize,
    {
        let mut request = self
            .http
            .post(self.endpoint.clone())
            .bearer_auth(token.expose())
            .header(SOURCE_HEADER, SOURCE)
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(resource) = &self.resource {
            request = request.header(RESOURCE_HEADER, resource.clone());
        }
        let response = request
            .json(&operation)
            .send()
            .await
            .map_err(|source| self.unreachable(source))?;
        let status = response.status();
        let request_id = response
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .bytes()
            .await
            .map_err(|source| self.unreachable(source))?;
        // The envelope first, with `data` still raw: the errors decide the outcome even
        // when the data that came with them does not fit the selection.
        let envelope: GraphQlResponse<Value, ErrorExtensions> = match serde_json::from_slice(&body)
        {
            Ok(envelope) => envelope,
            Err(_) if status == StatusCode::UNAUTHORIZED => {
                return Err(ApiError::Unauthenticated("the token was refused".into()));
            }
            Err(error) => {
                return Err(ApiError::Protocol(format!(
                    "HTTP {status}, body is not a GraphQL response ({error})"
                )));
            }
        };
        if let Some(error) = envelope.errors.into_iter().flatten().next() {
            return Err(classify(error, request_id));
        }
        let data = envelope
            .data
            .ok_or_else(|| ApiError::Protocol(format!("HTTP {status} without data or errors")))?;
        serde_json::from_value(data).map_err(|error| {
            ApiError::Protocol(format!("the data has an unexpected shape: {error}"))
        })
    }

    /// Checks that the API accepts the token.
    pub async fn verify(&self, token: &ApiToken) -> Result<(), ApiError> {
        self.execute(token, crate::operations::me()).await.map(drop)
    }

    fn unreachable(&self, source: reqwest::Error) -> ApiError {
        ApiError::Unreachable {
            url: self.endpoint.to_string(),
            source,
        }
    }
}

fn graphql_endpoint(base_url: &str) -> Result<Url, ClientSetupError> {
    let trimmed = base_url.trim().trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/graphql").unwrap_or(trimmed);
    let url = Url::parse(&format!("{trimmed}/graphql")).map_err(|error| {
        ClientSetupError::InvalidUrl(format!("{base_url:?} is not a URL ({error})"))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ClientSetupError::InvalidUrl(format!(
            "{base_url:?} must be an http:// or https:// URL"
        )));
    }
    Ok(url)
}

fn classify(error: GraphQlError<ErrorExtensions>, request_id: Option<String>) -> ApiError {
    let message = error.message;
    let extensions = error.extensions.unwrap_or_default();
    match extensions.code.as_deref() {
        Some("UNAUTHENTICATED") => ApiError::Unauthenticated(message),
        Some("FORBIDDEN") => ApiError::Forbidden(message),
        Some("NOT_FOUND") => ApiError::NotFound(message),
        Some("CONFLICT") => ApiError::Conflict(message),
        Some("RATE_LIMITED") => ApiError::RateLimited {
            message,
            retry_after_seconds: extensions.retry_after_seconds,
        },
        // The engine refused the operation itself: this server and the API disagree on
        // the schema; the agent's arguments were checked before they were sent.
        Some("GRAPHQL_VALIDATION_FAILED") => ApiError::UnknownField(message),
        Some("BAD_USER_INPUT") => ApiError::BadUserInput {
            message,
            field: extensions.field,
        },
        _ => ApiError::Internal {
            message,
            request_id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: Option<&str>, message: &str) -> GraphQlError<ErrorExtensions> {
        let extensions = ErrorExtensions {
            code: code.map(str::to_owned),
            field: Some("input.title".into()),
            retry_after_seconds: Some(7),
        };
        GraphQlError::new(message.into(), None, None, Some(extensions))
    }

    #[test]
    fn tokens_never_show_in_debug_output() {
        let token = ApiToken::parse("todo_secret").unwrap();
        assert!(!format!("{token:?}").contains("secret"));
    }

    #[test]
    fn bearer_headers_are_parsed_strictly() {
        assert!(ApiToken::from_authorization("Bearer todo_abc").is_some());
        assert!(ApiToken::from_authorization("bearer todo_abc").is_some());
        assert!(ApiToken::from_authorization("Basic dXNlcjpwYXNz").is_none());
        assert!(ApiToken::from_authorization("Bearer ").is_none());
        assert!(ApiToken::from_authorization("Bearer a b").is_none());
        assert!(ApiToken::from_authorization("todo_abc").is_none());
    }

    #[test]
    fn the_endpoint_is_derived_from_the_base_url() {
        for base in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080/graphql",
        ] {
            assert_eq!(
                graphql_endpoint(base).unwrap().as_str(),
                "http://127.0.0.1:8080/graphql"
            );
        }
        assert_eq!(
            graphql_endpoint("http://todo-api:8080/api")
                .unwrap()
                .as_str(),
            "http://todo-api:8080/api/graphql"
        );
        assert_eq!(
            graphql_endpoint("https://todo.example").unwrap().as_str(),
            "https://todo.example/graphql"
        );
        assert!(graphql_endpoint("ftp://todo.example").is_err());
        assert!(graphql_endpoint("not a url").is_err());
    }

    #[test]
    fn error_codes_are_classified() {
        assert!(matches!(
            classify(error(Some("NOT_FOUND"), "task not found"), None),
            ApiError::NotFound(_)
        ));
        assert!(matches!(
            classify(error(Some("FORBIDDEN"), "read-only token"), None),
            ApiError::Forbidden(_)
        ));
        assert!(matches!(
            classify(error(Some("BAD_USER_INPUT"), "title is empty"), None),
            ApiError::BadUserInput { field: Some(f), .. } if f == "input.title"
        ));
        assert!(matches!(
            classify(error(Some("RATE_LIMITED"), "slow down"), None),
            ApiError::RateLimited {
                retry_after_seconds: Some(7),
                ..
            }
        ));
        assert!(matches!(
            classify(
                error(Some("INTERNAL"), "internal error"),
                Some("req-1".into())
            ),
            ApiError::Internal { request_id: Some(id), .. } if id == "req-1"
        ));
    }

    #[test]
    fn queries_the_schema_lacks_are_told_apart_from_bad_arguments() {
        let unknown = error(
            Some("GRAPHQL_VALIDATION_FAILED"),
            r#"Unknown field "notifications" on type "Query"."#,
        );
        assert!(matches!(classify(unknown, None), ApiError::UnknownField(_)));
        // Told apart by the code, not by the wording.
        let refused = error(Some("BAD_USER_INPUT"), "Unknown field in the title");
        assert!(matches!(
            classify(refused, None),
            ApiError::BadUserInput { .. }
        ));
    }
}
