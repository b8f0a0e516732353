//! The figures counted live from the raw rows, for the running quarter and for a quarter whose
//! summary is still to be made: two queries, one over the concerns filed in the quarters, one
//! over the cases active in them. Both read only the span of the quarters, so years of other
//! data and other municipalities cost nothing (see the migration `stats_indexes`). They give
//! the finest rows ([`Rows`]); the sums and medians are added up from those.

use sqlx::PgConnection;
use uuid::Uuid;

use super::rows::{CountRow, DaysRow, Rows};
use super::{Breakdown, DurationStep, days, instants, position};
use crate::domain::ids::MunicipalityId;
use crate::domain::stats::Quarter;

pub(super) async fn rows(
    conn: &mut PgConnection,
    municipalities: &[MunicipalityId],
    quarters: &[Quarter],
) -> sqlx::Result<Rows> {
    let (Some(first), Some(last)) = (quarters.iter().min(), quarters.iter().max()) else {
        return Ok(Rows::default());
    };
    let ids: Vec<Uuid> = municipalities.iter().map(|m| m.0).collect();
    let (starts, ends) = instants(quarters);
    let (first_days, after_days) = days(quarters);
    let (span_start, span_end) = (first.start(), last.end());
    let (span_first_day, span_after_day) = (first.first_day(), last.next().first_day());
    let quarter_at = |idx: i64| quarters.get(position(idx)).copied();
    let mut out = Rows::default();

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
           select 'source' as "dimension!: Breakdown", municipality_id as "municipality!: MunicipalityId",
                  idx as "idx!", source_key as "key!", count(*) as "n!"
           from f group by municipality_id, idx, source_key
           union all
           select 'kind', municipality_id, idx, kind, count(*) from f group by municipality_id, idx, kind
           union all
           select 'age', municipality_id, idx, age, count(*) from f group by municipality_id, idx, age
           union all
           select 'level', municipality_id, idx, level, count(*) from f group by municipality_id, idx, level
           union all
           select 'repeat', municipality_id, idx, 'repeat', count(*)
           from f where repeat group by municipality_id, idx"#,
        &ids,
        &starts,
        &ends,
        span_start,
        span_end,
    )
    .fetch_all(&mut *conn)
    .await?;
    out.counts.extend(rows.into_iter().filter_map(|r| {
        Some(CountRow {
            municipality: r.municipality,
            quarter: quarter_at(r.idx)?,
            dimension: r.dimension,
            key: r.key,
            n: r.n,
        })
    }));

    // The cases carry everything else: the stage at each quarter's end, the closings, the
    // interventions started, and how long each step took. Each part is a range of an index
    // over the municipality's cases or rows in the span, never every case open in it.
    //
    // The stage at an instant is the last history row before it; a case whose stage has not
    // changed since (`stage_changed_at`, kept by every move) needs no look at its history, and
    // for the running quarter that is every case open now (`cases_open_stats_idx`).
    // A step ends the first time the case leaves screening, leaves triage, enters the action
    // plan or closes; filing is the case's first concern (or its opening, if earlier). The
    // case carries those instants itself, kept from its history and its concerns by the
    // triggers of the migration `stats_milestones`, and each has an index by municipality
    // (`stats_step_indexes`), so the steps ended in a quarter are four ranges.
    let rows = sqlx::query!(
        r#"with q as (
               select q.idx, q.starts, q.ends, q.first_day, q.after_day
               from unnest($2::timestamptz[], $3::timestamptz[], $6::date[], $7::date[])
                    with ordinality as q(starts, ends, first_day, after_day, idx)
           ), open_at_end as (
               select c.municipality_id, q.idx, c.stage
               from q
               join cases c on c.opened_at < q.ends and c.stage_changed_at < q.ends
               where c.municipality_id = any($1) and c.closed_at is null and c.opened_at < $5
               union all
               -- Moved since a quarter's end ($10 is the earliest end), or closed since:
               -- their stage then is in their history.
               select c.municipality_id, q.idx,
                      (select h.to_stage from case_history h
                       where h.case_id = c.id and h.occurred_at < q.ends
                       order by h.occurred_at desc, h.id desc limit 1)
               from q
               join (select c.id, c.municipality_id, c.opened_at, c.closed_at, c.stage_changed_at
                     from cases c
                     where c.municipality_id = any($1) and c.closed_at is null
                       and c.stage_changed_at >= $10
                     union all
                     select c.id, c.municipality_id, c.opened_at, c.closed_at, c.stage_changed_at
                     from cases c
                     where c.municipality_id = any($1) and c.closed_at >= $10) c
                 on c.opened_at < q.ends and (c.closed_at is null or c.closed_at >= q.ends)
                    and c.stage_changed_at >= q.ends
           ), closings as (
               -- A closing carries its case's municipality (`closing_municipality`).
               select cc.municipality_id, q.idx, cc.reason
               from case_closings cc
               join q on cc.closed_at >= q.starts and cc.closed_at < q.ends
               where cc.municipality_id = any($1) and cc.closed_at >= $4 and cc.closed_at < $5
           ), started as (
               -- Every intervention dated in the quarter, whatever became of its case: a
               -- quarter's count must not depend on which other quarters are asked for.
               select i.municipality_id, q.idx, i.type_id
               from intervention_facts i
               join q on i.start_date >= q.first_day and i.start_date < q.after_day
               where i.municipality_id = any($1) and i.start_date >= $8 and i.start_date < $9
           ), steps as (
               select c.municipality_id, q.idx, 'filing_to_screening' as step,
                      least(c.opened_at, c.first_filed_at) as start_at, c.screened_at as end_at
               from q join cases c on c.screened_at >= q.starts and c.screened_at < q.ends
               where c.municipality_id = any($1) and c.screened_at >= $4 and c.screened_at < $5
               union all
               select c.municipality_id, q.idx, 'screening_to_triage', c.screened_at, c.triaged_at
               from q join cases c on c.triaged_at >= q.starts and c.triaged_at < q.ends
               where c.municipality_id = any($1) and c.triaged_at >= $4 and c.triaged_at < $5
                 and c.screened_at is not null
               union all
               select c.municipality_id, q.idx, 'triage_to_plan', c.triaged_at, c.planned_at
               from q join cases c on c.planned_at >= q.starts and c.planned_at < q.ends
               where c.municipality_id = any($1) and c.planned_at >= $4 and c.planned_at < $5
                 and c.triaged_at is not null
               union all
               select c.municipality_id, q.idx, 'filing_to_closing',
                      least(c.opened_at, c.first_filed_at), c.first_closed_at
               from q join cases c on c.first_closed_at >= q.starts and c.first_closed_at < q.ends
               where c.municipality_id = any($1) and c.first_closed_at >= $4
                 and c.first_closed_at < $5
           )
           select 'open_stage' as "dimension!", municipality_id as "municipality!: MunicipalityId",
                  idx as "idx!", stage as "key!", null::int as "days?", count(*) as "n!"
           from open_at_end where stage <> 'closed'
           group by municipality_id, idx, stage
           union all
           select 'close_reason', municipality_id, idx, reason, null, count(*)
           from closings group by municipality_id, idx, reason
           union all
           select 'intervention', municipality_id, idx, type_id, null, count(*)
           from started group by municipality_id, idx, type_id
           union all
           select 'duration', municipality_id, idx, step,
                  (end_at at time zone 'Europe/Copenhagen')::date
                    - (start_at at time zone 'Europe/Copenhagen')::date,
                  count(*)
           from steps group by 2, 3, 4, 5"#,
        &ids,
        &starts,
        &ends,
        span_start,
        span_end,
        &first_days,
        &after_days,
        span_first_day,
        span_after_day,
        first.end(),
    )
    .fetch_all(&mut *conn)
    .await?;
    let unknown =
        |what: &str, code: &str| sqlx::Error::Decode(format!("unknown {what} {code:?}").into());
    for r in rows {
        let Some(quarter) = quarter_at(r.idx) else {
            continue;
        };
        // One query gives both: the durations are the rows of the pseudo-breakdown `duration`,
        // keyed by their step, one row per number of days.
        if r.dimension == "duration" {
            out.days.push(DaysRow {
                municipality: r.municipality,
                quarter,
                step: DurationStep::parse(&r.key).ok_or_else(|| unknown("step", &r.key))?,
                days: r.days.unwrap_or(0),
                n: r.n,
            });
        } else {
            out.counts.push(CountRow {
                municipality: r.municipality,
                quarter,
                dimension: Breakdown::parse(&r.dimension)
                    .ok_or_else(|| unknown("breakdown", &r.dimension))?,
                key: r.key,
                n: r.n,
            });
        }
    }
    Ok(out)
}
