//! Figures with no person in them: the quarterly report for the steering group and the
//! coordinators (`/statistik`, and its CSV), the police district's report per municipality and
//! in total, and a unit's counts for its leaders and key employees (`/enhed/tal`).

mod pack;
pub(crate) use pack::district_snapshot;
mod unit;

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sqlx::PgConnection;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::MunicipalityId;
use crate::domain::policy::{self, Capability, StatisticsArea};
use crate::domain::stats::{self, Quarter};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::{self, tenants::Municipality};
use crate::web::extract::Query;
use crate::web::layout::{self, PageContext};
use crate::web::routes::Routes;

use crate::report as tables;
pub use crate::report::{AreaReport, Column, Row, Table};

pub fn routes() -> Routes {
    Routes::new()
        .requires(
            "/statistik",
            Capability::QuarterlyStatistics,
            get(show_statistics),
        )
        .requires(
            "/statistik.csv",
            Capability::QuarterlyStatistics,
            get(download_statistics),
        )
        .requires(
            "/statistik/pakke",
            Capability::QuarterlyStatistics,
            get(pack::show_pack),
        )
        .requires(
            "/enhed/tal",
            Capability::UnitCounts,
            get(unit::show_unit_counts),
        )
}

#[derive(Debug, Deserialize)]
struct ReportQuery {
    kvartal: Option<String>,
    /// Which area of a police district's report to show: a municipality's slug, or `kredsen`.
    omraade: Option<String>,
}

/// An area of a police district's report, as a link to its own page.
struct AreaLink {
    slug: String,
    name: String,
    current: bool,
}

/// A district's report shows one area at a time, the district as a whole unless another of
/// its areas is asked for (an area outside the district is not one): its position in the
/// scope's areas, and the links to all of them. All of them are counted and suppressed
/// together, so each page shows what it would beside the others; a page of all of them was 180
/// tables (830 KB for 19 municipalities), too long to read and to hold.
fn choose_area(areas: &[tables::Area], asked: Option<&str>) -> (Option<usize>, Vec<AreaLink>) {
    if areas.len() < 2 {
        return (None, Vec::new());
    }
    let chosen = asked
        .and_then(|slug| areas.iter().position(|a| a.slug == slug))
        .unwrap_or(areas.len() - 1);
    let links = areas
        .iter()
        .enumerate()
        .map(|(i, a)| AreaLink {
            slug: a.slug.clone(),
            name: a.name.clone(),
            current: i == chosen,
        })
        .collect();
    (Some(chosen), links)
}

/// The quarter asked for, if it is a quarter that has begun; otherwise the last complete one,
/// with a message saying why.
fn resolve_quarter(raw: Option<&str>, now: time::OffsetDateTime) -> (Quarter, Option<String>) {
    let default = Quarter::last_complete(now);
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => (default, None),
        Some(s) => match Quarter::parse(s) {
            Some(q) if q.has_begun(now) => (q, None),
            Some(q) => (
                default,
                Some(format!(
                    "{} er ikke begyndt endnu. Her er {}.",
                    capitalise(&q.label()),
                    default.label()
                )),
            ),
            None => (
                default,
                Some(format!(
                    "Kvartalet skal skrives som år og kvartal, fx {}. Her er {}.",
                    default,
                    default.label()
                )),
            ),
        },
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whose report it is: the areas, the name and slug of the whole, and the threshold.
struct Scope {
    areas: Vec<tables::Area>,
    municipalities: Vec<MunicipalityId>,
    name: String,
    slug: String,
    threshold: i64,
    audit_object: (ObjectType, uuid::Uuid),
    municipality: Option<MunicipalityId>,
    district: Option<crate::domain::ids::PoliceDistrictId>,
}

fn sectors(m: &Municipality) -> Vec<String> {
    let mut s: Vec<String> = m.profile.units.iter().map(|u| u.sector.clone()).collect();
    s.sort();
    s.dedup();
    s
}

fn area_of(m: &Municipality) -> tables::Area {
    tables::Area {
        municipality: Some(m.id),
        slug: m.slug.clone(),
        name: m.name().to_owned(),
        sectors: sectors(m),
    }
}

fn scope_for(state: &AppState, current: &CurrentUser) -> AppResult<Scope> {
    scope_of_area(state, policy::statistics_area(&current.user.actor()))
}

fn scope_of_area(state: &AppState, area: Option<StatisticsArea>) -> AppResult<Scope> {
    match area {
        Some(StatisticsArea::Municipality(id)) => {
            let m = state.tenants.by_id(id).ok_or(AppError::NotFound)?;
            Ok(Scope {
                areas: vec![area_of(m)],
                municipalities: vec![m.id],
                name: m.name().to_owned(),
                slug: m.slug.clone(),
                threshold: m.profile.small_number_threshold,
                audit_object: (ObjectType::Municipality, m.id.0),
                municipality: Some(m.id),
                district: Some(m.police_district_id),
            })
        }
        Some(StatisticsArea::District(id)) => {
            let members: Vec<&Municipality> = state.tenants.in_district(id).collect();
            let first = members.first().ok_or(AppError::NotFound)?;
            let name = first.police_district_name().to_owned();
            let mut areas: Vec<tables::Area> = members.iter().map(|m| area_of(m)).collect();
            if members.len() > 1 {
                let mut all: Vec<String> = areas.iter().flat_map(|a| a.sectors.clone()).collect();
                all.sort();
                all.dedup();
                areas.push(tables::Area {
                    municipality: None,
                    slug: "kredsen".to_owned(),
                    name: format!("{name} i alt"),
                    sectors: all,
                });
            }
            Ok(Scope {
                municipalities: members.iter().map(|m| m.id).collect(),
                threshold: members
                    .iter()
                    .map(|m| m.profile.small_number_threshold)
                    .max()
                    .unwrap_or(stats::DEFAULT_THRESHOLD),
                slug: first.police_district_slug.clone(),
                name,
                areas,
                audit_object: (ObjectType::PoliceDistrict, id.0),
                municipality: None,
                district: Some(id),
            })
        }
        // The route guard let them in, but they belong to no municipality or district.
        None => Err(AppError::NotFound),
    }
}

/// The report itself: the quarters shown, and every area's tables.
struct Report {
    quarter: Quarter,
    columns: Vec<Column>,
    areas: Vec<AreaReport>,
}

async fn build_report(
    conn: &mut PgConnection,
    scope: &Scope,
    quarter: Quarter,
    now: time::OffsetDateTime,
    only: Option<usize>,
) -> AppResult<Report> {
    let quarters: Vec<Quarter> = quarter
        .of_year()
        .into_iter()
        .filter(|q| q.has_begun(now))
        .collect();
    build_columns(conn, scope, &quarters, quarter, now, only).await
}

/// The report with these quarters as its columns, `quarter` the chosen one, suppressed together.
async fn build_columns(
    conn: &mut PgConnection,
    scope: &Scope,
    quarters: &[Quarter],
    quarter: Quarter,
    now: time::OffsetDateTime,
    only: Option<usize>,
) -> AppResult<Report> {
    let figures = store::stats::quarterly(conn, &scope.municipalities, quarters, now).await?;
    let columns = tables::quarter_columns(quarters, quarter, Quarter::current(now));
    let areas = tables::build_only(&figures, &scope.areas, &columns, scope.threshold, only);
    Ok(Report {
        quarter,
        columns,
        areas,
    })
}

async fn audit_view(
    conn: &mut PgConnection,
    state: &AppState,
    current: &CurrentUser,
    action: AuditAction,
    object: (ObjectType, uuid::Uuid),
    municipality: Option<MunicipalityId>,
    district: Option<crate::domain::ids::PoliceDistrictId>,
) -> AppResult<()> {
    audit::record(
        &mut *conn,
        &current
            .audit(action)
            .on(object.0, object.1)
            .in_municipality(municipality)
            .in_district(district),
        state.clock.now(),
    )
    .await?;
    Ok(())
}

/// A quarter someone may pick: value and label.
struct QuarterOption {
    value: String,
    label: String,
    selected: bool,
}

/// The quarters offered in the chooser: from five years back to the running one, newest first.
fn quarter_options(chosen: Quarter, now: time::OffsetDateTime) -> Vec<QuarterOption> {
    let running = Quarter::current(now);
    let mut options = Vec::new();
    let mut q = running;
    let oldest = Quarter {
        year: running.year - 5,
        q: 1,
    };
    while q >= oldest {
        options.push(QuarterOption {
            value: q.to_string(),
            label: if q == running {
                format!("{} (til dato)", q.label())
            } else {
                q.label()
            },
            selected: q == chosen,
        });
        q = q.previous();
    }
    if chosen < oldest {
        options.push(QuarterOption {
            value: chosen.to_string(),
            label: chosen.label(),
            selected: true,
        });
    }
    options
}

#[derive(Template)]
#[template(path = "stats/report.html")]
struct ReportPage {
    page: PageContext,
    scope_name: String,
    quarter_label: String,
    quarter_value: String,
    complete: bool,
    warning: Option<String>,
    /// For a police district with one municipality in Infohus: its figures are the district's.
    district_note: Option<String>,
    options: Vec<QuarterOption>,
    /// A district's areas, each a page of its own; empty for one municipality.
    area_links: Vec<AreaLink>,
    /// The area shown, kept when another quarter is chosen.
    area_value: Option<String>,
    areas: Vec<AreaReport>,
    threshold: i64,
    withheld: &'static str,
    too_few: &'static str,
    /// The awareness talks and training sessions held in the quarter: (kind, sessions,
    /// attendees).
    sessions: Vec<(&'static str, i64, i64)>,
}

async fn show_statistics(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ReportQuery>,
) -> AppResult<Response> {
    let scope = scope_for(&state, &current)?;
    let now = state.clock.now();
    let (quarter, warning) = resolve_quarter(query.kvartal.as_deref(), now);
    let mut conn = state.db.acquire().await?;
    let (only, area_links) = choose_area(&scope.areas, query.omraade.as_deref());
    let report = build_report(&mut conn, &scope, quarter, now, only).await?;
    let area_value = area_links
        .iter()
        .find(|a| a.current)
        .map(|a| a.slug.clone());
    let sessions = store::plans::counts(&mut *conn, &scope.municipalities, quarter)
        .await?
        .into_iter()
        .map(|(k, c)| (k.label(), c.sessions, c.attendees))
        .collect();
    audit_view(
        &mut conn,
        &state,
        &current,
        AuditAction::StatisticsViewed,
        scope.audit_object,
        scope.municipality,
        scope.district,
    )
    .await?;
    let district_note = (scope.municipality.is_none() && scope.areas.len() == 1).then(|| {
        format!(
            "{} har én kommune i Infohus, så kommunens tal er også kredsens samlede tal.",
            scope.name
        )
    });
    let page = ReportPage {
        page: PageContext::for_user(&current, "Kvartalsstatistik", "/statistik").await?,
        district_note,
        scope_name: scope.name,
        quarter_label: report.quarter.label(),
        quarter_value: report.quarter.to_string(),
        complete: report.quarter.is_complete(now),
        warning,
        options: quarter_options(report.quarter, now),
        area_links,
        area_value,
        areas: report.areas,
        threshold: scope.threshold,
        withheld: stats::WITHHELD_TEXT,
        too_few: tables::TOO_FEW,
        sessions,
    };
    layout::ok(&page)
}

async fn download_statistics(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ReportQuery>,
) -> AppResult<Response> {
    let scope = scope_for(&state, &current)?;
    let now = state.clock.now();
    let (quarter, _) = resolve_quarter(query.kvartal.as_deref(), now);
    let mut conn = state.db.acquire().await?;
    let report = build_report(&mut conn, &scope, quarter, now, None).await?;
    audit_view(
        &mut conn,
        &state,
        &current,
        AuditAction::StatisticsDownloaded,
        scope.audit_object,
        scope.municipality,
        scope.district,
    )
    .await?;
    let body = tables::csv(&report.areas, &report.columns);
    let filename = format!("infohus-statistik-{}-{}.csv", scope.slug, report.quarter);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_quarter_defaults_to_the_last_complete_and_refuses_the_future() {
        let now = datetime!(2026-11-20 10:00 UTC);
        assert_eq!(
            resolve_quarter(None, now),
            (Quarter { year: 2026, q: 3 }, None)
        );
        assert_eq!(
            resolve_quarter(Some(""), now).0,
            Quarter { year: 2026, q: 3 }
        );
        assert_eq!(
            resolve_quarter(Some("2025-2"), now),
            (Quarter { year: 2025, q: 2 }, None)
        );
        assert_eq!(
            resolve_quarter(Some("2026-4"), now),
            (Quarter { year: 2026, q: 4 }, None)
        );
        let (q, warning) = resolve_quarter(Some("2027-1"), now);
        assert_eq!(q, Quarter { year: 2026, q: 3 });
        assert!(warning.is_some_and(|w| w.starts_with("1. kvartal 2027 er ikke begyndt")));
        let (q, warning) = resolve_quarter(Some("<script>"), now);
        assert_eq!(q, Quarter { year: 2026, q: 3 });
        assert!(warning.is_some());
    }

    #[test]
    fn the_chooser_offers_five_years_newest_first() {
        let now = datetime!(2026-11-20 10:00 UTC);
        let options = quarter_options(Quarter { year: 2026, q: 3 }, now);
        assert_eq!(options[0].value, "2026-4");
        assert!(options[0].label.ends_with("(til dato)"));
        assert!(options[1].selected);
        assert_eq!(options.last().map(|o| o.value.as_str()), Some("2021-1"));
        let old = quarter_options(Quarter { year: 2010, q: 2 }, now);
        assert!(
            old.last()
                .is_some_and(|o| o.selected && o.value == "2010-2")
        );
    }
}
