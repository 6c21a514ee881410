use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;

/// Reminders that reach people anywhere (issue 29): the channels a user turns on, the
/// browsers and phones they registered for Web Push, one row per delivery attempt
/// target (so that a reminder goes out once per channel and device, whatever retries,
/// replicas and redeliveries do), the one-time tokens behind the links of a reminder
/// email, and the snooze of a task's reminder.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement. Both channels stay off until the user
        // turns them on.
        for column in [
            boolean(Preferences::PushReminders)
                .default(false)
                .to_owned(),
            boolean(Preferences::EmailReminders)
                .default(false)
                .to_owned(),
            // Local "HH:MM" in the user's zone; null: no daily digest.
            string_len_null(Preferences::DailyDigestAt, 5),
            // The local day ("YYYY-MM-DD") the last digest went out for: one a day,
            // claimed by whichever replica sets it first.
            string_len_null(Preferences::DigestSentOn, 10),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Preferences::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    // The reminder was snoozed to this time: it fires then, even past the
                    // due date; a new due date ends the snooze.
                    .add_column(timestamp_with_time_zone_null(Tasks::SnoozedUntil))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PushSubscriptions::Table)
                    .col(pk_uuid(PushSubscriptions::Id))
                    .col(uuid(PushSubscriptions::UserId))
                    // The push service's URL for one browser; a browser that subscribes
                    // again with a new account moves its row.
                    .col(string_len(PushSubscriptions::Endpoint, 2048).unique_key())
                    .col(string_len(PushSubscriptions::P256dh, 128))
                    .col(string_len(PushSubscriptions::Auth, 64))
                    .col(string_len(PushSubscriptions::DeviceName, 100))
                    .col(timestamp_with_time_zone(PushSubscriptions::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        PushSubscriptions::LastSuccessAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PushSubscriptions::Table, PushSubscriptions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_push_subscriptions_user")
                    .table(PushSubscriptions::Table)
                    .col(PushSubscriptions::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .col(pk_uuid(Deliveries::Id))
                    // The reminder event: one delivery per event, channel and target.
                    .col(uuid(Deliveries::EventId))
                    .col(uuid(Deliveries::UserId))
                    .col(uuid(Deliveries::TaskId))
                    .col(timestamp_with_time_zone(Deliveries::DueAt))
                    .col(string_len(Deliveries::Title, 500))
                    // PUSH or EMAIL.
                    .col(string_len(Deliveries::Channel, 16))
                    // Whom it goes to: the push subscription's id, or the email address.
                    .col(string_len(Deliveries::Target, 254))
                    // PENDING, SENT, FAILED or GONE.
                    .col(string_len(Deliveries::Status, 16))
                    .col(integer(Deliveries::Attempts).default(0))
                    .col(text_null(Deliveries::LastError))
                    // When to try (again); a claim moves it past its lease.
                    .col(timestamp_with_time_zone(Deliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone(Deliveries::CreatedAt))
                    .col(timestamp_with_time_zone(Deliveries::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deliveries::Table, Deliveries::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deliveries_event_target")
                    .table(Deliveries::Table)
                    .col(Deliveries::EventId)
                    .col(Deliveries::Channel)
                    .col(Deliveries::Target)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deliveries_pending")
                    .table(Deliveries::Table)
                    .col(Deliveries::Status)
                    .col(Deliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deliveries_reminder")
                    .table(Deliveries::Table)
                    .col(Deliveries::TaskId)
                    .col(Deliveries::DueAt)
                    .col(Deliveries::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ActionTokens::Table)
                    // SHA-256 of the token in the link: a leaked table holds no link.
                    .col(string_len(ActionTokens::TokenHash, 64).primary_key())
                    .col(uuid(ActionTokens::UserId))
                    .col(uuid_null(ActionTokens::TaskId))
                    // COMPLETE, SNOOZE or UNSUBSCRIBE.
                    .col(string_len(ActionTokens::Action, 16))
                    .col(timestamp_with_time_zone(ActionTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ActionTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ActionTokens::Table, ActionTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ActionTokens::Table.into_iden(),
            Deliveries::Table.into_iden(),
            PushSubscriptions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .drop_column(Tasks::SnoozedUntil)
                    .to_owned(),
            )
            .await?;
        for column in [
            Preferences::PushReminders,
            Preferences::EmailReminders,
            Preferences::DailyDigestAt,
            Preferences::DigestSentOn,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Preferences::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Preferences {
    Table,
    PushReminders,
    EmailReminders,
    DailyDigestAt,
    DigestSentOn,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    SnoozedUntil,
}

#[derive(DeriveIden)]
enum PushSubscriptions {
    Table,
    Id,
    UserId,
    Endpoint,
    P256dh,
    Auth,
    DeviceName,
    CreatedAt,
    LastSuccessAt,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    Id,
    EventId,
    UserId,
    TaskId,
    DueAt,
    Title,
    Channel,
    Target,
    Status,
    Attempts,
    LastError,
    NextAttemptAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ActionTokens {
    Table,
    TokenHash,
    UserId,
    TaskId,
    Action,
    ExpiresAt,
    UsedAt,
}
