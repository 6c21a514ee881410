//! Which operation of a document a request runs.

use async_graphql::Request;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType,
};
use async_graphql::{Name, Positioned};

/// The operation a request runs, with its name: the only one, or the one it names.
pub fn selected_operation<'a>(
    document: &'a ExecutableDocument,
    requested: Option<&str>,
) -> Option<(Option<&'a Name>, &'a Positioned<OperationDefinition>)> {
    let (name, operation) = match (&document.operations, requested) {
        (DocumentOperations::Single(op), _) => return Some((None, op)),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get_key_value(name)?,
        // A lone named operation runs without being named.
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.iter().next()?,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    Some((Some(name), operation))
}

/// The type of the operation a request runs; `None` when its document does not parse
/// or names no operation it has (the executor reports those). The parsed document stays
/// with the request, so the executor does not parse it again.
pub fn operation_type(request: &mut Request) -> Option<OperationType> {
    let requested = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    selected_operation(document, requested.as_deref()).map(|(_, op)| op.node.ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selected(query: &str, requested: Option<&str>) -> Option<(Option<String>, OperationType)> {
        let document = async_graphql::parser::parse_query(query).unwrap();
        selected_operation(&document, requested)
            .map(|(name, op)| (name.map(ToString::to_string), op.node.ty))
    }

    #[test]
    fn the_operation_that_runs_is_the_one_selected() {
        let two = "query A { me { id } } mutation B { clearNotifications }";
        assert_eq!(
            selected(two, Some("B")),
            Some((Some("B".to_owned()), OperationType::Mutation))
        );
        assert_eq!(selected(two, Some("C")), None);
        assert_eq!(selected(two, None), None);
        assert_eq!(
            selected("query A { me { id } }", None),
            Some((Some("A".to_owned()), OperationType::Query))
        );
        assert_eq!(
            selected("{ me { id } }", Some("ignored")),
            Some((None, OperationType::Query))
        );
    }
}
