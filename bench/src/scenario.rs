//! Runs one operation in a closed loop on N concurrent workers for a fixed time and
//! collects latencies of the successful calls.

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use hdrhistogram::Histogram;
use tokio::task::JoinSet;

/// One request kind; each worker owns its own instance, so it may carry state from one
/// call to the next.
pub trait Operation: Send + 'static {
    fn call(&mut self) -> impl Future<Output = anyhow::Result<()>> + Send;
}

pub struct Outcome {
    /// Latency of successful calls, in microseconds.
    pub latency: Histogram<u64>,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed: Duration,
}

impl Outcome {
    fn new() -> anyhow::Result<Self> {
        Ok(Self {
            // 1 µs to 60 s at three significant digits.
            latency: Histogram::new_with_bounds(1, 60_000_000, 3)?,
            errors: 0,
            first_error: None,
            elapsed: Duration::ZERO,
        })
    }

    pub fn successes(&self) -> u64 {
        self.latency.len()
    }

    pub fn per_second(&self) -> f64 {
        self.successes() as f64 / self.elapsed.as_secs_f64()
    }

    fn record(&mut self, result: anyhow::Result<()>, latency: Duration) {
        match result {
            Ok(()) => {
                let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
                self.latency.saturating_record(micros.max(1));
            }
            Err(error) => {
                self.errors += 1;
                self.first_error.get_or_insert_with(|| format!("{error:#}"));
            }
        }
    }

    fn merge(&mut self, other: Self) -> anyhow::Result<()> {
        self.latency.add(&other.latency)?;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        Ok(())
    }
}

pub async fn run<O: Operation>(workers: Vec<O>, duration: Duration) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let deadline = start + duration;
    let mut running = JoinSet::new();
    for worker in workers {
        running.spawn(drive(worker, deadline));
    }
    let mut total = Outcome::new()?;
    while let Some(joined) = running.join_next().await {
        total.merge(joined.context("benchmark worker panicked")??)?;
    }
    // Calls in flight at the deadline still finish, so the window is a little longer.
    total.elapsed = start.elapsed();
    Ok(total)
}

async fn drive<O: Operation>(mut operation: O, deadline: Instant) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::new()?;
    while Instant::now() < deadline {
        let started = Instant::now();
        let result = operation.call().await;
        outcome.record(result, started.elapsed());
    }
    Ok(outcome)
}
