//! Checks a tool call's arguments against the tool's own declared input schema before
//! the tool runs. What an agent reads in `tools/list` is then exactly what is accepted:
//! a bound declared there (a page size of 1 to 200, a title's length, an enum's values,
//! no unknown arguments) is enforced here, once, for every tool, rather than by each
//! tool or not at all. The API still validates everything; this only makes sure that a
//! call outside the advertised contract is refused instead of being passed on and
//! answered with something the schema did not promise (a page size of 0 returning an
//! empty page, 1000 silently becoming 200).
//!
//! The schemas come from schemars (see `args`). This understands the keywords schemars
//! emits for them; [`CONSTRAINT_KEYWORDS`] and [`ANNOTATION_KEYWORDS`] list them so that
//! a test can prove no declared schema uses anything else, since a keyword unknown here
//! would be a bound that is declared but not enforced.

use std::fmt::Write as _;

use chrono::DateTime;
use serde_json::{Map, Number, Value};

/// Keywords that constrain a value, all enforced by [`check_arguments`].
pub const CONSTRAINT_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "format",
    "properties",
    "required",
    "additionalProperties",
];

/// Keywords that only describe a value.
pub const ANNOTATION_KEYWORDS: &[&str] = &[
    "$schema",
    "$defs",
    "title",
    "description",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Values of `format` that [`check_arguments`] enforces.
pub const FORMATS: &[&str] = &["date-time", "int32", "uint32", "int64", "uint64"];

/// One argument outside the declared schema, phrased for the agent that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The argument's path: `first`, or `recurrence.mode` inside an object.
    pub argument: String,
    pub message: String,
}

/// Checks `arguments` (absent means `{}`) against `schema`, a tool's input schema.
pub fn check_arguments(
    schema: &Map<String, Value>,
    arguments: Option<&Map<String, Value>>,
) -> Result<(), Vec<Violation>> {
    let empty = Map::new();
    let arguments = arguments.unwrap_or(&empty);
    let checker = Checker { root: schema };
    let mut found = Vec::new();
    checker.check_object(schema, arguments, "", &mut found);
    if found.is_empty() {
        Ok(())
    } else {
        Err(found.into_iter().map(Found::into_violation).collect())
    }
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

struct Checker<'a> {
    root: &'a Map<String, Value>,
}

impl Checker<'_> {
    fn check(&self, schema: &Value, value: &Value, path: &str, found: &mut Vec<Found>) {
        let schema = match schema {
            Value::Object(schema) => schema,
            Value::Bool(false) => {
                return push(found, path, Problem::Other("is not accepted".into()));
            }
            _ => return,
        };
        if let Some(reference) = schema.get("$ref") {
            match reference.as_str().and_then(|r| self.resolve(r)) {
                Some(target) => self.check(target, value, path, found),
                // A schema bug: refuse rather than let the value through unchecked.
                None => push(
                    found,
                    path,
                    Problem::Other(format!(
                        "cannot be checked (bad schema reference {reference})"
                    )),
                ),
            }
        }
        if let Some(types) = schema.get("type") {
            let expected = type_names(types);
            if !expected.iter().any(|t| has_type(value, t)) {
                return push(
                    found,
                    path,
                    Problem::WrongType {
                        expected,
                        got: value.clone(),
                    },
                );
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            push(
                found,
                path,
                Problem::NotAllowed {
                    allowed: allowed.clone(),
                    got: value.clone(),
                },
            );
        }
        if let Some(constant) = schema.get("const")
            && constant != value
        {
            push(
                found,
                path,
                Problem::NotAllowed {
                    allowed: vec![constant.clone()],
                    got: value.clone(),
                },
            );
        }
        for (keyword, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
                self.check_alternatives(branches, exactly_one, value, path, found);
            }
        }
        match value {
            Value::Number(number) => check_number(schema, number, path, found),
            Value::String(text) => check_string(schema, text, path, found),
            Value::Object(object) => self.check_object(schema, object, path, found),
            _ => {}
        }
    }

    fn check_object(
        &self,
        schema: &Map<String, Value>,
        object: &Map<String, Value>,
        path: &str,
        found: &mut Vec<Found>,
    ) {
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(name) {
                push(
                    found,
                    &join(path, name),
                    Problem::Other("is required".into()),
                );
            }
        }
        for (name, value) in object {
            let path = join(path, name);
            match properties.get(name) {
                Some(property) => self.check(property, value, &path, found),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => push(
                        found,
                        &path,
                        Problem::Unknown {
                            known: properties.keys().cloned().collect(),
                        },
                    ),
                    Some(additional) => self.check(additional, value, &path, found),
                    None => {}
                },
            }
        }
    }

    /// `anyOf` (`exactly_one`: `oneOf`). When no branch fits, the agent hears about the
    /// branch it evidently meant (the one whose type matched), or the union of the
    /// allowed values or types, not about every branch it did not mean.
    fn check_alternatives(
        &self,
        branches: &[Value],
        exactly_one: bool,
        value: &Value,
        path: &str,
        found: &mut Vec<Found>,
    ) {
        let outcomes: Vec<Vec<Found>> = branches
            .iter()
            .map(|branch| {
                let mut branch_found = Vec::new();
                self.check(branch, value, path, &mut branch_found);
                branch_found
            })
            .collect();
        let matching = outcomes.iter().filter(|o| o.is_empty()).count();
        if matching == 1 || (matching > 1 && !exactly_one) {
            return;
        }
        if matching > 1 {
            return push(
                found,
                path,
                Problem::Other("is ambiguous: it matches more than one allowed form".into()),
            );
        }
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
            return push(
                found,
                path,
                Problem::WrongType {
                    expected,
                    got: value.clone(),
                },
            );
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
            return push(
                found,
                path,
                Problem::NotAllowed {
                    allowed,
                    got: value.clone(),
                },
            );
        }
        if let Some(outcome) = meant.into_iter().find(|o| !o.is_empty()) {
            found.extend(outcome.iter().cloned());
        }
    }

    /// Resolves a local reference such as `#/$defs/Priority`.
    fn resolve(&self, reference: &str) -> Option<&Value> {
        let pointer = reference.strip_prefix('#')?;
        let mut segments = pointer.split('/').skip(1);
        let first = segments.next()?;
        segments.try_fold(self.root.get(&unescape(first))?, |node, segment| {
            node.get(unescape(segment))
        })
    }
}

fn check_number(schema: &Map<String, Value>, number: &Number, path: &str, found: &mut Vec<Found>) {
    let Some(value) = number.as_f64() else {
        return;
    };
    let bound = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
    let (format_min, format_max) = match schema.get("format").and_then(Value::as_str) {
        Some("int32") => (Some(f64::from(i32::MIN)), Some(f64::from(i32::MAX))),
        Some("uint32") => (Some(0.0), Some(f64::from(u32::MAX))),
        Some("int64") => (Some(i64::MIN as f64), Some(i64::MAX as f64)),
        Some("uint64") => (Some(0.0), Some(u64::MAX as f64)),
        _ => (None, None),
    };
    let tighter = |a: Option<f64>, b: Option<f64>, pick: fn(f64, f64) -> f64| match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    };
    let min = tighter(bound("minimum"), format_min, f64::max);
    let max = tighter(bound("maximum"), format_max, f64::min);
    let exclusive_min = bound("exclusiveMinimum");
    let exclusive_max = bound("exclusiveMaximum");
    let within = min.is_none_or(|m| value >= m)
        && max.is_none_or(|m| value <= m)
        && exclusive_min.is_none_or(|m| value > m)
        && exclusive_max.is_none_or(|m| value < m);
    if within {
        return;
    }
    let mut message = String::from("must be ");
    match (min, max) {
        (Some(min), Some(max)) => {
            let _ = write!(message, "between {min} and {max}");
        }
        (Some(min), None) => {
            let _ = write!(message, "at least {min}");
        }
        (None, Some(max)) => {
            let _ = write!(message, "at most {max}");
        }
        (None, None) => message.push_str("a number"),
    }
    if let Some(m) = exclusive_min {
        let _ = write!(message, ", greater than {m}");
    }
    if let Some(m) = exclusive_max {
        let _ = write!(message, ", less than {m}");
    }
    let _ = write!(message, ", got {number}");
    push(found, path, Problem::Other(message));
}

fn check_string(schema: &Map<String, Value>, text: &str, path: &str, found: &mut Vec<Found>) {
    let length = text.chars().count();
    let bound = |keyword: &str| {
        schema
            .get(keyword)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let range = match (bound("minLength"), bound("maxLength")) {
        (Some(min), Some(max)) if !(min..=max).contains(&length) => {
            Some(format!("{min} to {max} characters long"))
        }
        (Some(min), None) if length < min => Some(format!("at least {min} characters long")),
        (None, Some(max)) if length > max => Some(format!("at most {max} characters long")),
        _ => None,
    };
    if let Some(range) = range {
        push(
            found,
            path,
            Problem::Other(format!("must be {range}, got {length}")),
        );
    }
    if schema.get("format").and_then(Value::as_str) == Some("date-time")
        && DateTime::parse_from_rfc3339(text).is_err()
    {
        push(
            found,
            path,
            Problem::Other(format!(
                "must be an RFC 3339 date-time with an offset, such as \
                 \"2027-03-01T09:00:00+01:00\" or \"2027-03-01T08:00:00Z\", got {text:?}"
            )),
        );
    }
}

fn push(found: &mut Vec<Found>, path: &str, problem: Problem) {
    found.push(Found {
        path: path.to_owned(),
        problem,
    });
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

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

/// Integers are what serde reads into the argument types: `1.0` for a page size would
/// pass JSON Schema's `integer` and then fail to deserialise.
fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        _ => false,
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
    use serde_json::json;

    use super::*;
    use crate::server::TodoServer;

    /// A keyword this module did not enforce would be a bound that the tools declare and
    /// then ignore; an object open to unknown properties would let a misspelt argument
    /// through. Neither may appear in any tool's input schema.
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
            for (keyword, value) in schema {
                assert!(
                    CONSTRAINT_KEYWORDS.contains(&keyword.as_str())
                        || ANNOTATION_KEYWORDS.contains(&keyword.as_str()),
                    "{tool}: `{keyword}` is declared but not enforced"
                );
                match (keyword.as_str(), value) {
                    ("properties" | "$defs", Value::Object(children)) => {
                        children.values().for_each(|child| walk(tool, child));
                    }
                    ("anyOf" | "oneOf", Value::Array(children)) => {
                        children.iter().for_each(|child| walk(tool, child));
                    }
                    ("additionalProperties", child) => walk(tool, child),
                    ("format", format) => assert!(
                        format.as_str().is_some_and(|f| FORMATS.contains(&f)),
                        "{tool}: format {format} is not enforced"
                    ),
                    _ => {}
                }
            }
        }
        let tools = TodoServer::tool_router().list_all();
        assert_eq!(tools.len(), 9);
        for tool in &tools {
            walk(&tool.name, &Value::Object((*tool.input_schema).clone()));
        }
    }

    fn violations(schema: Value, arguments: Value) -> Vec<Violation> {
        let (Value::Object(schema), Value::Object(arguments)) = (schema, arguments) else {
            panic!("objects expected");
        };
        check_arguments(&schema, Some(&arguments))
            .err()
            .unwrap_or_default()
    }

    fn schema() -> Value {
        json!({
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
        let arguments: Vec<&str> = found.iter().map(|v| v.argument.as_str()).collect();
        assert_eq!(arguments, ["title", "due_date"]);
        assert_eq!(found[0].message, "is required");
        for name in ["title", "first", "priority", "at", "nested"] {
            assert!(found[1].message.contains(name), "{found:?}");
        }
        let found = violations(schema(), json!({ "title": "x", "nested": { "mood": "A" } }));
        assert_eq!(found[0].argument, "nested.mood");
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
}
