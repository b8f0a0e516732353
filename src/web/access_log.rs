//! The access log of a case: who opened or changed it, and when.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::format_datetime_da;
use crate::domain::ids::CaseId;
use crate::domain::policy::{self, Capability};
use crate::error::{AppError, AppResult};
use crate::store::access_log;
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::web::extract::parse_id;
use crate::web::layout::PageContext;
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new().requires(
        "/sager/{id}/adgangslog",
        Capability::AccessLog,
        get(show_access_log),
    )
}

pub struct Row {
    pub when: String,
    pub who: String,
    pub what: &'static str,
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    page: PageContext,
    case_id: CaseId,
    reference: String,
    rows: Vec<Row>,
    show_case_link: bool,
}

async fn show_access_log(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw, CaseId)?;
    let actor = current.user.actor();
    let label = access_log::case_label(&state.db, id)
        .await?
        .filter(|c| policy::may_view_access_log(&actor, c.municipality_id))
        .ok_or(AppError::NotFound)?;
    let entries = access_log::for_case(&state.db, id).await?;
    audit::record(
        &state.db,
        &AuditEvent::new(AuditAction::AccessLogViewed)
            .by(current.user.id)
            .on(ObjectType::Case, id.0)
            .in_municipality(Some(label.municipality_id))
            .request(&current.request_id),
        state.clock.now(),
    )
    .await?;
    let rows = entries
        .into_iter()
        .map(|e| Row {
            when: format_datetime_da(e.occurred_at),
            who: match (e.actor_name, e.actor_email) {
                (Some(n), Some(m)) => format!("{n} ({m})"),
                _ => "System".to_owned(),
            },
            what: action_label(&e.action),
        })
        .collect();
    let page = AccessLogPage {
        page: PageContext::for_user(
            &current,
            format!("Adgangslog for {}", label.reference),
            "/sager",
        )
        .await?,
        case_id: id,
        reference: label.reference,
        rows,
        // Admins see the log but never the case itself.
        show_case_link: policy::may(&actor, Capability::CaseList),
    };
    Ok(Html(page.render()?).into_response())
}

fn action_label(action: &str) -> &'static str {
    match action {
        "case_viewed" => "Åbnede sagen",
        "case_opened" => "Oprettede sagen",
        "case_moved" => "Flyttede sagen til et nyt trin",
        "case_team_changed" => "Ændrede sagens team",
        "case_reopened" => "Genåbnede sagen",
        "case_closed" => "Afsluttede sagen",
        "screening_recorded" => "Registrerede politiets screening",
        "triage_recorded" => "Registrerede den fælles vurdering",
        "assessment_recorded" => "Registrerede en vurdering",
        "action_plan_saved" => "Gemte handleplanen",
        "intervention_saved" => "Gemte en indsats",
        "review_recorded" => "Registrerede en opfølgning",
        "post_closure_review_done" => "Registrerede opfølgning efter afslutning",
        "concern_viewed" => "Åbnede en bekymring",
        "concern_filed" => "Indsendte en bekymring",
        "concern_forwarded" => "Videresendte en bekymring",
        "concern_returned" => "Sendte en bekymring retur",
        "concern_resubmitted" => "Indsendte en bekymring igen",
        "concern_addendum_added" => "Tilføjede en bemærkning",
        "concern_linked" => "Knyttede en bekymring til sagen",
        "concern_status_looked_up" => "Borgeren slog status op",
        "access_log_viewed" => "Så adgangsloggen",
        "case_list_viewed" => "Så sagen i sagslisten",
        "queue_viewed" => "Så sagen i en kø eller indbakke",
        "own_concerns_viewed" => "Så bekymringen på sin liste over indsendte",
        _ => "Anden handling",
    }
}
