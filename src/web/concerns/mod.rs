//! Concerns as staff see them: filing one, the reporter's own list, the leader's inbox, the key
//! employee's overview of the unit, and one concern with what the viewer may do with it.

pub(crate) mod acute;
pub mod form;
pub(crate) mod show;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::today_copenhagen;
use crate::domain::intake::{self, ConcernSource};
use crate::domain::policy::Capability;
use crate::domain::workflow::ConcernStatus;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::concerns::{self, NewConcern};
use crate::store::tenants::Municipality;
use crate::store::users::User;
use crate::web::extract::Form;
use crate::web::forms::FieldErrors;
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::routes::Routes;
use acute::{AcuteQuery, AcuteStep};
use form::{Checked, ConcernForm, FormChoices, FormRules};

mod lists;

use lists::*;

pub fn routes() -> Routes {
    Routes::new()
        .requires(
            "/bekymringer/ny",
            Capability::FileConcern,
            get(show_new_concern).post(submit_new_concern),
        )
        .requires(
            "/bekymringer",
            Capability::FollowOwnConcerns,
            get(list_own_concerns),
        )
        .requires(
            "/bekymringer/{id}",
            Capability::FollowOwnConcerns,
            get(show::show_concern),
        )
        .requires(
            "/bekymringer/{id}/videresend",
            Capability::LeaderInbox,
            post(show::submit_forward),
        )
        .requires(
            "/bekymringer/{id}/returner",
            Capability::LeaderInbox,
            post(show::submit_return),
        )
        .requires(
            "/bekymringer/{id}/svar",
            Capability::FollowOwnConcerns,
            post(show::submit_reply),
        )
        .requires(
            "/bekymringer/{id}/tilfoej",
            Capability::FollowOwnConcerns,
            post(show::submit_note),
        )
        .requires(
            "/leder/indbakke",
            Capability::LeaderInbox,
            get(show_leader_inbox),
        )
        .requires(
            "/enhed/bekymringer",
            Capability::UnitConcerns,
            get(show_unit_concerns),
        )
}

/// The municipalities a user may file a concern in: their own, or, for police, those of their
/// district.
pub(super) fn filing_municipalities<'a>(state: &'a AppState, user: &User) -> Vec<&'a Municipality> {
    if let Some(m) = user.municipality_id {
        state.tenants.by_id(m).into_iter().collect()
    } else if let Some(d) = user.police_district_id {
        state.tenants.in_district(d).collect()
    } else {
        Vec::new()
    }
}

#[derive(Template)]
#[template(path = "concerns/new.html")]
pub(super) struct NewConcernPage {
    pub(super) page: PageContext,
    pub(super) form: ConcernForm,
    pub(super) errors: FieldErrors,
    pub(super) choices: FormChoices,
    pub(super) acute: bool,
    pub(super) offers_direct: bool,
    pub(super) via_leader: bool,
    pub(super) infohus_name: String,
    /// Slug and name, when the user must choose (police serving several municipalities).
    pub(super) municipalities: Vec<(String, String)>,
}

pub(super) struct Filing<'a> {
    pub(super) municipalities: Vec<&'a Municipality>,
    pub(super) source: ConcernSource,
    pub(super) offers_direct: bool,
}

pub(super) fn filing<'a>(state: &'a AppState, user: &User) -> AppResult<Filing<'a>> {
    let municipalities = filing_municipalities(state, user);
    let source = ConcernSource::for_roles(&user.roles).ok_or(AppError::Forbidden)?;
    if municipalities.is_empty() {
        return Err(AppError::Forbidden);
    }
    let offers_direct = match municipalities.as_slice() {
        [m] => intake::offers_direct_choice(
            m.profile.routes_via_leader,
            source,
            user.unit_id.is_some(),
        ),
        _ => false,
    };
    Ok(Filing {
        municipalities,
        source,
        offers_direct,
    })
}

pub(super) async fn render_new(
    current: &CurrentUser,
    filing: &Filing<'_>,
    form: ConcernForm,
    errors: FieldErrors,
    acute: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let single = match filing.municipalities.as_slice() {
        [m] => Some(*m),
        _ => None,
    };
    let page = NewConcernPage {
        page: PageContext::for_user(current, "Ny bekymring", "/bekymringer/ny").await?,
        form,
        errors,
        choices: FormChoices::new(),
        acute,
        offers_direct: filing.offers_direct,
        via_leader: filing.offers_direct,
        infohus_name: single
            .map(|m| m.infohus_name().to_owned())
            .unwrap_or_else(|| "Infohus".to_owned()),
        municipalities: if single.is_some() {
            Vec::new()
        } else {
            filing
                .municipalities
                .iter()
                .map(|m| (m.slug.clone(), m.name().to_owned()))
                .collect()
        },
    };
    layout::render(status, &page)
}

pub(super) async fn show_new_concern(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(answer): Query<AcuteQuery>,
) -> AppResult<Response> {
    let filing = filing(&state, &current.user)?;
    let step = answer.step();
    if step != AcuteStep::Form {
        let emergency = match filing.municipalities.as_slice() {
            [m] => m.profile.emergency.as_str(),
            _ => "112",
        };
        let page = PageContext::for_user(&current, "Ny bekymring", "/bekymringer/ny").await?;
        return acute::render(
            page,
            "Ny bekymring",
            "/bekymringer/ny".to_owned(),
            emergency,
            step,
        );
    }
    let form = ConcernForm {
        reporter_name: current.user.name.clone(),
        reporter_email: current.user.email.clone(),
        ..ConcernForm::default()
    };
    render_new(
        &current,
        &filing,
        form,
        FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

pub(super) async fn submit_new_concern(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<ConcernForm>,
) -> AppResult<Response> {
    let filing = filing(&state, &current.user)?;
    let now = state.clock.now();
    let mut errors = FieldErrors::new();
    let municipality = match filing.municipalities.as_slice() {
        [m] => Some(*m),
        several => {
            let chosen = several
                .iter()
                .find(|m| m.slug == form.municipality)
                .copied();
            if chosen.is_none() {
                errors.add("municipality", "Vælg den kommune, bekymringen hører til.");
            }
            chosen
        }
    };
    let rules = FormRules {
        today: today_copenhagen(now),
        citizen: false,
        offers_direct: filing.offers_direct,
    };
    let checked = form::validate(&form, rules, &mut errors);
    let (valid, municipality) = match (checked, municipality) {
        (Checked::Valid(valid), Some(m)) if errors.is_empty() => (valid, m),
        (Checked::Acute, _) => {
            return render_new(
                &current,
                &filing,
                form,
                errors,
                true,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        _ => {
            return render_new(
                &current,
                &filing,
                form,
                errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // A police user's concern belongs to the municipality, not to a unit of it.
    let unit_id = current
        .user
        .unit_id
        .filter(|_| current.user.municipality_id == Some(municipality.id));
    let status = intake::initial_status(
        municipality.profile.routes_via_leader,
        filing.source,
        unit_id.is_some(),
        valid.direct_to_infohus,
    );
    let new = new_concern(
        *valid,
        municipality,
        status,
        filing.source,
        Some(&current.user),
        unit_id,
        None,
    );
    let mut tx = state.db.begin().await?;
    let id = concerns::file(&mut tx, &new, now).await?;
    audit::record(
        &mut *tx,
        &current
            .audit(AuditAction::ConcernFiled)
            .on(ObjectType::Concern, id.0)
            .in_municipality(Some(municipality.id))
            .in_district(Some(municipality.police_district_id)),
        now,
    )
    .await?;
    tx.commit().await?;
    let notice = if status == ConcernStatus::AwaitingLeader {
        "Tak. Bekymringen er sendt til din nærmeste leder, som sender den videre til Infohus."
            .to_owned()
    } else {
        format!(
            "Tak. Bekymringen er sendt til {}.",
            municipality.infohus_name()
        )
    };
    set_notice(&current.session, &notice).await?;
    Ok(Redirect::to(&format!("/bekymringer/{id}")).into_response())
}

/// Turns a checked form into the row to file.
pub(crate) fn new_concern(
    valid: form::ValidConcern,
    municipality: &Municipality,
    status: ConcernStatus,
    source: ConcernSource,
    reporter: Option<&User>,
    unit_id: Option<crate::domain::ids::UnitId>,
    receipt_code_hash: Option<String>,
) -> NewConcern {
    NewConcern {
        municipality_id: municipality.id,
        status,
        source,
        reporter_user_id: reporter.map(|u| u.id),
        unit_id,
        concern: valid,
        receipt_code_hash,
    }
}
