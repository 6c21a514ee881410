//! Delivering a reminder beyond the open pages: the channels, the state of each
//! delivery, and when a failed one is tried again.

use chrono::{DateTime, Duration, Utc};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};
use uuid::Uuid;

use super::UnknownName;

/// A way a reminder reaches a person with no page open.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, IntoStaticStr, VariantArray,
)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
pub enum Channel {
    /// Web Push to one registered browser or phone.
    Push,
    Email,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, IntoStaticStr, VariantArray)]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = UnknownName,
    parse_err_fn = UnknownName::of::<Self>
)]
pub enum DeliveryStatus {
    /// Not sent yet, or to be tried again at `next_attempt_at`.
    Pending,
    Sent,
    /// Refused for good (a 4xx other than 404/410/429, or out of attempts).
    Failed,
    /// The push service said the subscription no longer exists; it was removed.
    Gone,
}

/// One reminder on its way through one channel to one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: Uuid,
    /// The reminder event it came from: one delivery per event, channel and target.
    pub event_id: Uuid,
    pub user_id: Uuid,
    pub task_id: Uuid,
    pub due_at: DateTime<Utc>,
    /// The task is due all day: its date is shown without a time.
    pub all_day: bool,
    /// The task's title when the reminder fired.
    pub title: String,
    pub channel: Channel,
    /// The push subscription's id, or the email address.
    pub target: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How an attempt ended, as the sender saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    Sent,
    /// Worth trying again (connection refused, 429, 5xx), no sooner than `retry_after`
    /// when the receiver said so.
    Transient {
        error: String,
        retry_after: Option<Duration>,
    },
    /// Will never work (another 4xx, a malformed target).
    Permanent {
        error: String,
    },
    /// The push subscription is gone (404, 410).
    Gone {
        error: String,
    },
}

/// Attempts before a delivery that keeps failing is given up.
pub const MAX_ATTEMPTS: i32 = 8;

/// When to try again after `attempts` failed attempts: exponential from 5 s, capped at
/// 30 min, and never sooner than the receiver asked (`Retry-After`, capped at 1 h).
pub fn retry_at(now: DateTime<Utc>, attempts: i32, retry_after: Option<Duration>) -> DateTime<Utc> {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(9);
    let backoff = Duration::seconds(5 * 2_i64.pow(exponent)).min(Duration::minutes(30));
    let asked = retry_after
        .unwrap_or_else(Duration::zero)
        .clamp(Duration::zero(), Duration::hours(1));
    now + backoff.max(asked)
}

/// The status and next attempt a delivery takes after an attempt (its `attempts`
/// already counting this one).
pub fn after_attempt(
    outcome: &AttemptOutcome,
    attempts: i32,
    now: DateTime<Utc>,
) -> (DeliveryStatus, DateTime<Utc>, Option<String>) {
    match outcome {
        AttemptOutcome::Sent => (DeliveryStatus::Sent, now, None),
        AttemptOutcome::Transient { error, .. } if attempts >= MAX_ATTEMPTS => (
            DeliveryStatus::Failed,
            now,
            Some(format!("gave up after {attempts} attempts: {error}")),
        ),
        AttemptOutcome::Transient { error, retry_after } => (
            DeliveryStatus::Pending,
            retry_at(now, attempts, *retry_after),
            Some(error.clone()),
        ),
        AttemptOutcome::Permanent { error } => (DeliveryStatus::Failed, now, Some(error.clone())),
        AttemptOutcome::Gone { error } => (DeliveryStatus::Gone, now, Some(error.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_honours_retry_after() {
        let now = Utc::now();
        assert_eq!(retry_at(now, 1, None), now + Duration::seconds(5));
        assert_eq!(retry_at(now, 2, None), now + Duration::seconds(10));
        assert_eq!(retry_at(now, 4, None), now + Duration::seconds(40));
        assert_eq!(retry_at(now, 30, None), now + Duration::minutes(30));
        assert_eq!(
            retry_at(now, 1, Some(Duration::seconds(120))),
            now + Duration::seconds(120)
        );
        assert_eq!(
            retry_at(now, 1, Some(Duration::days(3))),
            now + Duration::hours(1),
            "a receiver cannot park a delivery for days"
        );
    }

    #[test]
    fn transient_failures_retry_until_the_last_attempt() {
        let now = Utc::now();
        let transient = AttemptOutcome::Transient {
            error: "503".into(),
            retry_after: None,
        };
        let (status, next, error) = after_attempt(&transient, 1, now);
        assert_eq!(status, DeliveryStatus::Pending);
        assert!(next > now);
        assert_eq!(error.as_deref(), Some("503"));
        let (status, _, error) = after_attempt(&transient, MAX_ATTEMPTS, now);
        assert_eq!(status, DeliveryStatus::Failed);
        assert!(
            error
                .unwrap_or_default()
                .starts_with("gave up after 8 attempts")
        );
        let gone = AttemptOutcome::Gone {
            error: "410".into(),
        };
        assert_eq!(after_attempt(&gone, 1, now).0, DeliveryStatus::Gone);
        let refused = AttemptOutcome::Permanent {
            error: "400".into(),
        };
        assert_eq!(after_attempt(&refused, 1, now).0, DeliveryStatus::Failed);
        assert_eq!(
            after_attempt(&AttemptOutcome::Sent, 3, now).0,
            DeliveryStatus::Sent
        );
    }

    #[test]
    fn names_read_back() {
        for &channel in Channel::VARIANTS {
            assert_eq!(channel.to_string().parse::<Channel>(), Ok(channel));
        }
        for &status in DeliveryStatus::VARIANTS {
            assert_eq!(status.to_string().parse::<DeliveryStatus>(), Ok(status));
        }
        assert!("FAX".parse::<Channel>().is_err());
    }
}
