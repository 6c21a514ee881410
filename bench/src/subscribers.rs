//! Reminder latency against the number of idle subscribers: at each level, that many
//! websockets subscribe to `notifications` (graphql-transport-ws) for users who get no
//! reminders, while a few probe subscribers receive reminders due over a short spread.
//! Latency runs from a reminder's time (its due date; lead time 0) to the message on
//! the probe's websocket. Afterwards every idle websocket must still answer a protocol
//! ping, and none may have received anything.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::{SinkExt as _, StreamExt as _, stream};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::footprint;
use crate::graphql::Api;
use crate::workload;

pub const DEFAULT_LEVELS: [usize; 4] = [100, 1_000, 5_000, 10_000];
/// Idle subscribers are spread over this many accounts: several tabs per user, as in
/// real use, without registering (and hashing a password for) thousands of accounts.
const IDLE_USERS: usize = 100;
const PROBE_USERS: usize = 10;
/// Websockets opened at once; the server accepts them faster than one at a time.
const CONNECT_PARALLELISM: usize = 64;
/// Time to create the reminders' tasks (and the server to arm them) before the first
/// one is due.
const LEAD_IN: Duration = Duration::from_secs(5);
/// How long after the last reminder's time the probes keep waiting for stragglers.
const GRACE: Duration = Duration::from_secs(30);
const PING_TIMEOUT: Duration = Duration::from_secs(10);
const CREATE_PARALLELISM: usize = 8;
/// Idle sockets read a few small frames at most; the default 128 KiB buffers would make
/// 10,000 of them cost this process more than the server.
const IDLE_READ_BUFFER: usize = 4 * 1024;
const SUBSCRIBE: &str = "subscription { notifications { id title dueAt } }";
const CREATE_TASK: &str = "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }";

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

#[derive(Clone, Debug, Serialize)]
pub struct Point {
    pub idle_subscribers: usize,
    pub probe_subscribers: usize,
    pub connect_s: f64,
    /// Idle websockets that still answered a ping after the reminders went out.
    pub still_connected: usize,
    pub first_disconnect: Option<String>,
    /// Messages an idle subscriber received; none are meant for them.
    pub unexpected_messages: usize,
    pub reminders: usize,
    pub delivered: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub server_rss_before_mib: f64,
    pub server_rss_with_idle_mib: f64,
    pub kib_per_idle_subscriber: f64,
}

#[derive(Serialize)]
pub struct Subscribers {
    pub reminders_per_level: usize,
    pub spread_s: u64,
    pub points: Vec<Point>,
}

pub struct Settings {
    pub levels: Vec<usize>,
    pub reminders: usize,
    pub spread: Duration,
}

pub async fn run(
    backend: &'static str,
    api: &Api,
    base_url: &str,
    server_pid: &str,
    settings: &Settings,
) -> anyhow::Result<Subscribers> {
    ensure!(
        settings.reminders >= PROBE_USERS,
        "--reminders must be at least {PROBE_USERS}, one per probe user"
    );
    println!(
        "{backend}: reminder latency against idle subscribers {:?}; {} reminders due over \
         {} s to {PROBE_USERS} probe subscribers at each level",
        settings.levels,
        settings.reminders,
        settings.spread.as_secs()
    );
    let ws_url = format!("{}/graphql/ws", base_url.replacen("http", "ws", 1));
    let idle_tokens = register_all(api, "idle", IDLE_USERS).await?;
    let probes = register_all(api, "probe", PROBE_USERS).await?;

    let mut points = Vec::with_capacity(settings.levels.len());
    for &level in &settings.levels {
        let point = measure_level(&ws_url, server_pid, &idle_tokens, &probes, level, settings)
            .await
            .with_context(|| format!("with {level} idle subscribers"))?;
        print_point(backend, &point);
        points.push(point);
        // Let the server notice the closed websockets before the next level counts RSS.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    Ok(Subscribers {
        reminders_per_level: settings.reminders,
        spread_s: settings.spread.as_secs(),
        points,
    })
}

struct Account {
    token: String,
    api: Api,
}

async fn register_all(api: &Api, role: &str, count: usize) -> anyhow::Result<Vec<Account>> {
    let accounts: Vec<anyhow::Result<Account>> = stream::iter(0..count)
        .map(|n| async move {
            let (api, token) = workload::register_with_token(api, &format!("{role}{n}")).await?;
            Ok(Account { token, api })
        })
        .buffered(4)
        .collect()
        .await;
    accounts.into_iter().collect()
}

async fn measure_level(
    ws_url: &str,
    server_pid: &str,
    idle: &[Account],
    probes: &[Account],
    level: usize,
    settings: &Settings,
) -> anyhow::Result<Point> {
    let rss_before = footprint::idle_rss_mib(server_pid)?;
    let connecting = Instant::now();
    let (check, check_rx) = watch::channel(false);
    let mut watchers = JoinSet::new();
    let mut opened = stream::iter(0..level)
        .map(|n| subscribe(ws_url, &idle[n % idle.len()].token, Some(IDLE_READ_BUFFER)))
        .buffer_unordered(CONNECT_PARALLELISM);
    while let Some(socket) = opened.next().await {
        let socket = socket.with_context(|| {
            format!("opening idle subscriber {} of {level}", watchers.len() + 1)
        })?;
        watchers.spawn(watch_idle(socket, check_rx.clone()));
    }
    let connect_s = connecting.elapsed().as_secs_f64();
    tokio::time::sleep(footprint::SETTLE).await;
    let rss_with_idle = footprint::idle_rss_mib(server_pid)?;

    let (delays, reminders) = reminder_latency(ws_url, probes, settings).await?;

    check
        .send(true)
        .context("no idle subscriber is listening")?;
    let mut still_connected = 0;
    let mut unexpected_messages = 0;
    let mut first_disconnect = None;
    while let Some(joined) = watchers.join_next().await {
        let report = joined.context("an idle subscriber's task panicked")?;
        unexpected_messages += report.unexpected;
        match report.end {
            Ok(()) => still_connected += 1,
            Err(reason) => {
                first_disconnect.get_or_insert(reason);
            }
        }
    }
    let quantile = |q: f64| percentile(&delays, q);
    Ok(Point {
        idle_subscribers: level,
        probe_subscribers: probes.len(),
        connect_s,
        still_connected,
        first_disconnect,
        unexpected_messages,
        reminders,
        delivered: delays.len(),
        p50_ms: quantile(0.50),
        p99_ms: quantile(0.99),
        max_ms: quantile(1.0),
        server_rss_before_mib: rss_before,
        server_rss_with_idle_mib: rss_with_idle,
        kib_per_idle_subscriber: (rss_with_idle - rss_before) * 1024.0 / level as f64,
    })
}

/// Creates `settings.reminders` tasks for the probe users, due (and so reminded, with
/// lead time 0) evenly over the spread, and returns each message's delay in ms.
async fn reminder_latency(
    ws_url: &str,
    probes: &[Account],
    settings: &Settings,
) -> anyhow::Result<(Vec<f64>, usize)> {
    let reminders = settings.reminders;
    let wait_until = Instant::now() + LEAD_IN + settings.spread + GRACE;
    let mut listeners = JoinSet::new();
    for (user, probe) in probes.iter().enumerate() {
        let socket = subscribe(ws_url, &probe.token, None)
            .await
            .context("opening a probe subscriber")?;
        let expected = (user..reminders).step_by(probes.len()).count();
        listeners.spawn(listen(socket, expected, wait_until));
    }

    let first_due = Utc::now() + chrono::Duration::from_std(LEAD_IN)?;
    let step = settings.spread.as_secs_f64() / reminders as f64;
    let creating = Instant::now();
    let mut creators = JoinSet::new();
    for worker in 0..CREATE_PARALLELISM {
        let probes: Vec<Api> = probes.iter().map(|p| p.api.clone()).collect();
        creators.spawn(async move {
            for n in (worker..reminders).step_by(CREATE_PARALLELISM) {
                let offset = chrono::Duration::microseconds((step * n as f64 * 1e6) as i64);
                let due = (first_due + offset).to_rfc3339_opts(SecondsFormat::Micros, true);
                let input = json!({
                    "title": format!("Probe reminder {n}"),
                    "dueAt": due,
                    "remindBeforeMinutes": 0,
                });
                probes[n % probes.len()]
                    .call::<Value>(CREATE_TASK, json!({ "input": input }))
                    .await
                    .with_context(|| format!("creating reminder task {n}"))?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(joined) = creators.join_next().await {
        joined.context("a creating task panicked")??;
    }
    if creating.elapsed() > LEAD_IN {
        println!(
            "warning: creating the reminders took {:.1} s, longer than the {} s lead-in; \
             the first ones were late before the server saw them",
            creating.elapsed().as_secs_f64(),
            LEAD_IN.as_secs()
        );
    }

    let mut delays = Vec::with_capacity(reminders);
    while let Some(joined) = listeners.join_next().await {
        delays.extend(joined.context("a probe listener panicked")??);
    }
    delays.sort_unstable_by(f64::total_cmp);
    Ok((delays, reminders))
}

/// Collects the delay of every reminder message until `expected` have come or the
/// deadline passes; a message past `expected` is an error (a reminder sent twice).
async fn listen(
    mut socket: Socket,
    expected: usize,
    deadline: Instant,
) -> anyhow::Result<Vec<f64>> {
    let mut delays = Vec::with_capacity(expected);
    while delays.len() < expected {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(message) = tokio::time::timeout(left, socket.next()).await else {
            break;
        };
        let text = match message {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => bail!("a probe subscriber was closed: {frame:?}"),
            Some(Ok(_)) => continue,
            Some(Err(error)) => bail!("a probe subscriber failed: {error}"),
            None => bail!("a probe subscriber's stream ended"),
        };
        let received = Utc::now();
        let value: Value = serde_json::from_str(&text).context("a message that is not JSON")?;
        if value["type"] != "next" {
            continue;
        }
        let due = value["payload"]["data"]["notifications"]["dueAt"]
            .as_str()
            .context("a notification without dueAt")?;
        let due = DateTime::parse_from_rfc3339(due).context("reading dueAt")?;
        let delay = received - due.with_timezone(&Utc);
        delays.push(delay.num_microseconds().unwrap_or(i64::MAX) as f64 / 1_000.0);
    }
    // Anything more within a moment would be a duplicate.
    if let Ok(Some(Ok(Message::Text(text)))) =
        tokio::time::timeout(Duration::from_millis(200), socket.next()).await
        && text.contains("\"next\"")
    {
        bail!("a probe subscriber received more reminders than were created: {text}");
    }
    Ok(delays)
}

struct IdleReport {
    unexpected: usize,
    /// `Err` says why the websocket was gone when asked.
    end: Result<(), String>,
}

/// Keeps an idle websocket read (so control frames are answered) until asked to check
/// it, then sends a graphql-transport-ws ping and waits for the pong.
async fn watch_idle(mut socket: Socket, mut check: watch::Receiver<bool>) -> IdleReport {
    let mut unexpected = 0;
    loop {
        tokio::select! {
            changed = check.changed() => {
                if changed.is_err() {
                    return IdleReport { unexpected, end: Err("the check was abandoned".into()) };
                }
                let end = ping(&mut socket, &mut unexpected).await;
                // Closing politely spares the server a reset per socket.
                let _ = socket.close(None).await;
                return IdleReport { unexpected, end };
            }
            message = socket.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    if text.contains("\"next\"") {
                        unexpected += 1;
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    return IdleReport { unexpected, end: Err(format!("closed by the server: {frame:?}")) };
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return IdleReport { unexpected, end: Err(error.to_string()) },
                None => return IdleReport { unexpected, end: Err("stream ended".into()) },
            }
        }
    }
}

async fn ping(socket: &mut Socket, unexpected: &mut usize) -> Result<(), String> {
    socket
        .send(Message::text(json!({ "type": "ping" }).to_string()))
        .await
        .map_err(|error| format!("sending a ping: {error}"))?;
    let deadline = Instant::now() + PING_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, socket.next()).await {
            Err(_) => return Err(format!("no pong within {PING_TIMEOUT:?}")),
            Ok(Some(Ok(Message::Text(text)))) => {
                if text.contains("\"pong\"") {
                    return Ok(());
                }
                if text.contains("\"next\"") {
                    *unexpected += 1;
                }
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                return Err(format!("closed by the server: {frame:?}"));
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(error))) => return Err(error.to_string()),
            Ok(None) => return Err("stream ended".into()),
        }
    }
}

/// Opens a websocket, authenticates in `connection_init`, waits for the ack and
/// subscribes to the user's notifications.
async fn subscribe(
    ws_url: &str,
    token: &str,
    read_buffer: Option<usize>,
) -> anyhow::Result<Socket> {
    let mut request = ws_url.into_client_request()?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let config = read_buffer.map(|size| {
        WebSocketConfig::default()
            .read_buffer_size(size)
            .write_buffer_size(0)
    });
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(request, config, true)
        .await
        .context("connecting the websocket")?;
    let init = json!({
        "type": "connection_init",
        "payload": { "authorization": format!("Bearer {token}") },
    });
    socket.send(Message::text(init.to_string())).await?;
    match socket.next().await {
        Some(Ok(Message::Text(text))) if text.contains("connection_ack") => {}
        other => bail!("connection_init not acknowledged: {other:?}"),
    }
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": SUBSCRIBE } });
    socket.send(Message::text(subscribe.to_string())).await?;
    Ok(socket)
}

/// The value at quantile `q` of sorted `values` (nearest rank), 0 when empty.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn print_point(backend: &str, p: &Point) {
    let connected = if p.still_connected == p.idle_subscribers {
        format!("all {} still connected", p.idle_subscribers)
    } else {
        format!(
            "ONLY {} of {} still connected (first loss: {})",
            p.still_connected,
            p.idle_subscribers,
            p.first_disconnect.as_deref().unwrap_or("?")
        )
    };
    println!(
        "{backend:<9} {:>6} idle subscribers (opened in {:.1} s; {connected}; {} unexpected \
         messages): reminders delivered {} of {}, latency p50 {:.1} ms  p99 {:.1} ms  \
         max {:.1} ms; server RSS {:.1} -> {:.1} MiB ({:.1} KiB per idle subscriber)",
        p.idle_subscribers,
        p.connect_s,
        p.unexpected_messages,
        p.delivered,
        p.reminders,
        p.p50_ms,
        p.p99_ms,
        p.max_ms,
        p.server_rss_before_mib,
        p.server_rss_with_idle_mib,
        p.kib_per_idle_subscriber,
    );
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&values, 1.0), 100.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
