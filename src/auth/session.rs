//! Who is asking: the session layer's user, checked against our own table of authenticated
//! sessions on every request, and the extractors handlers use.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use time::Duration;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::second_factor::SessionFactor;
use crate::domain::ids::AuthSessionId;
use crate::error::AppError;
use crate::store::{self, users::User};

const KEY: &str = "auth";

/// The signed-in user of this request, with what every page and audit row needs.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    /// Unread alerts, counted to 100: the number on "Beskeder" in the header.
    pub unread_alerts: i64,
    pub auth_session_id: AuthSessionId,
    pub request_id: String,
    /// The path and query of the page the request's link was followed from (the same-origin
    /// `Referer`): the purpose of a look at a case ([`crate::domain::lookup::Lookup`]).
    pub came_from: Option<String>,
    pub session: Session,
}

impl CurrentUser {
    pub async fn csrf_token(&self) -> Result<String, AppError> {
        super::csrf::token(&self.session).await
    }

    /// The audit row of an action by this user in this request; the caller adds what it was
    /// done to.
    pub fn audit(
        &self,
        action: crate::store::audit::AuditAction,
    ) -> crate::store::audit::AuditEvent {
        crate::store::audit::AuditEvent::new(action)
            .by(self.user.id)
            .request(&self.request_id)
    }
}

/// Set by [`load_user`] on every request; `None` for anonymous visitors, and for a session
/// whose second factor is still to come.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

/// Any live session, signed in or still on its way in: what the second-factor pages and logout
/// work with. Set by [`load_user`] beside [`MaybeUser`].
#[derive(Debug, Clone)]
pub struct SignInStep {
    pub user: User,
    pub factor: SessionFactor,
    pub auth_session_id: AuthSessionId,
    pub request_id: String,
    pub session: Session,
}

impl SignInStep {
    pub async fn csrf_token(&self) -> Result<String, AppError> {
        super::csrf::token(&self.session).await
    }

    pub fn audit(
        &self,
        action: crate::store::audit::AuditAction,
    ) -> crate::store::audit::AuditEvent {
        crate::store::audit::AuditEvent::new(action)
            .by(self.user.id)
            .on(crate::store::audit::ObjectType::User, self.user.id.0)
            .in_municipality(self.user.municipality_id)
            .in_district(self.user.police_district_id)
            .request(&self.request_id)
    }
}

/// Resolves the session to a user, enforcing revocation and the idle and absolute timeouts
/// here on the server, whatever the cookie says.
pub async fn load_user(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let came_from = request
        .headers()
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::domain::lookup::referer_path);
    let mut current = None;
    let mut step = None;
    if let Some(id) = session.get::<AuthSessionId>(KEY).await? {
        let now = state.clock.now();
        let settings = &state.settings.session;
        match store::sessions::touch(
            &state.db,
            id,
            now,
            Duration::minutes(settings.idle_minutes),
            Duration::hours(settings.absolute_hours),
        )
        .await?
        {
            Some(touched) => {
                step = Some(SignInStep {
                    user: touched.user.clone(),
                    factor: touched.factor,
                    auth_session_id: id,
                    request_id: request_id.clone(),
                    session: session.clone(),
                });
                // Until the second factor is done, every page treats the session as anonymous.
                if !touched.factor.is_pending() {
                    current = Some(CurrentUser {
                        user: touched.user,
                        unread_alerts: touched.unread_alerts,
                        auth_session_id: id,
                        request_id: request_id.clone(),
                        came_from,
                        session: session.clone(),
                    });
                }
            }
            None => {
                // Expired or revoked: make sure it stays dead, and forget it in this browser.
                store::sessions::revoke(&state.db, id, "expired", now).await?;
                session.flush().await?;
            }
        }
    }
    request.extensions_mut().insert(MaybeUser(current));
    if let Some(step) = step {
        request.extensions_mut().insert(step);
    }
    Ok(next.run(request).await)
}

/// Starts an authenticated session: a new session id (no fixation), a new CSRF token.
pub async fn begin(
    session: &Session,
    db: &mut sqlx::PgConnection,
    user: crate::domain::ids::UserId,
    origin: &store::sessions::Origin,
    factor: SessionFactor,
    now: time::OffsetDateTime,
) -> Result<AuthSessionId, AppError> {
    session.cycle_id().await?;
    // The cookie lives as long as the browser; the idle and absolute timeouts are enforced on
    // the server against auth_sessions.
    session.set_expiry(Some(tower_sessions::Expiry::OnSessionEnd));
    let id = AuthSessionId::new();
    store::sessions::create(&mut *db, id, user, origin, factor, now).await?;
    session.insert(KEY, id).await?;
    super::csrf::renew(session).await?;
    Ok(id)
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<MaybeUser>()
            .cloned()
            .unwrap_or(MaybeUser(None)))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    /// The route guard has already sent anonymous visitors to the login page; reaching a
    /// handler without a user means a route was mounted without a guard, so refuse.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        MaybeUser::from_request_parts(parts, state)
            .await?
            .0
            .ok_or(AppError::Forbidden)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignInStep {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SignInStep>()
            .cloned()
            .ok_or(AppError::Forbidden)
    }
}
