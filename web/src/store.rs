//! The one client-side store of tasks: query results, mutation results and
//! subscription events all land here, and every view renders from it, so a change
//! that arrives over the websocket shows everywhere the task is shown.
//!
//! It is a Dioxus store, provided as context by the app: each task is a path of its
//! own, so a view of one task (a row, the detail page) renders again only when that
//! task changes, and the list (its ids, count and cursor) is another path, which
//! changes only when the list does. Writes go through the methods here, which write a
//! path only when its value differs.

use std::cmp::Ordering;
use std::collections::HashMap;

use dioxus::prelude::*;

use crate::api::{
    AuditAction, OrderDirection, PageInfo, Task, TaskChange, TaskConnection, TaskFilter, TaskOrder,
    TaskOrderField, id_of,
};

/// What the list shows: the server's filter and order.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub filter: TaskFilter,
    pub order: TaskOrder,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            filter: TaskFilter {
                completed: Some(false),
                ..TaskFilter::default()
            },
            order: TaskOrder {
                field: TaskOrderField::CreatedAt,
                direction: OrderDirection::Desc,
            },
        }
    }
}

/// The list: which tasks, in the server's order, and how far it is loaded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskList {
    pub ids: Vec<String>,
    pub query: ListQuery,
    pub total: i32,
    pub has_next: bool,
    pub end_cursor: Option<String>,
    /// False until the first page of the query arrives.
    pub loaded: bool,
}

impl TaskList {
    /// A list for `query`, nothing loaded yet.
    pub fn new(query: ListQuery) -> Self {
        Self {
            query,
            ..Self::default()
        }
    }

    /// A page of the query: the first replaces the list, later ones extend it.
    pub fn receive_page(&mut self, ids: Vec<String>, total: i32, page: PageInfo, first: bool) {
        if first {
            self.ids.clear();
        }
        for id in ids {
            if !self.ids.contains(&id) {
                self.ids.push(id);
            }
        }
        self.total = total;
        self.has_next = page.has_next_page;
        self.end_cursor = page.end_cursor;
        self.loaded = true;
    }

    /// Puts `task` (as `tasks` now holds it) where it belongs: in its place in the
    /// order exactly when it matches the filter, out of the list otherwise.
    pub fn place(&mut self, task: &Task, tasks: &HashMap<String, Task>) {
        let id = id_of(&task.id);
        let belongs = matches(&self.query.filter, task);
        match (belongs, self.ids.iter().position(|i| *i == id)) {
            (true, Some(index)) => {
                self.ids.remove(index);
                self.total -= 1;
                self.insert_in_order(id, task, tasks);
            }
            (true, None) => self.insert_in_order(id, task, tasks),
            (false, Some(_)) => self.remove(&id),
            (false, None) => {}
        }
    }

    pub fn remove(&mut self, id: &str) {
        if let Some(index) = self.ids.iter().position(|i| i == id) {
            self.ids.remove(index);
            self.total = (self.total - 1).max(0);
        }
    }

    /// Puts `id` where the server's order would, unless that lies past the loaded
    /// pages: then the next page brings it.
    fn insert_in_order(&mut self, id: String, task: &Task, tasks: &HashMap<String, Task>) {
        let order = self.query.order;
        let index = self
            .ids
            .iter()
            .position(|other| {
                tasks
                    .get(other)
                    .is_some_and(|other| compare(order, task, other) == Ordering::Less)
            })
            .unwrap_or(self.ids.len());
        self.total += 1;
        if index < self.ids.len() || !self.has_next {
            self.ids.insert(index, id);
        }
    }
}

#[derive(Store, Debug, Clone, Default, PartialEq)]
pub struct TaskStore {
    /// Every task known, by id: those listed, and those seen elsewhere.
    pub tasks: HashMap<String, Task>,
    pub list: TaskList,
}

/// The store as the app provides it.
pub type Tasks = Store<TaskStore>;

/// The store, from the app's context.
pub fn use_tasks() -> Tasks {
    use_context()
}

#[store(pub)]
impl<Lens> Store<TaskStore, Lens> {
    /// The task with `id`, if known. Reading it subscribes to that task alone, also
    /// while it is unknown, so a view waiting for it hears when it arrives.
    fn task(&self, id: &str) -> Option<Task> {
        self.tasks()
            .get_unchecked(id.to_owned())
            .try_read()
            .ok()
            .map(|task| Task::clone(&task))
    }

    /// The subtasks of `parent` known, in their order. Reads the whole map: only the
    /// task's page shows them.
    fn subtasks_of(&self, parent: &str) -> Vec<Task> {
        let mut all: Vec<Task> = self
            .tasks()
            .read()
            .values()
            .filter(|t| t.parent_id.as_ref().is_some_and(|p| p.inner() == parent))
            .cloned()
            .collect();
        all.sort_by(|a, b| {
            a.position
                .cmp(&b.position)
                .then_with(|| a.created_at.cmp(&b.created_at))
        });
        all
    }

    /// Starts a new list: what was shown no longer applies.
    fn reset(&mut self, query: ListQuery) {
        self.edit_list(|list| *list = TaskList::new(query));
    }

    /// A page of the list's query: the first replaces the list, later ones extend it.
    fn receive_page(&mut self, page: TaskConnection, first: bool) {
        let mut ids = Vec::with_capacity(page.edges.len());
        for edge in page.edges {
            ids.push(id_of(&edge.node.id));
            self.put(edge.node);
        }
        self.edit_list(|list| list.receive_page(ids, page.total_count, page.page_info, first));
    }

    /// A task as it is now (from a mutation or a live event): updated wherever it is
    /// shown, and in the list exactly when it matches the list's filter.
    fn upsert(&mut self, task: Task) {
        self.put(task.clone());
        let tasks = self.tasks();
        self.edit_list(|list| list.place(&task, &tasks.peek()));
    }

    fn remove(&mut self, id: &str) {
        let mut tasks = self.tasks();
        tasks.remove(id);
        // Removing tells only those who read the whole map; a view of this task must
        // hear that it is gone.
        tasks.get_unchecked(id.to_owned()).selector().mark_dirty();
        self.edit_list(|list| list.remove(id));
    }

    /// The subtasks of `parent` as the server has them now: those known and no longer
    /// among them (deleted, moved) are dropped.
    fn replace_subtasks(&mut self, parent: &str, subtasks: Vec<Task>) {
        let gone: Vec<String> = self
            .subtasks_of_peek(parent)
            .into_iter()
            .filter(|id| !subtasks.iter().any(|t| id_of(&t.id) == *id))
            .collect();
        for id in gone {
            self.remove(&id);
        }
        for task in subtasks {
            self.put(task);
        }
    }

    /// The ids of the known subtasks of `parent`, without subscribing.
    fn subtasks_of_peek(&self, parent: &str) -> Vec<String> {
        self.tasks()
            .peek()
            .values()
            .filter(|t| t.parent_id.as_ref().is_some_and(|p| p.inner() == parent))
            .map(|t| id_of(&t.id))
            .collect()
    }

    /// A change pushed by the `taskChanges` subscription.
    fn apply_change(&mut self, change: TaskChange) {
        match (change.action, change.task) {
            (AuditAction::Delete, _) | (_, None) => self.remove(change.task_id.inner()),
            (_, Some(task)) => self.upsert(task),
        }
    }

    /// Stores `task`, telling only the views of that task, and only if it changed.
    fn put(&mut self, task: Task) {
        let id = id_of(&task.id);
        let mut tasks = self.tasks();
        let same = tasks.peek().get(&id).map(|known| *known == task);
        match same {
            Some(true) => {}
            Some(false) => tasks.get_unchecked(id).set(task),
            None => tasks.insert(id, task),
        }
    }

    /// Changes the list through `edit`, telling its views only if it changed.
    fn edit_list(&mut self, edit: impl FnOnce(&mut TaskList)) {
        let mut list = TaskList::clone(&self.list().peek());
        edit(&mut list);
        if *self.list().peek() != list {
            self.list().set(list);
        }
    }
}

/// Whether `task` belongs in a list with `filter`, as the server decides it.
pub fn matches(filter: &TaskFilter, task: &Task) -> bool {
    if filter.completed.is_some_and(|c| c != task.completed) {
        return false;
    }
    if filter.priority.is_some_and(|p| task.priority != Some(p)) {
        return false;
    }
    // The list shows top-level tasks only, as the server's does without `parentId`.
    if task.parent_id.is_some() {
        return false;
    }
    if filter
        .project_id
        .as_ref()
        .is_some_and(|p| *p != task.project.id)
    {
        return false;
    }
    if let Some(labels) = &filter.label_ids
        && !labels
            .iter()
            .all(|l| task.labels.iter().any(|t| t.id == *l))
    {
        return false;
    }
    if let Some(before) = &filter.due_before
        && task.due_at.as_ref().is_none_or(|due| due >= before)
    {
        return false;
    }
    if let Some(after) = &filter.due_after
        && task.due_at.as_ref().is_none_or(|due| due < after)
    {
        return false;
    }
    if filter
        .recurring
        .is_some_and(|r| r != task.recurrence.is_some())
    {
        return false;
    }
    if let Some(search) = &filter.search {
        let needle = search.to_lowercase();
        let found = task.title.to_lowercase().contains(&needle)
            || task
                .description
                .as_deref()
                .is_some_and(|d| d.to_lowercase().contains(&needle));
        if !found {
            return false;
        }
    }
    true
}

/// The server's order: the field, then newest first among equals; tasks without a due
/// date or priority come last either way.
pub fn compare(order: TaskOrder, a: &Task, b: &Task) -> Ordering {
    let desc = order.direction == OrderDirection::Desc;
    let directed = |ordering: Ordering| if desc { ordering.reverse() } else { ordering };
    let by_field = match order.field {
        TaskOrderField::CreatedAt => directed(a.created_at.cmp(&b.created_at)),
        TaskOrderField::Title => directed(a.title.to_lowercase().cmp(&b.title.to_lowercase())),
        TaskOrderField::DueAt => match (&a.due_at, &b.due_at) {
            (Some(x), Some(y)) => directed(x.cmp(y)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        TaskOrderField::Priority => match (a.priority, b.priority) {
            (Some(x), Some(y)) => directed(x.rank().cmp(&y.rank())),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    };
    by_field.then_with(|| b.id.inner().cmp(a.id.inner()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::cell::RefCell;

    use dioxus::core::{ScopeId, VirtualDom};
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::api::{AuditSource, DateTime, Id, Label, PageInfo, Priority, TaskEdge};

    fn task(id: &str, created: &str) -> Task {
        crate::api::test_task(id, created)
    }

    /// The list and the map as the store keeps them, without a running app.
    struct Plain {
        list: TaskList,
        tasks: HashMap<String, Task>,
    }

    impl Plain {
        fn loaded(query: ListQuery, tasks: Vec<Task>, has_next: bool) -> Self {
            let total = i32::try_from(tasks.len()).unwrap() + i32::from(has_next) * 10;
            let ids = tasks.iter().map(|t| id_of(&t.id)).collect();
            let mut list = TaskList::new(query);
            let page = PageInfo {
                has_next_page: has_next,
                end_cursor: Some("c".into()),
            };
            list.receive_page(ids, total, page, true);
            let tasks = tasks.into_iter().map(|t| (id_of(&t.id), t)).collect();
            Self { list, tasks }
        }

        fn upsert(&mut self, task: Task) {
            self.tasks.insert(id_of(&task.id), task.clone());
            self.list.place(&task, &self.tasks);
        }
    }

    #[wasm_bindgen_test]
    fn a_task_created_elsewhere_appears_in_order() {
        let mut store = Plain::loaded(
            ListQuery::default(),
            vec![
                task("b", "2027-01-03T00:00:00Z"),
                task("a", "2027-01-01T00:00:00Z"),
            ],
            false,
        );
        store.upsert(task("c", "2027-01-02T00:00:00Z"));
        assert_eq!(store.list.ids, ["b", "c", "a"]);
        assert_eq!(store.list.total, 3);
    }

    #[wasm_bindgen_test]
    fn a_task_past_the_loaded_pages_waits_for_the_next_page() {
        let mut store = Plain::loaded(
            ListQuery::default(),
            vec![task("b", "2027-01-03T00:00:00Z")],
            true,
        );
        store.upsert(task("old", "2026-01-01T00:00:00Z"));
        assert_eq!(store.list.ids, ["b"]);
        assert_eq!(store.list.total, 12);
    }

    #[wasm_bindgen_test]
    fn completing_leaves_the_open_list_and_undo_brings_it_back() {
        let mut store = Plain::loaded(
            ListQuery::default(),
            vec![
                task("b", "2027-01-03T00:00:00Z"),
                task("a", "2027-01-01T00:00:00Z"),
            ],
            false,
        );
        let mut done = task("b", "2027-01-03T00:00:00Z");
        done.completed = true;
        store.upsert(done.clone());
        assert_eq!(store.list.ids, ["a"]);
        done.completed = false;
        store.upsert(done);
        assert_eq!(store.list.ids, ["b", "a"]);
        assert_eq!(store.list.total, 2);
    }

    #[wasm_bindgen_test]
    fn project_and_label_filters_and_subtasks_decide_membership() {
        let label = |id: &str| Label {
            id: Id::new(id),
            name: id.to_uppercase(),
            color: None,
        };
        let mut home = task("a", "2027-01-01T00:00:00Z");
        home.labels = vec![label("errand"), label("home")];
        let filter = TaskFilter {
            project_id: Some(Id::new("inbox")),
            label_ids: Some(vec![Id::new("home"), Id::new("errand")]),
            ..ListQuery::default().filter
        };
        assert!(matches(&filter, &home));
        home.labels.pop();
        assert!(
            !matches(&filter, &home),
            "it must have every label asked for"
        );
        let other = TaskFilter {
            project_id: Some(Id::new("work")),
            ..ListQuery::default().filter
        };
        assert!(!matches(&other, &task("b", "2027-01-01T00:00:00Z")));
        let mut subtask = task("c", "2027-01-01T00:00:00Z");
        subtask.parent_id = Some(Id::new("b"));
        assert!(
            !matches(&ListQuery::default().filter, &subtask),
            "the list shows top-level tasks only"
        );
    }

    #[wasm_bindgen_test]
    fn an_edit_moves_a_task_to_its_new_place() {
        let query = ListQuery {
            order: TaskOrder {
                field: TaskOrderField::DueAt,
                direction: OrderDirection::Asc,
            },
            ..ListQuery::default()
        };
        let mut early = task("early", "2027-01-01T00:00:00Z");
        early.due_at = Some(DateTime("2027-02-02T09:00:00Z".into()));
        let mut late = task("late", "2027-01-01T00:00:00Z");
        late.due_at = Some(DateTime("2027-02-05T09:00:00Z".into()));
        let undated = task("undated", "2027-01-01T00:00:00Z");
        let mut store = Plain::loaded(query, vec![early.clone(), late, undated], false);
        early.due_at = Some(DateTime("2027-02-09T09:00:00Z".into()));
        store.upsert(early);
        assert_eq!(store.list.ids, ["late", "early", "undated"]);
        assert_eq!(store.list.total, 3);
    }

    #[wasm_bindgen_test]
    fn filters_decide_membership_like_the_server() {
        let mut filter = TaskFilter {
            completed: Some(false),
            priority: Some(Priority::High),
            search: Some("RENT".into()),
            ..TaskFilter::default()
        };
        let mut rent = task("r", "2027-01-01T00:00:00Z");
        rent.title = "Pay rent".into();
        rent.priority = Some(Priority::High);
        assert!(matches(&filter, &rent));
        rent.priority = Some(Priority::Low);
        assert!(!matches(&filter, &rent));
        filter.priority = None;
        filter.recurring = Some(true);
        assert!(!matches(&filter, &rent));
        filter.recurring = None;
        filter.due_before = Some(DateTime("2027-03-01T00:00:00Z".into()));
        assert!(
            !matches(&filter, &rent),
            "no due date is not before anything"
        );
        rent.due_at = Some(DateTime("2027-02-01T00:00:00Z".into()));
        assert!(matches(&filter, &rent));
    }

    thread_local! {
        /// Which views rendered, in order.
        static RENDERS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    fn rendered(view: &str) {
        RENDERS.with(|r| r.borrow_mut().push(view.to_owned()));
    }

    fn take_renders() -> Vec<String> {
        RENDERS.with(|r| std::mem::take(&mut *r.borrow_mut()))
    }

    #[component]
    fn Row(id: String) -> Element {
        let title = use_tasks().task(&id).map(|t| t.title);
        rendered(&id);
        rsx! { "{title:?}" }
    }

    #[component]
    fn Count() -> Element {
        let count = use_tasks().list().read().ids.len();
        rendered("list");
        rsx! { "{count}" }
    }

    fn app() -> Element {
        use_context_provider(|| {
            let mut store = Store::new(TaskStore::default());
            let tasks = vec![
                task("a", "2027-01-02T00:00:00Z"),
                task("b", "2027-01-01T00:00:00Z"),
            ];
            store.reset(ListQuery::default());
            store.receive_page(
                TaskConnection {
                    total_count: 2,
                    edges: tasks.into_iter().map(|node| TaskEdge { node }).collect(),
                    page_info: PageInfo {
                        has_next_page: false,
                        end_cursor: None,
                    },
                },
                true,
            );
            store
        });
        rsx! {
            Count {}
            Row { id: "a" }
            Row { id: "b" }
            Row { id: "c" }
        }
    }

    /// Runs `change` on the store, renders, and says which views rendered again.
    fn after(dom: &mut VirtualDom, change: impl FnOnce(Tasks)) -> Vec<String> {
        take_renders();
        dom.in_scope(ScopeId::APP, || change(consume_context::<Tasks>()));
        dom.render_immediate_to_vec();
        let mut renders = take_renders();
        renders.sort();
        renders
    }

    #[wasm_bindgen_test]
    fn a_change_to_one_task_renders_only_its_views() {
        let mut dom = VirtualDom::new(app);
        dom.rebuild_in_place();
        assert_eq!(take_renders(), ["list", "a", "b", "c"]);

        let mut renamed = task("a", "2027-01-02T00:00:00Z");
        renamed.title = "Renamed".into();
        let changed = renamed.clone();
        assert_eq!(after(&mut dom, |mut s| s.upsert(changed)), ["a"]);
        // The same task again (a refetch) renders nothing.
        assert!(after(&mut dom, |mut s| s.upsert(renamed)).is_empty());
        // A task not known yet: the list grows, and a view waiting for it hears it.
        let new = task("c", "2027-01-03T00:00:00Z");
        assert_eq!(after(&mut dom, |mut s| s.upsert(new)), ["c", "list"]);
        assert_eq!(
            after(&mut dom, |mut s| s.apply_change(TaskChange {
                action: AuditAction::Delete,
                task_id: Id::new("b"),
                source: AuditSource::Web,
                at: DateTime("2027-01-04T00:00:00Z".into()),
                task: None,
            })),
            ["b", "list"]
        );
        dom.in_scope(ScopeId::APP, || {
            let store = consume_context::<Tasks>();
            assert!(store.task("b").is_none());
            assert_eq!(store.list().peek().ids, ["c", "a"]);
            assert_eq!(store.task("a").unwrap().title, "Renamed");
        });
    }
}
