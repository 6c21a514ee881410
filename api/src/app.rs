//! Start-up: connect, migrate, wire the services and the event flow, bind, serve.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::{BusSettings, Settings};
use crate::delivery::DeliveryWorker;
use crate::delivery::mail::Mailer;
use crate::delivery::push::PushSender;
use crate::domain::delivery::Channel;
use crate::events::dapr::{Callback, DaprBus};
use crate::events::{
    AuditConsumer, Consumer, DeliveryConsumer, Dispatcher, EventBus, Fanout, InProcessBus, Relay,
    ReminderConsumer,
};
use crate::graphql::documents::ParsedDocuments;
use crate::graphql::limits::{IntrospectionSizes, QueryLimits};
use crate::graphql::metrics::GraphqlMetrics;
use crate::graphql::{build_introspection_schema, build_schema};
use crate::http::{AppState, AppStateParts, router};
use crate::metrics;
use crate::reminders::{Scheduler, Sweep};
use crate::service::{AuthConfig, Channels, OAuthSettings, Retention, Services};
use crate::store::Db;

/// How often expired audit entries are removed and old notifications archived.
const RETENTION_INTERVAL: Duration = Duration::from_secs(60 * 60);

pub struct Application {
    listener: TcpListener,
    metrics_address: Option<std::net::SocketAddr>,
    router: axum::Router,
    services: Services,
    background: JoinSet<()>,
    /// Cancelled at the stop request: from then on the server reports itself unready.
    draining: CancellationToken,
    /// Cancelled when the drain is over: the listener closes and the rest stops.
    shutdown: CancellationToken,
    shutdown_drain: Duration,
    shutdown_grace: Duration,
}

impl Application {
    /// Everything that can fail at start-up fails here, before the first request.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let delivery = settings.delivery;
        let db = Db::connect_with(&settings.database_url, settings.database_max_connections)
            .await
            .context("DATABASE_URL")?;
        db.migrate().await.context("applying database migrations")?;
        let services = Services::new(
            db.clone(),
            AuthConfig {
                jwt_secret: settings.jwt_secret,
                session_ttl: settings.session_ttl,
                refresh_ttl: settings.refresh_ttl,
            },
            Retention {
                audit: settings.audit_retention,
                notifications: settings.notification_archive,
            },
            Channels {
                vapid_public_key: delivery.vapid_key.public_key().to_owned(),
                endpoint_policy: delivery.endpoint_policy,
                email_available: delivery.smtp_url.is_some(),
                delivery_lease: chrono::Duration::from_std(delivery.lease)
                    .unwrap_or(chrono::Duration::minutes(1)),
                public_url: delivery.public_url.clone(),
            },
            OAuthSettings {
                // Compared as a string by clients: one form, without a trailing slash.
                issuer: delivery.public_url.trim_end_matches('/').to_owned(),
                resource: settings.mcp.public_url.clone(),
            },
        );
        let mailer = delivery
            .smtp_url
            .as_ref()
            .map(|url| Mailer::new(url, delivery.mail_from.clone()))
            .transpose()
            .context("TODO_SMTP_URL")?;
        let mut consumers: Vec<Arc<dyn Consumer>> = vec![
            Arc::new(AuditConsumer::new(services.audit.clone())),
            Arc::new(ReminderConsumer::new(services.notifications.clone())),
            Arc::new(DeliveryConsumer::new(
                Channel::Push,
                services.deliveries.clone(),
            )),
        ];
        if mailer.is_some() {
            consumers.push(Arc::new(DeliveryConsumer::new(
                Channel::Email,
                services.deliveries.clone(),
            )));
        }
        let dispatcher = Dispatcher::new(consumers);
        let draining = CancellationToken::new();
        let shutdown = CancellationToken::new();
        let mut background = JoinSet::new();

        let bus: Arc<dyn EventBus> = match settings.bus {
            BusSettings::InProcess => Arc::new(InProcessBus::new(dispatcher)),
            BusSettings::Dapr {
                pubsub,
                app_listen,
                app_api_token,
                sidecar,
            } => {
                let callback_listener = TcpListener::bind(app_listen)
                    .await
                    .with_context(|| format!("DAPR_APP_LISTEN: cannot listen on {app_listen}"))?;
                let sweep = Arc::new(Sweep(services.reminders.clone()));
                let callback = Callback::new(pubsub.clone(), dispatcher, Some(sweep));
                let stop = shutdown.clone();
                background.spawn(async move {
                    if let Err(error) = callback.serve(callback_listener, app_api_token, stop).await
                    {
                        tracing::error!(%error, "the Dapr app callback stopped");
                    }
                });
                Arc::new(DaprBus::new(sidecar, pubsub))
            }
        };
        background.spawn(
            Relay::new(db.clone(), bus, services.outbox_wakeup.clone()).run(shutdown.clone()),
        );
        background.spawn(
            Scheduler::new(services.reminders.clone(), services.reminder_alarm.clone())
                .run(shutdown.clone()),
        );
        let metrics_address = match settings.metrics_listen {
            Some(address) => Some(start_metrics(address, &db, &mut background, &shutdown).await?),
            None => None,
        };
        let fanout = Fanout::listen(db, services.notifications.clone(), services.audit.clone())
            .await
            .context("listening for what other replicas announce")?;
        background.spawn(fanout.run(shutdown.clone()));
        background.spawn(retention_job(services.clone(), shutdown.clone()));
        let push = PushSender::new(delivery.vapid_key, delivery.vapid_subject)
            .context("building the Web Push client")?;
        background.spawn(
            DeliveryWorker::new(
                services.deliveries.clone(),
                services.digests.clone(),
                services.email_actions.clone(),
                push,
                mailer,
                &delivery.public_url,
            )
            .run(shutdown.clone()),
        );

        let introspection_schema =
            build_introspection_schema(services.clone(), settings.query_limits);
        // Read without a complexity limit: the sizes must not depend on the setting.
        let unlimited = QueryLimits {
            max_complexity: usize::MAX,
            ..settings.query_limits
        };
        let introspection_sizes =
            IntrospectionSizes::of(&build_introspection_schema(services.clone(), unlimited))
                .await
                .context("the schema does not answer its own introspection")?;
        let state = AppState::new(AppStateParts {
            services: services.clone(),
            schema: build_schema(
                services.clone(),
                settings.mcp.clone(),
                settings.query_limits,
            ),
            introspection_schema,
            graphql_metrics: GraphqlMetrics::default(),
            documents: ParsedDocuments::default(),
            query_limits: settings.query_limits,
            introspection_sizes,
            draining: draining.clone(),
            shutdown: shutdown.clone(),
        });
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("TODO_LISTEN: cannot listen on {}", settings.listen))?;
        Ok(Self {
            listener,
            metrics_address,
            router: crate::http::web::serve(
                router(state, settings.request_timeout),
                settings.web_dir.as_deref(),
            ),
            services,
            background,
            draining,
            shutdown,
            shutdown_drain: settings.shutdown_drain,
            shutdown_grace: settings.shutdown_grace,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    /// Where `/metrics` is served, when metrics are on.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.metrics_address
    }

    /// The use cases, for tests and tools that run the app in-process.
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Serves until SIGINT or SIGTERM (or until `shutdown_token` is cancelled). After the
    /// signal it drains: `/readyz` answers 503 while everything is still served, for the
    /// drain period or until a second signal. Then it stops taking requests, closes
    /// websockets, lets requests in flight finish and stops the background work, all
    /// within the shutdown grace period.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let draining = self.draining.clone();
        let shutdown = self.shutdown.clone();
        let drain = self.shutdown_drain;
        tokio::spawn(async move {
            tokio::select! {
                () = shutdown::requested() => {}
                () = shutdown.cancelled() => return,
            }
            drain_then_stop(drain, &draining, &shutdown).await;
        });
        self.run_until_cancelled().await
    }

    /// `run_until_stopped` without listening for signals and without a drain: tests and
    /// embedders stop the server through `shutdown_token`.
    pub async fn run_until_cancelled(mut self) -> std::io::Result<()> {
        tracing::info!(address = %self.listener.local_addr()?, "listening");
        let shutdown = self.shutdown.clone();
        let grace = self.shutdown_grace;
        let served = axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown.clone().cancelled_owned())
            .into_future();
        let background = async { while self.background.join_next().await.is_some() {} };
        let finished = async { tokio::join!(served, background).0 };
        tokio::pin!(finished);
        tokio::select! {
            result = &mut finished => return result,
            () = shutdown.cancelled() => {}
        }
        match tokio::time::timeout(grace, finished).await {
            Ok(result) => result,
            Err(_) => Err(std::io::Error::other(format!(
                "work still running {} s after the shutdown signal (TODO_SHUTDOWN_GRACE_SECONDS); exiting anyway",
                grace.as_secs()
            ))),
        }
    }

    /// Cancelling it shuts the server down as SIGTERM does once its drain is over.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }
}

/// Reports the server unready at once, so that load balancers stop sending it requests,
/// and keeps serving for `drain` (what the balancers need to notice) or until a second
/// stop request; then starts the shutdown proper.
async fn drain_then_stop(
    drain: Duration,
    draining: &CancellationToken,
    shutdown: &CancellationToken,
) {
    draining.cancel();
    if !drain.is_zero() {
        tracing::info!(
            seconds = drain.as_secs(),
            "draining: /readyz answers 503, requests are still served (TODO_SHUTDOWN_DRAIN_SECONDS)"
        );
        tokio::select! {
            () = tokio::time::sleep(drain) => {}
            () = shutdown::requested() => tracing::info!("asked again: the drain ends early"),
            () = shutdown.cancelled() => {}
        }
    }
    tracing::info!("no longer taking connections; finishing the requests in flight");
    shutdown.cancel();
}

/// Installs the recorder, binds the metrics listener and starts serving and sampling;
/// returns the bound address.
async fn start_metrics(
    address: std::net::SocketAddr,
    db: &Db,
    background: &mut JoinSet<()>,
    shutdown: &CancellationToken,
) -> anyhow::Result<std::net::SocketAddr> {
    let handle = metrics::install()?;
    register_counters();
    let listener = metrics::bind(address).await?;
    let bound = listener.local_addr()?;
    let serving = handle.clone();
    let stop = shutdown.clone();
    background.spawn(async move {
        if let Err(error) = metrics::serve(listener, serving, stop).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    });
    background.spawn(metrics::sample(db.clone(), handle, shutdown.clone()));
    Ok(bound)
}

/// Registers at 0 every counter series the alerts and the dashboard read, each module
/// with the label values it knows.
fn register_counters() {
    metrics::register_counter(metrics::REMINDERS_SENT, Vec::new());
    metrics::register_counter(metrics::OUTBOX_PUBLISH_FAILURES, Vec::new());
    crate::events::register_counters();
    crate::graphql::metrics::register_counters();
    crate::http::register_counters();
}

async fn retention_job(services: Services, shutdown: CancellationToken) {
    loop {
        let now = chrono::Utc::now();
        if let Err(error) = services.audit.purge_expired(now).await {
            tracing::warn!(%error, "audit retention failed; will try again");
        }
        if let Err(error) = services.auth.purge_expired_sign_in_failures(now).await {
            tracing::warn!(%error, "purging old sign-in failures failed; will try again");
        }
        if let Err(error) = services.auth.purge_expired_refresh_tokens(now).await {
            tracing::warn!(%error, "purging expired refresh tokens failed; will try again");
        }
        if let Err(error) = services.notifications.archive_expired(now).await {
            tracing::warn!(%error, "notification archive failed; will try again");
        }
        if let Err(error) = services.email_actions.purge_expired().await {
            tracing::warn!(%error, "purging expired action links failed; will try again");
        }
        if let Err(error) = services.oauth.purge_expired(now).await {
            tracing::warn!(%error, "purging expired agent tokens failed; will try again");
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(RETENTION_INTERVAL) => {}
        }
    }
}
