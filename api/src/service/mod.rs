//! Use cases. Each mutation runs in one database transaction, so that whatever else a
//! change must record is written atomically with it.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod deliveries;
pub mod digest;
pub mod email_actions;
mod error;
pub mod hub;
pub mod notifications;
pub mod oauth;
pub mod pagination;
pub mod preferences;
pub mod preview;
pub mod projects;
pub mod push;
pub mod quick_add;
pub mod reminders;
mod secrets;
pub mod tasks;

use std::sync::Arc;

use tokio::sync::Notify;
use uuid::Uuid;

pub use audit::{Applied, AuditService};
pub use auth::{AuthConfig, AuthService};
pub use calendar::CalendarService;
pub use deliveries::DeliveryService;
pub use digest::DigestService;
pub use email_actions::EmailActionService;
pub use error::{ApplyError, ServiceError, ServiceResult};
pub use notifications::{NotificationHub, NotificationService};
pub use oauth::{OAuthService, OAuthSettings};
pub use preferences::PreferencesService;
pub use projects::ProjectService;
pub use push::PushService;
pub use quick_add::QuickAddService;
pub use reminders::{ReminderAlarm, ReminderService};
pub use tasks::TaskService;

pub use crate::domain::event::Source;
use crate::domain::push::EndpointPolicy;
pub use crate::domain::user::Scope;
use crate::store::Db;

/// How the actor proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A signed-in session (a JWT from `login`, `register` or `refreshSession`), valid
    /// until `expires_at`: a websocket it opened closes then.
    Session {
        expires_at: chrono::DateTime<chrono::Utc>,
    },
    ApiToken {
        id: Uuid,
    },
    /// The one-time token of a reminder's Complete, Snooze or Unsubscribe action.
    ActionLink,
    /// An agent's OAuth access token, through the grant a person's consent made.
    Agent {
        grant_id: Uuid,
    },
}

/// Where a request came from, recorded with the changes it makes.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub source: Source,
    pub request_id: Option<String>,
    /// W3C trace context, passed on to the events the request causes.
    pub traceparent: Option<String>,
    /// The agent acting through an OAuth grant: its client's name, for the audit trail.
    pub agent: Option<String>,
}

/// The one user a request acts as, and with which rights.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub scope: Scope,
    pub credential: Credential,
    pub origin: Origin,
}

impl Actor {
    pub fn require_write(&self) -> ServiceResult<()> {
        match self.scope {
            Scope::Write => Ok(()),
            Scope::Read => Err(ServiceError::Forbidden(
                "this token is read-only; use a WRITE token to make changes",
            )),
        }
    }

    /// Token management needs a password sign-in: a leaked API token must not be able
    /// to mint more of itself.
    pub fn require_session(&self) -> ServiceResult<()> {
        match self.credential {
            Credential::Session { .. } => Ok(()),
            Credential::ApiToken { .. } | Credential::ActionLink | Credential::Agent { .. } => {
                Err(ServiceError::Forbidden(
                    "this needs a signed-in session: tokens cannot manage credentials",
                ))
            }
        }
    }
}

/// Wakes a background loop (the outbox relay, the reminder scheduler) when there is new
/// work for it, so that it acts at once rather than at its next poll.
#[derive(Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    pub fn notify(&self) {
        self.0.notify_one();
    }

    pub async fn notified(&self) {
        self.0.notified().await;
    }
}

/// The use cases, shared by every edge (GraphQL, events, and later MCP).
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub auth: AuthService,
    pub tasks: TaskService,
    pub projects: ProjectService,
    pub audit: AuditService,
    pub preferences: PreferencesService,
    pub reminders: ReminderService,
    pub notifications: NotificationService,
    pub push: PushService,
    pub deliveries: DeliveryService,
    pub digests: DigestService,
    pub email_actions: EmailActionService,
    pub calendar: CalendarService,
    pub quick_add: QuickAddService,
    pub oauth: OAuthService,
    /// Which delivery channels this server can use.
    pub channels: Channels,
    /// Rung after commits that wrote outbox events.
    pub outbox_wakeup: Wakeup,
    /// Rung by changes that bring a reminder forward.
    pub reminder_alarm: ReminderAlarm,
}

/// The delivery channels as this server is configured.
#[derive(Debug, Clone)]
pub struct Channels {
    /// The VAPID public key browsers subscribe with (base64url, uncompressed P-256).
    pub vapid_public_key: String,
    pub endpoint_policy: EndpointPolicy,
    /// Whether an SMTP server is configured: without one, email is unavailable.
    pub email_available: bool,
    /// How long a claimed delivery is reserved for the replica that claimed it.
    pub delivery_lease: chrono::Duration,
    /// The web UI's address (`TODO_PUBLIC_URL`): where the links in reminders and in the
    /// calendar feed point, and where the feed is served.
    pub public_url: String,
}

/// How long things are kept.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub audit: chrono::Duration,
    pub notifications: chrono::Duration,
}

impl Services {
    pub fn new(
        db: Db,
        auth_config: AuthConfig,
        retention: Retention,
        channels: Channels,
        oauth: OAuthSettings,
    ) -> Self {
        let outbox_wakeup = Wakeup::default();
        let reminder_alarm = ReminderAlarm::default();
        let notifications = NotificationService::new(
            db.clone(),
            NotificationHub::default(),
            retention.notifications,
        );
        let tasks = TaskService::new(db.clone(), outbox_wakeup.clone(), reminder_alarm.clone());
        let digest_wakeup = Wakeup::default();
        let preferences =
            PreferencesService::new(db.clone(), reminder_alarm.clone(), digest_wakeup.clone());
        Self {
            auth: AuthService::new(db.clone(), auth_config),
            push: PushService::new(
                db.clone(),
                channels.vapid_public_key.clone(),
                channels.endpoint_policy,
            ),
            deliveries: DeliveryService::new(
                db.clone(),
                Wakeup::default(),
                channels.delivery_lease,
            ),
            digests: DigestService::new(db.clone(), digest_wakeup),
            email_actions: EmailActionService::new(db.clone(), tasks.clone(), preferences.clone()),
            calendar: CalendarService::new(db.clone(), channels.public_url.clone()),
            quick_add: QuickAddService::new(db.clone()),
            oauth: OAuthService::new(db.clone(), oauth),
            channels,
            tasks,
            audit: AuditService::new(db.clone(), retention.audit),
            preferences,
            reminders: ReminderService::new(db.clone(), outbox_wakeup.clone()),
            projects: ProjectService::new(db.clone(), notifications.clone(), outbox_wakeup.clone()),
            notifications,
            outbox_wakeup,
            reminder_alarm,
            db,
        }
    }
}

impl Services {
    /// Who a bearer token acts as: a signed-in session, an API token, or an agent's
    /// access token presented at `resource` (the MCP server that forwards it names
    /// itself; a token bound to it is refused anywhere else).
    pub async fn authenticate(
        &self,
        bearer: &str,
        origin: Origin,
        resource: Option<&str>,
    ) -> ServiceResult<Actor> {
        let Some(secret) = bearer.strip_prefix(oauth::ACCESS_TOKEN_PREFIX) else {
            return self.auth.authenticate(bearer, origin).await;
        };
        let grant = self.oauth.authenticate(secret, resource).await?;
        Ok(Actor {
            user_id: grant.user_id,
            scope: grant.scope(),
            credential: Credential::Agent { grant_id: grant.id },
            origin: Origin {
                source: Source::Mcp,
                agent: Some(grant.client_name),
                ..origin
            },
        })
    }
}

/// The current time at the precision every backend stores (PostgreSQL keeps
/// microseconds), so that what a use case returns is exactly what was stored.
fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound as _;
    chrono::Utc::now().trunc_subsecs(6)
}
