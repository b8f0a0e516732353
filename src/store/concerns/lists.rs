//! The lists intake works from: the reporter's own, the unit's (the leader's inbox) and the
//! coordinator's queue.

use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::ConcernKind;
use crate::domain::ids::{ConcernId, MunicipalityId, UnitId, UserId};
use crate::domain::intake::{self, ConcernSource};
use crate::domain::workflow::{ConcernStatus, PublicStatus, Stage};
use crate::store::paging::{self, After, Page};

/// A row of "Mine bekymringer".
#[derive(Debug, Clone)]
pub struct OwnRow {
    pub id: ConcernId,
    pub filed_at: OffsetDateTime,
    pub subject_name: String,
    pub kind: ConcernKind,
    pub status: ConcernStatus,
    pub case_stage: Option<Stage>,
    pub read_by_coordinator_at: Option<OffsetDateTime>,
}

impl OwnRow {
    pub fn public_status(&self) -> PublicStatus {
        intake::public_status(self.status, self.case_stage)
    }
}

/// What a user filed, newest first; one page after `after`.
pub async fn filed_by(
    db: impl PgExecutor<'_>,
    reporter: UserId,
    after: Option<After>,
) -> sqlx::Result<Page<OwnRow>> {
    let rows = sqlx::query_as!(
        OwnRow,
        r#"select c.id as "id: ConcernId", c.filed_at, c.subject_name, c.kind as "kind: ConcernKind",
                  c.status as "status: ConcernStatus",
                  k.stage as "case_stage?: Stage", coalesce(c.read_by_coordinator_at, c.linked_at) as "read_by_coordinator_at"
           from concerns c
           left join cases k on k.id = c.case_id
           where c.reporter_user_id = $1
             and ($2::timestamptz is null or (c.filed_at, c.id) < ($2, $3))
           order by c.filed_at desc, c.id desc
           limit $4"#,
        reporter as UserId,
        after.map(|a| a.at),
        after.map(|a| a.id),
        paging::FETCH,
    )
    .fetch_all(db)
    .await?;
    Ok(Page::of(rows))
}

/// A row of a unit's list (the leader's inbox, the key employee's overview).
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub id: ConcernId,
    pub filed_at: OffsetDateTime,
    pub reporter_name: Option<String>,
    pub subject_name: String,
    pub subject_is_minor: bool,
    pub kind: ConcernKind,
    pub status: ConcernStatus,
    pub case_stage: Option<Stage>,
}

impl UnitRow {
    pub fn public_status(&self) -> PublicStatus {
        intake::public_status(self.status, self.case_stage)
    }
}

/// The concerns of a unit; with `waiting_only`, just those with the leader or back with the
/// reporter, oldest first (the leader's inbox); otherwise all, newest first. Concerns sent
/// directly to Infohus are not the unit's. One page after `after`.
pub async fn in_unit(
    db: impl PgExecutor<'_>,
    unit: UnitId,
    waiting_only: bool,
    after: Option<After>,
) -> sqlx::Result<Page<UnitRow>> {
    let rows = sqlx::query_as!(
        UnitRow,
        r#"select c.id as "id: ConcernId", c.filed_at, c.reporter_name, c.subject_name,
                  c.subject_is_minor, c.kind as "kind: ConcernKind", c.status as "status: ConcernStatus",
                  k.stage as "case_stage?: Stage"
           from concerns c
           left join cases k on k.id = c.case_id
           where c.unit_id = $1 and not c.direct_to_infohus
             and (not $2 or c.status in ('awaiting_leader', 'returned'))
             and ($3::timestamptz is null
                  or ($2 and (c.filed_at, c.id) > ($3, $4))
                  or (not $2 and (c.filed_at, c.id) < ($3, $4)))
           order by case when $2 then c.filed_at end asc,
                    case when $2 then c.id end asc,
                    case when not $2 then c.filed_at end desc,
                    case when not $2 then c.id end desc
           limit $5"#,
        unit as UnitId,
        waiting_only,
        after.map(|a| a.at),
        after.map(|a| a.id),
        paging::FETCH,
    )
    .fetch_all(db)
    .await?;
    Ok(Page::of(rows))
}

/// A row of the coordinator's intake queue.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub id: ConcernId,
    pub received_at: OffsetDateTime,
    pub source: ConcernSource,
    pub subject_name: String,
    pub subject_birth_date: Option<Date>,
    pub subject_approx_age: Option<i16>,
    pub subject_is_minor: bool,
    pub kind: ConcernKind,
    pub read_by_coordinator_at: Option<OffsetDateTime>,
    pub direct_to_infohus: bool,
    /// Another concern about the same person within 12 months.
    pub repeat: bool,
}

/// The concerns waiting in a municipality's intake queue, oldest first; one page after `after`.
pub async fn intake_queue(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    after: Option<After>,
) -> sqlx::Result<Page<QueueRow>> {
    let rows = sqlx::query_as!(
        QueueRow,
        r#"select c.id as "id: ConcernId", c.received_at as "received_at!",
                  c.source as "source: ConcernSource",
                  c.subject_name, c.subject_birth_date, c.subject_approx_age,
                  c.subject_is_minor, c.kind as "kind: ConcernKind", coalesce(c.read_by_coordinator_at, c.linked_at) as "read_by_coordinator_at", c.direct_to_infohus,
                  c.repeat
           from concerns c
           where c.municipality_id = $1 and c.status = 'received'
             and ($2::timestamptz is null or (c.received_at, c.id) > ($2, $3))
           order by c.received_at, c.id
           limit $4"#,
        municipality as MunicipalityId,
        after.map(|a| a.at),
        after.map(|a| a.id),
        paging::FETCH,
    )
    .fetch_all(db)
    .await?;
    Ok(Page::of(rows))
}

/// What waits for a user in the concern flow before Infohus: their own concerns sent back with
/// a question (oldest first, at most `limit`), for a leader the concerns waiting in their
/// unit's inbox, and for a coordinator those waiting in the intake queues of `intake_of`.
#[derive(Debug, Clone, Default)]
pub struct ConcernTasks {
    pub returned: Vec<(ConcernId, OffsetDateTime)>,
    pub inbox: i64,
    pub intake: i64,
}

/// One statement for all three, each an index range scan.
pub async fn waiting_for(
    db: impl sqlx::PgExecutor<'_>,
    reporter: UserId,
    inbox_of: Option<UnitId>,
    intake_of: &[MunicipalityId],
    limit: i64,
) -> sqlx::Result<ConcernTasks> {
    let intake_of: Vec<uuid::Uuid> = intake_of.iter().map(|m| m.0).collect();
    let row = sqlx::query!(
        r#"with returned as (
               select c.id, c.filed_at from concerns c
               where c.reporter_user_id = $1 and c.status = 'returned'
               order by c.filed_at, c.id
               limit $2
           )
           select coalesce((select array_agg(id order by filed_at, id) from returned), '{}')
                      as "returned_ids!: Vec<uuid::Uuid>",
                  coalesce((select array_agg(filed_at order by filed_at, id) from returned), '{}')
                      as "returned_at!: Vec<OffsetDateTime>",
                  (select count(*) from concerns
                   where $3::uuid is not null and unit_id = $3 and status = 'awaiting_leader'
                     and not direct_to_infohus) as "inbox!",
                  (select count(*) from concerns
                   where status = 'received' and case_id is null
                     and municipality_id = any ($4)) as "intake!""#,
        reporter as UserId,
        limit,
        inbox_of.map(|u| u.0),
        &intake_of,
    )
    .fetch_one(db)
    .await?;
    Ok(ConcernTasks {
        returned: row
            .returned_ids
            .into_iter()
            .map(ConcernId)
            .zip(row.returned_at)
            .collect(),
        inbox: row.inbox,
        intake: row.intake,
    })
}
