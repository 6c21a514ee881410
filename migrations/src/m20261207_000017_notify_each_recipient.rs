use sea_orm_migration::prelude::*;

/// A reminder of a task in a shared project goes to each member (or to its assignee), so
/// a task and due date may have one notification per user: the unique key that keeps a
/// reminder from being delivered twice gains the user.
#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD_INDEX: &str = "idx_notifications_task_due";
const NEW_INDEX: &str = "idx_notifications_task_due_user";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(OLD_INDEX)
                    .table(Notifications::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(NEW_INDEX)
                    .table(Notifications::Table)
                    .col(Notifications::TaskId)
                    .col(Notifications::DueAt)
                    .col(Notifications::UserId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(NEW_INDEX)
                    .table(Notifications::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(OLD_INDEX)
                    .table(Notifications::Table)
                    .col(Notifications::TaskId)
                    .col(Notifications::DueAt)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    TaskId,
    DueAt,
    UserId,
}
