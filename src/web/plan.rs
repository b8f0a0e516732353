//! The municipality's plan against radicalisation and extremism: when it was last revised and
//! when the steering group revises it next (a task for them and the coordinators when it falls
//! due); and the log of awareness talks and training sessions held, which the quarterly figures
//! count.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{add_months, format_date_da, today_copenhagen};
use crate::domain::ids::MunicipalityId;
use crate::domain::policy::Capability;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::plans::{self, NewSession, SessionKind};
use crate::web::cases::date_field;
use crate::web::extract::{Form, Query};
use crate::web::filters;
use crate::web::forms::{self, FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::paging::Pager;
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .requires(
            "/beredskabsplan",
            Capability::PlanRevision,
            get(show_plan).post(submit_plan),
        )
        .requires(
            "/oplysning",
            Capability::AwarenessLog,
            get(show_sessions).post(submit_session),
        )
}

fn municipality(current: &CurrentUser) -> AppResult<MunicipalityId> {
    current.user.municipality_id.ok_or(AppError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
struct PlanForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    revised: String,
    #[serde(default)]
    next: String,
}

#[derive(Template)]
#[template(path = "plan/revision.html")]
struct PlanPage {
    page: PageContext,
    name: String,
    url: Option<String>,
    revision_months: u32,
    last_revised: Option<time::Date>,
    next_revision: time::Date,
    overdue: bool,
    updated: Option<String>,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: PlanForm,
}

async fn render_plan(
    state: &AppState,
    current: &CurrentUser,
    form: Option<PlanForm>,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let m = municipality(current)?;
    let profile = &state.tenants.by_id(m).ok_or(AppError::NotFound)?.profile;
    let plan = plans::revision(&state.db, m)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = today_copenhagen(state.clock.now());
    let form = form.unwrap_or_else(|| PlanForm {
        version: plan.version.to_string(),
        revised: format_date_da(today),
        next: format_date_da(add_months(today, profile.plan.revision_months)),
    });
    let page = PlanPage {
        page: PageContext::for_user(current, "Beredskabsplanen", "/beredskabsplan").await?,
        name: profile.name.clone(),
        url: profile.plan.url.clone(),
        revision_months: profile.plan.revision_months,
        last_revised: plan.last_revised,
        next_revision: plan.next_revision,
        overdue: plan.next_revision < today,
        updated: plan.updated_by.map(|by| format!("{by}, {}", format_date_da(today_copenhagen(plan.updated_at)))),
        conflict: form_state.conflict(
            "Revisionen er registreret af en anden, mens du havde formularen åben, så intet er gemt. Datoerne ovenfor er de nye.",
        ),
        errors,
        form,
    };
    layout::render(form_state.status(), &page)
}

async fn show_plan(State(state): State<AppState>, current: CurrentUser) -> AppResult<Response> {
    render_plan(&state, &current, None, FieldErrors::new(), FormState::Fresh).await
}

async fn submit_plan(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(mut form): Form<PlanForm>,
) -> AppResult<Response> {
    let m = municipality(&current)?;
    let now = state.clock.now();
    let today = today_copenhagen(now);
    let mut errors = FieldErrors::new();
    let revised = date_field(&mut errors, "revised", &form.revised);
    if revised.is_some_and(|d| d > today) {
        errors.add("revised", "Revisionen kan ikke ligge i fremtiden.");
    }
    let next = date_field(&mut errors, "next", &form.next);
    if let (Some(r), Some(n)) = (revised, next) {
        if n <= r {
            errors.add("next", "Næste revision skal ligge efter denne.");
        } else if n > add_months(r, 48) {
            errors.add("next", "Planen skal revideres mindst hvert fjerde år.");
        }
    }
    let version = form.version.trim().parse::<i32>().ok();
    let (Some(revised), Some(next), Some(version), true) =
        (revised, next, version, errors.is_empty())
    else {
        return render_plan(&state, &current, Some(form), errors, FormState::Invalid).await;
    };
    let mut tx = state.db.begin().await?;
    if !plans::record_revision(&mut *tx, m, version, revised, next, current.user.id, now).await? {
        tx.rollback().await?;
        if let Some(fresh) = plans::revision(&state.db, m).await? {
            form.version = fresh.version.to_string();
        }
        return render_plan(
            &state,
            &current,
            Some(form),
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    audit::record(
        &mut *tx,
        &current
            .audit(AuditAction::PlanRevised)
            .on(ObjectType::Municipality, m.0)
            .in_municipality(Some(m))
            .detail(
                serde_json::json!({ "revised": revised.to_string(), "next": next.to_string() }),
            ),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(
        &current.session,
        &format!(
            "Revisionen er registreret. Næste revision: {}.",
            format_date_da(next)
        ),
    )
    .await?;
    Ok(Redirect::to("/beredskabsplan").into_response())
}

#[derive(Debug, Default, Deserialize)]
struct SessionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    attendees: String,
}

#[derive(Debug, Default, Deserialize)]
struct SessionsQuery {
    /// The page after this session: its day and id.
    #[serde(default)]
    efter: String,
}

struct SessionRow {
    kind: &'static str,
    held_on: time::Date,
    place: String,
    audience: String,
    attendees: i32,
}

#[derive(Template)]
#[template(path = "plan/sessions.html")]
struct SessionsPage {
    page: PageContext,
    errors: FieldErrors,
    form: SessionForm,
    kinds: Vec<(&'static str, &'static str)>,
    rows: Vec<SessionRow>,
    pager: Pager,
}

fn cursor(raw: &str) -> Option<(time::Date, uuid::Uuid)> {
    let (day, id) = raw.trim().split_once('.')?;
    let day = time::Date::parse(day, &time::format_description::well_known::Iso8601::DATE).ok()?;
    Some((day, uuid::Uuid::parse_str(id).ok()?))
}

async fn render_sessions(
    state: &AppState,
    current: &CurrentUser,
    form: SessionForm,
    errors: FieldErrors,
    form_state: FormState,
    after: Option<(time::Date, uuid::Uuid)>,
) -> AppResult<Response> {
    let m = municipality(current)?;
    let found = plans::sessions(&state.db, m, after).await?;
    let next = found
        .rows
        .last()
        .filter(|_| found.more)
        .map(|s| format!("/oplysning?efter={}.{}", s.held_on, s.id));
    let page = SessionsPage {
        page: PageContext::for_user(current, "Oplysning og undervisning", "/oplysning").await?,
        errors,
        form,
        kinds: SessionKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        rows: found
            .rows
            .into_iter()
            .map(|s| SessionRow {
                kind: s.kind.label(),
                held_on: s.held_on,
                place: s.place,
                audience: s.audience,
                attendees: s.attendees,
            })
            .collect(),
        pager: Pager {
            first: after.map(|_| "/oplysning".to_owned()),
            next,
        },
    };
    layout::render(form_state.status(), &page)
}

async fn show_sessions(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<SessionsQuery>,
) -> AppResult<Response> {
    let form = SessionForm {
        held_on: format_date_da(today_copenhagen(state.clock.now())),
        ..SessionForm::default()
    };
    render_sessions(
        &state,
        &current,
        form,
        FieldErrors::new(),
        FormState::Fresh,
        cursor(&q.efter),
    )
    .await
}

async fn submit_session(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<SessionForm>,
) -> AppResult<Response> {
    let m = municipality(&current)?;
    let now = state.clock.now();
    let mut errors = FieldErrors::new();
    let kind = SessionKind::parse(form.kind.trim());
    if kind.is_none() {
        errors.add("kind", "Vælg, hvad der blev holdt.");
    }
    let held_on = date_field(&mut errors, "held_on", &form.held_on);
    if held_on.is_some_and(|d| d > today_copenhagen(now)) {
        errors.add("held_on", "Registrér det, når det er holdt.");
    }
    let place = forms::text(&mut errors, "place", &form.place, true, 200);
    let audience = forms::text(&mut errors, "audience", &form.audience, true, 200);
    let attendees = form
        .attendees
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (1..=10_000).contains(n));
    if attendees.is_none() {
        errors.add(
            "attendees",
            "Skriv antallet af deltagere som et tal fra 1 til 10.000.",
        );
    }
    let (Some(kind), Some(held_on), Some(place), Some(audience), Some(attendees), true) =
        (kind, held_on, place, audience, attendees, errors.is_empty())
    else {
        return render_sessions(&state, &current, form, errors, FormState::Invalid, None).await;
    };
    let mut tx = state.db.begin().await?;
    plans::add_session(
        &mut *tx,
        m,
        &NewSession {
            kind,
            held_on,
            place: &place,
            audience: &audience,
            attendees,
        },
        current.user.id,
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        &current
            .audit(AuditAction::AwarenessSessionRecorded)
            .on(ObjectType::Municipality, m.0)
            .in_municipality(Some(m)),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(&current.session, "Det er registreret.").await?;
    Ok(Redirect::to("/oplysning").into_response())
}
