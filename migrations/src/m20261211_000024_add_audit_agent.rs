use sea_orm_migration::{prelude::*, schema::*};

/// Changes an agent made through an OAuth grant (issue 31) name the agent: the client's
/// name at the time, kept even after the grant is revoked.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEntries::Table)
                    .add_column(string_len_null(AuditEntries::Agent, 100))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEntries::Table)
                    .drop_column(AuditEntries::Agent)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    Agent,
}
