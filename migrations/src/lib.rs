//! Schema migrations, applied by `todo-api` at start-up and by `todo-api migrate`.
//!
//! One migration per change; a migration that has landed is never edited.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_users;
mod m20261126_000002_create_api_tokens;
mod m20261126_000003_create_tasks;
mod m20261126_000004_create_outbox;
mod m20261126_000005_create_audit_entries;
mod m20261126_000006_create_processed_events;
mod m20261126_000007_create_preferences;
mod m20261126_000008_add_task_reminders;
mod m20261126_000009_create_notifications;
mod m20261126_000010_create_login_throttle;
mod m20261127_000011_index_unpublished_outbox;
mod m20261206_000012_create_refresh_tokens;
mod m20261207_000013_create_projects;
mod m20261207_000014_create_labels;
mod m20261207_000015_create_invitations;
mod m20261207_000016_add_audit_project;
mod m20261207_000017_notify_each_recipient;
mod m20261207_000018_index_top_level_tasks;
mod m20261208_000019_add_reminder_channels;
mod m20261209_000020_add_all_day_dates;
mod m20261209_000021_create_calendar_feeds;
mod m20261210_000022_create_oauth_clients;
mod m20261211_000023_create_oauth_grants;
mod m20261211_000024_add_audit_agent;
mod m20261212_000025_index_listings;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_users::Migration),
            Box::new(m20261126_000002_create_api_tokens::Migration),
            Box::new(m20261126_000003_create_tasks::Migration),
            Box::new(m20261126_000004_create_outbox::Migration),
            Box::new(m20261126_000005_create_audit_entries::Migration),
            Box::new(m20261126_000006_create_processed_events::Migration),
            Box::new(m20261126_000007_create_preferences::Migration),
            Box::new(m20261126_000008_add_task_reminders::Migration),
            Box::new(m20261126_000009_create_notifications::Migration),
            Box::new(m20261126_000010_create_login_throttle::Migration),
            Box::new(m20261127_000011_index_unpublished_outbox::Migration),
            Box::new(m20261206_000012_create_refresh_tokens::Migration),
            Box::new(m20261207_000013_create_projects::Migration),
            Box::new(m20261207_000014_create_labels::Migration),
            Box::new(m20261207_000015_create_invitations::Migration),
            Box::new(m20261207_000016_add_audit_project::Migration),
            Box::new(m20261207_000017_notify_each_recipient::Migration),
            Box::new(m20261207_000018_index_top_level_tasks::Migration),
            Box::new(m20261208_000019_add_reminder_channels::Migration),
            Box::new(m20261209_000020_add_all_day_dates::Migration),
            Box::new(m20261209_000021_create_calendar_feeds::Migration),
            Box::new(m20261210_000022_create_oauth_clients::Migration),
            Box::new(m20261211_000023_create_oauth_grants::Migration),
            Box::new(m20261211_000024_add_audit_agent::Migration),
            Box::new(m20261212_000025_index_listings::Migration),
        ]
    }
}
