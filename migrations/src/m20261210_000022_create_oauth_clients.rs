use sea_orm_migration::{prelude::*, schema::*};

/// Agents that connect by URL (issue 31) register themselves first (RFC 7591): a public
/// client with a name and the redirect URIs its authorization codes may go to.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OauthClients::Table)
                    .col(pk_uuid(OauthClients::Id))
                    .col(string_len(OauthClients::Name, 100))
                    // A JSON array of exact URIs.
                    .col(text(OauthClients::RedirectUris))
                    .col(timestamp_with_time_zone(OauthClients::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OauthClients::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    Id,
    Name,
    RedirectUris,
    CreatedAt,
}
