//! Checks a tool call's arguments against the tool's own declared input schema before
//! the tool runs. What an agent reads in `tools/list` is then exactly what is accepted:
//! a bound declared there (a page size of 1 to 200, a title's length, an enum's values,
//! no unknown arguments) is enforced here, once, for every tool, rather than by each
//! tool or not at all. The API still validates everything; this only makes sure that a
//! call outside the advertised contract is refused instead of being passed on and
//! answered with something the schema did not promise (a page size of 0 returning an
//! empty page, 1000 silently becoming 200).
//!
//! The schemas come from schemars (see `args`) and are enforced by the `jsonschema`
//! crate; this module compiles each once and rephrases its errors for the agent that
//! made the call.

use std::collections::HashMap;
use std::sync::Arc;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::{Location, LocationSegment};
use jsonschema::{ValidationError, Validator};
use rmcp::model::Tool;
use serde_json::{Map, Value};

/// One argument outside the declared schema, phrased for the agent that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The argument's path: `first`, or `recurrence.mode` inside an object.
    pub argument: String,
    pub message: String,
}

/// A schema that cannot be compiled: a bug in a tool's declared arguments.
#[derive(Debug, thiserror::Error)]
#[error("the input schema does not compile: {0}")]
pub struct SchemaError(String);

/// One tool's input schema, compiled.
pub struct ArgumentValidator {
    schema: Value,
    validator: Validator,
}

impl ArgumentValidator {
    pub fn new(schema: &Map<String, Value>) -> Result<Self, SchemaError> {
        let schema = Value::Object(schema.clone());
        // Formats are annotations by default in draft 2020-12; `date-time` must be checked.
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|error| SchemaError(error.to_string()))?;
        Ok(Self { schema, validator })
    }

    /// Checks `arguments` (absent means `{}`).
    pub fn check(&self, arguments: Option<&Map<String, Value>>) -> Result<(), Vec<Violation>> {
        let empty = Value::Object(Map::new());
        let owned;
        let instance = match arguments {
            Some(arguments) => {
                owned = Value::Object(arguments.clone());
                &owned
            }
            None => &empty,
        };
        let found = type_first(
            self.validator
                .iter_errors(instance)
                .flat_map(|error| self.found(&error))
                .collect(),
        );
        if found.is_empty() {
            Ok(())
        } else {
            Err(found.into_iter().map(Found::into_violation).collect())
        }
    }

    /// What one error means, in the terms of the argument it concerns.
    fn found(&self, error: &ValidationError<'_>) -> Vec<Found> {
        let path = argument_path(error.instance_path());
        let got = error.instance().clone().into_owned();
        // The schema object that holds the failed keyword (the error's schema path is a
        // pointer into the root schema, `$ref`s resolved), for its sibling bounds.
        let holder = self
            .schema
            .pointer(parent_pointer(error.schema_path()))
            .and_then(Value::as_object);
        let sibling = |keyword: &str| holder.and_then(|schema| schema.get(keyword));
        let problem = match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                return vec![Found {
                    path: join(&path, name),
                    problem: Problem::Other("is required".into()),
                }];
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known: Vec<String> = sibling("properties")
                    .and_then(Value::as_object)
                    .map(|properties| properties.keys().cloned().collect())
                    .unwrap_or_default();
                return unexpected
                    .iter()
                    .map(|name| Found {
                        path: join(&path, name),
                        problem: Problem::Unknown {
                            known: known.clone(),
                        },
                    })
                    .collect();
            }
            ValidationErrorKind::Type { kind } => Problem::WrongType {
                expected: sibling("type")
                    .map(type_names)
                    .unwrap_or_else(|| kind_names(kind)),
                got,
            },
            ValidationErrorKind::Enum { options } => Problem::NotAllowed {
                allowed: options.as_array().cloned().unwrap_or_default(),
                got,
            },
            ValidationErrorKind::Constant { expected_value } => Problem::NotAllowed {
                allowed: vec![expected_value.as_ref().clone()],
                got,
            },
            ValidationErrorKind::Minimum { .. }
            | ValidationErrorKind::Maximum { .. }
            | ValidationErrorKind::ExclusiveMinimum { .. }
            | ValidationErrorKind::ExclusiveMaximum { .. } => {
                Problem::Other(format!("{}, got {got}", range_phrase(holder)))
            }
            ValidationErrorKind::MinLength { .. } | ValidationErrorKind::MaxLength { .. } => {
                let length = got.as_str().map_or(0, |text| text.chars().count());
                Problem::Other(format!("{}, got {length}", length_phrase(holder)))
            }
            ValidationErrorKind::Format { format } if format == "date-time" => {
                Problem::Other(format!(
                    "must be an RFC 3339 date-time with an offset, such as \
                     \"2027-03-01T09:00:00+01:00\" or \"2027-03-01T08:00:00Z\", got {got}"
                ))
            }
            ValidationErrorKind::FalseSchema => Problem::Other("is not accepted".into()),
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                return self.alternatives(context, &path, got);
            }
            ValidationErrorKind::OneOfMultipleValid { .. } => {
                Problem::Other("is ambiguous: it matches more than one allowed form".into())
            }
            _ => Problem::Other(error.to_string()),
        };
        vec![Found { path, problem }]
    }

    /// `anyOf` or `oneOf` where no branch fits. The agent hears about the
    /// branch it evidently meant (the one whose type matched), or the union of the
    /// allowed values or types, not about every branch it did not mean.
    fn alternatives(
        &self,
        branches: &[Vec<ValidationError<'static>>],
        path: &str,
        got: Value,
    ) -> Vec<Found> {
        let outcomes: Vec<Vec<Found>> = branches
            .iter()
            .map(|errors| type_first(errors.iter().flat_map(|error| self.found(error)).collect()))
            .collect();
        let at_path_only = |outcome: &[Found], pick: fn(&Problem) -> bool| {
            outcome.iter().all(|f| f.path == path && pick(&f.problem))
        };
        let is_type = |p: &Problem| matches!(p, Problem::WrongType { .. });
        let is_value = |p: &Problem| matches!(p, Problem::NotAllowed { .. });
        let (type_only, meant): (Vec<&Vec<Found>>, Vec<&Vec<Found>>) = outcomes
            .iter()
            .partition(|outcome| at_path_only(outcome, is_type));
        let expected_types: Vec<String> = type_only
            .iter()
            .flat_map(|outcome| outcome.iter())
            .flat_map(|f| match &f.problem {
                Problem::WrongType { expected, .. } => expected.clone(),
                _ => Vec::new(),
            })
            .collect();
        if meant.is_empty() {
            let mut expected = Vec::new();
            for name in expected_types {
                if !expected.contains(&name) {
                    expected.push(name);
                }
            }
            return vec![Found {
                path: path.to_owned(),
                problem: Problem::WrongType { expected, got },
            }];
        }
        if meant.iter().all(|outcome| at_path_only(outcome, is_value)) {
            let mut allowed: Vec<Value> = meant
                .iter()
                .flat_map(|outcome| outcome.iter())
                .flat_map(|f| match &f.problem {
                    Problem::NotAllowed { allowed, .. } => allowed.clone(),
                    _ => Vec::new(),
                })
                .collect();
            if expected_types.iter().any(|t| t == "null") {
                allowed.push(Value::Null);
            }
            return vec![Found {
                path: path.to_owned(),
                problem: Problem::NotAllowed { allowed, got },
            }];
        }
        meant
            .into_iter()
            .find(|outcome| !outcome.is_empty())
            .cloned()
            .unwrap_or_default()
    }
}

/// Writes whole numbers given as floats (`10.0`) as integers. JSON Schema counts `10.0`
/// as an integer, so the check passes it, but serde would then refuse it for an integer
/// argument with a protocol error instead of a message the agent can act on.
pub fn integral_floats_as_integers(value: &mut Value) {
    match value {
        Value::Number(number) if !number.is_i64() && !number.is_u64() => {
            let Some(float) = number.as_f64() else {
                return;
            };
            // Within ±2^53 every whole float is exact, so the cast below loses nothing.
            if float.fract() == 0.0 && float.abs() <= 9_007_199_254_740_992.0 {
                *value = Value::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(members) => members.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// Every tool's compiled input schema, by tool name.
pub struct ToolValidators(HashMap<String, Result<ArgumentValidator, Arc<SchemaError>>>);

impl ToolValidators {
    pub fn new(tools: &[Tool]) -> Self {
        Self(
            tools
                .iter()
                .map(|tool| {
                    let validator = ArgumentValidator::new(&tool.input_schema).map_err(Arc::new);
                    (tool.name.to_string(), validator)
                })
                .collect(),
        )
    }

    /// Checks a call of `tool`; a tool this does not know is left to the router, which
    /// reports it.
    pub fn check(
        &self,
        tool: &str,
        arguments: Option<&Map<String, Value>>,
    ) -> Result<(), CheckError> {
        match self.0.get(tool) {
            None => Ok(()),
            Some(Ok(validator)) => validator.check(arguments).map_err(CheckError::Arguments),
            Some(Err(error)) => Err(CheckError::Schema(error.clone())),
        }
    }
}

/// Why a call was refused before it ran.
#[derive(Debug)]
pub enum CheckError {
    Arguments(Vec<Violation>),
    /// The tool's own schema is broken, so no call of it can be checked.
    Schema(Arc<SchemaError>),
}

/// What is wrong, kept structured until the end so that the alternatives of an
/// `anyOf` (`Option<Priority>` is "a priority or null") can be merged into one message.
#[derive(Debug, Clone)]
enum Problem {
    WrongType { expected: Vec<String>, got: Value },
    NotAllowed { allowed: Vec<Value>, got: Value },
    Unknown { known: Vec<String> },
    Other(String),
}

#[derive(Debug, Clone)]
struct Found {
    path: String,
    problem: Problem,
}

impl Found {
    fn into_violation(self) -> Violation {
        let message = match self.problem {
            Problem::WrongType { expected, got } => {
                let expected: Vec<&str> = expected.iter().map(|t| type_phrase(t)).collect();
                format!("must be {}, got {}", or_list(&expected), shown(&got))
            }
            Problem::NotAllowed { allowed, got } => {
                let allowed: Vec<String> = allowed.iter().map(shown).collect();
                format!("must be one of {}, got {}", allowed.join(", "), shown(&got))
            }
            Problem::Unknown { known } if known.is_empty() => {
                "there is no such argument; this takes no arguments".to_owned()
            }
            Problem::Unknown { known } => format!(
                "there is no such argument; the accepted ones are {}",
                known.join(", ")
            ),
            Problem::Other(message) => message,
        };
        Violation {
            argument: self.path,
            message,
        }
    }
}

/// A value of the wrong type also fails its other keywords (`"const": "LOW"` for a
/// number); only the type is worth telling.
fn type_first(found: Vec<Found>) -> Vec<Found> {
    let mistyped: Vec<String> = found
        .iter()
        .filter(|f| matches!(f.problem, Problem::WrongType { .. }))
        .map(|f| f.path.clone())
        .collect();
    found
        .into_iter()
        .filter(|f| matches!(f.problem, Problem::WrongType { .. }) || !mistyped.contains(&f.path))
        .collect()
}

/// `recurrence.mode` for the instance pointer `/recurrence/mode`.
fn argument_path(location: &Location) -> String {
    location
        .iter()
        .map(|segment| match segment {
            LocationSegment::Property(name) => name.into_owned(),
            LocationSegment::Index(index) => index.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The pointer to the schema object that holds the keyword `location` points at.
fn parent_pointer(location: &Location) -> &str {
    let pointer = location.as_str();
    pointer.rfind('/').map_or("", |end| &pointer[..end])
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// "must be between 1 and 200", from the bounds the number's schema declares.
fn range_phrase(schema: Option<&Map<String, Value>>) -> String {
    let bound = |keyword: &str| schema.and_then(|s| s.get(keyword)).and_then(Value::as_f64);
    let mut phrase = match (bound("minimum"), bound("maximum")) {
        (Some(min), Some(max)) => format!("must be between {min} and {max}"),
        (Some(min), None) => format!("must be at least {min}"),
        (None, Some(max)) => format!("must be at most {max}"),
        (None, None) => "must be a number".to_owned(),
    };
    if let Some(m) = bound("exclusiveMinimum") {
        phrase.push_str(&format!(", greater than {m}"));
    }
    if let Some(m) = bound("exclusiveMaximum") {
        phrase.push_str(&format!(", less than {m}"));
    }
    phrase
}

/// "must be 1 to 200 characters long", from the lengths the string's schema declares.
fn length_phrase(schema: Option<&Map<String, Value>>) -> String {
    let bound = |keyword: &str| schema.and_then(|s| s.get(keyword)).and_then(Value::as_u64);
    match (bound("minLength"), bound("maxLength")) {
        (Some(min), Some(max)) => format!("must be {min} to {max} characters long"),
        (Some(min), None) => format!("must be at least {min} characters long"),
        (None, Some(max)) => format!("must be at most {max} characters long"),
        (None, None) => "must have another length".to_owned(),
    }
}

/// The types as the schema lists them, so the message keeps the schema's order.
fn type_names(types: &Value) -> Vec<String> {
    match types {
        Value::String(name) => vec![name.clone()],
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn kind_names(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Single(single) => vec![single.as_str().to_owned()],
        TypeKind::Multiple(set) => set.iter().map(|t| t.as_str().to_owned()).collect(),
    }
}

fn type_phrase(name: &str) -> &str {
    match name {
        "null" => "null",
        "boolean" => "true or false",
        "string" => "a string",
        "object" => "an object",
        "array" => "an array",
        "number" => "a number",
        "integer" => "an integer",
        other => other,
    }
}

fn or_list(items: &[&str]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A value as the agent wrote it, shortened so a huge string does not flood the message.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use jsonschema::Draft;
    use serde_json::json;

    use super::*;
    use crate::server::TodoServer;

    /// The integer formats schemars writes (`uint32`) are annotations to jsonschema;
    /// each must come with explicit bounds inside its range, or the range it promises
    /// would go unchecked.
    fn integer_format_range(format: &str) -> Option<(f64, f64)> {
        match format {
            "int32" => Some((f64::from(i32::MIN), f64::from(i32::MAX))),
            "uint32" => Some((0.0, f64::from(u32::MAX))),
            "int64" => Some((i64::MIN as f64, i64::MAX as f64)),
            "uint64" => Some((0.0, u64::MAX as f64)),
            _ => None,
        }
    }

    /// A tool whose schema does not compile refuses its calls as the server's fault, and
    /// leaves the other tools' checks alone.
    #[test]
    fn a_schema_that_does_not_compile_is_reported_as_the_servers_fault() {
        let broken = json!({"type": "object", "properties": {"first": {"type": 12}}});
        let fine = json!({"type": "object", "additionalProperties": false});
        let tools = [
            Tool::new("broken", "", Arc::new(broken.as_object().unwrap().clone())),
            Tool::new("fine", "", Arc::new(fine.as_object().unwrap().clone())),
        ];
        let validators = ToolValidators::new(&tools);
        assert!(matches!(
            validators.check("broken", None),
            Err(CheckError::Schema(_))
        ));
        assert!(validators.check("fine", None).is_ok());
        assert!(matches!(
            validators.check("fine", Some(json!({"x": 1}).as_object().unwrap())),
            Err(CheckError::Arguments(_))
        ));
    }

    /// Every schema compiles, every object in it refuses unknown properties (a misspelt
    /// argument must not pass), and every `format` is either checked by jsonschema or an
    /// integer format whose range the declared bounds enforce.
    #[test]
    fn every_tool_schema_is_fully_enforced() {
        fn walk(tool: &str, schema: &Value) {
            let Value::Object(schema) = schema else {
                return;
            };
            if schema.contains_key("properties") {
                assert_eq!(
                    schema.get("additionalProperties"),
                    Some(&Value::Bool(false)),
                    "{tool}: an object schema must refuse unknown properties"
                );
            }
            if let Some(format) = schema.get("format").and_then(Value::as_str) {
                let checked = jsonschema::options().is_known_format(Draft::Draft202012, format);
                let bounded = integer_format_range(format).is_some_and(|(low, high)| {
                    let bound = |k: &str| schema.get(k).and_then(Value::as_f64);
                    bound("minimum").is_some_and(|min| min >= low)
                        && bound("maximum").is_some_and(|max| max <= high)
                });
                assert!(
                    checked || bounded,
                    "{tool}: format {format} is not enforced"
                );
            }
            for child in schema.values() {
                match child {
                    Value::Object(children) => {
                        walk(tool, child);
                        children.values().for_each(|c| walk(tool, c));
                    }
                    Value::Array(children) => children.iter().for_each(|c| walk(tool, c)),
                    _ => {}
                }
            }
        }
        let tools = TodoServer::tool_router().list_all();
        assert_eq!(tools.len(), 13);
        for tool in &tools {
            ArgumentValidator::new(&tool.input_schema).unwrap();
            walk(&tool.name, &Value::Object((*tool.input_schema).clone()));
        }
    }

    fn violations(schema: Value, arguments: Value) -> Vec<Violation> {
        let (Value::Object(schema), Value::Object(arguments)) = (schema, arguments) else {
            panic!("objects expected");
        };
        ArgumentValidator::new(&schema)
            .unwrap()
            .check(Some(&arguments))
            .err()
            .unwrap_or_default()
    }

    fn schema() -> Value {
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "additionalProperties": false,
            "required": ["title"],
            "properties": {
                "title": { "type": "string", "minLength": 1, "maxLength": 5 },
                "first": { "type": ["integer", "null"], "format": "uint32", "minimum": 1, "maximum": 200 },
                "priority": { "anyOf": [{ "$ref": "#/$defs/Priority" }, { "type": "null" }] },
                "at": { "type": "string", "format": "date-time" },
                "nested": { "$ref": "#/$defs/Nested" }
            },
            "$defs": {
                "Priority": { "oneOf": [
                    { "type": "string", "const": "LOW" },
                    { "type": "string", "const": "HIGH" }
                ] },
                "Nested": {
                    "type": "object", "additionalProperties": false,
                    "properties": { "mode": { "type": "string", "enum": ["A", "B"] } }
                }
            }
        })
    }

    #[test]
    fn in_range_arguments_pass() {
        let accepted = json!({
            "title": "ok", "first": 200, "priority": null, "at": "2030-01-01T09:00:00+01:00",
            "nested": { "mode": "B" }
        });
        assert_eq!(violations(schema(), accepted), []);
        assert_eq!(
            violations(
                schema(),
                json!({ "title": "x", "priority": "LOW", "first": 1 })
            ),
            []
        );
    }

    #[test]
    fn numbers_outside_their_range_name_the_range() {
        for first in [0, 201] {
            let found = violations(schema(), json!({ "title": "x", "first": first }));
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].argument, "first");
            assert_eq!(
                found[0].message,
                format!("must be between 1 and 200, got {first}")
            );
        }
        let found = violations(schema(), json!({ "title": "x", "first": 1.5 }));
        assert_eq!(found[0].message, "must be an integer or null, got 1.5");
    }

    #[test]
    fn strings_are_bounded_in_characters() {
        assert_eq!(violations(schema(), json!({ "title": "äöüßé" })), []);
        let found = violations(schema(), json!({ "title": "" }));
        assert_eq!(found[0].message, "must be 1 to 5 characters long, got 0");
        let found = violations(schema(), json!({ "title": "x", "at": "next Tuesday" }));
        assert_eq!(found[0].argument, "at");
        assert!(found[0].message.contains("RFC 3339"), "{found:?}");
    }

    #[test]
    fn unknown_and_missing_arguments_are_named() {
        let found = violations(schema(), json!({ "due_date": "tomorrow" }));
        let mut arguments: Vec<&str> = found.iter().map(|v| v.argument.as_str()).collect();
        arguments.sort_unstable();
        assert_eq!(arguments, ["due_date", "title"]);
        let missing = found.iter().find(|v| v.argument == "title").unwrap();
        assert_eq!(missing.message, "is required");
        let unknown = found.iter().find(|v| v.argument == "due_date").unwrap();
        for name in ["title", "first", "priority", "at", "nested"] {
            assert!(unknown.message.contains(name), "{found:?}");
        }
        let found = violations(schema(), json!({ "title": "x", "nested": { "mood": "A" } }));
        assert_eq!(found[0].argument, "nested.mood");
        assert!(found[0].message.contains("mode"), "{found:?}");
    }

    #[test]
    fn alternatives_report_the_branch_that_was_meant() {
        let found = violations(schema(), json!({ "title": "x", "priority": "SOMEDAY" }));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "must be one of \"LOW\", \"HIGH\", null, got \"SOMEDAY\""
        );
        let found = violations(schema(), json!({ "title": "x", "priority": 3 }));
        assert_eq!(found[0].message, "must be a string or null, got 3");
        let found = violations(schema(), json!({ "title": "x", "nested": { "mode": "C" } }));
        assert_eq!(found[0].argument, "nested.mode");
        assert_eq!(found[0].message, "must be one of \"A\", \"B\", got \"C\"");
    }

    #[test]
    fn whole_floats_become_integers() {
        let mut arguments = json!({ "first": 10.0, "nested": [2.5, -3.0], "title": "1.0" });
        integral_floats_as_integers(&mut arguments);
        assert_eq!(
            arguments,
            json!({ "first": 10, "nested": [2.5, -3], "title": "1.0" })
        );
        assert!(arguments["first"].is_i64());
    }

    #[test]
    fn a_call_without_arguments_is_checked_as_an_empty_object() {
        let Value::Object(schema) = schema() else {
            unreachable!()
        };
        let found = ArgumentValidator::new(&schema)
            .unwrap()
            .check(None)
            .unwrap_err();
        assert_eq!(
            found,
            [Violation {
                argument: "title".into(),
                message: "is required".into()
            }]
        );
    }
}
