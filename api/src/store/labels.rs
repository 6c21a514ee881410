//! Labels: an account's own, attached to any task it can see.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QueryTrait as _,
};
use uuid::Uuid;

use super::entities::label::{self, Entity as Labels};
use super::entities::task_label::{self, Entity as TaskLabels};
use super::rows::{ColumnValue as _, FromRowByPosition as _};
use crate::domain::project::{Label, name_key};

pub async fn insert(conn: &impl ConnectionTrait, label: Label) -> Result<Label, DbErr> {
    Ok(label::ActiveModel::from(label).insert(conn).await?.into())
}

pub async fn update(conn: &impl ConnectionTrait, edited: Label) -> Result<Label, DbErr> {
    Ok(label::ActiveModel::from(edited).update(conn).await?.into())
}

/// Deletes one of the user's labels (and its place on every task).
pub async fn delete(conn: &impl ConnectionTrait, user_id: Uuid, id: Uuid) -> Result<bool, DbErr> {
    let result = Labels::delete_many()
        .filter(label::Column::Id.eq(id))
        .filter(label::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The user's labels, by name.
pub async fn list(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Label>, DbErr> {
    let rows = Labels::find()
        .filter(label::Column::UserId.eq(user_id))
        .order_by_asc(label::Column::NameKey)
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(Label::from).collect())
}

/// The user's labels among `ids`.
pub async fn find_owned(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<Label>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = Labels::find()
        .filter(label::Column::UserId.eq(user_id))
        .filter(label::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(Label::from).collect())
}

/// The user's label called `name` (in any case), created with `label`'s fields when
/// there is none. Two requests creating the same label at once both get the one that
/// was stored first (the unique index on the name decides), instead of one failing.
pub async fn find_or_insert(conn: &impl ConnectionTrait, label: Label) -> Result<Label, DbErr> {
    let (user_id, name) = (label.user_id, label.name.clone());
    Labels::insert(label::ActiveModel::from(label))
        .on_conflict_do_nothing_on([label::Column::UserId, label::Column::NameKey])
        .exec_without_returning(conn)
        .await?;
    find_by_name(conn, user_id, &name)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("the label {name:?} just stored")))
}

/// The user's label called `name` (in any case), if there is one.
pub async fn find_by_name(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    name: &str,
) -> Result<Option<Label>, DbErr> {
    let row = Labels::find()
        .filter(label::Column::UserId.eq(user_id))
        .filter(label::Column::NameKey.eq(name_key(name)))
        .one(conn)
        .await?;
    Ok(row.map(Label::from))
}

/// The labels of each of these tasks, by name: one statement whatever their number.
pub async fn of_tasks(
    conn: &impl ConnectionTrait,
    task_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Label>>, DbErr> {
    if task_ids.is_empty() {
        return Ok(HashMap::new());
    }
    // Decoded by position (`store::rows`): the label's columns, then the task's id.
    let mut query = Labels::find().into_query();
    query
        .column((task_label::Entity, task_label::Column::TaskId))
        .inner_join(
            task_label::Entity,
            Expr::col((task_label::Entity, task_label::Column::LabelId))
                .equals((label::Entity, label::Column::Id)),
        )
        .and_where(
            Expr::col((task_label::Entity, task_label::Column::TaskId))
                .is_in(task_ids.iter().copied()),
        );
    let rows = conn
        .query_all_raw(conn.get_database_backend().build(&query))
        .await?;
    let mut links = rows
        .iter()
        .map(|row| {
            let task_id = Uuid::read(row, label::Model::FIELDS.len())?;
            Ok((task_id, label::Model::from_row(row)?))
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    // Ordered here by the stored `name_key`, not by the database: its collation may not
    // order names as `name_key` does everywhere else.
    links.sort_by(|(_, a), (_, b)| a.name_key.cmp(&b.name_key));
    let mut by_task: HashMap<Uuid, Vec<Label>> = HashMap::new();
    for (task_id, label) in links {
        by_task.entry(task_id).or_default().push(label.into());
    }
    Ok(by_task)
}

/// Replaces `user_id`'s labels on a task with `label_ids`; labels other members put on
/// it stay. The ids must be the user's (the caller checks).
pub async fn set_on_task(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    task_id: Uuid,
    label_ids: &[Uuid],
) -> Result<(), DbErr> {
    let mut owned = Query::select();
    owned
        .column(label::Column::Id)
        .from(label::Entity)
        .and_where(Expr::col(label::Column::UserId).eq(user_id));
    TaskLabels::delete_many()
        .filter(task_label::Column::TaskId.eq(task_id))
        .filter(Condition::all().add(task_label::Column::LabelId.in_subquery(owned)))
        .exec(conn)
        .await?;
    add_to_tasks(conn, &[task_id], label_ids).await
}

/// Puts each of the labels on each of the tasks (those already there stay once).
pub async fn add_to_tasks(
    conn: &impl ConnectionTrait,
    task_ids: &[Uuid],
    label_ids: &[Uuid],
) -> Result<(), DbErr> {
    let links: Vec<task_label::ActiveModel> = task_ids
        .iter()
        .flat_map(|&task_id| {
            label_ids
                .iter()
                .map(move |&label_id| task_label::ActiveModel {
                    task_id: sea_orm::ActiveValue::Set(task_id),
                    label_id: sea_orm::ActiveValue::Set(label_id),
                })
        })
        .collect();
    if links.is_empty() {
        return Ok(());
    }
    TaskLabels::insert_many(links)
        .on_conflict_do_nothing_on([task_label::Column::TaskId, task_label::Column::LabelId])
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The label ids on a task, for copying them to its next occurrence.
pub async fn ids_on_tasks(
    conn: &impl ConnectionTrait,
    task_ids: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    if task_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(TaskLabels::find()
        .filter(task_label::Column::TaskId.is_in(task_ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|link| (link.task_id, link.label_id))
        .collect())
}

/// The subquery of the tasks carrying label `label_id`.
pub(super) fn tasks_with(label_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(task_label::Column::TaskId)
        .from(task_label::Entity)
        .and_where(Expr::col(task_label::Column::LabelId).eq(label_id))
        .to_owned()
}

/// The subquery of the tasks carrying `user_id`'s label named `name` (any case).
pub(super) fn tasks_with_name(user_id: Uuid, name: &str) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column((task_label::Entity, task_label::Column::TaskId))
        .from(task_label::Entity)
        .inner_join(
            label::Entity,
            Expr::col((label::Entity, label::Column::Id))
                .equals((task_label::Entity, task_label::Column::LabelId)),
        )
        .and_where(Expr::col((label::Entity, label::Column::UserId)).eq(user_id))
        .and_where(Expr::col((label::Entity, label::Column::NameKey)).eq(name_key(name)))
        .to_owned()
}
