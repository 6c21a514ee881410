use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use secrecy::ExposeSecret as _;

use super::ContextExt;
use super::error::GqlResultExt;
use super::scalars::DateTime;
use crate::domain::user as account;
use crate::service::Scope;
use crate::service::auth::Session;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::service::Scope")]
pub enum TokenScope {
    Read,
    Write,
}

#[derive(InputObject)]
pub struct RegisterInput {
    pub email: String,
    /// At least 8 characters.
    pub password: String,
    pub display_name: String,
}

pub struct User(pub account::User);

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn email(&self) -> &str {
        &self.0.email
    }

    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// The user's API tokens, newest first (secrets are never shown again). Needs a
    /// signed-in session.
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiToken>> {
        let actor = ctx.actor()?;
        if actor.user_id != self.0.id {
            return Err(super::error::to_graphql_error(
                crate::service::ServiceError::Forbidden("only your own API tokens are shown"),
            ));
        }
        let tokens = ctx.services().auth.api_tokens(actor).await.gql()?;
        Ok(tokens.into_iter().map(ApiToken).collect())
    }

    /// The agents connected by OAuth (through the consent page), newest first.
    async fn agent_grants(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::agents::AgentGrant>> {
        let actor = ctx.actor()?;
        if actor.user_id != self.0.id {
            return Ok(Vec::new());
        }
        let grants = ctx.services().oauth.grants(actor).await.gql()?;
        Ok(grants.into_iter().map(super::agents::AgentGrant).collect())
    }

    /// The browsers and phones registered for reminders by Web Push, oldest first.
    async fn push_subscriptions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::reminders::PushSubscription>> {
        let actor = ctx.actor()?;
        if actor.user_id != self.0.id {
            return Ok(Vec::new());
        }
        let subscriptions = ctx.services().push.list(actor).await.gql()?;
        Ok(subscriptions
            .into_iter()
            .map(super::reminders::PushSubscription)
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct AuthPayload {
    /// A session token (JWT) for `Authorization: Bearer`, valid until `expiresAt`.
    pub token: String,
    pub user: User,
    /// Exchanged with `refreshSession` for the next session token (and the next refresh
    /// token: each works once). Unused for the refresh TTL, it expires.
    pub refresh_token: String,
    /// When `token` stops working; refresh before then.
    pub expires_at: DateTime,
}

impl From<Session> for AuthPayload {
    fn from(session: Session) -> Self {
        Self {
            token: session.token.expose_secret().to_owned(),
            user: User(session.user),
            refresh_token: session.refresh_token.expose_secret().to_owned(),
            expires_at: session.expires_at.into(),
        }
    }
}

pub struct ApiToken(pub account::ApiToken);

#[Object]
impl ApiToken {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// WRITE tokens can read too.
    async fn scopes(&self) -> Vec<TokenScope> {
        match self.0.scope {
            Scope::Write => vec![TokenScope::Read, TokenScope::Write],
            Scope::Read => vec![TokenScope::Read],
        }
    }

    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    async fn last_used_at(&self) -> Option<DateTime> {
        self.0.last_used_at.map(Into::into)
    }

    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(Into::into)
    }
}

#[derive(SimpleObject)]
pub struct ApiTokenPayload {
    /// The secret, shown this once: store it now.
    pub token: String,
    pub api_token: ApiToken,
}
