use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(pk_uuid(Tasks::Id))
                    .col(uuid(Tasks::UserId))
                    .col(text(Tasks::Title))
                    .col(text_null(Tasks::Description))
                    .col(small_integer_null(Tasks::Priority))
                    .col(string_len_null(Tasks::Category, 50))
                    .col(timestamp_with_time_zone_null(Tasks::DueAt))
                    .col(string_len(Tasks::TimeZone, 64))
                    .col(text_null(Tasks::Rrule))
                    .col(string_len_null(Tasks::RecurrencePreset, 16))
                    .col(string_len_null(Tasks::RecurrenceMode, 16))
                    // DTSTART of the rule: the due date the series counts from, kept
                    // apart from due_at so month-end clamping never drifts.
                    .col(timestamp_with_time_zone_null(Tasks::RecurrenceAnchor))
                    .col(integer(Tasks::OccurrenceNumber).default(1))
                    .col(integer_null(Tasks::RemindBeforeMinutes))
                    .col(boolean(Tasks::Completed).default(false))
                    .col(timestamp_with_time_zone_null(Tasks::CompletedAt))
                    .col(uuid_null(Tasks::SeriesId))
                    // Unique: an occurrence has at most one successor, however many
                    // completions race for it.
                    .col(uuid_null(Tasks::ParentTaskId).unique_key())
                    .col(timestamp_with_time_zone(Tasks::CreatedAt))
                    .col(timestamp_with_time_zone(Tasks::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tasks::Table, Tasks::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Listing pages walk these in either direction, the id breaking ties.
        for (name, column) in [
            ("idx_tasks_user_created", Tasks::CreatedAt),
            ("idx_tasks_user_due", Tasks::DueAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Tasks::Table)
                        .col(Tasks::UserId)
                        .col(column)
                        .col(Tasks::Id)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Tasks::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    UserId,
    Title,
    Description,
    Priority,
    Category,
    DueAt,
    TimeZone,
    Rrule,
    RecurrencePreset,
    RecurrenceMode,
    RecurrenceAnchor,
    OccurrenceNumber,
    RemindBeforeMinutes,
    Completed,
    CompletedAt,
    SeriesId,
    ParentTaskId,
    CreatedAt,
    UpdatedAt,
}
