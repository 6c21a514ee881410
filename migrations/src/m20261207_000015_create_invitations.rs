use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;
use crate::m20261207_000013_create_projects::Projects;

/// Invitations to a shared project (issue 28). Sharing by email answers the same
/// whether or not the email has an account, so an invitation names an email, not a
/// user: it waits for a registration with that email, until it expires.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(pk_uuid(Invitations::Id))
                    .col(uuid(Invitations::ProjectId))
                    // Lower-cased, like users.email, so it matches case-insensitively.
                    .col(string_len(Invitations::Email, 254))
                    // EDITOR or VIEWER.
                    .col(string_len(Invitations::Role, 16))
                    .col(uuid(Invitations::InvitedBy))
                    .col(timestamp_with_time_zone(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::InvitedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One pending invitation per project and email: sharing again renews it.
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_project_email")
                    .table(Invitations::Table)
                    .col(Invitations::ProjectId)
                    .col(Invitations::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // "My invitations": looked up by the signed-in user's email.
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_email")
                    .table(Invitations::Table)
                    .col(Invitations::Email)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Invitations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    ProjectId,
    Email,
    Role,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
}
