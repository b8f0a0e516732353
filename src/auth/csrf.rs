//! CSRF protection: one token per session, in a hidden field of every form, checked by one layer
//! for every state-changing request before any handler runs.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::RngCore;
use subtle::ConstantTimeEq;
use tower_sessions::{Expiry, Session};

use crate::error::AppError;

const KEY: &str = "csrf";
pub const FIELD: &str = "csrf_token";
/// Forms are small; the largest legitimate one (a concern with long free text) stays far below.
pub const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;

/// How long a session that never signs in is kept: long enough to fill in the citizen's form
/// or sign in, short enough that a visitor who only looked leaves no stored row for weeks.
pub const ANONYMOUS_LIFETIME: time::Duration = time::Duration::hours(2);

/// The session's token, created on first use. A session gets its first token on its first
/// form, before anyone has signed in, so it starts with the short anonymous lifetime; signing
/// in (`session::begin`) gives it the browser-session lifetime that the server-side timeouts
/// bound.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session.get::<String>(KEY).await? {
        return Ok(t);
    }
    session.set_expiry(Some(Expiry::OnInactivity(ANONYMOUS_LIFETIME)));
    renew(session).await
}

/// A fresh token, e.g. at login, so a token seen before login is worthless after it.
pub async fn renew(session: &Session) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let t = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    session.insert(KEY, &t).await?;
    Ok(t)
}

/// Refuses a state-changing request whose form lacks the session's token.
pub async fn verify(session: Session, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return AppError::BadRequest.into_response();
    };
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned());
    let expected = session.get::<String>(KEY).await.ok().flatten();
    let valid = match (sent, expected) {
        (Some(s), Some(e)) => !e.is_empty() && bool::from(s.as_bytes().ct_eq(e.as_bytes())),
        _ => false,
    };
    if !valid {
        return AppError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
