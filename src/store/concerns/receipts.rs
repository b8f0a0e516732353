//! What a citizen's receipt code tells.

use sqlx::PgExecutor;

use crate::domain::ids::{ConcernId, MunicipalityId};
use crate::domain::intake;
use crate::domain::workflow::{ConcernStatus, PublicStatus, Stage};

/// What a citizen's receipt code tells: which concern, and how far it has come.
#[derive(Debug, Clone)]
pub struct ReceiptStatus {
    pub id: ConcernId,
    pub municipality_id: MunicipalityId,
    pub status: PublicStatus,
}

pub async fn by_receipt(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    code_hash: &str,
) -> sqlx::Result<Option<ReceiptStatus>> {
    let row = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.municipality_id as "municipality_id: MunicipalityId",
                  c.status as "status: ConcernStatus", k.stage as "case_stage?: Stage"
           from concerns c
           left join cases k on k.id = c.case_id
           where c.receipt_code_hash = $1 and c.municipality_id = $2"#,
        code_hash,
        municipality as MunicipalityId,
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(ReceiptStatus {
        id: r.id,
        municipality_id: r.municipality_id,
        status: intake::public_status(r.status, r.case_stage),
    }))
}
