use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    // When the reminder of this occurrence is due; null when there is none
                    // to send (done, no due date, overdue, reminders off, or sent).
                    .add_column(timestamp_with_time_zone_null(Tasks::RemindAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    // The due date the last reminder was sent for: a reminder is sent once
                    // per occurrence and due date, and moving the due date re-arms it.
                    .add_column(timestamp_with_time_zone_null(Tasks::RemindedDueAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tasks_remind_at")
                    .table(Tasks::Table)
                    .col(Tasks::RemindAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_tasks_remind_at")
                    .table(Tasks::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Tasks::RemindAt, Tasks::RemindedDueAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tasks::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    RemindAt,
    RemindedDueAt,
}
