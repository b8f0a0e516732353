//! Concerns as staff see them: filing one, the reporter's own list, the leader's inbox, the key
//! employee's overview of the unit, and one concern with what the viewer may do with it.

pub mod form;
pub(crate) mod show;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, format_datetime_da, today_copenhagen};
use crate::domain::intake::{self, ConcernSource};
use crate::domain::policy::Capability;
use crate::domain::workflow::ConcernStatus;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::concerns::{self, NewConcern, UnitRow};
use crate::store::tenants::Municipality;
use crate::store::users::User;
use crate::web::extract::Form;
use crate::web::forms::FieldErrors;
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::routes::Routes;
use form::{Checked, ConcernForm, FormChoices, FormRules};

pub fn routes() -> Routes {
    Routes::new()
        .requires(
            "/bekymringer/ny",
            Capability::FileConcern,
            get(show_new_concern).post(submit_new_concern),
        )
        .requires(
            "/bekymringer",
            Capability::FollowOwnConcerns,
            get(list_own_concerns),
        )
        .requires(
            "/bekymringer/{id}",
            Capability::FollowOwnConcerns,
            get(show::show_concern),
        )
        .requires(
            "/bekymringer/{id}/videresend",
            Capability::LeaderInbox,
            post(show::submit_forward),
        )
        .requires(
            "/bekymringer/{id}/returner",
            Capability::LeaderInbox,
            post(show::submit_return),
        )
        .requires(
            "/bekymringer/{id}/svar",
            Capability::FollowOwnConcerns,
            post(show::submit_reply),
        )
        .requires(
            "/bekymringer/{id}/tilfoej",
            Capability::FollowOwnConcerns,
            post(show::submit_note),
        )
        .requires(
            "/leder/indbakke",
            Capability::LeaderInbox,
            get(show_leader_inbox),
        )
        .requires(
            "/enhed/bekymringer",
            Capability::UnitConcerns,
            get(show_unit_concerns),
        )
}

/// The municipalities a user may file a concern in: their own, or, for police, those of their
/// district.
fn filing_municipalities<'a>(state: &'a AppState, user: &User) -> Vec<&'a Municipality> {
    if let Some(m) = user.municipality_id {
        state.tenants.by_id(m).into_iter().collect()
    } else if let Some(d) = user.police_district_id {
        state.tenants.in_district(d).collect()
    } else {
        Vec::new()
    }
}

#[derive(Template)]
#[template(path = "concerns/new.html")]
struct NewConcernPage {
    page: PageContext,
    form: ConcernForm,
    errors: FieldErrors,
    choices: FormChoices,
    acute: bool,
    offers_direct: bool,
    via_leader: bool,
    infohus_name: String,
    /// Slug and name, when the user must choose (police serving several municipalities).
    municipalities: Vec<(String, String)>,
}

struct Filing<'a> {
    municipalities: Vec<&'a Municipality>,
    source: ConcernSource,
    offers_direct: bool,
}

fn filing<'a>(state: &'a AppState, user: &User) -> AppResult<Filing<'a>> {
    let municipalities = filing_municipalities(state, user);
    let source = ConcernSource::for_roles(&user.roles).ok_or(AppError::Forbidden)?;
    if municipalities.is_empty() {
        return Err(AppError::Forbidden);
    }
    let offers_direct = match municipalities.as_slice() {
        [m] => intake::offers_direct_choice(
            m.profile.routes_via_leader,
            source,
            user.unit_id.is_some(),
        ),
        _ => false,
    };
    Ok(Filing {
        municipalities,
        source,
        offers_direct,
    })
}

async fn render_new(
    current: &CurrentUser,
    filing: &Filing<'_>,
    form: ConcernForm,
    errors: FieldErrors,
    acute: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let single = match filing.municipalities.as_slice() {
        [m] => Some(*m),
        _ => None,
    };
    let page = NewConcernPage {
        page: PageContext::for_user(current, "Ny bekymring", "/bekymringer/ny").await?,
        form,
        errors,
        choices: FormChoices::new(),
        acute,
        offers_direct: filing.offers_direct,
        via_leader: filing.offers_direct,
        infohus_name: single
            .map(|m| m.infohus_name().to_owned())
            .unwrap_or_else(|| "Infohus".to_owned()),
        municipalities: if single.is_some() {
            Vec::new()
        } else {
            filing
                .municipalities
                .iter()
                .map(|m| (m.slug.clone(), m.name().to_owned()))
                .collect()
        },
    };
    layout::render(status, &page)
}

async fn show_new_concern(
    State(state): State<AppState>,
    current: CurrentUser,
) -> AppResult<Response> {
    let filing = filing(&state, &current.user)?;
    let form = ConcernForm {
        reporter_name: current.user.name.clone(),
        reporter_email: current.user.email.clone(),
        ..ConcernForm::default()
    };
    render_new(
        &current,
        &filing,
        form,
        FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn submit_new_concern(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<ConcernForm>,
) -> AppResult<Response> {
    let filing = filing(&state, &current.user)?;
    let now = state.clock.now();
    let mut errors = FieldErrors::new();
    let municipality = match filing.municipalities.as_slice() {
        [m] => Some(*m),
        several => {
            let chosen = several
                .iter()
                .find(|m| m.slug == form.municipality)
                .copied();
            if chosen.is_none() {
                errors.add("municipality", "Vælg den kommune, bekymringen hører til.");
            }
            chosen
        }
    };
    let rules = FormRules {
        today: today_copenhagen(now),
        citizen: false,
        offers_direct: filing.offers_direct,
    };
    let checked = form::validate(&form, rules, &mut errors);
    let (valid, municipality) = match (checked, municipality) {
        (Checked::Valid(valid), Some(m)) if errors.is_empty() => (valid, m),
        (Checked::Acute, _) => {
            return render_new(
                &current,
                &filing,
                form,
                errors,
                true,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        _ => {
            return render_new(
                &current,
                &filing,
                form,
                errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // A police user's concern belongs to the municipality, not to a unit of it.
    let unit_id = current
        .user
        .unit_id
        .filter(|_| current.user.municipality_id == Some(municipality.id));
    let status = intake::initial_status(
        municipality.profile.routes_via_leader,
        filing.source,
        unit_id.is_some(),
        valid.direct_to_infohus,
    );
    let new = new_concern(
        *valid,
        municipality,
        status,
        filing.source,
        Some(&current.user),
        unit_id,
        None,
    );
    let mut tx = state.db.begin().await?;
    let id = concerns::file(&mut tx, &new, now).await?;
    audit::record(
        &mut *tx,
        &current
            .audit(AuditAction::ConcernFiled)
            .on(ObjectType::Concern, id.0)
            .in_municipality(Some(municipality.id))
            .in_district(Some(municipality.police_district_id)),
        now,
    )
    .await?;
    tx.commit().await?;
    let notice = if status == ConcernStatus::AwaitingLeader {
        "Tak. Bekymringen er sendt til din nærmeste leder, som sender den videre til Infohus."
            .to_owned()
    } else {
        format!(
            "Tak. Bekymringen er sendt til {}.",
            municipality.infohus_name()
        )
    };
    set_notice(&current.session, &notice).await?;
    Ok(Redirect::to(&format!("/bekymringer/{id}")).into_response())
}

/// Turns a checked form into the row to file.
pub(crate) fn new_concern(
    valid: form::ValidConcern,
    municipality: &Municipality,
    status: ConcernStatus,
    source: ConcernSource,
    reporter: Option<&User>,
    unit_id: Option<crate::domain::ids::UnitId>,
    receipt_code_hash: Option<String>,
) -> NewConcern {
    NewConcern {
        municipality_id: municipality.id,
        status,
        source,
        reporter_user_id: reporter.map(|u| u.id),
        unit_id,
        concern: valid,
        receipt_code_hash,
    }
}

/// One line of "Mine bekymringer".
struct OwnLine {
    id: String,
    filed: String,
    subject_name: String,
    kind: &'static str,
    status: &'static str,
    step: Option<&'static str>,
    read: Option<String>,
}

#[derive(Template)]
#[template(path = "concerns/mine.html")]
struct OwnConcernsPage {
    page: PageContext,
    rows: Vec<OwnLine>,
}

async fn list_own_concerns(
    State(state): State<AppState>,
    current: CurrentUser,
) -> AppResult<Response> {
    let filed = concerns::filed_by(&state.db, current.user.id).await?;
    // The reporter's own list is a read of each concern on it, like any other list.
    audit::record(
        &state.db,
        &current
            .audit(AuditAction::OwnConcernsViewed)
            .showing(filed.iter().map(|r| r.id.0))
            .in_municipality(current.user.municipality_id)
            .in_district(current.user.police_district_id),
        state.clock.now(),
    )
    .await?;
    let rows = filed
        .into_iter()
        .map(|r| OwnLine {
            id: r.id.to_string(),
            filed: format_datetime_da(r.filed_at),
            subject_name: r.subject_name.clone(),
            kind: r.kind.label(),
            status: r.public_status().label(),
            step: intake::unit_step_note(r.status),
            read: r.read_by_coordinator_at.map(format_date_da_instant),
        })
        .collect();
    let page = OwnConcernsPage {
        page: PageContext::for_user(&current, "Mine bekymringer", "/bekymringer").await?,
        rows,
    };
    layout::ok(&page)
}

fn format_date_da_instant(t: time::OffsetDateTime) -> String {
    format_date_da(today_copenhagen(t))
}

/// One line of a unit's list.
struct UnitLine {
    id: String,
    filed: String,
    days: i64,
    reporter: String,
    subject_name: String,
    minor: bool,
    kind: &'static str,
    status: &'static str,
    stage: &'static str,
}

fn unit_lines(rows: Vec<UnitRow>, now: time::OffsetDateTime) -> Vec<UnitLine> {
    let today = today_copenhagen(now);
    rows.into_iter()
        .map(|r| UnitLine {
            id: r.id.to_string(),
            filed: format_datetime_da(r.filed_at),
            days: (today - today_copenhagen(r.filed_at)).whole_days(),
            reporter: r.reporter_name.clone().unwrap_or_default(),
            subject_name: r.subject_name.clone(),
            minor: r.subject_is_minor,
            kind: r.kind.label(),
            status: intake::status_label(r.status),
            stage: r.public_status().label(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "concerns/unit_list.html")]
struct UnitListPage {
    page: PageContext,
    heading: &'static str,
    intro: &'static str,
    caption: &'static str,
    empty: &'static str,
    has_unit: bool,
    unit_name: String,
    inbox: bool,
    rows: Vec<UnitLine>,
}

async fn unit_list(state: &AppState, current: &CurrentUser, inbox: bool) -> AppResult<Response> {
    let now = state.clock.now();
    let rows = match current.user.unit_id {
        Some(unit) => {
            let rows = concerns::in_unit(&state.db, unit, inbox).await?;
            audit::record(
                &state.db,
                &current
                    .audit(AuditAction::QueueViewed)
                    .showing(rows.iter().map(|r| r.id.0))
                    .on(ObjectType::Unit, unit.0)
                    .in_municipality(current.user.municipality_id),
                now,
            )
            .await?;
            rows
        }
        None => Vec::new(),
    };
    let (title, path) = if inbox {
        ("Indbakke", "/leder/indbakke")
    } else {
        ("Enhedens bekymringer", "/enhed/bekymringer")
    };
    let page = UnitListPage {
        page: PageContext::for_user(current, title, path).await?,
        heading: if inbox {
            "Lederens indbakke"
        } else {
            "Bekymringer fra enheden"
        },
        intro: if inbox {
            "Bekymringer fra dine medarbejdere, som venter på dig, ældste først. Læs bekymringen, tilføj det, du ved, og send den videre til Infohus – eller send den tilbage med et spørgsmål."
        } else {
            "Bekymringer indberettet i din enhed, som de blev indberettet, nyeste først. Du kan tilføje en note på den enkelte bekymring."
        },
        caption: if inbox {
            "Venter på dig"
        } else {
            "Indberettet i enheden"
        },
        empty: if inbox {
            "Der er ingen bekymringer, som venter på dig."
        } else {
            "Der er ikke indberettet bekymringer i enheden."
        },
        has_unit: current.user.unit_id.is_some(),
        unit_name: current.user.unit_name.clone().unwrap_or_default(),
        inbox,
        rows: unit_lines(rows, now),
    };
    layout::ok(&page)
}

async fn show_leader_inbox(
    State(state): State<AppState>,
    current: CurrentUser,
) -> AppResult<Response> {
    unit_list(&state, &current, true).await
}

async fn show_unit_concerns(
    State(state): State<AppState>,
    current: CurrentUser,
) -> AppResult<Response> {
    unit_list(&state, &current, false).await
}
