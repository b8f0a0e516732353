//! Accounts linked to an identity provider's subject. The first login through a provider finds
//! the account by its verified e-mail and links it; every later login finds it by issuer and
//! subject only, never by e-mail again.

use sqlx::PgExecutor;
use time::OffsetDateTime;

use crate::domain::ids::UserId;

/// The account an identity is linked to.
pub async fn linked_user(
    db: impl PgExecutor<'_>,
    issuer: &str,
    subject: &str,
) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar!(
        r#"select user_id as "id: UserId" from user_identities where issuer = $1 and subject = $2"#,
        issuer,
        subject,
    )
    .fetch_optional(db)
    .await
}

/// An account that may be linked at first login: found by e-mail, with the subject it is
/// already linked to at this issuer, if any (then another subject may not take it over).
#[derive(Debug, Clone)]
pub struct LinkCandidate {
    pub id: UserId,
    pub linked_subject: Option<String>,
}

pub async fn candidate_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
    issuer: &str,
) -> sqlx::Result<Option<LinkCandidate>> {
    sqlx::query_as!(
        LinkCandidate,
        r#"select u.id as "id: UserId",
                  (select i.subject from user_identities i
                   where i.user_id = u.id and i.issuer = $2 limit 1) as linked_subject
           from users u where u.email = lower($1)"#,
        email.trim(),
        issuer,
    )
    .fetch_optional(db)
    .await
}

/// Links the subject to the account; `false` when the subject was linked meanwhile (two
/// first logins at once): the caller refuses rather than guess.
pub async fn link(
    db: impl PgExecutor<'_>,
    issuer: &str,
    subject: &str,
    user: UserId,
    provider: &str,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"insert into user_identities (issuer, subject, user_id, provider, linked_at, last_login_at)
           values ($1, $2, $3, $4, $5, $5)
           on conflict (issuer, subject) do nothing"#,
        issuer,
        subject,
        user as UserId,
        provider,
        now,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn touch(
    db: impl PgExecutor<'_>,
    issuer: &str,
    subject: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update user_identities set last_login_at = $3 where issuer = $1 and subject = $2",
        issuer,
        subject,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}
