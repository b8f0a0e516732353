//! Retention: which cases and concerns are due for deletion, the deletion itself (one
//! transaction per case, `infohus_purge_case` in the database), the expired access log, and a
//! coordinator's postponement of one case. The periods are the municipality profile's
//! `retention`, read by the database from the synced profile (the `case_retention` view).

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::domain::ids::{CaseId, ConcernId, MunicipalityId};

/// A case of the coordinator's municipality that is due for deletion soon.
#[derive(Debug, Clone)]
pub struct DueCase {
    pub id: CaseId,
    pub reference: String,
    pub closed_at: OffsetDateTime,
    pub due: Date,
    pub extended_until: Option<Date>,
}

/// The municipality's cases due for deletion on or before `until`, soonest first (at most
/// `limit`; the purge deletes the rest on its own). `shortest_months` is the municipality's
/// shortest period ([`crate::config::Retention::shortest_months`]): a case closed later than
/// that before `until` cannot be due, so only the old end of the closed cases is read.
pub async fn due_by(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    until: Date,
    shortest_months: u32,
    limit: i64,
) -> sqlx::Result<Vec<DueCase>> {
    sqlx::query_as!(
        DueCase,
        r#"select r.case_id as "id!: CaseId", r.reference as "reference!",
                  r.closed_at as "closed_at!", r.due as "due!",
                  r.extended_until
           from case_retention r
           where r.municipality_id = $1 and r.due <= $2
             and r.closed_at < ($2::date - make_interval(months => $4) + interval '2 days')
                               at time zone 'Europe/Copenhagen'
           order by r.due, r.reference
           limit $3"#,
        municipality as MunicipalityId,
        until,
        limit,
        i32::try_from(shortest_months).unwrap_or(i32::MAX),
    )
    .fetch_all(db)
    .await
}

/// When one closed case is due for deletion.
#[derive(Debug, Clone, Copy)]
pub struct Due {
    /// By the retention periods alone; a postponement is counted from here.
    pub base: Date,
    /// With a coordinator's postponement, if later.
    pub due: Date,
}

/// `None` when the case is open or already deleted.
pub async fn due_of(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<Option<Due>> {
    sqlx::query_as!(
        Due,
        r#"select base_due as "base!", due as "due!" from case_retention where case_id = $1"#,
        case as CaseId,
    )
    .fetch_optional(db)
    .await
}

/// Postpones the deletion of one closed case (inside the step's transaction).
pub async fn extend(conn: &mut PgConnection, case: CaseId, until: Date) -> sqlx::Result<()> {
    sqlx::query!(
        "update cases set retention_extended_until = $2 where id = $1 and purged_at is null",
        case as CaseId,
        until,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every case due for deletion on `today`, across the installation; `shortest_months` is the
/// shortest period of any municipality, as in [`due_by`].
pub async fn cases_due(
    db: impl PgExecutor<'_>,
    today: Date,
    shortest_months: u32,
) -> sqlx::Result<Vec<CaseId>> {
    sqlx::query_scalar!(
        r#"select case_id as "id!: CaseId" from case_retention
           where due <= $1
             and closed_at < ($1::date - make_interval(months => $2) + interval '2 days')
                             at time zone 'Europe/Copenhagen'
           order by due"#,
        today,
        i32::try_from(shortest_months).unwrap_or(i32::MAX),
    )
    .fetch_all(db)
    .await
}

/// Every concern that never joined a case and was left at its unit (with the leader, or
/// returned to its reporter) since before its municipality's `not_a_case_months`. A concern in
/// the coordinator's intake waits for the coordinator.
pub async fn concerns_due(
    db: impl PgExecutor<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<ConcernId>> {
    sqlx::query_scalar!(
        r#"select c.id as "id!: ConcernId"
           from concerns c
           join municipalities m on m.id = c.municipality_id
           cross join lateral (
               select max(h.occurred_at) as last_change from concern_history h where h.concern_id = c.id
           ) h
           where c.case_id is null and c.status in ('awaiting_leader', 'returned')
             and greatest(c.filed_at, h.last_change)
                 < $1::timestamptz - make_interval(months => (m.profile -> 'retention' ->> 'not_a_case_months')::int)"#,
        now,
    )
    .fetch_all(db)
    .await
}

/// What one case's deletion removed; `None` when the case was not there to delete (open
/// again, or deleted by another run a moment before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Removed {
    pub concerns: i64,
    pub interventions: i64,
}

/// Deletes the person's data of one case, leaving its tombstone; run inside a transaction of
/// its own, so that a case is either whole or fully deleted.
pub async fn purge_case(
    conn: &mut PgConnection,
    case: CaseId,
    now: OffsetDateTime,
) -> sqlx::Result<Option<Removed>> {
    let counts = sqlx::query_scalar!(
        r#"select infohus_purge_case($1, $2) as "counts""#,
        case as CaseId,
        now,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(counts.map(|c| Removed {
        concerns: c.get("concerns").and_then(|v| v.as_i64()).unwrap_or(0),
        interventions: c.get("interventions").and_then(|v| v.as_i64()).unwrap_or(0),
    }))
}

/// Deletes one concern without a case; `false` when it joined a case or is gone meanwhile.
pub async fn purge_concern(
    conn: &mut PgConnection,
    concern: ConcernId,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select infohus_purge_concern($1, $2) as "purged!""#,
        concern as ConcernId,
        now,
    )
    .fetch_one(&mut *conn)
    .await
}

/// Deletes the access log of cases deleted longer ago than their `access_log_years`: the one
/// deletion the audit trail allows, through the database's own function.
pub async fn purge_access_log(db: impl PgExecutor<'_>, now: OffsetDateTime) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"select infohus_purge_access_log($1) as "deleted!""#, now)
        .fetch_one(db)
        .await
}
