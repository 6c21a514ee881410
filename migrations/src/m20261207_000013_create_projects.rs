use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;

/// Projects (issue 28): a task belongs to exactly one, and every account has an Inbox.
/// Members share a project with a role; the owner has a membership row too, so access
/// checks read one table. Tasks also gain a parent (subtasks, one level), their order
/// among their parent's subtasks, and an assignee.
///
/// Existing accounts get their Inbox here, and existing tasks move into it. An Inbox's
/// id is its owner's id, for existing and new accounts alike, so the Inbox of a user is
/// found without a lookup and can never be duplicated.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // The data copied below must not be half-done when a later statement fails, on
    // SQLite too (sea-orm-migration only wraps PostgreSQL migrations by default).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Projects::Table)
                    .col(pk_uuid(Projects::Id))
                    .col(uuid(Projects::OwnerId))
                    .col(string_len(Projects::Name, 100))
                    // The name lower-cased: the unique index below then makes names
                    // unique per owner case-insensitively on every backend.
                    .col(string_len(Projects::NameKey, 100))
                    .col(string_len_null(Projects::Color, 7))
                    .col(integer(Projects::Position).default(0))
                    .col(boolean(Projects::Archived).default(false))
                    .col(boolean(Projects::IsInbox).default(false))
                    .col(timestamp_with_time_zone(Projects::CreatedAt))
                    .col(timestamp_with_time_zone(Projects::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Projects::Table, Projects::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_projects_owner_name")
                    .table(Projects::Table)
                    .col(Projects::OwnerId)
                    .col(Projects::NameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProjectMembers::Table)
                    .col(uuid(ProjectMembers::ProjectId))
                    .col(uuid(ProjectMembers::UserId))
                    // OWNER, EDITOR or VIEWER.
                    .col(string_len(ProjectMembers::Role, 16))
                    .col(timestamp_with_time_zone(ProjectMembers::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ProjectMembers::ProjectId)
                            .col(ProjectMembers::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProjectMembers::Table, ProjectMembers::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProjectMembers::Table, ProjectMembers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // "The projects I am a member of": the primary key serves the other direction.
        manager
            .create_index(
                Index::create()
                    .name("idx_project_members_user")
                    .table(ProjectMembers::Table)
                    .col(ProjectMembers::UserId)
                    .col(ProjectMembers::ProjectId)
                    .to_owned(),
            )
            .await?;

        // SQLite adds one column per statement, and only adds a foreign key as part of
        // a column definition (`ALTER TABLE ... ADD FOREIGN KEY` does not exist there);
        // PostgreSQL accepts the same column-level REFERENCES, so one form serves both.
        for column in [
            // Null only at the SQL level: SQLite cannot add a NOT NULL column without a
            // default, and the code always sets it.
            uuid_null(Tasks::ProjectId)
                .extra("REFERENCES projects (id) ON DELETE CASCADE")
                .to_owned(),
            // A subtask's parent; deleting the parent deletes its subtasks.
            uuid_null(Tasks::ParentId)
                .extra("REFERENCES tasks (id) ON DELETE CASCADE")
                .to_owned(),
            // Order among the parent's subtasks.
            integer(Tasks::Position).default(0).to_owned(),
            uuid_null(Tasks::AssigneeId)
                .extra("REFERENCES users (id) ON DELETE SET NULL")
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tasks::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, columns) in TASK_INDEXES {
            let mut index = Index::create();
            index.name(*name).table(Tasks::Table);
            for column in *columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }

        // Plain SQL that reads the same on both backends: copying columns keeps each
        // backend's own encoding of ids and timestamps.
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO projects \
               (id, owner_id, name, name_key, color, position, archived, is_inbox, \
                created_at, updated_at) \
             SELECT id, id, 'Inbox', 'inbox', NULL, 0, FALSE, TRUE, created_at, created_at \
             FROM users",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO project_members (project_id, user_id, role, created_at) \
             SELECT id, id, 'OWNER', created_at FROM users",
        )
        .await?;
        db.execute_unprepared("UPDATE tasks SET project_id = user_id")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A column with an index cannot be dropped before the index.
        for (name, _) in TASK_INDEXES {
            manager
                .drop_index(Index::drop().name(*name).table(Tasks::Table).to_owned())
                .await?;
        }
        for column in [
            Tasks::ProjectId,
            Tasks::ParentId,
            Tasks::Position,
            Tasks::AssigneeId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tasks::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ProjectMembers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Projects::Table).to_owned())
            .await
    }
}

/// A project's listing pages walk these in either direction, the id breaking ties; a
/// parent's subtasks are read in their order.
const TASK_INDEXES: &[(&str, &[Tasks])] = &[
    (
        "idx_tasks_project_created",
        &[Tasks::ProjectId, Tasks::CreatedAt, Tasks::Id],
    ),
    (
        "idx_tasks_project_due",
        &[Tasks::ProjectId, Tasks::DueAt, Tasks::Id],
    ),
    ("idx_tasks_parent", &[Tasks::ParentId, Tasks::Position]),
];

#[derive(DeriveIden)]
pub(crate) enum Projects {
    Table,
    Id,
    OwnerId,
    Name,
    NameKey,
    Color,
    Position,
    Archived,
    IsInbox,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProjectMembers {
    Table,
    ProjectId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Tasks {
    Table,
    Id,
    ProjectId,
    ParentId,
    Position,
    AssigneeId,
    CreatedAt,
    DueAt,
}
