use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEntries::Table)
                    .col(pk_uuid(AuditEntries::Id))
                    // The event an entry was made from: applying an event twice is a no-op.
                    .col(uuid_uniq(AuditEntries::EventId))
                    // No foreign key: the trail outlives the tasks (and is kept apart
                    // from the users table so entries can be written from events alone).
                    .col(uuid(AuditEntries::UserId))
                    .col(string_len(AuditEntries::Action, 16))
                    .col(string_len(AuditEntries::EntityType, 32))
                    .col(uuid(AuditEntries::EntityId))
                    .col(json_binary_null(AuditEntries::Before))
                    .col(json_binary_null(AuditEntries::After))
                    .col(json_binary_null(AuditEntries::ChangedFields))
                    .col(string_len(AuditEntries::Source, 16))
                    .col(string_len_null(AuditEntries::RequestId, 128))
                    .col(timestamp_with_time_zone(AuditEntries::At))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_audit_user_at",
                vec![AuditEntries::UserId, AuditEntries::At],
            ),
            (
                "idx_audit_user_entity_at",
                vec![
                    AuditEntries::UserId,
                    AuditEntries::EntityId,
                    AuditEntries::At,
                ],
            ),
            ("idx_audit_at", vec![AuditEntries::At]),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditEntries::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEntries::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEntries {
    Table,
    Id,
    EventId,
    UserId,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    ChangedFields,
    Source,
    RequestId,
    At,
}
