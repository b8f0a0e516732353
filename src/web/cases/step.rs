//! The one way a step is taken on a case. A handler validates its form, describes the step
//! ([`Step`]) and hands [`take`] what the step records; `take` asks the workflow, applies the
//! version-checked change with its history row, runs the record, writes the closing row when
//! the move closes the case, writes the move's audit rows and commits — or, when someone else
//! changed the case first, rolls everything back and returns the case as it is now, so that
//! the handler shows the form again with what was typed (`FormState::Conflict`).

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use super::{Loaded, load_id};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::alerts::AlertKind;
use crate::domain::calendar::{add_months, today_copenhagen};
use crate::domain::catalogue::Level;
use crate::domain::ids::MunicipalityId;
use crate::domain::workflow::{self, CaseEvent, Move, Refusal};
use crate::error::{AppError, AppResult};
use crate::store::alerts::{self, Link, Recipients};
use crate::store::audit::{self, AuditAction};
use crate::store::cases::{self as store, Change, LevelChange, closing};

/// A step as its handler has validated it. Everything but the move and the version has a
/// default: the move's own history code, no reason, the level kept.
#[derive(Debug, Clone)]
pub(crate) struct Step<'a> {
    mv: Move,
    version: i32,
    at: OffsetDateTime,
    code: CaseEvent,
    reason: Option<&'a str>,
    screening_due: Option<Date>,
    level: LevelChange,
    closing_text: Option<&'a str>,
}

impl<'a> Step<'a> {
    /// `version` is the form's hidden field as sent; anything unreadable counts as stale.
    pub fn new(mv: Move, version: &str, at: OffsetDateTime) -> Step<'a> {
        Step {
            mv,
            version: version.trim().parse().unwrap_or(-1),
            at,
            code: mv.event(),
            reason: None,
            screening_due: None,
            level: LevelChange::Keep,
            closing_text: None,
        }
    }

    /// A history code more precise than the move's (`team_added`, `intervention_updated`).
    pub fn history_code(mut self, code: CaseEvent) -> Step<'a> {
        self.code = code;
        self
    }

    /// The text shown with the history entry.
    pub fn reason(mut self, reason: Option<&'a str>) -> Step<'a> {
        self.reason = reason;
        self
    }

    pub fn screening_due(mut self, due: Date) -> Step<'a> {
        self.screening_due = Some(due);
        self
    }

    pub fn level(mut self, level: Option<Level>) -> Step<'a> {
        self.level = LevelChange::Set(level);
        self
    }

    /// The closing row's text (the evaluation, or the authority the case was referred to);
    /// used only when the move closes the case.
    pub fn closing_text(mut self, text: Option<&'a str>) -> Step<'a> {
        self.closing_text = text;
        self
    }
}

/// What became of a step.
pub(crate) enum Taken {
    Done,
    /// Someone else changed the case first; nothing was written. The case as it is now.
    Conflict(Box<Loaded>),
}

/// The audit rows of a move, in order: what the step recorded, the stage change, the closing.
/// Every move is listed, so a new move cannot be added without deciding what it audits.
pub(crate) fn audit_actions(mv: Move) -> &'static [AuditAction] {
    use AuditAction as A;
    match mv {
        Move::SendToScreening | Move::Reassess | Move::StartFollowUp => &[A::CaseMoved],
        Move::ScreeningCleared => &[A::ScreeningRecorded, A::CaseMoved],
        Move::ScreeningNotForInfohus => &[A::ScreeningRecorded, A::CaseMoved, A::CaseClosed],
        Move::TriageWithinRemit => &[A::TriageRecorded, A::CaseMoved],
        Move::TriageOutsideRemit => &[A::TriageRecorded, A::CaseMoved, A::CaseClosed],
        Move::ProposeTriage => &[A::TriageProposed],
        Move::ConfirmPhoneTriage => &[A::TriageConfirmed],
        Move::ObjectToTriage => &[A::TriageObjected, A::CaseMoved],
        Move::AssessmentBasis => &[A::AssessmentRecorded, A::CaseMoved],
        Move::AssessmentNoBasis => &[A::AssessmentRecorded, A::CaseMoved, A::CaseClosed],
        Move::SavePlan => &[A::ActionPlanSaved],
        Move::SaveIntervention => &[A::InterventionSaved],
        Move::RecordReview => &[A::ReviewRecorded],
        Move::ChangeTeam => &[A::CaseTeamChanged],
        Move::Close(_) => &[A::CaseClosed],
        Move::Reopen => &[A::CaseReopened],
        Move::RecordPostClosureReview => &[A::PostClosureReviewDone],
        Move::EditDetails => &[A::CaseDetailsChanged],
        Move::ExtendRetention => &[A::RetentionExtended],
        Move::ConfirmNotificationReceipt => &[A::NotificationReceiptConfirmed],
        Move::RecordDisclosure => &[A::DisclosureRecorded],
    }
}

/// Whom a move tells, besides its own page: every move is listed, so that a new move cannot
/// be added without deciding who hears of it. Deadlines are told by the deadline job, team
/// members by `add_to_team`.
pub(crate) fn alert_of(mv: Move, municipality: MunicipalityId) -> Option<(Recipients, AlertKind)> {
    match mv {
        Move::SendToScreening => {
            Some((Recipients::Police(municipality), AlertKind::CaseToScreening))
        }
        Move::ScreeningCleared
        | Move::ScreeningNotForInfohus
        | Move::TriageWithinRemit
        | Move::TriageOutsideRemit
        | Move::ProposeTriage
        | Move::ConfirmPhoneTriage
        | Move::ObjectToTriage
        | Move::AssessmentBasis
        | Move::AssessmentNoBasis
        | Move::SavePlan
        | Move::SaveIntervention
        | Move::RecordReview
        | Move::ChangeTeam
        | Move::Close(_)
        | Move::Reopen
        | Move::Reassess
        | Move::StartFollowUp
        | Move::RecordPostClosureReview
        | Move::EditDetails
        | Move::ExtendRetention
        | Move::ConfirmNotificationReceipt
        | Move::RecordDisclosure => None,
    }
}

/// The reviews after closing that closing the case today schedules: the profile's months for
/// a case that had a plan, none for one that never got that far.
pub(crate) fn post_closure_reviews(loaded: &Loaded, today: Date) -> Vec<(u32, Date)> {
    if !workflow::schedules_post_closure_reviews(loaded.case.stage) {
        return Vec::new();
    }
    let months = &loaded
        .municipality
        .profile
        .deadlines
        .post_closure_review_months;
    months.iter().map(|&m| (m, add_months(today, m))).collect()
}

/// A step that records nothing of its own beyond the stage change and its history.
pub(crate) async fn nothing(_: &mut PgConnection) -> AppResult<bool> {
    Ok(true)
}

/// Takes `step` on the loaded case in one transaction. `record` writes what the step records;
/// it answers `false` when what it changes was changed by someone else first, which makes the
/// step a conflict like a stale case version.
pub(crate) async fn take(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    step: Step<'_>,
    record: impl AsyncFnOnce(&mut PgConnection) -> AppResult<bool>,
) -> AppResult<Taken> {
    let to = match workflow::decide(loaded.case.stage, step.mv, loaded.access) {
        Ok(to) => to,
        Err(Refusal::WrongStage) => return conflict(state, current, loaded).await,
        Err(Refusal::NoAccess) => return Err(AppError::NotFound),
        Err(Refusal::NotTheirs | Refusal::ReasonHasOwnStep) => return Err(AppError::Forbidden),
    };
    let close_reason = step.mv.closes_with();
    let change = Change {
        case_id: loaded.case.id,
        version: step.version,
        from: loaded.case.stage,
        to,
        code: step.code.as_str(),
        reason: step.reason,
        actor: current.user.id,
        at: step.at,
        screening_due: step.screening_due,
        level: step.level,
        close_reason,
    };
    let mut tx = state.db.begin().await?;
    if !store::apply(&mut tx, &change).await? || !record(&mut tx).await? {
        tx.rollback().await?;
        return conflict(state, current, loaded).await;
    }
    if !loaded.case.stage.is_open() && to.is_open() {
        // Reopened: the reviews after the closing no longer apply.
        closing::cancel_pending_reviews(&mut tx, loaded.case.id, step.at).await?;
    }
    if let Some(reason) = close_reason {
        let reviews = post_closure_reviews(loaded, today_copenhagen(step.at));
        closing::record(
            &mut tx,
            loaded.case.id,
            current.user.id,
            reason,
            step.closing_text,
            &reviews,
            step.at,
        )
        .await?;
    }
    for &action in audit_actions(step.mv) {
        audit::record(&mut *tx, &loaded.event(action, current), step.at).await?;
    }
    if let Some((to, kind)) = alert_of(step.mv, loaded.case.municipality_id) {
        let (case, municipality) = (loaded.case.id, loaded.case.municipality_id);
        let by = Some(current.user.id);
        alerts::raise(
            &mut *tx,
            to,
            kind,
            municipality,
            Link::Case(case),
            by,
            step.at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Taken::Done)
}

async fn conflict(state: &AppState, current: &CurrentUser, loaded: &Loaded) -> AppResult<Taken> {
    let fresh = load_id(state, current, loaded.case.id).await?;
    Ok(Taken::Conflict(Box::new(fresh)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_move_that_closes_audits_the_closing_and_no_other_does() {
        for mv in Move::all() {
            let closes = audit_actions(mv).contains(&AuditAction::CaseClosed);
            assert_eq!(closes, mv.closes_with().is_some(), "{mv:?}");
        }
    }

    #[test]
    fn an_unreadable_version_is_stale() {
        let at = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(Step::new(Move::SavePlan, " 7 ", at).version, 7);
        assert_eq!(Step::new(Move::SavePlan, "x", at).version, -1);
    }
}
