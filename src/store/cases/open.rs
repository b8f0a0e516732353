//! Cases: one per person per municipality, gathering that person's concerns.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use crate::domain::ids::{CaseId, MunicipalityId, UserId};
use crate::domain::workflow::Stage;

/// The person a new case is about, as the coordinator registers them.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub municipality_id: MunicipalityId,
    pub subject_name: String,
    pub subject_birth_date: Option<Date>,
    pub subject_approx_age: Option<i16>,
    pub subject_is_minor: bool,
    pub subject_cpr: Option<String>,
    pub subject_address: Option<String>,
    pub subject_address_protected: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenCaseError {
    /// The person (by CPR) already has a case in this municipality: link to it instead.
    #[error("a case for this CPR number already exists")]
    CprTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Opens a case in stage `received` with a human reference (`RAN-2026-0042`) and the first
/// history entry. Run inside the caller's transaction, with the audit row beside it.
pub async fn open(
    conn: &mut PgConnection,
    new: &NewCase,
    reference_prefix: &str,
    opened_by: UserId,
    now: OffsetDateTime,
) -> Result<(CaseId, String), OpenCaseError> {
    let year = now.year();
    // The counter row is locked by the upsert, so two coordinators never get the same number.
    let number = sqlx::query_scalar!(
        r#"insert into case_reference_counters (municipality_id, year, last_number)
           values ($1, $2, 1)
           on conflict (municipality_id, year)
           do update set last_number = case_reference_counters.last_number + 1
           returning last_number"#,
        new.municipality_id as MunicipalityId,
        year,
    )
    .fetch_one(&mut *conn)
    .await?;
    let reference = format!("{reference_prefix}-{year}-{number:04}");
    let id = CaseId::new();
    let inserted = sqlx::query!(
        r#"insert into cases (id, municipality_id, reference, stage, subject_name,
                              subject_birth_date, subject_approx_age, subject_is_minor,
                              subject_cpr, subject_address, subject_address_protected,
                              opened_at, opened_by, stage_changed_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $13, $11, $12, $11, $11)"#,
        id as CaseId,
        new.municipality_id as MunicipalityId,
        reference,
        Stage::Received.as_str(),
        new.subject_name,
        new.subject_birth_date,
        new.subject_approx_age,
        new.subject_is_minor,
        new.subject_cpr,
        new.subject_address,
        now,
        opened_by as UserId,
        new.subject_address_protected,
    )
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("cases_municipality_cpr_key") => {
            return Err(OpenCaseError::CprTaken);
        }
        Err(e) => return Err(e.into()),
    }
    sqlx::query!(
        r#"insert into case_history (case_id, occurred_at, actor_user_id, from_stage, to_stage, move)
           values ($1, $2, $3, null, $4, 'open')"#,
        id as CaseId,
        now,
        opened_by as UserId,
        Stage::Received.as_str(),
    )
    .execute(&mut *conn)
    .await?;
    Ok((id, reference))
}

/// A case as the intake queue needs it to link a concern.
#[derive(Debug, Clone)]
pub struct CaseBrief {
    pub id: CaseId,
    pub reference: String,
    pub stage: Stage,
}

impl CaseBrief {
    pub fn is_open(&self) -> bool {
        self.stage != Stage::Closed
    }
}

/// A case by its human reference, within one municipality only.
pub async fn brief_by_reference(
    db: impl sqlx::PgExecutor<'_>,
    municipality: MunicipalityId,
    reference: &str,
) -> sqlx::Result<Option<CaseBrief>> {
    let row = sqlx::query!(
        r#"select id as "id: CaseId", reference, stage as "stage: Stage" from cases
           where municipality_id = $1 and upper(reference) = upper($2) and purged_at is null"#,
        municipality as MunicipalityId,
        reference,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| CaseBrief {
        id: r.id,
        reference: r.reference,
        stage: r.stage,
    }))
}

/// The municipality's case about the person with this CPR number, open or closed.
pub async fn brief_by_cpr(
    db: impl sqlx::PgExecutor<'_>,
    municipality: MunicipalityId,
    cpr: &str,
) -> sqlx::Result<Option<CaseBrief>> {
    let row = sqlx::query!(
        r#"select id as "id: CaseId", reference, stage as "stage: Stage" from cases
           where municipality_id = $1 and subject_cpr = $2"#,
        municipality as MunicipalityId,
        cpr,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| CaseBrief {
        id: r.id,
        reference: r.reference,
        stage: r.stage,
    }))
}

/// A case that may be about the same person as a concern.
#[derive(Debug, Clone)]
pub struct CaseCandidate {
    pub case: CaseBrief,
    pub subject_name: String,
    pub subject_birth_date: Option<Date>,
    pub subject_approx_age: Option<i16>,
    pub opened_at: OffsetDateTime,
    /// The same CPR number, not merely a similar name.
    pub same_cpr: bool,
}

/// The municipality's cases that may be about the concern's person: the same CPR number, or a
/// similar name (pg_trgm) with the same birth date or age. The same CPR first, then the most
/// similar names.
pub async fn candidates_for_concern(
    db: impl sqlx::PgExecutor<'_>,
    concern: crate::domain::ids::ConcernId,
) -> sqlx::Result<Vec<CaseCandidate>> {
    let rows = sqlx::query!(
        r#"select k.id as "id: CaseId", k.reference, k.stage as "stage: Stage", k.subject_name,
                  k.subject_birth_date, k.subject_approx_age, k.opened_at,
                  coalesce(k.subject_cpr = c.subject_cpr, false) as "same_cpr!"
           from concerns c
           join cases k on k.municipality_id = c.municipality_id
           where c.id = $1 and k.purged_at is null
             and infohus_same_person(
                 c.subject_cpr, c.subject_name, c.subject_birth_date,
                 infohus_age_at(c.subject_birth_date, c.subject_approx_age, c.filed_at, c.filed_at),
                 k.subject_cpr, k.subject_name, k.subject_birth_date,
                 infohus_age_at(k.subject_birth_date, k.subject_approx_age, k.opened_at, c.filed_at))
           order by 8 desc, similarity(lower(k.subject_name), lower(c.subject_name)) desc,
                    k.opened_at desc
           limit 20"#,
        concern as crate::domain::ids::ConcernId,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(CaseCandidate {
                case: CaseBrief {
                    id: r.id,
                    reference: r.reference,
                    stage: r.stage,
                },
                subject_name: r.subject_name,
                subject_birth_date: r.subject_birth_date,
                subject_approx_age: r.subject_approx_age,
                opened_at: r.opened_at,
                same_cpr: r.same_cpr,
            })
        })
        .collect()
}

/// Notes on the case that it changed (a concern joined it) without moving its stage.
pub async fn mark_linked(
    db: impl sqlx::PgExecutor<'_>,
    case: CaseId,
    address_protected: bool,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    // A concern filed with name and address protection protects the person's case too; only
    // the coordinator lifts it again, on the case.
    sqlx::query!(
        "update cases
         set updated_at = $2, subject_address_protected = subject_address_protected or $3
         where id = $1",
        case as CaseId,
        now,
        address_protected,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The facts the coordinator records on the case outside the flow (`Move::EditDetails`),
/// written inside the step's transaction after its version check.
pub async fn set_details(
    conn: &mut PgConnection,
    case: CaseId,
    address_protected: bool,
    journal_number: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update cases set subject_address_protected = $2, journal_number = $3 where id = $1",
        case as CaseId,
        address_protected,
        journal_number,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
