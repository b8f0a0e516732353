//! One concern in the intake queue, as the coordinator opens it: the concern in full, the
//! cases that may be the same person, and the forms to link it or open a case.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, today_copenhagen};
use crate::domain::ids::ConcernId;
use crate::domain::intake::AddendumReader;
use crate::domain::policy::{self, ConcernAccess};
use crate::domain::workflow::ConcernStatus;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction};
use crate::store::cases::{self, CaseBrief};
use crate::store::concerns::{self, Concern};
use crate::web::concern_views::{
    AddendumView, ConcernView, HistoryView, concern_event, history_views, visible_addenda,
};
use crate::web::extract::parse_id;
use crate::web::filters;
use crate::web::forms::FieldErrors;
use crate::web::layout::{self, PageContext};

use super::{CONFLICT, age_text};

/// The person as the coordinator registers them on a new case, prefilled from the concern.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct OpenCaseForm {
    pub(super) version: i32,
    pub(super) subject_name: String,
    pub(super) subject_birth_date: String,
    pub(super) subject_approx_age: String,
    pub(super) subject_under_18: String,
    pub(super) subject_cpr: String,
    pub(super) subject_address: String,
    pub(super) subject_address_protected: String,
}

impl OpenCaseForm {
    fn from_concern(c: &Concern) -> OpenCaseForm {
        OpenCaseForm {
            version: c.version,
            subject_name: c.draft.subject.name.clone(),
            subject_birth_date: c
                .draft
                .subject
                .birth_date
                .map(format_date_da)
                .unwrap_or_default(),
            subject_approx_age: c
                .draft
                .subject
                .approx_age
                .map(|a| a.to_string())
                .unwrap_or_default(),
            subject_under_18: if c.draft.subject.is_minor {
                "ja"
            } else {
                "nej"
            }
            .to_owned(),
            subject_cpr: c.draft.subject.cpr.clone().unwrap_or_default(),
            subject_address: c.draft.subject.address.clone().unwrap_or_default(),
            subject_address_protected: if c.draft.subject.address_protected {
                "ja"
            } else {
                ""
            }
            .to_owned(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct LinkForm {
    pub(super) version: i32,
    pub(super) reference: String,
}

pub(super) struct CandidateLine {
    pub(super) reference: String,
    pub(super) stage: &'static str,
    pub(super) open: bool,
    pub(super) subject_name: String,
    pub(super) age: String,
    pub(super) opened: String,
    pub(super) same_cpr: bool,
}

#[derive(Template)]
#[template(path = "intake/show.html")]
pub(super) struct IntakePage {
    pub(super) page: PageContext,
    pub(super) c: ConcernView,
    pub(super) addenda: Vec<AddendumView>,
    pub(super) history: Vec<HistoryView>,
    pub(super) waiting: bool,
    pub(super) repeat: bool,
    pub(super) candidates: Vec<CandidateLine>,
    pub(super) open: OpenCaseForm,
    pub(super) reference: String,
    /// The person's existing case when a new one was refused for the same CPR number.
    pub(super) existing: Option<CaseBrief>,
    pub(super) errors: FieldErrors,
    pub(super) conflict: Option<&'static str>,
}

pub(super) struct Outcome {
    pub(super) open: Option<OpenCaseForm>,
    pub(super) reference: String,
    pub(super) existing: Option<CaseBrief>,
    pub(super) errors: FieldErrors,
    pub(super) conflict: Option<&'static str>,
    pub(super) status: StatusCode,
}

impl Outcome {
    pub(super) fn fresh() -> Outcome {
        Outcome {
            open: None,
            reference: String::new(),
            existing: None,
            errors: FieldErrors::new(),
            conflict: None,
            status: StatusCode::OK,
        }
    }
}

/// The concern, if the coordinator may handle it; anything else is not found.
pub(super) async fn load(state: &AppState, current: &CurrentUser, raw: &str) -> AppResult<Concern> {
    let id = parse_id(raw, ConcernId)?;
    let concern = concerns::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if policy::concern_access(&current.user.actor(), &concern.scope()) != ConcernAccess::Coordinator
    {
        return Err(AppError::NotFound);
    }
    Ok(concern)
}

/// Shows the concern in full; opening it marks it read and is logged, in one transaction.
pub(super) async fn render(
    state: &AppState,
    current: &CurrentUser,
    concern: &Concern,
    outcome: Outcome,
) -> AppResult<Response> {
    let now = state.clock.now();
    let today = today_copenhagen(now);
    let mut tx = state.db.begin().await?;
    concerns::mark_read_by_coordinator(&mut *tx, concern.id, now).await?;
    audit::record(
        &mut *tx,
        &concern_event(state, current, AuditAction::ConcernViewed, concern),
        now,
    )
    .await?;
    tx.commit().await?;
    let addenda = visible_addenda(
        &state.db,
        concern.id,
        AddendumReader::of_concern(ConcernAccess::Coordinator, false),
    )
    .await?;
    let history = history_views(&state.db, concern.id).await?;
    let repeat = concern.repeat;
    let waiting = concern.status == ConcernStatus::Received;
    let candidates = if waiting {
        cases::candidates_for_concern(&state.db, concern.id)
            .await?
            .into_iter()
            .map(|k| CandidateLine {
                open: k.case.is_open(),
                stage: k.case.stage.label(),
                reference: k.case.reference,
                age: age_text(k.subject_birth_date, k.subject_approx_age, false, today),
                subject_name: k.subject_name,
                opened: format_date_da(today_copenhagen(k.opened_at)),
                same_cpr: k.same_cpr,
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = IntakePage {
        page: PageContext::for_user(current, "Bekymring i indgangen", "/infohus/indgang").await?,
        c: ConcernView::new(
            concern,
            true,
            policy::may_see_protected_address(&current.user.actor(), concern.municipality_id),
        ),
        addenda,
        history,
        waiting,
        repeat,
        candidates,
        open: outcome
            .open
            .unwrap_or_else(|| OpenCaseForm::from_concern(concern)),
        reference: outcome.reference,
        existing: outcome.existing,
        errors: outcome.errors,
        conflict: outcome.conflict,
    };
    layout::render(outcome.status, &page)
}

pub(super) async fn show_intake_concern(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let concern = load(&state, &current, &raw).await?;
    render(&state, &current, &concern, Outcome::fresh()).await
}

/// Someone handled the concern first: show it as it is now, with 409.
pub(super) async fn conflict(
    state: &AppState,
    current: &CurrentUser,
    id: ConcernId,
) -> AppResult<Response> {
    let concern = concerns::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let outcome = Outcome {
        conflict: Some(CONFLICT),
        status: StatusCode::CONFLICT,
        ..Outcome::fresh()
    };
    render(state, current, &concern, outcome).await
}
