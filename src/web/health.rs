//! Liveness and readiness for load balancers and orchestrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::AppState;
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .public("/healthz", get(healthz))
        .public("/readyz", get(readyz))
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match sqlx::query_scalar!(r#"select 1 as "one!""#)
        .fetch_one(&state.db)
        .await
    {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Layers outside our handlers (the session store) answer a database failure with a bare 500.
/// When the database is indeed away, say so: a 503 with the Danish page and Retry-After.
pub async fn unavailable_when_database_is_away(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let probe = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        sqlx::query_scalar!(r#"select 1 as "one!""#).fetch_one(&state.db),
    )
    .await;
    match probe {
        Ok(Ok(_)) => response,
        _ => crate::error::error_page(StatusCode::SERVICE_UNAVAILABLE),
    }
}
