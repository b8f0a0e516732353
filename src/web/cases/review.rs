//! Follow-up: moving a case with a plan into follow-up, and the scheduled reviews with a status
//! and a note per intervention.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::screening::VersionForm;
use super::show::{CaseHeader, audit_view, intervention_label};
use super::step::{self, Step, Taken};
use super::{CONFLICT_MESSAGE, Loaded, Verdict, date_field, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{add_months, format_date_da, today_copenhagen};
use crate::domain::catalogue::InterventionStatus;
use crate::domain::workflow::Move;
use crate::error::AppResult;
use crate::store::cases::{plan, review};
use crate::web::extract::Form;
use crate::web::forms::FormState;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};

/// The plan is in place: follow it up. Needs a plan and at least one open intervention.
pub(crate) async fn submit_start_follow_up(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let Verdict::Allowed = verdict(&loaded, Move::StartFollowUp)? else {
        return super::show::render(&state, &current, &loaded, Some(CONFLICT_MESSAGE)).await;
    };
    let has_plan = plan::plan_of(&state.db, loaded.case.id).await?.is_some();
    let has_open = plan::interventions_of(&state.db, loaded.case.id)
        .await?
        .iter()
        .any(plan::Intervention::is_open);
    if !has_plan || !has_open {
        set_notice(
            &current.session,
            "Sagen kan først gå til opfølgning, når der er en handleplan og mindst én planlagt eller aktiv indsats.",
        )
        .await?;
        return Ok(Redirect::to(&loaded.href()).into_response());
    }
    let step = Step::new(Move::StartFollowUp, &form.version, state.clock.now());
    if let Taken::Conflict(fresh) =
        step::take(&state, &current, &loaded, step, step::nothing).await?
    {
        return super::show::render(&state, &current, &fresh, Some(CONFLICT_MESSAGE)).await;
    }
    set_notice(
        &current.session,
        "Handleplanen er lagt, og sagen er gået til opfølgning.",
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

struct ItemRow {
    label: String,
    owner: String,
    due: String,
    overdue: bool,
    status_field: String,
    note_field: String,
    status: String,
    note: String,
}

#[derive(Debug, Default, Clone)]
struct ReviewInput {
    version: String,
    progress: String,
    next_review_date: String,
    /// (intervention id, status, note) as typed.
    items: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "cases/review.html")]
struct ReviewPage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    version: String,
    progress: String,
    next_review_date: String,
    items: Vec<ItemRow>,
    statuses: Vec<(&'static str, &'static str)>,
    interval: u32,
}

async fn render(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    open: &[plan::Intervention],
    input: ReviewInput,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let today = today_copenhagen(state.clock.now());
    let items = open
        .iter()
        .map(|i| {
            let id = i.id.to_string();
            let typed = input.items.iter().find(|(x, ..)| *x == id);
            ItemRow {
                label: intervention_label(&i.type_id, i.type_other.as_deref()),
                owner: i.owner_name.clone(),
                due: format_date_da(i.next_review_date),
                overdue: i.review_overdue(today),
                status_field: format!("status_{id}"),
                note_field: format!("note_{id}"),
                status: typed.map_or_else(|| i.status.as_str().to_owned(), |t| t.1.clone()),
                note: typed.map(|t| t.2.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let page = ReviewPage {
        page: PageContext::for_user(current, "Opfølgning", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        version: input.version,
        progress: input.progress,
        next_review_date: input.next_review_date,
        items,
        statuses: InterventionStatus::IN_PLAN
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        interval: loaded.municipality.profile.deadlines.review_interval_months,
    };
    layout::render(form_state.status(), &page)
}

async fn open_interventions(
    state: &AppState,
    loaded: &Loaded,
) -> AppResult<Vec<plan::Intervention>> {
    Ok(plan::interventions_of(&state.db, loaded.case.id)
        .await?
        .into_iter()
        .filter(plan::Intervention::is_open)
        .collect())
}

pub(crate) async fn show_review_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::RecordReview)? {
        return not_now(&current, &loaded).await;
    }
    let open = open_interventions(&state, &loaded).await?;
    let today = today_copenhagen(state.clock.now());
    let input = ReviewInput {
        version: loaded.case.version.to_string(),
        next_review_date: format_date_da(add_months(
            today,
            loaded.municipality.profile.deadlines.review_interval_months,
        )),
        ..ReviewInput::default()
    };
    audit_view(&state, &current, &loaded).await?;
    render(
        &state,
        &current,
        &loaded,
        &open,
        input,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_review(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let open = open_interventions(&state, &loaded).await?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut input = ReviewInput {
        version: get("version"),
        progress: get("progress"),
        next_review_date: get("next_review_date"),
        items: open
            .iter()
            .map(|i| {
                let id = i.id.to_string();
                let status = get(&format!("status_{id}"));
                let note = get(&format!("note_{id}"));
                (id, status, note)
            })
            .collect(),
    };
    let verdict = verdict(&loaded, Move::RecordReview)?;
    if let Verdict::Stale = verdict {
        input.version = loaded.case.version.to_string();
        return render(
            &state,
            &current,
            &loaded,
            &open,
            input,
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    let mut errors = FieldErrors::new();
    let progress = forms::text(&mut errors, "progress", &input.progress, true, 8000);
    let next = date_field(&mut errors, "next_review_date", &input.next_review_date);
    let today = today_copenhagen(state.clock.now());
    if next.is_some_and(|d| d <= today) {
        errors.add(
            "next_review_date",
            "Næste opfølgning skal ligge efter i dag.",
        );
    }
    let mut items = Vec::new();
    let mut notes = Vec::new();
    for (i, (id, status, note)) in open.iter().zip(&input.items) {
        let status_field = format!("status_{id}");
        let note_field = format!("note_{id}");
        let status = InterventionStatus::parse_in_plan(status.trim());
        if status.is_none() {
            errors.add(&status_field, "Vælg indsatsens status.");
        }
        notes.push(forms::text(&mut errors, &note_field, note, false, 4000));
        if let Some(status) = status {
            items.push((i.id, status));
        }
    }
    let (Some(progress), Some(next), true) = (progress, next, errors.is_empty()) else {
        return render(
            &state,
            &current,
            &loaded,
            &open,
            input,
            errors,
            FormState::Invalid,
        )
        .await;
    };
    let item_inputs: Vec<review::ReviewItemInput<'_>> = items
        .iter()
        .zip(&notes)
        .map(|((id, status), note)| review::ReviewItemInput {
            intervention: *id,
            status: *status,
            note: note.as_deref(),
        })
        .collect();
    let now = state.clock.now();
    let (case, by) = (loaded.case.id, current.user.id);
    let step = Step::new(Move::RecordReview, &input.version, now);
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        review::record(conn, case, by, &progress, next, &item_inputs, now).await?;
        Ok(true)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        input.version = fresh.case.version.to_string();
        return render(
            &state,
            &current,
            &fresh,
            &open,
            input,
            errors,
            FormState::Conflict,
        )
        .await;
    }
    set_notice(
        &current.session,
        &format!(
            "Opfølgningen er registreret. Næste opfølgning: {}.",
            format_date_da(next)
        ),
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}
