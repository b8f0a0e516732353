//! "Overdrag ansvar": an admin, or a coordinator of the municipality, moves everything a
//! colleague holds (plans they coordinate, interventions they own with their reviews, places
//! on case teams) to another colleague in one step, after a preview of what moves.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::UserId;
use crate::domain::policy::{self, Capability, HandoverScope};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent};
use crate::store::handover::{self as store, Handover, Holdings};
use crate::store::users::{self, User};
use crate::web::extract::{Form, Query};
use crate::web::forms::FieldErrors;
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new().requires(
        PATH,
        Capability::HandOverWork,
        get(show_handover).post(submit_handover),
    )
}

const PATH: &str = "/overdragelse";

/// The handover page for one user's work.
pub fn href(user: UserId) -> String {
    format!("{PATH}?fra={user}")
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct HandoverQuery {
    /// Whose work.
    #[serde(default)]
    fra: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct HandoverForm {
    #[serde(default)]
    fra: String,
    /// To whom.
    #[serde(default)]
    til: String,
}

/// One held case as the preview lists it.
struct HeldLine {
    reference: String,
    href: String,
    what: String,
}

#[derive(Template)]
#[template(path = "handover.html")]
struct HandoverPage {
    page: PageContext,
    /// (value, label) of whose work may be handed over.
    leavers: Vec<(String, String)>,
    fra: String,
    /// The chosen user, when one is chosen and the actor may hand over their work.
    from_name: Option<String>,
    from_active: bool,
    holdings: Holdings,
    /// The cases by reference, for coordinators; admins see only the counts (never case
    /// content, and a reference leads to nothing they may open).
    lines: Vec<HeldLine>,
    successors: Vec<(String, String)>,
    til: String,
    errors: FieldErrors,
}

/// The user whose work the actor may hand over; 404 for anyone else, as if they did not exist.
async fn leaver(state: &AppState, current: &CurrentUser, raw: &str) -> AppResult<Option<User>> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let id = uuid::Uuid::parse_str(raw.trim()).map_err(|_| AppError::NotFound)?;
    let user = users::by_id(&state.db, UserId(id))
        .await?
        .filter(|u| policy::may_hand_over(&current.user.actor(), u.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok(Some(user))
}

async fn page(
    state: &AppState,
    current: &CurrentUser,
    from: Option<User>,
    til: String,
    errors: FieldErrors,
) -> AppResult<HandoverPage> {
    let scope = policy::handover_scope(&current.user.actor());
    let leavers = match scope {
        Some(HandoverScope::Everywhere) => store::leavers(&state.db, None).await?,
        Some(HandoverScope::Municipality(m)) => store::leavers(&state.db, Some(m)).await?,
        None => Vec::new(),
    };
    let many_municipalities = scope == Some(HandoverScope::Everywhere);
    let leavers = leavers
        .into_iter()
        .map(|l| {
            let mut label = l.name;
            if many_municipalities {
                if let Some(m) = state.tenants.by_id(l.municipality_id) {
                    label = format!("{label} ({})", m.name());
                }
            }
            if !l.active {
                label.push_str(" – deaktiveret");
            }
            (l.id.to_string(), label)
        })
        .collect();
    let (holdings, successors) = match (&from, from.as_ref().and_then(|u| u.municipality_id)) {
        (Some(u), Some(m)) => (
            store::holdings(&state.db, u.id).await?,
            store::successors(&state.db, m, u.id).await?,
        ),
        _ => (Holdings::default(), Vec::new()),
    };
    let sees_cases = policy::may_see_held_cases(
        &current.user.actor(),
        from.as_ref().and_then(|u| u.municipality_id),
    );
    let lines = if sees_cases {
        holdings
            .cases
            .iter()
            .map(|c| HeldLine {
                reference: c.reference.clone(),
                href: format!("/sager/{}", c.case_id),
                what: what_is_held(c),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(HandoverPage {
        page: PageContext::for_user(current, "Overdrag ansvar", PATH).await?,
        leavers,
        fra: from.as_ref().map(|u| u.id.to_string()).unwrap_or_default(),
        from_name: from.as_ref().map(|u| u.name.clone()),
        from_active: from.as_ref().is_some_and(|u| u.active),
        holdings,
        lines,
        successors: successors
            .into_iter()
            .map(|s| {
                let roles = s
                    .roles
                    .iter()
                    .map(|r| r.label().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ");
                (s.id.to_string(), format!("{} ({roles})", s.name))
            })
            .collect(),
        til,
        errors,
    })
}

fn what_is_held(c: &store::HeldCase) -> String {
    let mut parts = Vec::new();
    if c.plan {
        parts.push("plankoordinator".to_owned());
    }
    match c.interventions {
        0 => {}
        1 => parts.push("ejer af 1 indsats".to_owned()),
        n => parts.push(format!("ejer af {n} indsatser")),
    }
    match c.actions {
        0 => {}
        1 => parts.push("ansvarlig for 1 opgave fra et møde".to_owned()),
        n => parts.push(format!("ansvarlig for {n} opgaver fra møder")),
    }
    if c.team {
        parts.push("i sagens team".to_owned());
    }
    parts.join(", ")
}

async fn show_handover(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<HandoverQuery>,
) -> AppResult<Response> {
    let from = leaver(&state, &current, &q.fra).await?;
    let page = page(&state, &current, from, String::new(), FieldErrors::new()).await?;
    layout::ok(&page)
}

async fn submit_handover(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<HandoverForm>,
) -> AppResult<Response> {
    let Some(from) = leaver(&state, &current, &form.fra).await? else {
        return Err(AppError::NotFound);
    };
    let Some(municipality) = from.municipality_id else {
        return Err(AppError::NotFound);
    };
    let successors = store::successors(&state.db, municipality, from.id).await?;
    let to = uuid::Uuid::parse_str(form.til.trim())
        .ok()
        .and_then(|id| successors.iter().find(|s| s.id.0 == id));
    let Some(to) = to else {
        let mut errors = FieldErrors::new();
        errors.add(
            "til",
            "Vælg en aktiv tovholder eller et medlem af kernegruppen i kommunen fra listen.",
        );
        let page = page(&state, &current, Some(from), form.til, errors).await?;
        return layout::render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let moved = store::hand_over(
        &mut tx,
        &Handover {
            from: from.id,
            to,
            by: current.user.id,
            at: now,
            note: format!("Fra {} til {}.", from.name, to.name),
        },
    )
    .await?;
    let cases: Vec<uuid::Uuid> = moved.cases.iter().map(|c| c.case_id.0).collect();
    audit::record(
        &mut *tx,
        &AuditEvent::on_user(
            AuditAction::WorkHandedOver,
            current.user.id,
            &from,
            &current.request_id,
        )
        .showing(cases.iter().copied()),
        now,
    )
    .await?;
    let successor = users::by_id(&mut *tx, to.id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &mut *tx,
        &AuditEvent::on_user(
            AuditAction::WorkTakenOver,
            current.user.id,
            &successor,
            &current.request_id,
        )
        .showing(cases),
        now,
    )
    .await?;
    tx.commit().await?;
    let message = if moved.is_empty() {
        format!("{} havde intet ansvar at overdrage.", from.name)
    } else {
        format!(
            "Ansvaret på {} {} er overdraget fra {} til {}.",
            moved.cases.len(),
            if moved.cases.len() == 1 {
                "sag"
            } else {
                "sager"
            },
            from.name,
            to.name
        )
    };
    set_notice(&current.session, &message).await?;
    Ok(Redirect::to(&href(from.id)).into_response())
}
