//! The Complete, Snooze and Unsubscribe links of reminder emails and the action
//! buttons of push notifications: one-time tokens, each naming one action on one task.

use uuid::Uuid;

use super::secrets::{random_secret, secret_hash};
use super::{
    Actor, Credential, Origin, PreferencesService, ServiceError, ServiceResult, Source,
    TaskService, now,
};
use crate::domain::email_action::{
    ACTION_TOKEN_TTL, ActionGrant, EMAIL_SNOOZE_MINUTES, EmailAction,
};
use crate::domain::preferences::PreferenceChanges;
use crate::domain::reminder::Snooze;
use crate::domain::user::Scope;
use crate::store::{self, Db};

/// What a link's page shows before its button is pressed.
#[derive(Debug, Clone)]
pub struct PendingAction {
    pub action: EmailAction,
    /// The task's title; none for unsubscribing, or when the task is gone.
    pub task_title: Option<String>,
}

#[derive(Clone)]
pub struct EmailActionService {
    db: Db,
    tasks: TaskService,
    preferences: PreferencesService,
}

impl EmailActionService {
    pub fn new(db: Db, tasks: TaskService, preferences: PreferencesService) -> Self {
        Self {
            db,
            tasks,
            preferences,
        }
    }

    /// A new token allowing `action` on `task_id` for the user, valid for a week.
    pub async fn issue(
        &self,
        user_id: Uuid,
        task_id: Option<Uuid>,
        action: EmailAction,
    ) -> ServiceResult<String> {
        let token = random_secret();
        let grant = ActionGrant {
            user_id,
            task_id,
            action,
            expires_at: now() + ACTION_TOKEN_TTL,
        };
        store::action_tokens::insert(self.db.writer(), secret_hash(&token), &grant).await?;
        Ok(token)
    }

    /// What the token would do, if it is still usable.
    pub async fn inspect(&self, token: &str) -> ServiceResult<Option<PendingAction>> {
        let Some(grant) =
            store::action_tokens::find_usable(self.db.reader(), &secret_hash(token), now()).await?
        else {
            return Ok(None);
        };
        let task_title = match grant.task_id {
            Some(task_id) => store::tasks::find_visible(self.db.reader(), grant.user_id, task_id)
                .await?
                .map(|task| task.title),
            None => None,
        };
        Ok(Some(PendingAction {
            action: grant.action,
            task_title,
        }))
    }

    /// Uses the token: does what it names, as its user, once. A token used, expired or
    /// unknown is not found.
    pub async fn perform(
        &self,
        token: &str,
        request_id: Option<String>,
    ) -> ServiceResult<EmailAction> {
        let token_hash = secret_hash(token);
        let now = now();
        let grant = store::action_tokens::find_usable(self.db.reader(), &token_hash, now)
            .await?
            .ok_or(ServiceError::NotFound("link"))?;
        if !store::action_tokens::consume(self.db.writer(), &token_hash, now).await? {
            return Err(ServiceError::NotFound("link"));
        }
        let actor = Actor {
            user_id: grant.user_id,
            scope: Scope::Write,
            credential: Credential::ActionLink,
            origin: Origin {
                source: Source::Reminder,
                request_id,
                traceparent: None,
                agent: None,
            },
        };
        match (grant.action, grant.task_id) {
            (EmailAction::Complete, Some(task_id)) => {
                self.tasks.complete(&actor, task_id).await?;
            }
            (EmailAction::Snooze, Some(task_id)) => {
                self.tasks
                    .snooze(&actor, task_id, Snooze::Minutes(EMAIL_SNOOZE_MINUTES))
                    .await?;
            }
            (EmailAction::Unsubscribe, _) => {
                let changes = PreferenceChanges {
                    email_reminders: Some(false),
                    daily_digest_at: Some(None),
                    ..PreferenceChanges::default()
                };
                self.preferences.update(&actor, &changes).await?;
            }
            (EmailAction::Complete | EmailAction::Snooze, None) => {
                return Err(ServiceError::NotFound("task"));
            }
        }
        Ok(grant.action)
    }

    /// Removes expired tokens; returns how many.
    pub async fn purge_expired(&self) -> ServiceResult<u64> {
        Ok(store::action_tokens::purge_expired(self.db.writer(), now()).await?)
    }
}
