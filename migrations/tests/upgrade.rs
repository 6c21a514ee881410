//! Issue 28's migrations applied to a database that the previous ones populated (tasks
//! with categories, a recurring series, audit entries): nothing is lost, every account
//! gets its Inbox, and categories become labels. Then down and up again.
//!
//! On SQLite always; on PostgreSQL when TEST_DATABASE_URL names a server (the test
//! marked `ignore` runs there, and fails rather than passes unseen without one).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::{Connection as _, Executor as _};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, QueryResult, Statement, Value};
use sea_orm_migration::SchemaManager;
use sea_orm_migration::prelude::{Alias, Query};
use uuid::Uuid;

/// The last migration before issue 28.
const BEFORE_ISSUE_28: u32 = 12;

#[tokio::test]
async fn upgrade_keeps_everything_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("todo.db").display());
    upgrade_down_and_up_again(&url).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn upgrade_keeps_everything_on_postgres() {
    let server_url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
        .expect("this test needs PostgreSQL: set TEST_DATABASE_URL");
    let prefix = std::env::var("TEST_DATABASE_PREFIX").unwrap_or_else(|_| "todo_test".into());
    let name = format!("{prefix}_{}", Uuid::new_v4().simple());
    let mut admin = sea_orm::sqlx::PgConnection::connect(&server_url)
        .await
        .unwrap();
    admin
        .execute(sea_orm::sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE \"{name}\""
        )))
        .await
        .unwrap();
    let (base, _) = server_url.rsplit_once('/').unwrap();
    upgrade_down_and_up_again(&format!("{base}/{name}")).await;
    admin
        .execute(sea_orm::sqlx::AssertSqlSafe(format!(
            "DROP DATABASE \"{name}\" WITH (FORCE)"
        )))
        .await
        .unwrap();
}

async fn upgrade_down_and_up_again(url: &str) {
    let db = Database::connect(url).await.unwrap();
    Migrator::up(&db, Some(BEFORE_ISSUE_28)).await.unwrap();
    let data = populate(&db).await;
    let before = Snapshot::take(&db).await;

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(
        Snapshot::take(&db).await,
        before,
        "rows changed or went missing"
    );
    check_upgraded(&db, &data).await;

    // Back to where the upgrade started, however many migrations came since.
    let since = Migrator::migrations().len() as u32 - BEFORE_ISSUE_28;
    Migrator::down(&db, Some(since)).await.unwrap();
    let manager = SchemaManager::new(&db);
    for table in [
        "projects",
        "project_members",
        "labels",
        "task_labels",
        "invitations",
    ] {
        assert!(!manager.has_table(table).await.unwrap(), "{table} is left");
    }
    for column in ["project_id", "parent_id", "position", "assignee_id"] {
        assert!(
            !manager.has_column("tasks", column).await.unwrap(),
            "tasks.{column} is left"
        );
    }
    assert!(
        !manager
            .has_column("audit_entries", "project_id")
            .await
            .unwrap()
    );
    assert_eq!(Snapshot::take(&db).await, before, "down lost rows");

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(Snapshot::take(&db).await, before);
    check_upgraded(&db, &data).await;
    db.close().await.unwrap();
}

/// What `populate` made, for the checks.
struct Data {
    users: Vec<Uuid>,
    /// Every task and its category.
    categorised: BTreeMap<Uuid, Option<String>>,
    /// Per user, the labels expected: key -> name.
    labels: BTreeMap<Uuid, BTreeMap<String, String>>,
    /// Audit entry -> the project it should get (None for a task since deleted).
    audit_projects: BTreeMap<Uuid, Option<Uuid>>,
}

async fn populate(db: &DatabaseConnection) -> Data {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    let minutes = |n: i64| t0 + Duration::minutes(n);
    let (alice, bob, carol) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    for (n, (id, name)) in [(alice, "alice"), (bob, "bob"), (carol, "carol")]
        .into_iter()
        .enumerate()
    {
        let at = minutes(n as i64);
        insert(
            db,
            "users",
            vec![
                ("id", id.into()),
                ("email", format!("{name}@example.com").into()),
                ("display_name", name.into()),
                ("password_hash", "$argon2id$v=19$m=19456,t=2,p=1$x$y".into()),
                ("created_at", at.into()),
                ("updated_at", (at + Duration::hours(1)).into()),
            ],
        )
        .await;
    }

    let mut categorised = BTreeMap::new();
    let series = Uuid::new_v4();
    let mut previous_occurrence = None;
    // Created in this order: "Work" comes before "work", so the label is "Work".
    let tasks = [
        (alice, "Write report", Some("Work"), false),
        (alice, "Call back", Some("work"), false),
        (alice, "Water plants", Some("Home"), false),
        (alice, "No category", None, false),
        (alice, "Stand-up 1", Some("Work"), true),
        (alice, "Stand-up 2", Some("WORK"), true),
        (bob, "Bob's work", Some("Work"), false),
        (bob, "Ärger 1", Some("Ärger"), false),
        (bob, "Ärger 2", Some("ärger"), false),
    ];
    let mut task_ids = Vec::new();
    for (n, (user, title, category, recurring)) in tasks.into_iter().enumerate() {
        let id = Uuid::new_v4();
        let at = minutes(10 + n as i64);
        let mut row = vec![
            ("id", id.into()),
            ("user_id", user.into()),
            ("title", title.into()),
            ("category", category.map(str::to_owned).into()),
            ("time_zone", "Europe/Berlin".into()),
            ("created_at", at.into()),
            ("updated_at", at.into()),
        ];
        if recurring {
            // A daily series: the first occurrence done, the second its successor.
            let occurrence = if previous_occurrence.is_some() { 2 } else { 1 };
            row.extend([
                ("rrule", "FREQ=DAILY".into()),
                ("recurrence_preset", "DAILY".into()),
                ("recurrence_mode", "FIXED".into()),
                ("recurrence_anchor", t0.into()),
                ("due_at", (t0 + Duration::days(occurrence - 1)).into()),
                ("occurrence_number", (occurrence as i32).into()),
                ("completed", (occurrence == 1).into()),
                ("series_id", series.into()),
                ("parent_task_id", previous_occurrence.into()),
            ]);
            previous_occurrence = Some(id);
        }
        insert(db, "tasks", row).await;
        categorised.insert(id, category.map(str::to_owned));
        task_ids.push(id);
    }

    let deleted_task = Uuid::new_v4();
    let mut audit_projects = BTreeMap::new();
    for (n, (user, entity, project)) in [
        (alice, task_ids[0], Some(alice)),
        (alice, task_ids[5], Some(alice)),
        (bob, task_ids[7], Some(bob)),
        (bob, deleted_task, None),
    ]
    .into_iter()
    .enumerate()
    {
        let id = Uuid::new_v4();
        insert(
            db,
            "audit_entries",
            vec![
                ("id", id.into()),
                ("event_id", Uuid::new_v4().into()),
                ("user_id", user.into()),
                ("action", "CREATE".into()),
                ("entity_type", "task".into()),
                ("entity_id", entity.into()),
                ("source", "GRAPHQL".into()),
                ("at", minutes(30 + n as i64).into()),
            ],
        )
        .await;
        audit_projects.insert(id, project);
    }

    let labels = BTreeMap::from([
        (
            alice,
            BTreeMap::from([
                ("work".into(), "Work".into()),
                ("home".into(), "Home".into()),
            ]),
        ),
        (
            bob,
            BTreeMap::from([
                ("work".into(), "Work".into()),
                ("ärger".into(), "Ärger".into()),
            ]),
        ),
        (carol, BTreeMap::new()),
    ]);
    Data {
        users: vec![alice, bob, carol],
        categorised,
        labels,
        audit_projects,
    }
}

async fn check_upgraded(db: &DatabaseConnection, data: &Data) {
    // One Inbox per account, with the account's id, and its owner a member.
    let projects = rows(db, "SELECT p.id, p.owner_id, p.name, p.name_key, p.color, p.position, p.archived, p.is_inbox, p.created_at, p.updated_at, u.created_at AS user_created_at FROM projects p JOIN users u ON u.id = p.owner_id").await;
    assert_eq!(projects.len(), data.users.len());
    for project in &projects {
        let id: Uuid = project.try_get("", "id").unwrap();
        assert!(data.users.contains(&id));
        assert_eq!(project.try_get::<Uuid>("", "owner_id").unwrap(), id);
        assert_eq!(project.try_get::<String>("", "name").unwrap(), "Inbox");
        assert_eq!(project.try_get::<String>("", "name_key").unwrap(), "inbox");
        assert_eq!(
            project.try_get::<Option<String>>("", "color").unwrap(),
            None
        );
        assert_eq!(project.try_get::<i32>("", "position").unwrap(), 0);
        assert!(!project.try_get::<bool>("", "archived").unwrap());
        assert!(project.try_get::<bool>("", "is_inbox").unwrap());
        let user_created_at: DateTime<Utc> = project.try_get("", "user_created_at").unwrap();
        assert_eq!(
            project.try_get::<DateTime<Utc>>("", "created_at").unwrap(),
            user_created_at
        );
        assert_eq!(
            project.try_get::<DateTime<Utc>>("", "updated_at").unwrap(),
            user_created_at
        );
    }
    let members: BTreeSet<(Uuid, Uuid, String)> =
        rows(db, "SELECT project_id, user_id, role FROM project_members")
            .await
            .iter()
            .map(|row| {
                (
                    row.try_get("", "project_id").unwrap(),
                    row.try_get("", "user_id").unwrap(),
                    row.try_get("", "role").unwrap(),
                )
            })
            .collect();
    let expected: BTreeSet<_> = data
        .users
        .iter()
        .map(|&user| (user, user, "OWNER".to_owned()))
        .collect();
    assert_eq!(members, expected);

    // Every task in its owner's Inbox, top-level, unassigned.
    for task in rows(
        db,
        "SELECT user_id, project_id, parent_id, position, assignee_id FROM tasks",
    )
    .await
    {
        assert_eq!(
            task.try_get::<Option<Uuid>>("", "project_id").unwrap(),
            Some(task.try_get::<Uuid>("", "user_id").unwrap())
        );
        assert_eq!(task.try_get::<Option<Uuid>>("", "parent_id").unwrap(), None);
        assert_eq!(task.try_get::<i32>("", "position").unwrap(), 0);
        assert_eq!(
            task.try_get::<Option<Uuid>>("", "assignee_id").unwrap(),
            None
        );
    }

    // One label per account and category whatever its case, named as it first came.
    let mut labels: BTreeMap<Uuid, BTreeMap<String, String>> = data
        .users
        .iter()
        .map(|&user| (user, BTreeMap::new()))
        .collect();
    let mut label_ids = BTreeMap::new();
    for label in rows(db, "SELECT id, user_id, name, name_key, color FROM labels").await {
        let user: Uuid = label.try_get("", "user_id").unwrap();
        let key: String = label.try_get("", "name_key").unwrap();
        assert_eq!(label.try_get::<Option<String>>("", "color").unwrap(), None);
        label_ids.insert(
            label.try_get::<Uuid>("", "id").unwrap(),
            (user, key.clone()),
        );
        let previous = labels
            .get_mut(&user)
            .unwrap()
            .insert(key, label.try_get("", "name").unwrap());
        assert_eq!(previous, None, "two labels with one key");
    }
    assert_eq!(labels, data.labels);

    // Each task with a category carries exactly its label; the category stays.
    let links = rows(db, "SELECT tl.task_id, tl.label_id, t.user_id, t.category FROM task_labels tl JOIN tasks t ON t.id = tl.task_id").await;
    let mut labelled = BTreeSet::new();
    for link in &links {
        let task: Uuid = link.try_get("", "task_id").unwrap();
        let category: Option<String> = link.try_get("", "category").unwrap();
        let (label_user, key) = &label_ids[&link.try_get::<Uuid>("", "label_id").unwrap()];
        assert_eq!(*label_user, link.try_get::<Uuid>("", "user_id").unwrap());
        assert_eq!(Some(key.clone()), category.map(|c| c.to_lowercase()));
        assert!(labelled.insert(task), "a task got two labels");
    }
    let expected: BTreeSet<Uuid> = data
        .categorised
        .iter()
        .filter(|(_, category)| category.is_some())
        .map(|(&task, _)| task)
        .collect();
    assert_eq!(labelled, expected);

    let audit: BTreeMap<Uuid, Option<Uuid>> = rows(db, "SELECT id, project_id FROM audit_entries")
        .await
        .iter()
        .map(|row| {
            (
                row.try_get("", "id").unwrap(),
                row.try_get("", "project_id").unwrap(),
            )
        })
        .collect();
    assert_eq!(audit, data.audit_projects);
}

/// The rows the migrations must not touch, as text, in a stable order.
#[derive(Debug, PartialEq)]
struct Snapshot(BTreeMap<&'static str, Vec<Vec<String>>>);

#[derive(Clone, Copy)]
enum Kind {
    Id,
    Text,
    Time,
    Int,
    Bool,
}

impl Snapshot {
    async fn take(db: &DatabaseConnection) -> Self {
        use Kind::*;
        let tables: [(&str, &[(&str, Kind)]); 3] = [
            (
                "users",
                &[
                    ("id", Id),
                    ("email", Text),
                    ("display_name", Text),
                    ("password_hash", Text),
                    ("created_at", Time),
                    ("updated_at", Time),
                ],
            ),
            (
                "tasks",
                &[
                    ("id", Id),
                    ("user_id", Id),
                    ("title", Text),
                    ("category", Text),
                    ("rrule", Text),
                    ("recurrence_preset", Text),
                    ("recurrence_mode", Text),
                    ("recurrence_anchor", Time),
                    ("due_at", Time),
                    ("occurrence_number", Int),
                    ("completed", Bool),
                    ("series_id", Id),
                    ("parent_task_id", Id),
                    ("created_at", Time),
                    ("updated_at", Time),
                ],
            ),
            (
                "audit_entries",
                &[
                    ("id", Id),
                    ("event_id", Id),
                    ("user_id", Id),
                    ("action", Text),
                    ("entity_type", Text),
                    ("entity_id", Id),
                    ("source", Text),
                    ("at", Time),
                ],
            ),
        ];
        let mut snapshot = BTreeMap::new();
        for (table, columns) in tables {
            let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
            let sql = format!("SELECT {} FROM {table}", names.join(", "));
            let mut texts: Vec<Vec<String>> = rows(db, &sql)
                .await
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .map(|&(column, kind)| cell(row, column, kind))
                        .collect()
                })
                .collect();
            texts.sort();
            snapshot.insert(table, texts);
        }
        Self(snapshot)
    }
}

fn cell(row: &QueryResult, column: &str, kind: Kind) -> String {
    match kind {
        Kind::Id => format!("{:?}", row.try_get::<Option<Uuid>>("", column).unwrap()),
        Kind::Text => format!("{:?}", row.try_get::<Option<String>>("", column).unwrap()),
        Kind::Time => format!(
            "{:?}",
            row.try_get::<Option<DateTime<Utc>>>("", column).unwrap()
        ),
        Kind::Int => format!("{:?}", row.try_get::<Option<i32>>("", column).unwrap()),
        Kind::Bool => format!("{:?}", row.try_get::<Option<bool>>("", column).unwrap()),
    }
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<QueryResult> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
}

async fn insert(db: &DatabaseConnection, table: &str, row: Vec<(&str, Value)>) {
    let (columns, values): (Vec<_>, Vec<_>) = row.into_iter().unzip();
    let statement = Query::insert()
        .into_table(Alias::new(table))
        .columns(columns.into_iter().map(Alias::new))
        .values_panic(values.into_iter().map(Into::into))
        .to_owned();
    db.execute(&statement).await.unwrap();
}
