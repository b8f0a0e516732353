//! Changing an account: enabling and disabling it, and its roles (a role that sees cases, newly
//! given, waits for a second person's approval).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{COMBINATION_REFUSED, labels};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::UserId;
use crate::domain::policy::{self, Role};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent};
use crate::store::handover::{self, Holdings};
use crate::store::{accounts, users};
use crate::web::extract::{Form, parse_id};
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Deserialize)]
pub(super) struct ToggleForm {
    active: String,
    /// `ja`: deactivate although the user still holds work on cases.
    #[serde(default)]
    confirm: String,
}

/// Before deactivating someone who still holds plans, interventions or team places: what they
/// hold, the handover, or deactivating anyway.
#[derive(Template)]
#[template(path = "admin/deactivate.html")]
struct DeactivatePage {
    page: PageContext,
    user_id: String,
    name: String,
    holdings: Holdings,
    handover: String,
}

pub(super) async fn toggle_user(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<ToggleForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw, UserId)?;
    let active = match form.active.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::BadRequest),
    };
    if id == current.user.id && !active {
        set_notice(&current.session, "Du kan ikke deaktivere din egen konto.").await?;
        return Ok(Redirect::to("/admin/brugere").into_response());
    }
    if !active && form.confirm != "ja" {
        let holdings = handover::holdings(&state.db, id).await?;
        if !holdings.is_empty() {
            let Some(user) = users::by_id(&state.db, id).await? else {
                return Err(AppError::NotFound);
            };
            let page = DeactivatePage {
                page: PageContext::for_user(&current, "Deaktivér bruger", "/admin/brugere").await?,
                user_id: user.id.to_string(),
                handover: crate::web::handover::href(user.id),
                name: user.name,
                holdings,
            };
            return layout::ok(&page);
        }
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(user) = users::by_id(&mut *tx, id).await? else {
        return Err(AppError::NotFound);
    };
    users::set_active(&mut tx, id, active, now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::on_user(
            if active {
                AuditAction::UserEnabled
            } else {
                AuditAction::UserDisabled
            },
            current.user.id,
            &user,
            &current.request_id,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    let message = if active {
        format!("{} er aktiveret.", user.name)
    } else {
        format!("{} er deaktiveret og logget ud.", user.name)
    };
    set_notice(&current.session, &message).await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}

#[derive(Deserialize)]
pub(super) struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

pub(super) async fn change_roles(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<RolesForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw, UserId)?;
    let mut roles: Vec<Role> = form.roles.iter().filter_map(|r| Role::parse(r)).collect();
    roles.sort();
    roles.dedup();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(user) = users::by_id(&mut *tx, id).await? else {
        return Err(AppError::NotFound);
    };
    let fits = !roles.is_empty()
        && (!roles.iter().any(|r| r.is_municipal()) || user.municipality_id.is_some())
        && (!roles.contains(&Role::Police) || user.police_district_id.is_some());
    if !fits || !policy::roles_combine(&roles) {
        let why = if fits {
            COMBINATION_REFUSED
        } else {
            "Vælg mindst én rolle, der passer til brugerens kommune eller politikreds."
        };
        set_notice(
            &current.session,
            &format!("Rollerne blev ikke ændret. {why}"),
        )
        .await?;
        return Ok(Redirect::to("/admin/brugere").into_response());
    }
    // A role that sees cases, newly given, waits for a second person; the rest take effect.
    let (added, kept): (Vec<Role>, Vec<Role>) = roles
        .iter()
        .partition(|r| r.sees_cases() && !user.roles.contains(r));
    let event = |action| AuditEvent::on_user(action, current.user.id, &user, &current.request_id);
    users::set_roles(&mut tx, id, &kept, now).await?;
    audit::record(&mut *tx, &event(AuditAction::UserUpdated), now).await?;
    for role in &added {
        accounts::request_grant(&mut tx, id, *role, current.user.id, now).await?;
        audit::record(&mut *tx, &event(AuditAction::RoleGrantRequested), now).await?;
    }
    tx.commit().await?;
    let waiting = if added.is_empty() {
        String::new()
    } else {
        format!(
            " Rollen {} træder i kraft, når en anden administrator eller en tovholder i kommunen har godkendt den.",
            labels(&added)
        )
    };
    set_notice(
        &current.session,
        &format!("Rollerne for {} er ændret.{waiting}", user.name),
    )
    .await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}
