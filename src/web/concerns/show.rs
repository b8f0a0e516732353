//! One concern as the viewer may see it (policy::concern_access), its addenda in order under
//! it, and the viewer's actions: the leader forwards or returns it, the reporter answers a
//! question, anyone with access adds a note of their kind.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::ConcernId;
use crate::domain::intake::{AddendumKind, AddendumReader, ConcernMove};
use crate::domain::policy::{self, ConcernAccess};
use crate::domain::workflow::ConcernStatus;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction};
use crate::store::concerns::{self, Concern};
use crate::web::concern_views::{
    AddendumView, ConcernView, HistoryView, concern_event, history_views, visible_addenda,
};
use crate::web::extract::{Form, parse_id};
use crate::web::filters;
use crate::web::forms::{self, FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};

const NOTE_MAX: usize = 10_000;
const CONFLICT: &str = "Bekymringen er blevet behandlet af en anden, mens du havde den åben. Se den nye udgave nedenfor; din tekst er bevaret.";

/// What the viewer typed into the action forms, kept when one is refused.
#[derive(Debug, Clone, Default)]
struct Typed {
    remark: String,
    question: String,
    reply: String,
    note: String,
}

#[derive(Template)]
#[template(path = "concerns/show.html")]
struct ConcernPage {
    page: PageContext,
    c: ConcernView,
    addenda: Vec<AddendumView>,
    history: Vec<HistoryView>,
    show_history: bool,
    show_reporter_status: bool,
    can_forward: bool,
    can_reply: bool,
    note_kind: Option<&'static str>,
    coordinator_link: Option<String>,
    infohus_name: String,
    errors: FieldErrors,
    typed: Typed,
    conflict: Option<&'static str>,
}

/// Loads the concern and the viewer's access; anything outside need-to-know is not found.
async fn load(
    state: &AppState,
    current: &CurrentUser,
    raw: &str,
) -> AppResult<(Concern, ConcernAccess)> {
    let id = parse_id(raw, ConcernId)?;
    let concern = concerns::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let access = policy::concern_access(&current.user.actor(), &concern.scope());
    if access == ConcernAccess::None {
        return Err(AppError::NotFound);
    }
    Ok((concern, access))
}

/// How the page is shown: fresh, with a refused form, or after a conflict.
struct Outcome {
    errors: FieldErrors,
    typed: Typed,
    state: FormState,
}

impl Outcome {
    fn fresh() -> Outcome {
        Outcome {
            errors: FieldErrors::new(),
            typed: Typed::default(),
            state: FormState::Fresh,
        }
    }

    fn refused(errors: FieldErrors, typed: Typed) -> Outcome {
        Outcome {
            errors,
            typed,
            state: FormState::Invalid,
        }
    }
}

async fn render(
    state: &AppState,
    current: &CurrentUser,
    concern: &Concern,
    access: ConcernAccess,
    outcome: Outcome,
) -> AppResult<Response> {
    let now = state.clock.now();
    let is_reporter = policy::is_reporter(&current.user.actor(), &concern.scope());
    let addenda = visible_addenda(
        &state.db,
        concern.id,
        AddendumReader::of_concern(access, is_reporter),
    )
    .await?;
    let show_history = matches!(access, ConcernAccess::Leader | ConcernAccess::Coordinator);
    let history = if show_history {
        history_views(&state.db, concern.id).await?
    } else {
        Vec::new()
    };
    // Every view of a concern is logged, re-shown forms included.
    audit::record(
        &state.db,
        &concern_event(state, current, AuditAction::ConcernViewed, concern),
        now,
    )
    .await?;
    let coordinator_link = match (access, concern.status) {
        (ConcernAccess::Coordinator, ConcernStatus::Received) => {
            Some(format!("/infohus/indgang/{}", concern.id))
        }
        (ConcernAccess::Coordinator, ConcernStatus::Linked) => {
            concern.case_id.map(|id| format!("/sager/{id}"))
        }
        _ => None,
    };
    let page = ConcernPage {
        page: PageContext::for_user(current, "Bekymring", "/bekymringer").await?,
        c: ConcernView::new(
            concern,
            false,
            policy::may_see_protected_address(&current.user.actor(), concern.municipality_id),
        ),
        addenda,
        history,
        show_history,
        show_reporter_status: is_reporter || access == ConcernAccess::Reporter,
        can_forward: access == ConcernAccess::Leader
            && concern.status == ConcernStatus::AwaitingLeader,
        can_reply: is_reporter && concern.status == ConcernStatus::Returned,
        note_kind: AddendumKind::note_for(access).map(AddendumKind::label),
        coordinator_link,
        infohus_name: state
            .tenants
            .by_id(concern.municipality_id)
            .map(|m| m.infohus_name().to_owned())
            .unwrap_or_default(),
        errors: outcome.errors,
        typed: outcome.typed,
        conflict: outcome.state.conflict(CONFLICT),
    };
    layout::render(outcome.state.status(), &page)
}

pub(super) async fn show_concern(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (concern, access) = load(&state, &current, &raw).await?;
    render(&state, &current, &concern, access, Outcome::fresh()).await
}

/// The form of a move: the version it was based on and the move's text, under the field name
/// of its form (the leader's remark, their question, the reporter's reply).
#[derive(Debug, Deserialize)]
pub(super) struct MoveForm {
    version: i32,
    #[serde(default)]
    remark: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    reply: String,
}

pub(super) async fn submit_forward(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    take_move(&state, &current, &raw, ConcernMove::Forward, form).await
}

pub(super) async fn submit_return(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    take_move(&state, &current, &raw, ConcernMove::Return, form).await
}

pub(super) async fn submit_reply(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    take_move(&state, &current, &raw, ConcernMove::Resubmit, form).await
}

/// The one way a concern moves between reporter and leader: who may, the text checked, the
/// version-checked move with its history, addendum and audit row in one transaction, or the
/// page again with what was typed (422 when refused, 409 when someone else moved it first).
async fn take_move(
    state: &AppState,
    current: &CurrentUser,
    raw: &str,
    mv: ConcernMove,
    form: MoveForm,
) -> AppResult<Response> {
    let (concern, access) = load(state, current, raw).await?;
    let is_reporter = policy::is_reporter(&current.user.actor(), &concern.scope());
    if !mv.allowed(access, is_reporter) {
        return Err(AppError::NotFound);
    }
    let (field, value) = match mv {
        ConcernMove::Forward => ("remark", &form.remark),
        ConcernMove::Return => ("question", &form.question),
        ConcernMove::Resubmit => ("reply", &form.reply),
    };
    let mut errors = FieldErrors::new();
    let text = forms::text(&mut errors, field, value, mv.text_required(), NOTE_MAX);
    let typed = Typed {
        remark: form.remark,
        question: form.question,
        reply: form.reply,
        note: String::new(),
    };
    if !errors.is_empty() {
        let outcome = Outcome::refused(errors, typed);
        return render(state, current, &concern, access, outcome).await;
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (id, by) = (concern.id, current.user.id);
    if !concerns::take_move(&mut tx, id, form.version, mv, by, text.as_deref(), now).await? {
        drop(tx);
        return conflict(state, current, &concern, typed).await;
    }
    let action = match mv {
        ConcernMove::Forward => AuditAction::ConcernForwarded,
        ConcernMove::Return => AuditAction::ConcernReturned,
        ConcernMove::Resubmit => AuditAction::ConcernResubmitted,
    };
    audit::record(
        &mut *tx,
        &concern_event(state, current, action, &concern),
        now,
    )
    .await?;
    tx.commit().await?;
    let (notice, to) = match mv {
        ConcernMove::Forward => {
            let infohus = state
                .tenants
                .by_id(concern.municipality_id)
                .map_or("Infohus", |m| m.infohus_name());
            (
                format!("Bekymringen er sendt videre til {infohus}."),
                "/leder/indbakke".to_owned(),
            )
        }
        ConcernMove::Return => (
            "Bekymringen er sendt tilbage til medarbejderen med dit spørgsmål.".to_owned(),
            "/leder/indbakke".to_owned(),
        ),
        ConcernMove::Resubmit => (
            "Dit svar er gemt, og bekymringen er sendt til din leder igen.".to_owned(),
            format!("/bekymringer/{}", concern.id),
        ),
    };
    set_notice(&current.session, &notice).await?;
    Ok(Redirect::to(&to).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct NoteForm {
    #[serde(default)]
    note: String,
}

pub(super) async fn submit_note(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<NoteForm>,
) -> AppResult<Response> {
    let (concern, access) = load(&state, &current, &raw).await?;
    let kind = AddendumKind::note_for(access).ok_or(AppError::NotFound)?;
    let typed = Typed {
        note: form.note.clone(),
        ..Typed::default()
    };
    let mut errors = FieldErrors::new();
    let Some(note) = forms::text(&mut errors, "note", &form.note, true, NOTE_MAX) else {
        return render(
            &state,
            &current,
            &concern,
            access,
            Outcome::refused(errors, typed),
        )
        .await;
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    concerns::add_addendum(&mut *tx, concern.id, current.user.id, kind, &note, now).await?;
    audit::record(
        &mut *tx,
        &concern_event(
            &state,
            &current,
            AuditAction::ConcernAddendumAdded,
            &concern,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(
        &current.session,
        "Din tilføjelse er gemt under bekymringen.",
    )
    .await?;
    Ok(Redirect::to(&format!("/bekymringer/{}", concern.id)).into_response())
}

/// Someone moved the concern first: show it as it is now, with what was typed, and 409.
async fn conflict(
    state: &AppState,
    current: &CurrentUser,
    stale: &Concern,
    typed: Typed,
) -> AppResult<Response> {
    let concern = concerns::by_id(&state.db, stale.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let access = policy::concern_access(&current.user.actor(), &concern.scope());
    if access == ConcernAccess::None {
        return Err(AppError::NotFound);
    }
    let outcome = Outcome {
        errors: FieldErrors::new(),
        typed,
        state: FormState::Conflict,
    };
    render(state, current, &concern, access, outcome).await
}
