//! The integration suite: each test boots the real server on a random port with a fresh
//! database (SQLite by default; PostgreSQL when TEST_DATABASE_URL is set) and talks
//! HTTP to it.

#![allow(clippy::unwrap_used)]

mod audit;
mod auth;
mod calendar;
mod compression;
mod conformance;
mod dapr;
mod delivery;
mod edge;
mod faults;
mod helpers;
mod js_client;
mod limits;
mod live;
mod metrics;
mod oauth;
mod organise;
mod preferences;
mod preview;
mod process;
mod projects_helpers;
mod quick_add;
mod readme;
mod receivers;
mod recurrence;
mod reminders;
mod replicas;
mod server_info;
mod server_process;
mod sessions;
mod shared_live;
mod sharing;
mod statements;
mod task_changes;
mod tasks;
mod transfer;
mod undo;
mod web;
mod websocket;
