//! Authenticated sessions: created at login, checked and touched on every request, revoked at
//! logout or when the account changes.

use sqlx::PgExecutor;
use time::{Duration, OffsetDateTime};

use crate::auth::second_factor::SessionFactor;
use crate::domain::ids::{AuthSessionId, MunicipalityId, PoliceDistrictId, UnitId, UserId};
use crate::domain::policy::Role;
use crate::store::users::{User, sorted_roles};

/// Where a session was begun: shown to its user on "Min konto".
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub client_ip: String,
    pub user_agent: Option<String>,
    /// The identity provider signed in through, and its ID token (the hint for its logout).
    pub provider: Option<(String, String)>,
}

impl Origin {
    /// The client's address and enough of the browser's name to recognise the device; no more
    /// is kept.
    pub fn of_request(client_ip: &str, headers: &axum::http::HeaderMap) -> Origin {
        Origin {
            client_ip: client_ip.to_owned(),
            user_agent: headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(200).collect()),
            provider: None,
        }
    }
}

pub async fn create(
    db: impl PgExecutor<'_>,
    id: AuthSessionId,
    user: UserId,
    origin: &Origin,
    factor: SessionFactor,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let (provider, id_token) = origin.provider.clone().unzip();
    sqlx::query!(
        "insert into auth_sessions (id, user_id, created_at, last_seen_at, client_ip, user_agent,
                                    second_factor, provider, id_token)
         values ($1, $2, $3, $3, $4, $5, $6, $7, $8)",
        id as AuthSessionId,
        user as UserId,
        now,
        origin.client_ip,
        origin.user_agent,
        factor as SessionFactor,
        provider,
        id_token,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A live session as [`touch`] finds it.
#[derive(Debug, Clone)]
pub struct Touched {
    pub user: User,
    /// Unread alerts, counted to 100.
    pub unread_alerts: i64,
    pub factor: SessionFactor,
}

/// How stale a session's last-seen time may get before a request writes it again. A read
/// page then writes nothing (no WAL, no flush at commit) but once a minute per session; the
/// idle timeout is at most this much early.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// The user behind a live session, moving its last-seen time on in the same statement when it is
/// more than [`TOUCH_EVERY`] old, with how many unread alerts they have (counted to 100). `None`
/// when the session is revoked, idle too long, past its absolute lifetime, or the user disabled.
pub async fn touch(
    db: impl PgExecutor<'_>,
    id: AuthSessionId,
    now: OffsetDateTime,
    idle: Duration,
    absolute: Duration,
) -> sqlx::Result<Option<Touched>> {
    let row = sqlx::query!(
        r#"with live as (
               select s.id, s.last_seen_at, s.second_factor, u.id as user_id, u.email, u.name,
                      u.roles, u.municipality_id, u.police_district_id, u.unit_id,
                      un.name as unit_name, u.active,
                      coalesce(m.routes_via_leader, false) as leader_routing
               from auth_sessions s
               join users u on u.id = s.user_id
               left join units un on un.id = u.unit_id
               left join municipalities m on m.id = u.municipality_id
               where s.id = $1 and s.revoked_at is null and u.active
                 and s.last_seen_at > $2::timestamptz - $3::interval
                 and s.created_at > $2::timestamptz - $4::interval
           ), seen as (
               update auth_sessions s set last_seen_at = $2
               from live
               where s.id = live.id and live.last_seen_at < $2::timestamptz - $5::interval
                 and s.revoked_at is null
           )
           select user_id as "id!: UserId", email as "email!", name as "name!",
                  roles as "roles!: Vec<Role>",
                  municipality_id as "municipality_id: MunicipalityId",
                  police_district_id as "police_district_id: PoliceDistrictId",
                  unit_id as "unit_id: UnitId", unit_name as "unit_name?", active as "active!",
                  leader_routing as "leader_routing!",
                  second_factor as "second_factor!: SessionFactor",
                  (select count(*) from (select 1 from alerts a
                                         where a.user_id = live.user_id and a.read_at is null
                                         limit 100) unread) as "unread_alerts!"
           from live"#,
        id as AuthSessionId,
        now,
        pg_interval(idle),
        pg_interval(absolute),
        pg_interval(TOUCH_EVERY),
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
        Touched {
            user,
            unread_alerts: r.unread_alerts,
            factor: r.second_factor,
        }
    }))
}

/// The session has passed its second factor (or set one up).
pub async fn set_factor(
    db: impl PgExecutor<'_>,
    id: AuthSessionId,
    factor: SessionFactor,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update auth_sessions set second_factor = $2 where id = $1 and revoked_at is null",
        id as AuthSessionId,
        factor as SessionFactor,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The provider and ID token of an SSO session, for the provider's logout.
pub async fn provider_of(
    db: impl PgExecutor<'_>,
    id: AuthSessionId,
) -> sqlx::Result<Option<(String, String)>> {
    let row = sqlx::query!(
        "select provider, id_token from auth_sessions where id = $1",
        id as AuthSessionId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|r| r.provider.zip(r.id_token)))
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

/// One live session of a user, for "Min konto".
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub id: AuthSessionId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The user's sessions that still work: not revoked, not idle too long, not past their lifetime.
pub async fn live_for_user(
    db: impl PgExecutor<'_>,
    user: UserId,
    now: OffsetDateTime,
    idle: Duration,
    absolute: Duration,
) -> sqlx::Result<Vec<LiveSession>> {
    sqlx::query_as!(
        LiveSession,
        r#"select id as "id: AuthSessionId", created_at, last_seen_at, client_ip, user_agent
           from auth_sessions
           where user_id = $1 and revoked_at is null
             and last_seen_at > $2::timestamptz - $3::interval
             and created_at > $2::timestamptz - $4::interval
           order by last_seen_at desc
           limit 100"#,
        user as UserId,
        now,
        pg_interval(idle),
        pg_interval(absolute),
    )
    .fetch_all(db)
    .await
}

/// Ends one of the user's own sessions; `false` when it is not theirs or already ended.
pub async fn revoke_own(
    db: impl PgExecutor<'_>,
    user: UserId,
    id: AuthSessionId,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update auth_sessions set revoked_at = $3, revoked_reason = 'ended_by_user'
           where id = $2 and user_id = $1 and revoked_at is null"#,
        user as UserId,
        id as AuthSessionId,
        now,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of the user but `keep` (the one that changed the password).
pub async fn revoke_others(
    db: impl PgExecutor<'_>,
    user: UserId,
    keep: AuthSessionId,
    reason: &str,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        r#"update auth_sessions set revoked_at = $3, revoked_reason = $4
           where user_id = $1 and id <> $2 and revoked_at is null"#,
        user as UserId,
        keep as AuthSessionId,
        now,
        reason,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
