//! Filing a concern, and whether it is a repeat.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::domain::ids::{CaseId, ConcernId, MunicipalityId, UnitId, UserId};
use crate::domain::intake::{self, ConcernSource};
use crate::domain::workflow::ConcernStatus;

use super::moves::{Announced, announce, mark_repeat, record_history};
use crate::domain::intake::concern::ValidConcern;

use super::HistoryAction;

/// A concern about to be filed, validated.
#[derive(Debug, Clone)]
pub struct NewConcern {
    pub municipality_id: MunicipalityId,
    pub status: ConcernStatus,
    pub source: ConcernSource,
    pub reporter_user_id: Option<UserId>,
    pub unit_id: Option<UnitId>,
    /// The draft as it passed every check: the person, the observation, the reporter.
    pub concern: ValidConcern,
    pub receipt_code_hash: Option<String>,
}

/// Files a concern and writes its first history row. `actor` is the signed-in reporter, or
/// `None` for a citizen.
pub async fn file(
    conn: &mut PgConnection,
    new: &NewConcern,
    now: OffsetDateTime,
) -> sqlx::Result<ConcernId> {
    let id = ConcernId::new();
    let c = &new.concern;
    let received_at = intake::reached_infohus(new.status).then_some(now);
    sqlx::query!(
        r#"insert into concerns (
               id, municipality_id, status, source, reporter_user_id, unit_id, reporter_name,
               reporter_email, reporter_phone, subject_name, subject_birth_date,
               subject_approx_age, subject_is_minor, subject_cpr, subject_address,
               subject_connection, observation, observed_when, observed_where, warning_signs,
               kind, leader_informed, parents_informed, key_employee_involved,
               direct_to_infohus, direct_reason, receipt_code_hash, filed_at, received_at,
               subject_address_protected)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                   $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)"#,
        id as ConcernId,
        new.municipality_id as MunicipalityId,
        new.status.as_str(),
        new.source.as_str(),
        new.reporter_user_id as Option<UserId>,
        new.unit_id as Option<UnitId>,
        c.reporter_name,
        c.reporter_email,
        c.reporter_phone,
        c.subject.name,
        c.subject.birth_date,
        c.subject.approx_age,
        c.subject.is_minor,
        c.subject.cpr,
        c.subject.address,
        c.connection,
        c.observation,
        c.observed_when,
        c.observed_where,
        &c.warning_signs,
        c.kind.as_str(),
        c.leader_informed,
        c.parents_informed,
        c.key_employee_involved,
        c.direct_to_infohus,
        c.direct_reason,
        new.receipt_code_hash,
        now,
        received_at,
        c.subject.address_protected,
    )
    .execute(&mut *conn)
    .await?;
    record_history(
        &mut *conn,
        id,
        new.reporter_user_id,
        None,
        new.status,
        HistoryAction::Filed,
        c.direct_reason.as_deref(),
        now,
    )
    .await?;
    if received_at.is_some() {
        mark_repeat(&mut *conn, id).await?;
    }
    announce(
        &mut *conn,
        &Announced {
            id,
            municipality: new.municipality_id,
            unit: new.unit_id,
            reporter: new.reporter_user_id,
            status: new.status,
            action: HistoryAction::Filed,
            actor: new.reporter_user_id,
        },
        now,
    )
    .await?;
    Ok(id)
}

/// Is the concern a repeat: another concern in Infohus about the same person (or in the same
/// case) filed in the 12 months before it?
pub async fn is_repeat_subject(db: impl PgExecutor<'_>, concern: ConcernId) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select coalesce((select repeat from concerns where id = $1), false) as "repeat!""#,
        concern as ConcernId,
    )
    .fetch_one(db)
    .await
}

/// Is the case about a repeat concern: is one of its concerns a repeat?
pub async fn case_is_repeat(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from concerns c where c.case_id = $1 and c.repeat)
               as "repeat!""#,
        case as CaseId,
    )
    .fetch_one(db)
    .await
}
