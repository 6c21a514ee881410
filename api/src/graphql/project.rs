//! Projects, labels and sharing at the edge: their types, queries and mutations.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::account::User;
use super::error::GqlResultExt;
use super::pagination::page_cost;
use super::scalars::DateTime;
use super::task::{TaskConnection, TaskFilter, TaskOrder, list_tasks};
use super::{ContextExt, load_once, parse_id};
use crate::domain::project as domain;
use crate::domain::user as account;
use crate::service::projects::{LabelChanges, ProjectChanges};

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::project::ProjectRole")]
pub enum ProjectRole {
    /// Reads only.
    Viewer,
    /// Reads and changes tasks; not the project's settings or members.
    Editor,
    /// Created the project: changes everything, shares it, deletes it.
    Owner,
}

/// What the projects resolved together share: members, counts and people, each loaded
/// for all of them the first time one asks, so a sidebar costs the same few statements
/// however many projects it lists.
struct ProjectBatch {
    ids: Vec<Uuid>,
    members: OnceCell<HashMap<Uuid, Vec<domain::Member>>>,
    open_counts: OnceCell<HashMap<Uuid, i64>>,
    people: OnceCell<HashMap<Uuid, account::User>>,
    invitations: OnceCell<HashMap<Uuid, Vec<domain::Invitation>>>,
}

impl ProjectBatch {
    fn of(ids: Vec<Uuid>) -> Self {
        Self {
            ids,
            members: OnceCell::new(),
            open_counts: OnceCell::new(),
            people: OnceCell::new(),
            invitations: OnceCell::new(),
        }
    }
}

#[derive(Clone)]
pub struct Project {
    access: domain::ProjectAccess,
    batch: Arc<ProjectBatch>,
}

impl Project {
    /// The GraphQL objects of projects resolved together.
    pub fn batch(projects: Vec<domain::ProjectAccess>) -> Vec<Self> {
        let batch = Arc::new(ProjectBatch::of(
            projects.iter().map(|access| access.project.id).collect(),
        ));
        projects
            .into_iter()
            .map(|access| Self {
                access,
                batch: Arc::clone(&batch),
            })
            .collect()
    }

    pub fn id_value(&self) -> Uuid {
        self.access.project.id
    }

    pub fn one(access: domain::ProjectAccess) -> Self {
        let batch = Arc::new(ProjectBatch::of(vec![access.project.id]));
        Self { access, batch }
    }

    async fn all_members(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<&HashMap<Uuid, Vec<domain::Member>>> {
        load_once(&self.batch.members, || async {
            let members = ctx
                .services()
                .projects
                .members(&self.batch.ids)
                .await
                .gql()?;
            Ok(by_project(members, |member| member.project_id))
        })
        .await
    }

    /// Every member and inviter of the batch's projects, in one statement.
    async fn people(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<&HashMap<Uuid, account::User>> {
        let members = self.all_members(ctx).await?;
        load_once(&self.batch.people, || async {
            let ids: Vec<Uuid> = members
                .values()
                .flatten()
                .map(|member| member.user_id)
                .collect();
            people(ctx, &ids).await
        })
        .await
    }
}

/// Items of several projects, grouped by project in their order.
fn by_project<T>(items: Vec<T>, project_of: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut grouped: HashMap<Uuid, Vec<T>> = HashMap::new();
    for item in items {
        grouped.entry(project_of(&item)).or_default().push(item);
    }
    grouped
}

/// The accounts with these ids, by id.
pub async fn people(
    ctx: &Context<'_>,
    ids: &[Uuid],
) -> async_graphql::Result<HashMap<Uuid, account::User>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let users = ctx.services().auth.users(&ids).await.gql()?;
    Ok(users.into_iter().map(|user| (user.id, user)).collect())
}

#[Object]
impl Project {
    async fn id(&self) -> ID {
        ID(self.access.project.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.access.project.name
    }

    /// `#rrggbb`.
    async fn color(&self) -> Option<&str> {
        self.access.project.color.as_deref()
    }

    /// Manual order in the sidebar, ascending. The Inbox comes first whatever its
    /// position.
    async fn position(&self) -> i32 {
        self.access.project.position
    }

    /// Archived projects are left out of `projects` and of task listings that name no
    /// project; their tasks are kept.
    async fn archived(&self) -> bool {
        self.access.project.archived
    }

    /// Every account has one Inbox: where tasks go when no project is named. It cannot
    /// be renamed, archived, deleted or shared.
    async fn is_inbox(&self) -> bool {
        self.access.project.is_inbox
    }

    /// The caller's role.
    async fn role(&self) -> ProjectRole {
        self.access.role.into()
    }

    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let people = self.people(ctx).await?;
        people
            .get(&self.access.project.owner_id)
            .cloned()
            .map(User)
            .ok_or_else(|| async_graphql::Error::new("the project's owner has no account"))
    }

    /// Everyone with access, the owner first.
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProjectMember>> {
        let members = self.all_members(ctx).await?;
        let people = self.people(ctx).await?;
        Ok(members
            .get(&self.access.project.id)
            .into_iter()
            .flatten()
            .filter_map(|member| {
                Some(ProjectMember {
                    user: people.get(&member.user_id)?.clone(),
                    role: member.role,
                })
            })
            .collect())
    }

    /// Invitations not yet answered; the owner's to see (empty for other members).
    async fn invitations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Invitation>> {
        let actor = ctx.actor()?;
        if !self.access.role.can_manage() {
            return Ok(Vec::new());
        }
        let by_project = load_once(&self.batch.invitations, || async {
            let services = ctx.services();
            let accesses = services
                .projects
                .get_many(actor, &self.batch.ids)
                .await
                .gql()?;
            let accesses: Vec<&domain::ProjectAccess> = accesses.values().collect();
            let pending = services
                .projects
                .invitations_of(actor, &accesses)
                .await
                .gql()?;
            Ok::<_, async_graphql::Error>(by_project(pending, |invitation| invitation.project_id))
        })
        .await?;
        let pending = by_project
            .get(&self.access.project.id)
            .cloned()
            .unwrap_or_default();
        // Boxed for the reason `load_once` gives.
        Box::pin(invitations(ctx, pending)).await
    }

    /// Open top-level tasks.
    async fn open_task_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let counts = load_once(&self.batch.open_counts, || async {
            ctx.services()
                .projects
                .open_task_counts(&self.batch.ids)
                .await
                .gql()
        })
        .await?;
        Ok(counts.get(&self.access.project.id).copied().unwrap_or(0))
    }

    /// The project's tasks: `Query.tasks` with `filter.projectId` set to this project.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        filter: Option<TaskFilter>,
        order_by: Option<TaskOrder>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<TaskConnection> {
        let mut filter = filter.unwrap_or_default();
        filter.project_id = Some(ID(self.access.project.id.to_string()));
        Box::pin(list_tasks(ctx, Some(filter), order_by, first, after)).await
    }
}

pub struct ProjectMember {
    user: account::User,
    role: domain::ProjectRole,
}

#[Object]
impl ProjectMember {
    async fn user(&self) -> User {
        User(self.user.clone())
    }

    async fn role(&self) -> ProjectRole {
        self.role.into()
    }
}

/// What an invitee sees of a project before accepting.
pub struct InvitedProject(domain::Project);

#[Object]
impl InvitedProject {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn color(&self) -> Option<&str> {
        self.0.color.as_deref()
    }
}

pub struct Invitation {
    invitation: domain::Invitation,
    project: domain::Project,
    invited_by: account::User,
}

/// Invitations with their projects and inviters, loaded together.
async fn invitations(
    ctx: &Context<'_>,
    pending: Vec<domain::Invitation>,
) -> async_graphql::Result<Vec<Invitation>> {
    let project_ids: Vec<Uuid> = pending.iter().map(|i| i.project_id).collect();
    let inviter_ids: Vec<Uuid> = pending.iter().map(|i| i.invited_by).collect();
    let projects = ctx
        .services()
        .projects
        .invited_projects(&project_ids)
        .await
        .gql()?;
    let inviters = people(ctx, &inviter_ids).await?;
    Ok(pending
        .into_iter()
        .filter_map(|invitation| {
            Some(Invitation {
                project: projects.get(&invitation.project_id)?.clone(),
                invited_by: inviters.get(&invitation.invited_by)?.clone(),
                invitation,
            })
        })
        .collect())
}

#[Object]
impl Invitation {
    async fn id(&self) -> ID {
        ID(self.invitation.id.to_string())
    }

    async fn project(&self) -> InvitedProject {
        InvitedProject(self.project.clone())
    }

    /// The address invited, lower-cased.
    async fn email(&self) -> &str {
        &self.invitation.email
    }

    async fn role(&self) -> ProjectRole {
        self.invitation.role.into()
    }

    async fn invited_by(&self) -> User {
        User(self.invited_by.clone())
    }

    async fn created_at(&self) -> DateTime {
        self.invitation.created_at.into()
    }

    /// 14 days after it was sent; an invitation not accepted by then is gone.
    async fn expires_at(&self) -> DateTime {
        self.invitation.expires_at.into()
    }
}

pub struct Label(pub domain::Label);

#[Object]
impl Label {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// `#rrggbb`.
    async fn color(&self) -> Option<&str> {
        self.0.color.as_deref()
    }
}

#[derive(InputObject)]
pub struct CreateProjectInput {
    /// 1 to 100 characters, unique among your projects regardless of case.
    pub name: String,
    /// `#rrggbb`.
    pub color: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateProjectInput {
    pub name: Option<String>,
    /// Null clears it.
    pub color: MaybeUndefined<String>,
    pub position: Option<i32>,
    pub archived: Option<bool>,
}

#[derive(InputObject)]
pub struct CreateLabelInput {
    /// 1 to 50 characters, unique among your labels regardless of case.
    pub name: String,
    /// `#rrggbb`.
    pub color: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateLabelInput {
    pub name: Option<String>,
    /// Null clears it.
    pub color: MaybeUndefined<String>,
}

fn color_change(color: MaybeUndefined<String>) -> Option<Option<String>> {
    match color {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(color) => Some(Some(color)),
    }
}

#[derive(Default)]
pub struct OrganiseQuery;

#[Object]
impl OrganiseQuery {
    /// The projects you are a member of: your Inbox first, then in their manual order.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        include_archived: Option<bool>,
    ) -> async_graphql::Result<Vec<Project>> {
        let actor = ctx.actor()?;
        let projects = ctx
            .services()
            .projects
            .list(actor, include_archived.unwrap_or(false))
            .await
            .gql()?;
        Ok(Project::batch(projects))
    }

    /// One of your projects; null when there is none you are a member of with this id.
    async fn project(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Project>> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        match ctx.services().projects.get(actor, id).await {
            Ok(access) => Ok(Some(Project::one(access))),
            Err(crate::service::ServiceError::NotFound(_)) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }

    /// Your labels, by name.
    async fn labels(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Label>> {
        let actor = ctx.actor()?;
        let labels = ctx.services().projects.labels(actor).await.gql()?;
        Ok(labels.into_iter().map(Label).collect())
    }

    /// Invitations to projects waiting for your answer, newest first.
    async fn invitations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Invitation>> {
        let actor = ctx.actor()?;
        let pending = ctx.services().projects.invitations(actor).await.gql()?;
        invitations(ctx, pending).await
    }
}

#[derive(Default)]
pub struct OrganiseMutation;

#[Object]
impl OrganiseMutation {
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        input: CreateProjectInput,
    ) -> async_graphql::Result<Project> {
        let actor = ctx.actor()?;
        ctx.services()
            .projects
            .create(actor, &input.name, input.color.as_deref())
            .await
            .gql_in("input")
            .map(Project::one)
    }

    /// The owner's to change. The Inbox keeps its name and cannot be archived.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateProjectInput,
    ) -> async_graphql::Result<Project> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let changes = ProjectChanges {
            name: input.name,
            color: color_change(input.color),
            position: input.position,
            archived: input.archived,
        };
        ctx.services()
            .projects
            .update(actor, id, changes)
            .await
            .gql_in("input")
            .map(Project::one)
    }

    /// Deletes a project and every task in it; the owner's to do. Not the Inbox.
    async fn delete_project(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services().projects.delete(actor, id).await.gql()?;
        Ok(true)
    }

    async fn create_label(
        &self,
        ctx: &Context<'_>,
        input: CreateLabelInput,
    ) -> async_graphql::Result<Label> {
        let actor = ctx.actor()?;
        ctx.services()
            .projects
            .create_label(actor, &input.name, input.color.as_deref())
            .await
            .gql_in("input")
            .map(Label)
    }

    async fn update_label(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateLabelInput,
    ) -> async_graphql::Result<Label> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let changes = LabelChanges {
            name: input.name,
            color: color_change(input.color),
        };
        ctx.services()
            .projects
            .update_label(actor, id, changes)
            .await
            .gql_in("input")
            .map(Label)
    }

    /// Deletes one of your labels; the tasks keep everything else.
    async fn delete_label(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services()
            .projects
            .delete_label(actor, id)
            .await
            .gql()?;
        Ok(true)
    }

    /// Invites `email` into a project (the owner's to do; not the Inbox). The answer is
    /// the same whether or not the email has an account; the invitation waits for the
    /// account's registration and expires after 14 days. Sharing again renews it.
    async fn share_project(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        email: String,
        role: ProjectRole,
    ) -> async_graphql::Result<Invitation> {
        let actor = ctx.actor()?;
        let project_id = parse_id("projectId", &project_id)?;
        let invitation = ctx
            .services()
            .projects
            .share(actor, project_id, &email, role.into())
            .await
            .gql()?;
        invitations(ctx, vec![invitation])
            .await?
            .pop()
            .ok_or_else(|| async_graphql::Error::new("the invitation's project is gone"))
    }

    /// Withdraws a pending invitation; the project owner's to do.
    async fn cancel_invitation(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services()
            .projects
            .cancel_invitation(actor, id)
            .await
            .gql()?;
        Ok(true)
    }

    /// Joins the project of an invitation sent to your email.
    async fn accept_invitation(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Project> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services()
            .projects
            .accept(actor, id)
            .await
            .gql()
            .map(Project::one)
    }

    async fn decline_invitation(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        ctx.services().projects.decline(actor, id).await.gql()?;
        Ok(true)
    }

    /// Changes a member's role (EDITOR or VIEWER); the owner's to do.
    async fn update_project_member(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        user_id: ID,
        role: ProjectRole,
    ) -> async_graphql::Result<ProjectMember> {
        let actor = ctx.actor()?;
        let project_id = parse_id("projectId", &project_id)?;
        let user_id = parse_id("userId", &user_id)?;
        let member = ctx
            .services()
            .projects
            .update_member(actor, project_id, user_id, role.into())
            .await
            .gql()?;
        let user = people(ctx, &[member.user_id])
            .await?
            .remove(&member.user_id)
            .ok_or_else(|| async_graphql::Error::new("the member has no account"))?;
        Ok(ProjectMember {
            user,
            role: member.role,
        })
    }

    /// Removes a member (the owner's to do), or leaves the project when `userId` is
    /// yours. Access ends at once, live updates included.
    async fn remove_project_member(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        user_id: ID,
    ) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let project_id = parse_id("projectId", &project_id)?;
        let user_id = parse_id("userId", &user_id)?;
        ctx.services()
            .projects
            .remove_member(actor, project_id, user_id)
            .await
            .gql()?;
        Ok(true)
    }
}
