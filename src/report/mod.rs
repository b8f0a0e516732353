//! The quarterly report as it is shown: counts turned into suppressed table cells, bar charts
//! of the same cells, and the CSV written from exactly these tables, so the page and the download cannot
//! disagree.

use crate::domain::ids::MunicipalityId;
use crate::domain::stats::{self, Quarter, Shown};
use crate::store::stats::QuarterlyFigures;

mod breakdowns;
mod chart;

use breakdowns::{STEPS, specs};

use chart::chart_of_column;
pub use chart::*;

/// One column heading.
#[derive(Debug, Clone)]
pub struct Column {
    pub label: String,
    /// The quarter the report is about, set off from the others beside it.
    pub chosen: bool,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub cells: Vec<String>,
    pub is_total: bool,
}

/// One table of figures, with its chart.
#[derive(Debug, Clone)]
pub struct Table {
    /// Unique on the page: the area's slug and the table's key.
    pub id: String,
    pub title: String,
    pub description: String,
    pub row_heading: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub chart: Option<Chart>,
}

impl Table {
    /// Is the cell at this position in the chosen quarter's column?
    pub fn is_chosen(&self, column: &usize) -> bool {
        self.columns.get(*column).is_some_and(|c| c.chosen)
    }
}

/// One area of the report: a municipality, or the sum of the district's municipalities.
#[derive(Debug, Clone)]
pub struct Area {
    /// `None` for the sum of the others.
    pub municipality: Option<MunicipalityId>,
    pub slug: String,
    pub name: String,
    /// The staff sectors of the area's units, for the source breakdown.
    pub sectors: Vec<String>,
}

/// The report of one area, table by table.
#[derive(Debug, Clone)]
pub struct AreaReport {
    pub slug: String,
    pub name: String,
    pub tables: Vec<Table>,
}

/// The column headings of the report: the quarters of the chosen quarter's year that have
/// begun, the running one marked as such.
pub fn quarter_columns(quarters: &[Quarter], chosen: Quarter, running: Quarter) -> Vec<Column> {
    quarters
        .iter()
        .map(|&q| Column {
            label: if q == running {
                format!("{} (til dato)", q.short_label())
            } else {
                q.short_label()
            },
            chosen: q == chosen,
        })
        .collect()
}

/// The whole report: every area's tables, suppressed together so that no area, total or row
/// gives away another's hidden cell.
pub fn build(
    figures: &QuarterlyFigures,
    areas: &[Area],
    columns: &[Column],
    threshold: i64,
) -> Vec<AreaReport> {
    build_only(figures, areas, columns, threshold, None)
}

/// The tables of one area (the position in `areas`), or of all when `None`: every area is
/// still counted and suppressed with the others, only the tables of the rest are not made.
pub fn build_only(
    figures: &QuarterlyFigures,
    areas: &[Area],
    columns: &[Column],
    threshold: i64,
    only: Option<usize>,
) -> Vec<AreaReport> {
    let wanted = |a: usize| only.is_none_or(|o| o == a);
    let all_sectors: Vec<String> = {
        let mut s: Vec<String> = areas.iter().flat_map(|a| a.sectors.clone()).collect();
        s.sort();
        s.dedup();
        s
    };
    let has_total_area = areas.len() > 1 && areas.last().is_some_and(|a| a.municipality.is_none());
    let chosen = columns.iter().position(|c| c.chosen).unwrap_or(0);
    let mut reports: Vec<AreaReport> = areas
        .iter()
        .map(|a| AreaReport {
            slug: a.slug.clone(),
            name: a.name.clone(),
            tables: Vec::new(),
        })
        .collect();
    for spec in specs(figures, &all_sectors) {
        let row_keys: Vec<Option<&str>> = spec
            .rows
            .iter()
            .map(|(k, _)| Some(k.as_str()))
            .chain(spec.total.map(|_| None))
            .collect();
        let values: Vec<Vec<Vec<i64>>> = areas
            .iter()
            .map(|area| {
                row_keys
                    .iter()
                    .map(|key| {
                        (0..columns.len())
                            .map(|q| figures.count(spec.dimension, area.municipality, q, *key))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let shown =
            stats::suppress_breakdown(&values, spec.total.is_some(), has_total_area, threshold);
        for (a, report) in reports.iter_mut().enumerate() {
            if !wanted(a) {
                continue;
            }
            // Every area has the same rows (a sector one municipality lacks is a row of zeros
            // there), so that the areas can be suppressed together.
            let rows: Vec<Row> = spec
                .rows
                .iter()
                .map(|(_, label)| label.clone())
                .chain(spec.total.map(str::to_owned))
                .enumerate()
                .map(|(r, label)| Row {
                    label,
                    cells: shown[a][r].iter().map(|s| s.text(threshold)).collect(),
                    is_total: spec.total.is_some() && r == row_keys.len() - 1,
                })
                .collect();
            let column_shown: Vec<Shown> = shown[a]
                .iter()
                .map(|r| r.get(chosen).copied().unwrap_or(Shown::Count(0)))
                .collect();
            let mut table = Table {
                id: format!("{}-{}", report.slug, spec.key),
                title: spec.title.to_owned(),
                description: spec.description.to_owned(),
                row_heading: spec.row_heading.to_owned(),
                columns: columns.to_vec(),
                rows,
                chart: None,
            };
            if spec.rows.len() > 1 {
                table.chart = Some(chart_of_column(&table, chosen, &column_shown));
            }
            report.tables.push(table);
        }
    }
    for (a, report) in reports.iter_mut().enumerate() {
        if !wanted(a) {
            continue;
        }
        report.tables.push(durations_table(
            figures,
            &areas[a],
            &report.slug,
            columns,
            threshold,
        ));
    }
    reports
        .into_iter()
        .enumerate()
        .filter_map(|(a, report)| wanted(a).then_some(report))
        .collect()
}

/// Median and longest days per step. A figure built on fewer cases than the threshold could
/// describe one person's case, so it is not shown.
fn durations_table(
    figures: &QuarterlyFigures,
    area: &Area,
    slug: &str,
    columns: &[Column],
    threshold: i64,
) -> Table {
    let mut rows = Vec::new();
    let mut chart_items = Vec::new();
    let chosen = columns.iter().position(|c| c.chosen).unwrap_or(0);
    for &(key, label) in STEPS {
        let mut median = Vec::new();
        let mut longest = Vec::new();
        for q in 0..columns.len() {
            match figures.duration(key, area.municipality, q) {
                None => {
                    median.push("–".to_owned());
                    longest.push("–".to_owned());
                }
                Some(d) if stats::is_small(d.cases, threshold) => {
                    median.push(TOO_FEW.to_owned());
                    longest.push(TOO_FEW.to_owned());
                }
                Some(d) => {
                    median.push(stats::format_days(d.median_days));
                    longest.push(d.longest_days.to_string());
                }
            }
        }
        let chosen_median = figures
            .duration(key, area.municipality, chosen)
            .filter(|d| !stats::is_small(d.cases, threshold))
            .map(|d| d.median_days);
        chart_items.push((
            label.to_owned(),
            chosen_median,
            median.get(chosen).cloned().unwrap_or_default(),
        ));
        rows.push(Row {
            label: format!("{label}: median"),
            cells: median,
            is_total: false,
        });
        rows.push(Row {
            label: format!("{label}: længste"),
            cells: longest,
            is_total: false,
        });
    }
    let id = format!("{slug}-tid");
    let title = "Sagsbehandlingstid i dage";
    let quarter = columns
        .get(chosen)
        .map(|c| c.label.clone())
        .unwrap_or_default();
    let chart = chart(&id, &format!("Mediantid i dage, {quarter}"), &chart_items);
    Table {
        id,
        title: title.to_owned(),
        description: "Kalenderdage for de sager, der nåede trinnet i kvartalet: medianen (den midterste sag) og den længste. «for få» står, hvor færre end grænsen for små tal nåede trinnet.".to_owned(),
        row_heading: "Trin".to_owned(),
        columns: columns.to_vec(),
        rows,
        chart: Some(chart),
    }
}

/// What a duration built on too few cases says.
pub const TOO_FEW: &str = "for få";

/// The CSV of a report: a header, then one line per table row, each prefixed with its area
/// and table; the cells exactly as on the page.
pub fn csv(reports: &[AreaReport], columns: &[Column]) -> String {
    let mut out = String::from(stats::CSV_BOM);
    let mut header = vec!["Område".to_owned(), "Tabel".to_owned(), "Række".to_owned()];
    header.extend(columns.iter().map(|c| c.label.clone()));
    out.push_str(&stats::csv_record(&header));
    for report in reports {
        for table in &report.tables {
            for row in &table.rows {
                let mut fields = vec![report.name.clone(), table.title.clone(), row.label.clone()];
                fields.extend(row.cells.iter().cloned());
                out.push_str(&stats::csv_record(&fields));
            }
        }
    }
    out
}
