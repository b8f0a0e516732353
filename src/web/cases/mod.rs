//! The case workflow's pages: the case list, one case with its timeline and the viewer's
//! actions, the police screening queue, and a form per step from screening to closing.
//!
//! Every step goes the same way: load the case and the viewer's relation to it
//! ([`policy::case_access`]), ask [`workflow::decide`], validate the form, then hand the step to
//! [`step::take`], which writes the version-checked change, its history row, what the step
//! records, the closing when the move closes the case, and the audit rows in one transaction. A
//! stale form gets the conflict message with what was typed, and status 409 ([`step::FormState`]).

mod assessment;
mod closing;
mod details;
mod disclosures;
mod interventions;
mod list;
mod plan;
mod reason_move;
mod retention;
mod review;
mod screening;
mod settle;
mod show;
mod step;
pub mod tasks;
pub(crate) use show::{intervention_label, notification_text, timeline_label};
mod team;
mod triage;

use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use time::Date;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::{CaseId, PoliceDistrictId};
use crate::domain::policy::{self, Capability, CaseAccess, CaseScope};
use crate::domain::workflow::{self, Move, Reach, Refusal};
use crate::error::{AppError, AppResult};
use crate::store::audit::{AuditAction, AuditEvent, ObjectType};
use crate::store::cases::{self as store, CaseRecord};
use crate::store::tenants::Municipality;
use crate::web::extract::parse_id;
use crate::web::forms::FieldErrors;
use crate::web::layout::set_notice;
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    use Capability::{CaseList, RetentionList, ScreeningQueue, WorkCases};
    Routes::new()
        .requires("/sager", CaseList, get(list::show_cases))
        .requires("/sager/{id}", CaseList, get(show::show_case))
        .requires(
            "/politi/screening",
            ScreeningQueue,
            get(screening::show_screening_queue),
        )
        .requires(
            "/sager/{id}/send-til-screening",
            WorkCases,
            post(screening::submit_send_to_screening),
        )
        .requires(
            "/sager/{id}/screening",
            WorkCases,
            get(screening::show_screening_form).post(screening::submit_screening),
        )
        .requires(
            "/sager/{id}/faelles-vurdering",
            WorkCases,
            get(triage::show_triage_form).post(triage::submit_triage),
        )
        .requires(
            "/sager/{id}/faelles-vurdering/bekraeft",
            WorkCases,
            get(triage::show_answer_form).post(triage::submit_answer),
        )
        .requires(
            "/sager/{id}/team",
            WorkCases,
            get(team::show_team).post(team::submit_team_change),
        )
        .requires(
            "/sager/{id}/vurdering",
            WorkCases,
            get(assessment::show_assessment_form).post(assessment::submit_assessment),
        )
        .requires(
            "/sager/{id}/ny-vurdering",
            WorkCases,
            get(reason_move::show_reassess_form).post(reason_move::submit_reassess),
        )
        .requires(
            "/sager/{id}/handleplan",
            WorkCases,
            get(plan::show_plan_form).post(plan::submit_plan),
        )
        .requires(
            "/sager/{id}/underretning-modtaget",
            WorkCases,
            post(plan::submit_notification_receipt),
        )
        .requires(
            "/sager/{id}/indsatser/ny",
            WorkCases,
            get(interventions::show_new_intervention).post(interventions::submit_new_intervention),
        )
        .requires(
            "/sager/{id}/indsatser/{intervention}",
            WorkCases,
            get(interventions::show_intervention).post(interventions::submit_intervention),
        )
        .requires(
            "/sager/{id}/til-opfoelgning",
            WorkCases,
            post(review::submit_start_follow_up),
        )
        .requires(
            "/sager/{id}/opfoelgning",
            WorkCases,
            get(review::show_review_form).post(review::submit_review),
        )
        .requires(
            "/sager/{id}/afslut",
            WorkCases,
            get(closing::show_close_form).post(closing::submit_close),
        )
        .requires(
            "/sager/{id}/genaabn",
            WorkCases,
            get(reason_move::show_reopen_form).post(reason_move::submit_reopen),
        )
        .requires(
            "/sager/{id}/udskyd-sletning",
            WorkCases,
            get(retention::show_extend_form).post(retention::submit_extend),
        )
        .requires("/sletning", RetentionList, get(retention::show_due_list))
        .requires(
            "/sager/{id}/videregivelser/ny",
            WorkCases,
            get(disclosures::show_disclosure_form).post(disclosures::submit_disclosure),
        )
        .requires(
            "/sager/{id}/oplysninger",
            WorkCases,
            get(details::show_details).post(details::submit_details),
        )
        .requires(
            "/sager/{id}/efter-afslutning/{review}",
            WorkCases,
            get(closing::show_post_closure_form).post(closing::submit_post_closure),
        )
}

/// Shown, with what was typed, when a form was based on a version of the case that someone
/// else has changed since.
pub const CONFLICT_MESSAGE: &str = "Sagen er blevet ændret af en anden, mens du havde \
formularen åben, så intet er gemt. Det, du skrev, står stadig nedenfor. Se sagen, som den er nu, \
og send formularen igen, hvis det stadig er rigtigt.";

/// A case with the viewer's relation to it.
pub(crate) struct Loaded {
    pub case: CaseRecord,
    pub access: CaseAccess,
    pub municipality: Municipality,
}

impl Loaded {
    pub fn district(&self) -> PoliceDistrictId {
        self.municipality.police_district_id
    }

    pub fn href(&self) -> String {
        format!("/sager/{}", self.case.id)
    }

    /// The audit row of an action on this case by the current user.
    pub fn event(&self, action: AuditAction, current: &CurrentUser) -> AuditEvent {
        current
            .audit(action)
            .on(ObjectType::Case, self.case.id.0)
            .in_municipality(Some(self.case.municipality_id))
            .in_district(Some(self.district()))
    }

    /// The subject's age group, for the intervention catalogue and Barnets lov.
    pub fn is_minor(&self, today: Date) -> bool {
        match self.case.subject_birth_date {
            Some(b) => {
                crate::domain::catalogue::AgeGroup::at(b, today)
                    == crate::domain::catalogue::AgeGroup::Under18
            }
            None => self.case.subject_is_minor,
        }
    }
}

/// The case behind a path segment, if the viewer may see it at all; otherwise 404, the same
/// answer as for a case that does not exist.
pub(crate) async fn load(state: &AppState, current: &CurrentUser, raw: &str) -> AppResult<Loaded> {
    load_id(state, current, parse_id(raw, CaseId)?).await
}

/// The case by id, read again for the viewer (after a conflict, say); 404 as in [`load`].
pub(crate) async fn load_id(
    state: &AppState,
    current: &CurrentUser,
    id: CaseId,
) -> AppResult<Loaded> {
    let case = store::case_for(&state.db, id, current.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let municipality = state
        .tenants
        .by_id(case.municipality_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let access = policy::case_access(
        &current.user.actor(),
        &CaseScope {
            municipality_id: case.municipality_id,
            police_district_id: municipality.police_district_id,
            actor_on_team: case.viewer_on_team,
        },
    );
    if access == CaseAccess::None {
        return Err(AppError::NotFound);
    }
    Ok(Loaded {
        case,
        access,
        municipality,
    })
}

/// The outcome of asking the workflow about a step.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Verdict {
    Allowed,
    /// The case has moved on from the stage the step belongs to.
    Stale,
}

/// Asks [`workflow::decide`]; a step that belongs to someone else is a 403, and a viewer
/// without relation never gets here (a 404 in [`load`]).
pub(crate) fn verdict(loaded: &Loaded, mv: Move) -> AppResult<Verdict> {
    match workflow::decide(loaded.case.stage, mv, loaded.access) {
        Ok(_) => Ok(Verdict::Allowed),
        Err(Refusal::WrongStage) => Ok(Verdict::Stale),
        Err(Refusal::NoAccess) => Err(AppError::NotFound),
        Err(Refusal::NotTheirs | Refusal::ReasonHasOwnStep) => Err(AppError::Forbidden),
    }
}

/// For a form page opened when the step is no longer possible: back to the case, with a word.
pub(crate) async fn not_now(current: &CurrentUser, loaded: &Loaded) -> AppResult<Response> {
    set_notice(
        &current.session,
        &format!(
            "Handlingen er ikke mulig nu: sagen er i fasen «{}».",
            loaded.case.stage.label()
        ),
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

/// Which municipalities' cases the viewer sees, and as what.
pub(crate) fn reach_of(state: &AppState, current: &CurrentUser) -> Reach {
    let all: Vec<_> = state
        .tenants
        .municipalities
        .iter()
        .map(|m| (m.id, m.police_district_id))
        .collect();
    workflow::reach(&current.user.actor(), &all)
}

/// Reads a date as typed (see `calendar::parse_date`), within the years a plan can concern.
pub(crate) fn parse_date(input: &str) -> Option<Date> {
    let d = crate::domain::calendar::parse_date(input)?;
    (2000..=2100).contains(&d.year()).then_some(d)
}

/// A required date field.
pub(crate) fn date_field(errors: &mut FieldErrors, field: &str, value: &str) -> Option<Date> {
    if value.trim().is_empty() {
        errors.add(field, "Angiv en dato.");
        return None;
    }
    let d = parse_date(value);
    if d.is_none() {
        errors.add(field, "Datoen kan ikke læses. Skriv den som dd.mm.åååå.");
    }
    d
}
