//! Meetings: the list, one meeting, planning it and moving it on. The agenda, its minutes,
//! guests and actions are in [`agenda`]; what to put on the agenda in [`suggestions`].

pub mod agenda;
pub mod suggestions;

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::domain::ids::{MeetingId, MunicipalityId, PoliceDistrictId, UserId};
use crate::domain::meeting::{MeetingKind, MeetingStatus};
use crate::domain::policy::{Actor, Role};
use crate::store::paging::{After, FETCH, Page};

#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: MeetingId,
    pub kind: MeetingKind,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<PoliceDistrictId>,
    pub starts_at: OffsetDateTime,
    pub place: String,
    pub chair_user_id: UserId,
    pub chair_name: String,
    pub status: MeetingStatus,
    pub other_participants: Option<String>,
    pub figures: Option<serde_json::Value>,
    pub version: i32,
}

/// A meeting as the list shows it.
#[derive(Debug, Clone)]
pub struct MeetingRow {
    pub id: MeetingId,
    pub kind: MeetingKind,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<PoliceDistrictId>,
    pub starts_at: OffsetDateTime,
    pub place: String,
    pub status: MeetingStatus,
    pub items: i64,
}

/// Which meetings a viewer's list holds: those of these municipalities, and the network
/// meetings of these districts.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    pub municipalities: Vec<MunicipalityId>,
    pub districts: Vec<PoliceDistrictId>,
}

impl Reach {
    fn ids(&self) -> (Vec<uuid::Uuid>, Vec<uuid::Uuid>) {
        (
            self.municipalities.iter().map(|m| m.0).collect(),
            self.districts.iter().map(|d| d.0).collect(),
        )
    }
}

pub async fn by_id(db: impl PgExecutor<'_>, id: MeetingId) -> sqlx::Result<Option<Meeting>> {
    sqlx::query_as!(
        Meeting,
        r#"select m.id as "id: MeetingId", m.kind as "kind: MeetingKind",
                  m.municipality_id as "municipality_id: MunicipalityId",
                  m.police_district_id as "police_district_id: PoliceDistrictId",
                  m.starts_at, m.place, m.chair_user_id as "chair_user_id: UserId",
                  u.name as chair_name, m.status as "status: MeetingStatus",
                  m.other_participants, m.figures, m.version
           from meetings m join users u on u.id = m.chair_user_id
           where m.id = $1"#,
        id as MeetingId,
    )
    .fetch_optional(db)
    .await
}

/// The coming meetings, soonest first (bounded: nobody plans more than a page ahead), or one
/// page of the past ones, latest first.
pub async fn list(
    db: impl PgExecutor<'_>,
    reach: &Reach,
    now: OffsetDateTime,
    upcoming: bool,
    after: Option<After>,
) -> sqlx::Result<Page<MeetingRow>> {
    Ok(Page::of(
        rows(db, reach, now, upcoming, after, FETCH).await?,
    ))
}

/// The next meeting the viewer may attend, for the home page: one row.
pub async fn next(
    db: impl PgExecutor<'_>,
    reach: &Reach,
    now: OffsetDateTime,
) -> sqlx::Result<Option<MeetingRow>> {
    Ok(rows(db, reach, now, true, None, 1)
        .await?
        .into_iter()
        .next())
}

async fn rows(
    db: impl PgExecutor<'_>,
    reach: &Reach,
    now: OffsetDateTime,
    upcoming: bool,
    after: Option<After>,
    limit: i64,
) -> sqlx::Result<Vec<MeetingRow>> {
    let (municipalities, districts) = reach.ids();
    let (after_at, after_id) = (after.map(|a| a.at), after.map(|a| a.id));
    sqlx::query_as!(
        MeetingRow,
        r#"select m.id as "id: MeetingId", m.kind as "kind: MeetingKind",
                  m.municipality_id as "municipality_id: MunicipalityId",
                  m.police_district_id as "police_district_id: PoliceDistrictId",
                  m.starts_at, m.place, m.status as "status: MeetingStatus",
                  (select count(*) from meeting_items i where i.meeting_id = m.id) as "items!"
           from meetings m
           where (m.municipality_id = any ($1) or m.police_district_id = any ($2))
             and case when $4 then m.starts_at >= $3
                      else m.starts_at < $3
                           and ($5::timestamptz is null or (m.starts_at, m.id) < ($5, $6)) end
           order by case when $4 then m.starts_at end asc,
                    case when not $4 then m.starts_at end desc, m.id desc
           limit $7"#,
        &municipalities,
        &districts,
        now,
        upcoming,
        after_at,
        after_id,
        limit,
    )
    .fetch_all(db)
    .await
}

pub struct NewMeeting<'a> {
    pub kind: MeetingKind,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<PoliceDistrictId>,
    pub starts_at: OffsetDateTime,
    pub place: &'a str,
    pub chair: UserId,
    pub other_participants: Option<&'a str>,
    pub figures: Option<serde_json::Value>,
    pub created_by: UserId,
}

/// Plans a meeting; the chair is its first participant.
pub async fn create(
    conn: &mut PgConnection,
    new: &NewMeeting<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<MeetingId> {
    let id = MeetingId::new();
    sqlx::query!(
        r#"insert into meetings (id, kind, municipality_id, police_district_id, starts_at, place,
                                 chair_user_id, other_participants, figures, created_by,
                                 created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"#,
        id as MeetingId,
        new.kind.as_str(),
        new.municipality_id as Option<MunicipalityId>,
        new.police_district_id as Option<PoliceDistrictId>,
        new.starts_at,
        new.place,
        new.chair as UserId,
        new.other_participants,
        new.figures,
        new.created_by as UserId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    add_participant(&mut *conn, id, new.chair).await?;
    Ok(id)
}

/// Moves the meeting on to `to` if it is still at `version`; `false` when someone else changed
/// it first.
pub async fn advance(
    db: impl PgExecutor<'_>,
    id: MeetingId,
    version: i32,
    from: MeetingStatus,
    to: MeetingStatus,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update meetings set status = $4, version = version + 1, updated_at = $5
           where id = $1 and version = $2 and status = $3"#,
        id as MeetingId,
        version,
        from.as_str(),
        to.as_str(),
        now,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A change to the meeting's agenda or people takes its version on, so that two organisers
/// working at once find out; `false` when the meeting is no longer at `version`.
pub async fn touch(
    db: impl PgExecutor<'_>,
    id: MeetingId,
    version: i32,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update meetings set version = version + 1, updated_at = $3 where id = $1 and version = $2",
        id as MeetingId,
        version,
        now,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A user present at the meeting.
#[derive(Debug, Clone)]
pub struct Participant {
    pub user_id: UserId,
    pub name: String,
    pub roles: Vec<Role>,
}

pub async fn participants(
    db: impl PgExecutor<'_>,
    meeting: MeetingId,
) -> sqlx::Result<Vec<Participant>> {
    sqlx::query_as!(
        Participant,
        r#"select u.id as "user_id: UserId", u.name, u.roles as "roles: Vec<Role>"
           from meeting_participants p join users u on u.id = p.user_id
           where p.meeting_id = $1 order by u.name"#,
        meeting as MeetingId,
    )
    .fetch_all(db)
    .await
}

pub async fn add_participant(
    db: impl PgExecutor<'_>,
    meeting: MeetingId,
    user: UserId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into meeting_participants (meeting_id, user_id) values ($1, $2) on conflict do nothing",
        meeting as MeetingId,
        user as UserId,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The case's team takes part by default when its case is on the agenda.
pub async fn invite_team(
    db: impl PgExecutor<'_>,
    meeting: MeetingId,
    case: crate::domain::ids::CaseId,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into meeting_participants (meeting_id, user_id)
           select $1, t.user_id from case_team t join users u on u.id = t.user_id
           where t.case_id = $2 and u.active
           on conflict do nothing"#,
        meeting as MeetingId,
        case as crate::domain::ids::CaseId,
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove_participant(
    db: impl PgExecutor<'_>,
    meeting: MeetingId,
    user: UserId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from meeting_participants where meeting_id = $1 and user_id = $2",
        meeting as MeetingId,
        user as UserId,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Who may take part in a meeting or own its actions: the active coordinators and core-group
/// members of the municipalities and the police of the districts, each with where they belong
/// and whether they are on `case`'s team, for the policy to decide
/// ([`crate::domain::policy::case_access`], [`crate::domain::policy::meeting_access`]).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: UserId,
    pub name: String,
    pub roles: Vec<Role>,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<PoliceDistrictId>,
    pub on_team: bool,
}

impl Candidate {
    /// The candidate as the policy sees them.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            roles: self.roles.clone(),
            municipality_id: self.municipality_id,
            police_district_id: self.police_district_id,
            unit_id: None,
            leader_routing: false,
        }
    }
}

pub async fn candidates(
    db: impl PgExecutor<'_>,
    municipalities: &[MunicipalityId],
    district: PoliceDistrictId,
    case: Option<crate::domain::ids::CaseId>,
) -> sqlx::Result<Vec<Candidate>> {
    let municipalities: Vec<uuid::Uuid> = municipalities.iter().map(|m| m.0).collect();
    sqlx::query_as!(
        Candidate,
        r#"select u.id as "id: UserId", u.name, u.roles as "roles: Vec<Role>",
                  u.municipality_id as "municipality_id: MunicipalityId",
                  u.police_district_id as "police_district_id: PoliceDistrictId",
                  exists (select 1 from case_team t
                          where t.case_id = $3 and t.user_id = u.id) as "on_team!"
           from users u
           where u.active
             and ((u.municipality_id = any ($1) and u.roles && array['coordinator', 'core_group'])
                  or (u.police_district_id = $2 and 'police' = any (u.roles)))
           order by u.name"#,
        &municipalities,
        district as PoliceDistrictId,
        case.map(|c| c.0),
    )
    .fetch_all(db)
    .await
}
