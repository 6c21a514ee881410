use async_graphql::{Context, ID, Object};
use secrecy::ExposeSecret as _;

use super::account::{ApiToken, ApiTokenPayload, AuthPayload, RegisterInput, TokenScope};
use super::error::GqlResultExt;
use super::notification::Notification;
use super::preferences::{self, Preferences, PreferencesInput};
use super::task::{CompleteTaskPayload, CreateTaskInput, Task, UpdateTaskInput};
use super::{ContextExt, parse_id};
use crate::service::Scope;
use crate::service::auth::NewAccount;
use crate::service::tasks::{NewTask, TaskChanges};

pub struct Mutation;

#[Object(name = "ContractMutation")]
impl Mutation {
    /// Creates an account and signs it in.
    async fn register(
        &self,
        ctx: &Context<'_>,
        input: RegisterInput,
    ) -> async_graphql::Result<AuthPayload> {
        let session = ctx
            .services()
            .auth
            .register(NewAccount {
                email: input.email,
                password: input.password.into(),
                display_name: input.display_name,
            })
            .await
            .gql_in("input")?;
        Ok(session.into())
    }

    /// Signs in. The error never tells whether the email has an account; repeated
    /// failures for one email are refused for a while (RATE_LIMITED).
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<AuthPayload> {
        let session = ctx
            .services()
            .auth
            .login(&email, password.into())
            .await
            .gql()?;
        Ok(session.into())
    }

    /// Exchanges a refresh token for a new session token and the next refresh token;
    /// the one given stops working. Giving an already exchanged one again ends the
    /// session everywhere (UNAUTHENTICATED), as it means someone else holds it too.
    /// Needs no `Authorization` header: the refresh token is the credential.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        let session = ctx
            .services()
            .auth
            .refresh_session(&refresh_token)
            .await
            .gql()?;
        Ok(session.into())
    }

    /// Ends the session the refresh token belongs to: it and every token refreshed from
    /// the same sign-in stop working. Session tokens already issued run out on their own.
    async fn sign_out(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<bool> {
        ctx.services().auth.sign_out(&refresh_token).await.gql()?;
        Ok(true)
    }

    /// Creates a personal API token for scripts and agents. The secret is returned this
    /// once. Needs a signed-in session.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        name: String,
        scopes: Vec<TokenScope>,
    ) -> async_graphql::Result<ApiTokenPayload> {
        let actor = ctx.actor()?;
        let scopes: Vec<Scope> = scopes.into_iter().map(Into::into).collect();
        let issued = ctx
            .services()
            .auth
            .create_api_token(actor, &name, &scopes)
            .await
            .gql()?;
        Ok(ApiTokenPayload {
            token: issued.secret.expose_secret().to_owned(),
            api_token: ApiToken(issued.token),
        })
    }

    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services()
            .auth
            .revoke_api_token(actor, id)
            .await
            .gql()?;
        Ok(true)
    }

    async fn create_task(
        &self,
        ctx: &Context<'_>,
        input: CreateTaskInput,
    ) -> async_graphql::Result<Task> {
        let actor = ctx.actor()?;
        ctx.services()
            .tasks
            .create(actor, NewTask::try_from(input)?)
            .await
            .gql_in("input")
            .map(Task::one)
    }

    /// An explicit null clears a field.
    async fn update_task(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateTaskInput,
    ) -> async_graphql::Result<Task> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let changes = TaskChanges::try_from(input)?;
        ctx.services()
            .tasks
            .update(actor, id, changes)
            .await
            .gql_in("input")
            .map(Task::one)
    }

    /// Idempotent. Completing a recurring task creates its next occurrence, once.
    async fn complete_task(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<CompleteTaskPayload> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services()
            .tasks
            .complete(actor, id)
            .await
            .gql()
            .map(CompleteTaskPayload)
    }

    /// Idempotent. Reopening the occurrence whose completion created the next one of its
    /// series removes that next occurrence when it is untouched (open, and never changed
    /// since it was created; a sent reminder does not count), and keeps it when it was
    /// changed: `nextOccurrence` on the result tells which.
    async fn uncomplete_task(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Task> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services()
            .tasks
            .uncomplete(actor, id)
            .await
            .gql()
            .map(Task::one)
    }

    async fn delete_task(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services().tasks.delete(actor, id).await.gql()?;
        Ok(true)
    }

    /// Changes the given settings; invalid values change nothing.
    async fn update_preferences(
        &self,
        ctx: &Context<'_>,
        input: PreferencesInput,
    ) -> async_graphql::Result<Preferences> {
        preferences::update(ctx, input).await
    }

    async fn mark_notification_read(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Notification> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services()
            .notifications
            .mark_read(actor, id)
            .await
            .gql()
            .map(Notification::one)
    }

    /// Returns how many changed.
    async fn mark_all_notifications_read(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let actor = ctx.actor()?;
        ctx.services()
            .notifications
            .mark_all_read(actor)
            .await
            .gql()
    }

    /// Empties the notification center; returns how many were removed.
    async fn clear_notifications(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let actor = ctx.actor()?;
        ctx.services().notifications.clear(actor).await.gql()
    }
}
