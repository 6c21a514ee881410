//! What one document may ask for, checked on the parsed document before the engine
//! validates or runs it.
//!
//! async-graphql's own limits (depth, and complexity with pages weighted by their size)
//! see each field once as written, so a document can repeat a cheap field under a
//! thousand aliases, or select ten thousand fields, and still pass them, and its
//! validation walks every fragment each time it is spread. The walk here visits each
//! fragment once and multiplies, so what a document asks for is counted at the cost of
//! reading it.
//!
//! Introspection fields count towards every limit like any other field. The engine's
//! complexity counts each of them once, though its lists (`types`, `fields`, …) return
//! dozens of items each: thirty aliased copies of a small introspection answered
//! megabytes. So introspection is also weighed here the way the engine weighs a page,
//! each list by the items it returns in this schema (`IntrospectionSizes`), against the
//! same complexity limit. The standard introspection query weighs about what it returns
//! (some 6,000 values), within the default 10,000; two copies are not.

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, SelectionSet,
};
use async_graphql::{ErrorExtensionValues, Executor, Name, Positioned, Request, Response};
use futures_util::stream::{self, BoxStream, StreamExt as _};
use strum::IntoStaticStr;

use super::error::code;

/// The limits every document is held to; `TODO_GRAPHQL_MAX_*` set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Fields selected under an alias, fragments counted each time they are spread.
    pub max_aliases: usize,
    /// Fields selected in all (`__typename` and introspection included), fragments
    /// counted each time they are spread.
    pub max_fields: usize,
    /// The engine's complexity: each field costs 1 plus its selection, and a page costs
    /// its selection times the items it can hold.
    pub max_complexity: usize,
}

impl QueryLimits {
    pub const DEFAULT_MAX_ALIASES: usize = 30;
    pub const DEFAULT_MAX_FIELDS: usize = 1_000;
    pub const DEFAULT_MAX_COMPLEXITY: usize = 10_000;
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            max_aliases: Self::DEFAULT_MAX_ALIASES,
            max_fields: Self::DEFAULT_MAX_FIELDS,
            max_complexity: Self::DEFAULT_MAX_COMPLEXITY,
        }
    }
}

/// A document that asks for more than a limit allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(*limit, *found, *max))]
pub struct LimitExceeded {
    pub limit: Limit,
    pub found: usize,
    pub max: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Limit {
    Aliases,
    Fields,
    /// Introspection, weighed by what it returns, against the complexity limit.
    Complexity,
}

/// How many items each introspection list returns in this schema, in thousandths of an
/// item: all of them for the schema's own lists, on average per parent for the others
/// (a type has 0.3 interfaces, say, and weighing it as one would count a third of the
/// standard query's answer that is never sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntrospectionSizes {
    pub types: usize,
    pub directives: usize,
    pub fields_per_type: usize,
    pub input_fields_per_type: usize,
    pub enum_values_per_type: usize,
    pub interfaces_per_type: usize,
    pub possible_types_per_type: usize,
    pub args_per_field: usize,
    pub args_per_directive: usize,
}

impl IntrospectionSizes {
    /// The document that [`IntrospectionSizes::from_response`] reads.
    pub const QUERY: &'static str = "{ __schema { \
        types { fields(includeDeprecated: true) { args { name } } \
                inputFields { name } enumValues(includeDeprecated: true) { name } \
                interfaces { name } possibleTypes { name } } \
        directives { args { name } } } }";

    /// The sizes of `schema`'s lists, read by introspecting it; `None` if it would not
    /// answer.
    pub async fn of(schema: &super::AppSchema) -> Option<Self> {
        let response = schema
            .execute(Request::new(Self::QUERY).only_introspection())
            .await;
        if response.is_err() {
            return None;
        }
        Self::from_response(&response.data.into_json().ok()?)
    }

    /// The sizes, from the answer to [`IntrospectionSizes::QUERY`].
    pub fn from_response(data: &serde_json::Value) -> Option<Self> {
        let schema = data.get("__schema")?;
        let types = schema.get("types")?.as_array()?;
        let directives = schema.get("directives")?.as_array()?;
        let items = |value: &serde_json::Value, list: &str| {
            value
                .get(list)
                .and_then(|v| v.as_array())
                .map_or(0, Vec::len)
        };
        let total = |list: &str| types.iter().map(|t| items(t, list)).sum::<usize>();
        let fields = total("fields");
        let field_args: usize = types
            .iter()
            .filter_map(|t| t.get("fields").and_then(|f| f.as_array()))
            .flatten()
            .map(|field| items(field, "args"))
            .sum();
        let directive_args: usize = directives.iter().map(|d| items(d, "args")).sum();
        let per = |total: usize, parents: usize| total.saturating_mul(MILLI) / parents.max(1);
        Some(Self {
            types: types.len().saturating_mul(MILLI),
            directives: directives.len().saturating_mul(MILLI),
            fields_per_type: per(fields, types.len()),
            input_fields_per_type: per(total("inputFields"), types.len()),
            enum_values_per_type: per(total("enumValues"), types.len()),
            interfaces_per_type: per(total("interfaces"), types.len()),
            possible_types_per_type: per(total("possibleTypes"), types.len()),
            args_per_field: per(field_args, fields),
            args_per_directive: per(directive_args, directives.len()),
        })
    }

    /// How many thousandths of an item the introspection field `name` returns, if it is
    /// a list of objects; `parent` is the list it is selected in, which tells apart the
    /// two `args`.
    fn list_size(&self, name: &str, parent: Option<&str>) -> Option<usize> {
        Some(match name {
            "types" => self.types,
            "directives" => self.directives,
            "fields" => self.fields_per_type,
            "inputFields" => self.input_fields_per_type,
            "enumValues" => self.enum_values_per_type,
            "interfaces" => self.interfaces_per_type,
            "possibleTypes" => self.possible_types_per_type,
            "args" if parent == Some("directives") => self.args_per_directive,
            "args" => self.args_per_field,
            _ => return None,
        })
    }
}

fn describe(limit: Limit, found: usize, max: usize) -> String {
    match limit {
        Limit::Aliases | Limit::Fields => {
            format!("the document selects {found} {limit}; at most {max} are allowed")
        }
        Limit::Complexity => format!(
            "the document's introspection returns about {found} values; its complexity may \
             be at most {max}"
        ),
    }
}

/// The unit of [`IntrospectionSizes`]: a thousandth of an item.
const MILLI: usize = 1_000;

/// What a selection set asks for once expanded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    fields: usize,
    aliases: usize,
    /// Introspection weighed by what it returns: each field 1 plus its selection, a list
    /// its selection times its items.
    introspection: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.introspection = self.introspection.saturating_add(other.introspection);
    }
}

impl QueryLimits {
    /// Refuses a document whose operations together, fragments expanded, select more
    /// fields or aliases than allowed.
    pub fn check(
        &self,
        document: &ExecutableDocument,
        sizes: &IntrospectionSizes,
    ) -> Result<(), LimitExceeded> {
        let tally = tally(document, sizes);
        if tally.aliases > self.max_aliases {
            return Err(LimitExceeded {
                limit: Limit::Aliases,
                found: tally.aliases,
                max: self.max_aliases,
            });
        }
        if tally.fields > self.max_fields {
            return Err(LimitExceeded {
                limit: Limit::Fields,
                found: tally.fields,
                max: self.max_fields,
            });
        }
        if tally.introspection > self.max_complexity {
            return Err(LimitExceeded {
                limit: Limit::Complexity,
                found: tally.introspection,
                max: self.max_complexity,
            });
        }
        Ok(())
    }

    /// `executor`, with each request's document checked here first.
    pub fn guard<E: Executor>(self, sizes: IntrospectionSizes, executor: E) -> Limited<E> {
        Limited {
            executor,
            limits: self,
            sizes,
        }
    }

    /// The refusal for `request`, if its document exceeds a limit. A document that does
    /// not parse is left to the executor, which reports it.
    fn refusal(&self, request: &mut Request, sizes: &IntrospectionSizes) -> Option<Response> {
        let document = request.parsed_query().ok()?;
        let exceeded = self.check(document, sizes).err()?;
        let mut error = async_graphql::ServerError::new(exceeded.to_string(), None);
        let extensions = error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        extensions.set("code", code::GRAPHQL_VALIDATION_FAILED);
        extensions.set("limit", <&str>::from(exceeded.limit));
        extensions.set("max", exceeded.max);
        Some(Response::from_errors(vec![error]))
    }
}

fn tally(document: &ExecutableDocument, sizes: &IntrospectionSizes) -> Tally {
    let mut walk = Walk {
        definitions: &document.fragments,
        sizes,
        done: HashMap::new(),
    };
    let root = Place::default();
    let mut total = Tally::default();
    match &document.operations {
        DocumentOperations::Single(operation) => {
            total.add(walk.selection_set(&operation.node.selection_set.node, root));
        }
        DocumentOperations::Multiple(operations) => {
            for operation in operations.values() {
                total.add(walk.selection_set(&operation.node.selection_set.node, root));
            }
        }
    }
    total
}

/// Where a selection set is: inside introspection or not, and under which list (which
/// tells the two `args` apart). A fragment's tally depends on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Place<'a> {
    introspection: bool,
    list: Option<&'a str>,
    /// Inside a type reference's `ofType`.
    of_type: bool,
}

/// Walks a document, each fragment tallied once per place however often it is spread.
struct Walk<'a> {
    definitions: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    sizes: &'a IntrospectionSizes,
    /// `None` while a fragment is being tallied: a spread of it inside itself is a
    /// cycle, which the engine's validation refuses; here it counts nothing.
    done: HashMap<(&'a Name, Place<'a>), Option<Tally>>,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet, place: Place<'a>) -> Tally {
        use async_graphql::parser::types::Selection;
        let mut tally = Tally::default();
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let introspection =
                        place.introspection || matches!(name, "__schema" | "__type");
                    let size = introspection
                        .then(|| self.sizes.list_size(name, place.list))
                        .flatten();
                    let of_type = introspection && name == "ofType";
                    let inner = Place {
                        introspection,
                        list: if size.is_some() {
                            Some(name)
                        } else {
                            place.list
                        },
                        of_type: place.of_type || of_type,
                    };
                    let children = self.selection_set(&field.node.selection_set.node, inner);
                    tally.add(Tally {
                        fields: children.fields.saturating_add(1),
                        aliases: children
                            .aliases
                            .saturating_add(usize::from(field.node.alias.is_some())),
                        // Type references are asked for seven or eight `ofType`s deep
                        // and mostly end after one (a named type, or one wrapper): the
                        // chain is weighed one level deep.
                        introspection: if of_type && place.of_type {
                            1
                        } else if introspection {
                            match size {
                                Some(milli) => children.introspection.saturating_mul(milli) / MILLI,
                                None => children.introspection,
                            }
                            .saturating_add(1)
                        } else {
                            children.introspection
                        },
                    });
                }
                Selection::InlineFragment(fragment) => {
                    tally.add(self.selection_set(&fragment.node.selection_set.node, place));
                }
                Selection::FragmentSpread(spread) => {
                    tally.add(self.fragment(&spread.node.fragment_name.node, place));
                }
            }
        }
        tally
    }

    fn fragment(&mut self, name: &'a Name, place: Place<'a>) -> Tally {
        if let Some(known) = self.done.get(&(name, place)) {
            return known.unwrap_or_default();
        }
        // An unknown fragment is the engine's to report.
        let Some(definition) = self.definitions.get(name) else {
            return Tally::default();
        };
        self.done.insert((name, place), None);
        let tally = self.selection_set(&definition.node.selection_set.node, place);
        self.done.insert((name, place), Some(tally));
        tally
    }
}

/// An executor that refuses documents over the limits; see [`QueryLimits::guard`].
#[derive(Clone)]
pub struct Limited<E> {
    executor: E,
    limits: QueryLimits,
    sizes: IntrospectionSizes,
}

impl<E: Executor> Executor for Limited<E> {
    async fn execute(&self, mut request: Request) -> Response {
        match self.limits.refusal(&mut request, &self.sizes) {
            Some(refused) => refused,
            None => self.executor.execute(request).await,
        }
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<std::sync::Arc<async_graphql::Data>>,
    ) -> BoxStream<'static, Response> {
        match self.limits.refusal(&mut request, &self.sizes) {
            Some(refused) => stream::once(async move { refused }).boxed(),
            None => self.executor.execute_stream(request, session_data),
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    const SIZES: IntrospectionSizes = IntrospectionSizes {
        types: 80_000,
        directives: 5_000,
        fields_per_type: 5_000,
        input_fields_per_type: 2_000,
        enum_values_per_type: 2_000,
        interfaces_per_type: 500,
        possible_types_per_type: 100,
        args_per_field: 1_000,
        args_per_directive: 2_000,
    };

    fn tally_of(text: &str) -> Tally {
        tally(
            &parse_query(text).expect("the test's document parses"),
            &SIZES,
        )
    }

    fn check(limits: &QueryLimits, text: &str) -> Result<(), LimitExceeded> {
        limits.check(
            &parse_query(text).expect("the test's document parses"),
            &SIZES,
        )
    }

    #[test]
    fn fields_and_aliases_are_counted_with_fragments_expanded() {
        assert_eq!(
            tally_of("{ me { id a: email } __typename }"),
            Tally {
                fields: 4,
                aliases: 1,
                introspection: 0,
            }
        );
        let spread_twice = "query { me { ...F } b: me { ...F ... on User { id } } }
             fragment F on User { id x: email }";
        assert_eq!(
            tally_of(spread_twice),
            Tally {
                fields: 7,
                aliases: 3,
                introspection: 0,
            }
        );
    }

    #[test]
    fn a_fragment_bomb_is_counted_without_expanding_it() {
        // Each fragment spreads the next twice: 2^40 fields once expanded.
        let mut text = String::from("{ me { ...F0 } }\n");
        for level in 0..40 {
            let next = level + 1;
            text.push_str(&format!(
                "fragment F{level} on User {{ ...F{next} ...F{next} }}\n"
            ));
        }
        text.push_str("fragment F40 on User { id }\n");
        assert_eq!(tally_of(&text).fields, 1 + (1 << 40));
        assert!(check(&QueryLimits::default(), &text).is_err());
    }

    #[test]
    fn cycles_and_unknown_fragments_count_nothing_and_are_left_to_validation() {
        let text = "{ me { ...A ...Missing } }
             fragment A on User { id ...B } fragment B on User { email ...A }";
        assert_eq!(tally_of(text).fields, 3);
    }

    #[test]
    fn introspection_weighs_what_its_lists_return() {
        // __schema 1, types 1 + 80 × (name 1, fields 1 + 5 × (name 1, args 1 + 1 × 1)).
        let types = tally_of("{ __schema { types { name fields { name args { name } } } } }");
        assert_eq!(types.introspection, 2 + 80 * (1 + 1 + 5 * (1 + 1 + 1)));
        assert_eq!(types.fields, 7);
        // A type reference's `ofType` chain weighs one level, however deep it is asked.
        let chain = tally_of(
            "{ __type(name: \"Task\") { ofType { name ofType { name ofType { name } } } } }",
        );
        assert_eq!(chain.introspection, 1 + (1 + (1 + 1)));
        assert_eq!(chain.fields, 7);
        // Half an interface a type: the list weighs half its selection, plus itself.
        let interfaces = tally_of("{ __schema { types { interfaces { name kind } } } }");
        assert_eq!(interfaces.introspection, 2 + 80 * (1 + 2 / 2));
        // A directive's args are counted as a directive's, inside a fragment too.
        let directives = tally_of(
            "{ __schema { directives { ...D } } } fragment D on __Directive { args { name } }",
        );
        assert_eq!(directives.introspection, 2 + 5 * (1 + 2));
        // The same fragment weighs differently outside introspection: not at all.
        assert_eq!(
            tally_of("{ me { ...U } } fragment U on User { id email }").introspection,
            0
        );
        let limits = QueryLimits {
            max_complexity: 1_000,
            ..QueryLimits::default()
        };
        let one = "{ __schema { types { name fields { name } } } }";
        assert_eq!(check(&limits, one), Ok(()));
        let copies = "{ a: __schema { types { name fields { name } } } \
                        b: __schema { types { name fields { name } } } }";
        assert_eq!(
            check(&limits, copies).map_err(|e| e.limit),
            Err(Limit::Complexity)
        );
    }

    #[test]
    fn sizes_are_read_from_an_introspection_answer() {
        let data = serde_json::json!({ "__schema": {
            "types": [
                { "fields": [{ "args": [{}, {}] }, { "args": [] }], "inputFields": null,
                  "enumValues": null, "interfaces": [], "possibleTypes": null },
                { "fields": null, "inputFields": [{}, {}, {}], "enumValues": [{}],
                  "interfaces": null, "possibleTypes": null },
            ],
            "directives": [{ "args": [{}] }, { "args": [{}, {}, {}] }],
        } });
        assert_eq!(
            IntrospectionSizes::from_response(&data),
            Some(IntrospectionSizes {
                types: 2_000,
                directives: 2_000,
                fields_per_type: 1_000,
                input_fields_per_type: 1_500,
                enum_values_per_type: 500,
                interfaces_per_type: 0,
                possible_types_per_type: 0,
                args_per_field: 1_000,
                args_per_directive: 2_000,
            })
        );
        assert_eq!(
            IntrospectionSizes::from_response(&serde_json::json!({})),
            None
        );
    }

    #[test]
    fn each_limit_names_itself_and_its_maximum() {
        let limits = QueryLimits {
            max_aliases: 2,
            max_fields: 5,
            max_complexity: 100,
        };
        assert_eq!(
            check(&limits, "{ a: me { id } b: me { id } c: me { id } }"),
            Err(LimitExceeded {
                limit: Limit::Aliases,
                found: 3,
                max: 2
            })
        );
        let refused =
            check(&limits, "{ me { id email timeZone createdAt } __typename }").unwrap_err();
        assert_eq!(refused.limit, Limit::Fields);
        assert_eq!(
            refused.to_string(),
            "the document selects 6 fields; at most 5 are allowed"
        );
        assert_eq!(check(&limits, "{ a: me { id } b: me { id } }"), Ok(()));
    }
}
