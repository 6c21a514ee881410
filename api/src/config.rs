//! Configuration: the command line, with environment fallbacks, parsed into typed
//! settings. A bad value stops start-up with one line naming the setting.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use rand::RngCore as _;

use lettre::message::Mailbox;
use secrecy::{ExposeSecret as _, SecretSlice, SecretString};

use crate::delivery::push::VapidKey;
use crate::domain::push::EndpointPolicy;
use crate::graphql::limits::QueryLimits;

const SECRET_FILE: &str = "jwt-secret";
const VAPID_KEY_FILE: &str = "vapid-private-key";
const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Parser)]
#[command(
    name = "todo-api",
    version,
    about = "A task service with recurring tasks and a GraphQL API"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log line format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service.
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventBus {
    /// Events stay inside the process.
    Inprocess,
    /// Dapr pub/sub through the sidecar (Kafka in production).
    Dapr,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Holds the SQLite database and the generated signing secret when nothing else is
    /// configured.
    #[arg(long, env = "TODO_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// `sqlite:` or `postgres:` URL; defaults to SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TODO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[arg(long, env = "EVENT_BUS", value_enum, default_value_t = EventBus::Inprocess)]
    pub event_bus: EventBus,
    /// Secret for signing session tokens (at least 32 bytes); generated and kept in the
    /// data directory when not given. Replicas must share one.
    #[arg(long, env = "TODO_JWT_SECRET", hide_env_values = true, value_parser = secret)]
    pub jwt_secret: Option<SecretString>,
    /// How long a session token from `login` stays valid.
    #[arg(long, env = "TODO_SESSION_TTL_MINUTES", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=43_200))]
    pub session_ttl_minutes: u64,
    /// The session token's lifetime in seconds, in place of `--session-ttl-minutes`: for
    /// tests that watch a session outlive its tokens.
    #[arg(long, env = "TODO_SESSION_TTL_SECONDS", conflicts_with = "session_ttl_minutes",
          value_parser = clap::value_parser!(u64).range(1..=2_592_000))]
    pub session_ttl_seconds: Option<u64>,
    /// A refresh token unused for this many days no longer continues its session (each
    /// refresh starts the period again).
    #[arg(long, env = "TODO_REFRESH_TTL_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub refresh_ttl_days: u32,
    /// Audit entries older than this many days are removed.
    #[arg(long, env = "TODO_AUDIT_RETENTION_DAYS", default_value_t = 90,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub audit_retention_days: u32,
    /// Notifications older than this many days leave the notification center.
    #[arg(long, env = "TODO_NOTIFICATION_ARCHIVE_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub notification_archive_days: u32,
    /// Most database connections this process holds (on SQLite, the readers; writes
    /// always go through one connection).
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub database_max_connections: Option<u32>,
    /// After SIGTERM, how long `/readyz` answers 503 while every request is still
    /// served, so that load balancers stop sending new ones before the listener closes;
    /// 0 stops at once. A second signal ends it early.
    #[arg(long, env = "TODO_SHUTDOWN_DRAIN_SECONDS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub shutdown_drain_seconds: u64,
    /// Once the drain is over, how long requests in flight may take to finish before the
    /// process exits anyway; keep drain and grace together below Kubernetes'
    /// `terminationGracePeriodSeconds`.
    #[arg(long, env = "TODO_SHUTDOWN_GRACE_SECONDS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub shutdown_grace_seconds: u64,
    /// A request still unanswered after this long gets 503 (work it started runs to its
    /// end); websocket sessions are not bound by it.
    #[arg(long, env = "TODO_REQUEST_TIMEOUT_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_seconds: u64,
    #[command(flatten)]
    pub graphql_limits: GraphqlLimitArgs,
    /// Serve Prometheus metrics at `/metrics` on this address (a listener of its own,
    /// kept off the public one); off when not given.
    #[arg(long, env = "TODO_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    #[command(flatten)]
    pub dapr: DaprArgs,
    /// The built web UI (`scripts/build-web` writes it), served at `/`.
    #[arg(long, env = "TODO_WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,
    /// The MCP server's public URL (`todo-mcp http`), as agents should reach it: the web
    /// UI's agent page puts it in the configurations it shows, and agents' OAuth tokens
    /// are issued for it alone.
    #[arg(
        long,
        env = "TODO_MCP_PUBLIC_URL",
        default_value = "http://127.0.0.1:8081/mcp",
        value_parser = public_url
    )]
    pub mcp_public_url: String,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

/// What one GraphQL document may ask for; a document over a limit is refused with
/// `GRAPHQL_VALIDATION_FAILED` before it runs. Fragments count each time they are
/// spread, and introspection fields count like any other.
#[derive(Debug, Clone, Args)]
pub struct GraphqlLimitArgs {
    /// Most fields one document may select under an alias.
    #[arg(long, env = "TODO_GRAPHQL_MAX_ALIASES", default_value_t = QueryLimits::DEFAULT_MAX_ALIASES,
          value_parser = clap::value_parser!(u32).range(0..=10_000).map(|n| n as usize))]
    pub graphql_max_aliases: usize,
    /// Most fields one document may select in all.
    #[arg(long, env = "TODO_GRAPHQL_MAX_FIELDS", default_value_t = QueryLimits::DEFAULT_MAX_FIELDS,
          value_parser = clap::value_parser!(u32).range(1..=100_000).map(|n| n as usize))]
    pub graphql_max_fields: usize,
    /// Most complexity one document may have: each field costs 1 plus what it selects,
    /// and a page its selection times the items it can hold.
    #[arg(long, env = "TODO_GRAPHQL_MAX_COMPLEXITY", default_value_t = QueryLimits::DEFAULT_MAX_COMPLEXITY,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000).map(|n| n as usize))]
    pub graphql_max_complexity: usize,
}

impl GraphqlLimitArgs {
    fn limits(&self) -> QueryLimits {
        QueryLimits {
            max_aliases: self.graphql_max_aliases,
            max_fields: self.graphql_max_fields,
            max_complexity: self.graphql_max_complexity,
        }
    }
}

/// Reminders by Web Push and email.
#[derive(Debug, Clone, Args)]
pub struct DeliveryArgs {
    /// Where people reach this server: links in reminder emails and push notifications
    /// start here, and agents know it as the OAuth issuer.
    #[arg(long, env = "TODO_PUBLIC_URL", default_value = "http://127.0.0.1:8080", value_parser = public_url)]
    pub public_url: String,
    /// The VAPID private key (the raw P-256 scalar, base64url) that signs Web Push
    /// requests; generated and kept in the data directory when not given. Replicas
    /// must share one, or browsers subscribed through one replica are refused by push
    /// services when another sends.
    #[arg(long, env = "TODO_VAPID_PRIVATE_KEY", hide_env_values = true, value_parser = secret)]
    pub vapid_private_key: Option<SecretString>,
    /// The contact push services are given (VAPID `sub`): a `mailto:` or `https:` URL;
    /// defaults to the sender address of reminder emails.
    #[arg(long, env = "TODO_VAPID_SUBJECT")]
    pub vapid_subject: Option<String>,
    /// The SMTP server reminder emails go through: `smtps://user:pass@host:465`, or
    /// `smtp://host:587` (STARTTLS required unless `?tls=opportunistic`; a loopback host
    /// may answer in plain text). Without it, email is unavailable.
    #[arg(long, env = "TODO_SMTP_URL", hide_env_values = true, value_parser = secret)]
    pub smtp_url: Option<SecretString>,
    /// The sender of reminder emails.
    #[arg(long, env = "TODO_MAIL_FROM", default_value = "Todo <todo@localhost>")]
    pub mail_from: String,
    /// Accept plain-http push endpoints on the loopback address (for tests with a push
    /// service on this machine); push endpoints must be https otherwise.
    #[arg(long, env = "TODO_PUSH_ALLOW_LOOPBACK_HTTP", default_value_t = false)]
    pub push_allow_loopback_http: bool,
    /// How long a replica that claimed a delivery has to send it before another may:
    /// a replica killed mid-send leaves its deliveries to be sent again this much later.
    #[arg(long, env = "TODO_DELIVERY_LEASE_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub delivery_lease_seconds: u64,
}

/// Used with `EVENT_BUS=dapr`. The sidecar's address comes from Dapr's own variables
/// (`DAPR_GRPC_ENDPOINT` or `DAPR_GRPC_PORT`, and `DAPR_API_TOKEN`).
#[derive(Debug, Clone, Args)]
pub struct DaprArgs {
    /// The Dapr pub/sub component to publish to and subscribe on.
    #[arg(long, env = "DAPR_PUBSUB_NAME", default_value = "pubsub")]
    pub dapr_pubsub: String,
    /// Where the app callback (gRPC) listens for the sidecar: Dapr's `--app-port`.
    #[arg(long, env = "DAPR_APP_LISTEN", default_value = "127.0.0.1:50051")]
    pub dapr_app_listen: SocketAddr,
    /// The token the sidecar must present on every callback (Dapr's app API token).
    #[arg(long, env = "APP_API_TOKEN", hide_env_values = true, value_parser = secret)]
    pub app_api_token: Option<SecretString>,
}

/// How events travel.
#[derive(Clone, Debug)]
pub enum BusSettings {
    InProcess,
    Dapr {
        pubsub: String,
        app_listen: SocketAddr,
        app_api_token: SecretString,
        sidecar: dapr::client::ClientOptions,
    },
}

/// Everything the service needs to start, resolved and checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub database_url: String,
    /// `None`: the store's default for the backend.
    pub database_max_connections: Option<u32>,
    /// After the stop request, how long the server is unready but still serving.
    pub shutdown_drain: Duration,
    pub shutdown_grace: Duration,
    pub request_timeout: Duration,
    pub query_limits: QueryLimits,
    pub bus: BusSettings,
    /// Signs session tokens.
    pub jwt_secret: SecretSlice<u8>,
    pub session_ttl: Duration,
    /// How long an unused refresh token stays valid.
    pub refresh_ttl: Duration,
    /// How long audit entries are kept.
    pub audit_retention: chrono::Duration,
    /// How long notifications stay in the notification center.
    pub notification_archive: chrono::Duration,
    /// Where the web UI's bundle lives; `None` serves no UI.
    pub web_dir: Option<PathBuf>,
    /// Where `/metrics` is served; `None`: metrics are off.
    pub metrics_listen: Option<SocketAddr>,
    /// What agents are told about the MCP server.
    pub mcp: McpInfo,
    pub delivery: DeliverySettings,
}

/// How reminders leave the server, checked.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    pub public_url: String,
    pub vapid_key: VapidKey,
    pub vapid_subject: String,
    /// `None`: email is unavailable.
    pub smtp_url: Option<SecretString>,
    pub mail_from: Mailbox,
    pub endpoint_policy: EndpointPolicy,
    /// How long a claimed delivery is reserved for the replica that claimed it.
    pub lease: Duration,
}

/// Where agents find the MCP server: shown on the web UI's agent page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpInfo {
    /// `TODO_MCP_PUBLIC_URL`: the streamable HTTP endpoint.
    pub public_url: String,
    /// The `todo-mcp` binary for stdio clients, when one sits next to this executable.
    pub binary_path: Option<PathBuf>,
}

impl McpInfo {
    /// The URL given, and a `todo-mcp` beside the running executable if there is one
    /// (as `cargo build` and the container image place them).
    pub fn discover(public_url: String) -> Self {
        let binary_path = std::env::current_exe()
            .ok()
            .and_then(|exe| {
                Some(
                    exe.parent()?
                        .join(format!("todo-mcp{}", std::env::consts::EXE_SUFFIX)),
                )
            })
            .filter(|path| path.is_file());
        Self {
            public_url,
            binary_path,
        }
    }
}

impl DatabaseArgs {
    /// The database URL, defaulting to SQLite in the data directory (created if needed).
    pub fn resolve_url(&self) -> anyhow::Result<String> {
        match &self.database_url {
            Some(url)
                if url.starts_with("sqlite:")
                    || url.starts_with("postgres:")
                    || url.starts_with("postgresql:") =>
            {
                Ok(url.clone())
            }
            Some(_) => bail!("DATABASE_URL must be a sqlite: or postgres: URL"),
            None => {
                ensure_data_dir(&self.data_dir)?;
                Ok(format!(
                    "sqlite://{}?mode=rwc",
                    self.data_dir.join("todo.db").display()
                ))
            }
        }
    }
}

impl ServeArgs {
    pub fn resolve(&self) -> anyhow::Result<Settings> {
        let database_url = self.database.resolve_url()?;
        let jwt_secret = match &self.jwt_secret {
            Some(secret) if secret.expose_secret().len() < MIN_SECRET_BYTES => {
                bail!("TODO_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")
            }
            Some(secret) => SecretSlice::from(secret.expose_secret().as_bytes().to_vec()),
            None => {
                if !database_url.starts_with("sqlite:") {
                    tracing::warn!(
                        "TODO_JWT_SECRET is not set: using a secret from the data directory; \
                         replicas sharing this database must share the secret too"
                    );
                }
                load_or_create_secret(&self.database.data_dir)?
            }
        };
        let bus = match self.event_bus {
            EventBus::Inprocess => BusSettings::InProcess,
            EventBus::Dapr => BusSettings::Dapr {
                pubsub: self.dapr.dapr_pubsub.clone(),
                app_listen: self.dapr.dapr_app_listen,
                app_api_token: self
                    .dapr
                    .app_api_token
                    .clone()
                    .filter(|token| !token.expose_secret().is_empty())
                    .context("APP_API_TOKEN must be set with EVENT_BUS=dapr, so that only the sidecar can call the app")?,
                sidecar: dapr::client::ClientOptions::from_env()
                    .context("DAPR_GRPC_ENDPOINT / DAPR_CLIENT_TIMEOUT_SECONDS")?,
            },
        };
        Ok(Settings {
            listen: self.listen,
            metrics_listen: self.metrics_listen,
            database_url,
            database_max_connections: self.database_max_connections,
            shutdown_drain: Duration::from_secs(self.shutdown_drain_seconds),
            shutdown_grace: Duration::from_secs(self.shutdown_grace_seconds),
            request_timeout: Duration::from_secs(self.request_timeout_seconds),
            query_limits: self.graphql_limits.limits(),
            bus,
            audit_retention: chrono::Duration::days(i64::from(self.audit_retention_days)),
            notification_archive: chrono::Duration::days(i64::from(self.notification_archive_days)),
            jwt_secret,
            session_ttl: Duration::from_secs(
                self.session_ttl_seconds
                    .unwrap_or(self.session_ttl_minutes * 60),
            ),
            refresh_ttl: Duration::from_secs(u64::from(self.refresh_ttl_days) * 86_400),
            web_dir: Some(self.web_dir.clone()),
            mcp: McpInfo::discover(self.mcp_public_url.clone()),
            delivery: self.delivery.resolve(&self.database.data_dir)?,
        })
    }
}

impl DeliveryArgs {
    fn resolve(&self, data_dir: &Path) -> anyhow::Result<DeliverySettings> {
        let vapid_key = match &self.vapid_private_key {
            Some(key) => VapidKey::from_base64url(key.expose_secret())
                .map_err(|error| anyhow::anyhow!("TODO_VAPID_PRIVATE_KEY: {error}"))?,
            None => load_or_create_vapid_key(data_dir)?,
        };
        let mail_from: Mailbox = self
            .mail_from
            .parse()
            .map_err(|error| anyhow::anyhow!("TODO_MAIL_FROM: not an email address ({error})"))?;
        let vapid_subject = match &self.vapid_subject {
            Some(subject) if subject.starts_with("mailto:") || subject.starts_with("https:") => {
                subject.clone()
            }
            Some(_) => bail!("TODO_VAPID_SUBJECT must be a mailto: or https: URL"),
            None => format!("mailto:{}", mail_from.email),
        };
        let smtp_url = self
            .smtp_url
            .clone()
            .filter(|url| !url.expose_secret().is_empty());
        if let Some(url) = &smtp_url {
            crate::delivery::mail::Mailer::check_url(url)
                .map_err(|error| anyhow::anyhow!("TODO_SMTP_URL: {error}"))?;
        }
        Ok(DeliverySettings {
            public_url: self.public_url.trim_end_matches('/').to_owned(),
            vapid_key,
            vapid_subject,
            smtp_url,
            mail_from,
            endpoint_policy: EndpointPolicy {
                allow_loopback_http: self.push_allow_loopback_http,
            },
            lease: Duration::from_secs(self.delivery_lease_seconds),
        })
    }
}

fn ensure_data_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("TODO_DATA_DIR: cannot create {}", dir.display()))
}

/// A secret from the command line or the environment, kept out of every `Debug`.
fn secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(value))
}

/// An absolute `http` or `https` URL: agents are handed it verbatim, so a typo should stop
/// start-up rather than reach their configuration.
fn public_url(value: &str) -> Result<String, String> {
    let uri: axum::http::Uri = value
        .parse()
        .map_err(|error| format!("not a URL ({error})"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(value.to_owned()),
        _ => Err("an absolute http:// or https:// URL is needed".to_owned()),
    }
}

/// The signing secret kept in the data directory, created on first start (readable by
/// the owner only).
fn load_or_create_secret(dir: &Path) -> anyhow::Result<SecretSlice<u8>> {
    ensure_data_dir(dir)?;
    let path = dir.join(SECRET_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let secret = hex::decode(text.trim()).with_context(|| {
                format!("TODO_DATA_DIR: {} is not a hex secret", path.display())
            })?;
            if secret.len() < MIN_SECRET_BYTES {
                bail!(
                    "TODO_DATA_DIR: {} holds a secret shorter than {MIN_SECRET_BYTES} bytes",
                    path.display()
                );
            }
            Ok(secret.into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = vec![0u8; MIN_SECRET_BYTES];
            rand::rng().fill_bytes(&mut secret);
            write_private(&path, hex::encode(&secret).as_bytes())
                .with_context(|| format!("TODO_DATA_DIR: cannot write {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a signing secret");
            Ok(secret.into())
        }
        Err(e) => Err(e).with_context(|| format!("TODO_DATA_DIR: cannot read {}", path.display())),
    }
}

/// The VAPID key kept in the data directory, created on first start.
fn load_or_create_vapid_key(dir: &Path) -> anyhow::Result<VapidKey> {
    ensure_data_dir(dir)?;
    let path = dir.join(VAPID_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => VapidKey::from_base64url(&text).map_err(|error| {
            anyhow::anyhow!(
                "TODO_DATA_DIR: {} is not a VAPID key: {error}",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = VapidKey::generate();
            let encoded = key
                .private_base64url()
                .context("encoding the generated VAPID key")?;
            write_private(&path, encoded.as_bytes())
                .with_context(|| format!("TODO_DATA_DIR: cannot write {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a VAPID key pair for Web Push");
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("TODO_DATA_DIR: cannot read {}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_generated_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create_secret(dir.path()).unwrap();
        let second = load_or_create_secret(dir.path()).unwrap();
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert_eq!(first.expose_secret().len(), MIN_SECRET_BYTES);
    }

    #[test]
    fn the_vapid_key_is_generated_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create_vapid_key(dir.path()).unwrap();
        let second = load_or_create_vapid_key(dir.path()).unwrap();
        assert_eq!(first.public_key(), second.public_key());
    }

    #[test]
    fn the_mcp_public_url_must_be_absolute_http() {
        for bad in ["mcp.example.com/mcp", "ftp://example.com/mcp", "/mcp", ""] {
            let error =
                Cli::try_parse_from(["todo-api", "serve", "--mcp-public-url", bad]).unwrap_err();
            assert!(
                error.to_string().contains("--mcp-public-url"),
                "{bad}: {error}"
            );
        }
        assert!(
            Cli::try_parse_from([
                "todo-api",
                "serve",
                "--mcp-public-url",
                "https://todo.example.com/mcp"
            ])
            .is_ok()
        );
    }

    #[test]
    fn graphql_limits_have_their_defaults_and_bounds() {
        let serve = |extra: &[&str]| {
            let mut args = vec!["todo-api", "serve"];
            args.extend_from_slice(extra);
            Cli::try_parse_from(args).map(|cli| match cli.command {
                Command::Serve(args) => args.graphql_limits.limits(),
                _ => unreachable!("parsed serve"),
            })
        };
        assert_eq!(serve(&[]).unwrap(), QueryLimits::default());
        let tuned = serve(&["--graphql-max-aliases", "0", "--graphql-max-fields", "50"]).unwrap();
        assert_eq!((tuned.max_aliases, tuned.max_fields), (0, 50));
        let refused = serve(&["--graphql-max-fields", "0"]).unwrap_err();
        assert!(
            refused.to_string().contains("--graphql-max-fields"),
            "{refused}"
        );
    }

    #[test]
    fn bad_values_name_their_setting() {
        let error = Cli::try_parse_from(["todo-api", "serve", "--listen", "nowhere"]).unwrap_err();
        assert!(error.to_string().contains("--listen"), "{error}");
        let args = ServeArgs {
            listen: "127.0.0.1:0".parse().unwrap(),
            database: DatabaseArgs {
                data_dir: "unused".into(),
                database_url: Some("mysql://x".into()),
            },
            event_bus: EventBus::Inprocess,
            jwt_secret: None,
            session_ttl_minutes: 60,
            session_ttl_seconds: None,
            refresh_ttl_days: 30,
            audit_retention_days: 90,
            notification_archive_days: 30,
            database_max_connections: None,
            shutdown_drain_seconds: 5,
            shutdown_grace_seconds: 20,
            request_timeout_seconds: 30,
            graphql_limits: GraphqlLimitArgs {
                graphql_max_aliases: 30,
                graphql_max_fields: 1_000,
                graphql_max_complexity: 10_000,
            },
            metrics_listen: None,
            dapr: DaprArgs {
                dapr_pubsub: "pubsub".into(),
                dapr_app_listen: "127.0.0.1:0".parse().unwrap(),
                app_api_token: None,
            },
            web_dir: "web/dist".into(),
            mcp_public_url: "http://127.0.0.1:8081/mcp".into(),
            delivery: DeliveryArgs {
                public_url: "http://127.0.0.1:8080".into(),
                vapid_private_key: None,
                vapid_subject: None,
                smtp_url: None,
                mail_from: "Todo <todo@localhost>".into(),
                push_allow_loopback_http: false,
                delivery_lease_seconds: 60,
            },
        };
        assert!(
            args.resolve()
                .unwrap_err()
                .to_string()
                .contains("DATABASE_URL")
        );
        let short = ServeArgs {
            jwt_secret: Some("short".into()),
            database: DatabaseArgs {
                database_url: None,
                data_dir: tempfile::tempdir().unwrap().path().into(),
            },
            ..args
        };
        assert!(
            short
                .resolve()
                .unwrap_err()
                .to_string()
                .contains("TODO_JWT_SECRET")
        );
        let dapr_without_token = ServeArgs {
            event_bus: EventBus::Dapr,
            jwt_secret: None,
            ..short
        };
        let error = dapr_without_token.resolve().unwrap_err();
        assert!(format!("{error:#}").contains("APP_API_TOKEN"), "{error:#}");
    }
}
