use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per user who changed something; the others have the defaults.
        manager
            .create_table(
                Table::create()
                    .table(Preferences::Table)
                    .col(uuid(Preferences::UserId).primary_key())
                    .col(boolean(Preferences::RemindersEnabled))
                    .col(integer(Preferences::ReminderMinutesBefore))
                    .col(boolean(Preferences::ToastNotifications))
                    .col(string_len(Preferences::TimeZone, 64))
                    .col(timestamp_with_time_zone(Preferences::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Preferences::Table, Preferences::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Preferences::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Preferences {
    Table,
    UserId,
    RemindersEnabled,
    ReminderMinutesBefore,
    ToastNotifications,
    TimeZone,
    UpdatedAt,
}
