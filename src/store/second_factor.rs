//! A user's TOTP secret (sealed; see [`crate::auth::second_factor`]) and recovery codes.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::domain::ids::UserId;

/// What is stored for a user; the secrets stay sealed until the auth module opens them.
#[derive(Debug, Clone, Default)]
pub struct FactorRow {
    pub secret_sealed: Option<Vec<u8>>,
    pub confirmed_at: Option<OffsetDateTime>,
    pub last_step: Option<i64>,
    pub pending_sealed: Option<Vec<u8>>,
    pub recovery_codes_left: i64,
    /// The account has a password (it does not sign in only through an identity provider).
    pub has_password: bool,
}

pub async fn load(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<FactorRow> {
    let row = sqlx::query!(
        r#"select t.secret_sealed as "secret_sealed?", t.confirmed_at as "confirmed_at?",
                  t.last_step as "last_step?", t.pending_sealed as "pending_sealed?",
                  (select count(*) from user_recovery_codes r
                   where r.user_id = $1 and r.used_at is null) as "left!",
                  u.password_hash is not null as "has_password!"
           from users u left join user_totp t on t.user_id = u.id
           where u.id = $1"#,
        user as UserId,
    )
    .fetch_one(db)
    .await?;
    Ok(FactorRow {
        secret_sealed: row.secret_sealed,
        confirmed_at: row.confirmed_at,
        last_step: row.last_step,
        pending_sealed: row.pending_sealed,
        recovery_codes_left: row.left,
        has_password: row.has_password,
    })
}

/// Does the user have a confirmed second factor? Asked at every password login.
pub async fn is_enrolled(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<bool> {
    let found = sqlx::query_scalar!(
        r#"select exists(select 1 from user_totp where user_id = $1 and confirmed_at is not null)
           as "found!""#,
        user as UserId,
    )
    .fetch_one(db)
    .await?;
    Ok(found)
}

/// Keeps a secret being set up beside the confirmed one (if any), until a code confirms it.
pub async fn put_pending(
    db: impl PgExecutor<'_>,
    user: UserId,
    sealed: &[u8],
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into user_totp (user_id, pending_sealed, pending_created_at) values ($1, $2, $3)
           on conflict (user_id) do update
           set pending_sealed = excluded.pending_sealed,
               pending_created_at = excluded.pending_created_at"#,
        user as UserId,
        sealed,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The pending secret becomes the user's factor, with the step of the code that confirmed it
/// (so that code cannot be used again) and new recovery codes in place of any old ones.
/// `false` when the pending secret changed meanwhile (set up again in another tab).
pub async fn confirm(
    conn: &mut PgConnection,
    user: UserId,
    pending: &[u8],
    step: i64,
    recovery_hashes: &[Vec<u8>],
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update user_totp
           set secret_sealed = pending_sealed, confirmed_at = $3, last_step = $4,
               pending_sealed = null, pending_created_at = null
           where user_id = $1 and pending_sealed = $2"#,
        user as UserId,
        pending,
        now,
        step,
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query!(
        "delete from user_recovery_codes where user_id = $1",
        user as UserId
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"insert into user_recovery_codes (user_id, code_hash)
           select $1, h from unnest($2::bytea[]) h"#,
        user as UserId,
        recovery_hashes,
    )
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Records the step of a code just accepted; `false` when that step (or a later one) was used
/// already — the same code sent twice at once is accepted only once.
pub async fn use_step(db: impl PgExecutor<'_>, user: UserId, step: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update user_totp set last_step = $2
           where user_id = $1 and confirmed_at is not null
             and (last_step is null or last_step < $2)"#,
        user as UserId,
        step,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Spends a recovery code; `false` when it is not one of the user's or was used before.
pub async fn use_recovery_code(
    db: impl PgExecutor<'_>,
    user: UserId,
    hash: &[u8],
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update user_recovery_codes set used_at = $3
           where user_id = $1 and code_hash = $2 and used_at is null"#,
        user as UserId,
        hash,
        now,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An admin's reset: the factor and the recovery codes are gone; the user sets up a new one at
/// their next login. `false` when there was nothing to reset.
pub async fn reset(conn: &mut PgConnection, user: UserId) -> sqlx::Result<bool> {
    let factor = sqlx::query!("delete from user_totp where user_id = $1", user as UserId)
        .execute(&mut *conn)
        .await?;
    let codes = sqlx::query!(
        "delete from user_recovery_codes where user_id = $1",
        user as UserId
    )
    .execute(&mut *conn)
    .await?;
    Ok(factor.rows_affected() + codes.rows_affected() > 0)
}
