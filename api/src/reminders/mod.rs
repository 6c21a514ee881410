//! Reminders in motion: the scheduler that fires them on time in every replica.

mod scheduler;

pub use scheduler::{Scheduler, Sweep};
