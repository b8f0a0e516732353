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
use crate::store::cases::{self as store, CaseFilter, ListCursor};
use crate::web::extract::Query;
use crate::web::filters;
use crate::web::layout::{self, PageContext};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    /// Empty: the open cases; `alle`: every case; a stage's code: that stage.
    #[serde(default)]
    fase: String,
    /// Where the page starts (`ListCursor::encode`).
    #[serde(default)]
    efter: String,
}

/// Rows per page: enough for a working day's overview, small enough to stay fast.
const PAGE_SIZE: usize = 50;

fn filter_of(raw: &str) -> CaseFilter {
    match raw.trim() {
        "" => CaseFilter::Open,
        "alle" => CaseFilter::All,
        code => Stage::parse(code).map_or(CaseFilter::Open, CaseFilter::Stage),
    }
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
    /// (value, label, selected) of the filter's choices.
    stages: Vec<(&'static str, &'static str, bool)>,
    /// What the page lists, for its caption.
    caption: String,
    show_municipality: bool,
    /// The next page's address, when there are more rows.
    next: Option<String>,
    /// The first page's address, on a later page.
    first: Option<String>,
}

pub(crate) async fn show_cases(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let reach = reach_of(&state, &current);
    let filter = filter_of(&q.fase);
    let after = ListCursor::decode(&q.efter);
    let today = today_copenhagen(state.clock.now());
    // One row more than the page shows says whether there is a next page.
    let mut rows = store::visible_cases(
        &state.db,
        &reach.whole(),
        &reach.as_team,
        current.user.id,
        filter,
        after,
        i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX),
    )
    .await?;
    let more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    let fase = match filter {
        CaseFilter::Open => String::new(),
        CaseFilter::All => "alle".to_owned(),
        CaseFilter::Stage(s) => s.as_str().to_owned(),
    };
    let next = rows.last().filter(|_| more).map(|r| {
        let cursor = ListCursor {
            stage_changed_at: r.stage_changed_at,
            id: r.id,
        };
        format!("/sager?fase={fase}&efter={}", cursor.encode())
    });
    let first = after.map(|_| format!("/sager?fase={fase}"));
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
        stages: std::iter::once(("", "Åbne sager", filter == CaseFilter::Open))
            .chain(
                Stage::ALL
                    .iter()
                    .map(|s| (s.as_str(), s.label(), filter == CaseFilter::Stage(*s))),
            )
            .chain(std::iter::once((
                "alle",
                "Alle sager",
                filter == CaseFilter::All,
            )))
            .collect(),
        caption: match filter {
            CaseFilter::Open => "Åbne sager, du har adgang til".to_owned(),
            CaseFilter::All => "Alle sager, du har adgang til".to_owned(),
            CaseFilter::Stage(s) => format!("Sager i fasen «{}»", s.label()),
        },
        show_municipality: distinct.len() > 1,
        next,
        first,
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
