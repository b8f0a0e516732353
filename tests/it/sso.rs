//! Single sign-on, the parts that need no provider to answer: the login page offers the
//! configured providers, an unknown one is not found, a provider that is down gives a Danish
//! message and an audited failure, and an answer without a login begun in this browser is
//! refused. The whole flow against a real provider is in tests/browser/scenarios/sso.mjs.

use axum::http::StatusCode;
use infohus::config::OidcProvider;

use crate::support::TestApp;

/// A port where nothing listens: bound and dropped.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

async fn app_with_provider_down() -> (TestApp, String) {
    let issuer = format!("http://127.0.0.1:{}", closed_port());
    let provider: OidcProvider = serde_json::from_value(serde_json::json!({
        "slug": "randers-entra",
        "name": "Randers Kommune",
        "issuer": issuer,
        "client_id": "infohus",
        "client_secret": "hemmelig",
    }))
    .expect("provider");
    let app = TestApp::with_settings(|s| s.oidc.providers = vec![provider]).await;
    (app, issuer)
}

async fn failed_sso_reasons(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "select detail->>'reason' from audit_events
         where action = 'login_failed' and detail->>'method' = 'sso' order by occurred_at",
    )
    .fetch_all(&app.db)
    .await
    .expect("audit")
}

#[tokio::test]
async fn the_login_page_offers_the_providers_and_the_policy_lets_forms_lead_there() {
    let (app, issuer) = app_with_provider_down().await;
    let mut client = app.client();
    let page = client.get("/login?next=%2Fsager").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(
            "href=\"/login/sso/randers-entra?next=%2Fsager\">Log ind med Randers Kommune</a>"
        ),
        "{}",
        page.body
    );
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains(&format!("form-action 'self' {issuer};")),
        "{csp}"
    );
}

#[tokio::test]
async fn a_provider_that_is_down_or_unknown_gives_a_danish_answer() {
    let (app, _) = app_with_provider_down().await;
    let mut client = app.client();
    assert_eq!(
        client.get("/login/sso/ukendt").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client
            .get("/login/sso/ukendt/callback?code=a&state=b")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = client.get("/login/sso/randers-entra?next=%2Fsager").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("svarer ikke lige nu"));
    assert_eq!(failed_sso_reasons(&app).await, vec!["provider_unavailable"]);
    assert_eq!(app.audit_count("login").await, 0);
}

#[tokio::test]
async fn an_answer_without_a_login_begun_here_is_refused() {
    let (app, _) = app_with_provider_down().await;
    let mut client = app.client();
    for query in [
        "?code=abc&state=forged",
        "?error=access_denied",
        "",
        "?code=%00&state=%FF",
    ] {
        let r = client
            .get(&format!("/login/sso/randers-entra/callback{query}"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(r.body.contains("Du blev ikke logget ind"));
    }
    assert_eq!(failed_sso_reasons(&app).await, vec!["state"; 4]);
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(users, 0, "nothing is created");
}
