//! GraphQL over HTTP: POST with a JSON body, GET with query parameters (queries only).

use async_graphql::Executor as _;
use async_graphql::parser::types::{OperationType, Selection};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::OptionalActor;
use super::detached::DetachedExecutor;
use crate::graphql::documents::ParsedDocuments;
use crate::graphql::operation::{operation_type, selected_operation};
use crate::graphql::{code, ensure_codes, request_error_body};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

pub async fn handle(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    OptionalActor(actor): OptionalActor,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let parsed = if method == Method::GET {
        parse_get(query.as_deref().unwrap_or_default(), &state.documents)
    } else {
        parse_post(&headers, body, &state.documents)
    };
    let mut request = match parsed {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };

    let introspection_only = is_introspection_only(&mut request);
    if let Some(actor) = actor {
        request = request.data(actor);
    }
    // Introspection documents (GraphiQL's, codegen's) nest deeper than any ordinary
    // query is allowed to; they run against a schema with a looser depth limit and can
    // resolve nothing but introspection fields.
    let schema = if introspection_only {
        request = request.only_introspection();
        state.introspection_schema.clone()
    } else {
        state.schema.clone()
    };
    let mut response = state
        .graphql_metrics
        .meter(
            state
                .query_limits
                .guard(state.introspection_sizes, DetachedExecutor(schema)),
        )
        .execute(request)
        .await;
    ensure_codes(&mut response.errors);

    let wants_graphql_media = accepts(&headers, GRAPHQL_RESPONSE_JSON);
    // A request that never reached execution (syntax, validation) has no `data` at all;
    // with the GraphQL response media type it is also a 400. Plain JSON clients get 200.
    let executed = response.data != async_graphql::Value::Null
        || response.errors.iter().any(|error| !error.path.is_empty());
    let status = if wants_graphql_media && !executed && response.is_err() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let envelope = Envelope {
        // A request that was never executed has no `data` at all.
        data: (executed || !wants_graphql_media).then_some(&response.data),
        errors: &response.errors,
        extensions: &response.extensions,
    };
    let body = match serde_json::to_vec(&envelope) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "cannot serialise a GraphQL response");
            return RequestError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                code::INTERNAL,
                "internal error",
            )
            .into_response();
        }
    };
    let content_type = if wants_graphql_media {
        GRAPHQL_RESPONSE_JSON
    } else {
        "application/json"
    };
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// The response body. Serialised straight from the engine's values, so fields keep the
/// order of the selection set.
#[derive(serde::Serialize)]
struct Envelope<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

/// True when every root field of the operation is `__schema`, `__type` or
/// `__typename`. Only documents that mention introspection are parsed for this.
fn is_introspection_only(request: &mut async_graphql::Request) -> bool {
    if !request.query.contains("__schema") && !request.query.contains("__type") {
        return false;
    }
    let requested = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    let Some((_, operation)) = selected_operation(document, requested.as_deref()) else {
        return false;
    };
    operation.node.ty == OperationType::Query
        && operation
            .node
            .selection_set
            .node
            .items
            .iter()
            .all(|selection| match &selection.node {
                Selection::Field(field) => matches!(
                    field.node.name.node.as_str(),
                    "__schema" | "__type" | "__typename"
                ),
                Selection::FragmentSpread(_) | Selection::InlineFragment(_) => false,
            })
}

fn parse_post(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    documents: &ParsedDocuments,
) -> Result<async_graphql::Request, RequestError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/json")
        && !content_type.starts_with(GRAPHQL_RESPONSE_JSON)
    {
        return Err(RequestError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::BAD_USER_INPUT,
            "send the request as Content-Type: application/json",
        ));
    }
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "the request body is larger than {} bytes",
                super::MAX_BODY_BYTES
            )
        } else {
            rejection.body_text()
        };
        RequestError::new(status, code::BAD_USER_INPUT, message)
    })?;
    if body.trim_ascii_start().starts_with(b"[") {
        return Err(RequestError::new(
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            "batched requests (a JSON array) are not supported: send one request per POST",
        ));
    }
    let request = serde_json::from_slice::<async_graphql::Request>(&body).map_err(|error| {
        RequestError::new(
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            format!("the body is not a GraphQL request: {error}"),
        )
    })?;
    require_query(request, documents)
}

/// The request, with its document parsed (or reused). The engine would report a missing
/// document as a syntax error; it is a malformed request, which GraphQL over HTTP answers
/// with 400.
fn require_query(
    mut request: async_graphql::Request,
    documents: &ParsedDocuments,
) -> Result<async_graphql::Request, RequestError> {
    if request.query.trim().is_empty() {
        return Err(RequestError::new(
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            "the request has no `query`",
        ));
    }
    documents.parse(&mut request);
    Ok(request)
}

fn parse_get(
    query: &str,
    documents: &ParsedDocuments,
) -> Result<async_graphql::Request, RequestError> {
    let request = async_graphql::http::parse_query_string(query).map_err(|error| {
        RequestError::new(
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            format!("invalid GraphQL query parameters: {error}"),
        )
    })?;
    let mut request = require_query(request, documents)?;
    // GET must not change state; mutations go by POST. Documents that do not parse are
    // left to the executor, which reports them in the usual shape.
    if operation_type(&mut request) == Some(OperationType::Mutation) {
        return Err(RequestError {
            allow: Some("POST"),
            ..RequestError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                code::BAD_USER_INPUT,
                "mutations are only accepted by POST",
            )
        });
    }
    Ok(request)
}

fn accepts(headers: &HeaderMap, media_type: &str) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(media_type))
}

/// A request refused before execution, answered in the GraphQL error shape.
struct RequestError {
    status: StatusCode,
    code: &'static str,
    message: String,
    allow: Option<&'static str>,
}

impl RequestError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }
}

impl IntoResponse for RequestError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            axum::Json(request_error_body(self.code, &self.message)),
        )
            .into_response();
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}
