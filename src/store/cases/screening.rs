//! The police screening and the joint triage of coordinator and police.

use sqlx::PgExecutor;
use time::OffsetDateTime;

use crate::domain::ids::{CaseId, ScreeningId, TriageId, UserId};
use crate::domain::workflow::{ScreeningOutcome, TriageOutcome};

pub async fn record_screening(
    db: impl PgExecutor<'_>,
    case: CaseId,
    police_user: UserId,
    outcome: ScreeningOutcome,
    note: Option<&str>,
    at: OffsetDateTime,
) -> sqlx::Result<ScreeningId> {
    let id = ScreeningId::new();
    sqlx::query!(
        r#"insert into screenings (id, case_id, police_user_id, outcome, note, decided_at)
           values ($1, $2, $3, $4, $5, $6)"#,
        id as ScreeningId,
        case as CaseId,
        police_user as UserId,
        outcome.as_str(),
        note,
        at,
    )
    .execute(db)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct Screening {
    pub police_name: String,
    pub outcome: ScreeningOutcome,
    /// Police and coordinators only: the caller drops it for anyone else.
    pub note: Option<String>,
    pub decided_at: OffsetDateTime,
}

pub async fn screenings_of(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<Vec<Screening>> {
    let rows = sqlx::query!(
        r#"select u.name, s.outcome as "outcome: ScreeningOutcome", s.note, s.decided_at
           from screenings s join users u on u.id = s.police_user_id
           where s.case_id = $1 order by s.decided_at"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Screening {
                police_name: r.name,
                outcome: r.outcome,
                note: r.note,
                decided_at: r.decided_at,
            })
        })
        .collect()
}

pub struct NewTriage<'a> {
    pub case: CaseId,
    pub coordinator: UserId,
    pub police_user: UserId,
    pub outcome: TriageOutcome,
    pub referred_to: Option<&'a str>,
    pub note: Option<&'a str>,
    pub at: OffsetDateTime,
}

pub async fn record_triage(db: impl PgExecutor<'_>, t: &NewTriage<'_>) -> sqlx::Result<TriageId> {
    let id = TriageId::new();
    sqlx::query!(
        r#"insert into triage_decisions (id, case_id, coordinator_user_id, police_user_id,
                                         outcome, referred_to, note, decided_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        id as TriageId,
        t.case as CaseId,
        t.coordinator as UserId,
        t.police_user as UserId,
        t.outcome.as_str(),
        t.referred_to,
        t.note,
        t.at,
    )
    .execute(db)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct Triage {
    pub coordinator_name: String,
    pub police_name: String,
    pub outcome: TriageOutcome,
    pub referred_to: Option<String>,
    pub note: Option<String>,
    pub decided_at: OffsetDateTime,
}

pub async fn triages_of(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<Vec<Triage>> {
    let rows = sqlx::query!(
        r#"select c.name as coordinator_name, p.name as police_name,
                  t.outcome as "outcome: TriageOutcome", t.referred_to,
                  t.note, t.decided_at
           from triage_decisions t
           join users c on c.id = t.coordinator_user_id
           join users p on p.id = t.police_user_id
           where t.case_id = $1 order by t.decided_at"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Triage {
                coordinator_name: r.coordinator_name,
                police_name: r.police_name,
                outcome: r.outcome,
                referred_to: r.referred_to,
                note: r.note,
                decided_at: r.decided_at,
            })
        })
        .collect()
}
