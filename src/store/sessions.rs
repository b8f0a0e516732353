//! Authenticated sessions: created at login, checked and touched on every request, revoked at
//! logout or when the account changes.

use sqlx::PgExecutor;
use time::{Duration, OffsetDateTime};

use crate::domain::ids::{AuthSessionId, MunicipalityId, PoliceDistrictId, UnitId, UserId};
use crate::domain::policy::Role;
use crate::store::users::{User, sorted_roles};

pub async fn create(
    db: impl PgExecutor<'_>,
    id: AuthSessionId,
    user: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into auth_sessions (id, user_id, created_at, last_seen_at) values ($1, $2, $3, $3)",
        id as AuthSessionId,
        user as UserId,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The user behind a live session, touching its last-seen time in the same statement, with how
/// many unread alerts they have (counted to 100). `None` when the session is revoked, idle too
/// long, past its absolute lifetime, or the user disabled.
pub async fn touch(
    db: impl PgExecutor<'_>,
    id: AuthSessionId,
    now: OffsetDateTime,
    idle: Duration,
    absolute: Duration,
) -> sqlx::Result<Option<(User, i64)>> {
    let row = sqlx::query!(
        r#"update auth_sessions s set last_seen_at = $2
           from users u left join units un on un.id = u.unit_id
           left join municipalities m on m.id = u.municipality_id
           where s.id = $1 and u.id = s.user_id
             and s.revoked_at is null and u.active
             and s.last_seen_at > $2::timestamptz - $3::interval
             and s.created_at > $2::timestamptz - $4::interval
           returning u.id as "id: UserId", u.email, u.name, u.roles as "roles: Vec<Role>",
                     u.municipality_id as "municipality_id: MunicipalityId",
                     u.police_district_id as "police_district_id: PoliceDistrictId",
                     u.unit_id as "unit_id: UnitId", un.name as "unit_name?", u.active,
                     coalesce(m.routes_via_leader, false) as "leader_routing!",
                     (select count(*) from (select 1 from alerts a
                                            where a.user_id = u.id and a.read_at is null
                                            limit 100) unread) as "unread_alerts!""#,
        id as AuthSessionId,
        now,
        pg_interval(idle),
        pg_interval(absolute),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let user = User {
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
        };
        (user, r.unread_alerts)
    }))
}

pub async fn revoke(
    db: impl PgExecutor<'_>,
    id: AuthSessionId,
    reason: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update auth_sessions set revoked_at = $2, revoked_reason = $3
           where id = $1 and revoked_at is null"#,
        id as AuthSessionId,
        now,
        reason,
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn revoke_all_for_user(
    db: impl PgExecutor<'_>,
    user: UserId,
    reason: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update auth_sessions set revoked_at = $2, revoked_reason = $3
           where user_id = $1 and revoked_at is null"#,
        user as UserId,
        now,
        reason,
    )
    .execute(db)
    .await?;
    Ok(())
}

fn pg_interval(d: Duration) -> sqlx::postgres::types::PgInterval {
    sqlx::postgres::types::PgInterval {
        months: 0,
        days: 0,
        microseconds: i64::try_from(d.whole_microseconds()).unwrap_or(i64::MAX),
    }
}
