//! Figures with no person in them: the quarterly report for the steering group and the
//! coordinators (`/statistik`, and its CSV), the police district's report per municipality and
//! in total, and a unit's counts for its leaders and key employees (`/enhed/tal`).

pub mod tables;

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sqlx::PgConnection;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::{MunicipalityId, UnitId};
use crate::domain::policy::{self, Capability, StatisticsArea, UnitCountsArea};
use crate::domain::stats::{self, Quarter, Shown};
use crate::domain::workflow::Stage;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::store::{self, tenants::Municipality};
use crate::web::extract::Query;
use crate::web::layout::PageContext;
use crate::web::routes::Routes;

pub use tables::{AreaReport, Column, Row, Table};

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
        .requires("/enhed/tal", Capability::UnitCounts, get(show_unit_counts))
}

#[derive(Debug, Deserialize)]
struct ReportQuery {
    kvartal: Option<String>,
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
    let actor = current.user.actor();
    match policy::statistics_area(&actor) {
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
) -> AppResult<Report> {
    let quarters: Vec<Quarter> = quarter
        .of_year()
        .into_iter()
        .filter(|q| q.has_begun(now))
        .collect();
    let figures = store::stats::quarterly(conn, &scope.municipalities, &quarters).await?;
    let columns = tables::quarter_columns(&quarters, quarter, Quarter::current(now));
    let areas = tables::build(&figures, &scope.areas, &columns, scope.threshold);
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
        &AuditEvent::new(action)
            .by(current.user.id)
            .on(object.0, object.1)
            .in_municipality(municipality)
            .in_district(district)
            .request(&current.request_id),
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
    options: Vec<QuarterOption>,
    areas: Vec<AreaReport>,
    threshold: i64,
    withheld: &'static str,
    too_few: &'static str,
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
    let report = build_report(&mut conn, &scope, quarter, now).await?;
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
    let page = ReportPage {
        page: PageContext::for_user(&current, "Kvartalsstatistik", "/statistik").await?,
        scope_name: scope.name,
        quarter_label: report.quarter.label(),
        quarter_value: report.quarter.to_string(),
        complete: report.quarter.is_complete(now),
        warning,
        options: quarter_options(report.quarter, now),
        areas: report.areas,
        threshold: scope.threshold,
        withheld: stats::WITHHELD_TEXT,
        too_few: tables::TOO_FEW,
    };
    Ok(Html(page.render()?).into_response())
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
    let report = build_report(&mut conn, &scope, quarter, now).await?;
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

// ---------------------------------------------------------------------------------------------
// A unit's counts
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct UnitQuery {
    enhed: Option<String>,
}

/// How many quarters a unit's page looks back, the running one included.
const UNIT_QUARTERS: usize = 8;

struct UnitOption {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "stats/unit.html")]
struct UnitPage {
    page: PageContext,
    municipality_name: String,
    unit_name: Option<String>,
    /// Coordinators and the steering group choose among the municipality's units.
    options: Vec<UnitOption>,
    tables: Vec<Table>,
    threshold: i64,
    withheld: &'static str,
}

async fn show_unit_counts(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<UnitQuery>,
) -> AppResult<Response> {
    let actor = current.user.actor();
    let area = policy::unit_counts_area(&actor).ok_or(AppError::NotFound)?;
    let municipality_id = match area {
        UnitCountsArea::Municipality(m) | UnitCountsArea::OwnUnit(m, _) => m,
    };
    let municipality = state
        .tenants
        .by_id(municipality_id)
        .ok_or(AppError::NotFound)?;
    let threshold = municipality.profile.small_number_threshold;
    let now = state.clock.now();
    let mut conn = state.db.acquire().await?;
    let units = store::tenants::units(&mut *conn, municipality_id).await?;
    let requested = match query.enhed.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(crate::web::extract::parse_id(raw, UnitId)?),
    };
    let unit = match area {
        UnitCountsArea::OwnUnit(_, own) => {
            // Leaders and key employees see their own unit, whatever the address says.
            if requested.is_some_and(|r| r != own) {
                return Err(AppError::NotFound);
            }
            Some(own)
        }
        UnitCountsArea::Municipality(_) => match requested {
            Some(r) if units.iter().any(|u| u.id == r) => Some(r),
            Some(_) => return Err(AppError::NotFound),
            None => None,
        },
    };
    let running = Quarter::current(now);
    let tables = match unit {
        Some(u) => {
            let mut quarters = vec![running];
            while quarters.len() < UNIT_QUARTERS {
                let oldest = quarters[quarters.len() - 1];
                quarters.push(oldest.previous());
            }
            quarters.reverse();
            let figures = store::stats::unit(&mut conn, u, &quarters).await?;
            unit_tables(&figures, &quarters, running, threshold)
        }
        None => {
            let quarters: Vec<Quarter> = running
                .of_year()
                .into_iter()
                .filter(|q| q.has_begun(now))
                .collect();
            let counts =
                store::stats::concerns_by_unit(&mut conn, municipality_id, &quarters).await?;
            vec![units_table(&units, &counts, &quarters, running, threshold)]
        }
    };
    let (object, id) = match unit {
        Some(u) => (ObjectType::Unit, u.0),
        None => (ObjectType::Municipality, municipality_id.0),
    };
    audit_view(
        &mut conn,
        &state,
        &current,
        AuditAction::UnitCountsViewed,
        (object, id),
        Some(municipality_id),
        Some(municipality.police_district_id),
    )
    .await?;
    let choosing = matches!(area, UnitCountsArea::Municipality(_));
    let page = UnitPage {
        page: PageContext::for_user(&current, "Tal for enheden", "/enhed/tal").await?,
        municipality_name: municipality.name().to_owned(),
        unit_name: unit.and_then(|u| units.iter().find(|x| x.id == u).map(|x| x.name.clone())),
        options: if choosing {
            units
                .iter()
                .map(|u| UnitOption {
                    value: u.id.to_string(),
                    label: u.name.clone(),
                    selected: Some(u.id) == unit,
                })
                .collect()
        } else {
            Vec::new()
        },
        tables,
        threshold,
        withheld: stats::WITHHELD_TEXT,
    };
    Ok(Html(page.render()?).into_response())
}

/// What a concern not yet part of a case is waiting for, on the unit's page.
const CONCERN_STATES: &[(&str, &str)] = &[
    ("concern:awaiting_leader", "Hos lederen"),
    ("concern:returned", "Sendt tilbage til indberetteren"),
    ("concern:received", "Modtaget i Infohus, endnu ikke en sag"),
];

fn unit_tables(
    figures: &store::stats::UnitFigures,
    quarters: &[Quarter],
    running: Quarter,
    threshold: i64,
) -> Vec<Table> {
    // Concerns per quarter: one column, no total, so only small counts are hidden.
    let filed: Vec<Vec<Vec<i64>>> = vec![figures.filed.iter().map(|&n| vec![n]).collect()];
    let shown = stats::suppress_breakdown(&filed, false, false, threshold);
    let rows: Vec<Row> = quarters
        .iter()
        .zip(&shown[0])
        .map(|(q, s)| Row {
            label: if *q == running {
                format!("{} (til dato)", q.label())
            } else {
                q.label()
            },
            cells: vec![s[0].text(threshold)],
            is_total: false,
        })
        .collect();
    let filed_chart = tables::chart(
        "enhed-kvartaler",
        "Bekymringer indgivet i enheden pr. kvartal",
        &rows
            .iter()
            .zip(&shown[0])
            .map(|(r, s)| {
                (
                    r.label.clone(),
                    s[0].count().map(|n| n as f64),
                    r.cells[0].clone(),
                )
            })
            .collect::<Vec<_>>(),
    );
    let filed_table = Table {
        id: "enhed-kvartaler".to_owned(),
        title: "Bekymringer indgivet i enheden pr. kvartal".to_owned(),
        description:
            "Bekymringer fra enhedens medarbejdere og ledere, efter kvartalet de blev indgivet i."
                .to_owned(),
        row_heading: "Kvartal".to_owned(),
        columns: vec![Column {
            label: "Bekymringer".to_owned(),
            chosen: false,
        }],
        rows,
        chart: Some(filed_chart),
    };

    // Open now, by where they are, with the total.
    let mut keys: Vec<(String, String)> = CONCERN_STATES
        .iter()
        .map(|&(k, l)| (k.to_owned(), l.to_owned()))
        .chain(
            Stage::ALL
                .iter()
                .filter(|s| s.is_open())
                .map(|s| (s.as_str().to_owned(), format!("Sag: {}", s.label()))),
        )
        .collect();
    for (key, _) in &figures.open {
        if let Some(k) = key {
            if !keys.iter().any(|(known, _)| known == k) {
                keys.push((k.clone(), format!("Andet ({k})")));
            }
        }
    }
    let mut values: Vec<Vec<i64>> = keys
        .iter()
        .map(|(k, _)| vec![figures.open_count(Some(k))])
        .collect();
    values.push(vec![figures.open_count(None)]);
    let shown = stats::suppress_breakdown(&[values], true, false, threshold);
    let mut rows: Vec<Row> = keys
        .iter()
        .zip(&shown[0])
        .map(|((_, label), s)| Row {
            label: label.clone(),
            cells: vec![s[0].text(threshold)],
            is_total: false,
        })
        .collect();
    let open_chart = tables::chart(
        "enhed-aabne",
        "Åbne bekymringer og sager lige nu",
        &rows
            .iter()
            .zip(&shown[0])
            .map(|(r, s)| {
                (
                    r.label.clone(),
                    s[0].count().map(|n| n as f64),
                    r.cells[0].clone(),
                )
            })
            .collect::<Vec<_>>(),
    );
    let total = shown[0]
        .last()
        .and_then(|r| r.first().copied())
        .unwrap_or(Shown::Count(0));
    rows.push(Row {
        label: "I alt".to_owned(),
        cells: vec![total.text(threshold)],
        is_total: true,
    });
    let open_table = Table {
        id: "enhed-aabne".to_owned(),
        title: "Åbne bekymringer og sager lige nu".to_owned(),
        description: "Enhedens bekymringer, der ikke er afsluttet: hvor de er nu. En sag med flere bekymringer fra enheden tæller én gang.".to_owned(),
        row_heading: "Hvor".to_owned(),
        columns: vec![Column {
            label: "Antal".to_owned(),
            chosen: false,
        }],
        rows,
        chart: Some(open_chart),
    };
    vec![filed_table, open_table]
}

/// Every unit of the municipality by quarter of the running year, with totals both ways.
fn units_table(
    units: &[store::tenants::Unit],
    counts: &[(UnitId, usize, i64)],
    quarters: &[Quarter],
    running: Quarter,
    threshold: i64,
) -> Table {
    let cells: Vec<Vec<i64>> = units
        .iter()
        .map(|u| {
            (0..quarters.len())
                .map(|q| {
                    counts
                        .iter()
                        .find(|(id, idx, _)| *id == u.id && *idx == q)
                        .map_or(0, |(_, _, n)| *n)
                })
                .collect()
        })
        .collect();
    let grid = stats::suppress_grid(&cells, threshold);
    let mut columns = tables::quarter_columns(quarters, running, running);
    for c in &mut columns {
        c.chosen = false;
    }
    columns.push(Column {
        label: format!("{} i alt", running.year),
        chosen: false,
    });
    let mut rows: Vec<Row> = units
        .iter()
        .zip(grid.cells.iter().zip(&grid.row_totals))
        .map(|(u, (cells, total))| Row {
            label: u.name.clone(),
            cells: cells
                .iter()
                .chain(std::iter::once(total))
                .map(|s| s.text(threshold))
                .collect(),
            is_total: false,
        })
        .collect();
    let year_column: Vec<(String, Option<f64>, String)> = rows
        .iter()
        .zip(&grid.row_totals)
        .map(|(r, s)| {
            (
                r.label.clone(),
                s.count().map(|n| n as f64),
                s.text(threshold),
            )
        })
        .collect();
    rows.push(Row {
        label: "Alle enheder".to_owned(),
        cells: grid
            .column_totals
            .iter()
            .chain(std::iter::once(&grid.grand_total))
            .map(|s| s.text(threshold))
            .collect(),
        is_total: true,
    });
    let title = format!("Bekymringer indgivet pr. enhed i {}", running.year);
    Table {
        id: "enheder".to_owned(),
        chart: Some(tables::chart("enheder", &format!("{title}, året til dato"), &year_column)),
        title,
        description: "Bekymringer fra enhedernes medarbejdere og ledere, efter kvartal. Borgeres og myndigheders bekymringer hører ikke til en enhed.".to_owned(),
        row_heading: "Enhed".to_owned(),
        columns,
        rows,
    }
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
