//! "Mine opgaver": what waits for the signed-in user, overdue first, for the home page: the
//! steps on cases, and before that a question from the leader to answer or concerns waiting
//! in the leader's inbox.

use super::reach_of;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::today_copenhagen;
use crate::domain::policy::{self, Capability};
use crate::error::AppResult;
use crate::store::cases::{self as store, TaskKind};
use crate::store::concerns;

/// Reviews show up this many days before they are due.
const REVIEW_HORIZON_DAYS: i64 = 14;

/// The plan's revision shows up this long before it is due: a steering group meets quarterly.
const PLAN_HORIZON_DAYS: i64 = 60;

#[derive(Debug, Clone)]
pub struct TaskView {
    pub kind: TaskKind,
    pub href: String,
    pub label: String,
    pub reference: String,
    pub due: Option<time::Date>,
    pub overdue: bool,
}

/// One of the user's own concerns, sent back to them with a question.
#[derive(Debug, Clone)]
pub struct ReturnedView {
    pub href: String,
    /// The day it was filed, in Copenhagen.
    pub filed: time::Date,
}

#[derive(Debug, Clone, Default)]
pub struct Tasks {
    pub items: Vec<TaskView>,
    /// Concerns waiting in the coordinator's intake queue.
    pub intake_waiting: i64,
    /// Concerns waiting in the leader's inbox.
    pub inbox_waiting: i64,
    /// The user's own concerns sent back to them with a question.
    pub returned: Vec<ReturnedView>,
    /// Tasks beyond the ones listed, counted: a long list hides what is urgent.
    pub more: usize,
}

/// How many tasks the home page lists; the most urgent come first.
pub const ON_HOME: usize = 15;

/// How many the full task page lists: more than anyone can act on in a day, still bounded.
pub const ON_PAGE: usize = 500;

impl Tasks {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
            && self.intake_waiting == 0
            && self.inbox_waiting == 0
            && self.returned.is_empty()
    }
}

/// The kinds of task "Mine opgaver" filters by, as the address names them (`?art=`), each with
/// its label and the steps it gathers.
pub const KINDS: &[(&str, &str, &[TaskKind])] = &[
    (
        "screening",
        "Screening",
        &[TaskKind::SendToScreening, TaskKind::Screening],
    ),
    (
        "faelles-vurdering",
        "Fælles vurdering",
        &[TaskKind::Triage, TaskKind::ConfirmTriage],
    ),
    ("vurdering", "Analyse og vurdering", &[TaskKind::Assessment]),
    ("moeder", "Opgaver fra møder", &[TaskKind::MeetingAction]),
    (
        "opfoelgning",
        "Opfølgning",
        &[
            TaskKind::InterventionReview,
            TaskKind::PlanReview,
            TaskKind::PostClosureReview,
            TaskKind::NotificationReceipt,
        ],
    ),
];

/// The task kinds of a filter's name; `None` for all (an unknown name included).
pub fn kinds_of(name: &str) -> Option<&'static [TaskKind]> {
    KINDS
        .iter()
        .find(|(n, ..)| *n == name.trim())
        .map(|(_, _, kinds)| *kinds)
}

fn label(kind: TaskKind, detail: Option<&str>) -> String {
    match kind {
        TaskKind::Screening => "Politiets screening".to_owned(),
        TaskKind::SendToScreening => "Send til politiets screening".to_owned(),
        TaskKind::Triage => "Fælles vurdering".to_owned(),
        TaskKind::ConfirmTriage => "Bekræft telefonisk aftalt fælles vurdering".to_owned(),
        TaskKind::Assessment => "Analyse og vurdering i kernegruppen".to_owned(),
        TaskKind::InterventionReview => format!(
            "Opfølgning på din indsats: {}",
            super::show::intervention_label(detail.unwrap_or(""), None)
        ),
        TaskKind::PlanReview => "Opfølgning på handleplanen, som du koordinerer".to_owned(),
        TaskKind::PostClosureReview => format!(
            "Opfølgning {} måneder efter afslutning",
            detail.unwrap_or("")
        ),
        TaskKind::NotificationReceipt => format!(
            "Bekræft, at underretningen til {} er modtaget",
            detail.unwrap_or("myndigheden")
        ),
        TaskKind::MeetingAction => format!("Opgave fra mødet: {}", detail.unwrap_or("")),
        TaskKind::PlanRevision => "Revidér beredskabsplanen".to_owned(),
    }
}

/// The user's tasks: one query for the steps on cases (and a meeting's actions), one for what
/// waits in the concern flow before Infohus.
pub async fn for_user(state: &AppState, current: &CurrentUser, shown: usize) -> AppResult<Tasks> {
    // Before Infohus: a question from the leader to answer, concerns waiting in the inbox, and
    // for coordinators the intake queue.
    let inbox_of = current
        .user
        .unit_id
        .filter(|_| policy::may(&current.user.actor(), Capability::LeaderInbox));
    let reach = reach_of(state, current);
    let waiting = concerns::waiting_for(
        &state.db,
        current.user.id,
        inbox_of,
        &reach.as_coordinator,
        i64::try_from(shown).unwrap_or(i64::MAX),
    )
    .await?;
    let returned = waiting
        .returned
        .into_iter()
        .map(|(id, filed)| ReturnedView {
            href: format!("/bekymringer/{id}"),
            filed: today_copenhagen(filed),
        })
        .collect();
    // The steering group and the coordinators revise the municipality's plan.
    let plan_of = current
        .user
        .municipality_id
        .filter(|_| policy::may(&current.user.actor(), Capability::PlanRevision));
    if reach.is_empty() && plan_of.is_none() {
        return Ok(Tasks {
            inbox_waiting: waiting.inbox,
            returned,
            ..Tasks::default()
        });
    }
    let today = today_copenhagen(state.clock.now());
    let horizon = today + time::Duration::days(REVIEW_HORIZON_DAYS);
    let rows = store::tasks(
        &state.db,
        store::TaskScope {
            user: current.user.id,
            coordinator_of: &reach.as_coordinator,
            police_of: &reach.as_police,
            today,
            horizon,
            plan_of,
            plan_horizon: today + time::Duration::days(PLAN_HORIZON_DAYS),
        },
    )
    .await?;
    let intake_waiting = waiting.intake;
    let mut items: Vec<TaskView> = rows
        .into_iter()
        .map(|r| TaskView {
            kind: r.kind,
            href: match (r.kind, r.case_id, r.meeting_id) {
                (TaskKind::PlanRevision, ..) => "/beredskabsplan".to_owned(),
                (TaskKind::MeetingAction, _, Some(meeting)) => format!(
                    "/moeder/{meeting}#punkt-{}",
                    r.item_id.map(|i| i.to_string()).unwrap_or_default()
                ),
                (TaskKind::Screening, Some(case), _) => format!("/sager/{case}/screening"),
                (TaskKind::Triage, Some(case), _) => format!("/sager/{case}/faelles-vurdering"),
                (TaskKind::ConfirmTriage, Some(case), _) => {
                    format!("/sager/{case}/faelles-vurdering/bekraeft")
                }
                (_, Some(case), _) => format!("/sager/{case}"),
                (_, None, _) => "/moeder".to_owned(),
            },
            label: label(r.kind, r.detail.as_deref()),
            reference: r.reference,
            due: r.due,
            overdue: r.due.is_some_and(|d| d < today),
        })
        .collect();
    let more = items.len().saturating_sub(shown);
    items.truncate(shown);
    Ok(Tasks {
        items,
        intake_waiting,
        inbox_waiting: waiting.inbox,
        returned,
        more,
    })
}
