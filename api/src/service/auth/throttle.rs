//! Slows down password guessing: after a few failed sign-ins for one email, further
//! attempts for it are refused for a while, whether or not the account exists.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::service::ServiceError;

const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);
const LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Entries are pruned when the map grows past this, so a flood of random emails cannot
/// grow it without bound.
const PRUNE_ABOVE: usize = 10_000;

/// Per-process; with several replicas each keeps its own count, which still bounds a
/// guesser to `MAX_FAILURES` per replica per window.
#[derive(Default)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Clone, Copy)]
struct Entry {
    failures: u32,
    first_failure: Instant,
    locked_until: Option<Instant>,
}

impl LoginThrottle {
    pub fn check(&self, email: &str) -> Result<(), ServiceError> {
        self.check_at(email, Instant::now())
    }

    pub fn failed(&self, email: &str) {
        self.failed_at(email, Instant::now());
    }

    pub fn succeeded(&self, email: &str) {
        self.lock().remove(email);
    }

    fn check_at(&self, email: &str, now: Instant) -> Result<(), ServiceError> {
        match self.lock().get(email).and_then(|e| e.locked_until) {
            Some(until) if until > now => Err(ServiceError::TooManyAttempts {
                retry_after: until - now,
            }),
            _ => Ok(()),
        }
    }

    fn failed_at(&self, email: &str, now: Instant) {
        let mut entries = self.lock();
        if entries.len() > PRUNE_ABOVE {
            entries.retain(|_, e| {
                now.duration_since(e.first_failure) < WINDOW
                    || e.locked_until.is_some_and(|u| u > now)
            });
        }
        let entry = entries.entry(email.to_owned()).or_insert(Entry {
            failures: 0,
            first_failure: now,
            locked_until: None,
        });
        let lock_expired = entry.locked_until.is_some_and(|until| until <= now);
        if lock_expired || now.duration_since(entry.first_failure) >= WINDOW {
            *entry = Entry {
                failures: 0,
                first_failure: now,
                locked_until: None,
            };
        }
        entry.failures += 1;
        if entry.failures >= MAX_FAILURES {
            entry.locked_until = Some(now + LOCKOUT);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A poisoned map only holds counters; carrying on is safe.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_repeated_failures_and_unlocks_later() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..MAX_FAILURES {
            assert!(throttle.check_at("a@example.com", start).is_ok());
            throttle.failed_at("a@example.com", start);
        }
        assert!(throttle.check_at("a@example.com", start).is_err());
        // Other emails are unaffected.
        assert!(throttle.check_at("b@example.com", start).is_ok());
        assert!(
            throttle
                .check_at("a@example.com", start + LOCKOUT + Duration::from_secs(1))
                .is_ok()
        );
    }

    #[test]
    fn success_resets_the_count() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..MAX_FAILURES - 1 {
            throttle.failed_at("a@example.com", now);
        }
        throttle.succeeded("a@example.com");
        throttle.failed_at("a@example.com", now);
        assert!(throttle.check_at("a@example.com", now).is_ok());
    }
}
