//! Agents connected by OAuth: the consent page's questions and answer, and the grants
//! a person can see and revoke.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::account::TokenScope;
use super::error::{GqlResultExt, to_graphql_error};
use super::scalars::DateTime;
use super::{ContextExt, parse_id};
use crate::domain::oauth::Grant;
use crate::domain::user::Scope;
use crate::domain::validation::ValidationError;
use crate::service::ServiceError;
use crate::service::oauth::{AuthorizationRequest, AuthorizeError};

/// What the consent page asks the person about.
#[derive(SimpleObject)]
pub struct AgentConsent {
    /// The name the agent registered with.
    pub client_name: String,
    /// The host (and port) the answer goes back to, as the person should check it.
    pub redirect_host: String,
    pub redirect_uri: String,
    /// `[READ]`, or `[READ, WRITE]`.
    pub scopes: Vec<TokenScope>,
    /// The MCP server the agent's tokens will work at.
    pub resource: String,
}

/// An agent that a person allowed to act for them.
pub struct AgentGrant(pub Grant);

#[Object]
impl AgentGrant {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn client_name(&self) -> &str {
        &self.0.client_name
    }

    async fn scopes(&self) -> Vec<TokenScope> {
        token_scopes(&self.0.scopes)
    }

    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// At most a minute out of date.
    async fn last_used_at(&self) -> Option<DateTime> {
        self.0.last_used_at.map(Into::into)
    }
}

fn token_scopes(scopes: &[Scope]) -> Vec<TokenScope> {
    if scopes.contains(&Scope::Write) {
        vec![TokenScope::Read, TokenScope::Write]
    } else {
        vec![TokenScope::Read]
    }
}

/// An authorization request's query string, as `/oauth/authorize` received it.
fn request_of(query: &str) -> async_graphql::Result<AuthorizationRequest> {
    serde_urlencoded::from_str(query.trim_start_matches('?')).map_err(|error| {
        refused(ValidationError::new(
            "query",
            format!("not an authorization request: {error}"),
        ))
    })
}

fn refused(error: ValidationError) -> async_graphql::Error {
    to_graphql_error(ServiceError::Validation(error))
}

/// Requests that cannot go on are refused with their OAuth reason, so the page can say it.
fn authorize_error(error: AuthorizeError) -> async_graphql::Error {
    match error {
        AuthorizeError::NotRedirectable(error) | AuthorizeError::Redirect { error, .. } => {
            refused(ValidationError::new("query", error.description))
        }
        AuthorizeError::Service(error) => to_graphql_error(error),
    }
}

#[derive(Default)]
pub struct AgentQuery;

#[Object]
impl AgentQuery {
    /// Checks an agent's authorization request and says what the consent page should
    /// show: who asks, where the answer goes, and for what access.
    async fn agent_authorization(
        &self,
        ctx: &Context<'_>,
        query: String,
    ) -> async_graphql::Result<AgentConsent> {
        ctx.actor()?;
        let consent = ctx
            .services()
            .oauth
            .check_authorization(&request_of(&query)?)
            .await
            .map_err(authorize_error)?;
        Ok(AgentConsent {
            client_name: consent.client.name.clone(),
            redirect_host: consent.redirect_host(),
            redirect_uri: consent.redirect_uri.clone(),
            scopes: token_scopes(&consent.scopes),
            resource: consent.resource,
        })
    }
}

#[derive(Default)]
pub struct AgentMutation;

#[Object]
impl AgentMutation {
    /// The person's answer to an agent's authorization request: where the browser goes
    /// next (the agent's redirect URI with a single-use code, or with `access_denied`).
    /// Needs a signed-in session.
    async fn answer_agent_authorization(
        &self,
        ctx: &Context<'_>,
        query: String,
        allow: bool,
    ) -> async_graphql::Result<String> {
        let actor = ctx.actor()?;
        ctx.services()
            .oauth
            .decide(actor, &request_of(&query)?, allow)
            .await
            .map_err(authorize_error)
    }

    /// Ends a connected agent's access at once. Needs a signed-in session.
    async fn revoke_agent_grant(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services().oauth.revoke(actor, id).await.gql()?;
        Ok(true)
    }
}
