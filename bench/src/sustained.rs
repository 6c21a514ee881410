//! Sustained writes: `createTask` in a closed loop for a minute, as fast as the server
//! takes it, while the outbox backlog (rows, age of the oldest) is sampled every
//! second; then the time the relay needs to drain what is left once the load stops.
//! Goal from the issue: the oldest undelivered event is never more than 2 s old.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use serde::Serialize;

use crate::backlog::{Backlog, Outbox};
use crate::graphql::Api;
use crate::measure::{Kind, Measurement, Plan};
use crate::workload::{self, CreateTask};

const GOAL_OLDEST_S: f64 = 2.0;
const SAMPLE_EVERY: Duration = Duration::from_secs(1);
/// Once the load stops the backlog is watched this closely, so the drain time is not
/// rounded up to a whole second.
const DRAIN_POLL: Duration = Duration::from_millis(20);
/// A relay that has not caught up after this long is stuck, not slow.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    /// Seconds since the load started.
    pub t_s: f64,
    pub rows: u64,
    pub oldest_age_s: Option<f64>,
    pub loaded: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sustained {
    pub load: Measurement,
    pub max_rows: u64,
    pub max_oldest_age_s: f64,
    /// From the end of the load to the first empty sample; zero if it was empty then.
    pub drain_s: f64,
    pub samples: Vec<Sample>,
}

pub async fn run(
    plan: Plan,
    writer: Api,
    concurrency: usize,
    outbox: &Outbox,
) -> anyhow::Result<Sustained> {
    let creators = (0..concurrency)
        .map(|_| CreateTask::new(writer.clone()))
        .collect::<Vec<_>>();
    println!(
        "{}: createTask at concurrency {concurrency} for {} s; outbox backlog every {} s \
         [goal: oldest unpublished event <= {GOAL_OLDEST_S} s]",
        plan.backend,
        plan.duration.as_secs(),
        SAMPLE_EVERY.as_secs()
    );
    let started = Instant::now();
    let mut load =
        tokio::spawn(async move { plan.measure("createTask", Kind::Write, creators).await });

    let mut samples = Vec::new();
    let mut peak = Peak::default();
    let mut ticks = tokio::time::interval(SAMPLE_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let measurement = loop {
        tokio::select! {
            finished = &mut load => break finished.context("the load task panicked")??,
            _ = ticks.tick() => {
                let backlog = outbox.sample().await?;
                peak.note(backlog);
                samples.push(record(started, backlog, true));
            }
        }
    };

    let stopped = Instant::now();
    let mut last_kept = stopped;
    let drained = loop {
        let backlog = outbox.sample().await?;
        // Every drain sample counts towards the peak; one a second is printed and kept.
        peak.note(backlog);
        let empty = backlog.rows == 0;
        if empty || last_kept.elapsed() >= SAMPLE_EVERY {
            samples.push(record(started, backlog, false));
            last_kept = Instant::now();
        }
        if empty {
            break stopped.elapsed();
        }
        if stopped.elapsed() > DRAIN_TIMEOUT {
            bail!(
                "the outbox still holds {} events {DRAIN_TIMEOUT:?} after the load stopped",
                backlog.rows
            );
        }
        tokio::time::sleep(DRAIN_POLL).await;
    };

    let result = Sustained {
        load: measurement,
        max_rows: peak.rows,
        max_oldest_age_s: peak.oldest_age_s,
        drain_s: drained.as_secs_f64(),
        samples,
    };
    print_summary(&result);
    Ok(result)
}

fn record(started: Instant, backlog: Backlog, loaded: bool) -> Sample {
    let sample = Sample {
        t_s: started.elapsed().as_secs_f64(),
        rows: backlog.rows,
        oldest_age_s: backlog.oldest_age_s,
        loaded,
    };
    print_sample(&sample);
    sample
}

/// The largest backlog seen in any sample, printed or not.
#[derive(Default)]
struct Peak {
    rows: u64,
    oldest_age_s: f64,
}

impl Peak {
    fn note(&mut self, backlog: Backlog) {
        self.rows = self.rows.max(backlog.rows);
        self.oldest_age_s = self.oldest_age_s.max(backlog.oldest_age_s.unwrap_or(0.0));
    }
}

fn print_sample(sample: &Sample) {
    let oldest = sample
        .oldest_age_s
        .map_or_else(|| "-".to_owned(), |age| format!("{age:.2} s"));
    println!(
        "  {:>5.1} s {:<7} backlog {:>6} rows, oldest {oldest}",
        sample.t_s,
        if sample.loaded { "load" } else { "drain" },
        sample.rows,
    );
}

fn print_summary(result: &Sustained) {
    let load = &result.load;
    println!(
        "{:<9} sustained createTask: {:.1} req/s over {:.0} s (p99 {:.2} ms, {} errors); \
         outbox backlog max {} rows, oldest unpublished event max {:.2} s \
         [goal <= {GOAL_OLDEST_S} s]; drained {:.2} s after the load stopped",
        load.backend,
        load.req_per_s,
        load.seconds,
        load.p99_ms,
        load.errors,
        result.max_rows,
        result.max_oldest_age_s,
        result.drain_s,
    );
}

/// A fresh account to write to, so the backlog is this run's alone.
pub async fn writer(api: &Api) -> anyhow::Result<Api> {
    workload::register(api, "sustained").await
}
