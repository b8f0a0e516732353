//! A unit's counts (`/enhed/tal`): its concerns per quarter and what is open now, for its
//! leaders and key employees; every unit of the municipality for coordinators and the steering
//! group. Counts only, suppressed like the quarterly report.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::audit_view;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::UnitId;
use crate::domain::policy::{self, UnitCountsArea};
use crate::domain::stats::{self, Quarter, Shown};
use crate::domain::workflow::Stage;
use crate::error::{AppError, AppResult};
use crate::report::{self as tables, Column, Row, Table};
use crate::store::{self, audit::AuditAction, audit::ObjectType};
use crate::web::extract::Query;
use crate::web::layout::{self, PageContext};

#[derive(Debug, Deserialize)]
pub(super) struct UnitQuery {
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

pub(super) async fn show_unit_counts(
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
    layout::ok(&page)
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
