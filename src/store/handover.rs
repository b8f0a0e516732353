//! Handover: when someone leaves or changes job, everything they hold on cases still being
//! worked (open cases, and closed ones with a follow-up still to do) moves to a colleague in
//! one transaction: plan coordinatorships, open interventions with their reviews, and team
//! memberships.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::domain::ids::{CaseId, MunicipalityId, UserId};
use crate::domain::policy::Role;
use crate::domain::workflow::CaseEvent;

/// What a user holds on one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCase {
    pub case_id: CaseId,
    pub reference: String,
    /// They coordinate the case's action plan.
    pub plan: bool,
    /// Open interventions they own (each with its reviews).
    pub interventions: i64,
    /// Open actions from a meeting's minutes on the case, that they own.
    pub actions: i64,
    /// They are on the case team.
    pub team: bool,
}

/// Everything a user holds, case by case, by reference.
#[derive(Debug, Clone, Default)]
pub struct Holdings {
    pub cases: Vec<HeldCase>,
}

impl Holdings {
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    pub fn plans(&self) -> usize {
        self.cases.iter().filter(|c| c.plan).count()
    }

    pub fn interventions(&self) -> i64 {
        self.cases.iter().map(|c| c.interventions).sum()
    }

    /// Open actions from meetings' minutes, on case items.
    pub fn actions(&self) -> i64 {
        self.cases.iter().map(|c| c.actions).sum()
    }

    pub fn teams(&self) -> usize {
        self.cases.iter().filter(|c| c.team).count()
    }

    fn case_ids(&self) -> Vec<uuid::Uuid> {
        self.cases.iter().map(|c| c.case_id.0).collect()
    }
}

/// What `user` holds on cases still being worked; from the user's rows by index, never a scan
/// of the cases.
pub async fn holdings(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Holdings> {
    let cases = sqlx::query_as!(
        HeldCase,
        r#"select c.id as "case_id!: CaseId", c.reference as "reference!",
                  bool_or(h.what = 'plan') as "plan!",
                  count(*) filter (where h.what = 'intervention') as "interventions!",
                  count(*) filter (where h.what = 'action') as "actions!",
                  bool_or(h.what = 'team') as "team!"
           from (select p.case_id, 'plan' as what from action_plans p
                 where p.plan_coordinator_user_id = $1
                 union all
                 select i.case_id, 'intervention' from interventions i
                 where i.owner_user_id = $1 and i.status in ('planned', 'active')
                 union all
                 select i.case_id, 'action' from meeting_actions a
                 join meeting_items i on i.id = a.item_id
                 where a.owner_user_id = $1 and a.done_at is null and i.case_id is not null
                 union all
                 select t.case_id, 'team' from case_team t where t.user_id = $1) h
           join cases c on c.id = h.case_id
           where c.stage <> 'closed'
              or exists (select 1 from post_closure_reviews r
                         where r.case_id = c.id and r.done_at is null and r.cancelled_at is null)
           group by c.id, c.reference
           order by c.reference"#,
        user as UserId,
    )
    .fetch_all(db)
    .await?;
    Ok(Holdings { cases })
}

/// A colleague who may take over: active, of the municipality, a coordinator or a core-group
/// member (the people who may coordinate a plan or own an intervention).
#[derive(Debug, Clone)]
pub struct Successor {
    pub id: UserId,
    pub name: String,
    pub roles: Vec<Role>,
}

pub async fn successors(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    except: UserId,
) -> sqlx::Result<Vec<Successor>> {
    sqlx::query_as!(
        Successor,
        r#"select u.id as "id: UserId", u.name, u.roles as "roles: Vec<Role>"
           from users u
           where u.municipality_id = $1 and u.active and u.id <> $2
             and u.roles && array['coordinator', 'core_group']
           order by u.name, u.id"#,
        municipality as MunicipalityId,
        except as UserId,
    )
    .fetch_all(db)
    .await
}

/// Who leaves and who takes over.
#[derive(Debug, Clone)]
pub struct Handover<'a> {
    pub from: UserId,
    pub to: &'a Successor,
    pub by: UserId,
    pub at: OffsetDateTime,
    /// For each case's history: from whom to whom.
    pub note: String,
}

/// Moves everything `from` holds to `to`, with a history row on each case; returns what moved.
/// The successor joins the team of each case where the one leaving was on it, and, unless they
/// are a coordinator (who may hold plans and interventions on any case of the municipality),
/// of each case where they take over a plan or an intervention. Plans and interventions get a
/// new version, so a form opened before the handover cannot put the old owner back.
pub async fn hand_over(conn: &mut PgConnection, h: &Handover<'_>) -> sqlx::Result<Holdings> {
    let held = holdings(&mut *conn, h.from).await?;
    if held.is_empty() {
        return Ok(held);
    }
    let ids = held.case_ids();
    let to_coordinator = h.to.roles.contains(&Role::Coordinator);
    sqlx::query!(
        r#"insert into case_team (case_id, user_id, added_by, added_at)
           select t.case_id, $2, $3, $4
           from (select case_id from case_team where user_id = $1 and case_id = any ($5)
                 union
                 select case_id from action_plans
                 where not $6 and plan_coordinator_user_id = $1 and case_id = any ($5)
                 union
                 select case_id from interventions
                 where not $6 and owner_user_id = $1 and status in ('planned', 'active')
                   and case_id = any ($5)
                 union
                 select i.case_id from meeting_actions a join meeting_items i on i.id = a.item_id
                 where not $6 and a.owner_user_id = $1 and a.done_at is null
                   and i.case_id = any ($5)) t
           on conflict (case_id, user_id) do nothing"#,
        h.from as UserId,
        h.to.id as UserId,
        h.by as UserId,
        h.at,
        &ids,
        to_coordinator,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"update action_plans
           set plan_coordinator_user_id = $2, version = version + 1, updated_at = $3
           where plan_coordinator_user_id = $1 and case_id = any ($4)"#,
        h.from as UserId,
        h.to.id as UserId,
        h.at,
        &ids,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"update interventions
           set owner_user_id = $2, version = version + 1, updated_at = $3
           where owner_user_id = $1 and status in ('planned', 'active') and case_id = any ($4)"#,
        h.from as UserId,
        h.to.id as UserId,
        h.at,
        &ids,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"update meeting_actions a set owner_user_id = $2
           from meeting_items i
           where i.id = a.item_id and a.owner_user_id = $1 and a.done_at is null
             and i.case_id = any ($3)"#,
        h.from as UserId,
        h.to.id as UserId,
        &ids,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "delete from case_team where user_id = $1 and case_id = any ($2)",
        h.from as UserId,
        &ids,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"insert into case_history (case_id, occurred_at, actor_user_id, from_stage, to_stage,
                                     move, reason)
           select c.id, $2, $3, c.stage, c.stage, $4, $5
           from cases c where c.id = any ($1)"#,
        &ids,
        h.at,
        h.by as UserId,
        CaseEvent::HandedOver.as_str(),
        h.note,
    )
    .execute(&mut *conn)
    .await?;
    Ok(held)
}

/// Someone whose work may be handed over: a coordinator or core-group member of a
/// municipality, active or not (a deactivated user's work still waits for a successor).
#[derive(Debug, Clone)]
pub struct Leaver {
    pub id: UserId,
    pub name: String,
    pub municipality_id: MunicipalityId,
    pub active: bool,
}

/// The people of one municipality (`None`: every municipality, for admins) who can hold plans,
/// interventions or team places.
pub async fn leavers(
    db: impl PgExecutor<'_>,
    municipality: Option<MunicipalityId>,
) -> sqlx::Result<Vec<Leaver>> {
    sqlx::query_as!(
        Leaver,
        r#"select u.id as "id: UserId", u.name,
                  u.municipality_id as "municipality_id!: MunicipalityId", u.active
           from users u
           where u.municipality_id is not null
             and ($1::uuid is null or u.municipality_id = $1)
             and u.roles && array['coordinator', 'core_group']
           order by u.name, u.id"#,
        municipality as Option<MunicipalityId>,
    )
    .fetch_all(db)
    .await
}
