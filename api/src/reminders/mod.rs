//! Reminders in motion: the scheduler that fires them on time in every replica, and the
//! fan-out that brings notifications made on one replica to subscribers on all of them.

mod fanout;
mod scheduler;

pub use fanout::Fanout;
pub use scheduler::{Scheduler, Sweep};
