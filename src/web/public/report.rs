//! A citizen's report: the form, the receipt code shown once, and the status lookup by that code.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::csrf;
use crate::domain::calendar::today_copenhagen;
use crate::domain::intake::{self, ConcernSource, receipt};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::store::concerns;
use crate::store::rate_limits;
use crate::store::tenants::Municipality;
use crate::web::client_ip::ClientIp;
use crate::web::concerns::acute::{self, AcuteQuery, AcuteStep};
use crate::web::concerns::form::{self, Checked, ConcernForm, FormChoices, FormRules};
use crate::web::concerns::new_concern;
use crate::web::extract::Form;
use crate::web::forms::FieldErrors;
use crate::web::layout::{self, PageContext};

use super::{Info, municipality};

#[derive(Template)]
#[template(path = "public/report.html")]
pub(super) struct ReportPage {
    pub(super) page: PageContext,
    pub(super) m: Info,
    pub(super) form: ConcernForm,
    pub(super) errors: FieldErrors,
    pub(super) choices: FormChoices,
    pub(super) acute: bool,
}

pub(super) async fn render_report(
    session: &Session,
    m: &Municipality,
    form: ConcernForm,
    errors: FieldErrors,
    acute: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let page = ReportPage {
        page: PageContext::anonymous(
            format!("Fortæl om din bekymring – {}", m.name()),
            csrf::token(session).await?,
        ),
        m: Info::of(m),
        form,
        errors,
        choices: FormChoices::new(),
        acute,
    };
    layout::render(status, &page)
}

pub(super) async fn show_citizen_report(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
    Query(answer): Query<AcuteQuery>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let step = answer.step();
    if step != AcuteStep::Form {
        let page = PageContext::anonymous(
            format!("Fortæl om din bekymring – {}", m.name()),
            csrf::token(&session).await?,
        );
        return acute::render(
            page,
            "Fortæl om din bekymring",
            format!("/k/{}/bekymring", m.slug),
            &m.profile.emergency,
            step,
        );
    }
    render_report(
        &session,
        m,
        ConcernForm::default(),
        FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

pub(super) fn receipt_key(slug: &str) -> String {
    format!("receipt:{slug}")
}

pub(super) fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

pub(super) async fn submit_citizen_report(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(form): Form<ConcernForm>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let now = state.clock.now();
    within_limit(
        &state,
        "public_report",
        &ip,
        state.settings.rate_limits.public_reports_per_ip,
    )
    .await?;
    let mut errors = FieldErrors::new();
    if !form.website.trim().is_empty() {
        // People never see the field; whatever filled it in is not a person.
        errors.add("website", "Formularen kunne ikke sendes. Lad feltet «Lad dette felt være tomt» være tomt, og prøv igen.");
        return render_report(
            &session,
            m,
            form,
            errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let rules = FormRules {
        today: today_copenhagen(now),
        citizen: true,
        offers_direct: false,
    };
    let valid = match form::validate(&form, rules, &mut errors) {
        Checked::Valid(valid) => valid,
        Checked::Acute => {
            return render_report(
                &session,
                m,
                form,
                errors,
                true,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Checked::Invalid => {
            return render_report(
                &session,
                m,
                form,
                errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let code = receipt::generate(&mut rand::rngs::OsRng);
    let hash = receipt::normalise(&code).map(|c| receipt::hash(&c));
    let status = intake::initial_status(
        m.profile.routes_via_leader,
        ConcernSource::Citizen,
        false,
        false,
    );
    let new = new_concern(*valid, m, status, ConcernSource::Citizen, None, None, hash);
    let mut tx = state.db.begin().await?;
    let id = concerns::file(&mut tx, &new, now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::new(AuditAction::ConcernFiled)
            .on(ObjectType::Concern, id.0)
            .in_municipality(Some(m.id))
            .in_district(Some(m.police_district_id))
            .request(&request_id(&headers)),
        now,
    )
    .await?;
    tx.commit().await?;
    // The code is shown once, on the next page, and then forgotten: only its hash is kept.
    session.insert(&receipt_key(&m.slug), &code).await?;
    Ok(Redirect::to(&format!("/k/{}/kvittering", m.slug)).into_response())
}

#[derive(Template)]
#[template(path = "public/receipt.html")]
pub(super) struct ReceiptPage {
    pub(super) page: PageContext,
    pub(super) m: Info,
    pub(super) code: Option<String>,
}

pub(super) async fn show_receipt(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let code = session.remove::<String>(&receipt_key(&m.slug)).await?;
    let page = ReceiptPage {
        page: PageContext::anonymous("Tak for din henvendelse", String::new()),
        m: Info::of(m),
        code,
    };
    layout::ok(&page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct StatusForm {
    pub(super) code: String,
}

#[derive(Template)]
#[template(path = "public/status.html")]
pub(super) struct StatusPage {
    pub(super) page: PageContext,
    pub(super) m: Info,
    pub(super) code: String,
    /// The one word a citizen is told, when the code was found.
    pub(super) found: Option<&'static str>,
    pub(super) not_found: bool,
}

pub(super) async fn show_status_lookup(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let page = StatusPage {
        page: PageContext::anonymous(
            "Se status for din henvendelse",
            csrf::token(&session).await?,
        ),
        m: Info::of(m),
        code: String::new(),
        found: None,
        not_found: false,
    };
    layout::ok(&page)
}

pub(super) async fn submit_status_lookup(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(form): Form<StatusForm>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let now = state.clock.now();
    within_limit(
        &state,
        "status_lookup",
        &ip,
        state.settings.rate_limits.status_lookups_per_ip,
    )
    .await?;
    let found = match receipt::normalise(&form.code) {
        Some(code) => concerns::by_receipt(&state.db, m.id, &receipt::hash(&code)).await?,
        None => None,
    };
    // Every lookup is logged; one that found nothing names no concern, so that guessing shows.
    let mut event = AuditEvent::new(AuditAction::ConcernStatusLookedUp)
        .in_municipality(Some(m.id))
        .in_district(Some(m.police_district_id))
        .request(&request_id(&headers));
    if let Some(found) = &found {
        event = event.on(ObjectType::Concern, found.id.0);
    }
    audit::record(&state.db, &event, now).await?;
    let page = StatusPage {
        page: PageContext::anonymous(
            "Se status for din henvendelse",
            csrf::token(&session).await?,
        ),
        m: Info::of(m),
        code: form.code.chars().take(40).collect(),
        found: found.as_ref().map(|f| f.status.label()),
        not_found: found.is_none(),
    };
    layout::ok(&page)
}

/// Counts one request from `ip` against the public form's limit; over it, 429.
async fn within_limit(state: &AppState, what: &str, ip: &str, limit: i32) -> AppResult<()> {
    let window = state.settings.rate_limits.window();
    let key = format!("{what}:{ip}");
    if rate_limits::hit(&state.db, &key, limit, window, state.clock.now()).await? {
        Ok(())
    } else {
        Err(AppError::TooManyRequests)
    }
}
