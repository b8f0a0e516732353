//! `/sager`: the cases the viewer may see, with stage, next deadline and badges.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use time::Date;

use super::reach_of;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::today_copenhagen;
use crate::domain::workflow::Stage;
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction};
use crate::store::cases as store;
use crate::web::extract::Query;
use crate::web::filters;
use crate::web::layout::{self, PageContext};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    fase: String,
}

struct Row {
    href: String,
    reference: String,
    subject_name: String,
    municipality: String,
    stage: &'static str,
    deadline: Option<Date>,
    overdue: bool,
    repeat: bool,
    closed: bool,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct CaseListPage {
    page: PageContext,
    rows: Vec<Row>,
    stages: Vec<(&'static str, &'static str, bool)>,
    filter: Option<&'static str>,
    show_municipality: bool,
}

pub(crate) async fn show_cases(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let reach = reach_of(&state, &current);
    let stage = Stage::parse(q.fase.trim());
    let today = today_copenhagen(state.clock.now());
    let rows = store::visible_cases(
        &state.db,
        &reach.whole(),
        &reach.as_team,
        current.user.id,
        stage,
    )
    .await?;
    let municipalities: Vec<_> = reach
        .whole()
        .into_iter()
        .chain(reach.as_team.iter().copied())
        .collect();
    let mut distinct = municipalities.clone();
    distinct.sort();
    distinct.dedup();
    let shown: Vec<uuid::Uuid> = rows.iter().map(|r| r.id.0).collect();
    let rows = rows
        .into_iter()
        .map(|r| Row {
            href: format!("/sager/{}", r.id),
            municipality: state
                .tenants
                .by_id(r.municipality_id)
                .map(|m| m.name().to_owned())
                .unwrap_or_default(),
            reference: r.reference,
            subject_name: r.subject_name,
            stage: r.stage.label(),
            deadline: r.next_deadline,
            overdue: r.next_deadline.is_some_and(|d| d < today),
            repeat: r.repeat,
            closed: r.stage == Stage::Closed,
        })
        .collect();
    let page = CaseListPage {
        page: PageContext::for_user(&current, "Sager", "/sager").await?,
        rows,
        stages: Stage::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(), Some(*s) == stage))
            .collect(),
        filter: stage.map(|s| s.label()),
        show_municipality: distinct.len() > 1,
    };
    audit::record(
        &state.db,
        &current
            .audit(AuditAction::CaseListViewed)
            .showing(shown)
            .in_municipality(current.user.municipality_id)
            .in_district(current.user.police_district_id),
        state.clock.now(),
    )
    .await?;
    layout::ok(&page)
}
