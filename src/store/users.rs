//! User accounts: credentials, login throttling, administration.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::auth::lockout::{self, AfterFailure, LockoutPolicy};
use crate::domain::ids::{MunicipalityId, PoliceDistrictId, UnitId, UserId};
use crate::domain::policy::{Actor, Role};

/// A user as the rest of the application sees them (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<PoliceDistrictId>,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    pub active: bool,
    /// The user's municipality sends staff concerns through the nearest leader (its profile's
    /// `routes_via_leader`).
    pub leader_routing: bool,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            roles: self.roles.clone(),
            municipality_id: self.municipality_id,
            police_district_id: self.police_district_id,
            unit_id: self.unit_id,
            leader_routing: self.leader_routing,
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The roles in one order and each once, whatever order the array was stored in.
pub fn sorted_roles(mut roles: Vec<Role>) -> Vec<Role> {
    roles.sort();
    roles.dedup();
    roles
}

pub fn role_names(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|r| r.as_str().to_owned()).collect()
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<PoliceDistrictId>,
    pub unit_id: Option<UnitId>,
    /// `None`: the account signs in only through an identity provider (`--sso-only`).
    pub password_hash: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum InsertUserError {
    #[error("a user with this e-mail already exists")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    user: &NewUser,
    now: OffsetDateTime,
) -> Result<UserId, InsertUserError> {
    let id = UserId::new();
    let result = sqlx::query!(
        r#"insert into users (id, email, name, roles, municipality_id, police_district_id, unit_id,
                              password_hash, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"#,
        id as UserId,
        user.email.trim().to_lowercase(),
        user.name.trim(),
        &role_names(&user.roles),
        user.municipality_id as Option<MunicipalityId>,
        user.police_district_id as Option<PoliceDistrictId>,
        user.unit_id as Option<UnitId>,
        user.password_hash,
        now,
    )
    .execute(db)
    .await;
    match result {
        Ok(_) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("users_email_key") => {
            Err(InsertUserError::EmailTaken)
        }
        Err(e) => Err(e.into()),
    }
}

/// What login needs to decide; never leaves the auth module.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: UserId,
    /// `None` for an account that signs in only through an identity provider.
    pub password_hash: Option<String>,
    pub roles: Vec<Role>,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<OffsetDateTime>,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<PoliceDistrictId>,
}

pub async fn credentials_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as!(
        Credentials,
        r#"select id as "id: UserId", password_hash, roles as "roles: Vec<Role>", active,
                  failed_logins, locked_until,
                  municipality_id as "municipality_id: MunicipalityId",
                  police_district_id as "police_district_id: PoliceDistrictId"
           from users where email = lower($1)"#,
        email.trim(),
    )
    .fetch_optional(db)
    .await
}

/// The same as [`credentials_by_email`], for an account found through its provider identity.
pub async fn credentials_by_id(
    db: impl PgExecutor<'_>,
    id: UserId,
) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as!(
        Credentials,
        r#"select id as "id: UserId", password_hash, roles as "roles: Vec<Role>", active,
                  failed_logins, locked_until,
                  municipality_id as "municipality_id: MunicipalityId",
                  police_district_id as "police_district_id: PoliceDistrictId"
           from users where id = $1"#,
        id as UserId,
    )
    .fetch_optional(db)
    .await
}

/// Counts one failed attempt in the sliding window and sets the delay or lock that follows.
/// The user's row is locked while the window is read and written, so that parallel guesses
/// cannot all slip through at the same count.
pub async fn record_failed_login(
    conn: &mut PgConnection,
    id: UserId,
    now: OffsetDateTime,
    policy: LockoutPolicy,
) -> sqlx::Result<AfterFailure> {
    let recent = sqlx::query_scalar!(
        "select recent_failures from users where id = $1 for update",
        id as UserId,
    )
    .fetch_one(&mut *conn)
    .await?;
    let outcome = lockout::after_failure(policy, &recent, now);
    sqlx::query!(
        r#"update users set recent_failures = $2, failed_logins = $3,
                            locked_until = coalesce($4, locked_until)
           where id = $1"#,
        id as UserId,
        &outcome.recent,
        i32::try_from(outcome.count).unwrap_or(i32::MAX),
        outcome.blocked_until,
    )
    .execute(&mut *conn)
    .await?;
    Ok(outcome)
}

pub async fn record_successful_login(db: impl PgExecutor<'_>, id: UserId) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set failed_logins = 0, recent_failures = '{}', locked_until = null where id = $1",
        id as UserId
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn by_id(db: impl PgExecutor<'_>, id: UserId) -> sqlx::Result<Option<User>> {
    let row = sqlx::query!(
        r#"select u.id as "id: UserId", u.email, u.name, u.roles as "roles: Vec<Role>",
                  u.municipality_id as "municipality_id: MunicipalityId",
                  u.police_district_id as "police_district_id: PoliceDistrictId",
                  u.unit_id as "unit_id: UnitId", un.name as "unit_name?", u.active,
                  coalesce(m.routes_via_leader, false) as "leader_routing!"
           from users u left join units un on un.id = u.unit_id
           left join municipalities m on m.id = u.municipality_id
           where u.id = $1"#,
        id as UserId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| User {
        id: r.id,
        email: r.email,
        name: r.name,
        roles: sorted_roles(r.roles),
        municipality_id: r.municipality_id,
        police_district_id: r.police_district_id,
        unit_id: r.unit_id,
        unit_name: r.unit_name,
        active: r.active,
        leader_routing: r.leader_routing,
    }))
}

/// Users for the admin list: everyone, or one municipality's and its district's.
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<User>> {
    let rows = sqlx::query!(
        r#"select u.id as "id: UserId", u.email, u.name, u.roles as "roles: Vec<Role>",
                  u.municipality_id as "municipality_id: MunicipalityId",
                  u.police_district_id as "police_district_id: PoliceDistrictId",
                  u.unit_id as "unit_id: UnitId", un.name as "unit_name?", u.active,
                  coalesce(m.routes_via_leader, false) as "leader_routing!"
           from users u left join units un on un.id = u.unit_id
           left join municipalities m on m.id = u.municipality_id
           order by u.name, u.email"#,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| User {
            id: r.id,
            email: r.email,
            name: r.name,
            roles: sorted_roles(r.roles),
            municipality_id: r.municipality_id,
            police_district_id: r.police_district_id,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            active: r.active,
            leader_routing: r.leader_routing,
        })
        .collect())
}

/// Users of a municipality holding a role, for choosers (core-group members, plan owners).
pub async fn with_role_in_municipality(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    role: Role,
) -> sqlx::Result<Vec<(UserId, String)>> {
    let rows = sqlx::query!(
        r#"select id as "id: UserId", name from users
           where municipality_id = $1 and $2 = any (roles) and active
           order by name"#,
        municipality as MunicipalityId,
        role.as_str(),
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// Police users of a district, for naming who took part in a joint triage.
pub async fn police_in_district(
    db: impl PgExecutor<'_>,
    district: PoliceDistrictId,
) -> sqlx::Result<Vec<(UserId, String)>> {
    let rows = sqlx::query!(
        r#"select id as "id: UserId", name from users
           where police_district_id = $1 and 'police' = any (roles) and active
           order by name"#,
        district as PoliceDistrictId,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// Enables or disables an account; a disabled user's sessions end in the same transaction.
pub async fn set_active(
    conn: &mut PgConnection,
    id: UserId,
    active: bool,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update users set active = $2, updated_at = $3, version = version + 1 where id = $1",
        id as UserId,
        active,
        now,
    )
    .execute(&mut *conn)
    .await?;
    if !active {
        super::sessions::revoke_all_for_user(&mut *conn, id, "user_disabled", now).await?;
    }
    Ok(done.rows_affected() == 1)
}

/// Replaces the roles; the user's sessions end so that the new roles apply at once.
pub async fn set_roles(
    conn: &mut PgConnection,
    id: UserId,
    roles: &[Role],
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update users set roles = $2, updated_at = $3, version = version + 1 where id = $1",
        id as UserId,
        &role_names(roles),
        now,
    )
    .execute(&mut *conn)
    .await?;
    super::sessions::revoke_all_for_user(&mut *conn, id, "roles_changed", now).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_password(
    conn: &mut PgConnection,
    id: UserId,
    password_hash: &str,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update users set password_hash = $2, failed_logins = 0, locked_until = null,
                  updated_at = $3, version = version + 1
           where id = $1"#,
        id as UserId,
        password_hash,
        now,
    )
    .execute(&mut *conn)
    .await?;
    super::sessions::revoke_all_for_user(&mut *conn, id, "password_changed", now).await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a user to another municipality, unit or police district; their sessions end, so the
/// move holds from their next request.
pub async fn set_belonging(
    conn: &mut PgConnection,
    id: UserId,
    municipality: Option<MunicipalityId>,
    district: Option<PoliceDistrictId>,
    unit: Option<UnitId>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update users set municipality_id = $2, police_district_id = $3, unit_id = $4,
                  updated_at = $5, version = version + 1
           where id = $1"#,
        id as UserId,
        municipality as Option<MunicipalityId>,
        district as Option<PoliceDistrictId>,
        unit as Option<UnitId>,
        now,
    )
    .execute(&mut *conn)
    .await?;
    super::sessions::revoke_all_for_user(&mut *conn, id, "belonging_changed", now).await?;
    Ok(())
}

/// The user's own new password ("Min konto"); the caller ends the user's other sessions.
pub async fn change_password(
    conn: &mut PgConnection,
    id: UserId,
    password_hash: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update users set password_hash = $2, failed_logins = 0, recent_failures = '{}',
                  locked_until = null, updated_at = $3, version = version + 1
           where id = $1"#,
        id as UserId,
        password_hash,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"select count(*) as "n!" from users"#)
        .fetch_one(db)
        .await
}
