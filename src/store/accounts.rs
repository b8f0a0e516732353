//! Accounts as their users take them over: one-time links to set a password, and roles that see
//! cases waiting for a second person's approval.

use sqlx::{PgConnection, PgExecutor};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::domain::ids::{MunicipalityId, UserId};
use crate::domain::policy::Role;

/// How long a set-password link works.
pub const LINK_LIFETIME: Duration = Duration::hours(72);

/// Stores a new link's hash for the user and ends the user's older, unused links.
pub async fn issue_link(
    conn: &mut PgConnection,
    user: UserId,
    token_hash: &str,
    by: Option<UserId>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from password_links where user_id = $1 and used_at is null",
        user as UserId,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"insert into password_links (id, user_id, token_hash, created_by, created_at, expires_at)
           values ($1, $2, $3, $4, $5, $6)"#,
        Uuid::new_v4(),
        user as UserId,
        token_hash,
        by as Option<UserId>,
        now,
        now + LINK_LIFETIME,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The user a live link belongs to: unused and not expired.
pub async fn link_user(
    db: impl PgExecutor<'_>,
    token_hash: &str,
    now: OffsetDateTime,
) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar!(
        r#"select l.user_id as "user_id: UserId" from password_links l
           join users u on u.id = l.user_id
           where l.token_hash = $1 and l.used_at is null and l.expires_at > $2 and u.active"#,
        token_hash,
        now,
    )
    .fetch_optional(db)
    .await
}

/// Uses the link up, once: of two submissions at the same moment, one gets the user.
pub async fn use_link(
    conn: &mut PgConnection,
    token_hash: &str,
    now: OffsetDateTime,
) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar!(
        r#"update password_links set used_at = $2
           where token_hash = $1 and used_at is null and expires_at > $2
           returning user_id as "user_id: UserId""#,
        token_hash,
        now,
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Asks for a role that sees cases; a request already waiting is kept as it is.
pub async fn request_grant(
    conn: &mut PgConnection,
    user: UserId,
    role: Role,
    by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into role_grants (id, user_id, role, requested_by, requested_at)
           values ($1, $2, $3, $4, $5)
           on conflict (user_id, role) where decided_at is null do nothing"#,
        Uuid::new_v4(),
        user as UserId,
        role.as_str(),
        by as UserId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct PendingGrant {
    pub id: Uuid,
    pub user_id: UserId,
    pub user_name: String,
    pub user_email: String,
    pub municipality_id: Option<MunicipalityId>,
    pub role: Role,
    pub requested_by: UserId,
    pub requested_by_name: String,
    pub requested_at: OffsetDateTime,
}

/// Every request still waiting, oldest first; the policy says which a reader may decide on.
pub async fn pending_grants(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<PendingGrant>> {
    sqlx::query_as!(
        PendingGrant,
        r#"select g.id, g.user_id as "user_id: UserId", u.name as user_name, u.email as user_email,
                  u.municipality_id as "municipality_id: MunicipalityId", g.role as "role: Role",
                  g.requested_by as "requested_by: UserId", r.name as requested_by_name,
                  g.requested_at
           from role_grants g
           join users u on u.id = g.user_id
           join users r on r.id = g.requested_by
           where g.decided_at is null
           order by g.requested_at, g.id
           limit 500"#,
    )
    .fetch_all(db)
    .await
}

/// One waiting request, locked for the decision.
pub async fn pending_grant_for_update(
    conn: &mut PgConnection,
    id: Uuid,
) -> sqlx::Result<Option<PendingGrant>> {
    sqlx::query_as!(
        PendingGrant,
        r#"select g.id, g.user_id as "user_id: UserId", u.name as user_name, u.email as user_email,
                  u.municipality_id as "municipality_id: MunicipalityId", g.role as "role: Role",
                  g.requested_by as "requested_by: UserId", r.name as requested_by_name,
                  g.requested_at
           from role_grants g
           join users u on u.id = g.user_id
           join users r on r.id = g.requested_by
           where g.id = $1 and g.decided_at is null
           for update of g"#,
        id,
    )
    .fetch_optional(&mut *conn)
    .await
}

pub async fn decide_grant(
    conn: &mut PgConnection,
    id: Uuid,
    by: UserId,
    approved: bool,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update role_grants set decided_by = $2, decided_at = $3, approved = $4 where id = $1",
        id,
        by as UserId,
        now,
        approved,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The roles of each user still waiting for approval, for the admin's list.
pub async fn pending_roles_by_user(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(UserId, Role)>> {
    let rows = sqlx::query!(
        r#"select user_id as "user_id: UserId", role as "role: Role" from role_grants
           where decided_at is null"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.user_id, r.role)).collect())
}
