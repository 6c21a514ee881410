use sea_orm_migration::prelude::*;

/// The relay asks for the oldest unpublished rows many times a second. The index of
/// migration 4 on `(published_at, seq)` answers that too, but it keeps an entry with a
/// null `published_at` for every row version the relay has since marked, until a vacuum
/// removes it; under sustained writes PostgreSQL then bitmap-scanned thousands of them
/// and sorted the result for each batch. This index holds only unpublished rows, in
/// publication order, so the query reads as many entries as it returns.
#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_outbox_unpublished";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Outbox::Table)
                    .col(Outbox::Seq)
                    .and_where(Expr::col(Outbox::PublishedAt).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Outbox::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Seq,
    PublishedAt,
}
