use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};
use uuid::Uuid;

use crate::m20261126_000001_create_users::Users;

/// Labels (issue 28): per account, many per task. They replace the one free-text
/// category of a task, so each distinct category of an account becomes a label here and
/// its tasks carry it: nothing is lost. `tasks.category` stays as it was (the code no
/// longer reads it), so rolling the code back finds its data.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// Rows per INSERT: far below SQLite's limit on bound parameters.
const BATCH_ROWS: usize = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // All labels or none, on SQLite too (sea-orm-migration only wraps PostgreSQL
    // migrations by default): a failure half-way must not leave some tasks unlabelled.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Labels::Table)
                    .col(pk_uuid(Labels::Id))
                    .col(uuid(Labels::UserId))
                    .col(string_len(Labels::Name, 50))
                    // The name lower-cased: unique per account case-insensitively.
                    .col(string_len(Labels::NameKey, 50))
                    .col(string_len_null(Labels::Color, 7))
                    .col(timestamp_with_time_zone(Labels::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Labels::Table, Labels::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_labels_user_name")
                    .table(Labels::Table)
                    .col(Labels::UserId)
                    .col(Labels::NameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TaskLabels::Table)
                    .col(uuid(TaskLabels::TaskId))
                    .col(uuid(TaskLabels::LabelId))
                    .primary_key(
                        Index::create()
                            .col(TaskLabels::TaskId)
                            .col(TaskLabels::LabelId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TaskLabels::Table, TaskLabels::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TaskLabels::Table, TaskLabels::LabelId)
                            .to(Labels::Table, Labels::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // "The tasks with this label" (the label filter).
        manager
            .create_index(
                Index::create()
                    .name("idx_task_labels_label")
                    .table(TaskLabels::Table)
                    .col(TaskLabels::LabelId)
                    .col(TaskLabels::TaskId)
                    .to_owned(),
            )
            .await?;
        categories_to_labels(manager.get_connection()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TaskLabels::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Labels::Table).to_owned())
            .await
    }
}

/// One label per account and category, case-insensitively, named as the category of
/// the account's oldest task that has it; every task with a category gets its label.
///
/// The keys are computed here rather than in SQL: SQLite's LOWER folds ASCII only, and
/// the code keys names with Rust's `to_lowercase` (`domain::project::name_key`), so a
/// label made here is found by the same name typed later.
async fn categories_to_labels(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let rows = db
        .query_all(
            &Query::select()
                .columns([Tasks::Id, Tasks::UserId, Tasks::Category, Tasks::CreatedAt])
                .from(Tasks::Table)
                .and_where(Expr::col(Tasks::Category).is_not_null())
                .order_by(Tasks::CreatedAt, Order::Asc)
                .order_by(Tasks::Id, Order::Asc)
                .to_owned(),
        )
        .await?;
    let mut labels: HashMap<(Uuid, String), Uuid> = HashMap::new();
    let mut new_labels = Vec::new();
    let mut links = Vec::new();
    for row in rows {
        let task_id: Uuid = row.try_get("", "id")?;
        let user_id: Uuid = row.try_get("", "user_id")?;
        let category: String = row.try_get("", "category")?;
        let created_at: sea_orm::prelude::DateTimeUtc = row.try_get("", "created_at")?;
        let name = category.trim();
        if name.is_empty() {
            continue;
        }
        let label_id = *labels
            .entry((user_id, name.to_lowercase()))
            .or_insert_with_key(|(_, key)| {
                let id = Uuid::new_v4();
                new_labels.push((id, user_id, name.to_owned(), key.clone(), created_at));
                id
            });
        links.push((task_id, label_id));
    }

    for batch in new_labels.chunks(BATCH_ROWS) {
        let mut insert = Query::insert();
        insert.into_table(Labels::Table).columns([
            Labels::Id,
            Labels::UserId,
            Labels::Name,
            Labels::NameKey,
            Labels::CreatedAt,
        ]);
        for (id, user_id, name, key, created_at) in batch {
            insert.values_panic([
                (*id).into(),
                (*user_id).into(),
                name.as_str().into(),
                key.as_str().into(),
                (*created_at).into(),
            ]);
        }
        db.execute(&insert).await?;
    }
    for batch in links.chunks(BATCH_ROWS) {
        let mut insert = Query::insert();
        insert
            .into_table(TaskLabels::Table)
            .columns([TaskLabels::TaskId, TaskLabels::LabelId]);
        for (task_id, label_id) in batch {
            insert.values_panic([(*task_id).into(), (*label_id).into()]);
        }
        db.execute(&insert).await?;
    }
    Ok(())
}

#[derive(DeriveIden)]
enum Labels {
    Table,
    Id,
    UserId,
    Name,
    NameKey,
    Color,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TaskLabels {
    Table,
    TaskId,
    LabelId,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    UserId,
    Category,
    CreatedAt,
}
