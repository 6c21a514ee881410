//! Counts GraphQL operations by name and type, and errors by `extensions.code`.
//!
//! Operation names come from clients, so the label is bounded: names that are not plain
//! GraphQL names, and every name after the first `MAX_NAMES` seen, count as `other`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerResult, Variables};

use super::error::code_of;
use crate::metrics::{GRAPHQL_ERRORS, GRAPHQL_OPERATIONS};

const MAX_NAMES: usize = 200;
const MAX_NAME_LEN: usize = 64;
const ANONYMOUS: &str = "anonymous";
const OTHER: &str = "other";

/// Added to the schema with `.extension(GraphqlMetrics::default())`.
#[derive(Clone, Default)]
pub struct GraphqlMetrics {
    names: Arc<Mutex<HashSet<String>>>,
}

impl ExtensionFactory for GraphqlMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerRequest {
            names: self.names.clone(),
            operation_name: Mutex::new(None),
        })
    }
}

struct PerRequest {
    names: Arc<Mutex<HashSet<String>>>,
    /// The `operationName` the client asked for, if any.
    operation_name: Mutex<Option<String>>,
}

impl PerRequest {
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

/// The operation that will run, by the requested name or as the only one.
fn chosen_operation(
    document: &ExecutableDocument,
    requested: Option<&str>,
) -> Option<(Option<String>, OperationType)> {
    match (&document.operations, requested) {
        (DocumentOperations::Single(op), requested) => {
            Some((requested.map(str::to_owned), op.node.ty))
        }
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.get(name).map(|op| (Some(name.to_owned()), op.node.ty))
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops
            .iter()
            .next()
            .map(|(name, op)| (Some(name.to_string()), op.node.ty)),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

fn type_label(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

#[async_trait::async_trait]
impl Extension for PerRequest {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Ok(mut slot) = self.operation_name.lock() {
            slot.clone_from(&request.operation_name);
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let requested = self.operation_name.lock().ok().and_then(|n| n.clone());
        if let Some((name, ty)) = chosen_operation(&document, requested.as_deref()) {
            let name = name.map_or_else(|| ANONYMOUS.to_owned(), |n| self.label(&n));
            metrics::counter!(GRAPHQL_OPERATIONS, "operation" => name, "type" => type_label(ty))
                .increment(1);
        }
        Ok(document)
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        for error in &response.errors {
            let code = code_of(error).to_owned();
            metrics::counter!(GRAPHQL_ERRORS, "code" => code).increment(1);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bounded() {
        let extension = PerRequest {
            names: Arc::default(),
            operation_name: Mutex::new(None),
        };
        assert_eq!(extension.label("ListTasks"), "ListTasks");
        assert_eq!(extension.label("not a name"), OTHER);
        assert_eq!(extension.label(&"x".repeat(MAX_NAME_LEN + 1)), OTHER);
        for i in 0..MAX_NAMES {
            extension.label(&format!("Op{i}"));
        }
        assert_eq!(extension.label("OneTooMany"), OTHER);
        assert_eq!(extension.label("ListTasks"), "ListTasks");
    }

    #[test]
    fn the_operation_that_runs_is_the_one_counted() {
        let document = async_graphql::parser::parse_query(
            "query A { me { id } } mutation B { clearNotifications }",
        )
        .unwrap();
        let (name, ty) = chosen_operation(&document, Some("B")).unwrap();
        assert_eq!((name.as_deref(), ty), (Some("B"), OperationType::Mutation));
        assert!(chosen_operation(&document, None).is_none());
        let single = async_graphql::parser::parse_query("{ me { id } }").unwrap();
        assert_eq!(
            chosen_operation(&single, None),
            Some((None, OperationType::Query))
        );
    }
}
