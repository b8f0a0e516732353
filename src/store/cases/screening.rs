//! The police screening and the joint triage of coordinator and police.

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::domain::code::code_enum;
use crate::domain::ids::{CaseId, ScreeningId, TriageId, UserId};
use crate::domain::workflow::{ScreeningOutcome, TriageOutcome, TriageSide};

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

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Screening {
    pub police_name: String,
    pub outcome: ScreeningOutcome,
    /// Police and coordinators only: the caller drops it for anyone else.
    pub note: Option<String>,
    #[serde(with = "crate::store::json::instant")]
    pub decided_at: OffsetDateTime,
}

code_enum! {
    /// How a proposal for the joint decision stopped waiting.
    pub enum Settlement {
        Confirmed => "confirmed",
        Replaced => "replaced",
    }
}

/// A proposal for the joint decision, by one side, waiting for the other.
pub struct NewProposal<'a> {
    pub case: CaseId,
    pub proposed_by: UserId,
    pub side: TriageSide,
    pub outcome: TriageOutcome,
    pub referred_to: Option<&'a str>,
    pub note: Option<&'a str>,
    pub at: OffsetDateTime,
}

/// Records a proposal; one still waiting (from either side) is replaced by it.
pub async fn propose_triage(
    conn: &mut PgConnection,
    p: &NewProposal<'_>,
) -> sqlx::Result<uuid::Uuid> {
    let id = uuid::Uuid::new_v4();
    sqlx::query!(
        r#"update triage_proposals set settled_at = $2, settled_by = $3, settlement = $4
           where case_id = $1 and settled_at is null"#,
        p.case as CaseId,
        p.at,
        p.proposed_by as UserId,
        Settlement::Replaced.as_str(),
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"insert into triage_proposals (id, case_id, proposed_by, side, outcome, referred_to,
                                         note, proposed_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        id,
        p.case as CaseId,
        p.proposed_by as UserId,
        p.side.as_str(),
        p.outcome.as_str(),
        p.referred_to,
        p.note,
        p.at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The proposal waiting on a case, as its form shows it.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub id: uuid::Uuid,
    pub proposed_by: UserId,
    pub proposer_name: String,
    pub side: TriageSide,
    pub outcome: TriageOutcome,
    pub referred_to: Option<String>,
    pub note: Option<String>,
    pub proposed_at: OffsetDateTime,
}

pub async fn pending_proposal(
    db: impl PgExecutor<'_>,
    case: CaseId,
) -> sqlx::Result<Option<Proposal>> {
    sqlx::query_as!(
        Proposal,
        r#"select p.id, p.proposed_by as "proposed_by: UserId", u.name as proposer_name,
                  p.side as "side: TriageSide", p.outcome as "outcome: TriageOutcome",
                  p.referred_to, p.note, p.proposed_at
           from triage_proposals p join users u on u.id = p.proposed_by
           where p.case_id = $1 and p.settled_at is null"#,
        case as CaseId,
    )
    .fetch_optional(db)
    .await
}

/// The other side confirms proposal `proposal` as it was shown to them: it becomes the joint
/// decision. `false` when it has been replaced or confirmed since (the caller rolls back).
pub async fn confirm_proposal(
    conn: &mut PgConnection,
    case: CaseId,
    proposal: uuid::Uuid,
    confirmed_by: UserId,
    at: OffsetDateTime,
) -> sqlx::Result<bool> {
    let settled = sqlx::query!(
        r#"update triage_proposals set settled_at = $3, settled_by = $4, settlement = $5
           where id = $2 and case_id = $1 and settled_at is null
           returning proposed_by as "proposed_by: UserId", side as "side: TriageSide",
                     outcome as "outcome: TriageOutcome", referred_to, note"#,
        case as CaseId,
        proposal,
        at,
        confirmed_by as UserId,
        Settlement::Confirmed.as_str(),
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(p) = settled else { return Ok(false) };
    let (coordinator, police) = match p.side {
        TriageSide::Coordinator => (p.proposed_by, confirmed_by),
        TriageSide::Police => (confirmed_by, p.proposed_by),
    };
    sqlx::query!(
        r#"insert into triage_decisions (id, case_id, coordinator_user_id, police_user_id,
                                         outcome, referred_to, note, decided_at, proposed_by,
                                         confirmed_by, confirmed_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8)"#,
        TriageId::new() as TriageId,
        case as CaseId,
        coordinator as UserId,
        police as UserId,
        p.outcome.as_str(),
        p.referred_to,
        p.note,
        at,
        p.proposed_by as UserId,
        confirmed_by as UserId,
    )
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// A decision the coordinator agreed with a police user by phone: it takes effect now, and the
/// police user confirms it or objects until `object_by`.
pub struct PhoneTriage<'a> {
    pub case: CaseId,
    pub coordinator: UserId,
    pub police_user: UserId,
    pub outcome: TriageOutcome,
    pub referred_to: Option<&'a str>,
    pub note: Option<&'a str>,
    pub object_by: Date,
    pub at: OffsetDateTime,
}

/// Records a decision agreed by phone; a proposal still waiting is replaced by it.
pub async fn record_phone_triage(
    conn: &mut PgConnection,
    t: &PhoneTriage<'_>,
) -> sqlx::Result<TriageId> {
    sqlx::query!(
        r#"update triage_proposals set settled_at = $2, settled_by = $3, settlement = $4
           where case_id = $1 and settled_at is null"#,
        t.case as CaseId,
        t.at,
        t.coordinator as UserId,
        Settlement::Replaced.as_str(),
    )
    .execute(&mut *conn)
    .await?;
    let id = TriageId::new();
    sqlx::query!(
        r#"insert into triage_decisions (id, case_id, coordinator_user_id, police_user_id,
                                         outcome, referred_to, note, decided_at, proposed_by,
                                         by_phone, object_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $3, true, $9)"#,
        id as TriageId,
        t.case as CaseId,
        t.coordinator as UserId,
        t.police_user as UserId,
        t.outcome.as_str(),
        t.referred_to,
        t.note,
        t.at,
        t.object_by,
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The named police user's answer to a decision agreed by phone: confirmed, or objected to
/// with a reason. `false` when there is no such decision waiting for them (any more).
pub async fn answer_phone_triage(
    conn: &mut PgConnection,
    case: CaseId,
    police_user: UserId,
    objection: Option<&str>,
    at: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update triage_decisions set
               confirmed_by = case when $3::text is null then $2::uuid end,
               confirmed_at = case when $3::text is null then $4::timestamptz end,
               objected_at = case when $3::text is not null then $4::timestamptz end,
               objection = $3
           where case_id = $1 and police_user_id = $2 and by_phone
             and confirmed_at is null and objected_at is null"#,
        case as CaseId,
        police_user as UserId,
        objection,
        at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A joint decision as the case page shows it: who proposed, who confirmed, when.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Triage {
    pub coordinator_name: String,
    pub police_name: String,
    pub outcome: TriageOutcome,
    pub referred_to: Option<String>,
    pub note: Option<String>,
    #[serde(with = "crate::store::json::instant")]
    pub decided_at: OffsetDateTime,
    pub proposed_by_name: String,
    pub confirmed_by_name: Option<String>,
    #[serde(with = "crate::store::json::instant::option")]
    pub confirmed_at: Option<OffsetDateTime>,
    pub by_phone: bool,
    #[serde(with = "crate::store::json::day::option")]
    pub object_by: Option<Date>,
    #[serde(with = "crate::store::json::instant::option")]
    pub objected_at: Option<OffsetDateTime>,
    pub objection: Option<String>,
}

pub async fn triages_of(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<Vec<Triage>> {
    let rows = sqlx::query!(
        r#"select c.name as coordinator_name, p.name as police_name,
                  t.outcome as "outcome: TriageOutcome", t.referred_to,
                  t.note, t.decided_at, pb.name as proposed_by_name,
                  cb.name as "confirmed_by_name?", t.confirmed_at, t.by_phone, t.object_by,
                  t.objected_at, t.objection
           from triage_decisions t
           join users c on c.id = t.coordinator_user_id
           join users p on p.id = t.police_user_id
           join users pb on pb.id = t.proposed_by
           left join users cb on cb.id = t.confirmed_by
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
                proposed_by_name: r.proposed_by_name,
                confirmed_by_name: r.confirmed_by_name,
                confirmed_at: r.confirmed_at,
                by_phone: r.by_phone,
                object_by: r.object_by,
                objected_at: r.objected_at,
                objection: r.objection,
            })
        })
        .collect()
}
