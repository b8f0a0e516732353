//! Follow-up: reviews of the plan, with a status and a note per intervention.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::InterventionStatus;
use crate::domain::ids::{CaseId, InterventionId, ReviewId, UserId};

pub struct ReviewItemInput<'a> {
    pub intervention: InterventionId,
    pub status: InterventionStatus,
    pub note: Option<&'a str>,
}

/// Records a review and carries it onto the interventions: each takes its new status and, while
/// still open, the next review date.
pub async fn record(
    conn: &mut PgConnection,
    case: CaseId,
    reviewed_by: UserId,
    progress: &str,
    next_review_date: Date,
    items: &[ReviewItemInput<'_>],
    at: OffsetDateTime,
) -> sqlx::Result<ReviewId> {
    let id = ReviewId::new();
    sqlx::query!(
        r#"insert into reviews (id, case_id, reviewed_by, reviewed_at, progress, next_review_date)
           values ($1, $2, $3, $4, $5, $6)"#,
        id as ReviewId,
        case as CaseId,
        reviewed_by as UserId,
        at,
        progress,
        next_review_date,
    )
    .execute(&mut *conn)
    .await?;
    let interventions: Vec<uuid::Uuid> = items.iter().map(|i| i.intervention.0).collect();
    let statuses: Vec<String> = items.iter().map(|i| i.status.as_str().to_owned()).collect();
    let notes: Vec<Option<String>> = items.iter().map(|i| i.note.map(str::to_owned)).collect();
    sqlx::query!(
        r#"insert into review_items (review_id, intervention_id, status, note)
           select $1, i, s, n from unnest($2::uuid[], $3::text[], $4::text[]) as x(i, s, n)"#,
        id as ReviewId,
        &interventions,
        &statuses,
        &notes as &[Option<String>],
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"update interventions i set
               status = x.s,
               next_review_date = case when x.s in ('planned', 'active') then $4
                                       else i.next_review_date end,
               updated_at = $5,
               version = i.version + 1
           from unnest($2::uuid[], $3::text[]) as x(id, s)
           where i.id = x.id and i.case_id = $1"#,
        case as CaseId,
        &interventions,
        &statuses,
        next_review_date,
        at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Review {
    pub id: ReviewId,
    pub reviewed_by_name: String,
    #[serde(with = "crate::store::json::instant")]
    pub reviewed_at: OffsetDateTime,
    pub progress: String,
    #[serde(with = "crate::store::json::day::option")]
    pub next_review_date: Option<Date>,
    pub items: Vec<ReviewItem>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct ReviewItem {
    pub intervention: InterventionId,
    pub status: InterventionStatus,
    pub note: Option<String>,
}
