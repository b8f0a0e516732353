//! The case page's view of each part of the case: what the template shows, built from the
//! store's rows, and the actions open to the viewer.

use time::{Date, OffsetDateTime};

use super::super::Loaded;
use crate::domain::calendar::{format_date_da, format_datetime_da};
use crate::domain::catalogue::{self, Rating};
use crate::domain::workflow::{self, Stage};
use crate::store::cases::{self as store, TimelineEvent, assessment, closing, plan, screening};
use crate::store::concerns::HistoryAction;

pub(super) struct ConcernView {
    pub(super) filed_at: OffsetDateTime,
    pub(super) source: &'static str,
    pub(super) reporter: Option<String>,
    pub(super) unit_name: Option<String>,
    pub(super) kind: &'static str,
    pub(super) subject_connection: Option<String>,
    pub(super) observation: String,
    pub(super) observed_when: Option<String>,
    pub(super) observed_where: Option<String>,
    pub(super) signs: Vec<&'static str>,
    pub(super) addenda: Vec<AddendumView>,
}

pub(super) struct AddendumView {
    pub(super) created_at: OffsetDateTime,
    pub(super) author: String,
    pub(super) kind: &'static str,
    pub(super) body: String,
}

pub(super) struct ScreeningView {
    pub(super) decided_at: OffsetDateTime,
    pub(super) police_name: String,
    pub(super) outcome: &'static str,
    pub(super) not_for_infohus: bool,
    pub(super) note: Option<String>,
}

pub(super) struct TriageView {
    pub(super) outcome: &'static str,
    pub(super) referred_to: Option<String>,
    pub(super) note: Option<String>,
    /// Who proposed and who confirmed, when; or the phone agreement and its answer.
    pub(super) agreed: String,
    pub(super) objection: Option<String>,
}

impl TriageView {
    pub(super) fn of(t: screening::Triage) -> TriageView {
        let agreed = if t.by_phone {
            let answer = match (
                &t.confirmed_by_name,
                t.confirmed_at,
                t.objected_at,
                t.object_by,
            ) {
                (Some(by), Some(at), _, _) => {
                    format!("bekræftet af {by} {}", format_datetime_da(at))
                }
                (_, _, Some(at), _) => format!(
                    "{} gjorde indsigelse {}",
                    t.police_name,
                    format_datetime_da(at)
                ),
                (_, _, _, Some(last)) => format!(
                    "afventer bekræftelse fra {} (indsigelse senest {})",
                    t.police_name,
                    format_date_da(last)
                ),
                _ => String::new(),
            };
            format!(
                "Aftalt telefonisk af {} med {}, {}; {answer}",
                t.coordinator_name,
                t.police_name,
                format_datetime_da(t.decided_at)
            )
        } else {
            format!(
                "Foreslået af {}, bekræftet af {} {}",
                t.proposed_by_name,
                t.confirmed_by_name.as_deref().unwrap_or_default(),
                format_datetime_da(t.confirmed_at.unwrap_or(t.decided_at))
            )
        };
        TriageView {
            outcome: t.outcome.label(),
            referred_to: t.referred_to,
            note: t.note,
            agreed,
            objection: t.objection,
        }
    }
}

pub(super) struct RatingView {
    pub(super) label: &'static str,
    pub(super) kind: &'static str,
    pub(super) rating: &'static str,
    pub(super) notable: bool,
}

pub(super) struct ChangeView {
    pub(super) label: &'static str,
    pub(super) before: &'static str,
    pub(super) after: &'static str,
}

pub(super) struct AssessmentView {
    pub(super) meeting_date: Date,
    pub(super) assessed_by: String,
    pub(super) conclusion: &'static str,
    pub(super) level: Option<&'static str>,
    pub(super) analyses: Vec<(&'static str, String)>,
    pub(super) ratings: Vec<RatingView>,
    /// `None` for the first assessment.
    pub(super) changes: Option<Vec<ChangeView>>,
    pub(super) previous_conclusion: Option<String>,
    pub(super) earlier: usize,
}

pub(super) struct PlanView {
    pub(super) plan_coordinator: String,
    pub(super) goals: String,
    pub(super) notification: Option<String>,
    /// The notification's receipt is not confirmed and its six working days have passed.
    pub(super) receipt_overdue: bool,
}

pub(crate) struct InterventionView {
    pub id: String,
    pub type_label: String,
    pub owner: String,
    pub authority: String,
    pub legal_basis: String,
    pub start_date: Date,
    pub next_review_date: Date,
    pub status: String,
    pub overdue: bool,
}

impl InterventionView {
    pub fn of(i: &plan::Intervention, today: time::Date) -> InterventionView {
        InterventionView {
            id: i.id.to_string(),
            type_label: intervention_label(&i.type_id, i.type_other.as_deref()),
            owner: i.owner_name.clone(),
            authority: i.authority.clone(),
            legal_basis: match (&i.legal_basis, &i.legal_basis_other) {
                (catalogue::LegalBasis::Other, Some(named)) => named.clone(),
                (b, _) => b.label().to_owned(),
            },
            start_date: i.start_date,
            next_review_date: i.next_review_date,
            status: match (&i.ended_on, &i.continues_with) {
                (Some(d), _) => format!("{} {}", i.status.label(), format_date_da(*d)),
                (_, Some(by)) => format!("{} ({by})", i.status.label()),
                _ => i.status.label().to_owned(),
            },
            overdue: i.review_overdue(today),
        }
    }
}

/// The intervention type's label, or the name given for "other".
pub(crate) fn intervention_label(type_id: &str, other: Option<&str>) -> String {
    match (catalogue::intervention_type(type_id), other) {
        (_, Some(named)) => named.to_owned(),
        (Some(t), None) => t.label.to_owned(),
        (None, None) => type_id.to_owned(),
    }
}

pub(super) struct ReviewView {
    pub(super) reviewed_at: OffsetDateTime,
    pub(super) reviewed_by: String,
    pub(super) progress: String,
    pub(super) next_review_date: Option<Date>,
    pub(super) items: Vec<(String, &'static str, Option<String>)>,
}

pub(super) struct ClosingView {
    pub(super) closed_at: OffsetDateTime,
    pub(super) closed_by: String,
    pub(super) reason: &'static str,
    pub(super) evaluation: Option<String>,
}

pub(super) struct PostClosureView {
    pub(super) href: Option<String>,
    pub(super) months: i32,
    pub(super) due_date: Date,
    pub(super) overdue: bool,
    pub(super) done: Option<String>,
    pub(super) note: Option<String>,
}

pub(super) struct HistoryView {
    pub(super) at: OffsetDateTime,
    pub(super) actor: String,
    pub(super) label: String,
    pub(super) stages: Option<String>,
    pub(super) reason: Option<String>,
    /// The meeting the entry was recorded at.
    pub(super) meeting_href: Option<String>,
}

/// What a timeline entry says happened, in Danish.
pub(crate) fn timeline_label(h: &store::HistoryEntry) -> String {
    match h.event {
        TimelineEvent::Case(e) => e.label().to_owned(),
        // A reason on the filing is why the reporter sent it past their leader.
        TimelineEvent::Concern(a) => match a {
            HistoryAction::Filed if h.reason.is_some() => {
                "Bekymring indberettet og sendt direkte til Infohus"
            }
            HistoryAction::Filed => "Bekymring indberettet",
            HistoryAction::Returned => "Bekymring sendt tilbage til indberetter med et spørgsmål",
            HistoryAction::Resubmitted => {
                "Spørgsmålet er besvaret, og bekymringen er sendt til lederen igen"
            }
            HistoryAction::Forwarded => "Bekymring sendt videre til Infohus af lederen",
            HistoryAction::Linked => "Bekymring knyttet til sagen",
        }
        .to_owned(),
    }
}

impl HistoryView {
    pub(super) fn of(h: store::HistoryEntry) -> HistoryView {
        let label = timeline_label(&h);
        HistoryView {
            at: h.occurred_at,
            actor: h.actor_name,
            label,
            stages: match (h.from_stage, h.to_stage) {
                (Some(from), Some(to)) if from != to => {
                    Some(format!("{} → {}", from.label(), to.label()))
                }
                _ => None,
            },
            reason: h.reason,
            meeting_href: h.meeting_id.map(|m| format!("/moeder/{m}")),
        }
    }
}

/// The stage's next deadline and whether it has passed.
pub(super) fn next_deadline(
    loaded: &Loaded,
    interventions: &[plan::Intervention],
    post_closure: &[closing::PostClosureReview],
    today: time::Date,
) -> (Option<String>, bool) {
    let due = match loaded.case.stage {
        Stage::Screening => loaded.case.screening_due,
        Stage::ActionPlan | Stage::FollowUp => interventions
            .iter()
            .filter(|i| i.is_open())
            .map(|i| i.next_review_date)
            .min(),
        Stage::Closed => post_closure
            .iter()
            .filter(|p| p.done_at.is_none())
            .map(|p| p.due_date)
            .min(),
        Stage::Received | Stage::Triage | Stage::Assessment => None,
    };
    let what = match loaded.case.stage {
        Stage::Screening => "Politiets screening senest",
        Stage::Closed => "Opfølgning efter afslutning senest",
        _ => "Næste opfølgning senest",
    };
    match due {
        Some(d) => (Some(format!("{what} {}", format_date_da(d))), d < today),
        None => (None, false),
    }
}

pub(super) fn rating_label(r: Option<Rating>) -> &'static str {
    r.map_or("ikke vurderet", Rating::label)
}

pub(super) fn assessment_view(all: &[assessment::Assessment]) -> Option<AssessmentView> {
    let latest = all.last()?;
    let previous = all.len().checked_sub(2).and_then(|i| all.get(i));
    let find = |id: &str| {
        latest
            .ratings
            .iter()
            .find(|(f, _)| f == id)
            .map(|&(_, r)| r)
    };
    Some(AssessmentView {
        meeting_date: latest.meeting_date,
        assessed_by: latest.assessed_by_name.clone(),
        conclusion: latest.conclusion.label(),
        level: latest.level.map(|l| l.label()),
        analyses: vec![
            (
                catalogue::Dimension::Person.label(),
                latest.analysis_person.clone(),
            ),
            (
                catalogue::Dimension::Network.label(),
                latest.analysis_network.clone(),
            ),
            (
                catalogue::Dimension::Ideology.label(),
                latest.analysis_ideology.clone(),
            ),
            (
                catalogue::Dimension::IntentCapability.label(),
                latest.analysis_intent_capability.clone(),
            ),
        ],
        ratings: catalogue::ASSESSMENT_FACTORS
            .iter()
            .map(|f| {
                let r = find(f.id);
                RatingView {
                    label: f.label,
                    kind: f.kind.singular(),
                    rating: rating_label(r),
                    notable: matches!(r, Some(Rating::Some | Rating::Marked)),
                }
            })
            .collect(),
        changes: previous.map(|p| {
            workflow::rating_changes(&p.ratings, &latest.ratings)
                .into_iter()
                .map(|c| ChangeView {
                    label: c.factor.label,
                    before: rating_label(c.before),
                    after: rating_label(c.after),
                })
                .collect()
        }),
        previous_conclusion: previous.and_then(|p| {
            (p.conclusion != latest.conclusion || p.level != latest.level).then(|| {
                let level = p
                    .level
                    .map(|l| format!(" ({})", l.label()))
                    .unwrap_or_default();
                format!("{}{level}", p.conclusion.label())
            })
        }),
        earlier: all.len() - 1,
    })
}
