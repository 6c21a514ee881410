//! Counts GraphQL operations by name and type, and errors by `extensions.code`.
//!
//! Operation names come from clients, so the label is bounded: names that are not plain
//! GraphQL names, and every name after the first `MAX_NAMES` seen, count as `other`.
//!
//! The counting wraps the executor rather than being a schema extension: with any
//! extension registered, async-graphql takes a slower path for every field it resolves
//! (a registry lookup and a boxed future per field, two strings per list item), which
//! costs a listing more than the counting itself (docs/performance.md).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures_util::stream::{BoxStream, StreamExt as _};

use super::error::{code, code_of};
use super::operation::selected_operation;
use crate::metrics::{GRAPHQL_ERRORS, GRAPHQL_OPERATIONS};

const MAX_NAMES: usize = 200;
const MAX_NAME_LEN: usize = 64;
const ANONYMOUS: &str = "anonymous";
const OTHER: &str = "other";

/// The operation names seen so far, shared by every executor it meters.
#[derive(Clone, Default)]
pub struct GraphqlMetrics {
    names: Arc<Mutex<HashSet<String>>>,
}

impl GraphqlMetrics {
    /// `executor`, with what it runs counted here.
    pub fn meter<E: Executor>(&self, executor: E) -> Metered<E> {
        Metered {
            executor,
            metrics: self.clone(),
        }
    }

    /// Counts the operation `request` runs. Its document is parsed here, once: the
    /// executor runs this parse. A document that does not parse is not counted; the
    /// executor reports it.
    fn count_operation(&self, request: &mut Request) {
        let requested = request.operation_name.clone();
        let Ok(document) = request.parsed_query() else {
            return;
        };
        let Some((name, operation)) = selected_operation(document, requested.as_deref()) else {
            return;
        };
        let name = name
            .map(|name| name.as_str())
            .or(requested.as_deref())
            .map_or_else(|| ANONYMOUS.to_owned(), |name| self.label(name));
        metrics::counter!(
            GRAPHQL_OPERATIONS,
            "operation" => name,
            "type" => type_label(operation.node.ty)
        )
        .increment(1);
    }

    /// The name as a label: known names pass, new ones while there is room.
    fn label(&self, name: &str) -> String {
        let plain = name.len() <= MAX_NAME_LEN
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !plain {
            return OTHER.to_owned();
        }
        let Ok(mut names) = self.names.lock() else {
            return OTHER.to_owned();
        };
        if names.contains(name) || names.len() < MAX_NAMES {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            OTHER.to_owned()
        }
    }
}

/// Registers the error series of every code at 0.
pub fn register_counters() {
    for code in code::ALL {
        crate::metrics::register_counter(GRAPHQL_ERRORS, &[("code", *code)]);
    }
}

fn count_errors(errors: &[ServerError]) {
    for error in errors {
        let code = code_of(error).to_owned();
        metrics::counter!(GRAPHQL_ERRORS, "code" => code).increment(1);
    }
}

fn type_label(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

/// An executor whose operations and errors are counted.
#[derive(Clone)]
pub struct Metered<E> {
    executor: E,
    metrics: GraphqlMetrics,
}

impl<E: Executor> Executor for Metered<E> {
    async fn execute(&self, mut request: Request) -> Response {
        self.metrics.count_operation(&mut request);
        let response = self.executor.execute(request).await;
        count_errors(&response.errors);
        response
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        self.metrics.count_operation(&mut request);
        self.executor
            .execute_stream(request, session_data)
            .inspect(|response| count_errors(&response.errors))
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bounded() {
        let metrics = GraphqlMetrics::default();
        assert_eq!(metrics.label("ListTasks"), "ListTasks");
        assert_eq!(metrics.label("not a name"), OTHER);
        assert_eq!(metrics.label(&"x".repeat(MAX_NAME_LEN + 1)), OTHER);
        for i in 0..MAX_NAMES {
            metrics.label(&format!("Op{i}"));
        }
        assert_eq!(metrics.label("OneTooMany"), OTHER);
        assert_eq!(metrics.label("ListTasks"), "ListTasks");
    }
}
