//! Task queries: lookups scoped to their owner, keyset-paginated listing, and the
//! conditional updates that make completion race-free.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement,
};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    IntoActiveModel, Iterable, ModelTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select, TryInsertResult,
};
use uuid::Uuid;

use std::collections::HashMap;

use super::entities::task::{self, Column, Entity as Tasks};
use super::projects::{self, visible_project_ids};
use super::{FetchedPage, PageSpec, Tx, all, labels, one, union_all};
use crate::domain::task::Task;

/// The filters of a task listing; every one that is set must hold.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub completed: Option<bool>,
    pub priority: Option<i16>,
    /// Tasks carrying the lister's label of this name (what a category was).
    pub label_name: Option<String>,
    pub project_id: Option<Uuid>,
    /// Tasks carrying every one of these labels.
    pub label_ids: Vec<Uuid>,
    pub assignee_id: Option<Uuid>,
    /// The subtasks of this task; without it, only top-level tasks are listed.
    pub parent_id: Option<Uuid>,
    pub due_before: Option<DateTime<Utc>>,
    pub due_after: Option<DateTime<Utc>>,
    pub overdue: Option<bool>,
    pub recurring: Option<bool>,
    pub search: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskOrderField {
    #[default]
    CreatedAt,
    DueAt,
    Priority,
    Title,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskOrder {
    pub field: TaskOrderField,
    pub descending: bool,
}

/// The sort key of the last row of a page; the next page starts after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyset {
    pub value: SortValue,
    pub id: Uuid,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "t", content = "v")]
pub enum SortValue {
    Null,
    Int(i64),
    Time(DateTime<Utc>),
    Text(String),
}

impl TaskOrderField {
    /// The column the order reads.
    fn column(self) -> Column {
        match self {
            Self::CreatedAt => Column::CreatedAt,
            Self::DueAt => Column::DueAt,
            Self::Priority => Column::Priority,
            Self::Title => Column::Title,
        }
    }

    /// The expression rows are ordered by. Titles sort case-insensitively.
    fn sort_expr(self) -> Expr {
        match self {
            Self::Title => Func::lower(Expr::col(Column::Title)).into(),
            Self::CreatedAt | Self::DueAt | Self::Priority => Expr::col(self.column()),
        }
    }

    /// The same expression applied to a cursor's value, so that the database computes
    /// both sides of a keyset comparison the same way (e.g. its own `LOWER`).
    fn cursor_expr(self, value: &SortValue) -> Option<Expr> {
        let value = match value {
            SortValue::Null => return None,
            SortValue::Int(v) => Expr::val(*v),
            SortValue::Time(v) => Expr::val(*v),
            SortValue::Text(v) => Expr::val(v.clone()),
        };
        Some(match self {
            Self::Title => Func::lower(value).into(),
            _ => value,
        })
    }

    /// Whether some rows have no value to sort by (they go last).
    fn nullable(self) -> bool {
        matches!(self, Self::DueAt | Self::Priority)
    }

    /// The sort value of `task` for a cursor.
    pub fn value_of(self, task: &Task) -> SortValue {
        match self {
            Self::CreatedAt => SortValue::Time(task.created_at),
            Self::DueAt => task.due_at.map_or(SortValue::Null, SortValue::Time),
            Self::Priority => task
                .priority
                .map_or(SortValue::Null, |p| SortValue::Int(p.into())),
            Self::Title => SortValue::Text(task.title.clone()),
        }
    }
}

/// Task `id`, if `user_id` is a member of its project.
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<Task>, DbErr> {
    one(Tasks::find_by_id(id)
        .filter(Column::ProjectId.in_subquery(visible_project_ids(user_id, true)))
        .one(conn)
        .await?)
}

/// The tasks of a project, subtasks first: the order to record their deletion in.
pub async fn of_project(conn: &impl ConnectionTrait, project_id: Uuid) -> Result<Vec<Task>, DbErr> {
    all(Tasks::find()
        .filter(Column::ProjectId.eq(project_id))
        .order_by_desc(Expr::col(Column::ParentId).is_not_null())
        .all(conn)
        .await?)
}

/// The subtasks of these tasks, each parent's in their order.
pub async fn subtasks_of(
    conn: &impl ConnectionTrait,
    parent_ids: &[Uuid],
) -> Result<Vec<Task>, DbErr> {
    if parent_ids.is_empty() {
        return Ok(Vec::new());
    }
    all(Tasks::find()
        .filter(Column::ParentId.is_in(parent_ids.iter().copied()))
        .order_by_asc(Column::Position)
        .order_by_asc(Column::CreatedAt)
        .all(conn)
        .await?)
}

/// How many subtasks each of these tasks has, and how many of them are done.
pub async fn subtask_progress(
    conn: &impl ConnectionTrait,
    parent_ids: &[Uuid],
) -> Result<HashMap<Uuid, SubtaskProgress>, DbErr> {
    if parent_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = Tasks::find()
        .select_only()
        .column(Column::ParentId)
        .column(Column::Completed)
        .expr(Expr::col(Column::Id).count())
        .filter(Column::ParentId.is_in(parent_ids.iter().copied()))
        .group_by(Column::ParentId)
        .group_by(Column::Completed)
        .into_tuple::<(Option<Uuid>, bool, i64)>()
        .all(conn)
        .await?;
    let mut progress: HashMap<Uuid, SubtaskProgress> = HashMap::new();
    for (parent, completed, count) in rows {
        let Some(parent) = parent else { continue };
        let entry = progress.entry(parent).or_default();
        entry.total += count;
        if completed {
            entry.done += count;
        }
    }
    Ok(progress)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubtaskProgress {
    pub done: i64,
    pub total: i64,
}

/// The position after the last subtask of `parent_id`: where a new one goes.
pub async fn next_subtask_position(
    conn: &impl ConnectionTrait,
    parent_id: Uuid,
) -> Result<i32, DbErr> {
    let last = Tasks::find()
        .select_only()
        .column(Column::Position)
        .filter(Column::ParentId.eq(parent_id))
        .order_by_desc(Column::Position)
        .limit(1)
        .into_tuple::<i32>()
        .one(conn)
        .await?;
    Ok(last.map_or(0, |position| position.saturating_add(1)))
}

/// Moves the subtasks of `parent_id` to the project their parent moved to.
pub async fn move_subtasks(
    conn: &impl ConnectionTrait,
    parent_id: Uuid,
    project_id: Uuid,
) -> Result<(), DbErr> {
    Tasks::update_many()
        .col_expr(Column::ProjectId, Expr::value(project_id))
        .filter(Column::ParentId.eq(parent_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The occurrence created when `parent_id` was completed, if any.
pub async fn find_successor(
    conn: &impl ConnectionTrait,
    parent_id: Uuid,
) -> Result<Option<Task>, DbErr> {
    one(Tasks::find()
        .filter(Column::ParentTaskId.eq(parent_id))
        .one(conn)
        .await?)
}

pub async fn insert(conn: &impl ConnectionTrait, task: Task) -> Result<Task, DbErr> {
    task::ActiveModel::from(task).insert(conn).await?.try_into()
}

/// Writes the columns in which `edited` differs from `current`, the task as this
/// transaction read it, and returns the task as it now is. Columns left alone are not
/// written, so an edit never puts back a value another writer changed meanwhile.
pub async fn update(
    conn: &impl ConnectionTrait,
    current: &Task,
    edited: Task,
) -> Result<Task, DbErr> {
    let edited = task::Model::from(edited);
    let mut model = task::Model::from(current.clone()).into_active_model();
    for column in Column::iter() {
        let value = edited.get(column);
        if model.get(column).into_value().as_ref() != Some(&value) {
            model.try_set(column, value)?;
        }
    }
    model.update(conn).await?.try_into()
}

/// Sets when the reminder of task `id` is due.
pub async fn set_remind_at(
    conn: &impl ConnectionTrait,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    Tasks::update_many()
        .col_expr(Column::RemindAt, Expr::value(at))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Inserts the successor of an occurrence unless one exists already; the unique index on
/// `parent_task_id` decides, so concurrent completions cannot both insert. Returns the
/// row when this call inserted it.
pub async fn insert_successor(
    conn: &impl ConnectionTrait,
    task: Task,
) -> Result<Option<Task>, DbErr> {
    // Not `exec_with_returning`: sea-orm 2.0.4 reports the conflict it exists for as an
    // error (`RecordNotFound`) there; the list form returns no row instead.
    let result = Tasks::insert(task::ActiveModel::from(task))
        .on_conflict_do_nothing_on([Column::ParentTaskId])
        .exec_with_returning_many(conn)
        .await?;
    one(match result {
        TryInsertResult::Inserted(inserted) => inserted.into_iter().next(),
        TryInsertResult::Empty | TryInsertResult::Conflicted => None,
    })
}

/// Deletes task `id` if it is still untouched ([`Task::is_untouched`]), judged on the
/// row as it is when the statement runs, so an edit committed meanwhile keeps it.
/// Returns whether it was deleted.
pub async fn delete_if_untouched(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let result = Tasks::delete_many()
        .filter(Column::Id.eq(id))
        .filter(Column::Completed.eq(false))
        .filter(Expr::col(Column::UpdatedAt).eq(Expr::col(Column::CreatedAt)))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks an open task completed and returns it as it now is. Returns `None` when it was
/// already completed: the conditional update is what makes concurrent completions of one
/// occurrence resolve to a single winner.
pub async fn mark_completed(
    conn: &impl ConnectionTrait,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<Option<Task>, DbErr> {
    let completed = Tasks::update_many()
        .col_expr(Column::Completed, Expr::value(true))
        .col_expr(Column::CompletedAt, Expr::value(at))
        .col_expr(Column::RemindAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::UpdatedAt, Expr::value(at))
        .filter(Column::Id.eq(id))
        .filter(Column::Completed.eq(false))
        .exec_with_returning(conn)
        .await?;
    one(completed.into_iter().next())
}

/// The earliest pending reminder time across all users.
pub async fn earliest_reminder(
    conn: &impl ConnectionTrait,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let next = Tasks::find()
        .select_only()
        .column(Column::RemindAt)
        .filter(Column::RemindAt.is_not_null())
        .order_by_asc(Column::RemindAt)
        .limit(1)
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(conn)
        .await?;
    Ok(next.flatten())
}

/// Claims up to `limit` reminders due by `now`: clears their `remind_at` and records the
/// due date reminded of, so no other sweep (here or on another replica) claims them.
/// Rows another transaction holds are skipped, not waited for.
pub async fn claim_due_reminders(
    tx: &Tx,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Task>, DbErr> {
    let due = Tasks::find()
        .filter(Column::RemindAt.lte(now))
        .order_by_asc(Column::RemindAt)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(tx)
        .await?;
    if !due.is_empty() {
        Tasks::update_many()
            .col_expr(Column::RemindAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(Column::RemindedDueAt, Expr::col(Column::DueAt))
            .col_expr(
                Column::SnoozedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(Column::Id.is_in(due.iter().map(|task| task.id)))
            .exec(tx)
            .await?;
    }
    all(due)
}

/// The user's open tasks that have a due date: those a reminder can be armed for.
pub async fn open_with_due_date(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<Task>, DbErr> {
    all(Tasks::find()
        .filter(Column::UserId.eq(user_id))
        .filter(Column::Completed.eq(false))
        .filter(Column::DueAt.is_not_null())
        .all(conn)
        .await?)
}

/// The open tasks with a due date in every project `user_id` is a member of and that is
/// not archived: what their calendar feed lists.
pub async fn open_dated_visible(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<Task>, DbErr> {
    all(Tasks::find()
        .filter(Column::ProjectId.in_subquery(projects::listed_memberships(user_id)))
        .filter(Column::Completed.eq(false))
        .filter(Column::DueAt.is_not_null())
        .order_by_asc(Column::DueAt)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?)
}

/// Deletes task `id` (its subtasks go with it, by the foreign key).
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let result = Tasks::delete_many()
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// One page of the tasks `user_id` may see that pass `filter`: up to `limit` rows after
/// `after`, whether more follow, and when `page` asks, how many match in all.
pub async fn list(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    filter: &TaskFilter,
    order: TaskOrder,
    after: Option<&Keyset>,
    page: PageSpec,
    now: DateTime<Utc>,
) -> Result<FetchedPage<Task>, DbErr> {
    let covered = Covered::of(conn, user_id, filter).await?;
    let matching = matching(user_id, &covered, filter, now);
    // One project's tasks, in order and stopping after a page, by its index.
    let walk = |project: Condition| {
        let query = Tasks::find()
            .filter(project)
            .filter(filter_condition(user_id, filter, now));
        let query = match after {
            Some(after) => query.filter(keyset_condition(order, after)),
            None => query,
        };
        order_terms(order)
            .into_iter()
            .fold(query, |query, (term, direction)| {
                query.order_by(term, direction)
            })
    };
    let query = match &covered {
        // Each walk reads only what orders the page (its index alone, no table row);
        // the page's rows are looked up once the merge has picked them.
        Covered::These(ids) if ids.len() > 1 => {
            let walks = ids.iter().map(|&project_id| {
                walk(Condition::all().add(Column::ProjectId.eq(project_id)))
                    .select_only()
                    .column(Column::Id)
                    .column(order.field.column())
                    .limit(page.limit + 1)
                    .into_query()
            });
            let mut picked = Query::select();
            picked
                .column(Column::Id)
                .from_subquery(union_all(walks), Alias::new("merged"));
            for (term, direction) in order_terms(order) {
                picked.order_by_expr(term, direction);
            }
            picked.limit(page.limit + 1);
            order_terms(order)
                .into_iter()
                .fold(
                    Tasks::find().filter(Column::Id.in_subquery(picked)),
                    |query, (term, direction)| query.order_by(term, direction),
                )
                .into_query()
        }
        Covered::AllListed => {
            let listed = Alias::new("listed");
            let project = Condition::all().add(
                Expr::col((Tasks, Column::ProjectId)).equals((listed.clone(), Column::ProjectId)),
            );
            let walk = walk(project).limit(page.limit + 1).into_query();
            let walks = Query::select()
                .column((Alias::new("walk"), Asterisk))
                .from_subquery(projects::listed_memberships(user_id), listed)
                .join_lateral(
                    JoinType::InnerJoin,
                    walk,
                    Alias::new("walk"),
                    Expr::val(true),
                )
                .to_owned();
            in_order(walks, order)
        }
        Covered::IfMember(_) | Covered::These(_) => walk(Condition::all())
            .filter(matching_projects(user_id, &covered))
            .into_query(),
    };
    super::fetch_page_of(conn, query, matching, page).await
}

/// The order of a listing: its sort expression (rows without a value last in either
/// direction), then the id.
fn order_terms(order: TaskOrder) -> Vec<(Expr, Order)> {
    let direction = if order.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let sort = order.field.sort_expr();
    let mut terms = Vec::with_capacity(3);
    if order.field.nullable() {
        terms.push((sort.clone().is_null(), Order::Asc));
    }
    terms.push((sort, direction.clone()));
    terms.push((Expr::col(Column::Id), direction));
    terms
}

/// The tasks of `source` (the walks of several projects, each a page at most) as one
/// listing in `order`: no index orders tasks across projects, and a single `project_id
/// IN (...)` would make the database read and sort every matching task of all the
/// projects for one page; merging a page of each costs a page per project.
fn in_order(source: SelectStatement, order: TaskOrder) -> SelectStatement {
    let mut merged = Query::select();
    merged
        .columns(Column::iter())
        .from_subquery(source, Alias::new("merged"));
    for (term, direction) in order_terms(order) {
        merged.order_by_expr(term, direction);
    }
    merged
}

pub async fn count(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    filter: &TaskFilter,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let covered = Covered::of(conn, user_id, filter).await?;
    matching(user_id, &covered, filter, now).count(conn).await
}

/// The projects a listing covers, as its statement names them.
///
/// They are named rather than left to a subquery of memberships so that the database
/// walks each project's index in order and stops after a page. PostgreSQL does that for
/// every listed project within the one statement (a lateral join); SQLite has no
/// lateral joins, but its statements cost no round trip, so it looks the projects up
/// first and unites a walk of each.
enum Covered {
    /// The project the filter names, if the lister is a member of it: checked by the
    /// listing's own statement (an uncorrelated `EXISTS`, evaluated once), so a project
    /// the lister is not in lists nothing, exactly like a missing one.
    IfMember(Uuid),
    /// These projects, looked up first (SQLite).
    These(Vec<Uuid>),
    /// Every project the lister is a member of that is not archived (PostgreSQL).
    AllListed,
}

impl Covered {
    async fn of(
        conn: &impl ConnectionTrait,
        user_id: Uuid,
        filter: &TaskFilter,
    ) -> Result<Self, DbErr> {
        Ok(match filter.project_id {
            Some(project_id) => Self::IfMember(project_id),
            None if conn.get_database_backend() == DbBackend::Postgres => Self::AllListed,
            None => Self::These(projects::listed_ids(conn, user_id).await?),
        })
    }
}

/// The tasks of the covered projects that pass the filter.
fn matching(
    user_id: Uuid,
    covered: &Covered,
    filter: &TaskFilter,
    now: DateTime<Utc>,
) -> Select<Tasks> {
    Tasks::find()
        .filter(matching_projects(user_id, covered))
        .filter(filter_condition(user_id, filter, now))
}

fn matching_projects(user_id: Uuid, covered: &Covered) -> Condition {
    let condition = Condition::all();
    match covered {
        Covered::IfMember(project_id) => condition
            .add(Column::ProjectId.eq(*project_id))
            .add(Expr::exists(projects::membership(*project_id, user_id))),
        Covered::These(ids) => condition.add(match ids.as_slice() {
            [only] => Column::ProjectId.eq(*only),
            many => Column::ProjectId.is_in(many.iter().copied()),
        }),
        Covered::AllListed => {
            condition.add(Column::ProjectId.in_subquery(projects::listed_memberships(user_id)))
        }
    }
}

fn filter_condition(user_id: Uuid, filter: &TaskFilter, now: DateTime<Utc>) -> Condition {
    let mut condition = Condition::all();
    condition = condition.add(match filter.parent_id {
        Some(parent) => Column::ParentId.eq(parent),
        None => Column::ParentId.is_null(),
    });
    for &label in &filter.label_ids {
        condition = condition.add(Column::Id.in_subquery(labels::tasks_with(label)));
    }
    if let Some(name) = &filter.label_name {
        condition = condition.add(Column::Id.in_subquery(labels::tasks_with_name(user_id, name)));
    }
    if let Some(assignee) = filter.assignee_id {
        condition = condition.add(Column::AssigneeId.eq(assignee));
    }
    if let Some(completed) = filter.completed {
        condition = condition.add(Column::Completed.eq(completed));
    }
    if let Some(priority) = filter.priority {
        condition = condition.add(Column::Priority.eq(priority));
    }
    if let Some(before) = filter.due_before {
        condition = condition.add(Column::DueAt.lt(before));
    }
    if let Some(after) = filter.due_after {
        condition = condition.add(Column::DueAt.gte(after));
    }
    if let Some(overdue) = filter.overdue {
        // Spelled out both ways: negating the first would drop rows without a due
        // date, since SQL's NOT(NULL) is NULL.
        // An all-day task is overdue from the next day; a day is taken as 24 hours
        // here, so on the two DST days of a year it turns an hour early or late.
        let day_ago = now - chrono::Duration::days(1);
        condition = condition.add(if overdue {
            Condition::all().add(Column::Completed.eq(false)).add(
                Condition::any()
                    .add(Column::AllDay.eq(false).and(Column::DueAt.lt(now)))
                    .add(Column::AllDay.eq(true).and(Column::DueAt.lte(day_ago))),
            )
        } else {
            Condition::any()
                .add(Column::Completed.eq(true))
                .add(Column::DueAt.is_null())
                .add(Column::AllDay.eq(false).and(Column::DueAt.gte(now)))
                .add(Column::AllDay.eq(true).and(Column::DueAt.gt(day_ago)))
        });
    }
    if let Some(recurring) = filter.recurring {
        condition = condition.add(if recurring {
            Column::Rrule.is_not_null()
        } else {
            Column::Rrule.is_null()
        });
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        let matches = |column: Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        condition = condition.add(
            Condition::any()
                .add(matches(Column::Title))
                .add(matches(Column::Description)),
        );
    }
    condition
}

/// Rows strictly after `after` in the listing's order (nulls last, id breaking ties).
fn keyset_condition(order: TaskOrder, after: &Keyset) -> Condition {
    let sort = order.field.sort_expr();
    let beyond = |left: Expr, right: Expr| {
        if order.descending {
            left.lt(right)
        } else {
            left.gt(right)
        }
    };
    let id_after = beyond(Expr::col(Column::Id), Expr::val(after.id));
    match order.field.cursor_expr(&after.value) {
        // A row-value comparison lets the database seek in the (user, sort, id) index.
        Some(value) if !order.field.nullable() => Condition::all().add(beyond(
            Expr::tuple([sort, Expr::col(Column::Id)]),
            Expr::tuple([value, Expr::val(after.id)]),
        )),
        Some(value) => Condition::any()
            .add(beyond(sort.clone(), value.clone()))
            .add(Condition::all().add(sort.clone().eq(value)).add(id_after))
            .add(sort.is_null()),
        None => Condition::all().add(sort.is_null()).add(id_after),
    }
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
