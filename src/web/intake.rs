//! The coordinator's intake queue: concerns that have reached Infohus, oldest first, each opened
//! in full and either joined to the person's existing case or made into a new one.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, format_datetime_da, today_copenhagen};
use crate::domain::ids::{CaseId, ConcernId};
use crate::domain::intake::AddendumReader;
use crate::domain::policy::{self, Capability, ConcernAccess};
use crate::domain::workflow::ConcernStatus;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::cases::{self, CaseBrief, NewCase, OpenCaseError};
use crate::store::concerns::{self, Concern};
use crate::store::tenants::Municipality;
use crate::web::concern_views::{
    AddendumView, ConcernView, HistoryView, concern_event, history_views, visible_addenda,
};
use crate::web::concerns::form::{SubjectInput, validate_subject};
use crate::web::extract::{Form, parse_id};
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .requires(
            "/infohus/indgang",
            Capability::IntakeQueue,
            get(show_intake_queue),
        )
        .requires(
            "/infohus/indgang/{id}",
            Capability::IntakeQueue,
            get(show_intake_concern),
        )
        .requires(
            "/infohus/indgang/{id}/tilknyt",
            Capability::IntakeQueue,
            post(submit_link_case),
        )
        .requires(
            "/infohus/indgang/{id}/opret-sag",
            Capability::IntakeQueue,
            post(submit_open_case),
        )
}

const CONFLICT: &str =
    "Bekymringen er blevet behandlet af en anden, mens du havde den åben. Se den, som den er nu.";

/// The person's age as the queue shows it.
fn age_text(
    birth: Option<time::Date>,
    approx: Option<i16>,
    minor: bool,
    today: time::Date,
) -> String {
    match (birth, approx) {
        (Some(b), _) => format!(
            "{} år (født {})",
            crate::domain::intake::age_on(b, today),
            format_date_da(b)
        ),
        (None, Some(a)) => format!("ca. {a} år"),
        (None, None) if minor => "under 18 år".to_owned(),
        (None, None) => "18 år eller derover".to_owned(),
    }
}

struct QueueLine {
    id: String,
    received: String,
    days: i64,
    source: &'static str,
    subject_name: String,
    age: String,
    kind: &'static str,
    read: bool,
    direct: bool,
    repeat: bool,
}

#[derive(Template)]
#[template(path = "intake/queue.html")]
struct QueuePage {
    page: PageContext,
    infohus_name: String,
    rows: Vec<QueueLine>,
}

fn own_municipality<'a>(state: &'a AppState, current: &CurrentUser) -> Option<&'a Municipality> {
    current
        .user
        .municipality_id
        .and_then(|m| state.tenants.by_id(m))
}

async fn show_intake_queue(
    State(state): State<AppState>,
    current: CurrentUser,
) -> AppResult<Response> {
    let now = state.clock.now();
    let today = today_copenhagen(now);
    let municipality = own_municipality(&state, &current);
    let rows = match municipality {
        Some(m) => {
            let rows = concerns::intake_queue(&state.db, m.id).await?;
            audit::record(
                &state.db,
                &current
                    .audit(AuditAction::QueueViewed)
                    .showing(rows.iter().map(|r| r.id.0))
                    .on(ObjectType::Municipality, m.id.0)
                    .in_municipality(Some(m.id))
                    .in_district(Some(m.police_district_id)),
                now,
            )
            .await?;
            rows
        }
        None => Vec::new(),
    };
    let rows = rows
        .into_iter()
        .map(|r| QueueLine {
            id: r.id.to_string(),
            received: format_datetime_da(r.received_at),
            days: (today - today_copenhagen(r.received_at)).whole_days(),
            source: r.source.label(),
            age: age_text(
                r.subject_birth_date,
                r.subject_approx_age,
                r.subject_is_minor,
                today,
            ),
            subject_name: r.subject_name,
            kind: r.kind.label(),
            read: r.read_by_coordinator_at.is_some(),
            direct: r.direct_to_infohus,
            repeat: r.repeat,
        })
        .collect();
    let page = QueuePage {
        page: PageContext::for_user(&current, "Indgang", "/infohus/indgang").await?,
        infohus_name: municipality
            .map(|m| m.infohus_name().to_owned())
            .unwrap_or_else(|| "Infohus".to_owned()),
        rows,
    };
    layout::ok(&page)
}

/// The person as the coordinator registers them on a new case, prefilled from the concern.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct OpenCaseForm {
    version: i32,
    subject_name: String,
    subject_birth_date: String,
    subject_approx_age: String,
    subject_under_18: String,
    subject_cpr: String,
    subject_address: String,
}

impl OpenCaseForm {
    fn from_concern(c: &Concern) -> OpenCaseForm {
        OpenCaseForm {
            version: c.version,
            subject_name: c.subject_name.clone(),
            subject_birth_date: c.subject_birth_date.map(format_date_da).unwrap_or_default(),
            subject_approx_age: c
                .subject_approx_age
                .map(|a| a.to_string())
                .unwrap_or_default(),
            subject_under_18: if c.subject_is_minor { "ja" } else { "nej" }.to_owned(),
            subject_cpr: c.subject_cpr.clone().unwrap_or_default(),
            subject_address: c.subject_address.clone().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct LinkForm {
    version: i32,
    reference: String,
}

struct CandidateLine {
    reference: String,
    stage: &'static str,
    open: bool,
    subject_name: String,
    age: String,
    opened: String,
    same_cpr: bool,
}

#[derive(Template)]
#[template(path = "intake/show.html")]
struct IntakePage {
    page: PageContext,
    c: ConcernView,
    addenda: Vec<AddendumView>,
    history: Vec<HistoryView>,
    waiting: bool,
    repeat: bool,
    candidates: Vec<CandidateLine>,
    open: OpenCaseForm,
    reference: String,
    /// The person's existing case when a new one was refused for the same CPR number.
    existing: Option<CaseBrief>,
    errors: FieldErrors,
    conflict: Option<&'static str>,
}

struct Outcome {
    open: Option<OpenCaseForm>,
    reference: String,
    existing: Option<CaseBrief>,
    errors: FieldErrors,
    conflict: Option<&'static str>,
    status: StatusCode,
}

impl Outcome {
    fn fresh() -> Outcome {
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
async fn load(state: &AppState, current: &CurrentUser, raw: &str) -> AppResult<Concern> {
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
async fn render(
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
        c: ConcernView::new(concern, true),
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

async fn show_intake_concern(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let concern = load(&state, &current, &raw).await?;
    render(&state, &current, &concern, Outcome::fresh()).await
}

/// Someone handled the concern first: show it as it is now, with 409.
async fn conflict(state: &AppState, current: &CurrentUser, id: ConcernId) -> AppResult<Response> {
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

/// Records the link (concern history, audit on the concern and the case) inside `tx`.
async fn link_in(
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
    cases::mark_updated(&mut *tx, case, now).await?;
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

async fn submit_link_case(
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

async fn submit_open_case(
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

fn cpr_taken_message(existing: &CaseBrief) -> String {
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
