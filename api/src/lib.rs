//! The task service: domain rules, storage, use cases and the GraphQL/HTTP edge.
//!
//! Dependencies point one way:
//!
//! ```text
//! domain ← store ← service ← graphql ← http ←──────┐
//!                     ↑                             app (with config)
//!                     ├── events (bus, relay, consumers) ←─┤
//!                     ├── reminders (scheduler, fan-out) ←─┤
//!                     └── delivery (Web Push, email)    ←─┘
//! ```
//!
//! `events`, `reminders` and `delivery` are background work over the services; `reminders` triggers
//! through the `events::CronHandler` port, and only `app` wires them to the edge.

pub mod app;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod events;
pub mod formats;
pub mod graphql;
pub mod html;
pub mod http;
pub mod metrics;
pub mod reminders;
pub mod service;
pub mod store;
pub mod telemetry;
