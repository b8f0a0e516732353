//! The figures of the quarterly report and the unit counts, counted in SQL: every query groups
//! by area (municipality, and the sum of the areas by grouping sets) and quarter, so a page
//! needs a handful of queries however many municipalities and years there are.
//!
//! Nothing here returns a person, a case or free text: only codes, counts and days.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use crate::domain::code::code_enum;
use crate::domain::ids::MunicipalityId;
use crate::domain::stats::Quarter;

mod live;
mod rows;
mod summary;
mod units;

pub use rows::Rows;
pub use units::*;

/// One count of the report. `area` is `None` for the sum over every requested municipality;
/// `key` is `None` for the sum over every key of the dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub dimension: Breakdown,
    pub area: Option<MunicipalityId>,
    /// The position of the quarter in the list asked for, from 0.
    pub quarter: usize,
    pub key: Option<String>,
    pub n: i64,
}

/// How long one step took for the cases that completed it in a quarter, in calendar days in
/// Copenhagen.
#[derive(Debug, Clone, PartialEq)]
pub struct StepDuration {
    pub step: DurationStep,
    pub area: Option<MunicipalityId>,
    pub quarter: usize,
    pub cases: i64,
    pub median_days: f64,
    pub longest_days: i64,
}

/// Everything the quarterly report counts, for the requested municipalities and quarters. The
/// cells are kept in the order of their keys, so that a district's report (thousands of cells,
/// each looked up by every table that shows it) finds each by a binary search.
#[derive(Debug, Clone, Default)]
pub struct QuarterlyFigures {
    counts: Vec<Count>,
    durations: Vec<StepDuration>,
}

type CountKey<'a> = (&'static str, Option<MunicipalityId>, usize, Option<&'a str>);
type DurationKey = (&'static str, Option<MunicipalityId>, usize);

fn count_key(c: &Count) -> CountKey<'_> {
    (c.dimension.as_str(), c.area, c.quarter, c.key.as_deref())
}

fn duration_key(d: &StepDuration) -> DurationKey {
    (d.step.as_str(), d.area, d.quarter)
}

impl QuarterlyFigures {
    pub(super) fn new(mut counts: Vec<Count>, mut durations: Vec<StepDuration>) -> Self {
        counts.sort_by(|a, b| count_key(a).cmp(&count_key(b)));
        durations.sort_by_key(duration_key);
        QuarterlyFigures { counts, durations }
    }

    /// Every count, in the order of (breakdown, area, quarter, key).
    pub fn counts(&self) -> &[Count] {
        &self.counts
    }

    /// Every step's durations, in the order of (step, area, quarter).
    pub fn durations(&self) -> &[StepDuration] {
        &self.durations
    }

    /// The count for one cell; a combination with no rows is zero.
    pub fn count(
        &self,
        dimension: Breakdown,
        area: Option<MunicipalityId>,
        quarter: usize,
        key: Option<&str>,
    ) -> i64 {
        let wanted = (dimension.as_str(), area, quarter, key);
        self.counts
            .binary_search_by(|c| count_key(c).cmp(&wanted))
            .map_or(0, |i| self.counts[i].n)
    }

    pub fn duration(
        &self,
        step: DurationStep,
        area: Option<MunicipalityId>,
        quarter: usize,
    ) -> Option<&StepDuration> {
        let wanted = (step.as_str(), area, quarter);
        self.durations
            .binary_search_by(|d| duration_key(d).cmp(&wanted))
            .ok()
            .map(|i| &self.durations[i])
    }

    /// Every key of a dimension that has a count somewhere, sorted.
    pub fn keys(&self, dimension: Breakdown) -> Vec<String> {
        let mut keys: Vec<String> = self
            .counts
            .iter()
            .filter(|c| c.dimension == dimension)
            .filter_map(|c| c.key.clone())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

code_enum! {
    /// What the counts of [`QuarterlyFigures::counts`] are broken down by.
    pub enum Breakdown {
        /// New concerns by who raised them: `staff:<sector>`, `leader`, `citizen`, `police`,
        /// `other_authority`, `infohus` (the coordinator or the core group).
        Source => "source",
        /// New concerns by kind (catalogue `ConcernKind`).
        Kind => "kind",
        /// New concerns by the person's age group when filed: `under_18`, `adult`.
        Age => "age",
        /// New concerns by the prevention level of their case: a `Level` id, or `none`.
        Level => "level",
        /// New concerns that are repeats (`concerns::is_repeat_subject`); the only key is
        /// `repeat`.
        Repeat => "repeat",
        /// Cases open at the end of the quarter, by the stage they were in then.
        OpenStage => "open_stage",
        /// Closings in the quarter, by reason.
        CloseReason => "close_reason",
        /// Interventions started in the quarter, by type.
        Intervention => "intervention",
    }
}

code_enum! {
    /// The steps whose durations the report shows, in order.
    pub enum DurationStep {
        FilingToScreening => "filing_to_screening",
        ScreeningToTriage => "screening_to_triage",
        TriageToPlan => "triage_to_plan",
        FilingToClosing => "filing_to_closing",
    }
}

pub(super) fn instants(quarters: &[Quarter]) -> (Vec<OffsetDateTime>, Vec<OffsetDateTime>) {
    quarters.iter().map(|q| (q.start(), q.end())).unzip()
}

pub(super) fn days(quarters: &[Quarter]) -> (Vec<Date>, Vec<Date>) {
    quarters
        .iter()
        .map(|q| (q.first_day(), q.next().first_day()))
        .unzip()
}

pub(super) fn position(ordinality: i64) -> usize {
    usize::try_from(ordinality - 1).unwrap_or(usize::MAX)
}

/// Every figure of the quarterly report for these municipalities (and their sum) and quarters.
/// A quarter that has begun is read from its summary rows ([`summary`]), made from the live
/// queries ([`live`]) the first time it is asked for and again after each change that reaches
/// into it; for the running quarter that is the municipality's next change. Only a quarter
/// still ahead is counted live every time. The sums over municipalities, the totals over keys
/// and the medians are added up here, from the municipalities' own rows, so a district's report
/// costs what its municipalities' do.
pub async fn quarterly(
    conn: &mut PgConnection,
    municipalities: &[MunicipalityId],
    quarters: &[Quarter],
    now: OffsetDateTime,
) -> sqlx::Result<QuarterlyFigures> {
    let running = Quarter::current(now);
    let (begun, ahead): (Vec<Quarter>, Vec<Quarter>) =
        quarters.iter().partition(|q| **q <= running);
    let (present, mut rows) = summary::load(&mut *conn, municipalities, &begun).await?;
    // Each quarter missing a summary is counted on its own, so that one missing quarter years
    // back does not make the query read every year in between.
    for &quarter in &begun {
        let missing: Vec<MunicipalityId> = municipalities
            .iter()
            .copied()
            .filter(|m| !present.contains(&(*m, quarter)))
            .collect();
        if !missing.is_empty() {
            rows.extend(summary::make(&mut *conn, &missing, quarter, now).await?);
        }
    }
    if !ahead.is_empty() {
        rows.extend(live::rows(&mut *conn, municipalities, &ahead).await?);
    }
    Ok(rows.figures(quarters))
}

/// Every summary kept, with its rows, and the same rows counted live from the raw rows now:
/// the two must be equal whatever has happened since the summary was made.
pub async fn summaries_against_raw_rows(
    conn: &mut PgConnection,
) -> sqlx::Result<Vec<(Rows, Rows)>> {
    let kept: Vec<(uuid::Uuid, Date)> =
        sqlx::query_as("select municipality_id, quarter from quarter_summaries order by 1, 2")
            .fetch_all(&mut *conn)
            .await?;
    let mut pairs = Vec::new();
    for (municipality, day) in kept {
        let (m, q) = (MunicipalityId(municipality), Quarter::containing(day));
        let (_, stored) = summary::load(&mut *conn, &[m], &[q]).await?;
        let raw = live::rows(&mut *conn, &[m], &[q]).await?;
        pairs.push((stored.sorted(), raw.sorted()));
    }
    Ok(pairs)
}

/// The same figures counted from the raw rows alone, never from a summary: what the summaries
/// are checked against, and the benchmark's baseline.
pub async fn quarterly_live(
    conn: &mut PgConnection,
    municipalities: &[MunicipalityId],
    quarters: &[Quarter],
) -> sqlx::Result<QuarterlyFigures> {
    Ok(live::rows(conn, municipalities, quarters)
        .await?
        .figures(quarters))
}
