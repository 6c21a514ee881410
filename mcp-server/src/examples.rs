//! The examples of tool arguments that agents and readers are shown (tool descriptions,
//! the input schemas' own `examples`, the prompts, `docs/mcp.md`) are checked with the
//! same compiled input schemas that check real calls, so an example cannot drift from
//! what the tools accept.

use serde_json::{Map, Value, json};

use crate::prompts::{DayPlan, RECURRENCE_GUIDE};
use crate::server::TodoServer;
use crate::validation::{ArgumentValidator, Violation};

const DOCS: &str = include_str!("../../docs/mcp.md");

/// An id in the right form; what the examples need where a tool requires one.
const SOME_ID: &str = "01970f3a-5b6c-7d8e-9f00-112233445566";

struct Tools(Vec<rmcp::model::Tool>);

impl Tools {
    fn new() -> Self {
        Self(TodoServer::tool_router().list_all())
    }

    fn schema(&self, tool: &str) -> &Map<String, Value> {
        let tool = self.0.iter().find(|t| t.name == tool);
        &tool
            .unwrap_or_else(|| panic!("no tool {tool:?}"))
            .input_schema
    }

    /// Checks `arguments` as a call of `tool`, with the required arguments the example
    /// leaves out (an example shows the part it is about) filled in.
    fn check_call(&self, tool: &str, arguments: &Value) -> Result<(), Vec<Violation>> {
        let schema = self.schema(tool);
        let mut call = Map::new();
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match required.as_str() {
                Some("id") => call.insert("id".into(), json!(SOME_ID)),
                Some(name @ ("title" | "name")) => call.insert(name.into(), json!("Example")),
                other => panic!("{tool}: no stand-in for required argument {other:?}"),
            };
        }
        let Some(arguments) = arguments.as_object() else {
            panic!("{tool}: example {arguments} is not an object");
        };
        call.extend(arguments.clone());
        ArgumentValidator::new(schema).unwrap().check(Some(&call))
    }

    /// Checks `value` against the schema of one argument of `tool`, alone.
    fn check_argument(
        &self,
        tool: &str,
        argument: &str,
        value: &Value,
    ) -> Result<(), Vec<Violation>> {
        let root = self.schema(tool);
        let Some(property) = root.get("properties").and_then(|p| p.get(argument)) else {
            panic!("{tool} has no argument {argument}");
        };
        let Value::Object(mut holder) = json!({
            "type": "object",
            "properties": { argument: property },
        }) else {
            unreachable!("a JSON object literal")
        };
        if let Some(definitions) = root.get("$defs") {
            holder.insert("$defs".into(), definitions.clone());
        }
        let Value::Object(call) = json!({ argument: value }) else {
            unreachable!("a JSON object literal")
        };
        ArgumentValidator::new(&holder).unwrap().check(Some(&call))
    }

    /// A `recurrence` value (`{"preset": "WEEKLY"}`) or top-level arguments, told apart
    /// by their keys; top-level fragments are checked as update_task arguments, which
    /// accept every task field and null for clearing one.
    fn check_fragment(&self, fragment: &Value) -> Result<(), Vec<Violation>> {
        let recurrence_keys = ["preset", "rrule", "mode"];
        let is_recurrence = fragment
            .as_object()
            .is_some_and(|o| o.keys().all(|k| recurrence_keys.contains(&k.as_str())));
        if is_recurrence {
            self.check_argument("add_task", "recurrence", fragment)
        } else {
            self.check_call("update_task", fragment)
        }
    }
}

/// The JSON in inline code spans: whole objects (`{"preset": "DAILY"}`) and single
/// members (`"priority": "URGENT"`, read as a one-member object). Other spans (names,
/// RRULE fragments) are not arguments.
fn code_span_arguments(text: &str) -> Vec<Value> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|span| {
            let span = span.trim();
            if span.starts_with('{') {
                serde_json::from_str::<Value>(span).ok()
            } else if span.starts_with('"') && span.contains("\":") {
                serde_json::from_str::<Value>(&format!("{{{span}}}")).ok()
            } else {
                None
            }
        })
        .collect()
}

/// The JSON objects written in running text (tool descriptions, prompt text).
fn inline_objects(text: &str) -> Vec<Value> {
    let mut objects = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let candidate = &rest[start..];
        let mut stream = serde_json::Deserializer::from_str(candidate).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) => {
                objects.push(value);
                rest = &candidate[stream.byte_offset()..];
            }
            _ => rest = &candidate[1..],
        }
    }
    objects
}

type Checked = Vec<(Value, Result<(), Vec<Violation>>)>;

/// Each example with the outcome of `check` on it.
fn checked(examples: Vec<Value>, check: impl Fn(&Value) -> Result<(), Vec<Violation>>) -> Checked {
    examples
        .into_iter()
        .map(|example| {
            let result = check(&example);
            (example, result)
        })
        .collect()
}

fn assert_all_valid(source: &str, results: Checked, at_least: usize) {
    assert!(
        results.len() >= at_least,
        "{source}: found {} examples, expected at least {at_least}",
        results.len()
    );
    for (example, result) in results {
        assert!(result.is_ok(), "{source}: {example} is refused: {result:?}");
    }
}

/// The `examples` a schema object declares.
fn examples_in(schema: &Value) -> Vec<Value> {
    schema
        .get("examples")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

#[test]
fn the_input_schemas_own_examples_are_accepted() {
    let tools = Tools::new();
    let mut results = Vec::new();
    for tool in &tools.0 {
        let schema = Value::Object((*tool.input_schema).clone());
        results.extend(checked(examples_in(&schema), |example| {
            tools.check_call(&tool.name, example)
        }));
        let properties = schema.get("properties").and_then(Value::as_object);
        for (argument, property) in properties.into_iter().flatten() {
            results.extend(checked(examples_in(property), |example| {
                tools.check_argument(&tool.name, argument, example)
            }));
        }
        let definitions = schema.get("$defs").and_then(Value::as_object);
        for definition in definitions.into_iter().flatten().map(|(_, d)| d) {
            results.extend(checked(examples_in(definition), |example| {
                tools.check_fragment(example)
            }));
        }
    }
    assert_all_valid("input schemas", results, 10);
}

#[test]
fn the_tool_descriptions_examples_are_accepted() {
    let tools = Tools::new();
    let mut results = Vec::new();
    for tool in &tools.0 {
        let description = tool.description.as_deref().unwrap_or_default();
        results.extend(checked(inline_objects(description), |example| {
            tools.check_call(&tool.name, example)
        }));
    }
    assert_all_valid("tool descriptions", results, 2);
}

#[test]
fn the_recurrence_guides_examples_are_accepted() {
    let tools = Tools::new();
    let results = checked(code_span_arguments(RECURRENCE_GUIDE), |example| {
        tools.check_fragment(example)
    });
    assert_all_valid("recurrence_guide", results, 20);
}

#[test]
fn plan_my_days_list_tasks_calls_are_accepted() {
    let tools = Tools::new();
    let now = "2027-03-28T22:30:00Z".parse().unwrap();
    let plan = DayPlan::resolve(Some("Europe/Berlin"), None, now).unwrap();
    let results = checked(inline_objects(&plan.prompt()), |example| {
        tools.check_call("list_tasks", example)
    });
    assert_all_valid("plan_my_day", results, 4);
}

#[test]
fn the_docs_examples_are_accepted() {
    let tools = Tools::new();
    let results = checked(code_span_arguments(DOCS), |example| {
        tools.check_fragment(example)
    });
    assert_all_valid("docs/mcp.md", results, 4);
}

/// The checks above can fail: an example the schemas rule out is caught.
#[test]
fn a_wrong_example_is_caught() {
    let tools = Tools::new();
    let [recurrence, arguments] = ["`{\"preset\": \"HOURLY\"}`", "`\"priority\": \"SOON\"`"]
        .map(|text| code_span_arguments(text).remove(0));
    assert!(tools.check_fragment(&recurrence).is_err());
    assert!(tools.check_fragment(&arguments).is_err());
    let listed = inline_objects("Call it with {\"first\": 0, \"orderBy\": \"DUE_AT\"} today.");
    assert!(tools.check_call("list_tasks", &listed[0]).is_err());
}
