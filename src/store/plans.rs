//! The municipality's plan against radicalisation and extremism: its last revision and the
//! next, and the awareness talks and training sessions held (Randers' plan § 4.1-4.2).

use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};

use crate::domain::code::code_enum;
use crate::domain::ids::{MunicipalityId, UserId};
use crate::domain::stats::Quarter;
use crate::store::paging::{FETCH, Page};

#[derive(Debug, Clone)]
pub struct PlanRevision {
    pub last_revised: Option<Date>,
    pub next_revision: Date,
    pub updated_by: Option<String>,
    pub updated_at: OffsetDateTime,
    pub version: i32,
}

pub async fn revision(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
) -> sqlx::Result<Option<PlanRevision>> {
    sqlx::query_as!(
        PlanRevision,
        r#"select p.last_revised, p.next_revision, u.name as "updated_by?", p.updated_at,
                  p.version
           from municipality_plans p left join users u on u.id = p.updated_by
           where p.municipality_id = $1"#,
        municipality as MunicipalityId,
    )
    .fetch_optional(db)
    .await
}

/// Records a revision if the row is still at `version`; `false` when someone else did first.
pub async fn record_revision(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    version: i32,
    revised: Date,
    next: Date,
    by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update municipality_plans
           set last_revised = $3, next_revision = $4, updated_by = $5, updated_at = $6,
               version = version + 1
           where municipality_id = $1 and version = $2"#,
        municipality as MunicipalityId,
        version,
        revised,
        next,
        by as UserId,
        now,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

code_enum! {
    pub enum SessionKind {
        AwarenessTalk => ("awareness_talk", "Oplysning og sparring"),
        Training => ("training", "Undervisning"),
    }
}

#[derive(Debug, Clone)]
pub struct AwarenessSession {
    pub id: uuid::Uuid,
    pub kind: SessionKind,
    pub held_on: Date,
    pub place: String,
    pub audience: String,
    pub attendees: i32,
}

pub struct NewSession<'a> {
    pub kind: SessionKind,
    pub held_on: Date,
    pub place: &'a str,
    pub audience: &'a str,
    pub attendees: i32,
}

pub async fn add_session(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    session: &NewSession<'_>,
    by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into awareness_sessions (id, municipality_id, kind, held_on, place, audience,
                                           attendees, recorded_by, recorded_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        uuid::Uuid::new_v4(),
        municipality as MunicipalityId,
        session.kind.as_str(),
        session.held_on,
        session.place,
        session.audience,
        session.attendees,
        by as UserId,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// One page of the sessions, newest first; `before` is the last (day, id) of the page before.
pub async fn sessions(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    before: Option<(Date, uuid::Uuid)>,
) -> sqlx::Result<Page<AwarenessSession>> {
    let rows = sqlx::query_as!(
        AwarenessSession,
        r#"select id, kind as "kind: SessionKind", held_on, place, audience, attendees
           from awareness_sessions
           where municipality_id = $1
             and ($2::date is null or (held_on, id) < ($2, $3))
           order by held_on desc, id desc
           limit $4"#,
        municipality as MunicipalityId,
        before.map(|b| b.0),
        before.map(|b| b.1),
        FETCH,
    )
    .fetch_all(db)
    .await?;
    Ok(Page::of(rows))
}

/// Sessions and attendees of one kind in a quarter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCount {
    pub sessions: i64,
    pub attendees: i64,
}

/// The quarter's sessions of each kind (in `SessionKind::ALL` order), for these
/// municipalities.
pub async fn counts(
    db: impl PgExecutor<'_>,
    municipalities: &[MunicipalityId],
    quarter: Quarter,
) -> sqlx::Result<Vec<(SessionKind, SessionCount)>> {
    let ids: Vec<uuid::Uuid> = municipalities.iter().map(|m| m.0).collect();
    let rows = sqlx::query!(
        r#"select kind as "kind: SessionKind", count(*) as "sessions!",
                  coalesce(sum(attendees), 0)::int8 as "attendees!"
           from awareness_sessions
           where municipality_id = any ($1) and held_on between $2 and $3
           group by kind"#,
        &ids,
        quarter.first_day(),
        quarter.last_day(),
    )
    .fetch_all(db)
    .await?;
    Ok(SessionKind::ALL
        .into_iter()
        .map(|k| {
            let found = rows.iter().find(|r| r.kind == k);
            (
                k,
                SessionCount {
                    sessions: found.map_or(0, |r| r.sessions),
                    attendees: found.map_or(0, |r| r.attendees),
                },
            )
        })
        .collect())
}
