//! Every GraphQL document the UI sends, as the text it sends, kept in
//! `web/queries/<Name>.graphql` so that benchmarks (`loadbench ui`) and reviews read what
//! the UI really asks. The test here fails when a file drifts from the code, or when an
//! operation in `api.rs` is missing from the list; it runs in Node.js, which gives it the
//! file system. To rewrite the files after changing a document:
//!
//! ```sh
//! WRITE_WEB_QUERIES=1 cargo test -p web --target wasm32-unknown-unknown --profile web --locked documents
//! ```

use std::collections::HashSet;

use cynic::QueryFragment;
use cynic::queries::{OperationType, build_executable_document};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::api::*;

/// Where the files live, as this machine's path: the test runs where it was built.
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/queries");

/// The document `Q` is sent as, exactly as `QueryBuilder::build` and its siblings
/// write it.
fn document<Q: QueryFragment, V: cynic::QueryVariables>(kind: OperationType) -> (String, String) {
    let name = Q::name().map(|name| name.into_owned()).unwrap_or_default();
    let text = build_executable_document::<Q, V>(kind, Some(&name), HashSet::new(), None);
    (name, text)
}

macro_rules! documents {
    ($($kind:ident $name:ident($vars:ty),)+) => {
        /// Every operation the UI sends: name and text.
        fn documents() -> Vec<(String, String)> {
            vec![$(documents!(@one $kind $name $vars)),+]
        }
    };
    (@one query $name:ident $vars:ty) => { document::<$name, $vars>(OperationType::Query) };
    (@one mutation $name:ident $vars:ty) => { document::<$name, $vars>(OperationType::Mutation) };
    (@one subscription $name:ident $vars:ty) => {
        document::<$name, $vars>(OperationType::Subscription)
    };
}

documents! {
        query TasksQuery(TasksVars),
        mutation CreateTask(CreateTaskVars),
        mutation UpdateTask(UpdateTaskVars),
        mutation CompleteTask(IdVars),
        mutation SnoozeTask(SnoozeVars),
        mutation UncompleteTask(IdVars),
        mutation DeleteTask(IdVars),
        query PreviewQuery(PreviewVars),
        query ParseTaskQuery(ParseTaskVars),
        query CalendarFeedQuery(()),
        mutation RotateCalendarFeed(()),
        query TaskDetailQuery(IdVars),
        query AuditLogQuery(AuditVars),
        mutation RefreshSession(RefreshTokenVars),
        mutation SignOut(RefreshTokenVars),
        query ServerInfoQuery(()),
        mutation Register(RegisterVars),
        mutation Login(LoginVars),
        query PreferencesQuery(()),
        mutation UpdatePreferences(PreferencesVars),
        query DevicesQuery(()),
        mutation RegisterPushSubscription(PushSubscriptionVars),
        mutation DeleteNotification(IdVars),
        mutation RemovePushSubscription(IdVars),
        query TokensQuery(()),
        mutation CreateApiToken(CreateTokenVars),
        mutation RevokeApiToken(IdVars),
        query AgentAuthorizationQuery(AgentAuthorizationVars),
        mutation AnswerAgentAuthorization(AnswerAgentVars),
        query AgentGrantsQuery(()),
        mutation RevokeAgentGrant(IdVars),
        query NotificationsQuery(()),
        query UnreadCountQuery(()),
        mutation MarkNotificationRead(IdVars),
        mutation MarkAllNotificationsRead(()),
        mutation ClearNotifications(()),
        subscription TaskChangesSubscription(()),
        subscription NotificationsSubscription(()),
        query ProjectSharingQuery(IdVars),
        query OrganiseQuery(()),
        mutation CreateProject(CreateProjectVars),
        mutation UpdateProject(UpdateProjectVars),
        mutation DeleteProject(IdVars),
        mutation CreateLabel(CreateLabelVars),
        mutation MoveTask(MoveTaskVars),
        mutation ShareProject(ShareVars),
        mutation CancelInvitation(IdVars),
        mutation AcceptInvitation(IdVars),
        mutation DeclineInvitation(IdVars),
        mutation UpdateProjectMember(MemberRoleVars),
        mutation RemoveProjectMember(MemberVars),
        query TaskQuery(IdVars),
}

#[wasm_bindgen(module = "node:fs")]
extern "C" {
    #[wasm_bindgen(js_name = readFileSync, catch)]
    fn read_file(path: &str, encoding: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(js_name = writeFileSync, catch)]
    fn write_file(path: &str, text: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = readdirSync, catch)]
    fn read_dir(path: &str) -> Result<Vec<String>, JsValue>;
    #[wasm_bindgen(js_name = mkdirSync, catch)]
    fn make_dir(path: &str, options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = unlinkSync, catch)]
    fn remove_file(path: &str) -> Result<(), JsValue>;
}

#[wasm_bindgen(module = "node:process")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = env)]
    static ENV: JsValue;
}

fn writing() -> bool {
    ENV.with(|env| js_sys::Reflect::get(env, &JsValue::from_str("WRITE_WEB_QUERIES")))
        .ok()
        .and_then(|value| value.as_string())
        .is_some_and(|value| !value.is_empty() && value != "0")
}

fn file_of(name: &str) -> String {
    format!("{DIR}/{name}.graphql")
}

/// The text a file holds: the document and a final newline.
fn file_text(document: &str) -> String {
    format!("{}\n", document.trim_end())
}

#[wasm_bindgen_test]
fn every_operation_in_the_api_module_is_listed() {
    let source = include_str!("api.rs");
    let mut declared = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("graphql_type = \"") {
        rest = &rest[at + "graphql_type = \"".len()..];
        let root = rest.split('"').next().unwrap_or_default();
        if matches!(root, "Query" | "Mutation" | "Subscription") {
            let after = rest.split("pub struct ").nth(1).unwrap_or_default();
            let name: String = after.chars().take_while(|c| c.is_alphanumeric()).collect();
            declared.push(name);
        }
    }
    let listed: Vec<String> = documents().into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        declared, listed,
        "list every root operation of api.rs in documents.rs"
    );
}

#[wasm_bindgen_test]
fn the_files_in_web_queries_are_the_documents_the_ui_sends() {
    let documents = documents();
    if writing() {
        make_dir(
            DIR,
            &js_sys::JSON::parse(r#"{"recursive":true}"#).unwrap_or(JsValue::NULL),
        )
        .unwrap_or_else(|error| panic!("cannot create {DIR}: {error:?}"));
        for (name, text) in &documents {
            write_file(&file_of(name), &file_text(text))
                .unwrap_or_else(|error| panic!("cannot write {name}: {error:?}"));
        }
    }
    let mut drifted = Vec::new();
    for (name, text) in &documents {
        match read_file(&file_of(name), "utf8") {
            Ok(kept) if kept == file_text(text) => {}
            Ok(_) => drifted.push(format!("{name}.graphql differs from the code")),
            Err(_) => drifted.push(format!("{name}.graphql is missing")),
        }
    }
    let names: HashSet<String> = documents
        .iter()
        .map(|(name, _)| format!("{name}.graphql"))
        .collect();
    let files = read_dir(DIR).unwrap_or_else(|error| panic!("cannot list {DIR}: {error:?}"));
    for file in files {
        if !names.contains(&file) {
            if writing() {
                remove_file(&format!("{DIR}/{file}"))
                    .unwrap_or_else(|error| panic!("cannot remove {file}: {error:?}"));
            } else {
                drifted.push(format!("{file} is no document the UI sends"));
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "web/queries drifted from the code ({}); rewrite it with \
         WRITE_WEB_QUERIES=1 cargo test -p web --target wasm32-unknown-unknown --profile web --locked documents",
        drifted.join("; ")
    );
}
