//! The coordinator's two decisions on a received concern: link it to the person's case, or
//! open a case for it, each with its history and audit rows in one transaction.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::today_copenhagen;
use crate::domain::ids::CaseId;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::cases::{self, CaseBrief, NewCase, OpenCaseError};
use crate::store::concerns::{self, Concern};
use crate::web::concern_views::concern_event;
use crate::web::concerns::form::{SubjectInput, validate_subject};
use crate::web::extract::Form;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::set_notice;

use super::concern::{LinkForm, OpenCaseForm, Outcome, conflict, load, render};

/// Records the link (concern history, audit on the concern and the case) inside `tx`.
pub(super) async fn link_in(
    tx: &mut sqlx::PgConnection,
    state: &AppState,
    current: &CurrentUser,
    concern: &Concern,
    version: i32,
    case: CaseId,
    now: time::OffsetDateTime,
) -> AppResult<bool> {
    if !concerns::link(
        &mut *tx,
        concern.id,
        version,
        case,
        current.user.id,
        None,
        now,
    )
    .await?
    {
        return Ok(false);
    }
    cases::mark_linked(&mut *tx, case, concern.draft.subject.address_protected, now).await?;
    audit::record(
        &mut *tx,
        &concern_event(state, current, AuditAction::ConcernLinked, concern),
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        &current
            .audit(AuditAction::ConcernLinked)
            .on(ObjectType::Case, case.0)
            .in_municipality(Some(concern.municipality_id))
            .in_district(
                state
                    .tenants
                    .by_id(concern.municipality_id)
                    .map(|m| m.police_district_id),
            ),
        now,
    )
    .await?;
    Ok(true)
}

pub(super) async fn submit_link_case(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<LinkForm>,
) -> AppResult<Response> {
    let concern = load(&state, &current, &raw).await?;
    let mut errors = FieldErrors::new();
    let reference = form.reference.trim().to_owned();
    let case = if forms::has_control_characters(&reference) {
        errors.add("reference", forms::CONTROL_CHARACTER);
        None
    } else if reference.is_empty() {
        errors.add(
            "reference",
            "Skriv sagsnummeret på den sag, bekymringen skal tilknyttes.",
        );
        None
    } else if reference.chars().count() > 40 {
        errors.add("reference", "Sagsnummeret har formen RAN-2026-0042.");
        None
    } else {
        match cases::brief_by_reference(&state.db, concern.municipality_id, &reference).await? {
            None => {
                errors.add(
                    "reference",
                    format!("Der findes ingen sag med sagsnummeret {reference} i kommunen."),
                );
                None
            }
            Some(k) if !k.is_open() => {
                errors.add(
                    "reference",
                    format!("Sag {} er afsluttet. Genåbn den fra sagens side, før bekymringen tilknyttes.", k.reference),
                );
                None
            }
            Some(k) => Some(k),
        }
    };
    let Some(case) = case else {
        let outcome = Outcome {
            reference: form.reference.chars().take(200).collect(),
            errors,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            ..Outcome::fresh()
        };
        return render(&state, &current, &concern, outcome).await;
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !link_in(
        &mut tx,
        &state,
        &current,
        &concern,
        form.version,
        case.id,
        now,
    )
    .await?
    {
        drop(tx);
        return conflict(&state, &current, concern.id).await;
    }
    tx.commit().await?;
    set_notice(
        &current.session,
        &format!("Bekymringen er tilknyttet sag {}.", case.reference),
    )
    .await?;
    Ok(Redirect::to(&format!("/sager/{}", case.id)).into_response())
}

pub(super) async fn submit_open_case(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<OpenCaseForm>,
) -> AppResult<Response> {
    let concern = load(&state, &current, &raw).await?;
    let municipality = state
        .tenants
        .by_id(concern.municipality_id)
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let mut errors = FieldErrors::new();
    let subject = validate_subject(
        &mut errors,
        SubjectInput {
            name: &form.subject_name,
            birth_date: &form.subject_birth_date,
            approx_age: &form.subject_approx_age,
            under_18: &form.subject_under_18,
            cpr: &form.subject_cpr,
            address: &form.subject_address,
            address_protected: &form.subject_address_protected,
        },
        today_copenhagen(now),
    );
    let refused = |errors: FieldErrors, existing: Option<CaseBrief>| Outcome {
        open: Some(form.clone()),
        existing,
        errors,
        status: StatusCode::UNPROCESSABLE_ENTITY,
        ..Outcome::fresh()
    };
    let Some(subject) = subject else {
        return render(&state, &current, &concern, refused(errors, None)).await;
    };
    // One case per person per municipality: offer the existing case instead of a second one.
    let existing = match &subject.cpr {
        Some(cpr) => cases::brief_by_cpr(&state.db, concern.municipality_id, cpr).await?,
        None => None,
    };
    if let Some(existing) = existing {
        errors.add("subject_cpr", cpr_taken_message(&existing));
        return render(&state, &current, &concern, refused(errors, Some(existing))).await;
    }
    let new_case = NewCase {
        municipality_id: concern.municipality_id,
        subject_name: subject.name,
        subject_birth_date: subject.birth_date,
        subject_approx_age: subject.approx_age,
        subject_is_minor: subject.is_minor,
        subject_cpr: subject.cpr.clone(),
        subject_address: subject.address,
        // A concern filed with the protection keeps it, whatever the coordinator's form says;
        // lifting it is a decision of its own on the case.
        subject_address_protected: subject.address_protected
            || concern.draft.subject.address_protected,
    };
    let mut tx = state.db.begin().await?;
    let opened = cases::open(
        &mut tx,
        &new_case,
        &municipality.profile.reference_prefix,
        current.user.id,
        now,
    )
    .await;
    let (case_id, reference) = match opened {
        Ok(opened) => opened,
        Err(OpenCaseError::CprTaken) => {
            // Another coordinator registered the person a moment ago.
            drop(tx);
            let existing = match &subject.cpr {
                Some(cpr) => cases::brief_by_cpr(&state.db, concern.municipality_id, cpr).await?,
                None => None,
            };
            if let Some(k) = &existing {
                errors.add("subject_cpr", cpr_taken_message(k));
            }
            return render(&state, &current, &concern, refused(errors, existing)).await;
        }
        Err(OpenCaseError::Db(e)) => return Err(e.into()),
    };
    audit::record(
        &mut *tx,
        &current
            .audit(AuditAction::CaseOpened)
            .on(ObjectType::Case, case_id.0)
            .in_municipality(Some(municipality.id))
            .in_district(Some(municipality.police_district_id)),
        now,
    )
    .await?;
    if !link_in(
        &mut tx,
        &state,
        &current,
        &concern,
        form.version,
        case_id,
        now,
    )
    .await?
    {
        // The new case is rolled back with the transaction: no case without its concern.
        drop(tx);
        return conflict(&state, &current, concern.id).await;
    }
    tx.commit().await?;
    set_notice(
        &current.session,
        &format!("Sag {reference} er oprettet, og bekymringen er tilknyttet."),
    )
    .await?;
    Ok(Redirect::to(&format!("/sager/{case_id}")).into_response())
}

pub(super) fn cpr_taken_message(existing: &CaseBrief) -> String {
    if existing.is_open() {
        format!(
            "Der findes allerede en sag om personen med dette CPR-nummer: {}. Tilknyt bekymringen til den i stedet.",
            existing.reference
        )
    } else {
        format!(
            "Personen med dette CPR-nummer har en afsluttet sag: {}. Genåbn den fra sagens side, og tilknyt derefter bekymringen.",
            existing.reference
        )
    }
}
