//! Health checks, headers, route guards.

use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::new().await;
    let mut client = app.client();
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);
}
