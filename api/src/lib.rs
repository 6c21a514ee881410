//! The task service: domain rules, storage, use cases and the GraphQL/HTTP edge.
//!
//! Dependencies point one way: `domain` ← `store` ← `service` ← `graphql` ← `http` ←
//! `app`.

pub mod app;
pub mod config;
pub mod domain;
pub mod events;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod reminders;
pub mod service;
pub mod store;
pub mod telemetry;
