//! Projects, their members and their invitations. Every member has a row in
//! `project_members`, the owner too, so "the projects a user may see" is one lookup.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::entities::invitation::{self, Entity as Invitations};
use super::entities::project::{self, Entity as Projects};
use super::entities::project_member::{self, Entity as Members};
use super::entities::task::{self, Entity as Tasks};
use super::{all, one};
use crate::domain::project::{Invitation, Member, Project, ProjectAccess, ProjectRole};

/// Inserts a project and its owner's membership.
pub async fn insert(conn: &impl ConnectionTrait, project: Project) -> Result<Project, DbErr> {
    let owner = Member {
        project_id: project.id,
        user_id: project.owner_id,
        role: ProjectRole::Owner,
        created_at: project.created_at,
    };
    let project = Project::from(project::ActiveModel::from(project).insert(conn).await?);
    project_member::ActiveModel::from(owner)
        .insert(conn)
        .await?;
    Ok(project)
}

pub async fn update(conn: &impl ConnectionTrait, edited: Project) -> Result<Project, DbErr> {
    Ok(project::ActiveModel::from(edited)
        .update(conn)
        .await?
        .into())
}

pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    Projects::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Project `id` as `user_id` sees it, if they are a member.
pub async fn find_access(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<ProjectAccess>, DbErr> {
    let found = list_access(conn, user_id, Some(&[id]), true).await?;
    Ok(found.into_iter().next())
}

/// The role of `user_id` in project `project_id`, if they are a member.
pub async fn role_of(
    conn: &impl ConnectionTrait,
    project_id: Uuid,
    user_id: Uuid,
) -> Result<Option<ProjectRole>, DbErr> {
    let member: Option<Member> = one(Members::find_by_id((project_id, user_id)).one(conn).await?)?;
    Ok(member.map(|member| member.role))
}

/// The projects `user_id` is a member of (those among `ids` when given), Inbox first,
/// then in their manual order.
pub async fn list_access(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    ids: Option<&[Uuid]>,
    include_archived: bool,
) -> Result<Vec<ProjectAccess>, DbErr> {
    let mut projects = Projects::find()
        .find_also_related(Members)
        .filter(project_member::Column::UserId.eq(user_id))
        .order_by_desc(project::Column::IsInbox)
        .order_by_asc(project::Column::Position)
        .order_by_asc(project::Column::NameKey);
    if let Some(ids) = ids {
        projects = projects.filter(project::Column::Id.is_in(ids.iter().copied()));
    }
    if !include_archived {
        projects = projects.filter(project::Column::Archived.eq(false));
    }
    let mut found = Vec::new();
    for (project, member) in projects.all(conn).await? {
        if let Some(member) = member {
            found.push(ProjectAccess {
                project: project.into(),
                role: Member::try_from(member)?.role,
            });
        }
    }
    Ok(found)
}

/// The ids of the projects whose tasks a listing by `user_id` covers when it names
/// none: every project they are a member of that is not archived.
pub async fn listed_ids(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    ids_of(conn, &listed_memberships(user_id)).await
}

/// The ids a one-column select of project ids returns.
async fn ids_of(
    conn: &impl ConnectionTrait,
    select: &sea_orm::sea_query::SelectStatement,
) -> Result<Vec<Uuid>, DbErr> {
    let statement = conn.get_database_backend().build(select);
    let rows = conn.query_all_raw(statement).await?;
    rows.iter()
        .map(|row| row.try_get_by_index::<Uuid>(0))
        .collect()
}

/// [`listed_ids`] as a subquery: one column, `project_id`.
pub(super) fn listed_memberships(user_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    let not_archived = Query::select()
        .expr(Expr::val(1))
        .from(project::Entity)
        .and_where(
            Expr::col((project::Entity, project::Column::Id))
                .equals((project_member::Entity, project_member::Column::ProjectId)),
        )
        .and_where(Expr::col((project::Entity, project::Column::Archived)).eq(false))
        .to_owned();
    Query::select()
        .column((project_member::Entity, project_member::Column::ProjectId))
        .from(project_member::Entity)
        .and_where(Expr::col((project_member::Entity, project_member::Column::UserId)).eq(user_id))
        .and_where(Expr::exists(not_archived))
        .to_owned()
}

/// The membership of `user_id` in `project_id`, as a subquery to test with `EXISTS`.
pub(super) fn membership(project_id: Uuid, user_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(project_member::Entity)
        .and_where(
            Expr::col((project_member::Entity, project_member::Column::ProjectId)).eq(project_id),
        )
        .and_where(Expr::col((project_member::Entity, project_member::Column::UserId)).eq(user_id))
        .to_owned()
}

/// The position after the last of the owner's projects: where a new one goes.
pub async fn next_position(conn: &impl ConnectionTrait, owner_id: Uuid) -> Result<i32, DbErr> {
    let last = Projects::find()
        .select_only()
        .column(project::Column::Position)
        .filter(project::Column::OwnerId.eq(owner_id))
        .order_by_desc(project::Column::Position)
        .limit(1)
        .into_tuple::<i32>()
        .one(conn)
        .await?;
    Ok(last.map_or(1, |position| position.saturating_add(1)))
}

/// The members of these projects, each project's owner first, then by when they joined.
pub async fn members(
    conn: &impl ConnectionTrait,
    project_ids: &[Uuid],
) -> Result<Vec<Member>, DbErr> {
    if project_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut members: Vec<Member> = all(Members::find()
        .filter(project_member::Column::ProjectId.is_in(project_ids.iter().copied()))
        .order_by_asc(project_member::Column::CreatedAt)
        .all(conn)
        .await?)?;
    members.sort_by_key(|member| member.role != ProjectRole::Owner);
    Ok(members)
}

/// Everyone who may see the tasks of `project_id`.
pub async fn member_ids(conn: &impl ConnectionTrait, project_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Members::find()
        .select_only()
        .column(project_member::Column::UserId)
        .filter(project_member::Column::ProjectId.eq(project_id))
        .into_tuple::<Uuid>()
        .all(conn)
        .await
}

pub async fn add_member(conn: &impl ConnectionTrait, member: Member) -> Result<(), DbErr> {
    Members::insert(project_member::ActiveModel::from(member))
        .on_conflict_do_nothing_on([
            project_member::Column::ProjectId,
            project_member::Column::UserId,
        ])
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn set_role(
    conn: &impl ConnectionTrait,
    project_id: Uuid,
    user_id: Uuid,
    role: ProjectRole,
) -> Result<bool, DbErr> {
    let result = Members::update_many()
        .col_expr(
            project_member::Column::Role,
            Expr::value(<&str>::from(role)),
        )
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Removes a member; the tasks assigned to them in the project are unassigned.
pub async fn remove_member(
    conn: &impl ConnectionTrait,
    project_id: Uuid,
    user_id: Uuid,
) -> Result<bool, DbErr> {
    let result = Members::delete_many()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Tasks::update_many()
        .col_expr(task::Column::AssigneeId, Expr::value(Option::<Uuid>::None))
        .filter(task::Column::ProjectId.eq(project_id))
        .filter(task::Column::AssigneeId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// How many open top-level tasks each of these projects has.
pub async fn open_task_counts(
    conn: &impl ConnectionTrait,
    project_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    if project_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let counts = Tasks::find()
        .select_only()
        .column(task::Column::ProjectId)
        .expr(Expr::col(task::Column::Id).count())
        .filter(task::Column::ProjectId.is_in(project_ids.iter().copied()))
        .filter(task::Column::Completed.eq(false))
        .filter(task::Column::ParentId.is_null())
        .group_by(task::Column::ProjectId)
        .into_tuple::<(Option<Uuid>, i64)>()
        .all(conn)
        .await?;
    Ok(counts
        .into_iter()
        .filter_map(|(project, count)| Some((project?, count)))
        .collect())
}

/// Creates an invitation, or renews the one the project already has for that email
/// (new role, new expiry, new inviter). Returns it as stored.
pub async fn upsert_invitation(
    conn: &impl ConnectionTrait,
    invitation: Invitation,
) -> Result<Invitation, DbErr> {
    let (project_id, email) = (invitation.project_id, invitation.email.clone());
    Invitations::insert(invitation::ActiveModel::from(invitation))
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                invitation::Column::ProjectId,
                invitation::Column::Email,
            ])
            .update_columns([
                invitation::Column::Role,
                invitation::Column::InvitedBy,
                invitation::Column::CreatedAt,
                invitation::Column::ExpiresAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    let stored = Invitations::find()
        .filter(invitation::Column::ProjectId.eq(project_id))
        .filter(invitation::Column::Email.eq(email))
        .one(conn)
        .await?;
    one(stored)?.ok_or_else(|| DbErr::RecordNotFound("the invitation just written".into()))
}

pub async fn find_invitation(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<Invitation>, DbErr> {
    one(Invitations::find_by_id(id).one(conn).await?)
}

/// Invitations for `email` that have not expired, newest first.
pub async fn pending_for_email(
    conn: &impl ConnectionTrait,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>, DbErr> {
    all(Invitations::find()
        .filter(invitation::Column::Email.eq(email))
        .filter(invitation::Column::ExpiresAt.gt(now))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// The unexpired invitations of these projects, oldest first.
pub async fn pending_for_projects(
    conn: &impl ConnectionTrait,
    project_ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>, DbErr> {
    if project_ids.is_empty() {
        return Ok(Vec::new());
    }
    all(Invitations::find()
        .filter(invitation::Column::ProjectId.is_in(project_ids.iter().copied()))
        .filter(invitation::Column::ExpiresAt.gt(now))
        .order_by_asc(invitation::Column::CreatedAt)
        .all(conn)
        .await?)
}

pub async fn delete_invitation(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let result = Invitations::delete_by_id(id).exec(conn).await?;
    Ok(result.rows_affected == 1)
}

/// Projects by id, whoever may see them: for what an invitation shows its invitee.
pub async fn find_many(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Project>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = Projects::find()
        .filter(project::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(Project::from).collect())
}

/// The ids of the projects `user_id` is a member of, archived ones included.
pub async fn visible_ids(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    ids_of(conn, &visible_project_ids(user_id, true)).await
}

/// The subquery of the ids of the projects `user_id` is a member of, for filtering tasks
/// (and audit entries) by what the user may see; archived projects only when asked.
pub(super) fn visible_project_ids(
    user_id: Uuid,
    include_archived: bool,
) -> sea_orm::sea_query::SelectStatement {
    let mut query = Query::select();
    query
        .column((project_member::Entity, project_member::Column::ProjectId))
        .from(project_member::Entity)
        .and_where(Expr::col((project_member::Entity, project_member::Column::UserId)).eq(user_id));
    if !include_archived {
        query
            .inner_join(
                project::Entity,
                Expr::col((project::Entity, project::Column::Id))
                    .equals((project_member::Entity, project_member::Column::ProjectId)),
            )
            .and_where(Expr::col((project::Entity, project::Column::Archived)).eq(false));
    }
    query
}
