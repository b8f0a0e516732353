//! The web layer: one module per area, each owning its routes, and the layers every request
//! passes through (session, user, CSRF, security headers, request id, access log).

pub mod access_log;
pub mod access_request;
pub mod accounts;
pub mod admin;
pub mod alerts;
pub mod auth;
pub mod cases;
pub mod client_ip;
pub mod completion;
pub mod concern_views;
pub mod concerns;
pub mod extract;
pub mod filters;
pub mod forms;
pub mod handover;
pub mod health;
pub mod home;
pub mod intake;
pub mod layout;
pub mod meetings;
pub mod my_account;
pub mod paging;
pub mod plan;
pub mod public;
pub mod routes;
pub mod second_factor;
pub mod sso;
pub mod stats;

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use tracing::Span;

use crate::AppState;
use crate::error::error_page;
pub use routes::{Access, RouteInfo, Routes};

/// Every route of the application, each with its declared access.
pub fn routes() -> Routes {
    Routes::new()
        .merge(health::routes())
        .merge(auth::routes())
        .merge(home::routes())
        .merge(cases::routes())
        .merge(concerns::routes())
        .merge(intake::routes())
        .merge(public::routes())
        .merge(admin::routes())
        .merge(handover::routes())
        .merge(access_request::routes())
        .merge(my_account::routes())
        .merge(second_factor::routes())
        .merge(sso::routes())
        .merge(accounts::routes())
        .merge(access_log::routes())
        .merge(alerts::routes())
        .merge(stats::routes())
        .merge(meetings::routes())
        .merge(plan::routes())
}

/// The route table, for tests that check every route's guard.
pub fn route_table() -> Vec<RouteInfo> {
    routes().into_parts().1
}

pub fn build_app(state: AppState) -> Router {
    let (router, _) = routes().into_parts();
    let https = state.settings.server.is_https();
    let store = PostgresStore::new(state.db.clone());
    let sessions = SessionManagerLayer::new(store)
        .with_name(if https { "__Host-infohus" } else { "infohus" })
        .with_secure(https)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        // The cookie lives as long as the browser; idle and absolute timeouts are enforced
        // on the server against auth_sessions, where a cookie cannot extend them.
        .with_expiry(Expiry::OnSessionEnd);
    let request_id = HeaderName::from_static("x-request-id");

    router
        .layer(middleware::from_fn(crate::auth::csrf::verify))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::session::load_user,
        ))
        .layer(sessions)
        .nest_service(
            "/static",
            ServeDir::new(static_dir()).append_index_html_on_directories(false),
        )
        .fallback(|| async { error_page(StatusCode::NOT_FOUND) })
        .method_not_allowed_fallback(|| async { error_page(StatusCode::METHOD_NOT_ALLOWED) })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            health::unavailable_when_database_is_away,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(make_span)
                        .on_request(())
                        .on_response(on_response)
                        .on_failure(()),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                ))
                // Inside the timeout, around everything that touches the database: a request
                // given up on stops being waited for, never half-way through (`completion`).
                .layer(middleware::from_fn(completion::run_to_completion)),
        )
        .with_state(state)
}

fn static_dir() -> std::path::PathBuf {
    let local = std::path::PathBuf::from("static");
    if local.join("app.css").exists() {
        return local;
    }
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static")
}

/// One span per request with the method, the matched route (never the raw path, which may
/// carry ids) and the request id; the status and latency are added when it ends.
fn make_span(request: &Request) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        request_id = %request_id,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

fn on_response(response: &Response, latency: Duration, span: &Span) {
    span.record("status", response.status().as_u16());
    span.record("latency_ms", latency.as_millis() as u64);
    tracing::info!("done");
}

/// The security headers, on every response including errors and static files. Dynamic pages
/// may carry personal data, so nothing but static files may be stored by a browser or proxy.
async fn security_headers(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A form may lead only here, or (logout after a sign-in through an identity provider) to
    // the provider's logout page: browsers apply form-action to the redirect after a POST.
    let form_action = state.oidc.form_action();
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         form-action 'self'{form_action}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        // Our own pages tell the next page where its link was followed from (the purpose of a
        // look at a case, `domain::lookup`); no other site ever learns an address of ours.
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if state.settings.server.is_https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if is_static {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
    } else {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response.into_response()
}
