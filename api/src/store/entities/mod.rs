pub mod api_token;
pub mod audit_entry;
pub mod notification;
pub mod outbox;
pub mod preferences;
pub mod processed_event;
pub mod task;
pub mod user;
