//! The public pages of a municipality, no login: what to do if worried, the printable action
//! card, a citizen's report (anonymous allowed) with its receipt code, and the status lookup.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::csrf;
use crate::domain::calendar::today_copenhagen;
use crate::domain::catalogue::{self, SignGroup};
use crate::domain::intake::{self, ConcernSource, receipt};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::store::concerns;
use crate::store::rate_limits;
use crate::store::tenants::Municipality;
use crate::web::client_ip::ClientIp;
use crate::web::concerns::form::{self, Checked, ConcernForm, FormChoices, FormRules};
use crate::web::concerns::new_concern;
use crate::web::extract::Form;
use crate::web::forms::FieldErrors;
use crate::web::layout::{self, PageContext};
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .public("/k/{kommune}", get(show_public_page))
        .public("/k/{kommune}/actioncard", get(show_action_card))
        .public(
            "/k/{kommune}/bekymring",
            get(show_citizen_report).post(submit_citizen_report),
        )
        .public("/k/{kommune}/kvittering", get(show_receipt))
        .public(
            "/k/{kommune}/status",
            get(show_status_lookup).post(submit_status_lookup),
        )
}

/// What every public page shows of the municipality, from its profile.
struct Info {
    slug: String,
    name: String,
    infohus_name: String,
    emergency: String,
    hotline: String,
    hotline_hours: String,
    contacts: Vec<ContactView>,
    shared_email: Option<String>,
    routes_via_leader: bool,
    police_district: String,
    /// Where the public page is, printed on the action card.
    page_url: String,
}

impl Info {
    fn of(m: &Municipality) -> Info {
        let p = &m.profile;
        Info {
            slug: m.slug.clone(),
            name: p.name.clone(),
            infohus_name: p.infohus_name.clone(),
            emergency: p.emergency.clone(),
            hotline: p.hotline.clone(),
            hotline_hours: p.hotline_hours.clone(),
            contacts: p
                .contacts
                .iter()
                .map(|c| ContactView {
                    name: c.name.clone(),
                    role: c.role.clone(),
                    tel: c.phone.as_deref().map(|p| {
                        p.chars()
                            .filter(|c| c.is_ascii_digit() || *c == '+')
                            .collect()
                    }),
                    phone: c.phone.clone(),
                    email: c.email.clone(),
                })
                .collect(),
            shared_email: p.shared_email.clone(),
            routes_via_leader: p.routes_via_leader,
            police_district: p.police_district.name.clone(),
            page_url: format!("/k/{}", m.slug),
        }
    }
}

/// A contact of the action card, with the number also in the form a `tel:` link needs.
struct ContactView {
    name: String,
    role: String,
    phone: Option<String>,
    tel: Option<String>,
    email: Option<String>,
}

/// The warning signs and definitions of both plans, in plain Danish for a worried citizen or a
/// new employee.
struct Guidance {
    definition_extremism: &'static str,
    definition_radicalisation: &'static str,
    caveat: &'static str,
    signs_individual: Vec<&'static str>,
    signs_social: Vec<&'static str>,
}

impl Guidance {
    fn new() -> Guidance {
        let plain = |g: SignGroup| {
            catalogue::warning_signs_in(g)
                .map(|s| s.plain)
                .collect::<Vec<_>>()
        };
        Guidance {
            definition_extremism: catalogue::PLAIN_DEFINITION_EXTREMISM,
            definition_radicalisation: catalogue::PLAIN_DEFINITION_RADICALISATION,
            caveat: catalogue::PLAIN_WARNING_SIGNS_CAVEAT,
            signs_individual: plain(SignGroup::Individual),
            signs_social: plain(SignGroup::Social),
        }
    }
}

fn municipality<'a>(state: &'a AppState, slug: &str) -> AppResult<&'a Municipality> {
    state.tenants.by_slug(slug).ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "public/index.html")]
struct PublicPage {
    page: PageContext,
    m: Info,
    g: Guidance,
}

async fn show_public_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let page = PublicPage {
        page: PageContext::anonymous(
            format!("Bekymret for radikalisering – {}", m.name()),
            String::new(),
        ),
        m: Info::of(m),
        g: Guidance::new(),
    };
    layout::ok(&page)
}

#[derive(Template)]
#[template(path = "public/actioncard.html")]
struct ActionCardPage {
    page: PageContext,
    m: Info,
    g: Guidance,
}

async fn show_action_card(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let mut info = Info::of(m);
    info.page_url = format!(
        "{}{}",
        state.settings.server.public_url.trim_end_matches('/'),
        info.page_url
    );
    let page = ActionCardPage {
        page: PageContext::anonymous(format!("Actioncard – {}", m.name()), String::new()),
        m: info,
        g: Guidance::new(),
    };
    layout::ok(&page)
}

#[derive(Template)]
#[template(path = "public/report.html")]
struct ReportPage {
    page: PageContext,
    m: Info,
    form: ConcernForm,
    errors: FieldErrors,
    choices: FormChoices,
    acute: bool,
}

async fn render_report(
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

async fn show_citizen_report(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
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

fn receipt_key(slug: &str) -> String {
    format!("receipt:{slug}")
}

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

async fn submit_citizen_report(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(form): Form<ConcernForm>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let now = state.clock.now();
    let limit = state.settings.rate_limits.public_reports_per_ip;
    let window = state.settings.rate_limits.window();
    if !rate_limits::hit(
        &state.db,
        &format!("public_report:{ip}"),
        limit,
        window,
        now,
    )
    .await?
    {
        return Err(AppError::TooManyRequests);
    }
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
struct ReceiptPage {
    page: PageContext,
    m: Info,
    code: Option<String>,
}

async fn show_receipt(
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
struct StatusForm {
    code: String,
}

#[derive(Template)]
#[template(path = "public/status.html")]
struct StatusPage {
    page: PageContext,
    m: Info,
    code: String,
    /// The one word a citizen is told, when the code was found.
    found: Option<&'static str>,
    not_found: bool,
}

async fn show_status_lookup(
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

async fn submit_status_lookup(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(form): Form<StatusForm>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let now = state.clock.now();
    let limit = state.settings.rate_limits.status_lookups_per_ip;
    let window = state.settings.rate_limits.window();
    if !rate_limits::hit(
        &state.db,
        &format!("status_lookup:{ip}"),
        limit,
        window,
        now,
    )
    .await?
    {
        return Err(AppError::TooManyRequests);
    }
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
