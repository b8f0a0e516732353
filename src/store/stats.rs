//! The figures of the quarterly report and the unit counts, counted in SQL: every query groups
//! by area (municipality, and the sum of the areas by grouping sets) and quarter, so a page
//! needs a handful of queries however many municipalities and years there are.
//!
//! Nothing here returns a person, a case or free text: only codes, counts and days.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::domain::ids::{MunicipalityId, UnitId};
use crate::domain::stats::Quarter;

/// One count of the report. `area` is `None` for the sum over every requested municipality;
/// `key` is `None` for the sum over every key of the dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub dimension: String,
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
    pub step: String,
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
        dimension: &str,
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
        step: &str,
        area: Option<MunicipalityId>,
        quarter: usize,
    ) -> Option<&StepDuration> {
        self.durations
            .iter()
            .find(|d| d.step == step && d.area == area && d.quarter == quarter)
    }

    /// Every key of a dimension that has a count somewhere, sorted.
    pub fn keys(&self, dimension: &str) -> Vec<String> {
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

/// The dimensions of [`QuarterlyFigures::counts`].
pub mod dimension {
    /// New concerns by who raised them: `staff:<sector>`, `leader`, `citizen`, `police`,
    /// `other_authority`, `infohus` (the coordinator or the core group).
    pub const SOURCE: &str = "source";
    /// New concerns by kind (catalogue `ConcernKind`).
    pub const KIND: &str = "kind";
    /// New concerns by the person's age group when filed: `under_18`, `adult`.
    pub const AGE: &str = "age";
    /// New concerns by the prevention level of their case: a `Level` id, or `none`.
    pub const LEVEL: &str = "level";
    /// New concerns about a person with another concern on the same case in the 12 months
    /// before; the only key is `repeat`.
    pub const REPEAT: &str = "repeat";
    /// Cases open at the end of the quarter, by the stage they were in then.
    pub const OPEN_STAGE: &str = "open_stage";
    /// Closings in the quarter, by reason.
    pub const CLOSE_REASON: &str = "close_reason";
    /// Interventions started in the quarter, by type.
    pub const INTERVENTION: &str = "intervention";
}

/// The steps whose durations the report shows, in order.
pub mod step {
    pub const FILING_TO_SCREENING: &str = "filing_to_screening";
    pub const SCREENING_TO_TRIAGE: &str = "screening_to_triage";
    pub const TRIAGE_TO_PLAN: &str = "triage_to_plan";
    pub const FILING_TO_CLOSING: &str = "filing_to_closing";
}

fn instants(quarters: &[Quarter]) -> (Vec<OffsetDateTime>, Vec<OffsetDateTime>) {
    quarters.iter().map(|q| (q.start(), q.end())).unzip()
}

fn days(quarters: &[Quarter]) -> (Vec<Date>, Vec<Date>) {
    quarters
        .iter()
        .map(|q| (q.first_day(), q.next().first_day()))
        .unzip()
}

fn position(ordinality: i64) -> usize {
    usize::try_from(ordinality - 1).unwrap_or(usize::MAX)
}

/// Every figure of the quarterly report for these municipalities (and their sum) and quarters,
/// in five queries.
pub async fn quarterly(
    conn: &mut PgConnection,
    municipalities: &[MunicipalityId],
    quarters: &[Quarter],
) -> sqlx::Result<QuarterlyFigures> {
    let ids: Vec<Uuid> = municipalities.iter().map(|m| m.0).collect();
    let (starts, ends) = instants(quarters);
    let (first_days, after_days) = days(quarters);
    let mut counts = Vec::new();

    // New concerns, by source, kind, age group, level and repeat, from one pass over the
    // quarter's concerns.
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
                      exists (select 1 from concerns p
                              where p.case_id = c.case_id
                                and p.filed_at > c.filed_at - interval '12 months'
                                and (p.filed_at < c.filed_at or (p.filed_at = c.filed_at and p.id < c.id))
                             ) as repeat
               from q
               join concerns c on c.filed_at >= q.starts and c.filed_at < q.ends
               left join units u on u.id = c.unit_id
               left join cases k on k.id = c.case_id
               where c.municipality_id = any($1)
           )
           select 'source' as "dimension!", municipality_id as "area?: MunicipalityId", idx as "idx!",
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

    // Cases open at the end of each quarter, by the stage their history says they were in. A
    // case whose last closing came before the end cannot be open then; the rest are looked up
    // in their history, one index probe each.
    let rows = sqlx::query!(
        r#"with q as (
               select q.idx, q.ends
               from unnest($2::timestamptz[]) with ordinality as q(ends, idx)
           ), s as (
               select c.municipality_id, q.idx, h.to_stage
               from q
               join cases c on c.municipality_id = any($1) and c.opened_at < q.ends
                           and (c.closed_at is null or c.closed_at >= q.ends)
               cross join lateral (
                   select h.to_stage from case_history h
                   where h.case_id = c.id and h.occurred_at < q.ends
                   order by h.occurred_at desc, h.id desc
                   limit 1
               ) h
               where h.to_stage <> 'closed'
           )
           select municipality_id as "area?: MunicipalityId", idx as "idx!", to_stage as "key?",
                  count(*) as "n!"
           from s group by grouping sets ((municipality_id, idx, to_stage), (municipality_id, idx),
                                          (idx, to_stage), (idx))"#,
        &ids,
        &ends,
    )
    .fetch_all(&mut *conn)
    .await?;
    counts.extend(rows.into_iter().map(|r| Count {
        dimension: dimension::OPEN_STAGE.to_owned(),
        area: r.area,
        quarter: position(r.idx),
        key: r.key,
        n: r.n,
    }));

    // Closings in each quarter, by reason (a case reopened and closed again counts twice).
    let rows = sqlx::query!(
        r#"with q as (
               select q.idx, q.starts, q.ends
               from unnest($2::timestamptz[], $3::timestamptz[]) with ordinality as q(starts, ends, idx)
           )
           select c.municipality_id as "area?: MunicipalityId", q.idx as "idx!", cc.reason as "key?",
                  count(*) as "n!"
           from q
           join case_closings cc on cc.closed_at >= q.starts and cc.closed_at < q.ends
           join cases c on c.id = cc.case_id
           where c.municipality_id = any($1)
           group by grouping sets ((c.municipality_id, q.idx, cc.reason), (c.municipality_id, q.idx),
                                   (q.idx, cc.reason), (q.idx))"#,
        &ids,
        &starts,
        &ends,
    )
    .fetch_all(&mut *conn)
    .await?;
    counts.extend(rows.into_iter().map(|r| Count {
        dimension: dimension::CLOSE_REASON.to_owned(),
        area: r.area,
        quarter: position(r.idx),
        key: r.key,
        n: r.n,
    }));

    // Interventions started in each quarter (by their start date), by type.
    let rows = sqlx::query!(
        r#"with q as (
               select q.idx, q.first_day, q.after_day
               from unnest($2::date[], $3::date[]) with ordinality as q(first_day, after_day, idx)
           )
           select c.municipality_id as "area?: MunicipalityId", q.idx as "idx!", i.type_id as "key?",
                  count(*) as "n!"
           from q
           join interventions i on i.start_date >= q.first_day and i.start_date < q.after_day
           join cases c on c.id = i.case_id
           where c.municipality_id = any($1)
           group by grouping sets ((c.municipality_id, q.idx, i.type_id), (c.municipality_id, q.idx),
                                   (q.idx, i.type_id), (q.idx))"#,
        &ids,
        &first_days,
        &after_days,
    )
    .fetch_all(&mut *conn)
    .await?;
    counts.extend(rows.into_iter().map(|r| Count {
        dimension: dimension::INTERVENTION.to_owned(),
        area: r.area,
        quarter: position(r.idx),
        key: r.key,
        n: r.n,
    }));

    let durations = step_durations(conn, &ids, &starts, &ends).await?;
    Ok(QuarterlyFigures { counts, durations })
}

/// Median and longest days per step, for the cases that completed the step in each quarter.
/// The times come from the case history: a step ends the first time the case leaves
/// screening, leaves triage, enters the action plan or closes; filing is the case's first
/// concern (or its opening, if earlier).
async fn step_durations(
    conn: &mut PgConnection,
    ids: &[Uuid],
    starts: &[OffsetDateTime],
    ends: &[OffsetDateTime],
) -> sqlx::Result<Vec<StepDuration>> {
    let rows = sqlx::query!(
        r#"with q as (
               select q.idx, q.starts, q.ends
               from unnest($2::timestamptz[], $3::timestamptz[]) with ordinality as q(starts, ends, idx)
           ), span as (
               select min(starts) as from_at, max(ends) as to_at from q
           ), c as (
               -- Only a case open at some time in the span can complete a step in it.
               select c.id, c.municipality_id,
                      least(c.opened_at, (select min(x.filed_at) from concerns x where x.case_id = c.id)) as filed_at
               from cases c, span
               where c.municipality_id = any($1) and c.opened_at < span.to_at
                 and (c.closed_at is null or c.closed_at >= span.from_at)
           ), t as (
               select c.municipality_id, c.filed_at,
                      min(h.occurred_at) filter (where h.from_stage = 'screening') as screened_at,
                      min(h.occurred_at) filter (where h.from_stage = 'triage') as triaged_at,
                      min(h.occurred_at) filter (where h.to_stage = 'action_plan') as planned_at,
                      min(h.occurred_at) filter (where h.to_stage = 'closed') as closed_at
               from c
               join case_history h on h.case_id = c.id
               group by c.id, c.municipality_id, c.filed_at
           ), s as (
               select t.municipality_id, v.step, v.start_at, v.end_at,
                      (v.end_at at time zone 'Europe/Copenhagen')::date
                        - (v.start_at at time zone 'Europe/Copenhagen')::date as days
               from t
               cross join lateral (values
                   ('filing_to_screening', t.filed_at, t.screened_at),
                   ('screening_to_triage', t.screened_at, t.triaged_at),
                   ('triage_to_plan', t.triaged_at, t.planned_at),
                   ('filing_to_closing', t.filed_at, t.closed_at)
               ) as v(step, start_at, end_at)
               where v.start_at is not null and v.end_at is not null
           )
           select s.municipality_id as "area?: MunicipalityId", q.idx as "idx!", s.step as "step!",
                  count(*) as "cases!",
                  percentile_cont(0.5) within group (order by s.days) as "median_days!",
                  max(s.days)::bigint as "longest_days!"
           from s
           join q on s.end_at >= q.starts and s.end_at < q.ends
           group by grouping sets ((s.municipality_id, q.idx, s.step), (q.idx, s.step))"#,
        ids,
        starts,
        ends,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StepDuration {
            step: r.step,
            area: r.area,
            quarter: position(r.idx),
            cases: r.cases,
            median_days: r.median_days,
            longest_days: r.longest_days,
        })
        .collect())
}

/// What a unit's page counts: its concerns per quarter, and what is open now.
#[derive(Debug, Clone, Default)]
pub struct UnitFigures {
    /// Concerns filed in the unit, one per requested quarter.
    pub filed: Vec<i64>,
    /// Open now: `concern:<status>` for concerns not yet part of a case, the case's stage for
    /// the rest (each case once, however many of the unit's concerns it gathers). The sum is
    /// under key `None`.
    pub open: Vec<(Option<String>, i64)>,
}

impl UnitFigures {
    pub fn open_count(&self, key: Option<&str>) -> i64 {
        self.open
            .iter()
            .find(|(k, _)| k.as_deref() == key)
            .map_or(0, |(_, n)| *n)
    }
}

/// A unit's figures in two queries.
pub async fn unit(
    conn: &mut PgConnection,
    unit: UnitId,
    quarters: &[Quarter],
) -> sqlx::Result<UnitFigures> {
    let (starts, ends) = instants(quarters);
    let filed = sqlx::query!(
        r#"select q.idx as "idx!", count(c.id) as "n!"
           from unnest($2::timestamptz[], $3::timestamptz[]) with ordinality as q(starts, ends, idx)
           left join concerns c on c.unit_id = $1 and c.filed_at >= q.starts and c.filed_at < q.ends
           group by q.idx
           order by q.idx"#,
        unit as UnitId,
        &starts,
        &ends,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut per_quarter = vec![0; quarters.len()];
    for r in filed {
        if let Some(slot) = per_quarter.get_mut(position(r.idx)) {
            *slot = r.n;
        }
    }
    let open = sqlx::query!(
        r#"select coalesce(k.stage, 'concern:' || c.status) as "key?",
                  count(distinct coalesce(k.id, c.id)) as "n!"
           from concerns c
           left join cases k on k.id = c.case_id
           where c.unit_id = $1 and (k.id is null or k.stage <> 'closed')
           group by grouping sets ((coalesce(k.stage, 'concern:' || c.status)), ())"#,
        unit as UnitId,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(UnitFigures {
        filed: per_quarter,
        open: open.into_iter().map(|r| (r.key, r.n)).collect(),
    })
}

/// Concerns filed per unit of a municipality and quarter (units with none are absent).
pub async fn concerns_by_unit(
    conn: &mut PgConnection,
    municipality: MunicipalityId,
    quarters: &[Quarter],
) -> sqlx::Result<Vec<(UnitId, usize, i64)>> {
    let (starts, ends) = instants(quarters);
    let rows = sqlx::query!(
        r#"select c.unit_id as "unit!: UnitId", q.idx as "idx!", count(*) as "n!"
           from unnest($2::timestamptz[], $3::timestamptz[]) with ordinality as q(starts, ends, idx)
           join concerns c on c.municipality_id = $1 and c.filed_at >= q.starts and c.filed_at < q.ends
           where c.unit_id is not null
           group by c.unit_id, q.idx"#,
        municipality as MunicipalityId,
        &starts,
        &ends,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.unit, position(r.idx), r.n))
        .collect())
}
