//! The lists: the cases a user may see, the police's screening queue and "Mine opgaver".

use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::Level;
use crate::domain::code::code_enum;
use crate::domain::ids::{CaseId, MeetingId, MeetingItemId, MunicipalityId, UserId};
use crate::domain::search::{self, CaseSearch};
use crate::domain::workflow::Stage;
use crate::store::paging::{self, After, Page};

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

/// Which cases of the list: the open ones (the default), all, or one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseFilter {
    #[default]
    Open,
    All,
    Stage(Stage),
}

/// Which cases the list shows, and in which order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseQuery {
    pub filter: CaseFilter,
    pub search: Option<CaseSearch>,
    /// Only cases assessed at this prevention level.
    pub level: Option<Level>,
    /// Only the viewer's own: the cases whose plan they coordinate, where they own an open
    /// intervention, or whose team they are on.
    pub mine: bool,
    /// Only cases whose next deadline is before this day (today: the overdue).
    pub due_before: Option<Date>,
    /// The case that has stood longest in its stage first, instead of the latest moved.
    pub oldest_first: bool,
}

/// A page of the cases an actor may see: every case of `whole` (their coordinator's or police
/// district's municipalities) and, in `team_in`, the cases whose team they are on. The most
/// recently moved first (or, asked, the longest in their stage); one page after `after`.
pub async fn visible_cases(
    db: impl PgExecutor<'_>,
    whole: &[MunicipalityId],
    team_in: &[MunicipalityId],
    viewer: UserId,
    which: &CaseQuery,
    after: Option<After>,
) -> sqlx::Result<Page<CaseListRow>> {
    let filter = which.filter;
    let (reference, cpr, birth_date, name) = match &which.search {
        Some(CaseSearch::Reference(r)) => (Some(r.as_str()), None, None, None),
        Some(CaseSearch::Cpr(c)) => (None, Some(c.as_str()), None, None),
        Some(CaseSearch::BirthDate(d)) => (None, None, Some(*d), None),
        Some(CaseSearch::Name(n)) => (None, None, None, Some(n.as_str())),
        None => (None, None, None, None),
    };
    let name_pattern = name.map(search::contains_pattern);
    let whole: Vec<uuid::Uuid> = whole.iter().map(|m| m.0).collect();
    let team_in: Vec<uuid::Uuid> = team_in.iter().map(|m| m.0).collect();
    let (open_only, stage) = match filter {
        CaseFilter::Open => (true, None),
        CaseFilter::All => (false, None),
        CaseFilter::Stage(s) => (false, Some(s)),
    };
    let rows = sqlx::query!(
        r#"select c.id as "id!: CaseId", c.municipality_id as "municipality_id!: MunicipalityId",
                  c.reference as "reference!", c.stage as "stage!: Stage",
                  c.subject_name as "subject_name!", c.stage_changed_at as "stage_changed_at!",
                  case when c.stage = 'screening' then c.screening_due
                       when c.stage = 'closed' then
                           (select min(p.due_date) from post_closure_reviews p
                            where p.case_id = c.id and p.done_at is null
                              and p.cancelled_at is null)
                       when c.stage in ('action_plan', 'follow_up') then
                           (select min(i.next_review_date) from interventions i
                            where i.case_id = c.id and i.status in ('planned', 'active'))
                  end as next_deadline,
                  -- A scalar subquery with a limit, not `exists`: PostgreSQL would hash every
                  -- repeat concern of the installation for `exists`, 78 ms at 300,000 cases
                  -- against 1.5 ms for one index probe per listed case.
                  coalesce((select true from concerns k where k.case_id = c.id and k.repeat limit 1),
                           false) as "repeat!"
           -- One ordered walk per municipality (`cases_municipality_list_idx`, or its open
           -- half), each stopping at a page, merged here: PostgreSQL 15 cannot keep an index's
           -- order across `municipality_id = any (...)`, and a walk of the whole installation's
           -- cases newest first passed over every other municipality's (3,195 rows to find 51
           -- at a million cases). The deadline and repeat probes above run for the page only.
           from (select distinct m from unnest($1::uuid[] || $2::uuid[]) as u(m)) ms
           cross join lateral (
               select c.id, c.municipality_id, c.reference, c.stage, c.subject_name,
                      c.stage_changed_at, c.screening_due
               from cases c
               -- The viewer's own cases are probed one case at a time (scalar subqueries,
               -- which PostgreSQL does not turn into a hash of every row of the user): a plan
               -- coordinator of ten years has tens of thousands of plans and teams, nearly all
               -- on closed cases, and hashing them cost 10-20 ms at 300,000 cases against
               -- about 1 ms for the probes.
               where c.municipality_id = ms.m
                 and (ms.m = any ($1)
                      or coalesce((select true from case_team t
                                   where t.case_id = c.id and t.user_id = $3), false))
                 and ($4::text is null or c.stage = $4)
                 and (not $5 or c.stage <> 'closed')
                 and c.purged_at is null
                 and ($6::timestamptz is null
                      or ($17 and (c.stage_changed_at, c.id) > ($6, $7))
                      or (not $17 and (c.stage_changed_at, c.id) < ($6, $7)))
                 and ($9::text is null or c.reference = $9)
                 and ($10::text is null or c.subject_cpr = $10)
                 and ($11::date is null or c.subject_birth_date = $11)
                 and ($12::text is null or c.subject_name % $12 or c.subject_name ilike $13)
                 and ($14::text is null or c.level = $14)
                 and (not $15
                      or (select p.plan_coordinator_user_id from action_plans p
                          where p.case_id = c.id) = $3
                      or coalesce((select true from interventions i
                                   where i.case_id = c.id and i.owner_user_id = $3
                                     and i.status in ('planned', 'active') limit 1), false)
                      or coalesce((select true from case_team t
                                   where t.case_id = c.id and t.user_id = $3), false))
                 and ($16::date is null
                      or (c.stage = 'screening' and c.screening_due < $16)
                      or (c.stage in ('action_plan', 'follow_up')
                          and exists (select 1 from interventions i
                                      where i.case_id = c.id and i.status in ('planned', 'active')
                                        and i.next_review_date < $16))
                      or (c.stage = 'closed'
                          and exists (select 1 from post_closure_reviews p
                                      where p.case_id = c.id and p.done_at is null
                                        and p.cancelled_at is null and p.due_date < $16)))
               order by case when $17 then c.stage_changed_at end asc,
                        case when $17 then c.id end asc,
                        case when not $17 then c.stage_changed_at end desc,
                        case when not $17 then c.id end desc
               limit $8
           ) c
           order by case when $17 then c.stage_changed_at end asc,
                    case when $17 then c.id end asc,
                    case when not $17 then c.stage_changed_at end desc,
                    case when not $17 then c.id end desc
           limit $8"#,
        &whole,
        &team_in,
        viewer as UserId,
        stage.map(|s| s.as_str()),
        open_only,
        after.map(|a| a.at),
        after.map(|a| a.id),
        paging::FETCH,
        reference,
        cpr,
        birth_date,
        name,
        name_pattern,
        which.level.map(|l| l.as_str()),
        which.mine,
        which.due_before,
        which.oldest_first,
    )
    .fetch_all(db)
    .await?;
    Ok(Page::of(
        rows.into_iter()
            .map(|r| CaseListRow {
                id: r.id,
                municipality_id: r.municipality_id,
                reference: r.reference,
                stage: r.stage,
                subject_name: r.subject_name,
                stage_changed_at: r.stage_changed_at,
                next_deadline: r.next_deadline,
                repeat: r.repeat,
            })
            .collect(),
    ))
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

/// Cases in screening in these municipalities, the longest-waiting first; one page after
/// `after`. The district's cases in screening (`cases_municipality_stage_idx`) are sorted for
/// the page: they are the open workload of the moment, never the history.
pub async fn screening_queue(
    db: impl PgExecutor<'_>,
    municipalities: &[MunicipalityId],
    after: Option<After>,
) -> sqlx::Result<Page<ScreeningQueueRow>> {
    let ids: Vec<uuid::Uuid> = municipalities.iter().map(|m| m.0).collect();
    let rows = sqlx::query_as!(
        ScreeningQueueRow,
        r#"select c.id as "id: CaseId", c.municipality_id as "municipality_id: MunicipalityId",
                  c.reference, c.subject_name, c.subject_birth_date, c.subject_approx_age,
                  c.stage_changed_at as sent_at, c.screening_due as due
           from cases c
           where c.stage = 'screening' and c.municipality_id = any ($1)
             and ($2::timestamptz is null or (c.stage_changed_at, c.id) > ($2, $3))
           order by c.stage_changed_at, c.id
           limit $4"#,
        &ids,
        after.map(|a| a.at),
        after.map(|a| a.id),
        paging::FETCH,
    )
    .fetch_all(db)
    .await?;
    Ok(Page::of(rows))
}

code_enum! {
    /// What a task on "Mine opgaver" asks of the user; computed by [`tasks`].
    pub enum TaskKind {
        Screening => "screening",
        SendToScreening => "send_to_screening",
        Triage => "triage",
        ConfirmTriage => "confirm_triage",
        Assessment => "assessment",
        InterventionReview => "intervention_review",
        PlanReview => "plan_review",
        PostClosureReview => "post_closure_review",
        /// The receipt of the plan's notification under Barnets lov, for its plan coordinator.
        NotificationReceipt => "notification_receipt",
        /// "Who does what by when" from a meeting's minutes, for the action's owner.
        MeetingAction => "meeting_action",
        /// The municipality's plan is due for its revision: the steering group and coordinators.
        PlanRevision => "plan_revision",
    }
}

/// One thing waiting for a user, for "Mine opgaver".
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub kind: TaskKind,
    /// Every task but a meeting's action on a general item concerns a case.
    pub case_id: Option<CaseId>,
    pub reference: String,
    pub due: Option<Date>,
    /// The intervention type for an intervention's review; a meeting action's description.
    pub detail: Option<String>,
    /// A meeting action's meeting and item.
    pub meeting_id: Option<MeetingId>,
    pub item_id: Option<MeetingItemId>,
}

/// Whose tasks, from where: the user's reach as coordinator and police, the day (what is before
/// it is overdue), how far ahead reviews are listed, and the municipality whose plan revision
/// the user takes part in, listed from `plan_horizon`.
#[derive(Debug, Clone, Copy)]
pub struct TaskScope<'a> {
    pub user: UserId,
    pub coordinator_of: &'a [MunicipalityId],
    pub police_of: &'a [MunicipalityId],
    pub today: Date,
    pub horizon: Date,
    pub plan_of: Option<MunicipalityId>,
    pub plan_horizon: Date,
}

/// What waits for a user, overdue first, then by deadline.
pub async fn tasks(db: impl PgExecutor<'_>, scope: TaskScope<'_>) -> sqlx::Result<Vec<TaskRow>> {
    let coordinator_of: Vec<uuid::Uuid> = scope.coordinator_of.iter().map(|m| m.0).collect();
    let police_of: Vec<uuid::Uuid> = scope.police_of.iter().map(|m| m.0).collect();
    sqlx::query_as!(
        TaskRow,
        r#"select kind as "kind!: TaskKind", case_id as "case_id: CaseId", reference as "reference!",
                  due, detail, meeting_id as "meeting_id: MeetingId",
                  item_id as "item_id: MeetingItemId"
           from (
               select 'screening' as kind, c.id as case_id, c.reference, c.screening_due as due,
                      null::text as detail, null::uuid as meeting_id, null::uuid as item_id
               from cases c
               where c.stage = 'screening' and c.municipality_id = any ($3)
               union all
               select case c.stage when 'received' then 'send_to_screening' else 'triage' end,
                      c.id, c.reference, null, null, null, null
               from cases c
               where c.stage in ('received', 'triage') and c.municipality_id = any ($2)
               union all
               select 'triage', c.id, c.reference, null, null, null, null
               from cases c
               where c.stage = 'triage' and c.municipality_id = any ($3)
               union all
               select 'confirm_triage', c.id, c.reference, d.object_by, null, null, null
               from triage_decisions d join cases c on c.id = d.case_id
               where d.police_user_id = $1 and d.by_phone and d.confirmed_at is null
                 and d.objected_at is null and c.municipality_id = any ($3)
               union all
               -- The assessments waiting: the municipality's for a coordinator, the team's
               -- otherwise, as two branches. One branch with an OR read every case in the
               -- stage in the installation (14 ms at 300,000 cases, against under 1 ms).
               select 'assessment', c.id, c.reference, null, null, null, null
               from cases c
               where c.stage = 'assessment' and c.municipality_id = any ($2)
               union all
               select 'assessment', c.id, c.reference, null, null, null, null
               from case_team t join cases c on c.id = t.case_id
               where t.user_id = $1 and c.stage = 'assessment'
                 and not (c.municipality_id = any ($2))
               union all
               select 'intervention_review', c.id, c.reference, i.next_review_date, i.type_id,
                      null, null
               from interventions i join cases c on c.id = i.case_id
               where i.owner_user_id = $1 and i.status in ('planned', 'active')
                 and c.stage in ('action_plan', 'follow_up') and i.next_review_date <= $5
                 and (c.municipality_id = any ($2)
                      or exists (select 1 from case_team t where t.case_id = c.id and t.user_id = $1))
               union all
               -- The plans the user coordinates on cases in follow-up with a review due, driven
               -- as coordinator from the municipality's open interventions due by the horizon
               -- (`interventions_municipality_review_idx`), never from every case in follow-up
               -- (1,900 cases and two probes each, 16 ms at a million cases) nor from every
               -- plan the user ever coordinated. The earliest due review is the case's earliest.
               -- Each case is looked up by its key (a lateral with `offset 0`): a join was
               -- planned as a hash of every case in follow-up in the installation.
               select 'plan_review', r.case_id, c.reference, r.due, null, null, null
               from (select i.case_id, min(i.next_review_date) as due
                     from interventions i
                     where i.municipality_id = any ($2) and i.status in ('planned', 'active')
                       and i.next_review_date <= $5
                     group by i.case_id) r
               cross join lateral (select c.reference from cases c
                                   where c.id = r.case_id and c.stage = 'follow_up'
                                   offset 0) c
               cross join lateral (select 1 from action_plans p
                                   where p.case_id = r.case_id
                                     and p.plan_coordinator_user_id = $1
                                   limit 1) p
               union all
               select 'plan_review', c.id, c.reference, r.due, null, null, null
               from case_team t
               join cases c on c.id = t.case_id
               cross join lateral (select 1 from action_plans p
                                   where p.case_id = c.id and p.plan_coordinator_user_id = $1
                                   limit 1) p
               cross join lateral (select min(i.next_review_date) as due from interventions i
                                   where i.case_id = c.id and i.status in ('planned', 'active')) r
               where t.user_id = $1 and c.stage = 'follow_up' and not (c.municipality_id = any ($2))
                 and r.due <= $5
               union all
               select 'post_closure_review', c.id, c.reference, p.due_date, p.months::text,
                      null, null
               from post_closure_reviews p join cases c on c.id = p.case_id
               where p.done_at is null and p.cancelled_at is null and c.stage = 'closed'
                 and c.municipality_id = any ($2)
                 and p.due_date <= $5
               union all
               -- Per plan a lookup of its case: a join here was planned as a parallel hash
               -- join over every case, whose workers alone cost 10 ms for no rows.
               select 'notification_receipt', p.case_id, c.reference, p.notification_receipt_due,
                      p.notification_authority, null, null
               from action_plans p
               cross join lateral (select c.reference from cases c
                                   where c.id = p.case_id and c.purged_at is null
                                   offset 0) c
               where p.plan_coordinator_user_id = $1 and p.notification_made
                 and p.notification_confirmed_at is null
               union all
               -- An action from a meeting's minutes, from the owner's open actions by due date.
               select 'meeting_action', i.case_id, coalesce(c.reference, 'generelt punkt'), a.due_date,
                      a.description, a.meeting_id, a.item_id
               from meeting_actions a
               join meeting_items i on i.id = a.item_id
               left join cases c on c.id = i.case_id
               where a.owner_user_id = $1 and a.done_at is null
               union all
               select 'plan_revision', null, m.name, p.next_revision, null, null, null
               from municipality_plans p join municipalities m on m.id = p.municipality_id
               where p.municipality_id = $6 and p.next_revision <= $7
           ) t
           order by (due is not null and due < $4) desc, due nulls last, reference, kind"#,
        scope.user as UserId,
        &coordinator_of,
        &police_of,
        scope.today,
        scope.horizon,
        scope.plan_of as Option<MunicipalityId>,
        scope.plan_horizon,
    )
    .fetch_all(db)
    .await
}
