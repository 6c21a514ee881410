//! GraphQL over HTTP: POST with a JSON body, GET with query parameters (queries only).

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::auth::OptionalActor;
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
        parse_get(query.as_deref().unwrap_or_default())
    } else {
        parse_post(&headers, body)
    };
    let request = match parsed {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };

    let mut request = request.data(state.services.clone());
    if let Some(actor) = actor {
        request = request.data(actor);
    }
    let mut response = state.schema.execute(request).await;
    ensure_codes(&mut response.errors);

    let wants_graphql_media = accepts(&headers, GRAPHQL_RESPONSE_JSON);
    // With the GraphQL response media type, a request that never reached execution
    // (syntax, validation) is a 400; plain JSON clients always get 200.
    let status = if wants_graphql_media
        && response.data == async_graphql::Value::Null
        && response.is_err()
    {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    match serde_json::to_vec(&response) {
        Ok(body) => {
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
        Err(error) => {
            tracing::error!(%error, "cannot serialise a GraphQL response");
            RequestError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                code::INTERNAL,
                "internal error",
            )
            .into_response()
        }
    }
}

pub async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .finish(),
    )
}

fn parse_post(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
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
    serde_json::from_slice::<async_graphql::Request>(&body).map_err(|error| {
        RequestError::new(
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            format!("the body is not a GraphQL request: {error}"),
        )
    })
}

fn parse_get(query: &str) -> Result<async_graphql::Request, RequestError> {
    let request = async_graphql::http::parse_query_string(query).map_err(|error| {
        RequestError::new(
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            format!("invalid GraphQL query parameters: {error}"),
        )
    })?;
    // GET must not change state; mutations go by POST. Documents that do not parse are
    // left to the executor, which reports them in the usual shape.
    if let Ok(document) = async_graphql::parser::parse_query(&request.query) {
        let operation_type = match (&document.operations, request.operation_name.as_deref()) {
            (DocumentOperations::Single(op), _) => Some(op.node.ty),
            (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
            (DocumentOperations::Multiple(_), None) => None,
        };
        if operation_type == Some(OperationType::Mutation) {
            return Err(RequestError {
                allow: Some("POST"),
                ..RequestError::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    code::BAD_USER_INPUT,
                    "mutations are only accepted by POST",
                )
            });
        }
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
