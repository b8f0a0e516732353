//! Where a user belongs: their municipality and unit, or their police district. Checked the same
//! way when an admin creates a user and when an admin moves one; a move that would leave work
//! behind in the old municipality waits for the handover.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::parse_choice;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::{MunicipalityId, PoliceDistrictId, UnitId, UserId};
use crate::domain::policy::{self, BelongingGap, Role};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent};
use crate::store::{handover, tenants, users};
use crate::web::extract::{Form, parse_id};
use crate::web::forms::FieldErrors;
use crate::web::layout::set_notice;

/// A user's place, checked against their roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Belonging {
    pub municipality: Option<MunicipalityId>,
    pub district: Option<PoliceDistrictId>,
    pub unit: Option<UnitId>,
}

/// Checks the three choices as sent (ids or empty) for a user with `roles`; a Danish message at
/// each wrong field.
pub(super) async fn check(
    state: &AppState,
    errors: &mut FieldErrors,
    roles: &[Role],
    municipality: &str,
    district: &str,
    unit: &str,
) -> AppResult<Belonging> {
    let m = parse_choice(municipality).map(MunicipalityId);
    let m = m.and_then(|id| state.tenants.by_id(id));
    if !municipality.is_empty() && m.is_none() {
        errors.add("municipality", "Vælg en kommune fra listen.");
    }
    let d = parse_choice(district)
        .map(PoliceDistrictId)
        .filter(|d| state.tenants.district_name(*d).is_some());
    if !district.is_empty() && d.is_none() {
        errors.add("police_district", "Vælg en politikreds fra listen.");
    }
    // A clash of roles is said at the roles, by the caller.
    for gap in policy::belonging_gaps(roles, m.is_some(), d.is_some()) {
        match gap {
            BelongingGap::NeedsMunicipality => errors.add(
                "municipality",
                "Rollerne hører til en kommune: vælg kommunen.",
            ),
            BelongingGap::NeedsDistrict => errors.add(
                "police_district",
                "Politibrugere hører til en politikreds: vælg kredsen.",
            ),
            BelongingGap::RolesClash => {}
        }
    }
    let u = match parse_choice(unit).map(UnitId) {
        None if unit.is_empty() => None,
        None => {
            errors.add("unit", "Vælg en enhed fra listen.");
            None
        }
        Some(id) => {
            let units = match m {
                Some(m) => tenants::units(&state.db, m.id).await?,
                None => Vec::new(),
            };
            if units.iter().any(|u| u.id == id) {
                Some(id)
            } else {
                errors.add("unit", "Enheden skal høre til den valgte kommune.");
                None
            }
        }
    };
    Ok(Belonging {
        municipality: m.map(|m| m.id),
        district: d,
        unit: u,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct BelongingForm {
    municipality: String,
    police_district: String,
    unit: String,
}

/// Moves a user to another municipality, unit or police district. Their sessions end, so the
/// change holds from their next request; work they hold in the old municipality must be handed
/// over first.
pub(super) async fn change_belonging(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<BelongingForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw, UserId)?;
    let Some(user) = users::by_id(&state.db, id).await? else {
        return Err(AppError::NotFound);
    };
    let mut errors = FieldErrors::new();
    let to = check(
        &state,
        &mut errors,
        &user.roles,
        form.municipality.trim(),
        form.police_district.trim(),
        form.unit.trim(),
    )
    .await?;
    if !errors.is_empty() {
        let why: Vec<String> = errors.list().iter().map(|e| e.message.clone()).collect();
        set_notice(
            &current.session,
            &format!("{} er ikke flyttet. {}", user.name, why.join(" ")),
        )
        .await?;
        return Ok(Redirect::to("/admin/brugere").into_response());
    }
    let moves_away =
        user.municipality_id != to.municipality || user.police_district_id != to.district;
    if moves_away && !handover::holdings(&state.db, id).await?.is_empty() {
        set_notice(
            &current.session,
            &format!(
                "{} har ansvar på sager i sin nuværende kommune. Overdrag ansvaret først (Overdrag ansvar), og flyt derefter brugeren.",
                user.name
            ),
        )
        .await?;
        return Ok(Redirect::to("/admin/brugere").into_response());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    users::set_belonging(&mut tx, id, to.municipality, to.district, to.unit, now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::on_user(
            AuditAction::UserUpdated,
            current.user.id,
            &user,
            &current.request_id,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(
        &current.session,
        &format!(
            "{} er flyttet. Ændringen gælder fra brugerens næste login.",
            user.name
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}
