use sea_orm_migration::prelude::*;

/// Listings show top-level tasks (`parent_id IS NULL`), a page in order plus how many
/// there are. With `parent_id` outside the project indexes, both had to read every
/// task row of the project to test it: the count alone visited all of them. Partial
/// indexes over the top-level tasks serve the ordered walk and the count from the
/// index alone, on SQLite and PostgreSQL, whose planners pick a partial index when the
/// query repeats its condition. `idx_tasks_project_created` stays for what looks up a
/// project's tasks of any level (its deletion, the foreign key's cascade).
#[derive(DeriveMigrationName)]
pub struct Migration;

const TOP_LEVEL_INDEXES: &[(&str, Tasks)] = &[
    ("idx_tasks_project_top_created", Tasks::CreatedAt),
    ("idx_tasks_project_top_due", Tasks::DueAt),
];
/// Replaced by `idx_tasks_project_top_due`: nothing lists subtasks by due date.
const PROJECT_DUE_INDEX: &str = "idx_tasks_project_due";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in TOP_LEVEL_INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(*name)
                        .table(Tasks::Table)
                        .col(Tasks::ProjectId)
                        .col(*column)
                        .col(Tasks::Id)
                        .and_where(Expr::col(Tasks::ParentId).is_null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name(PROJECT_DUE_INDEX)
                    .table(Tasks::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(PROJECT_DUE_INDEX)
                    .table(Tasks::Table)
                    .col(Tasks::ProjectId)
                    .col(Tasks::DueAt)
                    .col(Tasks::Id)
                    .to_owned(),
            )
            .await?;
        for (name, _) in TOP_LEVEL_INDEXES {
            manager
                .drop_index(Index::drop().name(*name).table(Tasks::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Tasks {
    Table,
    ProjectId,
    ParentId,
    CreatedAt,
    DueAt,
    Id,
}
