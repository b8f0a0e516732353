//! What the coordinator is offered for the agenda, computed in SQL: the municipality's cases
//! awaiting the joint triage or the assessment, those with a review falling due before the
//! meeting, those with an overdue intervention, and those that received a concern since the
//! last meeting. Cases already on the agenda are left out.

use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};

use crate::domain::code::code_enum;
use crate::domain::ids::{CaseId, MeetingId, MunicipalityId};
use crate::domain::workflow::Stage;

code_enum! {
    /// Why a case is suggested.
    #[derive(PartialOrd, Ord)]
    pub enum Reason {
        Awaiting => ("awaiting", "Venter på fælles vurdering eller analyse og vurdering"),
        ReviewDue => ("review_due", "Opfølgning falder inden mødet"),
        Overdue => ("overdue", "Indsats med overskredet opfølgning"),
        NewConcern => ("new_concern", "Ny bekymring siden sidste møde"),
    }
}

#[derive(Debug, Clone)]
pub struct Suggestion {
    pub case_id: CaseId,
    pub reference: String,
    pub stage: Stage,
    pub reasons: Vec<Reason>,
}

/// The suggestions for `meeting` of `municipality` on `meeting_day`, with `today` for what is
/// overdue; a concern counts as new when it was filed after the municipality's previous
/// meeting began (or in the 31 days before this one, for the first meeting).
pub async fn for_meeting(
    db: impl PgExecutor<'_>,
    meeting: MeetingId,
    municipality: MunicipalityId,
    meeting_starts: OffsetDateTime,
    meeting_day: Date,
    today: Date,
) -> sqlx::Result<Vec<Suggestion>> {
    let rows = sqlx::query!(
        r#"with since as (
               select coalesce(
                   (select max(p.starts_at) from meetings p
                    where p.municipality_id = $2 and p.starts_at < $3 and p.id <> $1),
                   $3 - interval '31 days') as at
           ), s as (
               select c.id, 'awaiting' as why from cases c
               where c.municipality_id = $2 and c.stage in ('triage', 'assessment')
               union all
               select i.case_id,
                      case when i.next_review_date < $5 then 'overdue' else 'review_due' end
               from interventions i join cases c on c.id = i.case_id
               where c.municipality_id = $2 and c.stage in ('action_plan', 'follow_up')
                 and i.status in ('planned', 'active') and i.next_review_date <= $4
               union all
               select k.case_id, 'new_concern' from concerns k, since
               where k.municipality_id = $2 and k.case_id is not null and k.filed_at >= since.at
                 and k.filed_at < $3
           )
           select c.id as "id: CaseId", c.reference, c.stage as "stage: Stage",
                  array_agg(distinct s.why) as "reasons!"
           from s join cases c on c.id = s.id
           where c.stage <> 'closed' and c.purged_at is null
             and not exists (select 1 from meeting_items mi
                             where mi.meeting_id = $1 and mi.case_id = c.id)
           group by c.id, c.reference, c.stage
           order by c.reference"#,
        meeting as MeetingId,
        municipality as MunicipalityId,
        meeting_starts,
        meeting_day,
        today,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Suggestion {
            case_id: r.id,
            reference: r.reference,
            stage: r.stage,
            reasons: Reason::ALL
                .into_iter()
                .filter(|reason| r.reasons.iter().any(|w| w == reason.as_str()))
                .collect(),
        })
        .collect())
}
