//! Closing a case with an evaluation and a coded reason, reopening it, and the reviews after
//! closing.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::settle::{self, Answers, FATES, OpenRow};
use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, today_copenhagen};
use crate::domain::catalogue::CloseReason;
use crate::domain::ids::PostClosureReviewId;
use crate::domain::workflow::{self, Move, Requirement};
use crate::error::{AppError, AppResult};
use crate::store::cases::closing;
use crate::store::cases::plan;
use crate::web::extract::{Form, parse_id};
use crate::web::forms::FormState;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};

/// The closing form as typed: the reason, the evaluation, and for each open intervention
/// whether it ended (and when) or continues outside Infohus (and under whom).
#[derive(Debug, Default)]
pub(crate) struct CloseForm {
    version: String,
    reason: String,
    evaluation: String,
    /// Per open intervention (`settle::Answers`).
    answers: Answers,
}

impl CloseForm {
    fn from_pairs(pairs: &[(String, String)], open: &[plan::Intervention]) -> CloseForm {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        CloseForm {
            version: get("version"),
            reason: get("reason"),
            evaluation: get("evaluation"),
            answers: settle::answers(pairs, open),
        }
    }
}

#[derive(Template)]
#[template(path = "cases/close.html")]
struct ClosePage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: CloseForm,
    reasons: Vec<(&'static str, &'static str)>,
    post_closure: Option<String>,
    open: Vec<OpenRow>,
}

async fn render_close(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    open: &[plan::Intervention],
    form: CloseForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let months = loaded
        .municipality
        .profile
        .deadlines
        .post_closure_review_months;
    let today = today_copenhagen(state.clock.now());
    let open = settle::rows(open, &form.answers, today);
    let page = ClosePage {
        page: PageContext::for_user(current, "Afslut sagen", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        form,
        reasons: workflow::closing_reasons(loaded.case.stage, loaded.access)
            .into_iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        post_closure: workflow::schedules_post_closure_reviews(loaded.case.stage)
            .then(|| format!("{} og {}", months[0], months[1])),
        open,
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_close_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::Close(CloseReason::EndedOtherwise))? {
        return not_now(&current, &loaded).await;
    }
    let open = settle::open_interventions(&state, &loaded).await?;
    let form = CloseForm {
        version: loaded.case.version.to_string(),
        ..CloseForm::default()
    };
    audit_view(&state, &current, &loaded).await?;
    render_close(
        &state,
        &current,
        &loaded,
        &open,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_close(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let open = settle::open_interventions(&state, &loaded).await?;
    let mut form = CloseForm::from_pairs(&pairs, &open);
    let mut errors = FieldErrors::new();
    let reason = CloseReason::parse(form.reason.trim());
    // The general step decides who may close at all; the chosen reason is checked below.
    let general = verdict(&loaded, Move::Close(CloseReason::EndedOtherwise))?;
    if let Verdict::Stale = general {
        form.version = loaded.case.version.to_string();
        return render_close(
            &state,
            &current,
            &loaded,
            &open,
            form,
            errors,
            FormState::Conflict,
        )
        .await;
    }
    let allowed = reason
        .filter(|r| workflow::decide(loaded.case.stage, Move::Close(*r), loaded.access).is_ok());
    if allowed.is_none() {
        errors.add("reason", "Vælg en af årsagerne på listen.");
    }
    let needs_evaluation =
        allowed.is_some_and(|r| Move::Close(r).requires().contains(&Requirement::Evaluation));
    let evaluation = forms::text(&mut errors, "evaluation", &form.evaluation, false, 8000);
    if evaluation.is_none() && !errors.has("evaluation") {
        errors.add(
            "evaluation",
            if needs_evaluation {
                "Skriv en evaluering af forløbet."
            } else {
                "Skriv en begrundelse."
            },
        );
    }
    let now = state.clock.now();
    let settled = settle::settlements(&mut errors, &form.answers, &open, today_copenhagen(now));
    let (Some(reason), Some(evaluation), true) = (allowed, evaluation, errors.is_empty()) else {
        return render_close(
            &state,
            &current,
            &loaded,
            &open,
            form,
            errors,
            FormState::Invalid,
        )
        .await;
    };
    let step = Step::new(Move::Close(reason), &form.version, now).closing_text(Some(&evaluation));
    let case = loaded.case.id;
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        Ok(settle::settle_all(conn, case, &settled, now).await?)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        let open = settle::open_interventions(&state, &fresh).await?;
        return render_close(
            &state,
            &current,
            &fresh,
            &open,
            form,
            errors,
            FormState::Conflict,
        )
        .await;
    }
    let review_dates = step::post_closure_reviews(&loaded, today_copenhagen(now));
    let follow = match review_dates.first() {
        Some((_, d)) => format!(
            " Første opfølgning efter afslutning: {}.",
            format_date_da(*d)
        ),
        None => String::new(),
    };
    set_notice(
        &current.session,
        &format!(
            "Sagen er afsluttet: {}.{follow}",
            reason.label().to_lowercase()
        ),
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

// ---------------------------------------------------------------------------------------------
// Reviews after closing
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PostClosureForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "cases/post_closure.html")]
struct PostClosurePage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: PostClosureForm,
    action: String,
    months: i32,
    due: String,
}

async fn post_closure_review(
    state: &AppState,
    loaded: &Loaded,
    raw_review: &str,
) -> AppResult<closing::PostClosureReview> {
    let id = parse_id(raw_review, PostClosureReviewId)?;
    closing::post_closure_reviews_of(&state.db, loaded.case.id)
        .await?
        .into_iter()
        .find(|p| p.id == id && p.done_at.is_none())
        .ok_or(AppError::NotFound)
}

async fn render_post_closure(
    current: &CurrentUser,
    loaded: &Loaded,
    review: &closing::PostClosureReview,
    form: PostClosureForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let page = PostClosurePage {
        page: PageContext::for_user(current, "Opfølgning efter afslutning", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        form,
        action: format!("{}/efter-afslutning/{}", loaded.href(), review.id),
        months: review.months,
        due: format_date_da(review.due_date),
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_post_closure_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::RecordPostClosureReview)? {
        return not_now(&current, &loaded).await;
    }
    let review = post_closure_review(&state, &loaded, &raw_review).await?;
    let form = PostClosureForm {
        version: loaded.case.version.to_string(),
        note: String::new(),
    };
    audit_view(&state, &current, &loaded).await?;
    render_post_closure(
        &current,
        &loaded,
        &review,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_post_closure(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_review)): Path<(String, String)>,
    Form(mut form): Form<PostClosureForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let verdict = verdict(&loaded, Move::RecordPostClosureReview)?;
    let review = post_closure_review(&state, &loaded, &raw_review).await?;
    if let Verdict::Stale = verdict {
        form.version = loaded.case.version.to_string();
        return render_post_closure(
            &current,
            &loaded,
            &review,
            form,
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    let mut errors = FieldErrors::new();
    let Some(note) = forms::text(&mut errors, "note", &form.note, true, 4000) else {
        return render_post_closure(&current, &loaded, &review, form, errors, FormState::Invalid)
            .await;
    };
    let now = state.clock.now();
    let label = format!("Efter {} måneder", review.months);
    let step = Step::new(Move::RecordPostClosureReview, &form.version, now).reason(Some(&label));
    let (case, by) = (loaded.case.id, current.user.id);
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        Ok(closing::complete_post_closure_review(conn, case, review.id, by, &note, now).await?)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render_post_closure(&current, &fresh, &review, form, errors, FormState::Conflict)
            .await;
    }
    set_notice(
        &current.session,
        "Opfølgningen efter afslutning er registreret.",
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}
