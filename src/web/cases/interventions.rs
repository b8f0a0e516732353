//! The interventions of the action plan: each with its type from the age group's catalogue,
//! one owner, the deciding authority and its legal basis, and its next review.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, date_field, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{add_months, format_date_da, today_copenhagen};
use crate::domain::catalogue::{
    AgeGroup, InterventionStatus, LegalBasis, intervention_type, intervention_types_for,
};
use crate::domain::ids::{InterventionId, UserId};
use crate::domain::workflow::CaseEvent;
use crate::domain::workflow::Move;
use crate::error::{AppError, AppResult};
use crate::store::cases::{self as store, plan};
use crate::web::extract::{Form, parse_id};
use crate::web::forms::FormState;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct InterventionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    type_id: String,
    #[serde(default)]
    type_other: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    authority: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    legal_basis_other: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    next_review_date: String,
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "cases/intervention.html")]
struct InterventionPage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: InterventionForm,
    action: String,
    new: bool,
    age_label: &'static str,
    types: Vec<(&'static str, &'static str)>,
    workers: Vec<(String, String)>,
    bases: Vec<(&'static str, &'static str)>,
    /// Examples from the municipality's own units.
    authority_hint: String,
    statuses: Vec<(&'static str, &'static str)>,
}

/// The deciding authorities are the municipality's social and employment units: its own
/// profile names them, so Ballerup sees Ballerup's.
fn authority_hint(loaded: &Loaded) -> String {
    let names: Vec<&str> = loaded
        .municipality
        .profile
        .units
        .iter()
        .filter(|u| matches!(u.sector.as_str(), "Socialområdet" | "Beskæftigelse"))
        .map(|u| u.name.as_str())
        .collect();
    match names.as_slice() {
        [] => "Den enhed i kommunen, der træffer afgørelse efter loven.".to_owned(),
        [one] => format!("F.eks. {one}."),
        [first @ .., last] => format!("F.eks. {} eller {last}.", first.join(", ")),
    }
}

fn age_group(loaded: &Loaded, state: &AppState) -> AgeGroup {
    if loaded.is_minor(today_copenhagen(state.clock.now())) {
        AgeGroup::Under18
    } else {
        AgeGroup::Adult
    }
}

/// The types offered: the age group's catalogue, plus the intervention's own type when the
/// person has since turned 18.
fn offered_types(age: AgeGroup, current_type: &str) -> Vec<(&'static str, &'static str)> {
    let mut types: Vec<_> = intervention_types_for(age)
        .map(|t| (t.id, t.label))
        .collect();
    if let Some(t) = intervention_type(current_type) {
        if t.age != age {
            types.push((t.id, t.label));
        }
    }
    types
}

async fn render_intervention(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    form: InterventionForm,
    action: String,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let age = age_group(loaded, state);
    let workers = store::case_workers(&state.db, loaded.case.id, loaded.case.municipality_id)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let new = action.ends_with("/ny");
    let page = InterventionPage {
        page: PageContext::for_user(
            current,
            if new { "Ny indsats" } else { "Indsats" },
            "/sager",
        )
        .await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        types: offered_types(age, &form.type_id),
        form,
        action,
        new,
        age_label: age.label(),
        workers,
        bases: LegalBasis::for_age(age)
            .iter()
            .map(|b| (b.as_str(), b.label()))
            .collect(),
        authority_hint: authority_hint(loaded),
        statuses: InterventionStatus::IN_PLAN
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_new_intervention(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::SaveIntervention)? {
        return not_now(&current, &loaded).await;
    }
    let today = today_copenhagen(state.clock.now());
    let months = loaded.municipality.profile.deadlines.review_interval_months;
    let form = InterventionForm {
        version: loaded.case.version.to_string(),
        legal_basis: LegalBasis::default_for(age_group(&loaded, &state))
            .as_str()
            .to_owned(),
        start_date: format_date_da(today),
        next_review_date: format_date_da(add_months(today, months)),
        status: InterventionStatus::Planned.as_str().to_owned(),
        ..InterventionForm::default()
    };
    audit_view(&state, &current, &loaded).await?;
    let action = format!("{}/indsatser/ny", loaded.href());
    render_intervention(
        &state,
        &current,
        &loaded,
        form,
        action,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn show_intervention(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_intervention)): Path<(String, String)>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let id = parse_id(&raw_intervention, InterventionId)?;
    let existing = plan::interventions_of(&state.db, loaded.case.id)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)?;
    if let Verdict::Stale = verdict(&loaded, Move::SaveIntervention)? {
        return not_now(&current, &loaded).await;
    }
    let form = InterventionForm {
        version: loaded.case.version.to_string(),
        type_id: existing.type_id,
        type_other: existing.type_other.unwrap_or_default(),
        owner: existing.owner.to_string(),
        authority: existing.authority,
        legal_basis: existing.legal_basis.as_str().to_owned(),
        legal_basis_other: existing.legal_basis_other.unwrap_or_default(),
        start_date: format_date_da(existing.start_date),
        next_review_date: format_date_da(existing.next_review_date),
        status: existing.status.as_str().to_owned(),
    };
    audit_view(&state, &current, &loaded).await?;
    let action = format!("{}/indsatser/{}", loaded.href(), id);
    render_intervention(
        &state,
        &current,
        &loaded,
        form,
        action,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_new_intervention(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<InterventionForm>,
) -> AppResult<Response> {
    save_intervention(state, current, raw, None, form).await
}

pub(crate) async fn submit_intervention(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_intervention)): Path<(String, String)>,
    Form(form): Form<InterventionForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw_intervention, InterventionId)?;
    save_intervention(state, current, raw, Some(id), form).await
}

async fn save_intervention(
    state: AppState,
    current: CurrentUser,
    raw: String,
    id: Option<InterventionId>,
    mut form: InterventionForm,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let existing = plan::interventions_of(&state.db, loaded.case.id).await?;
    let current_type = match id {
        Some(id) => Some(
            existing
                .iter()
                .find(|i| i.id == id)
                .ok_or(AppError::NotFound)?
                .type_id
                .clone(),
        ),
        None => None,
    };
    let action = match id {
        Some(id) => format!("{}/indsatser/{}", loaded.href(), id),
        None => format!("{}/indsatser/ny", loaded.href()),
    };
    let verdict = verdict(&loaded, Move::SaveIntervention)?;
    if let Verdict::Stale = verdict {
        form.version = loaded.case.version.to_string();
        return render_intervention(
            &state,
            &current,
            &loaded,
            form,
            action,
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    let mut errors = FieldErrors::new();
    let age = age_group(&loaded, &state);
    let offered = offered_types(age, current_type.as_deref().unwrap_or(""));
    let type_id = offered
        .iter()
        .find(|(t, _)| *t == form.type_id.trim())
        .map(|(t, _)| *t);
    if type_id.is_none() {
        errors.add("type_id", "Vælg en indsats fra listen.");
    }
    let is_other = type_id.is_some_and(|t| t.starts_with("other_"));
    let type_other = forms::text(&mut errors, "type_other", &form.type_other, is_other, 200);
    let workers =
        store::case_workers(&state.db, loaded.case.id, loaded.case.municipality_id).await?;
    let owner = UserId::parse(form.owner.trim()).filter(|id| workers.iter().any(|(w, _)| w == id));
    if owner.is_none() {
        errors.add(
            "owner",
            "Vælg den ansvarlige blandt Infohus-tovholderne og sagens team.",
        );
    }
    let authority = forms::text(&mut errors, "authority", &form.authority, true, 300);
    let age = age_group(&loaded, &state);
    let basis = LegalBasis::parse(form.legal_basis.trim());
    let basis = match basis {
        Some(b) if LegalBasis::for_age(age).contains(&b) => Some(b),
        Some(_) => {
            errors.add(
                "legal_basis",
                "Barnets lov gælder kun for børn og unge under 18. Vælg en anden hjemmel.",
            );
            None
        }
        None => {
            errors.add("legal_basis", "Vælg hjemmel.");
            None
        }
    };
    let basis_other = forms::text(
        &mut errors,
        "legal_basis_other",
        &form.legal_basis_other,
        basis == Some(LegalBasis::Other),
        300,
    );
    let start = date_field(&mut errors, "start_date", &form.start_date);
    let review = date_field(&mut errors, "next_review_date", &form.next_review_date);
    if let (Some(s), Some(r)) = (start, review) {
        if r < s {
            errors.add(
                "next_review_date",
                "Næste opfølgning kan ikke ligge før start.",
            );
        }
    }
    let status = InterventionStatus::parse_in_plan(form.status.trim());
    if status.is_none() {
        errors.add("status", "Vælg status.");
    }
    let (
        Some(type_id),
        Some(owner),
        Some(authority),
        Some(basis),
        Some(start),
        Some(review),
        Some(status),
        true,
    ) = (
        type_id,
        owner,
        authority,
        basis,
        start,
        review,
        status,
        errors.is_empty(),
    )
    else {
        return render_intervention(
            &state,
            &current,
            &loaded,
            form,
            action,
            errors,
            FormState::Invalid,
        )
        .await;
    };
    let input = plan::InterventionInput {
        type_id,
        type_other: if is_other {
            type_other.as_deref()
        } else {
            None
        },
        owner,
        authority: &authority,
        legal_basis: basis,
        legal_basis_other: if basis == LegalBasis::Other {
            basis_other.as_deref()
        } else {
            None
        },
        start_date: start,
        next_review_date: review,
        status,
    };
    let now = state.clock.now();
    let label = super::show::intervention_label(type_id, input.type_other);
    let code = if id.is_some() {
        CaseEvent::InterventionUpdated
    } else {
        CaseEvent::InterventionAdded
    };
    let step = Step::new(Move::SaveIntervention, &form.version, now)
        .history_code(code)
        .reason(Some(&label));
    let case = loaded.case.id;
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        // An intervention that is no longer the case's is a conflict like a stale version.
        Ok(match id {
            Some(id) => plan::update_intervention(conn, case, id, &input, now).await?,
            None => {
                plan::insert_intervention(conn, case, &input, now).await?;
                true
            }
        })
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render_intervention(
            &state,
            &current,
            &fresh,
            form,
            action,
            errors,
            FormState::Conflict,
        )
        .await;
    }
    set_notice(&current.session, &format!("Indsatsen «{label}» er gemt.")).await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}
