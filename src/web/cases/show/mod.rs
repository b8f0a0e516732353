//! One case: the person, the concerns, the stage and its next deadline, the team, what each
//! step recorded, the whole history, and the actions open to the viewer now.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use time::{Date, OffsetDateTime};

use super::{Loaded, load};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, format_datetime_da, today_copenhagen};
use crate::domain::catalogue::{self};
use crate::domain::cpr;
use crate::domain::disclosure::Disclosure;
use crate::domain::intake::AddendumReader;
use crate::domain::lookup::Lookup;
use crate::domain::policy::{self, CaseAccess};
use crate::domain::workflow::{self, Move, NOT_FOR_INFOHUS_NOTE, ScreeningOutcome, Stage};
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction};
use crate::store::cases::{self as store, plan};
use crate::web::concern_views::AddressView;
use crate::web::filters;
use crate::web::layout::{self, PageContext};

mod actions;
mod views;

use actions::{ActionView, actions};
use views::*;
pub(crate) use views::{InterventionView, intervention_label, timeline_label};

/// What every case page and form shows at the top: which case (the police's § 115 reminder
/// is on every page of theirs, `PageContext::section_115`).
pub(crate) struct CaseHeader {
    pub href: String,
    pub reference: String,
    pub subject_name: String,
    pub stage: &'static str,
}

impl CaseHeader {
    pub fn of(loaded: &Loaded) -> CaseHeader {
        CaseHeader {
            href: loaded.href(),
            reference: loaded.case.reference.clone(),
            subject_name: loaded.case.subject_name.clone(),
            stage: loaded.case.stage.label(),
        }
    }
}

/// Writes the audit row of a read of the case (a page or a form showing its content), with
/// the purpose of the look: where it came from.
pub(crate) async fn audit_view(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
) -> AppResult<()> {
    let lookup = Lookup::from_page(current.came_from.as_deref());
    audit::record(
        &state.db,
        &loaded
            .event(AuditAction::CaseViewed, current)
            .looked_up(lookup),
        state.clock.now(),
    )
    .await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "cases/show.html")]
struct CasePage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    version: i32,
    municipality: String,
    infohus_name: String,
    subject_birth: Option<Date>,
    subject_age: Option<String>,
    subject_minor: bool,
    subject_cpr: Option<String>,
    subject_address: AddressView,
    journal_number: Option<String>,
    /// A closed case: when the purge deletes it.
    deletion_due: Option<Date>,
    opened_at: OffsetDateTime,
    stage_since: OffsetDateTime,
    level: Option<&'static str>,
    close_reason: Option<&'static str>,
    next_deadline: Option<String>,
    deadline_overdue: bool,
    repeat: bool,
    concerns: Vec<ConcernView>,
    team: Vec<String>,
    screenings: Vec<ScreeningView>,
    not_for_infohus_note: &'static str,
    triages: Vec<TriageView>,
    assessment: Option<AssessmentView>,
    plan: Option<PlanView>,
    interventions: Vec<InterventionView>,
    may_edit_interventions: bool,
    overdue_interventions: usize,
    reviews: Vec<ReviewView>,
    closings: Vec<ClosingView>,
    post_closure: Vec<PostClosureView>,
    history: Vec<HistoryView>,
    /// The register of disclosures: when, to whom, what, on which basis, recorded by whom.
    disclosures: Vec<(Date, String, String, String, String)>,
    actions: Vec<ActionView>,
    /// Who has looked at the case: for the municipality's coordinators.
    access_log: Option<String>,
}

/// The plan's answer on the notification under Barnets lov, with its dates and receipt, as the
/// case page and the person's access request show it.
pub(crate) fn notification_text(p: &plan::ActionPlan) -> Option<String> {
    match p.notification_made? {
        true => {
            let mut text = "Ja, underretning".to_owned();
            if let Some(d) = p.notification_date {
                text.push_str(&format!(" sendt {}", format_date_da(d)));
            }
            if let Some(a) = &p.notification_authority {
                text.push_str(&format!(" til {a}"));
            }
            match (p.notification_confirmed_at, p.notification_receipt_due) {
                (Some(at), _) => text.push_str(&format!(
                    "; modtagelsen er bekræftet {}",
                    format_date_da(today_copenhagen(at))
                )),
                (None, Some(due)) => text.push_str(&format!(
                    "; modtagelsen er ikke bekræftet endnu (frist {})",
                    format_date_da(due)
                )),
                (None, None) => {}
            }
            Some(text)
        }
        false => Some(match &p.notification_reason {
            Some(r) => format!("Nej, der er ikke foretaget underretning: {r}"),
            None => "Nej, der er ikke foretaget underretning".to_owned(),
        }),
    }
}

pub(crate) async fn show_case(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    render(&state, &current, &loaded, None).await
}

/// The case page; with `conflict` it explains why a one-click step was not taken (409).
pub(crate) async fn render(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    conflict: Option<&'static str>,
) -> AppResult<Response> {
    let case = &loaded.case;
    let id = case.id;
    let today = today_copenhagen(state.clock.now());
    let store::CaseFile {
        concerns,
        addenda,
        team,
        screenings,
        triages,
        assessments,
        plan: the_plan,
        interventions,
        reviews,
        closings,
        post_closure,
        history,
        disclosures,
    } = store::case_file(&state.db, id, AddendumReader::of_case(loaded.access)).await?;

    let may_read_note = policy::may_read_police_note(loaded.access);
    let concern_views = concerns
        .iter()
        .map(|c| ConcernView {
            filed_at: c.filed_at,
            source: c.source.label(),
            reporter: c.reporter.clone(),
            unit_name: c.unit_name.clone(),
            kind: c.kind.label(),
            subject_connection: c.subject_connection.clone(),
            observation: c.observation.clone(),
            observed_when: c.observed_when.clone(),
            observed_where: c.observed_where.clone(),
            signs: c
                .warning_signs
                .iter()
                .filter_map(|s| catalogue::warning_sign(s).map(|w| w.label))
                .collect(),
            addenda: addenda
                .iter()
                .filter(|a| a.concern_id == c.id)
                .map(|a| AddendumView {
                    created_at: a.created_at,
                    author: a.author_name.clone(),
                    kind: a.kind.label(),
                    body: a.body.clone(),
                })
                .collect(),
        })
        .collect();

    let open_interventions = interventions.iter().filter(|i| i.is_open()).count();
    let intervention_views: Vec<_> = interventions
        .iter()
        .map(|i| InterventionView::of(i, today))
        .collect();
    let overdue_interventions = intervention_views.iter().filter(|i| i.overdue).count();

    let (next_deadline, deadline_overdue) =
        next_deadline(loaded, &interventions, &post_closure, today);

    let actions = actions(
        loaded,
        today,
        the_plan.is_some(),
        the_plan.as_ref().is_some_and(|p| p.awaits_receipt()),
        open_interventions > 0,
        &post_closure,
    );
    let page = CasePage {
        page: PageContext::for_user(current, format!("Sag {}", case.reference), "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict,
        version: case.version,
        municipality: loaded.municipality.name().to_owned(),
        infohus_name: loaded.municipality.infohus_name().to_owned(),
        subject_birth: case.subject_birth_date,
        subject_age: case
            .subject_birth_date
            .map(|b| format!("{} år", crate::domain::intake::age_on(b, today)))
            .or(case.subject_approx_age.map(|a| format!("ca. {a} år"))),
        subject_minor: loaded.is_minor(today),
        subject_cpr: case
            .subject_cpr
            .as_deref()
            .and_then(|c| cpr::parse(c).ok())
            .map(|c| c.masked()),
        subject_address: AddressView::new(
            case.subject_address.as_deref(),
            case.subject_address_protected,
            policy::may_see_protected_address(&current.user.actor(), case.municipality_id),
        ),
        journal_number: case.journal_number.clone(),
        deletion_due: case.deletion_due,
        opened_at: case.opened_at,
        stage_since: case.stage_changed_at,
        level: case.level.map(|l| l.label()),
        close_reason: case.close_reason.map(|r| r.label()),
        next_deadline,
        deadline_overdue,
        repeat: concerns.iter().any(|c| c.repeat),
        concerns: concern_views,
        team: team.iter().map(|t| t.name.clone()).collect(),
        screenings: screenings
            .into_iter()
            .map(|s| ScreeningView {
                decided_at: s.decided_at,
                police_name: s.police_name,
                outcome: s.outcome.label(),
                not_for_infohus: s.outcome == ScreeningOutcome::NotForInfohus,
                note: if may_read_note { s.note } else { None },
            })
            .collect(),
        not_for_infohus_note: NOT_FOR_INFOHUS_NOTE,
        triages: triages.into_iter().map(TriageView::of).collect(),
        assessment: assessment_view(&assessments),
        plan: the_plan.map(|p| PlanView {
            notification: notification_text(&p),
            receipt_overdue: p.awaits_receipt()
                && p.notification_receipt_due.is_some_and(|d| d < today),
            plan_coordinator: p.plan_coordinator_name,
            goals: p.goals,
        }),
        may_edit_interventions: workflow::decide(case.stage, Move::SaveIntervention, loaded.access)
            .is_ok(),
        interventions: intervention_views,
        overdue_interventions,
        reviews: reviews
            .into_iter()
            .map(|r| ReviewView {
                reviewed_at: r.reviewed_at,
                reviewed_by: r.reviewed_by_name,
                progress: r.progress,
                next_review_date: r.next_review_date,
                items: r
                    .items
                    .into_iter()
                    .map(|item| {
                        let name = interventions
                            .iter()
                            .find(|i| i.id == item.intervention)
                            .map(|i| intervention_label(&i.type_id, i.type_other.as_deref()))
                            .unwrap_or_default();
                        (name, item.status.label(), item.note)
                    })
                    .collect(),
            })
            .collect(),
        closings: closings
            .into_iter()
            .map(|c| ClosingView {
                closed_at: c.closed_at,
                closed_by: c.closed_by_name,
                reason: c.reason.label(),
                evaluation: c.evaluation,
            })
            .collect(),
        post_closure: post_closure
            .iter()
            .map(|p| PostClosureView {
                href: (p.done_at.is_none()
                    && case.stage == Stage::Closed
                    && workflow::decide(case.stage, Move::RecordPostClosureReview, loaded.access)
                        .is_ok())
                .then(|| format!("/sager/{}/efter-afslutning/{}", id, p.id)),
                months: p.months,
                due_date: p.due_date,
                overdue: p.done_at.is_none() && p.due_date < today,
                done: p.done_at.map(|d| {
                    format!(
                        "{} af {}",
                        format_datetime_da(d),
                        p.done_by_name.clone().unwrap_or_default()
                    )
                }),
                note: p.note.clone(),
            })
            .collect(),
        history: history.into_iter().map(HistoryView::of).collect(),
        disclosures: disclosures
            .into_iter()
            .map(|d| {
                (
                    d.disclosed_on,
                    d.recipient,
                    d.content,
                    Disclosure::basis_text(d.basis, d.basis_other.as_deref()),
                    d.recorded_by_name,
                )
            })
            .collect(),
        actions,
        access_log: (loaded.access == CaseAccess::Coordinator
            && policy::may(&current.user.actor(), policy::Capability::AccessLog))
        .then(|| format!("{}/adgangslog", loaded.href())),
    };
    audit_view(state, current, loaded).await?;
    let status = if conflict.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    layout::render(status, &page)
}
