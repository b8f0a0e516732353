//! The person's access request (GDPR art. 15), answered by the municipality's coordinator
//! without a developer: a search by CPR number, logged with its criterion and the purpose the
//! coordinator states, gives one printable page (A4) and a JSON download of everything held
//! about the person in the municipality, the access log with the purpose of every look
//! included. The police's internal note is withheld unless the coordinator chooses otherwise,
//! with the reason printed. Every search and export is in the audit trail.

mod document;
mod report;

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::today_copenhagen;
use crate::domain::cpr;
use crate::domain::policy::Capability;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::cases;
use crate::store::concerns;
use crate::web::extract::Form;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext};
use crate::web::routes::Routes;

use document::Report;
use report::{Found, Options};

pub fn routes() -> Routes {
    Routes::new()
        .requires(
            "/indsigt",
            Capability::AccessRequest,
            get(show_form).post(submit_search),
        )
        .requires(
            "/indsigt/json",
            Capability::AccessRequest,
            post(submit_json),
        )
}

const PURPOSE_MAX: usize = 500;
const REASON_MAX: usize = 2000;
const DEFAULT_WITHHOLD_REASON: &str = "Politiets interne note er undtaget efter retsplejelovens § 115, stk. 2: oplysninger udvekslet med politiet i Infohus må ikke videregives.";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RequestForm {
    cpr: String,
    /// Why the coordinator searches, e.g. "Anmodning om indsigt modtaget 3.12.2026".
    purpose: String,
    /// "ja" to give the police's internal note after all.
    include_police_note: String,
    withhold_reason: String,
}

#[derive(Template)]
#[template(path = "access_request/form.html")]
struct FormPage {
    page: PageContext,
    errors: FieldErrors,
    form: RequestForm,
}

#[derive(Template)]
#[template(path = "access_request/report.html")]
struct ReportPage {
    page: PageContext,
    form: RequestForm,
    report: Report,
}

async fn render_form(
    current: &CurrentUser,
    form: RequestForm,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let page = FormPage {
        page: PageContext::for_user(current, "Indsigt for en person", "/indsigt").await?,
        errors,
        form,
    };
    layout::render(status, &page)
}

async fn show_form(current: CurrentUser) -> AppResult<Response> {
    let form = RequestForm {
        withhold_reason: DEFAULT_WITHHOLD_REASON.to_owned(),
        ..RequestForm::default()
    };
    render_form(&current, form, FieldErrors::new(), StatusCode::OK).await
}

/// A checked request: the person's CPR number as stored, and what the coordinator chose.
struct Checked {
    cpr: String,
    purpose: String,
    include_police_note: bool,
    withhold_reason: String,
}

fn check(form: &RequestForm, errors: &mut FieldErrors) -> Option<Checked> {
    let cpr = match form.cpr.trim() {
        "" => {
            errors.add("cpr", "Skriv personens CPR-nummer.");
            None
        }
        raw if raw.chars().count() > 20 => {
            errors.add("cpr", cpr::CprError::Format.message());
            None
        }
        raw => match cpr::parse(raw) {
            Ok(c) => Some(c.as_str().to_owned()),
            Err(e) => {
                errors.add("cpr", format!("{}.", e.message()));
                None
            }
        },
    };
    let purpose = forms::text(errors, "purpose", &form.purpose, true, PURPOSE_MAX);
    let include = forms::tick(
        errors,
        "include_police_note",
        &form.include_police_note,
        "Sæt kryds, hvis politiets note skal med, ellers lad feltet være tomt.",
    )
    .unwrap_or(false);
    let reason = forms::text(
        errors,
        "withhold_reason",
        &form.withhold_reason,
        !include,
        REASON_MAX,
    );
    Some(Checked {
        cpr: cpr?,
        purpose: purpose?,
        include_police_note: include,
        withhold_reason: reason.unwrap_or_default(),
    })
    .filter(|_| errors.is_empty())
}

/// Finds the person and writes the audit row of the search or export, found or not.
async fn find_and_log(
    state: &AppState,
    current: &CurrentUser,
    form: &RequestForm,
    action: AuditAction,
) -> AppResult<Result<(Checked, Found), (FieldErrors, StatusCode)>> {
    let municipality = current.user.municipality_id.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let checked = check(form, &mut errors);
    let found = match &checked {
        Some(c) => Some(Found {
            case: cases::brief_by_cpr(&state.db, municipality, &c.cpr)
                .await?
                .map(|b| b.id),
            unlinked: concerns::unlinked_by_cpr(&state.db, municipality, &c.cpr).await?,
        }),
        None => None,
    };
    let criterion = match &checked {
        Some(c) => format!("cpr:{}", c.cpr),
        None => "cpr:ugyldigt".to_owned(),
    };
    let mut event = current
        .audit(action)
        .in_municipality(Some(municipality))
        .searching(Some(criterion))
        .detail(serde_json::json!({
            "purpose": match &checked {
                Some(c) => c.purpose.clone(),
                None => form.purpose.chars().take(PURPOSE_MAX).collect::<String>(),
            },
        }));
    if let Some(case) = found.as_ref().and_then(|f| f.case) {
        event = event.on(ObjectType::Case, case.0);
    }
    audit::record(&state.db, &event, state.clock.now()).await?;
    match (checked, found) {
        (Some(c), Some(f)) if f.case.is_some() || !f.unlinked.is_empty() => Ok(Ok((c, f))),
        // Unknown, or another municipality's: not found, like any other miss.
        (Some(_), _) => {
            errors.add(
                "cpr",
                "Infohus har ingen oplysninger om en person med dette CPR-nummer i kommunen.",
            );
            Ok(Err((errors, StatusCode::NOT_FOUND)))
        }
        (None, _) => Ok(Err((errors, StatusCode::UNPROCESSABLE_ENTITY))),
    }
}

async fn build(
    state: &AppState,
    current: &CurrentUser,
    checked: &Checked,
    found: &Found,
) -> AppResult<Report> {
    let municipality = current.user.municipality_id.ok_or(AppError::NotFound)?;
    report::build(
        state,
        municipality,
        &checked.cpr,
        found,
        &Options {
            include_police_note: checked.include_police_note,
            withhold_reason: &checked.withhold_reason,
        },
        current.user.id,
        state.clock.now(),
    )
    .await
}

async fn submit_search(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let (checked, found) =
        match find_and_log(&state, &current, &form, AuditAction::AccessRequestSearched).await? {
            Ok(hit) => hit,
            Err((errors, status)) => return render_form(&current, form, errors, status).await,
        };
    let report = build(&state, &current, &checked, &found).await?;
    let page = ReportPage {
        page: PageContext::for_user(&current, "Indsigt for en person", "/indsigt").await?,
        form,
        report,
    };
    layout::ok(&page)
}

async fn submit_json(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let (checked, found) =
        match find_and_log(&state, &current, &form, AuditAction::AccessRequestExported).await? {
            Ok(hit) => hit,
            Err((errors, status)) => return render_form(&current, form, errors, status).await,
        };
    let report = build(&state, &current, &checked, &found).await?;
    let body = serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?;
    let filename = format!(
        "infohus-indsigt-{}.json",
        today_copenhagen(state.clock.now())
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}
