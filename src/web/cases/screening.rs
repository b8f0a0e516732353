//! The police screening: the coordinator sends a case, the district's police see their queue
//! with the profile's working-day deadline, and record the outcome.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{CONFLICT_MESSAGE, Loaded, Verdict, load, not_now, reach_of, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{
    add_working_days, format_date_da, today_copenhagen, working_days_between,
};
use crate::domain::workflow::{Move, NOT_FOR_INFOHUS_NOTE, ScreeningOutcome};
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction};
use crate::store::cases::{self as store, screening};
use crate::store::paging::After;
use crate::web::extract::{Form, Query};
use crate::web::filters;
use crate::web::forms::FormState;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::paging::{PageQuery, Pager};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct VersionForm {
    #[serde(default)]
    pub version: String,
}

/// The coordinator sends a received case to the police; the deadline is the profile's number
/// of working days from today.
pub(crate) async fn submit_send_to_screening(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let now = state.clock.now();
    let due = add_working_days(
        today_copenhagen(now),
        loaded.municipality.profile.deadlines.screening_working_days,
    );
    let step = Step::new(Move::SendToScreening, &form.version, now).screening_due(due);
    if let Taken::Conflict(fresh) =
        step::take(&state, &current, &loaded, step, step::nothing).await?
    {
        return super::show::render(&state, &current, &fresh, Some(CONFLICT_MESSAGE)).await;
    }
    set_notice(
        &current.session,
        &format!(
            "Sagen er sendt til politiets screening med frist {}.",
            format_date_da(due)
        ),
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

struct QueueRow {
    href: String,
    reference: String,
    subject_name: String,
    age: String,
    municipality: String,
    sent_at: OffsetDateTime,
    due: Option<Date>,
    overdue: bool,
    days_over: i64,
}

#[derive(Template)]
#[template(path = "cases/screening_queue.html")]
struct QueuePage {
    page: PageContext,
    rows: Vec<QueueRow>,
    pager: Pager,
    district: String,
    deadline_days: Vec<(String, u32)>,
}

/// Cases in screening in every municipality of the viewer's police district, oldest first.
pub(crate) async fn show_screening_queue(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let reach = reach_of(&state, &current);
    let today = today_copenhagen(state.clock.now());
    let after = q.after();
    let found = store::screening_queue(&state.db, &reach.as_police, after).await?;
    let next = found.next(|r| After {
        at: r.sent_at,
        id: r.id.0,
    });
    let pager = Pager::new("/politi/screening", &[], after, next);
    let shown: Vec<uuid::Uuid> = found.rows.iter().map(|r| r.id.0).collect();
    let rows = found
        .rows
        .into_iter()
        .map(|r| {
            let overdue = r.due.is_some_and(|d| d < today);
            QueueRow {
                href: format!("/sager/{}/screening", r.id),
                reference: r.reference,
                subject_name: r.subject_name,
                age: match (r.subject_birth_date, r.subject_approx_age) {
                    (Some(b), _) => format!("født {}", format_date_da(b)),
                    (None, Some(a)) => format!("ca. {a} år"),
                    (None, None) => "alder ukendt".to_owned(),
                },
                municipality: state
                    .tenants
                    .by_id(r.municipality_id)
                    .map(|m| m.name().to_owned())
                    .unwrap_or_default(),
                sent_at: r.sent_at,
                due: r.due,
                overdue,
                days_over: r.due.map_or(0, |d| working_days_between(d, today)),
            }
        })
        .collect();
    let district = current
        .user
        .police_district_id
        .and_then(|d| state.tenants.district_name(d))
        .unwrap_or("")
        .to_owned();
    let page = QueuePage {
        page: PageContext::for_user(&current, "Politiets screening", "/politi/screening").await?,
        rows,
        pager,
        district,
        deadline_days: reach
            .as_police
            .iter()
            .filter_map(|id| state.tenants.by_id(*id))
            .map(|m| {
                (
                    m.name().to_owned(),
                    m.profile.deadlines.screening_working_days,
                )
            })
            .collect(),
    };
    audit::record(
        &state.db,
        &current
            .audit(AuditAction::QueueViewed)
            .showing(shown)
            .in_district(current.user.police_district_id),
        state.clock.now(),
    )
    .await?;
    layout::ok(&page)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ScreeningForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "cases/screening.html")]
struct ScreeningPage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: ScreeningForm,
    due: Option<String>,
    standard_note: &'static str,
}

fn screening_page(
    page: PageContext,
    loaded: &Loaded,
    form: ScreeningForm,
    errors: FieldErrors,
    state: FormState,
) -> ScreeningPage {
    ScreeningPage {
        page,
        head: CaseHeader::of(loaded),
        conflict: state.conflict(super::CONFLICT_MESSAGE),
        errors,
        form,
        due: loaded.case.screening_due.map(format_date_da),
        standard_note: NOT_FOR_INFOHUS_NOTE,
    }
}

async fn render(
    current: &CurrentUser,
    loaded: &Loaded,
    form: ScreeningForm,
    errors: FieldErrors,
    state: FormState,
) -> AppResult<Response> {
    let page = PageContext::for_user(current, "Politiets screening", "/politi/screening").await?;
    layout::render(
        state.status(),
        &screening_page(page, loaded, form, errors, state),
    )
}

pub(crate) async fn show_screening_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::ScreeningCleared)? {
        return not_now(&current, &loaded).await;
    }
    let form = ScreeningForm {
        version: loaded.case.version.to_string(),
        ..ScreeningForm::default()
    };
    audit_view(&state, &current, &loaded).await?;
    render(
        &current,
        &loaded,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_screening(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(mut form): Form<ScreeningForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let mut errors = FieldErrors::new();
    let outcome = ScreeningOutcome::parse(form.outcome.trim());
    if outcome.is_none() {
        errors.add("outcome", "Vælg politiets vurdering.");
    }
    let note_required = outcome == Some(ScreeningOutcome::NotForInfohus);
    let note = forms::text(&mut errors, "note", &form.note, note_required, 4000);
    let mv = match outcome {
        Some(ScreeningOutcome::NotForInfohus) => Move::ScreeningNotForInfohus,
        _ => Move::ScreeningCleared,
    };
    if let Verdict::Stale = verdict(&loaded, mv)? {
        form.version = loaded.case.version.to_string();
        return render(&current, &loaded, form, errors, FormState::Conflict).await;
    }
    let (Some(outcome), true) = (outcome, errors.is_empty()) else {
        return render(&current, &loaded, form, errors, FormState::Invalid).await;
    };
    let now = state.clock.now();
    let (case, by) = (loaded.case.id, current.user.id);
    let step = Step::new(mv, &form.version, now);
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        screening::record_screening(conn, case, by, outcome, note.as_deref(), now).await?;
        Ok(true)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render(&current, &fresh, form, errors, FormState::Conflict).await;
    }
    set_notice(
        &current.session,
        match outcome {
            ScreeningOutcome::Cleared => {
                "Screeningen er registreret: sagen går videre til fælles vurdering."
            }
            ScreeningOutcome::NotForInfohus => {
                "Screeningen er registreret: politiet håndterer sagen, og den er lukket i Infohus."
            }
        },
    )
    .await?;
    Ok(Redirect::to("/politi/screening").into_response())
}
