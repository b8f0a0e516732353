//! A case's whole file in one statement: every part the case page and a person's access
//! request show, each built by PostgreSQL as a JSON array and read back into the part's own
//! type. One round trip instead of fifteen (one per part, two for the assessments' ratings and
//! the reviews' items), whatever the case holds.

use serde::Deserialize;
use sqlx::PgExecutor;
use time::OffsetDateTime;

use super::assessment::Assessment;
use super::closing::{Closing, PostClosureReview};
use super::disclosures::DisclosureRow;
use super::plan::{ActionPlan, Intervention};
use super::review::Review;
use super::screening::{Screening, Triage};
use super::{CaseAddendum, CaseConcern, HistoryEntry, TeamMember, TimelineEvent};
use crate::domain::ids::{CaseId, MeetingId};
use crate::domain::intake::AddendumReader;
use crate::domain::workflow::{CaseEvent, Stage};
use crate::store::concerns::HistoryAction;
use crate::store::json;

/// Everything recorded on a case, each part in the order its page lists it.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// Oldest first.
    pub concerns: Vec<CaseConcern>,
    /// The addenda the reader may see, oldest first.
    pub addenda: Vec<CaseAddendum>,
    /// By name.
    pub team: Vec<TeamMember>,
    pub screenings: Vec<Screening>,
    pub triages: Vec<Triage>,
    /// Oldest first, each with its ratings.
    pub assessments: Vec<Assessment>,
    pub plan: Option<ActionPlan>,
    /// In the order they were added.
    pub interventions: Vec<Intervention>,
    /// Newest first, each with its items.
    pub reviews: Vec<Review>,
    pub closings: Vec<Closing>,
    /// The reviews after the latest closing, by due date.
    pub post_closure: Vec<PostClosureReview>,
    /// The case's timeline and its concerns', oldest first (`HistoryEntry`).
    pub history: Vec<HistoryEntry>,
    pub disclosures: Vec<DisclosureRow>,
}

/// One entry of the timeline as the statement gives it: a step on the case or on a concern.
#[derive(Deserialize)]
struct TimelineRow {
    #[serde(with = "json::instant")]
    occurred_at: OffsetDateTime,
    actor_name: String,
    from_stage: Option<Stage>,
    to_stage: Option<Stage>,
    case_event: Option<CaseEvent>,
    concern_action: Option<HistoryAction>,
    reason: Option<String>,
    meeting_id: Option<MeetingId>,
}

impl TimelineRow {
    fn entry(self) -> Option<HistoryEntry> {
        let event = match (self.case_event, self.concern_action) {
            (Some(e), _) => TimelineEvent::Case(e),
            (None, Some(a)) => TimelineEvent::Concern(a),
            (None, None) => return None,
        };
        Some(HistoryEntry {
            occurred_at: self.occurred_at,
            actor_name: self.actor_name,
            from_stage: self.from_stage,
            to_stage: self.to_stage,
            event,
            reason: self.reason,
            meeting_id: self.meeting_id,
        })
    }
}

/// The case's file as `reader` may see its addenda. Each part is one `json_agg` over the
/// same rows and order the part's own page reads; the keys are the fields of its type.
pub async fn case_file(
    db: impl PgExecutor<'_>,
    case: CaseId,
    reader: AddendumReader,
) -> sqlx::Result<CaseFile> {
    let row = sqlx::query!(
        r#"select
             (select coalesce(json_agg(x order by x.filed_at, x.id), '[]')
              from (select k.id, k.filed_at, k.source,
                           coalesce(u.name, k.reporter_name) as reporter, un.name as unit_name,
                           k.kind, k.subject_connection, k.observation, k.observed_when,
                           k.observed_where, k.warning_signs, k.repeat
                    from concerns k
                    left join users u on u.id = k.reporter_user_id
                    left join units un on un.id = k.unit_id
                    where k.case_id = $1) x) as "concerns!",
             (select coalesce(json_agg(x order by x.created_at, x.id), '[]')
              from (select a.concern_id, a.created_at, u.name as author_name, a.kind, a.body,
                           a.id
                    from concern_addenda a
                    join concerns k on k.id = a.concern_id
                    join users u on u.id = a.author_user_id
                    where k.case_id = $1 and a.kind = any($2)) x) as "addenda!",
             (select coalesce(json_agg(x order by x.name), '[]')
              from (select u.id as user_id, u.name, u.email, t.added_at
                    from case_team t join users u on u.id = t.user_id
                    where t.case_id = $1) x) as "team!",
             (select coalesce(json_agg(x order by x.decided_at), '[]')
              from (select u.name as police_name, s.outcome, s.note, s.decided_at
                    from screenings s join users u on u.id = s.police_user_id
                    where s.case_id = $1) x) as "screenings!",
             (select coalesce(json_agg(x order by x.decided_at), '[]')
              from (select c.name as coordinator_name, p.name as police_name, t.outcome,
                           t.referred_to, t.note, t.decided_at,
                           pb.name as proposed_by_name, cb.name as confirmed_by_name,
                           t.confirmed_at, t.by_phone, t.object_by, t.objected_at, t.objection
                    from triage_decisions t
                    join users c on c.id = t.coordinator_user_id
                    join users p on p.id = t.police_user_id
                    join users pb on pb.id = t.proposed_by
                    left join users cb on cb.id = t.confirmed_by
                    where t.case_id = $1) x) as "triages!",
             (select coalesce(json_agg(x order by x.created_at, x.seq), '[]')
              from (select a.id, u.name as assessed_by_name, a.meeting_date, a.analysis_person,
                           a.analysis_network, a.analysis_ideology,
                           a.analysis_intent_capability, a.conclusion, a.level, a.created_at,
                           a.seq,
                           (select coalesce(json_agg(json_build_array(r.factor_id, r.rating)
                                                     order by r.factor_id), '[]')
                            from assessment_ratings r where r.assessment_id = a.id) as ratings
                    from assessments a join users u on u.id = a.assessed_by
                    where a.case_id = $1) x) as "assessments!",
             (select to_json(x)
              from (select p.plan_coordinator_user_id as plan_coordinator,
                           u.name as plan_coordinator_name, p.goals, p.notification_made,
                           p.notification_date, p.notification_authority,
                           p.notification_reason, p.notification_receipt_due,
                           p.notification_confirmed_at, p.updated_at
                    from action_plans p join users u on u.id = p.plan_coordinator_user_id
                    where p.case_id = $1) x) as "plan?",
             (select coalesce(json_agg(x order by x.created_at, x.id), '[]')
              from (select i.id, i.type_id, i.type_other, i.owner_user_id as owner,
                           u.name as owner_name, i.authority, i.legal_basis,
                           i.legal_basis_other, i.start_date, i.next_review_date, i.status,
                           i.ended_on, i.continues_with, i.created_at
                    from interventions i join users u on u.id = i.owner_user_id
                    where i.case_id = $1) x) as "interventions!",
             (select coalesce(json_agg(x order by x.reviewed_at desc, x.seq desc), '[]')
              from (select r.id, u.name as reviewed_by_name, r.reviewed_at, r.progress,
                           r.next_review_date, r.seq,
                           (select coalesce(json_agg(json_build_object(
                                       'intervention', i.intervention_id, 'status', i.status,
                                       'note', i.note)), '[]')
                            from review_items i where i.review_id = r.id) as items
                    from reviews r join users u on u.id = r.reviewed_by
                    where r.case_id = $1) x) as "reviews!",
             (select coalesce(json_agg(x order by x.closed_at, x.seq), '[]')
              from (select u.name as closed_by_name, c.reason, c.evaluation, c.closed_at, c.seq
                    from case_closings c join users u on u.id = c.closed_by
                    where c.case_id = $1) x) as "closings!",
             (select coalesce(json_agg(x order by x.due_date), '[]')
              from (select p.id, p.months, p.due_date, p.done_at, u.name as done_by_name, p.note
                    from post_closure_reviews p
                    left join users u on u.id = p.done_by
                    where p.case_id = $1 and p.cancelled_at is null
                      and p.closing_id = (select c.id from case_closings c where c.case_id = $1
                                          order by c.closed_at desc, c.seq desc limit 1)) x)
                 as "post_closure!",
             -- At the same moment the case's own entry comes first.
             (select coalesce(json_agg(x order by x.occurred_at, x.source, x.seq), '[]')
              from (select h.occurred_at, u.name as actor_name, h.from_stage, h.to_stage,
                           h.move as case_event, null::text as concern_action, h.reason,
                           h.meeting_id, 0 as source, h.id as seq
                    from case_history h join users u on u.id = h.actor_user_id
                    where h.case_id = $1
                    union all
                    select ch.occurred_at, coalesce(u.name, k.reporter_name, 'Borger'), null,
                           null, null, ch.action, ch.reason, null, 1, ch.id
                    from concern_history ch
                    join concerns k on k.id = ch.concern_id
                    left join users u on u.id = ch.actor_user_id
                    where k.case_id = $1) x) as "history!",
             (select coalesce(json_agg(x order by x.disclosed_on, x.recorded_at), '[]')
              from (select d.disclosed_on, d.recipient, d.content, d.legal_basis as basis,
                           d.legal_basis_other as basis_other, u.name as recorded_by_name,
                           d.recorded_at
                    from disclosures d join users u on u.id = d.recorded_by
                    where d.case_id = $1) x) as "disclosures!""#,
        case as CaseId,
        &reader.visible_kinds(),
    )
    .fetch_one(db)
    .await?;
    let history: Vec<TimelineRow> = json::parse(row.history)?;
    Ok(CaseFile {
        concerns: json::parse(row.concerns)?,
        addenda: json::parse(row.addenda)?,
        team: json::parse(row.team)?,
        screenings: json::parse(row.screenings)?,
        triages: json::parse(row.triages)?,
        assessments: json::parse(row.assessments)?,
        plan: row.plan.map(json::parse).transpose()?,
        interventions: json::parse(row.interventions)?,
        reviews: json::parse(row.reviews)?,
        closings: json::parse(row.closings)?,
        post_closure: json::parse(row.post_closure)?,
        history: history.into_iter().filter_map(TimelineRow::entry).collect(),
        disclosures: json::parse(row.disclosures)?,
    })
}
