use sea_orm_migration::prelude::*;

/// Indexes for the listings as the web UI asks for them (issue 32).
///
/// - **Open tasks by due date.** The UI opens on `completed = false`, ordered by
///   `due_at IS NULL, due_at, id` (undated last). No index served that: the ordered
///   walk of `idx_tasks_project_top_due` knew neither which rows are done nor the
///   undated-last order, so each page read every top-level task of the project and
///   sorted them, and the count visited every row to test `completed`. The new index
///   leads with what a listing's filter fixes and then follows its order exactly, on
///   SQLite and PostgreSQL alike (both index an expression in parentheses, and match it
///   in a query however its column is qualified); the due-date index without
///   `completed` follows the same order.
/// - **Listings from the index alone.** Each top-level index also holds `parent_id`:
///   SQLite reads a partial index alone only when every column the statement names is
///   in it, and `parent_id IS NULL` names one. So a count, and a walk that picks a
///   page's ids, no longer look up each task's row.
/// - **`idx_tasks_parent` over subtasks only.** Over every task it offered
///   `parent_id IS NULL` as an equality, and without statistics SQLite took it for the
///   count of a listing across several projects: every top-level task of every account,
///   each looked up in the table to test its project. Lookups of subtasks
///   (`parent_id = ?`, `parent_id IN (...)`) imply `parent_id IS NOT NULL` and still use
///   it.
/// - **A task's history in a project.** The history merges walks over the user's own
///   entries and over each of their projects' (`store::audit::list`); the project walks
///   get an index that leads with the project and the entity, as the own walk had.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// Name, then the definition this migration gives it and the one it had before (`None`:
/// the index is new).
const TASK_INDEXES: &[(&str, &str, Option<&str>)] = &[
    (
        "idx_tasks_project_top_created",
        "(project_id, created_at, id, parent_id) WHERE parent_id IS NULL",
        Some("(project_id, created_at, id) WHERE parent_id IS NULL"),
    ),
    (
        "idx_tasks_project_top_due",
        "(project_id, (due_at IS NULL), due_at, id, parent_id) WHERE parent_id IS NULL",
        Some("(project_id, due_at, id) WHERE parent_id IS NULL"),
    ),
    (
        "idx_tasks_project_top_completed_due",
        "(project_id, completed, (due_at IS NULL), due_at, id, parent_id) \
         WHERE parent_id IS NULL",
        None,
    ),
    (
        "idx_tasks_parent",
        "(parent_id, position) WHERE parent_id IS NOT NULL",
        Some("(parent_id, position)"),
    ),
];
const AUDIT_INDEX: &str = "idx_audit_project_entity_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, definition, before) in TASK_INDEXES {
            if before.is_some() {
                drop_task_index(manager, name).await?;
            }
            create_task_index(manager, name, definition).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(AUDIT_INDEX)
                    .table(AuditEntries::Table)
                    .col(AuditEntries::ProjectId)
                    .col(AuditEntries::EntityId)
                    .col(AuditEntries::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(AUDIT_INDEX)
                    .table(AuditEntries::Table)
                    .to_owned(),
            )
            .await?;
        for (name, _, before) in TASK_INDEXES.iter().rev() {
            drop_task_index(manager, name).await?;
            if let Some(before) = before {
                create_task_index(manager, name, before).await?;
            }
        }
        Ok(())
    }
}

/// Written as SQL, which reads the same on both backends: sea-query's index builder
/// has no expression columns.
async fn create_task_index(
    manager: &SchemaManager<'_>,
    name: &str,
    definition: &str,
) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_unprepared(&format!("CREATE INDEX {name} ON tasks {definition}"))
        .await?;
    Ok(())
}

async fn drop_task_index(manager: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    manager
        .drop_index(Index::drop().name(name).table(Tasks::Table).to_owned())
        .await
}

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    ProjectId,
    EntityId,
    At,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
}
