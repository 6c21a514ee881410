//! The activity page: the audit log with filters.

use dioxus::prelude::*;
use strum::VariantArray as _;

use crate::api::{
    AuditAction, AuditEntry, AuditFilter, AuditLogQuery, AuditSource, AuditVars, DateTime, Id,
    PageInfo, QueryBuilder as _, id_of, run,
};
use crate::components::HistoryEntry;
use crate::state::{sync_round, user_zone};
use crate::store::{TaskStoreStoreExt as _, use_tasks};
use crate::time::{self, Wall};

#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    task: String,
    action: Option<AuditAction>,
    source: Option<AuditSource>,
    from: String,
    to: String,
}

impl Filters {
    fn to_filter(&self) -> AuditFilter {
        let zone = user_zone();
        let at = |date: &str, days: f64| {
            Wall::parse(date, "00:00")
                .map(|w| time::to_datetime(time::instant_of(&zone, w) + days * 86_400_000.0))
        };
        AuditFilter {
            task_id: Some(self.task.clone())
                .filter(|t| !t.is_empty())
                .map(Id::new),
            action: self.action,
            source: self.source,
            from: at(&self.from, 0.0),
            to: at(&self.to, 1.0),
        }
    }
}

#[component]
pub fn Activity() -> Element {
    let store = use_tasks();
    let mut filters = use_signal(Filters::default);
    // Tasks the log has shown that the store does not know (deleted ones).
    let mut seen = use_signal(Vec::<Named>::new);
    // The task filter offers the tasks this page and the list know about, each once.
    let mut known: Vec<Named> = store
        .tasks()
        .read()
        .values()
        .map(|t| Named {
            id: id_of(&t.id),
            title: t.title.clone(),
            due: t.due_at.clone(),
        })
        .collect();
    for named in seen.read().iter() {
        if !known.iter().any(|k| k.id == named.id) {
            known.push(named.clone());
        }
    }
    let known = labelled(known, &user_zone());
    let f = filters();
    rsx! {
        document::Title { "Activity · Todo" }
        div { class: "page",
            div { class: "page-head", h1 { "Activity" } }
            section { class: "filters filters-grid", "aria-label": "Filters",
                div { class: "filter-field",
                    label { r#for: "activity-task", "Task" }
                    select { id: "activity-task", onchange: move |e| filters.write().task = e.value(),
                        option { value: "", "All tasks" }
                        for (id, label) in known {
                            option { key: "{id}", value: "{id}", selected: f.task == id, "{label}" }
                        }
                    }
                }
                div { class: "filter-field",
                    label { r#for: "activity-action", "Action" }
                    select {
                        id: "activity-action",
                        onchange: move |e| filters.write().action = e.value().parse().ok(),
                        option { value: "", "Any" }
                        for &a in AuditAction::VARIANTS { option { value: "{a}", selected: f.action == Some(a), "{a.label()}" } }
                    }
                }
                div { class: "filter-field",
                    label { r#for: "activity-source", "Source" }
                    select {
                        id: "activity-source",
                        onchange: move |e| filters.write().source = e.value().parse().ok(),
                        option { value: "", "Any" }
                        for &s in AuditSource::VARIANTS { option { value: "{s}", selected: f.source == Some(s), "{s.label()}" } }
                    }
                }
                div { class: "filter-field",
                    label { r#for: "activity-from", "From" }
                    input { id: "activity-from", r#type: "date", value: "{f.from}", oninput: move |e| filters.write().from = e.value() }
                }
                div { class: "filter-field",
                    label { r#for: "activity-to", "To" }
                    input { id: "activity-to", r#type: "date", value: "{f.to}", oninput: move |e| filters.write().to = e.value() }
                }
            }
            // Keyed by the filter, so a new filter mounts a new log (see `ActivityLog`).
            for filter in std::iter::once(f.to_filter()) {
                ActivityLog { key: "{filter:?}", filter, onentries: move |found| seen.set(found) }
            }
        }
    }
}

/// A task the filter can offer.
#[derive(Debug, Clone, PartialEq)]
struct Named {
    id: String,
    title: String,
    due: Option<DateTime>,
}

/// The tasks the entries name, each once: for the task filter.
fn titles(entries: &[AuditEntry]) -> Vec<Named> {
    let mut named: Vec<Named> = Vec::new();
    for entry in entries {
        let id = id_of(&entry.entity_id);
        if named.iter().any(|n| n.id == id) {
            continue;
        }
        let snapshot = entry.after.as_ref().or(entry.before.as_ref());
        let field = |key: &str| snapshot.and_then(|s| s.0.get(key)).and_then(|v| v.as_str());
        named.push(Named {
            id,
            title: field("title").unwrap_or("Untitled").to_owned(),
            due: field("dueAt").map(|d| DateTime(d.to_owned())),
        });
    }
    named
}

/// The filter's options, by title: tasks that share a title (the occurrences of a
/// repeating task) say which one they are by their due date, so no two read alike.
fn labelled(mut tasks: Vec<Named>, zone: &str) -> Vec<(String, String)> {
    tasks.sort_by(|a, b| {
        a.title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then_with(|| a.due.cmp(&b.due))
            .then_with(|| a.id.cmp(&b.id))
    });
    let shared = |title: &str| tasks.iter().filter(|t| t.title == title).count() > 1;
    let mut options: Vec<(String, String)> = Vec::with_capacity(tasks.len());
    let mut bases: Vec<String> = Vec::with_capacity(tasks.len());
    for task in &tasks {
        let mut label = task.title.clone();
        if shared(&task.title) {
            match &task.due {
                Some(due) => label = format!("{label} (due {})", time::at_text(zone, due)),
                None => label = format!("{label} (no date)"),
            }
        }
        // Still alike (same title and due date): a number tells them apart.
        let alike = bases.iter().filter(|b| **b == label).count();
        bases.push(label.clone());
        if alike > 0 {
            label = format!("{label} #{}", alike + 1);
        }
        options.push((task.id.clone(), label));
    }
    options
}

/// The log for one filter. The page mounts one per filter, so what one started (its
/// first page, a next page) ends with it and never lands in another's log.
#[component]
fn ActivityLog(filter: AuditFilter, onentries: EventHandler<Vec<Named>>) -> Element {
    let mut entries = use_signal(Vec::<AuditEntry>::new);
    let mut cursor = use_signal(|| None::<String>);
    let mut total = use_signal(|| None::<i32>);
    let mut error = use_signal(|| None::<String>);
    let first_filter = filter.clone();
    // The first page once the live connection is up (see `sync_round`), and again
    // whenever it comes back.
    let _first = use_resource(move || {
        let filter = first_filter.clone();
        async move {
            if sync_round().is_none() {
                return;
            }
            match run(AuditLogQuery::build(AuditVars {
                filter: Some(filter),
                after: None,
            }))
            .await
            {
                Ok(data) => {
                    let log = data.audit_log;
                    let page: Vec<AuditEntry> = log.edges.into_iter().map(|e| e.node).collect();
                    onentries.call(titles(&page));
                    entries.set(page);
                    cursor.set(next_cursor(log.page_info));
                    total.set(Some(log.total_count));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
        }
    });
    let more = move |_| {
        let filter = filter.clone();
        let after = cursor();
        spawn(async move {
            if let Ok(data) = run(AuditLogQuery::build(AuditVars {
                filter: Some(filter),
                after,
            }))
            .await
            {
                let log = data.audit_log;
                entries
                    .write()
                    .extend(log.edges.into_iter().map(|e| e.node));
                onentries.call(titles(&entries.read()));
                cursor.set(next_cursor(log.page_info));
            }
        });
    };
    let zone = user_zone();
    let count = match total() {
        Some(1) => "1 change".to_owned(),
        Some(n) => format!("{n} changes"),
        None => "Loading…".to_owned(),
    };
    rsx! {
        if let Some(message) = error() {
            p { class: "form-error", role: "alert", "{message}" }
        }
        p { class: "list-count muted", role: "status", "{count}" }
        if total() == Some(0) {
            div { class: "empty",
                p { class: "empty-title", "No activity to show" }
                p { "Changes to tasks from the web, GraphQL clients and AI agents are listed here." }
            }
        } else {
            ol { class: "history-list",
                for (key, entry) in entries().into_iter().map(|e| (id_of(&e.id), e)) {
                    HistoryEntry { key: "{key}", entry, zone: zone.clone(), show_task: true }
                }
            }
        }
        if cursor().is_some() {
            div { class: "list-end",
                button { class: "button button-quiet", r#type: "button", onclick: more, "Load more" }
            }
        }
    }
}

fn next_cursor(page: PageInfo) -> Option<String> {
    page.has_next_page.then_some(page.end_cursor).flatten()
}
