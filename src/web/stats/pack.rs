//! The steering group's quarterly pack: the quarterly report on A4 for a steering-group
//! meeting. A first page of key figures with the change from the previous quarter and from the
//! same quarter last year, then the tables of those three quarters, and the awareness talks and
//! training sessions held. No person anywhere; every number is a cell of the suppressed report,
//! and a change is shown only between two shown cells ([`stats::shown_change`]). And the
//! district's figures a network meeting takes along ([`district_snapshot`]).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{ReportQuery, audit_view, build_columns, resolve_quarter, scope_for};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::policy::StatisticsArea;
use crate::domain::stats::{self, Quarter};
use crate::error::AppResult;
use crate::report::AreaReport;
use crate::store::audit::AuditAction;
use crate::store::plans::{self, SessionKind};
use crate::web::extract::Query;
use crate::web::layout::{self, PageContext};
use sqlx::PgConnection;

/// One key figure: a table's total in the chosen quarter, the two quarters it is compared
/// with, and the changes where both cells are shown.
pub(crate) struct KeyFigure {
    pub label: String,
    pub now: String,
    pub previous: String,
    pub previous_change: String,
    pub last_year: String,
    pub last_year_change: String,
}

pub(crate) struct KeyArea {
    pub name: String,
    pub figures: Vec<KeyFigure>,
}

fn change_text(now: &str, before: &str) -> String {
    match stats::shown_change(now, before) {
        Some(0) => "±0".to_owned(),
        Some(n) if n > 0 => format!("+{n}"),
        Some(n) => format!("−{}", n.unsigned_abs()),
        // Not computed: one of the two is hidden, and a difference would reveal it.
        None => "–".to_owned(),
    }
}

/// The columns are [same quarter last year, previous quarter, the quarter]: the key figures
/// are each table's total row.
fn key_figures(areas: &[AreaReport]) -> Vec<KeyArea> {
    areas
        .iter()
        .map(|a| KeyArea {
            name: a.name.clone(),
            figures: a
                .tables
                .iter()
                .filter_map(|t| {
                    let total = t.rows.iter().find(|r| r.is_total)?;
                    let [last_year, previous, now] = total.cells.as_slice() else {
                        return None;
                    };
                    Some(KeyFigure {
                        label: t.title.clone(),
                        now: now.clone(),
                        previous_change: change_text(now, previous),
                        previous: previous.clone(),
                        last_year_change: change_text(now, last_year),
                        last_year: last_year.clone(),
                    })
                })
                .collect(),
        })
        .collect()
}

pub(crate) struct SessionRow {
    pub label: &'static str,
    /// (sessions, attendees) for last year's quarter, the previous and the chosen one.
    pub cells: Vec<(i64, i64)>,
}

#[derive(Template)]
#[template(path = "stats/pack.html")]
struct PackPage {
    page: PageContext,
    scope_name: String,
    quarter_label: String,
    previous_label: String,
    last_year_label: String,
    complete: bool,
    warning: Option<String>,
    keys: Vec<KeyArea>,
    areas: Vec<AreaReport>,
    sessions: Vec<SessionRow>,
    column_labels: Vec<String>,
    threshold: i64,
    withheld: &'static str,
}

pub(super) async fn show_pack(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ReportQuery>,
) -> AppResult<Response> {
    let scope = scope_for(&state, &current)?;
    let now = state.clock.now();
    let (quarter, warning) = resolve_quarter(query.kvartal.as_deref(), now);
    let previous = quarter.previous();
    let last_year = Quarter {
        year: quarter.year - 1,
        q: quarter.q,
    };
    let quarters = [last_year, previous, quarter];
    let mut conn = state.db.acquire().await?;
    let report = build_columns(&mut conn, &scope, &quarters, quarter, now, None).await?;
    let mut sessions: Vec<SessionRow> = SessionKind::ALL
        .iter()
        .map(|k| SessionRow {
            label: k.label(),
            cells: Vec::new(),
        })
        .collect();
    for q in quarters {
        let counts = plans::counts(&mut *conn, &scope.municipalities, q).await?;
        for (row, (_, c)) in sessions.iter_mut().zip(counts) {
            row.cells.push((c.sessions, c.attendees));
        }
    }
    audit_view(
        &mut conn,
        &state,
        &current,
        AuditAction::StatisticsPrinted,
        scope.audit_object,
        scope.municipality,
        scope.district,
    )
    .await?;
    drop(conn);
    let page = PackPage {
        page: PageContext::for_user(&current, "Kvartalsrapport til styregruppen", "/statistik")
            .await?,
        scope_name: scope.name,
        quarter_label: quarter.label(),
        previous_label: previous.label(),
        last_year_label: last_year.label(),
        complete: quarter.is_complete(now),
        warning,
        keys: key_figures(&report.areas),
        column_labels: report.columns.iter().map(|c| c.label.clone()).collect(),
        areas: report.areas,
        sessions,
        threshold: scope.threshold,
        withheld: stats::WITHHELD_TEXT,
    };
    layout::ok(&page)
}

/// The district's figures for the last complete quarter, suppressed exactly as the report
/// shows them, as the network meeting keeps them: each area's tables with that quarter's
/// column only. Never a person: the cells are the report's own.
pub(crate) async fn district_snapshot(
    conn: &mut PgConnection,
    state: &AppState,
    district: crate::domain::ids::PoliceDistrictId,
    now: time::OffsetDateTime,
) -> AppResult<serde_json::Value> {
    let scope = super::scope_of_area(state, Some(StatisticsArea::District(district)))?;
    let quarter = Quarter::last_complete(now);
    let report = super::build_report(conn, &scope, quarter, now, None).await?;
    let chosen = report.columns.iter().position(|c| c.chosen).unwrap_or(0);
    let areas: Vec<serde_json::Value> = report
        .areas
        .iter()
        .map(|a| {
            let tables: Vec<serde_json::Value> = a
                .tables
                .iter()
                .map(|t| {
                    let rows: Vec<(String, String)> = t
                        .rows
                        .iter()
                        .map(|r| {
                            (
                                r.label.clone(),
                                r.cells.get(chosen).cloned().unwrap_or_default(),
                            )
                        })
                        .collect();
                    serde_json::json!({ "title": t.title, "rows": rows })
                })
                .collect();
            serde_json::json!({ "name": a.name, "tables": tables })
        })
        .collect();
    Ok(serde_json::json!({ "quarter": quarter.label(), "areas": areas }))
}
