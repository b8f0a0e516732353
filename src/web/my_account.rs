//! "Min konto": the signed-in user's own account. They change their password (the current one
//! is required, and every other session ends), and see their active sessions — device, first
//! and last seen, address — and end any of them, which makes its cookie dead at once.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use crate::AppState;
use crate::auth::{CurrentUser, password};
use crate::domain::ids::AuthSessionId;
use crate::domain::policy::Capability;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::{second_factor as second_factors, sessions, users};
use crate::web::extract::{Form, parse_id};
use crate::web::filters;
use crate::web::forms::FieldErrors;
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .requires("/konto", Capability::SignedIn, get(show_account))
        .requires(
            "/konto/adgangskode",
            Capability::SignedIn,
            post(submit_password),
        )
        .requires(
            "/konto/sessioner/{id}/afslut",
            Capability::SignedIn,
            post(submit_end_session),
        )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PasswordForm {
    current_password: String,
    password: String,
    password_repeat: String,
}

struct SessionRow {
    id: String,
    device: String,
    first_seen: OffsetDateTime,
    last_seen: OffsetDateTime,
    address: String,
    this_one: bool,
}

#[derive(Template)]
#[template(path = "my_account.html")]
struct AccountPage {
    page: PageContext,
    name: String,
    email: String,
    roles: String,
    errors: FieldErrors,
    sessions: Vec<SessionRow>,
    /// The account has a password (not only sign-in through an identity provider).
    has_password: bool,
    second_factor: Option<FactorStatus>,
    second_factor_required: bool,
}

/// The user's authenticator app, as "Min konto" tells it.
struct FactorStatus {
    since: OffsetDateTime,
    recovery_codes_left: i64,
}

/// A browser's name from its user agent, in words a person recognises.
fn device(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent else {
        return "Ukendt browser".to_owned();
    };
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(mark, _)| ua.contains(mark))
    .map_or("Anden browser", |(_, name)| name);
    let system = [
        ("Windows", "Windows"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(mark, _)| ua.contains(mark))
    .map(|(_, name)| *name);
    match system {
        Some(s) => format!("{browser} på {s}"),
        None => browser.to_owned(),
    }
}

async fn render(
    state: &AppState,
    current: &CurrentUser,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let settings = &state.settings.session;
    let factor = second_factors::load(&state.db, current.user.id).await?;
    let live = sessions::live_for_user(
        &state.db,
        current.user.id,
        state.clock.now(),
        Duration::minutes(settings.idle_minutes),
        Duration::hours(settings.absolute_hours),
    )
    .await?;
    let page = AccountPage {
        page: PageContext::for_user(current, "Min konto", "/konto").await?,
        name: current.user.name.clone(),
        email: current.user.email.clone(),
        roles: current
            .user
            .roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", "),
        errors,
        sessions: live
            .into_iter()
            .map(|s| SessionRow {
                id: s.id.to_string(),
                device: device(s.user_agent.as_deref()),
                first_seen: s.created_at,
                last_seen: s.last_seen_at,
                address: s.client_ip.unwrap_or_else(|| "ukendt".to_owned()),
                this_one: s.id == current.auth_session_id,
            })
            .collect(),
        has_password: factor.has_password,
        second_factor: factor.confirmed_at.map(|since| FactorStatus {
            since,
            recovery_codes_left: factor.recovery_codes_left,
        }),
        second_factor_required: state
            .settings
            .second_factor
            .required_for(&current.user.roles),
    };
    layout::render(status, &page)
}

async fn show_account(State(state): State<AppState>, current: CurrentUser) -> AppResult<Response> {
    render(&state, &current, FieldErrors::new(), StatusCode::OK).await
}

async fn submit_password(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let user = &current.user;
    let credentials = users::credentials_by_email(&state.db, &user.email)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    // An account that signs in through its identity provider has no password to change here.
    let Some(stored_hash) = credentials.password_hash.clone() else {
        return Err(AppError::NotFound);
    };
    let current_ok = password::verify(form.current_password.clone(), stored_hash).await?;
    if !current_ok {
        // A wrong current password counts like a failed login: it cannot be guessed at leisure
        // from a session left open.
        let mut tx = state.db.begin().await?;
        users::record_failed_login(&mut tx, user.id, now, state.settings.login.lockout()).await?;
        audit::record(
            &mut *tx,
            &current
                .audit(AuditAction::PasswordChangeFailed)
                .on(ObjectType::User, user.id.0)
                .in_municipality(user.municipality_id)
                .in_district(user.police_district_id),
            now,
        )
        .await?;
        tx.commit().await?;
        errors.add("current_password", "Den nuværende adgangskode er forkert.");
    } else if let Err(why) = password::check_strength(&form.password, &user.email, &user.name) {
        errors.add("password", why);
    } else if form.password != form.password_repeat {
        errors.add("password_repeat", "De to adgangskoder er ikke ens.");
    } else if form.password == form.current_password {
        errors.add("password", "Vælg en ny adgangskode, ikke den nuværende.");
    }
    if !errors.is_empty() {
        return render(&state, &current, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let hash = password::hash(form.password).await?;
    let mut tx = state.db.begin().await?;
    users::change_password(&mut tx, user.id, &hash, now).await?;
    let ended = sessions::revoke_others(
        &mut *tx,
        user.id,
        current.auth_session_id,
        "password_changed",
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        &current
            .audit(AuditAction::PasswordChanged)
            .on(ObjectType::User, user.id.0)
            .in_municipality(user.municipality_id)
            .in_district(user.police_district_id),
        now,
    )
    .await?;
    tx.commit().await?;
    // A new cookie for the session that changed it, as at login.
    current.session.cycle_id().await?;
    set_notice(
        &current.session,
        &match ended {
            0 => "Din adgangskode er skiftet.".to_owned(),
            n => format!("Din adgangskode er skiftet, og du er logget ud af {n} andre sessioner."),
        },
    )
    .await?;
    Ok(Redirect::to("/konto").into_response())
}

async fn submit_end_session(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw, AuthSessionId)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !sessions::revoke_own(&mut *tx, current.user.id, id, now).await? {
        // Not theirs, or already ended: nothing to say about a session of someone else.
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut *tx,
        &current
            .audit(AuditAction::SessionEnded)
            .on(ObjectType::User, current.user.id.0)
            .in_municipality(current.user.municipality_id)
            .in_district(current.user.police_district_id),
        now,
    )
    .await?;
    tx.commit().await?;
    if id == current.auth_session_id {
        current.session.flush().await?;
        return Ok(Redirect::to("/login?logget_ud=1").into_response());
    }
    set_notice(&current.session, "Sessionen er afsluttet.").await?;
    Ok(Redirect::to("/konto").into_response())
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn a_user_agent_reads_as_a_browser_on_a_system() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(device(Some(chrome)), "Chrome på Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device(Some(safari)), "Safari på iPhone");
        assert_eq!(device(None), "Ukendt browser");
    }
}
