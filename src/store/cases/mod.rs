//! The case aggregate's storage, in one place: opening a case (`open`), the version-checked
//! change with its history row (`change`), the case as its page reads it (here) and its whole file
//! in one statement (`case_file`), the team, the
//! lists (cases, screening queue, my tasks), and what each step records (the public
//! submodules).

mod case_file;
mod change;
mod lists;
mod open;
mod team;
pub use case_file::{CaseFile, case_file};
pub use change::{Change, LevelChange, apply};
pub use lists::{
    CaseFilter, CaseListRow, CaseQuery, ScreeningQueueRow, TaskKind, TaskRow, TaskScope,
    screening_queue, tasks, visible_cases,
};
pub use open::{
    CaseBrief, CaseCandidate, NewCase, OpenCaseError, brief_by_cpr, brief_by_reference,
    candidates_for_concern, mark_linked, open, set_details,
};
pub use team::{
    TeamMember, add_to_team, case_workers, holds_responsibility, remove_from_team, team,
};

pub mod assessment;
pub mod closing;
pub mod disclosures;
pub mod plan;
pub mod review;
pub mod screening;

use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::ConcernKind;
use crate::domain::catalogue::{CloseReason, Level};
use crate::domain::ids::{CaseId, ConcernId, MunicipalityId, UserId};
use crate::domain::intake::{AddendumKind, ConcernSource};
use crate::domain::workflow::{CaseEvent, JointTriage, Stage, TriageOutcome, TriageSide};
use crate::store::concerns::HistoryAction;

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
    /// Name and address protection: see [`crate::domain::policy::may_see_protected_address`].
    pub subject_address_protected: bool,
    /// The authority's own journal number (ESDH), so Infohus refers to its records.
    pub journal_number: Option<String>,
    /// A closed case: when the purge deletes it (`store::retention`).
    pub deletion_due: Option<Date>,
    pub level: Option<Level>,
    pub close_reason: Option<CloseReason>,
    pub opened_at: OffsetDateTime,
    pub stage_changed_at: OffsetDateTime,
    pub screening_due: Option<Date>,
    pub closed_at: Option<OffsetDateTime>,
    /// Whether the viewer the case was read for is on its team.
    pub viewer_on_team: bool,
    /// The joint triage as the viewer meets it.
    pub triage: JointTriage,
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
                  c.subject_address, c.subject_address_protected, c.journal_number,
                  (select r.due from case_retention r where r.case_id = c.id) as deletion_due,
                  c.level as "level: Level",
                  c.close_reason as "close_reason: CloseReason", c.opened_at, c.stage_changed_at, c.screening_due,
                  c.closed_at,
                  exists (select 1 from case_team t where t.case_id = c.id and t.user_id = $2)
                      as "viewer_on_team!",
                  p.side as "proposed_by_side?: TriageSide",
                  p.outcome as "proposed_outcome?: TriageOutcome",
                  (select max(d.object_by) from triage_decisions d
                   where d.case_id = c.id and d.police_user_id = $2 and d.by_phone
                     and d.confirmed_at is null and d.objected_at is null) as viewer_to_confirm,
                  exists (select 1 from triage_decisions d
                          join case_history h on h.case_id = d.case_id
                                             and h.occurred_at > d.decided_at
                                             and h.from_stage is distinct from h.to_stage
                          where d.case_id = c.id and d.police_user_id = $2 and d.by_phone
                            and d.confirmed_at is null and d.objected_at is null)
                      as "moved_since!"
           from cases c
           left join triage_proposals p on p.case_id = c.id and p.settled_at is null
           where c.id = $1 and c.purged_at is null"#,
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
        subject_address_protected: r.subject_address_protected,
        journal_number: r.journal_number,
        deletion_due: r.deletion_due,
        level: r.level,
        close_reason: r.close_reason,
        opened_at: r.opened_at,
        stage_changed_at: r.stage_changed_at,
        screening_due: r.screening_due,
        closed_at: r.closed_at,
        viewer_on_team: r.viewer_on_team,
        triage: JointTriage {
            pending: r.proposed_by_side.zip(r.proposed_outcome),
            viewer_to_confirm: r.viewer_to_confirm,
            moved_since: r.moved_since,
        },
    }))
}

/// What an entry of the case's timeline records: a step on the case, or something that
/// happened to one of its concerns before or as it joined the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineEvent {
    Case(CaseEvent),
    Concern(HistoryAction),
}

#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub occurred_at: OffsetDateTime,
    pub actor_name: String,
    pub from_stage: Option<Stage>,
    pub to_stage: Option<Stage>,
    pub event: TimelineEvent,
    pub reason: Option<String>,
    /// The meeting the entry was recorded at.
    pub meeting_id: Option<crate::domain::ids::MeetingId>,
}

/// A concern of the case as the case page shows it (read-only: filed concerns never change).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct CaseConcern {
    pub id: ConcernId,
    #[serde(with = "crate::store::json::instant")]
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

#[derive(Debug, Clone, serde::Deserialize)]
pub struct CaseAddendum {
    pub concern_id: ConcernId,
    #[serde(with = "crate::store::json::instant")]
    pub created_at: OffsetDateTime,
    pub author_name: String,
    pub kind: AddendumKind,
    pub body: String,
}
