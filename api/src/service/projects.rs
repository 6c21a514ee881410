//! Projects, labels and sharing: creating and arranging projects, the account's labels,
//! and the invitations and memberships through which a project is shared.
//!
//! Access is membership: a project, and every task in it, is visible to its members
//! only. Anything a caller is not a member of is reported exactly like a missing one.

use std::collections::HashMap;

use chrono::Utc;
use uuid::Uuid;

use super::notifications::NotificationService;
use super::tasks::record_deletions;
use super::{Actor, ServiceError, ServiceResult, Wakeup, now};
use crate::domain::ValidationError;
use crate::domain::notification::{Notification, NotificationKind};
use crate::domain::project::{
    Invitation, Label, Member, OrganiseFields, Project, ProjectAccess, ProjectRole,
};
use crate::domain::user::normalize_email;
use crate::store::{self, Db, Tx, is_unique_violation};

#[derive(Debug, Clone, Default)]
pub struct ProjectChanges {
    pub name: Option<String>,
    /// `Some(None)` clears the color.
    pub color: Option<Option<String>>,
    pub position: Option<i32>,
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct LabelChanges {
    pub name: Option<String>,
    /// `Some(None)` clears the color.
    pub color: Option<Option<String>>,
}

#[derive(Clone)]
pub struct ProjectService {
    db: Db,
    notifications: NotificationService,
    outbox_wakeup: Wakeup,
}

impl ProjectService {
    pub fn new(db: Db, notifications: NotificationService, outbox_wakeup: Wakeup) -> Self {
        Self {
            db,
            notifications,
            outbox_wakeup,
        }
    }

    /// The projects the actor is a member of: the Inbox first, then in manual order.
    pub async fn list(
        &self,
        actor: &Actor,
        include_archived: bool,
    ) -> ServiceResult<Vec<ProjectAccess>> {
        Ok(
            store::projects::list_access(self.db.reader(), actor.user_id, None, include_archived)
                .await?,
        )
    }

    pub async fn get(&self, actor: &Actor, id: Uuid) -> ServiceResult<ProjectAccess> {
        store::projects::find_access(self.db.reader(), actor.user_id, id)
            .await?
            .ok_or(ServiceError::NotFound("project"))
    }

    /// Those of these projects the actor may see, archived or not, in one statement pair.
    pub async fn get_many(
        &self,
        actor: &Actor,
        ids: &[Uuid],
    ) -> ServiceResult<HashMap<Uuid, ProjectAccess>> {
        let found =
            store::projects::list_access(self.db.reader(), actor.user_id, Some(ids), true).await?;
        Ok(found
            .into_iter()
            .map(|access| (access.project.id, access))
            .collect())
    }

    pub async fn create(
        &self,
        actor: &Actor,
        name: &str,
        color: Option<&str>,
    ) -> ServiceResult<ProjectAccess> {
        actor.require_write()?;
        let name = OrganiseFields::project_name(name)?;
        let color = color.map(OrganiseFields::color).transpose()?;
        let now = now();
        let tx = self.db.begin_write().await?;
        let position = store::projects::next_position(&tx, actor.user_id).await?;
        let project = Project {
            id: Uuid::now_v7(),
            owner_id: actor.user_id,
            name,
            color,
            position,
            archived: false,
            is_inbox: false,
            created_at: now,
            updated_at: now,
        };
        let project = store::projects::insert(&tx, project)
            .await
            .map_err(taken_name("project"))?;
        tx.commit().await?;
        Ok(ProjectAccess {
            project,
            role: ProjectRole::Owner,
        })
    }

    /// Renames, recolors, reorders or (un)archives a project; its owner only. The Inbox
    /// keeps its name and cannot be archived.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        changes: ProjectChanges,
    ) -> ServiceResult<ProjectAccess> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let access = self.managed(&tx, actor, id).await?;
        let mut project = access.project.clone();
        if let Some(name) = &changes.name {
            let name = OrganiseFields::project_name(name)?;
            if project.is_inbox && name != project.name {
                return Err(ValidationError::new("name", "the Inbox cannot be renamed").into());
            }
            project.name = name;
        }
        if let Some(color) = &changes.color {
            project.color = color.as_deref().map(OrganiseFields::color).transpose()?;
        }
        if let Some(position) = changes.position {
            project.position = position;
        }
        if let Some(archived) = changes.archived {
            if project.is_inbox && archived {
                return Err(
                    ValidationError::new("archived", "the Inbox cannot be archived").into(),
                );
            }
            project.archived = archived;
        }
        if project == access.project {
            tx.commit().await?;
            return Ok(access);
        }
        project.updated_at = now();
        let project = store::projects::update(&tx, project)
            .await
            .map_err(taken_name("project"))?;
        tx.commit().await?;
        Ok(ProjectAccess {
            project,
            role: access.role,
        })
    }

    /// Deletes a project and its tasks (each recorded in the audit trail); its owner
    /// only, and never the Inbox.
    pub async fn delete(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let access = self.managed(&tx, actor, id).await?;
        if access.project.is_inbox {
            return Err(ServiceError::Forbidden("the Inbox cannot be deleted"));
        }
        let tasks = store::tasks::of_project(&tx, id).await?;
        record_deletions(&tx, actor, &tasks).await?;
        store::projects::delete(&tx, id).await?;
        tx.commit().await?;
        self.outbox_wakeup.notify();
        Ok(())
    }

    /// The members of these projects, each project's owner first.
    pub async fn members(&self, project_ids: &[Uuid]) -> ServiceResult<Vec<Member>> {
        Ok(store::projects::members(self.db.reader(), project_ids).await?)
    }

    /// How many open top-level tasks each of these projects has.
    pub async fn open_task_counts(
        &self,
        project_ids: &[Uuid],
    ) -> ServiceResult<HashMap<Uuid, i64>> {
        Ok(store::projects::open_task_counts(self.db.reader(), project_ids).await?)
    }

    /// The pending invitations of these projects; only those the actor owns are listed.
    pub async fn invitations_of(
        &self,
        actor: &Actor,
        projects: &[&ProjectAccess],
    ) -> ServiceResult<Vec<Invitation>> {
        let owned: Vec<Uuid> = projects
            .iter()
            .filter(|access| access.role.can_manage() && access.project.owner_id == actor.user_id)
            .map(|access| access.project.id)
            .collect();
        Ok(store::projects::pending_for_projects(self.db.reader(), &owned, Utc::now()).await?)
    }

    /// Invites `email` into a project with `role`; its owner only. The answer is the same
    /// whether or not the email has an account, so sharing never tells who is
    /// registered. Sharing again with the same email renews the invitation.
    pub async fn share(
        &self,
        actor: &Actor,
        project_id: Uuid,
        email: &str,
        role: ProjectRole,
    ) -> ServiceResult<Invitation> {
        actor.require_write()?;
        if role == ProjectRole::Owner {
            return Err(ValidationError::new(
                "role",
                "a project has one owner; invite as EDITOR or VIEWER",
            )
            .into());
        }
        let email = normalize_email(email)?;
        let tx = self.db.begin_write().await?;
        let access = self.managed(&tx, actor, project_id).await?;
        if access.project.is_inbox {
            return Err(ServiceError::Forbidden("the Inbox cannot be shared"));
        }
        let now = now();
        let invitation = store::projects::upsert_invitation(
            &tx,
            Invitation {
                id: Uuid::now_v7(),
                project_id,
                email,
                role,
                invited_by: actor.user_id,
                created_at: now,
                expires_at: Invitation::expiry_from(now),
            },
        )
        .await?;
        let invitee = store::users::find_by_email(&tx, &invitation.email).await?;
        let inviter = store::users::find(&tx, actor.user_id).await?;
        tx.commit().await?;
        if let (Some(invitee), Some(inviter)) = (invitee, inviter)
            && invitee.id != actor.user_id
        {
            self.notifications
                .deliver(Notification {
                    id: Uuid::now_v7(),
                    user_id: invitee.id,
                    kind: NotificationKind::Action,
                    title: format!(
                        "{} invited you to “{}”",
                        inviter.display_name, access.project.name
                    ),
                    message: Some("Accept or decline it among your invitations.".to_owned()),
                    task_id: None,
                    due_at: None,
                    read_at: None,
                    created_at: now,
                    archived_at: None,
                })
                .await?;
        }
        Ok(invitation)
    }

    /// The invitations waiting for the actor's email, newest first.
    pub async fn invitations(&self, actor: &Actor) -> ServiceResult<Vec<Invitation>> {
        let Some(user) = store::users::find(self.db.reader(), actor.user_id).await? else {
            return Ok(Vec::new());
        };
        Ok(store::projects::pending_for_email(self.db.reader(), &user.email, Utc::now()).await?)
    }

    /// Projects by id as an invitation shows them, whoever may see them.
    pub async fn invited_projects(&self, ids: &[Uuid]) -> ServiceResult<HashMap<Uuid, Project>> {
        let projects = store::projects::find_many(self.db.reader(), ids).await?;
        Ok(projects.into_iter().map(|p| (p.id, p)).collect())
    }

    /// Joins the project of an invitation sent to the actor's email.
    pub async fn accept(&self, actor: &Actor, invitation_id: Uuid) -> ServiceResult<ProjectAccess> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let invitation = self.addressed_to(&tx, actor, invitation_id).await?;
        let current = store::projects::role_of(&tx, invitation.project_id, actor.user_id).await?;
        match current {
            // The owner accepting an invitation to their own project stays its owner.
            Some(ProjectRole::Owner) => {}
            Some(_) => {
                store::projects::set_role(
                    &tx,
                    invitation.project_id,
                    actor.user_id,
                    invitation.role,
                )
                .await?;
            }
            None => {
                store::projects::add_member(
                    &tx,
                    Member {
                        project_id: invitation.project_id,
                        user_id: actor.user_id,
                        role: invitation.role,
                        created_at: now(),
                    },
                )
                .await?;
            }
        }
        store::projects::delete_invitation(&tx, invitation.id).await?;
        let access = store::projects::find_access(&tx, actor.user_id, invitation.project_id)
            .await?
            .ok_or(ServiceError::NotFound("invitation"))?;
        tx.commit().await?;
        Ok(access)
    }

    pub async fn decline(&self, actor: &Actor, invitation_id: Uuid) -> ServiceResult<()> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let invitation = self.addressed_to(&tx, actor, invitation_id).await?;
        store::projects::delete_invitation(&tx, invitation.id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Withdraws a pending invitation; the project's owner only.
    pub async fn cancel_invitation(&self, actor: &Actor, invitation_id: Uuid) -> ServiceResult<()> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let invitation = store::projects::find_invitation(&tx, invitation_id)
            .await?
            .ok_or(ServiceError::NotFound("invitation"))?;
        self.managed(&tx, actor, invitation.project_id)
            .await
            .map_err(|_| ServiceError::NotFound("invitation"))?;
        store::projects::delete_invitation(&tx, invitation.id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a member's role; the owner only, and the owner's own role stays.
    pub async fn update_member(
        &self,
        actor: &Actor,
        project_id: Uuid,
        user_id: Uuid,
        role: ProjectRole,
    ) -> ServiceResult<Member> {
        actor.require_write()?;
        if role == ProjectRole::Owner {
            return Err(ValidationError::new(
                "role",
                "a project has one owner; choose EDITOR or VIEWER",
            )
            .into());
        }
        let tx = self.db.begin_write().await?;
        let access = self.managed(&tx, actor, project_id).await?;
        if user_id == access.project.owner_id {
            return Err(ServiceError::Forbidden("the owner's role cannot change"));
        }
        if !store::projects::set_role(&tx, project_id, user_id, role).await? {
            return Err(ServiceError::NotFound("member"));
        }
        tx.commit().await?;
        Ok(Member {
            project_id,
            user_id,
            role,
            created_at: now(),
        })
    }

    /// Removes a member (the owner removing someone) or leaves (a member removing
    /// themselves). Access ends with the commit: the next query, mutation, MCP call or
    /// live change sees the member gone.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        project_id: Uuid,
        user_id: Uuid,
    ) -> ServiceResult<()> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let access = store::projects::find_access(&tx, actor.user_id, project_id)
            .await?
            .ok_or(ServiceError::NotFound("project"))?;
        if user_id == access.project.owner_id {
            return Err(ServiceError::Forbidden(
                "the owner cannot leave their project; delete it instead",
            ));
        }
        if user_id != actor.user_id && !access.role.can_manage() {
            return Err(ServiceError::Forbidden(
                "only the project's owner can remove members",
            ));
        }
        if !store::projects::remove_member(&tx, project_id, user_id).await? {
            return Err(ServiceError::NotFound("member"));
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn labels(&self, actor: &Actor) -> ServiceResult<Vec<Label>> {
        Ok(store::labels::list(self.db.reader(), actor.user_id).await?)
    }

    pub async fn create_label(
        &self,
        actor: &Actor,
        name: &str,
        color: Option<&str>,
    ) -> ServiceResult<Label> {
        actor.require_write()?;
        let label = Label {
            id: Uuid::now_v7(),
            user_id: actor.user_id,
            name: OrganiseFields::label_name(name)?,
            color: color.map(OrganiseFields::color).transpose()?,
            created_at: now(),
        };
        store::labels::insert(self.db.writer(), label)
            .await
            .map_err(taken_name("label"))
    }

    pub async fn update_label(
        &self,
        actor: &Actor,
        id: Uuid,
        changes: LabelChanges,
    ) -> ServiceResult<Label> {
        actor.require_write()?;
        let tx = self.db.begin_write().await?;
        let mut label = store::labels::find_owned(&tx, actor.user_id, &[id])
            .await?
            .pop()
            .ok_or(ServiceError::NotFound("label"))?;
        if let Some(name) = &changes.name {
            label.name = OrganiseFields::label_name(name)?;
        }
        if let Some(color) = &changes.color {
            label.color = color.as_deref().map(OrganiseFields::color).transpose()?;
        }
        let label = store::labels::update(&tx, label)
            .await
            .map_err(taken_name("label"))?;
        tx.commit().await?;
        Ok(label)
    }

    pub async fn delete_label(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        actor.require_write()?;
        if store::labels::delete(self.db.writer(), actor.user_id, id).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound("label"))
        }
    }

    /// A project the actor owns (the Inbox included); a member who is not the owner is
    /// refused, anyone else is told it does not exist.
    async fn managed(&self, tx: &Tx, actor: &Actor, id: Uuid) -> ServiceResult<ProjectAccess> {
        let access = store::projects::find_access(tx, actor.user_id, id)
            .await?
            .ok_or(ServiceError::NotFound("project"))?;
        if !access.role.can_manage() {
            return Err(ServiceError::Forbidden(
                "only the project's owner can change its settings and members",
            ));
        }
        Ok(access)
    }

    /// An unexpired invitation sent to the actor's email; any other is not found.
    async fn addressed_to(&self, tx: &Tx, actor: &Actor, id: Uuid) -> ServiceResult<Invitation> {
        let invitation = store::projects::find_invitation(tx, id).await?;
        let user = store::users::find(tx, actor.user_id).await?;
        match (invitation, user) {
            (Some(invitation), Some(user))
                if invitation.email == user.email && invitation.expires_at > Utc::now() =>
            {
                Ok(invitation)
            }
            _ => Err(ServiceError::NotFound("invitation")),
        }
    }
}

/// Maps the unique index on names to an error naming the field.
fn taken_name(what: &'static str) -> impl Fn(store::StoreDbError) -> ServiceError {
    move |error| {
        if is_unique_violation(&error) {
            ValidationError::new("name", format!("you already have a {what} with this name")).into()
        } else {
            error.into()
        }
    }
}
