//! The case's register of disclosures.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::domain::disclosure::{Disclosure, DisclosureBasis};
use crate::domain::ids::{CaseId, UserId};

/// Records one disclosure (inside the step's transaction).
pub async fn record(
    conn: &mut PgConnection,
    case: CaseId,
    d: &Disclosure,
    by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into disclosures (id, case_id, disclosed_on, recipient, content, legal_basis,
                                    legal_basis_other, recorded_by, recorded_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        Uuid::new_v4(),
        case as CaseId,
        d.disclosed_on,
        d.recipient,
        d.content,
        d.basis.as_str(),
        d.basis_other,
        by as UserId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct DisclosureRow {
    #[serde(with = "crate::store::json::day")]
    pub disclosed_on: Date,
    pub recipient: String,
    pub content: String,
    pub basis: DisclosureBasis,
    pub basis_other: Option<String>,
    pub recorded_by_name: String,
    #[serde(with = "crate::store::json::instant")]
    pub recorded_at: OffsetDateTime,
}
