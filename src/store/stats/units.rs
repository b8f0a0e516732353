//! A unit's figures: its concerns per quarter and what is open now, and the concerns filed per
//! unit of a municipality.

use sqlx::PgConnection;

use crate::domain::ids::{MunicipalityId, UnitId};
use crate::domain::stats::Quarter;

use super::{instants, position};

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
           left join concern_facts c on c.unit_id = $1 and c.filed_at >= q.starts and c.filed_at < q.ends
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
    // Open now: the municipality's open cases with a concern from the unit (each once), and
    // the unit's concerns not yet part of a case; each side an index-only scan (the migration
    // `unit_count_indexes`).
    let open = sqlx::query!(
        r#"with open as (
               select k.stage as key
               from cases k
               where k.municipality_id = (select municipality_id from units where id = $1)
                 and k.closed_at is null
                 and exists (select 1 from concerns c where c.case_id = k.id and c.unit_id = $1)
               union all
               select 'concern:' || c.status
               from concerns c
               where c.unit_id = $1 and c.case_id is null
           )
           select key as "key?", count(*) as "n!"
           from open group by grouping sets ((key), ())"#,
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
           join concern_facts c on c.municipality_id = $1 and c.filed_at >= q.starts and c.filed_at < q.ends
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
