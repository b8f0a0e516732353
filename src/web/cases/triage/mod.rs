//! The joint triage, which belongs to the coordinator and the police together: either side
//! proposes the decision, and it takes effect when the other confirms it. The coordinator may
//! instead record that it was agreed by phone, naming the police user; that user then confirms
//! it or objects within the profile's working days (`/faelles-vurdering/bekraeft`, in
//! `answer`).

mod answer;
pub(crate) use answer::{show_answer_form, submit_answer};

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{add_working_days, today_copenhagen};
use crate::domain::ids::UserId;
use crate::domain::workflow::{Agreement, Move, Refusal, TriageOutcome, TriageSide};
use crate::error::{AppError, AppResult};
use crate::store::cases::screening::{self, NewProposal, PhoneTriage, Proposal};
use crate::store::users;
use crate::web::extract::Form;
use crate::web::filters;
use crate::web::forms::FormState;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TriageForm {
    #[serde(default)]
    version: String,
    /// `propose` (the form) or `confirm` (the other side's proposal, by its id).
    #[serde(default)]
    action: String,
    #[serde(default)]
    proposal: String,
    #[serde(default)]
    outcome: String,
    /// The coordinator's: `proposal` or `phone`.
    #[serde(default)]
    agreement: String,
    #[serde(default)]
    police_user: String,
    #[serde(default)]
    referred_to: String,
    #[serde(default)]
    note: String,
}

/// The proposal waiting on the case, as the page shows it.
struct ProposalView {
    id: String,
    side: &'static str,
    proposer: String,
    proposed_at: time::OffsetDateTime,
    outcome: &'static str,
    outcome_code: &'static str,
    referred_to: Option<String>,
    note: Option<String>,
    /// The viewer is on the other side and may confirm it.
    to_confirm: bool,
    /// Who must confirm it.
    waits_for: &'static str,
}

#[derive(Template)]
#[template(path = "cases/triage.html")]
struct TriagePage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: TriageForm,
    proposal: Option<ProposalView>,
    /// Coordinators may record a decision agreed by phone, naming one of these.
    police: Option<Vec<(String, String)>>,
    objection_days: u32,
}

fn outcome_move(outcome: TriageOutcome) -> Move {
    match outcome {
        TriageOutcome::WithinRemit => Move::TriageWithinRemit,
        TriageOutcome::OutsideRemit => Move::TriageOutsideRemit,
    }
}

/// [`verdict`], then the joint part of the rule (`JointTriage::allows`).
pub(super) fn joint_verdict(
    state: &AppState,
    loaded: &Loaded,
    mv: Move,
    agreement: Agreement,
) -> AppResult<Verdict> {
    if let Verdict::Stale = verdict(loaded, mv)? {
        return Ok(Verdict::Stale);
    }
    let today = today_copenhagen(state.clock.now());
    match loaded
        .case
        .triage
        .allows(mv, loaded.access, agreement, today)
    {
        Ok(()) => Ok(Verdict::Allowed),
        Err(Refusal::WrongStage) => Ok(Verdict::Stale),
        Err(Refusal::NoAccess) => Err(AppError::NotFound),
        Err(Refusal::NotTheirs | Refusal::ReasonHasOwnStep) => Err(AppError::Forbidden),
    }
}

async fn render(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    form: TriageForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let side = TriageSide::of(loaded.access);
    let police = if side == Some(TriageSide::Coordinator) {
        Some(
            users::police_in_district(&state.db, loaded.district())
                .await?
                .into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect(),
        )
    } else {
        None
    };
    let proposal = screening::pending_proposal(&state.db, loaded.case.id)
        .await?
        .map(|p| proposal_view(p, side));
    let page = TriagePage {
        page: PageContext::for_user(current, "Fælles vurdering", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        form,
        proposal,
        police,
        objection_days: objection_days(loaded),
    };
    layout::render(form_state.status(), &page)
}

fn proposal_view(p: Proposal, viewer: Option<TriageSide>) -> ProposalView {
    ProposalView {
        id: p.id.to_string(),
        side: p.side.label(),
        proposer: p.proposer_name,
        proposed_at: p.proposed_at,
        outcome: p.outcome.label(),
        outcome_code: p.outcome.as_str(),
        referred_to: p.referred_to,
        note: p.note,
        to_confirm: viewer.is_some_and(|v| v != p.side),
        waits_for: match p.side {
            TriageSide::Coordinator => "politiet",
            TriageSide::Police => "Infohus-tovholderen",
        },
    }
}

fn objection_days(loaded: &Loaded) -> u32 {
    loaded
        .municipality
        .profile
        .deadlines
        .triage_objection_working_days
}

pub(crate) async fn show_triage_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::ProposeTriage)? {
        return not_now(&current, &loaded).await;
    }
    let form = TriageForm {
        version: loaded.case.version.to_string(),
        agreement: "proposal".to_owned(),
        ..TriageForm::default()
    };
    audit_view(&state, &current, &loaded).await?;
    render(
        &state,
        &current,
        &loaded,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_triage(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<TriageForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if form.action == "confirm" {
        confirm(&state, &current, &loaded, form).await
    } else {
        propose(&state, &current, &loaded, form).await
    }
}

/// The other side's proposal, confirmed as it was shown: the decision takes effect.
async fn confirm(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    mut form: TriageForm,
) -> AppResult<Response> {
    let errors = FieldErrors::new();
    let shown = TriageOutcome::parse(form.outcome.trim());
    let proposal = uuid::Uuid::parse_str(form.proposal.trim()).ok();
    let pending = screening::pending_proposal(&state.db, loaded.case.id).await?;
    // What is confirmed is the proposal as it was shown; anything else is someone else's change.
    let current_proposal = pending.filter(|p| Some(p.id) == proposal && Some(p.outcome) == shown);
    let Some(p) = current_proposal else {
        form.version = loaded.case.version.to_string();
        return render(state, current, loaded, form, errors, FormState::Conflict).await;
    };
    let mv = outcome_move(p.outcome);
    if let Verdict::Stale = joint_verdict(state, loaded, mv, Agreement::Confirm)? {
        form.version = loaded.case.version.to_string();
        return render(state, current, loaded, form, errors, FormState::Conflict).await;
    }
    let now = state.clock.now();
    let referred_to = p.referred_to.as_deref();
    let step = Step::new(mv, &form.version, now)
        .reason(referred_to)
        .closing_text(referred_to);
    let (case, confirmer) = (loaded.case.id, current.user.id);
    let taken = step::take(state, current, loaded, step, async |conn| {
        Ok(screening::confirm_proposal(conn, case, p.id, confirmer, now).await?)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render(state, current, &fresh, form, errors, FormState::Conflict).await;
    }
    set_notice(&current.session, decided_notice(p.outcome)).await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

fn decided_notice(outcome: TriageOutcome) -> &'static str {
    match outcome {
        TriageOutcome::OutsideRemit => {
            "Den fælles vurdering er truffet: sagen er uden for Infohus' område og lukket."
        }
        TriageOutcome::WithinRemit => {
            "Den fælles vurdering er truffet: sagen går videre til analyse og vurdering."
        }
    }
}

/// A proposal for the other side to confirm, or (coordinator) a decision agreed by phone.
async fn propose(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    mut form: TriageForm,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let side = TriageSide::of(loaded.access).ok_or(AppError::Forbidden)?;
    let outcome = TriageOutcome::parse(form.outcome.trim());
    if outcome.is_none() {
        errors.add("outcome", "Vælg jeres vurdering.");
    }
    let by_phone = side == TriageSide::Coordinator && form.agreement.trim() == "phone";
    let police_user = if by_phone {
        let police = users::police_in_district(&state.db, loaded.district()).await?;
        let chosen =
            UserId::parse(form.police_user.trim()).filter(|id| police.iter().any(|(p, _)| p == id));
        if chosen.is_none() {
            errors.add(
                "police_user",
                "Vælg den fra politiet, som vurderingen er aftalt med.",
            );
        }
        chosen
    } else {
        None
    };
    let outside = outcome == Some(TriageOutcome::OutsideRemit);
    let referred_to = forms::text(&mut errors, "referred_to", &form.referred_to, outside, 300);
    let note = forms::text(&mut errors, "note", &form.note, false, 4000);
    let referred_to = if outside { referred_to } else { None };
    let (mv, agreement) = match (by_phone, outcome) {
        (true, Some(o)) => (outcome_move(o), Agreement::ByPhone),
        _ => (Move::ProposeTriage, Agreement::Confirm),
    };
    if let Verdict::Stale = joint_verdict(state, loaded, mv, agreement)? {
        form.version = loaded.case.version.to_string();
        return render(state, current, loaded, form, errors, FormState::Conflict).await;
    }
    let (Some(outcome), true) = (outcome, errors.is_empty()) else {
        return render(state, current, loaded, form, errors, FormState::Invalid).await;
    };
    let now = state.clock.now();
    let case = loaded.case.id;
    let taken = if let Some(police_user) = police_user {
        let today = today_copenhagen(now);
        let decision = PhoneTriage {
            case,
            coordinator: current.user.id,
            police_user,
            outcome,
            referred_to: referred_to.as_deref(),
            note: note.as_deref(),
            object_by: add_working_days(today, objection_days(loaded)),
            at: now,
        };
        let step = Step::new(mv, &form.version, now)
            .reason(referred_to.as_deref())
            .closing_text(referred_to.as_deref());
        step::take(state, current, loaded, step, async |conn| {
            screening::record_phone_triage(conn, &decision).await?;
            Ok(true)
        })
        .await?
    } else {
        let proposal = NewProposal {
            case,
            proposed_by: current.user.id,
            side,
            outcome,
            referred_to: referred_to.as_deref(),
            note: note.as_deref(),
            at: now,
        };
        let step = Step::new(mv, &form.version, now).reason(Some(outcome.label()));
        step::take(state, current, loaded, step, async |conn| {
            screening::propose_triage(conn, &proposal).await?;
            Ok(true)
        })
        .await?
    };
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render(state, current, &fresh, form, errors, FormState::Conflict).await;
    }
    let notice = if by_phone {
        decided_notice(outcome)
    } else if side == TriageSide::Coordinator {
        "Forslaget er sendt: det træder i kraft, når politiet bekræfter det."
    } else {
        "Forslaget er sendt: det træder i kraft, når Infohus-tovholderen bekræfter det."
    };
    set_notice(&current.session, notice).await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}
