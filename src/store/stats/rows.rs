//! The finest rows of the figures: one count per municipality, quarter, breakdown and key, and
//! one number of cases per municipality, quarter, step and days. The live queries and the
//! summaries both give these; the report's sums, totals and medians are added up from them.

use std::collections::HashMap;

use super::{Breakdown, Count, DurationStep, QuarterlyFigures, StepDuration};
use crate::domain::ids::MunicipalityId;
use crate::domain::stats::Quarter;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    pub municipality: MunicipalityId,
    pub quarter: Quarter,
    pub dimension: Breakdown,
    pub key: String,
    pub n: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaysRow {
    pub municipality: MunicipalityId,
    pub quarter: Quarter,
    pub step: DurationStep,
    pub days: i32,
    pub n: i64,
}

/// A cell of the report (breakdown, area, quarter's position, key), keyed by the rows' strings.
type CellKey<'a> = (Breakdown, Option<MunicipalityId>, usize, Option<&'a str>);
/// A histogram of the report (step, area, quarter's position).
type HistogramKey = (DurationStep, Option<MunicipalityId>, usize);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    pub counts: Vec<CountRow>,
    pub days: Vec<DaysRow>,
}

impl Rows {
    pub fn extend(&mut self, other: Rows) {
        self.counts.extend(other.counts);
        self.days.extend(other.days);
    }

    /// The rows in one order, for comparing two sets of them.
    pub fn sorted(mut self) -> Rows {
        self.counts.sort_by(|a, b| {
            (a.municipality.0, a.quarter, a.dimension.as_str(), &a.key).cmp(&(
                b.municipality.0,
                b.quarter,
                b.dimension.as_str(),
                &b.key,
            ))
        });
        self.days
            .sort_by_key(|d| (d.municipality.0, d.quarter, d.step.as_str(), d.days));
        self
    }

    /// The report's figures for `quarters` (positions in that list): each municipality's
    /// counts, their sum over the municipalities, and each with its total over the keys; the
    /// step durations of each municipality and of all of them together.
    pub fn figures(&self, quarters: &[Quarter]) -> QuarterlyFigures {
        let position = |q: Quarter| quarters.iter().position(|x| *x == q);
        // Keyed by the rows' own strings: a district's year adds up some 15,000 cells.
        let mut counts: HashMap<CellKey<'_>, i64> = HashMap::new();
        for row in &self.counts {
            let Some(quarter) = position(row.quarter) else {
                continue;
            };
            for area in [Some(row.municipality), None] {
                *counts
                    .entry((row.dimension, area, quarter, Some(row.key.as_str())))
                    .or_default() += row.n;
                // Repeats are one key, counted without a total.
                if row.dimension != Breakdown::Repeat {
                    *counts
                        .entry((row.dimension, area, quarter, None))
                        .or_default() += row.n;
                }
            }
        }
        // Each histogram is gathered as (days, cases) pairs, then sorted and merged once.
        let mut histograms: HashMap<HistogramKey, Vec<(i32, i64)>> = HashMap::new();
        // A summary gives a histogram's rows together: each run of them is looked up once.
        let same = |a: &DaysRow, b: &DaysRow| {
            (a.step, a.municipality, a.quarter) == (b.step, b.municipality, b.quarter)
        };
        for run in self.days.chunk_by(same) {
            let Some(first) = run.first() else {
                continue;
            };
            let Some(quarter) = position(first.quarter) else {
                continue;
            };
            for area in [Some(first.municipality), None] {
                histograms
                    .entry((first.step, area, quarter))
                    .or_default()
                    .extend(run.iter().map(|row| (row.days, row.n)));
            }
        }
        QuarterlyFigures::new(
            counts
                .into_iter()
                .map(|((dimension, area, quarter, key), n)| Count {
                    dimension,
                    area,
                    quarter,
                    key: key.map(str::to_owned),
                    n,
                })
                .collect(),
            histograms
                .into_iter()
                .map(|((step, area, quarter), mut days)| {
                    days.sort_unstable_by_key(|(d, _)| *d);
                    let days = merged(days);
                    StepDuration {
                        step,
                        area,
                        quarter,
                        cases: days.iter().map(|(_, n)| n).sum(),
                        median_days: median(&days),
                        longest_days: days.last().map_or(0, |(d, _)| i64::from(*d)),
                    }
                })
                .collect(),
        )
    }
}

/// A sorted histogram with each number of days once.
fn merged(sorted: Vec<(i32, i64)>) -> Vec<(i32, i64)> {
    let mut out: Vec<(i32, i64)> = Vec::with_capacity(sorted.len());
    for (days, n) in sorted {
        match out.last_mut() {
            Some((last, m)) if *last == days => *m += n,
            _ => out.push((days, n)),
        }
    }
    out
}

/// The median of the values a histogram counts (sorted by value, each once), interpolated
/// between the two middle values when their number is even (as PostgreSQL's
/// `percentile_cont(0.5)`).
fn median(histogram: &[(i32, i64)]) -> f64 {
    let total: i64 = histogram.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return 0.0;
    }
    let nth = |index: i64| -> f64 {
        let mut seen = 0;
        for (value, n) in histogram {
            seen += n;
            if index < seen {
                return f64::from(*value);
            }
        }
        0.0
    };
    let (low, high) = ((total - 1) / 2, total / 2);
    (nth(low) + nth(high)) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_a_histogram_is_postgresqls_continuous_one() {
        let h = |pairs: &[(i32, i64)]| merged(pairs.to_vec());
        assert_eq!(median(&h(&[(3, 1)])), 3.0);
        assert_eq!(median(&h(&[(1, 1), (4, 1)])), 2.5);
        assert_eq!(median(&h(&[(1, 2), (4, 1)])), 1.0);
        assert_eq!(median(&h(&[(1, 2), (4, 2)])), 2.5);
        assert_eq!(median(&h(&[])), 0.0);
    }

    #[test]
    fn a_histogram_gathered_from_several_municipalities_counts_each_number_of_days_once() {
        let sorted = vec![(1, 2), (1, 3), (4, 1), (7, 0), (7, 2)];
        assert_eq!(merged(sorted), vec![(1, 5), (4, 1), (7, 2)]);
        assert_eq!(median(&merged(vec![(1, 1), (1, 1), (4, 1), (4, 1)])), 2.5);
    }
}
