use sea_orm_migration::{prelude::*, schema::*};

/// The project of each audit entry (issue 28): a project's members see its trail, so
/// entries are found by project. No foreign key: the trail outlives projects, as it
/// outlives tasks. Existing entries of tasks that still exist get their task's project
/// (every task is in its owner's Inbox by now); entries of deleted tasks keep none.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // The column, its index and its values together, on SQLite too.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEntries::Table)
                    .add_column(uuid_null(AuditEntries::ProjectId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(AuditEntries::Table)
                    .col(AuditEntries::ProjectId)
                    .col(AuditEntries::At)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE audit_entries \
                 SET project_id = (SELECT project_id FROM tasks WHERE tasks.id = audit_entries.entity_id) \
                 WHERE EXISTS (SELECT 1 FROM tasks WHERE tasks.id = audit_entries.entity_id)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(AuditEntries::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEntries::Table)
                    .drop_column(AuditEntries::ProjectId)
                    .to_owned(),
            )
            .await
    }
}

const INDEX: &str = "idx_audit_project_at";

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    ProjectId,
    At,
}
