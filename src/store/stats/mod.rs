//! The figures of the quarterly report and the unit counts, counted in SQL: every query groups
//! by area (municipality, and the sum of the areas by grouping sets) and quarter, so a page
//! needs a handful of queries however many municipalities and years there are.
//!
//! Nothing here returns a person, a case or free text: only codes, counts and days.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::domain::code::code_enum;
use crate::domain::ids::MunicipalityId;
use crate::domain::stats::Quarter;

mod units;

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

/// Everything the quarterly report counts, for the requested municipalities and quarters.
#[derive(Debug, Clone, Default)]
pub struct QuarterlyFigures {
    pub counts: Vec<Count>,
    pub durations: Vec<StepDuration>,
}

impl QuarterlyFigures {
    /// The count for one cell; a combination with no rows is zero.
    pub fn count(
        &self,
        dimension: Breakdown,
        area: Option<MunicipalityId>,
        quarter: usize,
        key: Option<&str>,
    ) -> i64 {
        self.counts
            .iter()
            .find(|c| {
                c.dimension == dimension
                    && c.area == area
                    && c.quarter == quarter
                    && c.key.as_deref() == key
            })
            .map_or(0, |c| c.n)
    }

    pub fn duration(
        &self,
        step: DurationStep,
        area: Option<MunicipalityId>,
        quarter: usize,
    ) -> Option<&StepDuration> {
        self.durations
            .iter()
            .find(|d| d.step == step && d.area == area && d.quarter == quarter)
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

/// Every figure of the quarterly report for these municipalities (and their sum) and quarters,
/// in two queries: one over the concerns filed in the quarters, one over the cases active in
/// them. Both read only the span of the quarters, so years of other data and other
/// municipalities cost nothing (see the migration `stats_indexes`).
pub async fn quarterly(
    conn: &mut PgConnection,
    municipalities: &[MunicipalityId],
    quarters: &[Quarter],
) -> sqlx::Result<QuarterlyFigures> {
    let (Some(first), Some(last)) = (quarters.iter().min(), quarters.iter().max()) else {
        return Ok(QuarterlyFigures::default());
    };
    let ids: Vec<Uuid> = municipalities.iter().map(|m| m.0).collect();
    let (starts, ends) = instants(quarters);
    let (first_days, after_days) = days(quarters);
    let (span_start, span_end) = (first.start(), last.end());
    let (span_first_day, span_after_day) = (first.first_day(), last.next().first_day());
    let mut counts = Vec::new();

    // New concerns, by source, kind, age group, level and repeat, from one pass over the
    // span's concerns. The span bounds are given as such so that the planner sees them.
    let rows = sqlx::query!(
        r#"with q as (
               select q.idx, q.starts, q.ends
               from unnest($2::timestamptz[], $3::timestamptz[]) with ordinality as q(starts, ends, idx)
           ), f as materialized (
               select c.municipality_id, q.idx,
                      case when c.source in ('staff', 'key_employee') then 'staff:' || coalesce(u.sector, '')
                           when c.source in ('coordinator', 'core_group') then 'infohus'
                           else c.source end as source_key,
                      c.kind,
                      case when c.subject_is_minor then 'under_18' else 'adult' end as age,
                      coalesce(k.level, 'none') as level,
                      c.repeat
               from concern_facts c
               join q on c.filed_at >= q.starts and c.filed_at < q.ends
               left join units u on u.id = c.unit_id
               left join cases k on k.id = c.case_id
               where c.municipality_id = any($1) and c.filed_at >= $4 and c.filed_at < $5
           )
           select 'source' as "dimension!: Breakdown", municipality_id as "area?: MunicipalityId", idx as "idx!",
                  source_key as "key?", count(*) as "n!"
           from f group by grouping sets ((municipality_id, idx, source_key), (municipality_id, idx),
                                          (idx, source_key), (idx))
           union all
           select 'kind', municipality_id, idx, kind, count(*)
           from f group by grouping sets ((municipality_id, idx, kind), (municipality_id, idx), (idx, kind), (idx))
           union all
           select 'age', municipality_id, idx, age, count(*)
           from f group by grouping sets ((municipality_id, idx, age), (municipality_id, idx), (idx, age), (idx))
           union all
           select 'level', municipality_id, idx, level, count(*)
           from f group by grouping sets ((municipality_id, idx, level), (municipality_id, idx), (idx, level), (idx))
           union all
           select 'repeat', municipality_id, idx, 'repeat', count(*)
           from f where repeat group by grouping sets ((municipality_id, idx), (idx))"#,
        &ids,
        &starts,
        &ends,
        span_start,
        span_end,
    )
    .fetch_all(&mut *conn)
    .await?;
    counts.extend(rows.into_iter().map(|r| Count {
        dimension: r.dimension,
        area: r.area,
        quarter: position(r.idx),
        key: r.key,
        n: r.n,
    }));

    // The cases active at some time in the span (still open, or closed after it began) carry
    // everything else: the stage at each quarter's end, the closings, the interventions
    // started, and how long each step took.
    //
    // The stage at an instant is the last history row before it; a case whose stage has not
    // changed since (`stage_changed_at`, kept by every move) needs no look at its history.
    // A step ends the first time the case leaves screening, leaves triage, enters the action
    // plan or closes; filing is the case's first concern (or its opening, if earlier).
    let rows = sqlx::query!(
        r#"with q as (
               select q.idx, q.starts, q.ends, q.first_day, q.after_day
               from unnest($2::timestamptz[], $3::timestamptz[], $6::date[], $7::date[])
                    with ordinality as q(starts, ends, first_day, after_day, idx)
           ), c as materialized (
               select c.id, c.municipality_id, c.opened_at, c.closed_at, c.stage, c.stage_changed_at
               from cases c
               where c.municipality_id = any($1) and c.closed_at is null and c.opened_at < $5
               union all
               select c.id, c.municipality_id, c.opened_at, c.closed_at, c.stage, c.stage_changed_at
               from cases c
               where c.municipality_id = any($1) and c.closed_at >= $4 and c.opened_at < $5
           ), open_at_end as materialized (
               select c.municipality_id, q.idx,
                      case when c.stage_changed_at < q.ends then c.stage
                           else (select h.to_stage from case_history h
                                 where h.case_id = c.id and h.occurred_at < q.ends
                                 order by h.occurred_at desc, h.id desc limit 1) end as stage
               from q
               join c on c.opened_at < q.ends and (c.closed_at is null or c.closed_at >= q.ends)
           ), closings as (
               select c.municipality_id, q.idx, cc.reason
               from case_closings cc
               join c on c.id = cc.case_id
               join q on cc.closed_at >= q.starts and cc.closed_at < q.ends
               where cc.closed_at >= $4 and cc.closed_at < $5
           ), started as (
               select c.municipality_id, q.idx, i.type_id
               from intervention_facts i
               join c on c.id = i.case_id
               join q on i.start_date >= q.first_day and i.start_date < q.after_day
               where i.start_date >= $8 and i.start_date < $9
           ), milestones as (
               select c.municipality_id, least(c.opened_at, f.first_filed) as filed_at,
                      h.screened_at, h.triaged_at, h.planned_at, h.closed_at
               from c
               cross join lateral (
                   select min(x.filed_at) as first_filed from concern_facts x where x.case_id = c.id
               ) f
               cross join lateral (
                   select min(h.occurred_at) filter (where h.from_stage = 'screening') as screened_at,
                          min(h.occurred_at) filter (where h.from_stage = 'triage') as triaged_at,
                          min(h.occurred_at) filter (where h.to_stage = 'action_plan') as planned_at,
                          min(h.occurred_at) filter (where h.to_stage = 'closed') as closed_at
                   from case_history h where h.case_id = c.id
               ) h
               where c.stage_changed_at >= $4
           ), steps as (
               select m.municipality_id, q.idx, v.step,
                      (v.end_at at time zone 'Europe/Copenhagen')::date
                        - (v.start_at at time zone 'Europe/Copenhagen')::date as days
               from milestones m
               cross join lateral (values
                   ('filing_to_screening', m.filed_at, m.screened_at),
                   ('screening_to_triage', m.screened_at, m.triaged_at),
                   ('triage_to_plan', m.triaged_at, m.planned_at),
                   ('filing_to_closing', m.filed_at, m.closed_at)
               ) as v(step, start_at, end_at)
               join q on v.end_at >= q.starts and v.end_at < q.ends
               where v.start_at is not null
           )
           select 'open_stage' as "dimension!", municipality_id as "area?: MunicipalityId",
                  idx as "idx!", stage as "key?", count(*) as "n!",
                  null::float8 as "median_days?", null::bigint as "longest_days?"
           from open_at_end where stage <> 'closed'
           group by grouping sets ((municipality_id, idx, stage), (municipality_id, idx), (idx, stage), (idx))
           union all
           select 'close_reason', municipality_id, idx, reason, count(*), null, null
           from closings
           group by grouping sets ((municipality_id, idx, reason), (municipality_id, idx), (idx, reason), (idx))
           union all
           select 'intervention', municipality_id, idx, type_id, count(*), null, null
           from started
           group by grouping sets ((municipality_id, idx, type_id), (municipality_id, idx), (idx, type_id), (idx))
           union all
           select 'duration', municipality_id, idx, step, count(*),
                  percentile_cont(0.5) within group (order by days), max(days)::bigint
           from steps group by grouping sets ((municipality_id, idx, step), (idx, step))"#,
        &ids,
        &starts,
        &ends,
        span_start,
        span_end,
        &first_days,
        &after_days,
        span_first_day,
        span_after_day,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut durations = Vec::new();
    let unknown =
        |what: &str, code: &str| sqlx::Error::Decode(format!("unknown {what} {code:?}").into());
    for r in rows {
        // One query gives both: the durations are the rows of the pseudo-breakdown `duration`,
        // keyed by their step.
        if r.dimension == "duration" {
            let key = r.key.unwrap_or_default();
            durations.push(StepDuration {
                step: DurationStep::parse(&key).ok_or_else(|| unknown("step", &key))?,
                area: r.area,
                quarter: position(r.idx),
                cases: r.n,
                median_days: r.median_days.unwrap_or(0.0),
                longest_days: r.longest_days.unwrap_or(0),
            });
        } else {
            counts.push(Count {
                dimension: Breakdown::parse(&r.dimension)
                    .ok_or_else(|| unknown("breakdown", &r.dimension))?,
                area: r.area,
                quarter: position(r.idx),
                key: r.key,
                n: r.n,
            });
        }
    }
    Ok(QuarterlyFigures { counts, durations })
}
