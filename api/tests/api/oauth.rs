//! OAuth for agents that connect by URL (issue 31): dynamic client registration (RFC
//! 7591), the authorization request and the consent's answer, the token endpoint with
//! PKCE, rotating refresh tokens and single-use codes, tokens bound to the MCP server
//! (RFC 8707), revocation, and what the audit trail says. Every rule has its refusal
//! tested.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::helpers::{TestApp, error_code, eventually, spawn_app};

/// The MCP server's URL as the test apps are configured: the resource tokens are for.
const MCP_URL: &str = "http://127.0.0.1:8081/mcp";
/// The API's public URL as the test apps are configured: the issuer.
const ISSUER: &str = "http://127.0.0.1:8080";
const REDIRECT_URI: &str = "http://127.0.0.1:43110/callback";
/// RFC 7636, appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn register(app: &TestApp, body: Value) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/oauth/register"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.json().await.unwrap())
}

#[tokio::test]
async fn a_public_client_registers_with_https_or_loopback_redirect_uris() {
    let app = spawn_app().await;
    let (status, headers, client) = register(
        &app,
        json!({
            "client_name": "Claude",
            "redirect_uris": ["https://claude.ai/api/mcp/auth_callback", "http://127.0.0.1:33418/cb"],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": "tasks:read tasks:write"
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(uuid::Uuid::parse_str(client["client_id"].as_str().unwrap()).is_ok());
    assert_eq!(client["client_name"], "Claude");
    assert_eq!(client["token_endpoint_auth_method"], "none");
    assert_eq!(
        client["redirect_uris"],
        json!([
            "https://claude.ai/api/mcp/auth_callback",
            "http://127.0.0.1:33418/cb"
        ])
    );

    for (body, error) in [
        (
            json!({ "redirect_uris": ["http://evil.example/cb"] }),
            "invalid_redirect_uri",
        ),
        (
            json!({ "redirect_uris": ["https://a.example/cb#x"] }),
            "invalid_redirect_uri",
        ),
        (json!({ "client_name": "No URIs" }), "invalid_redirect_uri"),
        (
            json!({ "redirect_uris": ["https://a.example/cb"], "token_endpoint_auth_method": "client_secret_post" }),
            "invalid_client_metadata",
        ),
        (
            json!({ "redirect_uris": ["https://a.example/cb"], "grant_types": ["implicit"] }),
            "invalid_client_metadata",
        ),
        (json!(["not", "an", "object"]), "invalid_client_metadata"),
    ] {
        let (status, _, answer) = register(&app, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer["error"], error, "{body}: {answer}");
        assert!(
            answer["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    }
}

#[tokio::test]
async fn registrations_are_rate_limited() {
    let app = spawn_app().await;
    let body = json!({ "client_name": "Loop", "redirect_uris": ["http://127.0.0.1:9/cb"] });
    for _ in 0..30 {
        assert_eq!(register(&app, body.clone()).await.0, StatusCode::CREATED);
    }
    let (status, headers, answer) = register(&app, body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer["error"], "temporarily_unavailable");
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
}

/// A client that follows no redirects, to read them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn register_agent(app: &TestApp, name: &str) -> String {
    let (status, _, client) = register(
        app,
        json!({ "client_name": name, "redirect_uris": [REDIRECT_URI] }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    client["client_id"].as_str().unwrap().to_owned()
}

/// An authorization request's query, with these parameters replaced or (with `None`)
/// left out.
fn authorization_query(client_id: &str, changes: &[(&str, Option<&str>)]) -> String {
    let mut params = vec![
        ("response_type", Some("code")),
        ("client_id", Some(client_id)),
        ("redirect_uri", Some(REDIRECT_URI)),
        ("scope", Some("tasks:read tasks:write")),
        ("state", Some("xyz-state")),
        ("code_challenge", Some(CHALLENGE)),
        ("code_challenge_method", Some("S256")),
        ("resource", Some(MCP_URL)),
    ];
    for (name, value) in changes {
        match params.iter_mut().find(|(n, _)| n == name) {
            Some(param) => param.1 = *value,
            None => params.push((name, *value)),
        }
    }
    let present: Vec<(&str, &str)> = params
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect();
    serde_urlencoded::to_string(present).unwrap()
}

/// GET /oauth/authorize: its status and where it sends the browser.
async fn authorize(app: &TestApp, query: &str) -> (StatusCode, Option<String>, String) {
    let response = browser()
        .get(app.url(&format!("/oauth/authorize?{query}")))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|value| value.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

/// The query parameters of a redirect URL.
fn params_of(url: &str) -> std::collections::HashMap<String, String> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

const ANSWER: &str = "mutation($query: String!, $allow: Boolean!) { answerAgentAuthorization(query: $query, allow: $allow) }";

/// The person (signed in with `session`) allows the request: the code it gives.
async fn consent(app: &TestApp, session: &str, query: &str) -> String {
    let data = app
        .ok(
            Some(session),
            ANSWER,
            json!({ "query": query, "allow": true }),
        )
        .await;
    let to = data["answerAgentAuthorization"].as_str().unwrap();
    assert!(to.starts_with(REDIRECT_URI), "{to}");
    let params = params_of(to);
    assert_eq!(params["state"], "xyz-state");
    assert_eq!(params["iss"], ISSUER);
    params["code"].clone()
}

async fn token(app: &TestApp, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_eq!(response.headers()["cache-control"], "no-store");
    (status, response.json().await.unwrap())
}

async fn redeem(app: &TestApp, client_id: &str, code: &str) -> (StatusCode, Value) {
    token(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", client_id),
            ("code_verifier", VERIFIER),
            ("resource", MCP_URL),
        ],
    )
    .await
}

async fn refresh(app: &TestApp, client_id: &str, refresh_token: &str) -> (StatusCode, Value) {
    token(
        app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", client_id),
            ("resource", MCP_URL),
        ],
    )
    .await
}

/// Consent and exchange: the token response of a fresh grant.
async fn connect(app: &TestApp, session: &str, client_id: &str) -> Value {
    let code = consent(app, session, &authorization_query(client_id, &[])).await;
    let (status, tokens) = redeem(app, client_id, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens
}

/// A GraphQL request as the MCP server forwards it: the agent's token and, when given,
/// the resource the server names itself as.
async fn as_agent(
    app: &TestApp,
    access_token: &str,
    resource: Option<&str>,
    query: &str,
    variables: Value,
) -> (StatusCode, Value) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(access_token)
        .header("x-todo-source", "mcp")
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(resource) = resource {
        request = request.header("x-todo-resource", resource);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn me_as_agent(app: &TestApp, access_token: &str) -> StatusCode {
    as_agent(app, access_token, Some(MCP_URL), "{ me { id } }", json!({}))
        .await
        .0
}

const GRANTS: &str = "{ me { agentGrants { id clientName scopes createdAt lastUsedAt } } }";

#[tokio::test]
async fn the_authorization_server_describes_itself() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/.well-known/oauth-authorization-server"))
        .header("origin", "https://inspector.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // Browser-based agents read it, and register and get tokens, from their own origin.
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/oauth/token"))
        .header("origin", "https://inspector.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let metadata: Value = response.json().await.unwrap();
    assert_eq!(metadata["issuer"], ISSUER);
    assert_eq!(
        metadata["authorization_endpoint"],
        format!("{ISSUER}/oauth/authorize")
    );
    assert_eq!(metadata["token_endpoint"], format!("{ISSUER}/oauth/token"));
    assert_eq!(
        metadata["registration_endpoint"],
        format!("{ISSUER}/oauth/register")
    );
    assert_eq!(
        metadata["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert_eq!(metadata["response_types_supported"], json!(["code"]));
    assert_eq!(
        metadata["grant_types_supported"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        metadata["token_endpoint_auth_methods_supported"],
        json!(["none"])
    );
    assert_eq!(
        metadata["scopes_supported"],
        json!(["tasks:read", "tasks:write"])
    );
}

#[tokio::test]
async fn an_agent_connects_with_consent_acts_for_the_person_and_is_named_in_the_audit() {
    let app = spawn_app().await;
    let session = app.register("ada@example.com").await;
    let client_id = register_agent(&app, "Claude").await;
    let query = authorization_query(&client_id, &[]);

    // The authorization endpoint hands the request, as it came, to the consent page.
    let (status, location, _) = authorize(&app, &query).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some(format!("/authorize?{query}").as_str())
    );
    let asked = app
        .ok(
            Some(&session),
            "query($query: String!) { agentAuthorization(query: $query) { clientName redirectHost redirectUri scopes resource } }",
            json!({ "query": query }),
        )
        .await;
    assert_eq!(
        asked["agentAuthorization"],
        json!({
            "clientName": "Claude",
            "redirectHost": "127.0.0.1:43110",
            "redirectUri": REDIRECT_URI,
            "scopes": ["READ", "WRITE"],
            "resource": MCP_URL,
        })
    );

    let tokens = connect(&app, &session, &client_id).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    assert_eq!(tokens["scope"], "tasks:read tasks:write");
    let access = tokens["access_token"].as_str().unwrap();
    assert!(access.starts_with("agent_"), "{access}");

    // Forwarded by the MCP server it was issued for, the token acts for the person.
    let (status, created) = as_agent(
        &app,
        access,
        Some(MCP_URL),
        "mutation { createTask(input: { title: \"Written by an agent\" }) { id } }",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let task_id = created["data"]["createTask"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A trailing slash is the same resource.
    assert_eq!(
        as_agent(
            &app,
            access,
            Some(&format!("{MCP_URL}/")),
            "{ me { id } }",
            json!({})
        )
        .await
        .0,
        StatusCode::OK
    );
    // Anywhere else it is refused: used directly, or forwarded by another server.
    for resource in [None, Some("http://127.0.0.1:9999/mcp")] {
        let (status, answer) = as_agent(&app, access, resource, "{ me { id } }", json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{resource:?}: {answer}");
    }
    // A token cannot manage credentials, nor grant agents access.
    let (_, minted) = as_agent(
        &app,
        access,
        Some(MCP_URL),
        "mutation { createApiToken(name: \"more\", scopes: [WRITE]) { token } }",
        json!({}),
    )
    .await;
    assert_eq!(error_code(&minted), "FORBIDDEN", "{minted}");
    let (_, answered) = as_agent(
        &app,
        access,
        Some(MCP_URL),
        ANSWER,
        json!({ "query": authorization_query(&client_id, &[]), "allow": true }),
    )
    .await;
    assert_eq!(error_code(&answered), "FORBIDDEN", "{answered}");

    // The change is the agent's, by name.
    let history = eventually(std::time::Duration::from_secs(10), || async {
        let data = app
            .ok(
                Some(&session),
                "query($id: ID!) { task(id: $id) { history { edges { node { action source agent } } } } }",
                json!({ "id": task_id }),
            )
            .await;
        let edges = data["task"]["history"]["edges"].clone();
        (edges.as_array().is_some_and(|e| !e.is_empty())).then_some(edges)
    })
    .await;
    assert_eq!(
        history[0]["node"],
        json!({ "action": "CREATE", "source": "MCP", "agent": "Claude" })
    );

    let grants = app.ok(Some(&session), GRANTS, json!({})).await;
    let grant = &grants["me"]["agentGrants"][0];
    assert_eq!(grant["clientName"], "Claude");
    assert_eq!(grant["scopes"], json!(["READ", "WRITE"]));
    assert!(grant["lastUsedAt"].is_string(), "{grant}");
}

#[tokio::test]
async fn a_read_scope_grant_reads_and_cannot_write() {
    let app = spawn_app().await;
    let session = app.register("ada@example.com").await;
    let client_id = register_agent(&app, "Reader").await;
    let query = authorization_query(&client_id, &[("scope", Some("tasks:read"))]);
    let code = consent(&app, &session, &query).await;
    let (status, tokens) = redeem(&app, &client_id, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["scope"], "tasks:read");
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(me_as_agent(&app, access).await, StatusCode::OK);
    let (_, refused) = as_agent(
        &app,
        access,
        Some(MCP_URL),
        "mutation { createTask(input: { title: \"No\" }) { id } }",
        json!({}),
    )
    .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    // A refresh cannot widen it.
    let (status, widened) = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ("client_id", &client_id),
            ("scope", "tasks:write"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(widened["error"], "invalid_scope");
}

#[tokio::test]
async fn authorization_requests_are_refused_before_anyone_is_asked() {
    let app = spawn_app().await;
    let session = app.register("ada@example.com").await;
    let client_id = register_agent(&app, "Claude").await;

    // No trustworthy place to answer: a page says why, and nothing is redirected.
    for changes in [
        vec![("client_id", Some("00000000-0000-7000-8000-000000000000"))],
        vec![("client_id", Some("not-a-uuid"))],
        vec![("client_id", None)],
        vec![("redirect_uri", Some("https://evil.example/callback"))],
        // Exact matching: not even another port or path on the same host.
        vec![("redirect_uri", Some("http://127.0.0.1:43111/callback"))],
        vec![("redirect_uri", Some("http://127.0.0.1:43110/callback/"))],
        vec![("redirect_uri", None)],
    ] {
        let query = authorization_query(&client_id, &changes);
        let (status, location, page) = authorize(&app, &query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{changes:?}");
        assert_eq!(location, None, "{changes:?}");
        assert!(page.contains("This agent cannot connect"), "{page}");
        let asked = app
            .graphql(
                Some(&session),
                "query($query: String!) { agentAuthorization(query: $query) { clientName } }",
                json!({ "query": query }),
            )
            .await;
        assert_eq!(error_code(&asked), "BAD_USER_INPUT", "{changes:?}: {asked}");
    }

    // The rest goes back to the client, with its error and the state.
    for (changes, error) in [
        (
            vec![("code_challenge_method", Some("plain"))],
            "invalid_request",
        ),
        (vec![("code_challenge_method", None)], "invalid_request"),
        (vec![("code_challenge", None)], "invalid_request"),
        (
            vec![("response_type", Some("token"))],
            "unsupported_response_type",
        ),
        (
            vec![("resource", Some("https://elsewhere.example/mcp"))],
            "invalid_target",
        ),
        (vec![("scope", Some("tasks:read admin"))], "invalid_scope"),
    ] {
        let (status, location, _) =
            authorize(&app, &authorization_query(&client_id, &changes)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{changes:?}");
        let location = location.unwrap();
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        let params = params_of(&location);
        assert_eq!(params["error"], error, "{changes:?}");
        assert_eq!(params["state"], "xyz-state");
        assert_eq!(params["iss"], ISSUER);
    }

    // "Deny" sends access_denied back, with the state.
    let query = authorization_query(&client_id, &[]);
    let denied = app
        .ok(
            Some(&session),
            ANSWER,
            json!({ "query": query, "allow": false }),
        )
        .await;
    let params = params_of(denied["answerAgentAuthorization"].as_str().unwrap());
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], "xyz-state");
    assert!(!params.contains_key("code"));

    // Only a signed-in person answers: not an API token, and not anonymously.
    let api_token = app
        .ok(
            Some(&session),
            "mutation { createApiToken(name: \"script\", scopes: [WRITE]) { token } }",
            json!({}),
        )
        .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let answered = app
        .graphql(
            Some(&api_token),
            ANSWER,
            json!({ "query": query, "allow": true }),
        )
        .await;
    assert_eq!(error_code(&answered), "FORBIDDEN", "{answered}");
    let answered = app
        .graphql(None, ANSWER, json!({ "query": query, "allow": true }))
        .await;
    assert_eq!(error_code(&answered), "UNAUTHENTICATED", "{answered}");
}

#[tokio::test]
async fn a_code_is_redeemed_once_by_its_client_with_its_verifier_redirect_and_resource() {
    let app = spawn_app().await;
    let session = app.register("ada@example.com").await;
    let client_id = register_agent(&app, "Claude").await;
    let other_client = register_agent(&app, "Other").await;
    let code = consent(&app, &session, &authorization_query(&client_id, &[])).await;
    let wrong_verifier = URL_SAFE_NO_PAD.encode(Sha256::digest(b"not the verifier"));

    for (form, status, error) in [
        (
            vec![("code_verifier", wrong_verifier.as_str())],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        (
            vec![("code_verifier", "")],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        (
            vec![("redirect_uri", "http://127.0.0.1:43111/callback")],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        (
            vec![("client_id", other_client.as_str())],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        (
            vec![("client_id", "00000000-0000-7000-8000-000000000000")],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            vec![("resource", "https://elsewhere.example/mcp")],
            StatusCode::BAD_REQUEST,
            "invalid_target",
        ),
        (
            vec![("code", "not-a-code")],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        (
            vec![("grant_type", "password")],
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
    ] {
        let mut fields = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", client_id.as_str()),
            ("code_verifier", VERIFIER),
            ("resource", MCP_URL),
        ];
        for (name, value) in &form {
            fields.iter_mut().find(|(n, _)| n == name).unwrap().1 = value;
        }
        let (got, answer) = token(&app, &fields).await;
        assert_eq!(got, status, "{form:?}: {answer}");
        assert_eq!(answer["error"], error, "{form:?}: {answer}");
    }

    // None of those used the code up.
    let (status, first) = redeem(&app, &client_id, &code).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(me_as_agent(&app, access).await, StatusCode::OK);

    // Its second use is refused, and revokes what the first gave.
    let (status, again) = redeem(&app, &client_id, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(again["error"], "invalid_grant");
    assert_eq!(me_as_agent(&app, access).await, StatusCode::UNAUTHORIZED);
    let (_, refreshed) = refresh(&app, &client_id, first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed["error"], "invalid_grant");
    let grants = app.ok(Some(&session), GRANTS, json!({})).await;
    assert_eq!(grants["me"]["agentGrants"], json!([]));
}

#[tokio::test]
async fn a_code_expires_after_a_minute() {
    let app = spawn_app().await;
    let session = app.register("ada@example.com").await;
    let client_id = register_agent(&app, "Claude").await;
    let code = consent(&app, &session, &authorization_query(&client_id, &[])).await;
    set_all(
        &app,
        "oauth_codes",
        "expires_at",
        chrono::Utc::now() - chrono::Duration::seconds(1),
    )
    .await;
    let (status, answer) = redeem(&app, &client_id, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"], "invalid_grant");
    assert!(
        answer["error_description"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{answer}"
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_grant() {
    let app = spawn_app().await;
    let session = app.register("ada@example.com").await;
    let client_id = register_agent(&app, "Claude").await;
    let first = connect(&app, &session, &client_id).await;
    let first_refresh = first["refresh_token"].as_str().unwrap();

    let (status, second) = refresh(&app, &client_id, first_refresh).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let second_refresh = second["refresh_token"].as_str().unwrap();
    assert_ne!(second_refresh, first_refresh);
    let second_access = second["access_token"].as_str().unwrap();
    assert_eq!(me_as_agent(&app, second_access).await, StatusCode::OK);

    // Another client cannot use it.
    let other_client = register_agent(&app, "Other").await;
    let (_, stolen) = refresh(&app, &other_client, second_refresh).await;
    assert_eq!(stolen["error"], "invalid_grant");

    // The rotated-away token comes back: it leaked, so the grant ends.
    let (status, reused) = refresh(&app, &client_id, first_refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(reused["error"], "invalid_grant");
    assert_eq!(
        me_as_agent(&app, second_access).await,
        StatusCode::UNAUTHORIZED
    );
    let (_, current) = refresh(&app, &client_id, second_refresh).await;
    assert_eq!(current["error"], "invalid_grant", "{current}");
}

#[tokio::test]
async fn revoking_a_grant_or_an_expired_token_ends_access_at_once() {
    let app = spawn_app().await;
    let session = app.register("ada@example.com").await;
    let stranger = app.register("eve@example.com").await;
    let client_id = register_agent(&app, "Claude").await;
    let revoked = connect(&app, &session, &client_id).await;
    let kept = connect(&app, &session, &client_id).await;
    let grants = app.ok(Some(&session), GRANTS, json!({})).await;
    let grants = grants["me"]["agentGrants"].as_array().unwrap().clone();
    assert_eq!(grants.len(), 2);
    // Newest first: the second consent's grant heads the list.
    let revoked_id = grants[1]["id"].as_str().unwrap();

    const REVOKE: &str = "mutation($id: ID!) { revokeAgentGrant(id: $id) }";
    // Not by someone else, nor by the agent itself.
    let other = app
        .graphql(Some(&stranger), REVOKE, json!({ "id": revoked_id }))
        .await;
    assert_eq!(error_code(&other), "NOT_FOUND", "{other}");
    let (_, by_agent) = as_agent(
        &app,
        revoked["access_token"].as_str().unwrap(),
        Some(MCP_URL),
        REVOKE,
        json!({ "id": revoked_id }),
    )
    .await;
    assert_eq!(error_code(&by_agent), "FORBIDDEN", "{by_agent}");

    app.ok(Some(&session), REVOKE, json!({ "id": revoked_id }))
        .await;
    let access = revoked["access_token"].as_str().unwrap();
    assert_eq!(me_as_agent(&app, access).await, StatusCode::UNAUTHORIZED);
    let (_, refreshed) =
        refresh(&app, &client_id, revoked["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed["error"], "invalid_grant");
    let again = app
        .graphql(Some(&session), REVOKE, json!({ "id": revoked_id }))
        .await;
    assert_eq!(error_code(&again), "NOT_FOUND");

    // The other grant is untouched until its access token expires; its refresh goes on.
    let kept_access = kept["access_token"].as_str().unwrap();
    assert_eq!(me_as_agent(&app, kept_access).await, StatusCode::OK);
    set_all(
        &app,
        "oauth_tokens",
        "expires_at",
        chrono::Utc::now() - chrono::Duration::seconds(1),
    )
    .await;
    assert_eq!(
        me_as_agent(&app, kept_access).await,
        StatusCode::UNAUTHORIZED
    );
    let (status, renewed) =
        refresh(&app, &client_id, kept["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let renewed_access = renewed["access_token"].as_str().unwrap();
    assert_eq!(me_as_agent(&app, renewed_access).await, StatusCode::OK);

    // The retention job forgets the two expired tokens, and nothing that still works.
    let purged = app
        .services
        .oauth
        .purge_expired(chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(purged, 2);
    assert_eq!(me_as_agent(&app, renewed_access).await, StatusCode::OK);
}

/// Sets a column of every row of a table, the way time would.
async fn set_all(app: &TestApp, table: &str, column: &str, value: chrono::DateTime<chrono::Utc>) {
    use sea_orm::{ConnectionTrait as _, DbBackend, Statement};

    let db = app.services.db.writer();
    let backend = db.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("UPDATE {table} SET {column} = {placeholder}"),
        [value.into()],
    ))
    .await
    .unwrap();
}
