//! Every stored code's values in Rust (`code_enum!`) equal the CHECK list of its column, read
//! from the migrated database's `pg_constraint`, so that neither can change without the other.

use std::collections::BTreeSet;

use infohus::auth::second_factor::SessionFactor;
use infohus::domain::alerts::{AlertKind, MailChoice};
use infohus::domain::catalogue::{
    CloseReason, ConcernKind, InterventionStatus, LegalBasis, Level, Rating,
};
use infohus::domain::disclosure::DisclosureBasis;
use infohus::domain::intake::{AddendumKind, ConcernSource};
use infohus::domain::lookup::Purpose;
use infohus::domain::meeting::{Decision, MeetingKind, MeetingStatus};
use infohus::domain::policy::Role;
use infohus::domain::workflow::{CaseEvent, ConcernStatus, Conclusion, ScreeningOutcome, Stage};
use infohus::domain::workflow::{TriageOutcome, TriageSide};
use infohus::store::alerts::MailState;
use infohus::store::audit::{AuditAction, ObjectType};
use infohus::store::cases::screening::Settlement;
use infohus::store::concerns::HistoryAction;
use infohus::store::plans::SessionKind;

use crate::support::fresh_database;

fn ids<T: Copy>(all: &[T], id: fn(T) -> &'static str) -> BTreeSet<String> {
    all.iter().map(|&v| id(v).to_owned()).collect()
}

/// The quoted literals of a CHECK constraint's definition, as PostgreSQL prints it back.
fn literals(definition: &str) -> BTreeSet<String> {
    definition
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn every_stored_code_equals_the_check_list_of_its_column() {
    let (pool, _) = fresh_database().await;
    let expected: Vec<(&str, BTreeSet<String>)> = vec![
        ("alerts_kind_known", ids(&AlertKind::ALL, AlertKind::as_str)),
        (
            "auth_sessions_second_factor_known",
            ids(&SessionFactor::ALL, SessionFactor::as_str),
        ),
        (
            "disclosures_legal_basis_known",
            ids(&DisclosureBasis::ALL, DisclosureBasis::as_str),
        ),
        (
            "audit_events_purpose_known",
            ids(&Purpose::ALL, Purpose::as_str),
        ),
        (
            "alerts_mail_state_known",
            ids(&MailState::ALL, MailState::as_str),
        ),
        (
            "users_alert_mail_known",
            ids(&MailChoice::ALL, MailChoice::as_str),
        ),
        ("cases_stage_known", ids(&Stage::ALL, Stage::as_str)),
        (
            "meetings_kind_known",
            ids(&MeetingKind::ALL, MeetingKind::as_str),
        ),
        (
            "meetings_status_known",
            ids(&MeetingStatus::ALL, MeetingStatus::as_str),
        ),
        (
            "awareness_sessions_kind_known",
            ids(&SessionKind::ALL, SessionKind::as_str),
        ),
        (
            "meeting_items_decision_known",
            ids(&Decision::ALL, Decision::as_str),
        ),
        ("cases_level_known", ids(&Level::ALL, Level::as_str)),
        (
            "cases_close_reason_known",
            ids(&CloseReason::ALL, CloseReason::as_str),
        ),
        (
            "case_closings_reason_known",
            ids(&CloseReason::ALL, CloseReason::as_str),
        ),
        (
            "case_history_move_known",
            ids(&CaseEvent::ALL, CaseEvent::as_str),
        ),
        (
            "case_history_from_stage_known",
            ids(&Stage::ALL, Stage::as_str),
        ),
        (
            "case_history_to_stage_known",
            ids(&Stage::ALL, Stage::as_str),
        ),
        (
            "concerns_status_known",
            ids(&ConcernStatus::ALL, ConcernStatus::as_str),
        ),
        (
            "concerns_source_known",
            ids(&ConcernSource::ALL, ConcernSource::as_str),
        ),
        (
            "concerns_kind_known",
            ids(&ConcernKind::ALL, ConcernKind::as_str),
        ),
        (
            "concern_addenda_kind_known",
            ids(&AddendumKind::ALL, AddendumKind::as_str),
        ),
        (
            "concern_history_action_known",
            ids(&HistoryAction::ALL, HistoryAction::as_str),
        ),
        (
            "concern_history_from_status_known",
            ids(&ConcernStatus::ALL, ConcernStatus::as_str),
        ),
        (
            "concern_history_to_status_known",
            ids(&ConcernStatus::ALL, ConcernStatus::as_str),
        ),
        (
            "screenings_outcome_known",
            ids(&ScreeningOutcome::ALL, ScreeningOutcome::as_str),
        ),
        (
            "triage_decisions_outcome_known",
            ids(&TriageOutcome::ALL, TriageOutcome::as_str),
        ),
        (
            "triage_proposals_outcome_known",
            ids(&TriageOutcome::ALL, TriageOutcome::as_str),
        ),
        (
            "triage_proposals_side_known",
            ids(&TriageSide::ALL, TriageSide::as_str),
        ),
        (
            "triage_proposals_settlement_known",
            ids(&Settlement::ALL, Settlement::as_str),
        ),
        (
            "assessments_conclusion_known",
            ids(&Conclusion::ALL, Conclusion::as_str),
        ),
        (
            "assessment_ratings_rating_known",
            ids(&Rating::ALL, Rating::as_str),
        ),
        (
            "interventions_status_known",
            ids(&InterventionStatus::ALL, InterventionStatus::as_str),
        ),
        (
            "review_items_status_known",
            ids(&InterventionStatus::ALL, InterventionStatus::as_str),
        ),
        (
            "interventions_legal_basis_known",
            ids(&LegalBasis::ALL, LegalBasis::as_str),
        ),
        ("users_roles_known", ids(&Role::ALL, Role::as_str)),
        (
            "role_grants_role_known",
            Role::ALL
                .iter()
                .filter(|r| r.sees_cases())
                .map(|r| r.as_str().to_owned())
                .collect(),
        ),
        (
            "audit_events_action_known",
            ids(&AuditAction::ALL, AuditAction::as_str),
        ),
        (
            "audit_events_object_type_known",
            ids(&ObjectType::ALL, ObjectType::as_str),
        ),
    ];
    let rows: Vec<(String, String)> = sqlx::query_as(
        "select conname::text, pg_get_constraintdef(oid) from pg_constraint
         where contype = 'c' and conname like '%\\_known'",
    )
    .fetch_all(&pool)
    .await
    .expect("constraints");
    for (name, ids) in &expected {
        let definition = rows
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.as_str())
            .unwrap_or_else(|| panic!("no CHECK constraint {name}"));
        assert_eq!(&literals(definition), ids, "{name}: {definition}");
    }
    // Every list of known codes in the schema is one of the above.
    for (name, _) in &rows {
        assert!(
            expected.iter().any(|(n, _)| n == name),
            "{name} has no enum to compare with"
        );
    }
}
