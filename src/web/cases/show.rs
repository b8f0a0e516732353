//! One case: the person, the concerns, the stage and its next deadline, the team, what each
//! step recorded, the whole history, and the actions open to the viewer now.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{Loaded, load};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, format_datetime_da, today_copenhagen};
use crate::domain::catalogue::{self, Rating};
use crate::domain::cpr;
use crate::domain::intake::AddendumReader;
use crate::domain::policy::{self, CaseAccess};
use crate::domain::workflow::{
    self, Move, NOT_FOR_INFOHUS_NOTE, SECTION_115_REMINDER, ScreeningOutcome, Stage,
};
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction};
use crate::store::cases::{self as store, assessment, closing, plan, review, screening};
use crate::web::layout::{self, PageContext};

/// What every case page and form shows at the top: which case, and for police the § 115
/// reminder.
pub(crate) struct CaseHeader {
    pub href: String,
    pub reference: String,
    pub subject_name: String,
    pub stage: &'static str,
    pub police: bool,
    pub reminder: &'static str,
}

impl CaseHeader {
    pub fn of(loaded: &Loaded) -> CaseHeader {
        CaseHeader {
            href: loaded.href(),
            reference: loaded.case.reference.clone(),
            subject_name: loaded.case.subject_name.clone(),
            stage: loaded.case.stage.label(),
            police: loaded.access == CaseAccess::Police,
            reminder: SECTION_115_REMINDER,
        }
    }
}

/// Writes the audit row of a read of the case (a page or a form showing its content).
pub(crate) async fn audit_view(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
) -> AppResult<()> {
    audit::record(
        &state.db,
        &loaded.event(AuditAction::CaseViewed, current),
        state.clock.now(),
    )
    .await?;
    Ok(())
}

struct ConcernView {
    filed_at: String,
    source: &'static str,
    reporter: Option<String>,
    unit_name: Option<String>,
    kind: &'static str,
    subject_connection: Option<String>,
    observation: String,
    observed_when: Option<String>,
    observed_where: Option<String>,
    signs: Vec<&'static str>,
    addenda: Vec<AddendumView>,
}

struct AddendumView {
    created_at: String,
    author: String,
    kind: &'static str,
    body: String,
}

struct ScreeningView {
    decided_at: String,
    police_name: String,
    outcome: &'static str,
    not_for_infohus: bool,
    note: Option<String>,
}

struct TriageView {
    decided_at: String,
    coordinator_name: String,
    police_name: String,
    outcome: &'static str,
    referred_to: Option<String>,
    note: Option<String>,
}

struct RatingView {
    label: &'static str,
    kind: &'static str,
    rating: &'static str,
    notable: bool,
}

struct ChangeView {
    label: &'static str,
    before: &'static str,
    after: &'static str,
}

struct AssessmentView {
    meeting_date: String,
    assessed_by: String,
    conclusion: &'static str,
    level: Option<&'static str>,
    analyses: Vec<(&'static str, String)>,
    ratings: Vec<RatingView>,
    /// `None` for the first assessment.
    changes: Option<Vec<ChangeView>>,
    previous_conclusion: Option<String>,
    earlier: usize,
}

struct PlanView {
    plan_coordinator: String,
    goals: String,
    notification: Option<String>,
}

pub(crate) struct InterventionView {
    pub id: String,
    pub type_label: String,
    pub owner: String,
    pub authority: String,
    pub legal_basis: String,
    pub start_date: String,
    pub next_review_date: String,
    pub status: &'static str,
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
            start_date: format_date_da(i.start_date),
            next_review_date: format_date_da(i.next_review_date),
            status: i.status.label(),
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

struct ReviewView {
    reviewed_at: String,
    reviewed_by: String,
    progress: String,
    next_review_date: Option<String>,
    items: Vec<(String, &'static str, Option<String>)>,
}

struct ClosingView {
    closed_at: String,
    closed_by: String,
    reason: &'static str,
    evaluation: Option<String>,
}

struct PostClosureView {
    href: Option<String>,
    months: i32,
    due_date: String,
    overdue: bool,
    done: Option<String>,
    note: Option<String>,
}

struct HistoryView {
    at: String,
    actor: String,
    label: String,
    stages: Option<String>,
    reason: Option<String>,
}

/// One action on the case page: a link to its form, or a button posting a step that needs
/// nothing more than a click.
struct ActionView {
    label: &'static str,
    href: String,
    button: bool,
    hint: Option<&'static str>,
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
    subject_birth: Option<String>,
    subject_age: Option<String>,
    subject_minor: bool,
    subject_cpr: Option<String>,
    subject_address: Option<String>,
    opened_at: String,
    stage_since: String,
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
    actions: Vec<ActionView>,
    /// Who has looked at the case: for the municipality's coordinators.
    access_log: Option<String>,
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
    let mut conn = state.db.acquire().await?;
    let concerns = store::concerns_of(&mut *conn, id).await?;
    let addenda = store::addenda_of(&mut *conn, id, AddendumReader::of_case(loaded.access)).await?;
    let team = store::team(&mut *conn, id).await?;
    let screenings = screening::screenings_of(&mut *conn, id).await?;
    let triages = screening::triages_of(&mut *conn, id).await?;
    let assessments = assessment::assessments_of(&mut conn, id).await?;
    let the_plan = plan::plan_of(&mut *conn, id).await?;
    let interventions = plan::interventions_of(&mut *conn, id).await?;
    let reviews = review::reviews_of(&mut conn, id).await?;
    let closings = closing::closings_of(&mut *conn, id).await?;
    let post_closure = closing::post_closure_reviews_of(&mut *conn, id).await?;
    let history = store::history(&mut *conn, id).await?;
    drop(conn);

    let may_read_note = policy::may_read_police_note(loaded.access);
    let concern_views = concerns
        .iter()
        .map(|c| ConcernView {
            filed_at: format_datetime_da(c.filed_at),
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
                    created_at: format_datetime_da(a.created_at),
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
        the_plan.is_some(),
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
        subject_birth: case.subject_birth_date.map(format_date_da),
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
        subject_address: case.subject_address.clone(),
        opened_at: format_datetime_da(case.opened_at),
        stage_since: format_datetime_da(case.stage_changed_at),
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
                decided_at: format_datetime_da(s.decided_at),
                police_name: s.police_name,
                outcome: s.outcome.label(),
                not_for_infohus: s.outcome == ScreeningOutcome::NotForInfohus,
                note: if may_read_note { s.note } else { None },
            })
            .collect(),
        not_for_infohus_note: NOT_FOR_INFOHUS_NOTE,
        triages: triages
            .into_iter()
            .map(|t| TriageView {
                decided_at: format_datetime_da(t.decided_at),
                coordinator_name: t.coordinator_name,
                police_name: t.police_name,
                outcome: t.outcome.label(),
                referred_to: t.referred_to,
                note: t.note,
            })
            .collect(),
        assessment: assessment_view(&assessments),
        plan: the_plan.map(|p| PlanView {
            plan_coordinator: p.plan_coordinator_name,
            goals: p.goals,
            notification: match (p.notification_made, p.notification_date) {
                (Some(true), Some(d)) => {
                    Some(format!("Ja, underretning foretaget {}", format_date_da(d)))
                }
                (Some(true), None) => Some("Ja, underretning er foretaget".to_owned()),
                (Some(false), _) => Some("Nej, der er ikke foretaget underretning".to_owned()),
                (None, _) => None,
            },
        }),
        may_edit_interventions: workflow::decide(case.stage, Move::SaveIntervention, loaded.access)
            .is_ok(),
        interventions: intervention_views,
        overdue_interventions,
        reviews: reviews
            .into_iter()
            .map(|r| ReviewView {
                reviewed_at: format_datetime_da(r.reviewed_at),
                reviewed_by: r.reviewed_by_name,
                progress: r.progress,
                next_review_date: r.next_review_date.map(format_date_da),
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
                closed_at: format_datetime_da(c.closed_at),
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
                due_date: format_date_da(p.due_date),
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
        history: history
            .into_iter()
            .map(|h| HistoryView {
                at: format_datetime_da(h.occurred_at),
                actor: h.actor_name,
                label: h.code.label().to_owned(),
                stages: match h.from_stage {
                    Some(from) if from != h.to_stage => {
                        Some(format!("{} → {}", from.label(), h.to_stage.label()))
                    }
                    _ => None,
                },
                reason: h.reason,
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

/// The stage's next deadline and whether it has passed.
fn next_deadline(
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

fn rating_label(r: Option<Rating>) -> &'static str {
    r.map_or("ikke vurderet", Rating::label)
}

fn assessment_view(all: &[assessment::Assessment]) -> Option<AssessmentView> {
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
        meeting_date: format_date_da(latest.meeting_date),
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
                    kind: f.kind.label(),
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

/// The actions open to the viewer now, one per form.
fn actions(
    loaded: &Loaded,
    has_plan: bool,
    has_open_intervention: bool,
    post_closure: &[closing::PostClosureReview],
) -> Vec<ActionView> {
    let base = loaded.href();
    let mut out: Vec<ActionView> = Vec::new();
    let mut push = |label, path: &str, button, hint| {
        if !out
            .iter()
            .any(|a: &ActionView| a.href == format!("{base}{path}"))
        {
            out.push(ActionView {
                label,
                href: format!("{base}{path}"),
                button,
                hint,
            });
        }
    };
    for mv in workflow::available_moves(loaded.case.stage, loaded.access) {
        match mv {
            Move::SendToScreening => push(mv.label(), "/send-til-screening", true, None),
            Move::ScreeningCleared | Move::ScreeningNotForInfohus => {
                push("Registrér politiets screening", "/screening", false, None)
            }
            Move::TriageWithinRemit | Move::TriageOutsideRemit => push(
                "Registrér fælles vurdering med politiet",
                "/faelles-vurdering",
                false,
                None,
            ),
            Move::AssessmentBasis | Move::AssessmentNoBasis => push(
                "Analyse og vurdering (vurderingsværktøj)",
                "/vurdering",
                false,
                None,
            ),
            Move::Reassess => push("Send til ny vurdering", "/ny-vurdering", false, None),
            Move::SavePlan => push(
                if has_plan {
                    "Ret handleplanen"
                } else {
                    "Læg handleplan"
                },
                "/handleplan",
                false,
                None,
            ),
            Move::SaveIntervention => push("Tilføj indsats", "/indsatser/ny", false, None),
            Move::StartFollowUp => {
                if has_plan && has_open_intervention {
                    push(mv.label(), "/til-opfoelgning", true, None)
                } else {
                    push(
                        mv.label(),
                        "/til-opfoelgning",
                        false,
                        Some("Kræver en handleplan og mindst én planlagt eller aktiv indsats."),
                    )
                }
            }
            Move::RecordReview => push("Registrér opfølgning", "/opfoelgning", false, None),
            Move::ChangeTeam => push("Sagens team", "/team", false, None),
            Move::Close(_) => push("Afslut sagen", "/afslut", false, None),
            Move::Reopen => push("Genåbn sagen", "/genaabn", false, None),
            Move::RecordPostClosureReview => {
                if let Some(p) = post_closure.iter().find(|p| p.done_at.is_none()) {
                    push(
                        "Registrér opfølgning efter afslutning",
                        &format!("/efter-afslutning/{}", p.id),
                        false,
                        None,
                    )
                }
            }
        }
    }
    out
}
