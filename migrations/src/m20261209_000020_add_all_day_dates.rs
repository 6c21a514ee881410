use sea_orm_migration::{prelude::*, schema::*};

/// All-day dates (issue 30): a task due on a date without a time, the local time of day
/// its reminder fires at, and the deliveries of its reminders (which show the date alone).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    // `due_at` then holds local midnight of the date in the task's zone.
                    .add_column(boolean(Tasks::AllDay).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Deliveries::Table)
                    .add_column(boolean(Deliveries::AllDay).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Preferences::Table)
                    // Local "HH:MM" in the task's zone.
                    .add_column(string_len(Preferences::AllDayReminderTime, 5).default("09:00"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Preferences::Table)
                    .drop_column(Preferences::AllDayReminderTime)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Deliveries::Table)
                    .drop_column(Deliveries::AllDay)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .drop_column(Tasks::AllDay)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    AllDay,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    AllDay,
}

#[derive(DeriveIden)]
enum Preferences {
    Table,
    AllDayReminderTime,
}
