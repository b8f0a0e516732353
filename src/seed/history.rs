//! Demo history: two years of cases, closed and open, spread over both municipalities, so that
//! the quarterly report, its charts and its suppression have something to show.
//!
//! A case's life is generated as a [`Story`] (pseudo-random but deterministic: a small LCG) and
//! written with set-based inserts, so the benchmark can reuse the same code for a hundred
//! thousand cases and the tests for a fixture they count by hand.

use std::collections::BTreeMap;

use sqlx::PgConnection;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::AppState;
use crate::domain::calendar::{add_working_days, today_copenhagen};
use crate::domain::catalogue::{AgeGroup, INTERVENTION_TYPES, LegalBasis};
use crate::domain::ids::{CaseId, MunicipalityId, UnitId, UserId};
use crate::store::tenants::Municipality;

/// The users the history is written in the name of.
#[derive(Debug, Clone, Copy)]
pub struct Actors {
    pub coordinator: UserId,
    pub police: UserId,
    pub core_group: UserId,
}

/// One step of a case's history.
#[derive(Debug, Clone)]
pub struct Step {
    pub at: OffsetDateTime,
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub mv: &'static str,
}

/// A case from its first concern to where it stands now.
#[derive(Debug, Clone)]
pub struct Story {
    pub id: CaseId,
    pub municipality_id: MunicipalityId,
    pub reference_prefix: String,
    pub screening_working_days: u32,
    pub subject_name: String,
    pub approx_age: i16,
    pub minor: bool,
    pub kind: &'static str,
    pub source: &'static str,
    pub unit_id: Option<UnitId>,
    pub reporter_name: Option<String>,
    pub filed_at: OffsetDateTime,
    pub opened_at: OffsetDateTime,
    /// After the opening, in order.
    pub steps: Vec<Step>,
    /// Later concerns about the same person, joined to the case (from the same kind of reporter).
    pub repeat_concerns: Vec<OffsetDateTime>,
    pub screening: Option<(OffsetDateTime, &'static str)>,
    pub triage: Option<(OffsetDateTime, &'static str)>,
    /// When, `basis`/`no_basis`, and the level with a basis.
    pub assessment: Option<(OffsetDateTime, &'static str, Option<&'static str>)>,
    pub plan_at: Option<OffsetDateTime>,
    pub interventions: Vec<(&'static str, Date)>,
    /// When the interventions of a case still running are next reviewed (default: three months
    /// after each start).
    pub next_review: Option<Date>,
    pub closing: Option<(OffsetDateTime, &'static str)>,
}

impl Story {
    /// A case opened from one concern and left in `received`; the builder methods below move it.
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per column of a bulk insert; a struct would only restate them"
    )]
    pub fn new(
        municipality: &Municipality,
        subject_name: &str,
        minor: bool,
        kind: &'static str,
        source: &'static str,
        unit_id: Option<UnitId>,
        filed_at: OffsetDateTime,
        opened_at: OffsetDateTime,
    ) -> Story {
        Story {
            id: CaseId::new(),
            municipality_id: municipality.id,
            reference_prefix: municipality.profile.reference_prefix.clone(),
            screening_working_days: municipality.profile.deadlines.screening_working_days,
            subject_name: subject_name.to_owned(),
            approx_age: if minor { 15 } else { 30 },
            minor,
            kind,
            source,
            unit_id,
            reporter_name: None,
            filed_at,
            opened_at,
            steps: Vec::new(),
            repeat_concerns: Vec::new(),
            screening: None,
            triage: None,
            assessment: None,
            plan_at: None,
            interventions: Vec::new(),
            next_review: None,
            closing: None,
        }
    }

    pub fn stage(&self) -> &'static str {
        self.steps.last().map_or("received", |s| s.to)
    }

    fn step(&mut self, at: OffsetDateTime, to: &'static str, mv: &'static str) {
        let from = Some(self.stage());
        self.steps.push(Step { at, from, to, mv });
    }

    pub fn send_to_screening(mut self, at: OffsetDateTime) -> Story {
        self.step(at, "screening", "send_to_screening");
        self
    }

    /// The police's screening: cleared for Infohus, or not (the case closes).
    pub fn screened(mut self, at: OffsetDateTime, cleared: bool) -> Story {
        if cleared {
            self.screening = Some((at, "cleared"));
            self.step(at, "triage", "screening_cleared");
        } else {
            self.screening = Some((at, "not_for_infohus"));
            self.step(at, "closed", "screening_not_for_infohus");
            self.closing = Some((at, "not_for_infohus"));
        }
        self
    }

    pub fn triaged(mut self, at: OffsetDateTime, within_remit: bool) -> Story {
        if within_remit {
            self.triage = Some((at, "within_remit"));
            self.step(at, "assessment", "triage_within_remit");
        } else {
            self.triage = Some((at, "outside_remit"));
            self.step(at, "closed", "triage_outside_remit");
            self.closing = Some((at, "outside_remit"));
        }
        self
    }

    /// The core group's assessment: a level means a basis for concern (a plan follows),
    /// `None` no basis (the case closes).
    pub fn assessed(mut self, at: OffsetDateTime, level: Option<&'static str>) -> Story {
        match level {
            Some(level) => {
                self.assessment = Some((at, "basis", Some(level)));
                self.step(at, "action_plan", "assessment_basis");
                self.plan_at = Some(at);
            }
            None => {
                self.assessment = Some((at, "no_basis", None));
                self.step(at, "closed", "assessment_no_basis");
                self.closing = Some((at, "no_basis"));
            }
        }
        self
    }

    pub fn intervention(mut self, type_id: &'static str, start: Date) -> Story {
        self.interventions.push((type_id, start));
        self
    }

    pub fn follow_up(mut self, at: OffsetDateTime) -> Story {
        self.step(at, "follow_up", "start_follow_up");
        self
    }

    /// Closes with a catalogue reason (`goals_met`, `ended_otherwise`, `moved`, `duplicate`).
    pub fn closed(mut self, at: OffsetDateTime, reason: &'static str) -> Story {
        let mv = match reason {
            "goals_met" => "close_goals_met",
            "ended_otherwise" => "close_ended_otherwise",
            "moved" => "close_moved",
            "duplicate" => "close_duplicate",
            _ => "close",
        };
        self.step(at, "closed", mv);
        self.closing = Some((at, reason));
        self
    }

    /// The coordinator reopens a closed case; it starts again at intake.
    pub fn reopened(mut self, at: OffsetDateTime) -> Story {
        self.step(at, "received", "reopen");
        self
    }

    pub fn repeat_concern(mut self, at: OffsetDateTime) -> Story {
        self.repeat_concerns.push(at);
        self
    }

    fn level(&self) -> Option<&'static str> {
        self.assessment.and_then(|(_, _, level)| level)
    }

    fn last_change(&self) -> OffsetDateTime {
        self.steps.last().map_or(self.opened_at, |s| s.at)
    }

    fn closed_at(&self) -> Option<OffsetDateTime> {
        (self.stage() == "closed").then(|| self.last_change())
    }

    fn sent_to_screening(&self) -> Option<OffsetDateTime> {
        self.steps
            .iter()
            .find(|s| s.mv == "send_to_screening")
            .map(|s| s.at)
    }
}

/// Writes the stories: cases with references from the municipality's counter, their concerns,
/// history, screening, triage, assessment, plan, interventions, team and closings. A few
/// set-based statements, however many stories.
pub async fn write(
    conn: &mut PgConnection,
    stories: &[Story],
    actors: Actors,
) -> anyhow::Result<()> {
    if stories.is_empty() {
        return Ok(());
    }
    let references = allocate_references(conn, stories).await?;

    // Cases.
    let ids: Vec<Uuid> = stories.iter().map(|s| s.id.0).collect();
    let municipalities: Vec<Uuid> = stories.iter().map(|s| s.municipality_id.0).collect();
    let stages: Vec<String> = stories.iter().map(|s| s.stage().to_owned()).collect();
    let names: Vec<String> = stories.iter().map(|s| s.subject_name.clone()).collect();
    let ages: Vec<i16> = stories.iter().map(|s| s.approx_age).collect();
    let minors: Vec<bool> = stories.iter().map(|s| s.minor).collect();
    let levels: Vec<Option<String>> = stories
        .iter()
        .map(|s| s.level().map(str::to_owned))
        .collect();
    let reasons: Vec<Option<String>> = stories
        .iter()
        .map(|s| {
            s.closed_at()
                .and(s.closing.map(|(_, reason)| reason.to_owned()))
        })
        .collect();
    let opened: Vec<OffsetDateTime> = stories.iter().map(|s| s.opened_at).collect();
    let changed: Vec<OffsetDateTime> = stories.iter().map(|s| s.last_change()).collect();
    let closed: Vec<Option<OffsetDateTime>> = stories.iter().map(|s| s.closed_at()).collect();
    let due: Vec<Option<Date>> = stories
        .iter()
        .map(|s| {
            s.sent_to_screening()
                .map(|at| add_working_days(today_copenhagen(at), s.screening_working_days))
        })
        .collect();
    sqlx::query!(
        r#"insert into cases (id, municipality_id, reference, stage, subject_name, subject_approx_age,
                              subject_is_minor, level, close_reason, opened_at, opened_by,
                              stage_changed_at, screening_due, closed_at, updated_at)
           select id, municipality_id, reference, stage, subject_name, age, minor, level, reason,
                  opened_at, $11, changed_at, due, closed_at, changed_at
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int2[],
                       $7::bool[], $8::text[], $9::text[], $10::timestamptz[], $12::timestamptz[],
                       $13::date[], $14::timestamptz[])
                as t(id, municipality_id, reference, stage, subject_name, age, minor, level, reason,
                     opened_at, changed_at, due, closed_at)"#,
        &ids,
        &municipalities,
        &references,
        &stages,
        &names,
        &ages,
        &minors,
        &levels as &[Option<String>],
        &reasons as &[Option<String>],
        &opened,
        actors.coordinator as UserId,
        &changed,
        &due as &[Option<Date>],
        &closed as &[Option<OffsetDateTime>],
    )
    .execute(&mut *conn)
    .await?;

    // Concerns: the first one and any repeats, all joined to the case.
    let mut c_ids = Vec::new();
    let mut c_municipality = Vec::new();
    let mut c_case = Vec::new();
    let mut c_source = Vec::new();
    let mut c_unit: Vec<Option<Uuid>> = Vec::new();
    let mut c_reporter: Vec<Option<String>> = Vec::new();
    let mut c_name = Vec::new();
    let mut c_age = Vec::new();
    let mut c_minor = Vec::new();
    let mut c_kind = Vec::new();
    let mut c_filed = Vec::new();
    let mut c_linked = Vec::new();
    let mut c_repeat = Vec::new();
    for s in stories {
        let first = std::iter::once((s.filed_at, s.source, s.unit_id, s.opened_at));
        let repeats = s
            .repeat_concerns
            .iter()
            .map(|&at| (at, s.source, s.unit_id, at + Duration::hours(20)));
        let filed_all: Vec<OffsetDateTime> = std::iter::once(s.filed_at)
            .chain(s.repeat_concerns.iter().copied())
            .collect();
        for (i, (filed, source, unit, linked)) in first.chain(repeats).enumerate() {
            // The generated people differ from case to case, so the one rule of a repeat
            // (`infohus_concern_repeats`) comes down to another concern of the same case filed
            // in the 12 months before; computed here rather than per row in SQL to keep large
            // runs fast.
            c_repeat.push(filed_all.iter().enumerate().any(|(j, &other)| {
                j != i
                    && other <= filed
                    && crate::domain::calendar::add_months(other.date(), 12) > filed.date()
            }));
            c_ids.push(Uuid::new_v4());
            c_municipality.push(s.municipality_id.0);
            c_case.push(s.id.0);
            c_source.push(source.to_owned());
            c_unit.push(unit.map(|u| u.0));
            c_reporter.push(match source {
                "citizen" | "other_authority" => Some(
                    s.reporter_name
                        .clone()
                        .unwrap_or_else(|| "Demo-indberetter".to_owned()),
                ),
                _ => s.reporter_name.clone(),
            });
            c_name.push(s.subject_name.clone());
            c_age.push(s.approx_age);
            c_minor.push(s.minor);
            c_kind.push(s.kind.to_owned());
            c_filed.push(filed);
            c_linked.push(linked);
        }
    }
    sqlx::query!(
        r#"insert into concerns (id, municipality_id, case_id, status, source, unit_id, reporter_name,
                                 subject_name, subject_approx_age, subject_is_minor, observation,
                                 kind, filed_at, received_at, linked_at, repeat)
           select id, municipality_id, case_id, 'linked', source, unit_id, reporter_name,
                  subject_name, age, minor,
                  'Demo-data: en tidligere bekymring, kun med til statistikken.', kind,
                  filed_at, filed_at, linked_at, repeat
           from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[],
                       $7::text[], $8::int2[], $9::bool[], $10::text[], $11::timestamptz[],
                       $12::timestamptz[], $13::bool[])
                as t(id, municipality_id, case_id, source, unit_id, reporter_name, subject_name,
                     age, minor, kind, filed_at, linked_at, repeat)"#,
        &c_ids,
        &c_municipality,
        &c_case,
        &c_source,
        &c_unit as &[Option<Uuid>],
        &c_reporter as &[Option<String>],
        &c_name,
        &c_age,
        &c_minor,
        &c_kind,
        &c_filed,
        &c_linked,
        &c_repeat,
    )
    .execute(&mut *conn)
    .await?;

    // History: the opening, then every step.
    let mut h_case = Vec::new();
    let mut h_at = Vec::new();
    let mut h_actor = Vec::new();
    let mut h_from: Vec<Option<String>> = Vec::new();
    let mut h_to = Vec::new();
    let mut h_move = Vec::new();
    for s in stories {
        h_case.push(s.id.0);
        h_at.push(s.opened_at);
        h_actor.push(actors.coordinator.0);
        h_from.push(None);
        h_to.push("received".to_owned());
        h_move.push("open".to_owned());
        for step in &s.steps {
            h_case.push(s.id.0);
            h_at.push(step.at);
            h_actor.push(match step.mv {
                "screening_cleared" | "screening_not_for_infohus" => actors.police.0,
                "assessment_basis" | "assessment_no_basis" => actors.core_group.0,
                _ => actors.coordinator.0,
            });
            h_from.push(step.from.map(str::to_owned));
            h_to.push(step.to.to_owned());
            h_move.push(step.mv.to_owned());
        }
    }
    sqlx::query!(
        r#"insert into case_history (case_id, occurred_at, actor_user_id, from_stage, to_stage, move)
           select * from unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[],
                                $6::text[])"#,
        &h_case,
        &h_at,
        &h_actor,
        &h_from as &[Option<String>],
        &h_to,
        &h_move,
    )
    .execute(&mut *conn)
    .await?;

    // Screenings and triage decisions.
    let screened: Vec<(&Story, OffsetDateTime, &str)> = stories
        .iter()
        .filter_map(|s| s.screening.map(|(at, outcome)| (s, at, outcome)))
        .collect();
    sqlx::query!(
        r#"insert into screenings (id, case_id, police_user_id, outcome, note, decided_at)
           select gen_random_uuid(), case_id, $2, outcome,
                  case when outcome = 'not_for_infohus' then 'Demo-data: politiet håndterer sagen.' end,
                  decided_at
           from unnest($1::uuid[], $3::text[], $4::timestamptz[]) as t(case_id, outcome, decided_at)"#,
        &screened.iter().map(|(s, _, _)| s.id.0).collect::<Vec<_>>(),
        actors.police as UserId,
        &screened.iter().map(|(_, _, o)| (*o).to_owned()).collect::<Vec<_>>(),
        &screened.iter().map(|(_, at, _)| *at).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    let triaged: Vec<(&Story, OffsetDateTime, &str)> = stories
        .iter()
        .filter_map(|s| s.triage.map(|(at, outcome)| (s, at, outcome)))
        .collect();
    sqlx::query!(
        r#"insert into triage_decisions (id, case_id, coordinator_user_id, police_user_id, outcome,
                                         referred_to, decided_at, proposed_by, confirmed_by,
                                         confirmed_at)
           select gen_random_uuid(), case_id, $2, $3, outcome,
                  case when outcome = 'outside_remit' then 'Børne- og familieafdelingen' end,
                  decided_at, $2, $3, decided_at
           from unnest($1::uuid[], $4::text[], $5::timestamptz[]) as t(case_id, outcome, decided_at)"#,
        &triaged.iter().map(|(s, _, _)| s.id.0).collect::<Vec<_>>(),
        actors.coordinator as UserId,
        actors.police as UserId,
        &triaged.iter().map(|(_, _, o)| (*o).to_owned()).collect::<Vec<_>>(),
        &triaged.iter().map(|(_, at, _)| *at).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;

    // Assessments, plans and the core group on the team.
    let assessed: Vec<(&Story, OffsetDateTime, &str, Option<&str>)> = stories
        .iter()
        .filter_map(|s| {
            s.assessment
                .map(|(at, conclusion, level)| (s, at, conclusion, level))
        })
        .collect();
    sqlx::query!(
        r#"insert into assessments (id, case_id, assessed_by, meeting_date, analysis_person,
                                    analysis_network, analysis_ideology, analysis_intent_capability,
                                    conclusion, level, created_at)
           select gen_random_uuid(), case_id, $2,
                  (created_at at time zone 'Europe/Copenhagen')::date,
                  'Demo-data.', 'Demo-data.', 'Demo-data.', 'Demo-data.', conclusion, level, created_at
           from unnest($1::uuid[], $3::text[], $4::text[], $5::timestamptz[])
                as t(case_id, conclusion, level, created_at)"#,
        &assessed.iter().map(|(s, ..)| s.id.0).collect::<Vec<_>>(),
        actors.core_group as UserId,
        &assessed
            .iter()
            .map(|(_, _, c, _)| (*c).to_owned())
            .collect::<Vec<_>>(),
        &assessed
            .iter()
            .map(|(.., l)| l.map(str::to_owned))
            .collect::<Vec<_>>() as &[Option<String>],
        &assessed.iter().map(|(_, at, ..)| *at).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"insert into case_team (case_id, user_id, added_by, added_at)
           select case_id, $2, $3, added_at
           from unnest($1::uuid[], $4::timestamptz[]) as t(case_id, added_at)"#,
        &assessed.iter().map(|(s, ..)| s.id.0).collect::<Vec<_>>(),
        actors.core_group as UserId,
        actors.coordinator as UserId,
        &assessed
            .iter()
            .map(|(s, ..)| s.triage.map_or(s.opened_at, |(at, _)| at))
            .collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    let planned: Vec<(&Story, OffsetDateTime)> = stories
        .iter()
        .filter_map(|s| s.plan_at.map(|at| (s, at)))
        .collect();
    sqlx::query!(
        r#"insert into action_plans (case_id, plan_coordinator_user_id, goals, notification_made,
                                     notification_date, notification_authority,
                                     notification_receipt_due, notification_confirmed_at,
                                     notification_confirmed_by, created_at, updated_at)
           select case_id, $2, 'Demo-data: mål for forløbet.', case when minor then true end,
                  case when minor then (created_at at time zone 'Europe/Copenhagen')::date end,
                  case when minor then 'Børn og Familie, Myndighed' end,
                  case when minor then (created_at at time zone 'Europe/Copenhagen')::date + 8 end,
                  case when minor then created_at + interval '3 days' end,
                  case when minor then $2::uuid end,
                  created_at, created_at
           from unnest($1::uuid[], $3::bool[], $4::timestamptz[]) as t(case_id, minor, created_at)"#,
        &planned.iter().map(|(s, _)| s.id.0).collect::<Vec<_>>(),
        actors.coordinator as UserId,
        &planned.iter().map(|(s, _)| s.minor).collect::<Vec<_>>(),
        &planned.iter().map(|(_, at)| *at).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;

    // Interventions: done where the case has closed, active where it is still running.
    let mut i_case = Vec::new();
    let mut i_type = Vec::new();
    let mut i_authority = Vec::new();
    let mut i_basis = Vec::new();
    let mut i_start = Vec::new();
    let mut i_review = Vec::new();
    let mut i_status = Vec::new();
    let mut i_created = Vec::new();
    for s in stories {
        let age = if s.minor {
            AgeGroup::Under18
        } else {
            AgeGroup::Adult
        };
        for &(type_id, start) in &s.interventions {
            i_case.push(s.id.0);
            i_type.push(type_id.to_owned());
            i_authority.push(if s.minor {
                "Børn og Familie".to_owned()
            } else {
                "Social og Arbejdsmarked".to_owned()
            });
            i_basis.push(LegalBasis::default_for(age).as_str().to_owned());
            i_start.push(start);
            let closed = s.closed_at();
            i_review.push(match closed {
                Some(at) => today_copenhagen(at),
                None => s
                    .next_review
                    .unwrap_or_else(|| crate::domain::calendar::add_months(start, 3)),
            });
            i_status.push(
                if closed.is_some() {
                    "completed"
                } else {
                    "active"
                }
                .to_owned(),
            );
            i_created.push(s.plan_at.unwrap_or(s.opened_at));
        }
    }
    sqlx::query!(
        r#"insert into interventions (id, case_id, municipality_id, type_id, owner_user_id,
                                      authority, legal_basis, start_date, next_review_date, status,
                                      created_at, updated_at)
           select gen_random_uuid(), t.case_id, c.municipality_id, t.type_id, $2, t.authority,
                  t.basis, t.start_date, t.review_date, t.status, t.created_at, t.created_at
           from unnest($1::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[],
                       $8::text[], $9::timestamptz[])
                as t(case_id, type_id, authority, basis, start_date, review_date, status, created_at)
           join cases c on c.id = t.case_id"#,
        &i_case,
        actors.core_group as UserId,
        &i_type,
        &i_authority,
        &i_basis,
        &i_start,
        &i_review,
        &i_status,
        &i_created,
    )
    .execute(&mut *conn)
    .await?;

    // Closings: every closing step, reopened cases included.
    let mut k_case = Vec::new();
    let mut k_reason = Vec::new();
    let mut k_at = Vec::new();
    for s in stories {
        for step in s.steps.iter().filter(|st| st.to == "closed") {
            k_case.push(s.id.0);
            k_reason.push(
                match step.mv {
                    "screening_not_for_infohus" => "not_for_infohus",
                    "triage_outside_remit" => "outside_remit",
                    "assessment_no_basis" => "no_basis",
                    "close_goals_met" => "goals_met",
                    "close_moved" => "moved",
                    "close_duplicate" => "duplicate",
                    _ => "ended_otherwise",
                }
                .to_owned(),
            );
            k_at.push(step.at);
        }
    }
    sqlx::query!(
        r#"insert into case_closings (id, case_id, municipality_id, closed_by, reason, evaluation,
                                      closed_at)
           select gen_random_uuid(), t.case_id, c.municipality_id, $2, t.reason, 'Demo-data.',
                  t.closed_at
           from unnest($1::uuid[], $3::text[], $4::timestamptz[]) as t(case_id, reason, closed_at)
           join cases c on c.id = t.case_id"#,
        &k_case,
        actors.coordinator as UserId,
        &k_reason,
        &k_at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Human references (`RAN-2025-0042`) from the municipality's yearly counter, reserved in one
/// step per municipality and year, so that cases opened later never collide with these.
async fn allocate_references(
    conn: &mut PgConnection,
    stories: &[Story],
) -> anyhow::Result<Vec<String>> {
    let mut groups: BTreeMap<(Uuid, i32), Vec<usize>> = BTreeMap::new();
    for (i, s) in stories.iter().enumerate() {
        let year = crate::domain::calendar::to_copenhagen(s.opened_at).year();
        groups
            .entry((s.municipality_id.0, year))
            .or_default()
            .push(i);
    }
    let mut references = vec![String::new(); stories.len()];
    for ((municipality, year), members) in groups {
        let count = i32::try_from(members.len())?;
        let last = sqlx::query_scalar!(
            r#"insert into case_reference_counters (municipality_id, year, last_number)
               values ($1, $2, $3)
               on conflict (municipality_id, year)
               do update set last_number = case_reference_counters.last_number + excluded.last_number
               returning last_number"#,
            municipality,
            year,
            count,
        )
        .fetch_one(&mut *conn)
        .await?;
        for (k, &i) in members.iter().enumerate() {
            let number = last - count + 1 + i32::try_from(k)?;
            references[i] = format!("{}-{year}-{number:04}", stories[i].reference_prefix);
        }
    }
    Ok(references)
}

// ---------------------------------------------------------------------------------------------
// Generating stories
// ---------------------------------------------------------------------------------------------

/// A linear congruential generator: deterministic, dependency-free, good enough for demo data.
#[derive(Debug, Clone)]
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// From 0 to n - 1.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below(u64::try_from(high - low + 1).unwrap_or(1)) as i64
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    pub fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total);
        for &(item, weight) in items {
            if roll < weight {
                return item;
            }
            roll -= weight;
        }
        items[0].0
    }
}

const FIRST_NAMES: &[&str] = &[
    "Mikkel", "Sara", "Ahmad", "Freja", "Jonas", "Amalie", "Yusuf", "Ida", "Oliver", "Laura",
    "Emil", "Nour", "Mathias", "Clara", "Lukas", "Maja", "Ali", "Signe", "Noah", "Asta",
];
const LAST_NAMES: &[&str] = &[
    "Andersen",
    "Hansen",
    "Pedersen",
    "Nielsen",
    "Jensen",
    "Larsen",
    "Rasmussen",
    "Sørensen",
    "Christensen",
    "Poulsen",
    "Johansen",
    "Khalil",
    "Møller",
    "Mortensen",
    "Holm",
    "Yilmaz",
];

/// Up to `count` case stories of one municipality, their first concern filed between `from`
/// and `until`, each taken as far through the flow as the time up to `now` allows.
pub fn generate(
    rng: &mut Lcg,
    municipality: &Municipality,
    units: &[UnitId],
    (from, until): (OffsetDateTime, OffsetDateTime),
    now: OffsetDateTime,
    count: usize,
) -> Vec<Story> {
    let span = (until - from).whole_seconds().max(1);
    let mut stories = Vec::with_capacity(count);
    for _ in 0..count {
        let filed = from + Duration::seconds(rng.between(0, span - 1));
        let opened = filed + Duration::hours(rng.between(2, 72));
        if opened >= now {
            continue;
        }
        let minor = rng.percent(55);
        let kind = rng.weighted(&[
            ("right_wing_extremism", 35),
            ("islamist_extremism", 30),
            ("other_or_unclear", 20),
            ("left_wing_extremism", 8),
            ("school_shooting", 7),
        ]);
        let source = rng.weighted(&[
            ("staff", 45),
            ("leader", 12),
            ("key_employee", 5),
            ("citizen", 12),
            ("police", 10),
            ("other_authority", 10),
            ("coordinator", 3),
            ("core_group", 3),
        ]);
        let unit = match source {
            "staff" | "leader" | "key_employee" if !units.is_empty() => {
                Some(units[rng.below(units.len() as u64) as usize])
            }
            _ => None,
        };
        let name = format!(
            "{} {}",
            FIRST_NAMES[rng.below(FIRST_NAMES.len() as u64) as usize],
            LAST_NAMES[rng.below(LAST_NAMES.len() as u64) as usize]
        );
        let mut story = Story::new(
            municipality,
            &name,
            minor,
            kind,
            source,
            unit,
            filed,
            opened,
        );
        story.approx_age = if minor {
            rng.between(12, 17) as i16
        } else {
            rng.between(18, 45) as i16
        };
        story.reporter_name = match source {
            "citizen" => Some("Demo-borger".to_owned()),
            "other_authority" => Some("Kriminalforsorgen (demo)".to_owned()),
            _ => None,
        };
        let mut story = live(rng, story, now);
        if story.stage() != "closed" {
            // A running plan is reviewed on time in the demo: the overdue work in the queues
            // is the other demo cases' to show.
            story.next_review = Some(today_copenhagen(now) + Duration::days(rng.between(7, 80)));
        }
        stories.push(story);
    }
    stories
}

/// Takes a story through the flow, a random time per step, until a step would lie after `until`.
fn live(rng: &mut Lcg, story: Story, until: OffsetDateTime) -> Story {
    let mut s = story;
    let mut t = s.opened_at + Duration::hours(rng.between(2, 48));
    if t >= until {
        return s;
    }
    s = s.send_to_screening(t);
    t += Duration::hours(rng.between(20, 240));
    if t >= until {
        return s;
    }
    let cleared = !rng.percent(8);
    s = s.screened(t, cleared);
    if !cleared {
        return s;
    }
    t += Duration::hours(rng.between(48, 500));
    if t >= until {
        return s;
    }
    let within = !rng.percent(12);
    s = s.triaged(t, within);
    if !within {
        return s;
    }
    t += Duration::hours(rng.between(7 * 24, 45 * 24));
    if t >= until {
        return s;
    }
    let level = if rng.percent(25) {
        None
    } else if rng.percent(65) {
        Some("preemptive")
    } else {
        Some("intervening")
    };
    s = s.assessed(t, level);
    if level.is_none() {
        return s;
    }
    let age = if s.minor {
        AgeGroup::Under18
    } else {
        AgeGroup::Adult
    };
    let types: Vec<&'static str> = INTERVENTION_TYPES
        .iter()
        .filter(|i| i.age == age && !i.id.starts_with("other_"))
        .map(|i| i.id)
        .collect();
    for _ in 0..rng.between(1, 3) {
        let start = t + Duration::days(rng.between(0, 20));
        if start < until && !types.is_empty() {
            let type_id = types[rng.below(types.len() as u64) as usize];
            s = s.intervention(type_id, today_copenhagen(start));
        }
    }
    t += Duration::hours(rng.between(5 * 24, 25 * 24));
    if t >= until {
        return s;
    }
    s = s.follow_up(t);
    let close = t + Duration::days(rng.between(60, 400));
    if rng.percent(15) {
        let again = s.opened_at + Duration::days(rng.between(30, 300));
        if again > t && again < until && again < close {
            s = s.repeat_concern(again);
        }
    }
    t = close;
    if t >= until {
        return s;
    }
    let reason = rng.weighted(&[("goals_met", 65), ("ended_otherwise", 20), ("moved", 15)]);
    s.closed(t, reason)
}

/// Looks a demo user up by e-mail.
async fn user(conn: &mut PgConnection, email: &str) -> anyhow::Result<UserId> {
    sqlx::query_scalar!(
        r#"select id as "id: UserId" from users where email = $1"#,
        email
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| anyhow::anyhow!("the demo user {email} is missing"))
}

/// How many cases each municipality gets over the two years.
fn demo_case_count(slug: &str) -> usize {
    match slug {
        "randers" => 260,
        _ => 170,
    }
}

/// The demo history of every municipality: two years of cases up to now.
pub async fn seed(state: &AppState, conn: &mut PgConnection) -> anyhow::Result<()> {
    let now = state.clock.now();
    let from = now - Duration::days(730);
    for (i, m) in state.tenants.municipalities.iter().enumerate() {
        let actors = Actors {
            coordinator: user(conn, &format!("coordinator@{}.demo", m.slug)).await?,
            police: user(conn, &format!("police@{}.demo", m.police_district_slug)).await?,
            core_group: user(conn, &format!("core_group@{}.demo", m.slug)).await?,
        };
        let units: Vec<UnitId> = crate::store::tenants::units(&mut *conn, m.id)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let mut rng = Lcg::new(2026 + i as u64);
        let stories = generate(
            &mut rng,
            m,
            &units,
            (from, now),
            now,
            demo_case_count(&m.slug),
        );
        write(conn, &stories, actors).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_spread() {
        let mut a = Lcg::new(1);
        let mut b = Lcg::new(1);
        let xs: Vec<u64> = (0..20).map(|_| a.below(1000)).collect();
        let ys: Vec<u64> = (0..20).map(|_| b.below(1000)).collect();
        assert_eq!(xs, ys);
        let mut c = Lcg::new(2);
        let zs: Vec<u64> = (0..20).map(|_| c.below(1000)).collect();
        assert_ne!(xs, zs);
        let mut r = Lcg::new(3);
        let hits = (0..10_000).filter(|_| r.percent(25)).count();
        assert!((2_200..2_800).contains(&hits), "{hits}");
        assert!((0..1000).all(|_| (5..=9).contains(&r.between(5, 9))));
    }
}
