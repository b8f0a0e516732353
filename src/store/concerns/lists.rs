//! The lists intake works from: the reporter's own, the unit's (the leader's inbox) and the
//! coordinator's queue.

use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::ConcernKind;
use crate::domain::ids::{ConcernId, MunicipalityId, UnitId, UserId};
use crate::domain::intake::{self, ConcernSource};
use crate::domain::workflow::{ConcernStatus, PublicStatus, Stage};

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

/// What a user filed, newest first.
pub async fn filed_by(db: impl PgExecutor<'_>, reporter: UserId) -> sqlx::Result<Vec<OwnRow>> {
    let rows = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.filed_at, c.subject_name, c.kind as "kind: ConcernKind",
                  c.status as "status: ConcernStatus",
                  k.stage as "case_stage?: Stage", coalesce(c.read_by_coordinator_at, c.linked_at) as "read_by_coordinator_at"
           from concerns c
           left join cases k on k.id = c.case_id
           where c.reporter_user_id = $1
           order by c.filed_at desc, c.id
           limit 500"#,
        reporter as UserId,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(OwnRow {
                id: r.id,
                filed_at: r.filed_at,
                subject_name: r.subject_name,
                kind: r.kind,
                status: r.status,
                case_stage: r.case_stage,
                read_by_coordinator_at: r.read_by_coordinator_at,
            })
        })
        .collect()
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
/// directly to Infohus are not the unit's.
pub async fn in_unit(
    db: impl PgExecutor<'_>,
    unit: UnitId,
    waiting_only: bool,
) -> sqlx::Result<Vec<UnitRow>> {
    let rows = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.filed_at, c.reporter_name, c.subject_name,
                  c.subject_is_minor, c.kind as "kind: ConcernKind", c.status as "status: ConcernStatus",
                  k.stage as "case_stage?: Stage"
           from concerns c
           left join cases k on k.id = c.case_id
           where c.unit_id = $1 and not c.direct_to_infohus
             and (not $2 or c.status in ('awaiting_leader', 'returned'))
           order by case when $2 then c.filed_at end asc,
                    case when not $2 then c.filed_at end desc,
                    c.id
           limit 500"#,
        unit as UnitId,
        waiting_only,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(UnitRow {
                id: r.id,
                filed_at: r.filed_at,
                reporter_name: r.reporter_name,
                subject_name: r.subject_name,
                subject_is_minor: r.subject_is_minor,
                kind: r.kind,
                status: r.status,
                case_stage: r.case_stage,
            })
        })
        .collect()
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

/// The concerns waiting in a municipality's intake queue, oldest first.
pub async fn intake_queue(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
) -> sqlx::Result<Vec<QueueRow>> {
    let rows = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.received_at as "received_at!",
                  c.source as "source: ConcernSource",
                  c.subject_name, c.subject_birth_date, c.subject_approx_age,
                  c.subject_is_minor, c.kind as "kind: ConcernKind", coalesce(c.read_by_coordinator_at, c.linked_at) as "read_by_coordinator_at", c.direct_to_infohus,
                  c.repeat
           from concerns c
           where c.municipality_id = $1 and c.status = 'received'
           order by c.received_at, c.filed_at, c.id
           limit 1000"#,
        municipality as MunicipalityId,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(QueueRow {
                id: r.id,
                received_at: r.received_at,
                source: r.source,
                subject_name: r.subject_name,
                subject_birth_date: r.subject_birth_date,
                subject_approx_age: r.subject_approx_age,
                subject_is_minor: r.subject_is_minor,
                kind: r.kind,
                read_by_coordinator_at: r.read_by_coordinator_at,
                direct_to_infohus: r.direct_to_infohus,
                repeat: r.repeat,
            })
        })
        .collect()
}

/// What waits for a user in the concern flow before Infohus: their own concerns sent back with
/// a question (oldest first, at most `limit`), and for a leader the concerns waiting in their
/// unit's inbox.
#[derive(Debug, Clone, Default)]
pub struct ConcernTasks {
    pub returned: Vec<(ConcernId, OffsetDateTime)>,
    pub inbox: i64,
}

pub async fn waiting_for(
    db: &mut sqlx::PgConnection,
    reporter: UserId,
    inbox_of: Option<UnitId>,
    limit: i64,
) -> sqlx::Result<ConcernTasks> {
    let returned = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.filed_at from concerns c
           where c.reporter_user_id = $1 and c.status = 'returned'
           order by c.filed_at, c.id
           limit $2"#,
        reporter as UserId,
        limit,
    )
    .fetch_all(&mut *db)
    .await?
    .into_iter()
    .map(|r| (r.id, r.filed_at))
    .collect();
    let inbox = match inbox_of {
        Some(unit) => {
            sqlx::query_scalar!(
                r#"select count(*) as "n!" from concerns
                   where unit_id = $1 and status = 'awaiting_leader' and not direct_to_infohus"#,
                unit as UnitId,
            )
            .fetch_one(&mut *db)
            .await?
        }
        None => 0,
    };
    Ok(ConcernTasks { returned, inbox })
}
