//! Everything Infohus holds about one person in one municipality, for the person's access
//! request (GDPR art. 15): the same document as a printable page and as JSON. Labels are in
//! Danish, as the person reads them; the employees who looked are given by role and
//! organisation, not by name, and the reporter of a concern by where it came from.

use time::OffsetDateTime;

use crate::AppState;
use crate::domain::calendar::{format_date_da, format_datetime_da};
use crate::domain::catalogue::{self, Dimension};
use crate::domain::disclosure::Disclosure;
use crate::domain::ids::{CaseId, ConcernId, MunicipalityId, UserId};
use crate::domain::intake::AddendumReader;
use crate::domain::policy::{CaseAccess, Role};
use crate::error::AppResult;
use crate::store::access_log;
use crate::store::cases as store;
use crate::store::concerns;
use crate::web::access_log::action_label;
use crate::web::cases::{intervention_label, notification_text, timeline_label};

use super::document::*;

/// The most access-log rows one report lists; a person with more gets the newest and a note.
const LOG_MAX: i64 = 5000;

/// What the coordinator chose to give.
pub(crate) struct Options<'a> {
    pub include_police_note: bool,
    pub withhold_reason: &'a str,
}

/// Where the person's data is: their case (if any) and the concerns about them that never
/// joined one.
pub(crate) struct Found {
    pub case: Option<CaseId>,
    pub unlinked: Vec<ConcernId>,
}

pub(crate) async fn build(
    state: &AppState,
    municipality: MunicipalityId,
    cpr: &str,
    found: &Found,
    options: &Options<'_>,
    viewer: UserId,
    now: OffsetDateTime,
) -> AppResult<Report> {
    let coordinator_view = AddendumReader::of_case(CaseAccess::Coordinator);
    let mut conn = state.db.acquire().await?;
    let mut report = Report {
        generated_at: format_datetime_da(now),
        municipality: state
            .tenants
            .by_id(municipality)
            .map(|m| m.name().to_owned())
            .unwrap_or_default(),
        person: Person {
            name: String::new(),
            cpr: cpr.to_owned(),
            birth_date: None,
            address: None,
            address_protected: false,
        },
        case: None,
        concerns: Vec::new(),
        screenings: Vec::new(),
        triages: Vec::new(),
        assessments: Vec::new(),
        plan: None,
        interventions: Vec::new(),
        reviews: Vec::new(),
        closings: Vec::new(),
        disclosures: Vec::new(),
        meetings: Vec::new(),
        history: Vec::new(),
        access_log: Vec::new(),
        withheld: vec![
            "Navnene på de medarbejdere, der har set eller ændret oplysningerne, og på dem, der har indberettet en bekymring, udleveres ikke; adgangsloggen viser deres rolle og organisation.".to_owned(),
        ],
    };
    let mut concern_ids: Vec<uuid::Uuid> = found.unlinked.iter().map(|c| c.0).collect();
    // The first thing recorded about the person: nothing in the audit trail about them is older.
    let mut first: Option<time::OffsetDateTime> = None;
    let mut seen = |at: time::OffsetDateTime| first = Some(first.map_or(at, |f| f.min(at)));
    for &id in &found.unlinked {
        let Some(c) = concerns::by_id(&mut *conn, id).await? else {
            continue;
        };
        seen(c.filed_at);
        let addenda = concerns::addenda(&mut *conn, id, coordinator_view).await?;
        if report.person.name.is_empty() {
            report.person.name = c.draft.subject.name.clone();
            report.person.birth_date = c.draft.subject.birth_date.map(format_date_da);
            report.person.address = c.draft.subject.address.clone();
            report.person.address_protected = c.draft.subject.address_protected;
        }
        report.concerns.push(Concern {
            filed: format_datetime_da(c.filed_at),
            source: source_text(c.source.label(), c.unit_name.as_deref()),
            kind: c.draft.kind.label(),
            connection: c.draft.connection.clone(),
            observation: c.draft.observation.clone(),
            observed_when: c.draft.observed_when.clone(),
            observed_where: c.draft.observed_where.clone(),
            warning_signs: signs(&c.draft.warning_signs),
            addenda: addenda
                .into_iter()
                .map(|a| Addendum {
                    written: format_datetime_da(a.created_at),
                    kind: a.kind.label(),
                    text: a.body,
                })
                .collect(),
        });
    }

    if let Some(case_id) = found.case {
        if let Some(case) = store::case_for(&mut *conn, case_id, viewer).await? {
            seen(case.opened_at);
            report.person = Person {
                name: case.subject_name.clone(),
                cpr: cpr.to_owned(),
                birth_date: case.subject_birth_date.map(format_date_da),
                address: case.subject_address.clone(),
                address_protected: case.subject_address_protected,
            };
            report.case = Some(Case {
                reference: case.reference.clone(),
                stage: case.stage.label(),
                opened: format_datetime_da(case.opened_at),
                level: case.level.map(|l| l.label()),
                close_reason: case.close_reason.map(|r| r.label()),
                journal_number: case.journal_number.clone(),
                deletion_due: case.deletion_due.map(format_date_da),
            });
        }
        let file = store::case_file(&mut *conn, case_id, coordinator_view).await?;
        let addenda = file.addenda;
        concern_ids.extend(file.concerns.iter().map(|c| c.id.0));
        file.concerns.iter().for_each(|c| seen(c.filed_at));
        for c in file.concerns {
            report.concerns.push(Concern {
                filed: format_datetime_da(c.filed_at),
                source: source_text(c.source.label(), c.unit_name.as_deref()),
                kind: c.kind.label(),
                connection: c.subject_connection,
                observation: c.observation,
                observed_when: c.observed_when,
                observed_where: c.observed_where,
                warning_signs: signs(&c.warning_signs),
                addenda: addenda
                    .iter()
                    .filter(|a| a.concern_id == c.id)
                    .map(|a| Addendum {
                        written: format_datetime_da(a.created_at),
                        kind: a.kind.label(),
                        text: a.body.clone(),
                    })
                    .collect(),
            });
        }
        let mut withheld_note = false;
        report.screenings = file
            .screenings
            .into_iter()
            .map(|s| {
                let give = options.include_police_note;
                withheld_note |= !give && s.note.is_some();
                Screening {
                    decided: format_datetime_da(s.decided_at),
                    outcome: s.outcome.label(),
                    police_note_withheld: (!give && s.note.is_some())
                        .then(|| options.withhold_reason.to_owned()),
                    police_note: s.note.filter(|_| give),
                }
            })
            .collect();
        if withheld_note {
            report.withheld.push(format!(
                "Politiets interne note fra screeningen er undtaget: {}",
                options.withhold_reason
            ));
        }
        report.triages = file
            .triages
            .into_iter()
            .map(|t| Triage {
                decided: format_datetime_da(t.decided_at),
                outcome: t.outcome.label(),
                referred_to: t.referred_to,
                note: t.note,
            })
            .collect();
        report.assessments = file
            .assessments
            .into_iter()
            .map(|a| Assessment {
                meeting_date: format_date_da(a.meeting_date),
                conclusion: a.conclusion.label(),
                level: a.level.map(|l| l.label()),
                analyses: vec![
                    (Dimension::Person.label(), a.analysis_person),
                    (Dimension::Network.label(), a.analysis_network),
                    (Dimension::Ideology.label(), a.analysis_ideology),
                    (
                        Dimension::IntentCapability.label(),
                        a.analysis_intent_capability,
                    ),
                ],
                ratings: a
                    .ratings
                    .iter()
                    .filter_map(|(id, r)| {
                        catalogue::assessment_factor(id).map(|f| (f.label, r.label()))
                    })
                    .collect(),
            })
            .collect();
        report.plan = file.plan.map(|p| Plan {
            notification: notification_text(&p),
            goals: p.goals,
        });
        let interventions = file.interventions;
        report.reviews = file
            .reviews
            .into_iter()
            .map(|r| Review {
                reviewed: format_datetime_da(r.reviewed_at),
                progress: r.progress,
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
            .collect();
        report.interventions = interventions
            .into_iter()
            .map(|i| Intervention {
                kind: intervention_label(&i.type_id, i.type_other.as_deref()),
                authority: i.authority,
                legal_basis: i.legal_basis.label(),
                start_date: format_date_da(i.start_date),
                status: i.status.label(),
            })
            .collect();
        report.closings = file
            .closings
            .into_iter()
            .map(|c| Closing {
                closed: format_datetime_da(c.closed_at),
                reason: c.reason.label(),
                evaluation: c.evaluation,
            })
            .collect();
        report.disclosures = file
            .disclosures
            .into_iter()
            .map(|d| DisclosureEntry {
                disclosed_on: format_date_da(d.disclosed_on),
                legal_basis: Disclosure::basis_text(d.basis, d.basis_other.as_deref()),
                recipient: d.recipient,
                content: d.content,
            })
            .collect();
        report.meetings = crate::store::meetings::agenda::minutes_of_case(&mut *conn, case_id)
            .await?
            .into_iter()
            .map(|m| MeetingEntry {
                meeting: format!("{} {}", m.kind.label(), format_datetime_da(m.starts_at)),
                summary: m.summary,
                decision: m.decision.map(|d| match m.referred_to.as_deref() {
                    Some(to) => format!("{}: {to}", d.label()),
                    None => d.label().to_owned(),
                }),
                actions: m
                    .actions
                    .into_iter()
                    .map(|(what, due, done)| {
                        format!(
                            "{what}, senest {}{}",
                            format_date_da(due),
                            if done { " (løst)" } else { "" }
                        )
                    })
                    .collect(),
            })
            .collect();
        report.history = file
            .history
            .into_iter()
            .map(|h| Event {
                at: format_datetime_da(h.occurred_at),
                what: timeline_label(&h),
                text: h.reason,
            })
            .collect();
    }

    let since = first.map(|at| at - time::Duration::days(1));
    let log = access_log::for_person(&mut *conn, found.case, &concern_ids, since, LOG_MAX).await?;
    if i64::try_from(log.len()).is_ok_and(|n| n >= LOG_MAX) {
        report.withheld.push(format!(
            "Adgangsloggen viser de nyeste {LOG_MAX} registreringer; resten kan fås ved henvendelse."
        ));
    }
    report.access_log = log
        .into_iter()
        .map(|e| Look {
            at: format_datetime_da(e.occurred_at),
            what: action_label(e.action),
            role: e
                .roles
                .iter()
                .filter_map(|r| Role::parse(r).map(Role::label))
                .collect::<Vec<_>>()
                .join(", "),
            organisation: match (e.municipality_id, e.police_district_id) {
                (Some(m), _) => state.tenants.by_id(m).map(|m| m.name().to_owned()),
                (None, Some(d)) => state.tenants.district_name(d).map(str::to_owned),
                (None, None) => None,
            }
            .unwrap_or_else(|| "Infohus (system)".to_owned()),
            purpose: crate::web::access_log::purpose_text(e.purpose, e.action, e.search.as_deref()),
        })
        .collect();
    Ok(report)
}

fn source_text(source: &str, unit: Option<&str>) -> String {
    match unit {
        Some(u) => format!("{source}, {u}"),
        None => source.to_owned(),
    }
}

fn signs(ids: &[String]) -> Vec<&'static str> {
    ids.iter()
        .filter_map(|s| catalogue::warning_sign(s).map(|w| w.label))
        .collect()
}
