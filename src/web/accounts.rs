//! Taking over an account: the user sets their own password on a one-time link, and a second
//! person approves a role that sees cases.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::{CurrentUser, csrf, password};
use crate::web::filters;

use crate::domain::policy::{self, Capability, GrantScope, Role};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::store::{accounts, users};
use crate::web::extract::{Form, parse_id};
use crate::web::forms::FieldErrors;
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .public(
            "/adgangskode/{token}",
            get(show_set_password).post(submit_set_password),
        )
        .requires("/godkendelser", Capability::ApproveRoles, get(list_grants))
        .requires(
            "/godkendelser/{id}",
            Capability::ApproveRoles,
            post(decide_grant),
        )
}

#[derive(Template)]
#[template(path = "accounts/set_password.html")]
struct SetPasswordPage {
    page: PageContext,
    token: String,
    valid: bool,
    errors: FieldErrors,
}

#[derive(Default, Deserialize)]
struct SetPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

/// A token is base64url of 32 bytes; anything else cannot be one, and is not looked up.
fn plausible(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn render_set_password(
    session: &Session,
    token: String,
    valid: bool,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let page = SetPasswordPage {
        page: PageContext::anonymous("Vælg adgangskode", csrf::token(session).await?),
        token,
        valid,
        errors,
    };
    let status = if valid { status } else { StatusCode::NOT_FOUND };
    layout::render(status, &page)
}

async fn show_set_password(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let valid = plausible(&token)
        && accounts::link_user(
            &state.db,
            &password::link_token_hash(&token),
            state.clock.now(),
        )
        .await?
        .is_some();
    render_set_password(&session, token, valid, FieldErrors::new(), StatusCode::OK).await
}

async fn submit_set_password(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    Form(form): Form<SetPasswordForm>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let hash = password::link_token_hash(&token);
    let user = match plausible(&token) {
        true => accounts::link_user(&state.db, &hash, now).await?,
        false => None,
    };
    let Some(user_id) = user else {
        return render_set_password(&session, token, false, FieldErrors::new(), StatusCode::OK)
            .await;
    };
    let Some(user) = users::by_id(&state.db, user_id).await? else {
        return Err(AppError::NotFound);
    };
    let mut errors = FieldErrors::new();
    if let Err(why) = password::check_strength(&form.password, &user.email, &user.name) {
        errors.add("password", why);
    } else if form.password != form.password_repeat {
        errors.add("password_repeat", "De to adgangskoder er ikke ens.");
    }
    if !errors.is_empty() {
        return render_set_password(
            &session,
            token,
            true,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let password_hash = password::hash(form.password).await?;
    let mut tx = state.db.begin().await?;
    // Used up in the same transaction that sets the password: of two submissions, one wins.
    if accounts::use_link(&mut tx, &hash, now).await? != Some(user_id) {
        tx.rollback().await?;
        return render_set_password(&session, token, false, FieldErrors::new(), StatusCode::OK)
            .await;
    }
    users::set_password(&mut tx, user_id, &password_hash, now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::new(AuditAction::PasswordSet)
            .by(user_id)
            .on(ObjectType::User, user_id.0)
            .in_municipality(user.municipality_id)
            .in_district(user.police_district_id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/login?adgangskode=1").into_response())
}

struct GrantRow {
    id: String,
    user_name: String,
    user_email: String,
    belongs_to: String,
    role: &'static str,
    requested_by: String,
    requested_at: time::OffsetDateTime,
}

#[derive(Template)]
#[template(path = "accounts/grants.html")]
struct GrantsPage {
    page: PageContext,
    rows: Vec<GrantRow>,
}

fn scope(g: &accounts::PendingGrant) -> GrantScope {
    GrantScope {
        user_id: g.user_id,
        requested_by: g.requested_by,
        municipality_id: g.municipality_id,
    }
}

async fn list_grants(State(state): State<AppState>, current: CurrentUser) -> AppResult<Response> {
    let actor = current.user.actor();
    let rows = accounts::pending_grants(&state.db)
        .await?
        .into_iter()
        .filter(|g| policy::may_decide_grant(&actor, &scope(g)))
        .map(|g| GrantRow {
            id: g.id.to_string(),
            belongs_to: g
                .municipality_id
                .and_then(|m| state.tenants.by_id(m))
                .map(|m| m.name().to_owned())
                .unwrap_or_default(),
            role: g.role.label(),
            user_name: g.user_name,
            user_email: g.user_email,
            requested_by: g.requested_by_name,
            requested_at: g.requested_at,
        })
        .collect();
    let page = GrantsPage {
        page: PageContext::for_user(&current, "Godkendelser", "/godkendelser").await?,
        rows,
    };
    layout::ok(&page)
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
}

async fn decide_grant(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw, |u| u)?;
    let approve = match form.decision.as_str() {
        "godkend" => true,
        "afvis" => false,
        _ => return Err(AppError::BadRequest),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(grant) = accounts::pending_grant_for_update(&mut tx, id).await? else {
        return Err(AppError::NotFound);
    };
    if !policy::may_decide_grant(&current.user.actor(), &scope(&grant)) {
        return Err(AppError::NotFound);
    }
    let Some(user) = users::by_id(&mut *tx, grant.user_id).await? else {
        return Err(AppError::NotFound);
    };
    let role = grant.role;
    let mut roles = user.roles.clone();
    if approve && !roles.contains(&role) {
        roles.push(role);
        roles.sort();
    }
    let fits = (!role.is_municipal() || user.municipality_id.is_some())
        && (role != Role::Police || user.police_district_id.is_some())
        && policy::roles_combine(&roles);
    if approve && !fits {
        tx.rollback().await?;
        set_notice(
            &current.session,
            "Rollen kan ikke godkendes: den passer ikke til brugerens kommune, politikreds eller andre roller.",
        )
        .await?;
        return Ok(Redirect::to("/godkendelser").into_response());
    }
    accounts::decide_grant(&mut tx, id, current.user.id, approve, now).await?;
    if approve {
        users::set_roles(&mut tx, user.id, &roles, now).await?;
    }
    audit::record(
        &mut *tx,
        &AuditEvent::on_user(
            if approve {
                AuditAction::RoleGrantApproved
            } else {
                AuditAction::RoleGrantRejected
            },
            current.user.id,
            &user,
            &current.request_id,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    let message = if approve {
        format!(
            "{} har nu rollen {}.",
            user.name,
            role.label().to_lowercase()
        )
    } else {
        format!(
            "Rollen {} til {} er afvist.",
            role.label().to_lowercase(),
            user.name
        )
    };
    set_notice(&current.session, &message).await?;
    Ok(Redirect::to("/godkendelser").into_response())
}
