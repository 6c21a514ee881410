//! The one client-side store of tasks: query results, mutation results and
//! subscription events all land here, and every view renders from it, so a change
//! that arrives over the websocket shows everywhere the task is shown.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::api::{
    AuditAction, OrderDirection, Task, TaskChange, TaskConnection, TaskFilter, TaskOrder,
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Store {
    pub tasks: HashMap<String, Task>,
    /// The list's ids, in the list's order.
    pub list: Vec<String>,
    pub query: ListQuery,
    pub total: i32,
    pub has_next: bool,
    pub end_cursor: Option<String>,
    /// False until the first page of the current query arrives.
    pub loaded: bool,
}

impl Store {
    /// Starts a new list: what was shown no longer applies.
    pub fn reset(&mut self, query: ListQuery) {
        self.query = query;
        self.list.clear();
        self.total = 0;
        self.has_next = false;
        self.end_cursor = None;
        self.loaded = false;
    }

    /// Every category among the tasks known, sorted: suggestions for the filter.
    pub fn categories(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .tasks
            .values()
            .filter_map(|t| t.category.clone())
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// A page of the current query: the first replaces the list, later ones extend it.
    pub fn receive_page(&mut self, page: TaskConnection, first: bool) {
        if first {
            self.list.clear();
        }
        for edge in page.edges {
            let id = id_of(&edge.node.id);
            if !self.list.contains(&id) {
                self.list.push(id.clone());
            }
            self.tasks.insert(id, edge.node);
        }
        self.total = page.total_count;
        self.has_next = page.page_info.has_next_page;
        self.end_cursor = page.page_info.end_cursor;
        self.loaded = true;
    }

    pub fn get(&self, id: &str) -> Option<&Task> {
        self.tasks.get(id)
    }

    /// A task as it is now (from a mutation or a live event): updated wherever it is
    /// shown, and in the list exactly when it matches the list's filter.
    pub fn upsert(&mut self, task: Task) {
        let id = id_of(&task.id);
        let belongs = matches(&self.query.filter, &task);
        let position = self.list.iter().position(|i| *i == id);
        match (belongs, position) {
            (true, Some(_)) => {
                self.tasks.insert(id.clone(), task);
                self.resort(&id);
            }
            (true, None) => {
                self.tasks.insert(id.clone(), task);
                self.insert_in_order(id);
            }
            (false, Some(index)) => {
                self.tasks.insert(id, task);
                self.list.remove(index);
                self.total = (self.total - 1).max(0);
            }
            (false, None) => {
                self.tasks.insert(id, task);
            }
        }
    }

    pub fn remove(&mut self, id: &str) {
        self.tasks.remove(id);
        if let Some(index) = self.list.iter().position(|i| i == id) {
            self.list.remove(index);
            self.total = (self.total - 1).max(0);
        }
    }

    /// A change pushed by the `taskChanges` subscription.
    pub fn apply_change(&mut self, change: TaskChange) {
        match (change.action, change.task) {
            (AuditAction::Delete, _) | (_, None) => self.remove(change.task_id.inner()),
            (_, Some(task)) => self.upsert(task),
        }
    }

    fn resort(&mut self, id: &str) {
        if let Some(index) = self.list.iter().position(|i| i == id) {
            let id = self.list.remove(index);
            self.total -= 1;
            self.insert_in_order(id);
        }
    }

    /// Puts `id` where the server's order would, unless that lies past the loaded
    /// pages: then the next page brings it.
    fn insert_in_order(&mut self, id: String) {
        let Some(task) = self.tasks.get(&id) else {
            return;
        };
        let order = self.query.order;
        let index = self
            .list
            .iter()
            .position(|other| {
                self.tasks
                    .get(other)
                    .is_some_and(|other| compare(order, task, other) == Ordering::Less)
            })
            .unwrap_or(self.list.len());
        self.total += 1;
        if index < self.list.len() || !self.has_next {
            self.list.insert(index, id);
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
    // Exact, as the server compares it: a live change must land where a refetch would.
    if let Some(category) = &filter.category
        && task.category.as_deref() != Some(category.as_str())
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
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::api::{AuditSource, DateTime, Id, PageInfo, Priority, TaskEdge};

    fn task(id: &str, created: &str) -> Task {
        Task {
            id: Id::new(id),
            title: format!("Task {id}"),
            description: None,
            priority: None,
            category: None,
            due_at: None,
            time_zone: "UTC".into(),
            recurrence: None,
            remind_before_minutes: None,
            completed: false,
            completed_at: None,
            created_at: DateTime(created.into()),
            updated_at: DateTime(created.into()),
        }
    }

    fn page(tasks: Vec<Task>, has_next: bool) -> TaskConnection {
        TaskConnection {
            total_count: i32::try_from(tasks.len()).unwrap() + i32::from(has_next) * 10,
            edges: tasks.into_iter().map(|node| TaskEdge { node }).collect(),
            page_info: PageInfo {
                has_next_page: has_next,
                end_cursor: Some("c".into()),
            },
        }
    }

    fn loaded(tasks: Vec<Task>, has_next: bool) -> Store {
        let mut store = Store::default();
        store.reset(ListQuery::default());
        store.receive_page(page(tasks, has_next), true);
        store
    }

    #[wasm_bindgen_test]
    fn a_task_created_elsewhere_appears_in_order() {
        let mut store = loaded(
            vec![
                task("b", "2027-01-03T00:00:00Z"),
                task("a", "2027-01-01T00:00:00Z"),
            ],
            false,
        );
        let change = TaskChange {
            action: AuditAction::Create,
            task_id: Id::new("c"),
            source: AuditSource::Mcp,
            at: DateTime("2027-01-02T00:00:00Z".into()),
            task: Some(task("c", "2027-01-02T00:00:00Z")),
        };
        store.apply_change(change);
        assert_eq!(store.list, ["b", "c", "a"]);
        assert_eq!(store.total, 3);
    }

    #[wasm_bindgen_test]
    fn a_task_past_the_loaded_pages_waits_for_the_next_page() {
        let mut store = loaded(vec![task("b", "2027-01-03T00:00:00Z")], true);
        store.upsert(task("old", "2026-01-01T00:00:00Z"));
        assert_eq!(store.list, ["b"]);
        assert_eq!(store.total, 12);
        assert!(store.get("old").is_some());
    }

    #[wasm_bindgen_test]
    fn completing_leaves_the_open_list_and_undo_brings_it_back() {
        let mut store = loaded(
            vec![
                task("b", "2027-01-03T00:00:00Z"),
                task("a", "2027-01-01T00:00:00Z"),
            ],
            false,
        );
        let mut done = task("b", "2027-01-03T00:00:00Z");
        done.completed = true;
        store.upsert(done.clone());
        assert_eq!(store.list, ["a"]);
        assert!(store.get("b").unwrap().completed);
        done.completed = false;
        store.upsert(done);
        assert_eq!(store.list, ["b", "a"]);
        assert_eq!(store.total, 2);
    }

    #[wasm_bindgen_test]
    fn the_category_filter_is_exact_like_the_servers() {
        let mut admin = task("a", "2027-01-01T00:00:00Z");
        admin.category = Some("Admin".into());
        let filter = |c: &str| TaskFilter {
            category: Some(c.into()),
            ..ListQuery::default().filter
        };
        assert!(matches(&filter("Admin"), &admin));
        assert!(!matches(&filter("admin"), &admin));
        assert!(!matches(
            &filter("Admin"),
            &task("b", "2027-01-01T00:00:00Z")
        ));
        let mut store = loaded(vec![admin, task("b", "2027-01-02T00:00:00Z")], false);
        let mut home = task("c", "2027-01-03T00:00:00Z");
        home.category = Some("Home".into());
        store.upsert(home);
        assert_eq!(store.categories(), ["Admin", "Home"]);
    }

    #[wasm_bindgen_test]
    fn a_deleted_task_leaves_every_view() {
        let mut store = loaded(vec![task("a", "2027-01-01T00:00:00Z")], false);
        store.apply_change(TaskChange {
            action: AuditAction::Delete,
            task_id: Id::new("a"),
            source: AuditSource::Web,
            at: DateTime("2027-01-03T00:00:00Z".into()),
            task: None,
        });
        assert!(store.list.is_empty());
        assert!(store.get("a").is_none());
        assert_eq!(store.total, 0);
    }

    #[wasm_bindgen_test]
    fn an_edit_moves_a_task_to_its_new_place() {
        let mut store = Store::default();
        store.reset(ListQuery {
            order: TaskOrder {
                field: TaskOrderField::DueAt,
                direction: OrderDirection::Asc,
            },
            ..ListQuery::default()
        });
        let mut early = task("early", "2027-01-01T00:00:00Z");
        early.due_at = Some(DateTime("2027-02-02T09:00:00Z".into()));
        let mut late = task("late", "2027-01-01T00:00:00Z");
        late.due_at = Some(DateTime("2027-02-05T09:00:00Z".into()));
        let undated = task("undated", "2027-01-01T00:00:00Z");
        store.receive_page(page(vec![early.clone(), late, undated], false), true);
        early.due_at = Some(DateTime("2027-02-09T09:00:00Z".into()));
        store.upsert(early);
        assert_eq!(store.list, ["late", "early", "undated"]);
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
}
