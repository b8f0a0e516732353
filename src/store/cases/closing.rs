//! Closing a case with its evaluation and reason, and the reviews after closing.

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::CloseReason;
use crate::domain::ids::{CaseId, ClosingId, PostClosureReviewId, UserId};

/// Records the closing and, where `review_dates` is not empty, the reviews after closing
/// `(months, due date)`.
pub async fn record(
    conn: &mut PgConnection,
    case: CaseId,
    closed_by: UserId,
    reason: CloseReason,
    evaluation: Option<&str>,
    review_dates: &[(u32, Date)],
    at: OffsetDateTime,
) -> sqlx::Result<ClosingId> {
    let id = ClosingId::new();
    let done = sqlx::query!(
        r#"insert into case_closings (id, case_id, municipality_id, closed_by, reason, evaluation,
                                      closed_at)
           select $1, c.id, c.municipality_id, $3, $4, $5, $6 from cases c where c.id = $2"#,
        id as ClosingId,
        case as CaseId,
        closed_by as UserId,
        reason.as_str(),
        evaluation,
        at,
    )
    .execute(&mut *conn)
    .await?;
    // The case gives the row its municipality; without the case there is nothing to close.
    if done.rows_affected() != 1 {
        return Err(sqlx::Error::RowNotFound);
    }
    for &(months, due) in review_dates {
        sqlx::query!(
            r#"insert into post_closure_reviews (id, case_id, closing_id, months, due_date)
               values ($1, $2, $3, $4, $5)"#,
            PostClosureReviewId::new() as PostClosureReviewId,
            case as CaseId,
            id as ClosingId,
            i32::try_from(months).unwrap_or(i32::MAX),
            due,
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Closing {
    pub closed_by_name: String,
    pub reason: CloseReason,
    pub evaluation: Option<String>,
    #[serde(with = "crate::store::json::instant")]
    pub closed_at: OffsetDateTime,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct PostClosureReview {
    pub id: PostClosureReviewId,
    pub months: i32,
    #[serde(with = "crate::store::json::day")]
    pub due_date: Date,
    #[serde(with = "crate::store::json::instant::option")]
    pub done_at: Option<OffsetDateTime>,
    pub done_by_name: Option<String>,
    pub note: Option<String>,
}

/// The reviews after the case's latest closing.
pub async fn post_closure_reviews_of(
    db: impl PgExecutor<'_>,
    case: CaseId,
) -> sqlx::Result<Vec<PostClosureReview>> {
    sqlx::query_as!(
        PostClosureReview,
        r#"select p.id as "id: PostClosureReviewId", p.months, p.due_date, p.done_at,
                  u.name as "done_by_name?", p.note
           from post_closure_reviews p
           left join users u on u.id = p.done_by
           where p.case_id = $1 and p.cancelled_at is null
             and p.closing_id = (select c.id from case_closings c where c.case_id = $1
                                 order by c.closed_at desc, c.seq desc limit 1)
           order by p.due_date"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await
}

/// Cancels the reviews after closing still to come: the case has been reopened.
pub async fn cancel_pending_reviews(
    conn: &mut PgConnection,
    case: CaseId,
    at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update post_closure_reviews set cancelled_at = $2
           where case_id = $1 and done_at is null and cancelled_at is null"#,
        case as CaseId,
        at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks a review after closing done; `false` when it is not this case's or already done.
pub async fn complete_post_closure_review(
    db: impl PgExecutor<'_>,
    case: CaseId,
    id: PostClosureReviewId,
    by: UserId,
    note: &str,
    at: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update post_closure_reviews set done_at = $3, done_by = $4, note = $5
           where id = $1 and case_id = $2 and done_at is null and cancelled_at is null"#,
        id as PostClosureReviewId,
        case as CaseId,
        at,
        by as UserId,
        note,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
