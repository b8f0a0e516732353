//! The mail side of the alerts: the same rows are the outbox. The sender claims what is due
//! (locked, so that another instance skips it), records what became of each mail, and the
//! admins read what waits or failed.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use super::MailState;
use crate::domain::alerts::AlertKind;
use crate::domain::ids::{MunicipalityId, UserId};

/// An alert claimed for mailing, with its recipient as they are now.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub user_id: UserId,
    pub kind: AlertKind,
    pub municipality_id: MunicipalityId,
    pub link: String,
    pub attempts: i32,
    pub email: String,
    pub active: bool,
    pub created_at: OffsetDateTime,
}

/// Claims up to `limit` alerts whose mail is due, locking them for the transaction so that
/// another instance's sender skips them (`SKIP LOCKED`) instead of sending them again.
pub async fn claim_pending(
    conn: &mut PgConnection,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"select a.id, a.user_id as "user_id: UserId", a.kind as "kind: AlertKind",
                  a.municipality_id as "municipality_id: MunicipalityId", a.link, a.attempts,
                  u.email, u.active, a.created_at
           from alerts a join users u on u.id = a.user_id
           where a.mail_state = 'pending' and a.next_attempt_at <= $1
           order by a.next_attempt_at, a.id
           limit $2
           for update of a skip locked"#,
        now,
        limit,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Claims the alerts waiting for their users' daily mail, grouped by user (in order), locked
/// like [`claim_pending`].
pub async fn claim_daily(conn: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"select a.id, a.user_id as "user_id: UserId", a.kind as "kind: AlertKind",
                  a.municipality_id as "municipality_id: MunicipalityId", a.link, a.attempts,
                  u.email, u.active, a.created_at
           from alerts a join users u on u.id = a.user_id
           where a.mail_state = 'daily'
           order by a.user_id, a.id
           limit $1
           for update of a skip locked"#,
        limit,
    )
    .fetch_all(&mut *conn)
    .await
}

/// What became of one claimed alert's mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery<'a> {
    Sent,
    /// Not sent: the recipient was deactivated, or the alert is too old to be worth a mail
    /// (`domain::alerts::MAIL_WITHIN`).
    Skipped,
    /// Failed this time; tried again at `retry_at`, or never when `None` (marked failed).
    Failed {
        error: &'a str,
        retry_at: Option<OffsetDateTime>,
    },
}

pub async fn record_delivery(
    db: impl PgExecutor<'_>,
    ids: &[i64],
    delivery: Delivery<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    // `None` keeps the state: a failed try that will be tried again.
    let (state, error, retry_at) = match delivery {
        Delivery::Sent => (Some(MailState::Sent), None, None),
        Delivery::Skipped => (Some(MailState::Skipped), None, None),
        Delivery::Failed {
            error,
            retry_at: Some(at),
        } => (None, Some(error), Some(at)),
        Delivery::Failed {
            error,
            retry_at: None,
        } => (Some(MailState::Failed), Some(error), None),
    };
    // An error text is the mail server's answer; kept short, it holds no personal data.
    let error: Option<String> = error.map(|e| e.chars().take(300).collect());
    sqlx::query!(
        r#"update alerts
           set mail_state = coalesce($2, mail_state),
               mailed_at = case $2 when 'sent' then $3::timestamptz else mailed_at end,
               attempts = attempts + case when $4::text is null then 0 else 1 end,
               last_error = coalesce($4, last_error),
               next_attempt_at = coalesce($5, next_attempt_at)
           where id = any ($1)"#,
        ids,
        state.map(MailState::as_str),
        now,
        error,
        retry_at,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// One row of the admins' "Udgående post": no content, only what and to whom.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: AlertKind,
    pub user_name: String,
    pub mail_state: MailState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub next_attempt_at: OffsetDateTime,
}

/// The mails that failed or still wait, newest first.
pub async fn outbox(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as!(
        OutboxRow,
        r#"select a.id, a.kind as "kind: AlertKind", u.name as user_name,
                  a.mail_state as "mail_state: MailState",
                  a.attempts, a.last_error, a.created_at, a.next_attempt_at
           from alerts a join users u on u.id = a.user_id
           where a.mail_state in ('pending', 'failed')
           order by a.id desc
           limit $1"#,
        limit,
    )
    .fetch_all(db)
    .await
}
