use sea_orm_migration::{prelude::*, schema::*};

/// What a person's consent gives an agent (issue 31): a grant per consent, the
/// single-use authorization codes that start one, and the access and refresh tokens
/// that carry one (stored as SHA-256, never as themselves).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OauthGrants::Table)
                    .col(pk_uuid(OauthGrants::Id))
                    .col(uuid(OauthGrants::UserId))
                    .col(uuid(OauthGrants::ClientId))
                    // The granted scope string: `tasks:read` or `tasks:read tasks:write`.
                    .col(string_len(OauthGrants::Scopes, 40))
                    // The MCP URL the grant's tokens are bound to (RFC 8707).
                    .col(text(OauthGrants::Resource))
                    .col(timestamp_with_time_zone(OauthGrants::CreatedAt))
                    .col(timestamp_with_time_zone_null(OauthGrants::LastUsedAt))
                    .col(timestamp_with_time_zone_null(OauthGrants::RevokedAt))
                    // The generation of the one refresh token that may be exchanged next.
                    .col(integer(OauthGrants::RefreshGeneration))
                    .col(timestamp_with_time_zone(OauthGrants::RefreshExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthGrants::Table, OauthGrants::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthGrants::Table, OauthGrants::ClientId)
                            .to(OauthClients::Table, OauthClients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_oauth_grants_user")
                    .table(OauthGrants::Table)
                    .col(OauthGrants::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthCodes::Table)
                    .col(string_len(OauthCodes::CodeHash, 64).primary_key())
                    .col(uuid(OauthCodes::ClientId))
                    .col(uuid(OauthCodes::UserId))
                    .col(text(OauthCodes::RedirectUri))
                    .col(string_len(OauthCodes::CodeChallenge, 43))
                    .col(text(OauthCodes::Resource))
                    .col(string_len(OauthCodes::Scopes, 40))
                    .col(timestamp_with_time_zone(OauthCodes::ExpiresAt))
                    // Set by the one exchange that may happen; a second one revokes the
                    // grant the first made.
                    .col(timestamp_with_time_zone_null(OauthCodes::RedeemedAt))
                    .col(uuid_null(OauthCodes::GrantId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthCodes::Table, OauthCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthCodes::Table, OauthCodes::ClientId)
                            .to(OauthClients::Table, OauthClients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthTokens::Table)
                    .col(string_len(OauthTokens::TokenHash, 64).primary_key())
                    .col(uuid(OauthTokens::GrantId))
                    // `access` or `refresh`.
                    .col(string_len(OauthTokens::Kind, 10))
                    // A refresh token's generation; 0 for access tokens.
                    .col(integer(OauthTokens::Generation))
                    .col(timestamp_with_time_zone(OauthTokens::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthTokens::Table, OauthTokens::GrantId)
                            .to(OauthGrants::Table, OauthGrants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_oauth_tokens_grant")
                    .table(OauthTokens::Table)
                    .col(OauthTokens::GrantId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OauthTokens::Table.into_iden(),
            OauthCodes::Table.into_iden(),
            OauthGrants::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OauthGrants {
    Table,
    Id,
    UserId,
    ClientId,
    Scopes,
    Resource,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
    RefreshGeneration,
    RefreshExpiresAt,
}

#[derive(DeriveIden)]
enum OauthCodes {
    Table,
    CodeHash,
    ClientId,
    UserId,
    RedirectUri,
    CodeChallenge,
    Resource,
    Scopes,
    ExpiresAt,
    RedeemedAt,
    GrantId,
}

#[derive(DeriveIden)]
enum OauthTokens {
    Table,
    TokenHash,
    GrantId,
    Kind,
    Generation,
    ExpiresAt,
}
