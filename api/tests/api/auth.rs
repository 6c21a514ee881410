use serde_json::json;

use crate::helpers::{error_code, error_field, spawn_app};

const ME: &str = "{ me { id email displayName } }";
const LOGIN: &str = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token user { email } } }";
const CREATE_TOKEN: &str = "mutation($name: String!, $scopes: [TokenScope!]!) { createApiToken(name: $name, scopes: $scopes) { token apiToken { id name scopes } } }";
const CREATE_TASK: &str = "mutation { createTask(input: { title: \"From a token\" }) { id } }";

#[tokio::test]
async fn register_then_login_and_me() {
    let app = spawn_app().await;
    let token = app.register("Ada@Example.com").await;
    let me = app.ok(Some(&token), ME, json!({})).await;
    assert_eq!(me["me"]["email"], "ada@example.com");

    // Email case does not matter for sign-in.
    let data = app
        .ok(
            None,
            LOGIN,
            json!({ "email": "ADA@example.COM", "password": "correct horse" }),
        )
        .await;
    let session = data["login"]["token"].as_str().unwrap();
    assert_eq!(
        app.ok(Some(session), ME, json!({})).await["me"]["email"],
        "ada@example.com"
    );
}

#[tokio::test]
async fn emails_are_unique_case_insensitively() {
    let app = spawn_app().await;
    app.register("ada@example.com").await;
    let response = app
        .graphql(
            None,
            "mutation { register(input: { email: \"ADA@EXAMPLE.COM\", password: \"another one\", displayName: \"Ada\" }) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&response), "CONFLICT");
}

#[tokio::test]
async fn registration_validates_its_input() {
    let app = spawn_app().await;
    for (input, field) in [
        (
            json!({ "email": "ada@example.com", "password": "short", "displayName": "Ada" }),
            "input.password",
        ),
        (
            json!({ "email": "not-an-email", "password": "long enough", "displayName": "Ada" }),
            "input.email",
        ),
        (
            json!({ "email": "ada@example.com", "password": "long enough", "displayName": " " }),
            "input.displayName",
        ),
    ] {
        let response = app
            .graphql(
                None,
                "mutation($input: RegisterInput!) { register(input: $input) { token } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT");
        assert_eq!(error_field(&response), field);
    }
    // Nothing was created: the valid registration still works.
    app.register("ada@example.com").await;
}

#[tokio::test]
async fn login_errors_do_not_reveal_whether_the_email_exists() {
    let app = spawn_app().await;
    app.register("ada@example.com").await;
    let wrong_password = app
        .graphql(
            None,
            LOGIN,
            json!({ "email": "ada@example.com", "password": "wrong password" }),
        )
        .await;
    let unknown_email = app
        .graphql(
            None,
            LOGIN,
            json!({ "email": "bob@example.com", "password": "wrong password" }),
        )
        .await;
    assert_eq!(error_code(&wrong_password), "UNAUTHENTICATED");
    assert_eq!(
        wrong_password["errors"][0]["message"],
        unknown_email["errors"][0]["message"]
    );
    assert_eq!(
        wrong_password["errors"][0]["extensions"],
        unknown_email["errors"][0]["extensions"]
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_refused_for_a_while() {
    let app = spawn_app().await;
    app.register("ada@example.com").await;
    for _ in 0..5 {
        let response = app
            .graphql(
                None,
                LOGIN,
                json!({ "email": "ada@example.com", "password": "wrong password" }),
            )
            .await;
        assert_eq!(error_code(&response), "UNAUTHENTICATED");
    }
    // Now even the right password is refused, with a hint when to retry.
    let response = app
        .graphql(
            None,
            LOGIN,
            json!({ "email": "ada@example.com", "password": "correct horse" }),
        )
        .await;
    assert_eq!(error_code(&response), "RATE_LIMITED");
    assert!(
        response["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .unwrap()
            > 0
    );
    // Unknown emails are throttled alike, so the lockout reveals nothing either.
    for _ in 0..5 {
        app.graphql(
            None,
            LOGIN,
            json!({ "email": "nobody@example.com", "password": "wrong password" }),
        )
        .await;
    }
    let response = app
        .graphql(
            None,
            LOGIN,
            json!({ "email": "nobody@example.com", "password": "x" }),
        )
        .await;
    assert_eq!(error_code(&response), "RATE_LIMITED");
}

#[tokio::test]
async fn api_tokens_authenticate_with_their_scope_and_can_be_revoked() {
    let app = spawn_app().await;
    let session = app.register("ada@example.com").await;

    let write = app
        .ok(
            Some(&session),
            CREATE_TOKEN,
            json!({ "name": "agent", "scopes": ["WRITE"] }),
        )
        .await;
    let write_token = write["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(write_token.starts_with("todo_"));
    assert_eq!(
        write["createApiToken"]["apiToken"]["scopes"],
        json!(["READ", "WRITE"])
    );
    app.ok(Some(&write_token), CREATE_TASK, json!({})).await;

    let read = app
        .ok(
            Some(&session),
            CREATE_TOKEN,
            json!({ "name": "dashboard", "scopes": ["READ"] }),
        )
        .await;
    let read_token = read["createApiToken"]["token"].as_str().unwrap().to_owned();
    assert_eq!(app.task_count(&read_token).await, 1);
    let refused = app.graphql(Some(&read_token), CREATE_TASK, json!({})).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    assert_eq!(app.task_count(&read_token).await, 1);

    // A token cannot mint tokens.
    let refused = app
        .graphql(
            Some(&write_token),
            CREATE_TOKEN,
            json!({ "name": "x", "scopes": ["WRITE"] }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");

    // Tokens are listed without their secrets.
    let listed = app
        .ok(
            Some(&session),
            "{ me { apiTokens { name revokedAt } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["me"]["apiTokens"].as_array().unwrap().len(), 2);

    let id = write["createApiToken"]["apiToken"]["id"].as_str().unwrap();
    app.ok(
        Some(&session),
        "mutation($id: ID!) { revokeApiToken(id: $id) }",
        json!({ "id": id }),
    )
    .await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&write_token)
        .json(&json!({ "query": "{ me { id } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn another_users_token_cannot_be_revoked() {
    let app = spawn_app().await;
    let ada = app.register("ada@example.com").await;
    let bob = app.register("bob@example.com").await;
    let issued = app
        .ok(
            Some(&ada),
            CREATE_TOKEN,
            json!({ "name": "agent", "scopes": ["READ"] }),
        )
        .await;
    let id = issued["createApiToken"]["apiToken"]["id"].as_str().unwrap();
    let response = app
        .graphql(
            Some(&bob),
            "mutation($id: ID!) { revokeApiToken(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&response), "NOT_FOUND");
    let token = issued["createApiToken"]["token"].as_str().unwrap();
    assert_eq!(app.task_count(token).await, 0);
}

#[tokio::test]
async fn requests_without_valid_credentials_are_refused() {
    let app = spawn_app().await;
    let anonymous = app.graphql(None, ME, json!({})).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");

    for header in [
        "Bearer not-a-token",
        "Bearer todo_forged",
        "Basic YWRhOnB3",
        "Bearer ",
    ] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("authorization", header)
            .json(&json!({ "query": ME }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{header}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn expired_and_forged_session_tokens_are_refused() {
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;
    let me = app.ok(Some(&token), "{ me { id } }", json!({})).await;
    let user_id = me["me"]["id"].as_str().unwrap();
    let now = chrono::Utc::now().timestamp();
    let sign = |secret: &[u8], exp: i64| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &json!({ "sub": user_id, "iss": "todo-api", "iat": now - 7200, "exp": exp }),
            &jsonwebtoken::EncodingKey::from_secret(secret),
        )
        .unwrap()
    };
    let secret = b"integration-test-secret-of-32-bytes!";
    // The same claims, still valid, pass: the refusals below are about expiry and key.
    let valid = sign(secret, now + 60);
    assert_eq!(
        app.ok(Some(&valid), "{ me { id } }", json!({})).await["me"]["id"],
        user_id
    );
    for refused in [
        sign(secret, now - 60),
        sign(b"another-secret-that-is-32-bytes-long", now + 60),
    ] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&refused)
            .json(&json!({ "query": "{ me { id } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
}
