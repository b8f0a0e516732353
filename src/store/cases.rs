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
                              subject_cpr, subject_address, opened_at, opened_by,
                              stage_changed_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $11)"#,
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
