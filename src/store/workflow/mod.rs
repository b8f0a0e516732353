//! The case workflow's storage: the version-checked stage change with its history row, the
//! case as its page reads it, the team, and the lists (cases, screening queue, my tasks).
//! What each step records lives in the submodules.

pub mod assessment;
pub mod closing;
pub mod plan;
pub mod review;
pub mod screening;

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::ConcernKind;
use crate::domain::catalogue::{CloseReason, Level};
use crate::domain::code::code_enum;
use crate::domain::ids::{CaseId, ConcernId, MunicipalityId, UserId};
use crate::domain::intake::AddendumReader;
use crate::domain::intake::{AddendumKind, ConcernSource};
use crate::domain::workflow::{CaseEvent, Stage};

/// A case as the workflow reads it, with the viewer's membership of its team.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub id: CaseId,
    pub municipality_id: MunicipalityId,
    pub reference: String,
    pub stage: Stage,
    pub version: i32,
    pub subject_name: String,
    pub subject_birth_date: Option<Date>,
    pub subject_approx_age: Option<i16>,
    pub subject_is_minor: bool,
    pub subject_cpr: Option<String>,
    pub subject_address: Option<String>,
    pub level: Option<Level>,
    pub close_reason: Option<CloseReason>,
    pub opened_at: OffsetDateTime,
    pub stage_changed_at: OffsetDateTime,
    pub screening_due: Option<Date>,
    pub closed_at: Option<OffsetDateTime>,
    /// Whether the viewer the case was read for is on its team.
    pub viewer_on_team: bool,
}

/// The case, read for `viewer` (whose team membership decides part of their access).
pub async fn case_for(
    db: impl PgExecutor<'_>,
    id: CaseId,
    viewer: UserId,
) -> sqlx::Result<Option<CaseRecord>> {
    let row = sqlx::query!(
        r#"select c.id as "id: CaseId", c.municipality_id as "municipality_id: MunicipalityId",
                  c.reference, c.stage as "stage: Stage", c.version, c.subject_name,
                  c.subject_birth_date, c.subject_approx_age, c.subject_is_minor, c.subject_cpr,
                  c.subject_address, c.level as "level: Level",
                  c.close_reason as "close_reason: CloseReason", c.opened_at, c.stage_changed_at, c.screening_due,
                  c.closed_at,
                  exists (select 1 from case_team t where t.case_id = c.id and t.user_id = $2)
                      as "viewer_on_team!"
           from cases c where c.id = $1"#,
        id as CaseId,
        viewer as UserId,
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(CaseRecord {
        id: r.id,
        municipality_id: r.municipality_id,
        reference: r.reference,
        stage: r.stage,
        version: r.version,
        subject_name: r.subject_name,
        subject_birth_date: r.subject_birth_date,
        subject_approx_age: r.subject_approx_age,
        subject_is_minor: r.subject_is_minor,
        subject_cpr: r.subject_cpr,
        subject_address: r.subject_address,
        level: r.level,
        close_reason: r.close_reason,
        opened_at: r.opened_at,
        stage_changed_at: r.stage_changed_at,
        screening_due: r.screening_due,
        closed_at: r.closed_at,
        viewer_on_team: r.viewer_on_team,
    }))
}

/// How a change treats the case's prevention level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelChange {
    Keep,
    Set(Option<Level>),
}

/// One change to a case: a move to another stage, or work within the stage. Every change bumps
/// the version, so that a form opened before it is refused instead of overwriting it.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub case_id: CaseId,
    /// The version the user's form was based on.
    pub version: i32,
    pub from: Stage,
    pub to: Stage,
    /// The history code (a `Move::code()`, or `team_added` and the like).
    pub code: &'a str,
    pub reason: Option<&'a str>,
    pub actor: UserId,
    pub at: OffsetDateTime,
    /// Set when the case is sent to screening.
    pub screening_due: Option<Date>,
    pub level: LevelChange,
    /// Required when `to` is `closed`.
    pub close_reason: Option<CloseReason>,
}

/// Applies a change if the case is still at `version` and in `from`, and writes its history
/// row. `false` when someone else changed the case first: nothing has been written, and the
/// caller rolls back whatever else it wrote in the transaction.
pub async fn apply(conn: &mut PgConnection, change: &Change<'_>) -> sqlx::Result<bool> {
    let (set_level, level) = match change.level {
        LevelChange::Keep => (false, None),
        LevelChange::Set(l) => (true, l.map(|l| l.as_str())),
    };
    let done = sqlx::query!(
        r#"update cases set
               stage = $4,
               version = version + 1,
               updated_at = $5,
               stage_changed_at = case when stage = $4 then stage_changed_at else $5 end,
               screening_due = coalesce($6, screening_due),
               level = case when $7 then $8 else level end,
               close_reason = case when $4 = 'closed' then coalesce($9, close_reason) end,
               closed_at = case when $4 <> 'closed' then null
                                when stage = 'closed' then closed_at
                                else $5 end
           where id = $1 and version = $2 and stage = $3"#,
        change.case_id as CaseId,
        change.version,
        change.from.as_str(),
        change.to.as_str(),
        change.at,
        change.screening_due,
        set_level,
        level,
        change.close_reason.map(|r| r.as_str()),
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query!(
        r#"insert into case_history (case_id, occurred_at, actor_user_id, from_stage, to_stage,
                                     move, reason)
           values ($1, $2, $3, $4, $5, $6, $7)"#,
        change.case_id as CaseId,
        change.at,
        change.actor as UserId,
        change.from.as_str(),
        change.to.as_str(),
        change.code,
        change.reason,
    )
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// History, concerns and team, for the case page
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub occurred_at: OffsetDateTime,
    pub actor_name: String,
    pub from_stage: Option<Stage>,
    pub to_stage: Stage,
    pub code: CaseEvent,
    pub reason: Option<String>,
}

/// The case's whole history, oldest first.
pub async fn history(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<Vec<HistoryEntry>> {
    let rows = sqlx::query!(
        r#"select h.occurred_at, u.name as actor_name, h.from_stage as "from_stage: Stage",
                  h.to_stage as "to_stage: Stage", h.move as "move: CaseEvent", h.reason
           from case_history h join users u on u.id = h.actor_user_id
           where h.case_id = $1
           order by h.occurred_at, h.id"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(HistoryEntry {
                occurred_at: r.occurred_at,
                actor_name: r.actor_name,
                from_stage: r.from_stage,
                to_stage: r.to_stage,
                code: r.r#move,
                reason: r.reason,
            })
        })
        .collect()
}

/// A concern of the case as the case page shows it (read-only: filed concerns never change).
#[derive(Debug, Clone)]
pub struct CaseConcern {
    pub id: ConcernId,
    pub filed_at: OffsetDateTime,
    pub source: ConcernSource,
    pub reporter: Option<String>,
    pub unit_name: Option<String>,
    pub kind: ConcernKind,
    pub subject_connection: Option<String>,
    pub observation: String,
    pub observed_when: Option<String>,
    pub observed_where: Option<String>,
    pub warning_signs: Vec<String>,
    /// A repeat (`concerns::is_repeat_subject`).
    pub repeat: bool,
}

pub async fn concerns_of(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<Vec<CaseConcern>> {
    sqlx::query_as!(
        CaseConcern,
        r#"select k.id as "id: ConcernId", k.filed_at, k.source as "source: ConcernSource",
                  coalesce(u.name, k.reporter_name) as reporter, un.name as "unit_name?",
                  k.kind as "kind: ConcernKind", k.subject_connection, k.observation, k.observed_when, k.observed_where,
                  k.warning_signs, k.repeat
           from concerns k
           left join users u on u.id = k.reporter_user_id
           left join units un on un.id = k.unit_id
           where k.case_id = $1
           order by k.filed_at, k.id"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone)]
pub struct CaseAddendum {
    pub concern_id: ConcernId,
    pub created_at: OffsetDateTime,
    pub author_name: String,
    pub kind: AddendumKind,
    pub body: String,
}

/// The addenda of every concern of the case that the reader may see, oldest first.
pub async fn addenda_of(
    db: impl PgExecutor<'_>,
    case: CaseId,
    reader: AddendumReader,
) -> sqlx::Result<Vec<CaseAddendum>> {
    sqlx::query_as!(
        CaseAddendum,
        r#"select a.concern_id as "concern_id: ConcernId", a.created_at, u.name as author_name,
                  a.kind as "kind: AddendumKind", a.body
           from concern_addenda a
           join concerns k on k.id = a.concern_id
           join users u on u.id = a.author_user_id
           where k.case_id = $1 and a.kind = any($2)
           order by a.created_at, a.id"#,
        case as CaseId,
        &reader.visible_kinds(),
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone)]
pub struct TeamMember {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub added_at: OffsetDateTime,
}

pub async fn team(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<Vec<TeamMember>> {
    sqlx::query_as!(
        TeamMember,
        r#"select u.id as "user_id: UserId", u.name, u.email, t.added_at
           from case_team t join users u on u.id = t.user_id
           where t.case_id = $1
           order by u.name"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await
}

/// Adds a member; `false` when they were already on the team.
pub async fn add_to_team(
    db: impl PgExecutor<'_>,
    case: CaseId,
    user: UserId,
    added_by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"insert into case_team (case_id, user_id, added_by, added_at) values ($1, $2, $3, $4)
           on conflict (case_id, user_id) do nothing"#,
        case as CaseId,
        user as UserId,
        added_by as UserId,
        now,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a member; `false` when they were not on the team.
pub async fn remove_from_team(
    db: impl PgExecutor<'_>,
    case: CaseId,
    user: UserId,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "delete from case_team where case_id = $1 and user_id = $2",
        case as CaseId,
        user as UserId,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the user coordinates the case's plan or owns one of its open interventions: they
/// must hand that over before they leave the team.
pub async fn holds_responsibility(
    db: impl PgExecutor<'_>,
    case: CaseId,
    user: UserId,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select (exists (select 1 from action_plans p
                           where p.case_id = $1 and p.plan_coordinator_user_id = $2)
                   or exists (select 1 from interventions i
                              where i.case_id = $1 and i.owner_user_id = $2
                                and i.status in ('planned', 'active'))) as "held!""#,
        case as CaseId,
        user as UserId,
    )
    .fetch_one(db)
    .await
}

/// The people who may coordinate the plan or own an intervention: the municipality's active
/// coordinators and the case team, each of whom can open the case.
pub async fn case_workers(
    db: impl PgExecutor<'_>,
    case: CaseId,
    municipality: MunicipalityId,
) -> sqlx::Result<Vec<(UserId, String)>> {
    let rows = sqlx::query!(
        r#"select u.id as "id: UserId", u.name from users u
           where u.active
             and ((u.municipality_id = $2 and 'coordinator' = any (u.roles))
                  or exists (select 1 from case_team t where t.case_id = $1 and t.user_id = u.id))
           order by u.name"#,
        case as CaseId,
        municipality as MunicipalityId,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

// ---------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------

/// One row of the case list, with what its next deadline is computed from.
#[derive(Debug, Clone)]
pub struct CaseListRow {
    pub id: CaseId,
    pub municipality_id: MunicipalityId,
    pub reference: String,
    pub stage: Stage,
    pub subject_name: String,
    pub stage_changed_at: OffsetDateTime,
    /// The stage's next deadline: the screening deadline, the earliest review of an open
    /// intervention, or the next review after closing.
    pub next_deadline: Option<Date>,
    /// One of its concerns is a repeat (`concerns::is_repeat_subject`).
    pub repeat: bool,
}

/// The cases an actor may see: every case of `whole` (their coordinator's or police
/// district's municipalities) and, in `team_in`, the cases whose team they are on. Open cases
/// first, the most recently moved first.
pub async fn visible_cases(
    db: impl PgExecutor<'_>,
    whole: &[MunicipalityId],
    team_in: &[MunicipalityId],
    viewer: UserId,
    stage: Option<Stage>,
) -> sqlx::Result<Vec<CaseListRow>> {
    let whole: Vec<uuid::Uuid> = whole.iter().map(|m| m.0).collect();
    let team_in: Vec<uuid::Uuid> = team_in.iter().map(|m| m.0).collect();
    let rows = sqlx::query!(
        r#"select c.id as "id: CaseId", c.municipality_id as "municipality_id: MunicipalityId",
                  c.reference, c.stage as "stage: Stage", c.subject_name, c.stage_changed_at,
                  case c.stage
                      when 'screening' then c.screening_due
                      when 'closed' then (select min(p.due_date) from post_closure_reviews p
                                          where p.case_id = c.id and p.done_at is null)
                      else (select min(i.next_review_date) from interventions i
                            where i.case_id = c.id and i.status in ('planned', 'active'))
                  end as next_deadline,
                  exists (select 1 from concerns k where k.case_id = c.id and k.repeat) as "repeat!"
           from cases c
           where (c.municipality_id = any ($1)
                  or (c.municipality_id = any ($2)
                      and exists (select 1 from case_team t
                                  where t.case_id = c.id and t.user_id = $3)))
             and ($4::text is null or c.stage = $4)
           order by c.stage = 'closed', c.stage_changed_at desc, c.reference
           limit 1000"#,
        &whole,
        &team_in,
        viewer as UserId,
        stage.map(|s| s.as_str()),
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(CaseListRow {
                id: r.id,
                municipality_id: r.municipality_id,
                reference: r.reference,
                stage: r.stage,
                subject_name: r.subject_name,
                stage_changed_at: r.stage_changed_at,
                next_deadline: r.next_deadline,
                repeat: r.repeat,
            })
        })
        .collect()
}

/// One case waiting for the police's screening.
#[derive(Debug, Clone)]
pub struct ScreeningQueueRow {
    pub id: CaseId,
    pub municipality_id: MunicipalityId,
    pub reference: String,
    pub subject_name: String,
    pub subject_birth_date: Option<Date>,
    pub subject_approx_age: Option<i16>,
    pub sent_at: OffsetDateTime,
    pub due: Option<Date>,
}

/// Cases in screening in these municipalities, the longest-waiting first.
pub async fn screening_queue(
    db: impl PgExecutor<'_>,
    municipalities: &[MunicipalityId],
) -> sqlx::Result<Vec<ScreeningQueueRow>> {
    let ids: Vec<uuid::Uuid> = municipalities.iter().map(|m| m.0).collect();
    sqlx::query_as!(
        ScreeningQueueRow,
        r#"select c.id as "id: CaseId", c.municipality_id as "municipality_id: MunicipalityId",
                  c.reference, c.subject_name, c.subject_birth_date, c.subject_approx_age,
                  c.stage_changed_at as sent_at, c.screening_due as due
           from cases c
           where c.stage = 'screening' and c.municipality_id = any ($1)
           order by c.stage_changed_at, c.reference"#,
        &ids,
    )
    .fetch_all(db)
    .await
}

code_enum! {
    /// What a task on "Mine opgaver" asks of the user; computed by [`tasks`].
    pub enum TaskKind {
        Screening => "screening",
        SendToScreening => "send_to_screening",
        Triage => "triage",
        Assessment => "assessment",
        InterventionReview => "intervention_review",
        PlanReview => "plan_review",
        PostClosureReview => "post_closure_review",
    }
}

/// One thing waiting for a user, for "Mine opgaver".
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub kind: TaskKind,
    pub case_id: CaseId,
    pub reference: String,
    pub due: Option<Date>,
    /// The intervention type for an intervention's review.
    pub detail: Option<String>,
}

/// What waits for a user, overdue first, then by deadline. `coordinator_of` and `police_of`
/// come from the user's reach; reviews are listed from `horizon` days ahead.
pub async fn tasks(
    db: impl PgExecutor<'_>,
    user: UserId,
    coordinator_of: &[MunicipalityId],
    police_of: &[MunicipalityId],
    today: Date,
    horizon: Date,
) -> sqlx::Result<Vec<TaskRow>> {
    let coordinator_of: Vec<uuid::Uuid> = coordinator_of.iter().map(|m| m.0).collect();
    let police_of: Vec<uuid::Uuid> = police_of.iter().map(|m| m.0).collect();
    sqlx::query_as!(
        TaskRow,
        r#"select kind as "kind!: TaskKind", case_id as "case_id!: CaseId", reference as "reference!",
                  due, detail
           from (
               select 'screening' as kind, c.id as case_id, c.reference, c.screening_due as due,
                      null::text as detail
               from cases c
               where c.stage = 'screening' and c.municipality_id = any ($3)
               union all
               select case c.stage when 'received' then 'send_to_screening' else 'triage' end,
                      c.id, c.reference, null, null
               from cases c
               where c.stage in ('received', 'triage') and c.municipality_id = any ($2)
               union all
               select 'assessment', c.id, c.reference, null, null
               from cases c
               where c.stage = 'assessment'
                 and (c.municipality_id = any ($2)
                      or exists (select 1 from case_team t where t.case_id = c.id and t.user_id = $1))
               union all
               select 'intervention_review', c.id, c.reference, i.next_review_date, i.type_id
               from interventions i join cases c on c.id = i.case_id
               where i.owner_user_id = $1 and i.status in ('planned', 'active')
                 and c.stage in ('action_plan', 'follow_up') and i.next_review_date <= $5
                 and (c.municipality_id = any ($2)
                      or exists (select 1 from case_team t where t.case_id = c.id and t.user_id = $1))
               union all
               select 'plan_review', c.id, c.reference, min(i.next_review_date), null
               from action_plans p
               join cases c on c.id = p.case_id
               join interventions i on i.case_id = c.id and i.status in ('planned', 'active')
               where p.plan_coordinator_user_id = $1 and c.stage = 'follow_up'
                 and (c.municipality_id = any ($2)
                      or exists (select 1 from case_team t where t.case_id = c.id and t.user_id = $1))
               group by c.id, c.reference
               having min(i.next_review_date) <= $5
               union all
               select 'post_closure_review', c.id, c.reference, p.due_date, p.months::text
               from post_closure_reviews p join cases c on c.id = p.case_id
               where p.done_at is null and c.stage = 'closed' and c.municipality_id = any ($2)
                 and p.due_date <= $5
           ) t
           order by (due is not null and due < $4) desc, due nulls last, reference, kind"#,
        user as UserId,
        &coordinator_of,
        &police_of,
        today,
        horizon,
    )
    .fetch_all(db)
    .await
}

/// Concerns waiting in the coordinators' intake queues of these municipalities.
pub async fn intake_waiting(
    db: impl PgExecutor<'_>,
    municipalities: &[MunicipalityId],
) -> sqlx::Result<i64> {
    let ids: Vec<uuid::Uuid> = municipalities.iter().map(|m| m.0).collect();
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from concerns
           where status = 'received' and case_id is null and municipality_id = any ($1)"#,
        &ids,
    )
    .fetch_one(db)
    .await
}
