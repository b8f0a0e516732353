//! Summary rows of the quarters that have begun (see the migrations `quarter_summaries` and
//! `running_quarter_summaries`): made from the live queries, deleted by the triggers when a
//! change reaches into their quarter, made again when next asked for.

use std::collections::HashSet;

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::rows::{CountRow, DaysRow, Rows};
use super::{Breakdown, DurationStep, live};
use crate::domain::ids::MunicipalityId;
use crate::domain::stats::Quarter;

/// Which of these municipalities' quarters have a summary, and its rows: one query.
pub(super) async fn load(
    conn: &mut PgConnection,
    municipalities: &[MunicipalityId],
    quarters: &[Quarter],
) -> sqlx::Result<(HashSet<(MunicipalityId, Quarter)>, Rows)> {
    let mut present = HashSet::new();
    let mut rows = Rows::default();
    if quarters.is_empty() || municipalities.is_empty() {
        return Ok((present, rows));
    }
    let ids: Vec<Uuid> = municipalities.iter().map(|m| m.0).collect();
    let firsts: Vec<Date> = quarters.iter().map(|q| q.first_day()).collect();
    // A step's histogram comes as two arrays (the migration `summary_steps`), a row per step.
    let found = sqlx::query!(
        r#"select 'summary' as "kind!", s.municipality_id as "municipality!: MunicipalityId",
                  s.quarter as "quarter!", null::text as "key?", 0::int8 as "n!",
                  null::int4[] as "days?", null::int8[] as "cases?"
           from quarter_summaries s
           where s.municipality_id = any($1) and s.quarter = any($2)
           union all
           select c.dimension, c.municipality_id, c.quarter, c.key, c.n, null, null
           from quarter_summary_counts c
           where c.municipality_id = any($1) and c.quarter = any($2)
           union all
           select d.step, d.municipality_id, d.quarter, null, 0, d.days, d.n
           from quarter_summary_steps d
           where d.municipality_id = any($1) and d.quarter = any($2)"#,
        &ids,
        &firsts,
    )
    .fetch_all(&mut *conn)
    .await?;
    let unknown =
        |what: &str, code: &str| sqlx::Error::Decode(format!("unknown {what} {code:?}").into());
    for r in found {
        let quarter = Quarter::containing(r.quarter);
        match (r.key, r.days, r.cases) {
            (_, Some(days), Some(cases)) => {
                let step = DurationStep::parse(&r.kind).ok_or_else(|| unknown("step", &r.kind))?;
                rows.days
                    .extend(days.into_iter().zip(cases).map(|(days, n)| DaysRow {
                        municipality: r.municipality,
                        quarter,
                        step,
                        days,
                        n,
                    }));
            }
            (Some(key), _, _) => rows.counts.push(CountRow {
                municipality: r.municipality,
                quarter,
                dimension: Breakdown::parse(&r.kind)
                    .ok_or_else(|| unknown("breakdown", &r.kind))?,
                key,
                n: r.n,
            }),
            _ => {
                present.insert((r.municipality, quarter));
            }
        }
    }
    Ok((present, rows))
}

/// Counts these municipalities' quarter live and keeps the summaries of those no change is
/// being made to. A change takes a shared lock on its municipality before it deletes the
/// summaries it touches; the exclusive lock is taken here without waiting, before counting, so
/// a summary is only kept from a snapshot that holds every change begun before it, and a change
/// begun after waits and then deletes it. The others are counted all the same and kept by a
/// later view.
pub(super) async fn make(
    conn: &mut PgConnection,
    municipalities: &[MunicipalityId],
    quarter: Quarter,
    now: OffsetDateTime,
) -> sqlx::Result<Rows> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let ids: Vec<Uuid> = municipalities.iter().map(|m| m.0).collect();
    let quiet: Vec<MunicipalityId> = sqlx::query_scalar!(
        r#"select m as "m!: MunicipalityId" from unnest($1::uuid[]) m
           where pg_try_advisory_xact_lock(7411, hashtext(m::text))"#,
        &ids,
    )
    .fetch_all(&mut *tx)
    .await?;
    let computed = live::rows(&mut tx, municipalities, &[quarter]).await?;
    if !quiet.is_empty() {
        store(&mut tx, &quiet, quarter, &computed, now).await?;
    }
    tx.commit().await?;
    Ok(computed)
}

/// Keeps the rows computed for these municipalities' quarter, in one statement: the summary's
/// mark and its rows together or not at all. Rows of other municipalities are left out.
async fn store(
    conn: &mut PgConnection,
    municipalities: &[MunicipalityId],
    quarter: Quarter,
    computed: &Rows,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let day = quarter.first_day();
    let ids: Vec<Uuid> = municipalities.iter().map(|m| m.0).collect();
    let counts: Vec<&CountRow> = computed
        .counts
        .iter()
        .filter(|c| c.quarter == quarter)
        .collect();
    let days: Vec<&DaysRow> = computed
        .days
        .iter()
        .filter(|d| d.quarter == quarter)
        .collect();
    sqlx::query!(
        r#"with marked as (
               insert into quarter_summaries (municipality_id, quarter, computed_at)
               select m, $2, $3 from unnest($1::uuid[]) m
               on conflict do nothing
               returning municipality_id
           ), counted as (
               insert into quarter_summary_counts (municipality_id, quarter, dimension, key, n)
               select x.m, $2, x.dimension, x.key, x.n
               from unnest($4::uuid[], $5::text[], $6::text[], $7::int8[]) as x(m, dimension, key, n)
               join marked on marked.municipality_id = x.m
           )
           insert into quarter_summary_steps (municipality_id, quarter, step, days, n)
           select x.m, $2, x.step, array_agg(x.days order by x.days), array_agg(x.n order by x.days)
           from unnest($8::uuid[], $9::text[], $10::int4[], $11::int8[]) as x(m, step, days, n)
           join marked on marked.municipality_id = x.m
           group by x.m, x.step"#,
        &ids,
        day,
        now,
        &counts.iter().map(|c| c.municipality.0).collect::<Vec<_>>(),
        &counts
            .iter()
            .map(|c| c.dimension.as_str().to_owned())
            .collect::<Vec<_>>(),
        &counts.iter().map(|c| c.key.clone()).collect::<Vec<_>>(),
        &counts.iter().map(|c| c.n).collect::<Vec<_>>(),
        &days.iter().map(|d| d.municipality.0).collect::<Vec<_>>(),
        &days
            .iter()
            .map(|d| d.step.as_str().to_owned())
            .collect::<Vec<_>>(),
        &days.iter().map(|d| d.days).collect::<Vec<_>>(),
        &days.iter().map(|d| d.n).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
