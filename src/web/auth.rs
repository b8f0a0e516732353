//! Signing in and out.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::second_factor::SessionFactor;
use crate::auth::{MaybeUser, SignInStep, csrf, password, session};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::store::{rate_limits, second_factor as second_factors, sessions, users};
use crate::web::client_ip::ClientIp;
use crate::web::extract::{Form, Query};
use crate::web::forms;
use crate::web::layout::{self, PageContext};
use crate::web::routes::{Routes, safe_return_path};
use crate::web::second_factor;

pub fn routes() -> Routes {
    Routes::new()
        .public("/login", get(show_login).post(submit_login))
        .sign_in_step("/logout", post(submit_logout))
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    page: PageContext,
    email: String,
    next: String,
    error: Option<&'static str>,
    logged_out: bool,
    password_set: bool,
    locked: bool,
    /// `serve --demo`: no role needs a second factor, and the page says so.
    demo_without_second_factor: bool,
    /// The identity providers to sign in through: (slug, name).
    providers: Vec<(String, String)>,
}

impl LoginPage {
    fn new(state: &AppState, csrf_token: String, next: String) -> LoginPage {
        LoginPage {
            page: PageContext::anonymous("Log ind", csrf_token),
            email: String::new(),
            next,
            error: None,
            logged_out: false,
            password_set: false,
            locked: false,
            demo_without_second_factor: state.settings.second_factor.relaxed_for_demo,
            providers: state
                .oidc
                .all()
                .map(|p| (p.config.slug.clone(), p.config.name.clone()))
                .collect(),
        }
    }
}

/// The login page again with one message: a sign-in through a provider that did not succeed.
pub(crate) async fn refused(
    state: &AppState,
    session: &Session,
    next: String,
    message: &'static str,
) -> AppResult<Response> {
    let mut page = LoginPage::new(state, csrf::token(session).await?, next);
    page.error = Some(message);
    layout::render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
    logget_ud: Option<String>,
    adgangskode: Option<String>,
    spaerret: Option<String>,
}

async fn show_login(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
    Query(query): Query<LoginQuery>,
) -> AppResult<Response> {
    let next = safe_return_path(query.next.as_deref());
    if user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let mut page = LoginPage::new(&state, csrf::token(&session).await?, next);
    page.logged_out = query.logget_ud.is_some();
    page.password_set = query.adgangskode.is_some();
    page.locked = query.spaerret.is_some();
    layout::ok(&page)
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// The one message for every failed login: a wrong password, an unknown e-mail, a locked
/// or disabled account all look the same to the person trying.
const LOGIN_FAILED: &str = "E-mail eller adgangskode er forkert, eller kontoen er midlertidigt spærret. Prøv igen, eller kontakt din administrator.";

async fn submit_login(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let next = safe_return_path(Some(&form.next));
    let limits = &state.settings.login;
    if !rate_limits::hit(
        &state.db,
        &format!("login:{ip}"),
        state.settings.rate_limits.login_attempts_per_ip,
        state.settings.rate_limits.window(),
        now,
    )
    .await?
    {
        return Err(AppError::TooManyRequests);
    }
    let email = form.email.trim().to_lowercase();
    // An address with a control character cannot belong to anyone, and NUL would not even
    // reach the database as text.
    let credentials = if email.len() <= 320 && !forms::has_control_characters(&email) {
        users::credentials_by_email(&state.db, &email).await?
    } else {
        None
    };
    // An unknown e-mail, or an account that signs in only through its identity provider, is
    // checked against a dummy hash, so it costs the same as a wrong password.
    let stored_hash = credentials
        .as_ref()
        .and_then(|c| c.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.to_string());
    let password_ok = password::verify(form.password.clone(), stored_hash).await?
        && credentials
            .as_ref()
            .is_some_and(|c| c.password_hash.is_some());

    if let Some(c) = credentials.as_ref() {
        let locked = c.locked_until.is_some_and(|until| until > now);
        if password_ok && c.active && !locked {
            let factor = SessionFactor::after_first_factor(
                false,
                second_factors::is_enrolled(&state.db, c.id).await?,
                state.settings.second_factor.required_for(&c.roles),
            );
            let origin = sessions::Origin::of_request(&ip, &headers);
            let mut tx = state.db.begin().await?;
            if factor.is_pending() {
                // Half way in: the failures are cleared and the login audited only when the
                // second factor is done (web::second_factor).
                session::begin(&session, &mut tx, c.id, &origin, factor, now).await?;
                tx.commit().await?;
                return Ok(Redirect::to(&second_factor::step_url(factor, &next)).into_response());
            }
            // The counters' reset, the server-side session and the audit row: all or nothing.
            users::record_successful_login(&mut *tx, c.id).await?;
            session::begin(&session, &mut tx, c.id, &origin, factor, now).await?;
            audit::record(
                &mut *tx,
                &AuditEvent::new(AuditAction::Login)
                    .by(c.id)
                    .on(ObjectType::User, c.id.0)
                    .in_municipality(c.municipality_id)
                    .in_district(c.police_district_id)
                    .request(&request_id),
                now,
            )
            .await?;
            tx.commit().await?;
            return Ok(Redirect::to(&next).into_response());
        }
        let mut tx = state.db.begin().await?;
        // Attempts during a lock do not extend it, so the lock always ends by itself.
        let action = if locked || !c.active {
            AuditAction::LoginFailed
        } else {
            let outcome = users::record_failed_login(&mut tx, c.id, now, limits.lockout()).await?;
            if outcome.locked {
                AuditAction::LoginLocked
            } else {
                AuditAction::LoginFailed
            }
        };
        audit::record(
            &mut *tx,
            &AuditEvent::new(action)
                .on(ObjectType::User, c.id.0)
                .in_municipality(c.municipality_id)
                .in_district(c.police_district_id)
                .request(&request_id),
            now,
        )
        .await?;
        tx.commit().await?;
    } else {
        audit::record(&state.db, &AuditEvent::new(AuditAction::LoginFailed), now).await?;
    }

    let mut page = LoginPage::new(&state, csrf::token(&session).await?, next);
    page.email = form.email.chars().take(320).collect();
    page.error = Some(LOGIN_FAILED);
    layout::render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn submit_logout(State(state): State<AppState>, current: SignInStep) -> AppResult<Response> {
    let now = state.clock.now();
    let provider = sessions::provider_of(&state.db, current.auth_session_id).await?;
    let mut tx = state.db.begin().await?;
    sessions::revoke(&mut *tx, current.auth_session_id, "logout", now).await?;
    audit::record(&mut *tx, &current.audit(AuditAction::Logout), now).await?;
    tx.commit().await?;
    // flush, not clear: the stored session is deleted and the cookie removed.
    current.session.flush().await?;
    // Signed in through a provider: end the session there too, where it offers that, and come
    // back to our login page.
    let here = format!(
        "{}/login?logget_ud=1",
        state.settings.server.public_url.trim_end_matches('/')
    );
    if let Some((slug, id_token)) = provider {
        if let Some(url) = state.oidc.end_session_url(&slug, &id_token, &here).await {
            return Ok(Redirect::to(&url).into_response());
        }
    }
    Ok(Redirect::to("/login?logget_ud=1").into_response())
}
