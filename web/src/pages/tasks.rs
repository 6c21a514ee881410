//! The task list: quick add, filters, the list with more loaded on scroll.

use dioxus::prelude::*;

use crate::api::{
    CreateTask, CreateTaskInput, CreateTaskVars, MutationBuilder as _, OrderDirection, Priority,
    QueryBuilder as _, TaskFilter, TaskOrder, TaskOrderField, TasksQuery, TasksVars, run,
};
use crate::components::{TaskFormDialog, TaskRow, js};
use crate::state::{NEW_TASK_OPEN, RESYNC, STORE, error_toast, user_zone};
use crate::store::ListQuery;
use crate::time::{self, Wall};

/// One page holds a long list whole; more come on scroll.
const PAGE: i32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Open,
    Done,
    All,
}

/// The filter bar's state, as the user set it.
#[derive(Debug, Clone, PartialEq)]
struct Filters {
    status: Status,
    priority: Option<Priority>,
    category: String,
    due_from: String,
    due_to: String,
    recurring: bool,
    search: String,
    order: &'static str,
}

impl Filters {
    fn query(&self) -> ListQuery {
        let zone = user_zone();
        // Dates are whole days in the user's zone: from the start of one to the end of
        // the other.
        let day_start = |date: &str| {
            Wall::parse(date, "00:00").map(|w| time::to_datetime(time::instant_of(&zone, w)))
        };
        let day_end = |date: &str| {
            Wall::parse(date, "00:00")
                .map(|w| time::to_datetime(time::instant_of(&zone, w) + 86_400_000.0))
        };
        let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let (field, direction) = match self.order {
            "due" => (TaskOrderField::DueAt, OrderDirection::Asc),
            "priority" => (TaskOrderField::Priority, OrderDirection::Desc),
            "title" => (TaskOrderField::Title, OrderDirection::Asc),
            "oldest" => (TaskOrderField::CreatedAt, OrderDirection::Asc),
            _ => (TaskOrderField::CreatedAt, OrderDirection::Desc),
        };
        ListQuery {
            filter: TaskFilter {
                completed: match self.status {
                    Status::Open => Some(false),
                    Status::Done => Some(true),
                    Status::All => None,
                },
                priority: self.priority,
                category: text(&self.category),
                due_after: day_start(&self.due_from),
                due_before: day_end(&self.due_to),
                recurring: self.recurring.then_some(true),
                search: text(&self.search),
            },
            order: TaskOrder { field, direction },
        }
    }

    fn narrowed(&self) -> bool {
        self.refinements() > 0 || !self.search.trim().is_empty()
    }

    /// How many of the second row's filters are set (shown on its toggle on phones).
    fn refinements(&self) -> usize {
        [
            self.priority.is_some(),
            !self.category.trim().is_empty(),
            !self.due_from.is_empty(),
            !self.due_to.is_empty(),
            self.recurring,
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
    }
}

async fn load(query: ListQuery, after: Option<String>) {
    let first = after.is_none();
    let vars = TasksVars {
        filter: Some(query.filter.clone()),
        order_by: Some(query.order),
        first: Some(PAGE),
        after,
    };
    match run(TasksQuery::build(vars)).await {
        Ok(data) => {
            let mut store = STORE.write();
            // A newer query may have replaced this one meanwhile.
            if store.query == query {
                store.receive_page(data.tasks, first);
            }
        }
        Err(error) => {
            if !error.is_unauthenticated() {
                error_toast(format!("Could not load tasks: {error}"));
            }
        }
    }
}

#[component]
pub fn Tasks() -> Element {
    let mut more_open = use_signal(|| false);
    let mut filters = use_signal(|| Filters {
        status: Status::Open,
        priority: None,
        category: String::new(),
        due_from: String::new(),
        due_to: String::new(),
        recurring: false,
        search: String::new(),
        order: "newest",
    });
    let mut editing = use_signal(|| None::<String>);
    let mut loading_more = use_signal(|| false);

    // The first page whenever the filters change or the live connection comes back.
    use_effect(move || {
        let query = filters.read().query();
        let _ = RESYNC.read();
        if STORE.peek().query != query {
            STORE.write().reset(query.clone());
        }
        spawn(load(query, None));
    });

    let mut load_more = move || {
        let (query, cursor, more) = {
            let store = STORE.peek();
            (
                store.query.clone(),
                store.end_cursor.clone(),
                store.has_next,
            )
        };
        if !more || loading_more() {
            return;
        }
        loading_more.set(true);
        spawn(async move {
            load(query, cursor).await;
            loading_more.set(false);
        });
    };

    // More on scroll: a sentinel under the list tells when it comes into view.
    use_future(move || async move {
        let mut seen = document::eval(
            r#"const observer = new IntersectionObserver(entries => {
  if (entries.some(e => e.isIntersecting)) dioxus.send(true);
}, { rootMargin: '400px' });
const attach = () => { const el = document.getElementById('list-end'); if (el) { observer.observe(el); } else { requestAnimationFrame(attach); } };
attach();"#,
        );
        while seen.recv::<bool>().await.is_ok() {
            load_more();
        }
    });

    let store = STORE.read();
    let ids = store.list.clone();
    let loaded = store.loaded;
    let total = store.total;
    let has_next = store.has_next;
    drop(store);
    let f = filters();
    let refinements = f.refinements();
    let status_button = |status: Status, label: &'static str| {
        rsx! {
            button {
                class: if f.status == status { "segment active" } else { "segment" },
                r#type: "button",
                "aria-pressed": "{f.status == status}",
                onclick: move |_| filters.write().status = status,
                "{label}"
            }
        }
    };
    rsx! {
        document::Title { "Tasks · Todo" }
        div { class: "page tasks-page",
            div { class: "page-head",
                h1 { "Tasks" }
                button {
                    class: "button button-primary",
                    r#type: "button",
                    "aria-keyshortcuts": "n",
                    onclick: move |_| *NEW_TASK_OPEN.write() = true,
                    "New task"
                }
            }
            QuickAdd {}
            section { class: "filters", "aria-label": "Filters",
                div { class: "filters-main",
                    div { class: "segments", role: "group", "aria-label": "Show",
                        {status_button(Status::Open, "Open")}
                        {status_button(Status::Done, "Done")}
                        {status_button(Status::All, "All")}
                    }
                    div { class: "filter-field filter-search",
                        label { r#for: "search", "Search" }
                        input {
                            id: "search",
                            r#type: "search",
                            placeholder: "Title or description",
                            "aria-keyshortcuts": "/",
                            value: "{f.search}",
                            oninput: move |e| filters.write().search = e.value(),
                        }
                    }
                    div { class: "filter-field",
                        label { r#for: "order", "Order" }
                        select {
                            id: "order",
                            onchange: move |e| {
                                filters.write().order = match e.value().as_str() {
                                    "due" => "due",
                                    "priority" => "priority",
                                    "title" => "title",
                                    "oldest" => "oldest",
                                    _ => "newest",
                                };
                            },
                            option { value: "newest", selected: f.order == "newest", "Newest first" }
                            option { value: "oldest", selected: f.order == "oldest", "Oldest first" }
                            option { value: "due", selected: f.order == "due", "Due date" }
                            option { value: "priority", selected: f.order == "priority", "Priority" }
                            option { value: "title", selected: f.order == "title", "Title" }
                        }
                    }
                }
                // On a phone the refinements fold away behind this; on wider screens it is
                // hidden and they always show.
                button {
                    class: "button button-small filters-toggle",
                    r#type: "button",
                    "aria-expanded": "{more_open}",
                    "aria-controls": "filters-more",
                    onclick: move |_| more_open.toggle(),
                    if refinements > 0 { "More filters ({refinements})" } else { "More filters" }
                }
                div { id: "filters-more", class: if more_open() { "filters-more open" } else { "filters-more" },
                    div { class: "filter-field",
                        label { r#for: "filter-priority", "Priority" }
                        select {
                            id: "filter-priority",
                            onchange: move |e| filters.write().priority = Priority::from_key(&e.value()),
                            option { value: "", "Any" }
                            for p in Priority::ALL {
                                option { value: "{p.key()}", selected: f.priority == Some(p), "{p.label()}" }
                            }
                        }
                    }
                    div { class: "filter-field",
                        label { r#for: "filter-category", "Category" }
                        input {
                            id: "filter-category",
                            r#type: "text",
                            list: "known-categories",
                            autocomplete: "off",
                            value: "{f.category}",
                            oninput: move |e| filters.write().category = e.value(),
                        }
                        datalist { id: "known-categories",
                            for c in STORE.read().categories() { option { value: "{c}" } }
                        }
                    }
                    div { class: "filter-field",
                        label { r#for: "filter-from", "Due from" }
                        input { id: "filter-from", r#type: "date", value: "{f.due_from}",
                            oninput: move |e| filters.write().due_from = e.value() }
                    }
                    div { class: "filter-field",
                        label { r#for: "filter-to", "Due until" }
                        input { id: "filter-to", r#type: "date", value: "{f.due_to}",
                            oninput: move |e| filters.write().due_to = e.value() }
                    }
                    label { class: "check-field",
                        input { r#type: "checkbox", checked: f.recurring,
                            onchange: move |e| filters.write().recurring = e.checked() }
                        "Recurring only"
                    }
                }
            }
            p { class: "list-count muted", role: "status",
                if loaded {
                    if total == 1 { "1 task" } else { "{total} tasks" }
                } else {
                    "Loading tasks…"
                }
            }
            if !loaded {
                ul { class: "task-list", "aria-hidden": "true",
                    for i in 0..6 {
                        li { key: "{i}", class: "task-row skeleton",
                            span { class: "check" }
                            div { class: "task-main",
                                span { class: "skeleton-line" }
                                span { class: "skeleton-line short" }
                            }
                        }
                    }
                }
            } else if ids.is_empty() {
                EmptyState { status: f.status, narrowed: f.narrowed() }
            } else {
                ul { class: "task-list", "aria-label": "Tasks",
                    for id in ids {
                        TaskRow { key: "{id}", id: id.clone(), onedit: move |id| editing.set(Some(id)) }
                    }
                }
            }
            div { id: "list-end", class: "list-end",
                if has_next {
                    button {
                        class: "button button-quiet",
                        r#type: "button",
                        disabled: loading_more(),
                        onclick: move |_| load_more(),
                        if loading_more() { "Loading…" } else { "Load more" }
                    }
                }
            }
        }
        if let Some(id) = editing() {
            TaskFormDialog { task_id: Some(id), onclose: move |_| editing.set(None) }
        }
    }
}

#[component]
fn EmptyState(status: Status, narrowed: bool) -> Element {
    let (title, hint) = if narrowed {
        (
            "No tasks match these filters",
            "Clear a filter or search for something else.",
        )
    } else {
        match status {
            Status::Open => (
                "Nothing to do",
                "Type a task above and press Enter, or press N for the full form.",
            ),
            Status::Done => ("Nothing done yet", "Completed tasks show up here."),
            Status::All => (
                "No tasks yet",
                "Type a task above and press Enter to add your first.",
            ),
        }
    };
    rsx! {
        div { class: "empty",
            p { class: "empty-title", "{title}" }
            p { "{hint}" }
        }
    }
}

/// Title, Enter: a task with the defaults.
#[component]
fn QuickAdd() -> Element {
    let mut title = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let submit = move |event: FormEvent| {
        event.prevent_default();
        let text = title().trim().to_owned();
        if text.is_empty() || busy() {
            return;
        }
        spawn(async move {
            busy.set(true);
            let input = CreateTaskInput {
                title: text,
                description: None,
                priority: None,
                category: None,
                due_at: None,
                time_zone: None,
                recurrence: None,
                remind_before_minutes: None,
            };
            match run(CreateTask::build(CreateTaskVars { input })).await {
                Ok(data) => {
                    STORE.write().upsert(data.create_task);
                    title.set(String::new());
                }
                Err(error) => error_toast(format!("Could not add the task: {error}")),
            }
            busy.set(false);
            js("document.getElementById('quick-add')?.focus()");
        });
    };
    rsx! {
        form { class: "quick-add", onsubmit: submit,
            label { r#for: "quick-add", class: "visually-hidden", "Add a task" }
            span { class: "quick-add-plus", "aria-hidden": "true", "+" }
            input {
                id: "quick-add",
                r#type: "text",
                placeholder: "Add a task, then press Enter",
                autocomplete: "off",
                maxlength: "200",
                value: "{title}",
                oninput: move |e| title.set(e.value()),
            }
            button { class: "button button-primary", r#type: "submit", disabled: busy() || title().trim().is_empty(), "Add task" }
        }
    }
}
