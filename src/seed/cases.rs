//! Demo cases: in both municipalities a named case in every stage of the workflow, an overdue
//! screening, an overdue review, and a closed case for each way out (not for Infohus, outside
//! the remit, no basis, goals met with an evaluation and its reviews after closing), so that every
//! demo user finds something that is theirs to do. Written with the workflow's own store
//! functions, each step dated in the past as if it had been taken then.

use anyhow::Context;
use sqlx::PgConnection;
use time::{Date, Duration, OffsetDateTime};

use crate::AppState;
use crate::domain::calendar::{add_months, add_working_days, today_copenhagen};
use crate::domain::catalogue::{
    ASSESSMENT_FACTORS, AgeGroup, CloseReason, ConcernKind, InterventionStatus, LegalBasis, Level,
    Rating,
};
use crate::domain::ids::{CaseId, UserId};
use crate::domain::intake::ConcernSource;
use crate::domain::intake::concern::{Subject, ValidConcern};
use crate::domain::notification::Notification;
use crate::domain::workflow::{
    Conclusion, Move, ScreeningOutcome, Stage, TriageOutcome, TriageSide,
    schedules_post_closure_reviews,
};
use crate::store::cases::{
    self as store, Change, LevelChange, assessment, closing, plan, review, screening,
};
use crate::store::cases::{self, NewCase};
use crate::store::concerns::{self, NewConcern};
use crate::store::tenants::Municipality;
use crate::store::users::{self, User};

/// How far along a demo case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    Received,
    Screening { overdue: bool },
    Triage,
    Assessment,
    ActionPlan,
    FollowUp { review_overdue: bool },
    NotForInfohus,
    OutsideRemit,
    NoBasis,
    GoalsMet,
}

struct Demo {
    subject: &'static str,
    minor: bool,
    age: i16,
    kind: ConcernKind,
    observation: &'static str,
    signs: &'static [&'static str],
    goal: Goal,
}

const fn demo(
    subject: &'static str,
    minor: bool,
    age: i16,
    kind: ConcernKind,
    observation: &'static str,
    signs: &'static [&'static str],
    goal: Goal,
) -> Demo {
    Demo {
        subject,
        minor,
        age,
        kind,
        observation,
        signs,
        goal,
    }
}

/// The addresses the demo knows, and whether the person has name and address protection: Asta
/// and Selma show how a protected address looks to each role.
fn demo_address(subject: &str) -> (Option<&'static str>, bool) {
    match subject {
        "Noah Brandt" => (Some("Vestergade 14, 8900 Randers C"), false),
        "Asta Lind" => (Some("Skovbakken 3, 1. tv., 8920 Randers NV"), true),
        "Yusuf Demir" => (Some("Banegårdsvej 21, 2750 Ballerup"), false),
        "Selma Aziz" => (Some("Rosenlunden 7, st. th., 2750 Ballerup"), true),
        _ => (None, false),
    }
}

const RANDERS: &[Demo] = &[
    demo(
        "Noah Brandt",
        true,
        15,
        ConcernKind::RightWingExtremism,
        "Noah har tegnet hagekors i sine hæfter og taler nedsættende om elever med anden etnisk baggrund.",
        &[
            "extremist_symbols_or_appearance",
            "contempt_for_others_views",
        ],
        Goal::Received,
    ),
    demo(
        "Mathias Holt",
        true,
        16,
        ConcernKind::IslamistExtremism,
        "Mathias har trukket sig fra vennerne og deler videoer fra en prædikant, der hylder martyrdød.",
        &[
            "isolates_from_family_and_friends",
            "seeks_extremist_material",
        ],
        Goal::Screening { overdue: true },
    ),
    demo(
        "Liva Dam",
        true,
        17,
        ConcernKind::SchoolShooting,
        "Liva har skrevet i en chat, at hun vil 'gøre som i Columbine' og spurgt til våben.",
        &["fixated_on_cause_or_person", "access_to_weapons"],
        Goal::Screening { overdue: false },
    ),
    demo(
        "Elias Vinther",
        false,
        19,
        ConcernKind::RightWingExtremism,
        "Elias er droppet ud af uddannelsen og deltager i lukkede grupper med voldsforherligende indhold.",
        &["breaks_ties_with_society", "spreads_violent_messages"],
        Goal::Triage,
    ),
    demo(
        "Sofus Bech",
        true,
        14,
        ConcernKind::OtherOrUnclear,
        "Sofus er blevet optaget af konspirationsteorier og truer klassekammerater, der er uenige.",
        &["threatens_or_pressures_others", "preaching_and_moralising"],
        Goal::Assessment,
    ),
    demo(
        "Asta Lind",
        true,
        16,
        ConcernKind::IslamistExtremism,
        "Asta har fortalt en lærer, at hun er blevet kontaktet af en ældre mand, der vil have hende til at rejse.",
        &["recruited_online", "interest_in_conflict_travel"],
        Goal::ActionPlan,
    ),
    demo(
        "Carl Winther",
        true,
        17,
        ConcernKind::RightWingExtremism,
        "Carl bærer symboler fra en nynazistisk gruppe og har været i slagsmål efter en demonstration.",
        &["violence_readiness", "associates_with_extremists"],
        Goal::FollowUp {
            review_overdue: true,
        },
    ),
    demo(
        "Johan Krag",
        false,
        22,
        ConcernKind::LeftWingExtremism,
        "Johan opfordrer på sociale medier til hærværk mod virksomheder og har været anholdt for det.",
        &["spreads_violent_messages", "criminal_environment"],
        Goal::FollowUp {
            review_overdue: false,
        },
    ),
    demo(
        "Malte Rask",
        true,
        15,
        ConcernKind::RightWingExtremism,
        "Malte delte racistiske memes og sagde, at 'nogen burde gøre noget ved det'.",
        &["spreads_violent_messages", "contempt_for_others_views"],
        Goal::GoalsMet,
    ),
    demo(
        "Sebastian Friis",
        false,
        24,
        ConcernKind::IslamistExtremism,
        "Sebastian har været i kontakt med personer, politiet efterforsker.",
        &["associates_with_extremists"],
        Goal::NotForInfohus,
    ),
    demo(
        "Ella Bruun",
        true,
        13,
        ConcernKind::OtherOrUnclear,
        "Ella er meget ked af det derhjemme og har skrevet mørke digte om vold.",
        &[
            "poor_wellbeing_or_psychiatric_diagnosis",
            "dysfunctional_family",
        ],
        Goal::OutsideRemit,
    ),
    demo(
        "Anton Skov",
        true,
        16,
        ConcernKind::IslamistExtremism,
        "Anton er begyndt at bede og faste og har fået skæg; lærerne er usikre på, om det er bekymrende.",
        &["preaching_and_moralising"],
        Goal::NoBasis,
    ),
];

const BALLERUP: &[Demo] = &[
    demo(
        "Yusuf Demir",
        true,
        16,
        ConcernKind::IslamistExtremism,
        "Yusuf viser klubben videoer fra en terrororganisation og siger, at de er helte.",
        &["spreads_violent_messages", "fixated_on_cause_or_person"],
        Goal::Received,
    ),
    demo(
        "Frederik Lund",
        false,
        20,
        ConcernKind::RightWingExtremism,
        "Frederik har fortalt sin mentor, at han træner med en gruppe, der 'forbereder sig på racekrigen'.",
        &["violence_readiness", "associates_with_extremists"],
        Goal::Screening { overdue: true },
    ),
    demo(
        "Nora Eriksen",
        true,
        15,
        ConcernKind::SchoolShooting,
        "Nora har lavet en liste over elever, hun 'vil have ram på', og søger efter skyderier online.",
        &["threatens_or_pressures_others", "seeks_extremist_material"],
        Goal::Screening { overdue: false },
    ),
    demo(
        "Adam Hussein",
        true,
        17,
        ConcernKind::IslamistExtremism,
        "Adam er holdt op med at komme i klubben og bruger tid med ældre mænd fra et kendt miljø.",
        &[
            "isolates_from_family_and_friends",
            "associates_with_extremists",
        ],
        Goal::Triage,
    ),
    demo(
        "Villads Bak",
        false,
        18,
        ConcernKind::LeftWingExtremism,
        "Villads har truet en lærer på FGU og skrevet, at 'systemet skal brændes ned'.",
        &["threatens_or_pressures_others", "contempt_for_others_views"],
        Goal::Assessment,
    ),
    demo(
        "Selma Aziz",
        true,
        14,
        ConcernKind::IslamistExtremism,
        "Selmas storebror er rejst til en konfliktzone, og hun taler om at følge efter.",
        &["interest_in_conflict_travel", "dysfunctional_family"],
        Goal::ActionPlan,
    ),
    demo(
        "Magnus Holm",
        false,
        21,
        ConcernKind::RightWingExtremism,
        "Magnus har mistet sit job, isolerer sig og deler manifester fra højreekstreme gerningsmænd.",
        &["breaks_ties_with_society", "seeks_extremist_material"],
        Goal::FollowUp {
            review_overdue: true,
        },
    ),
    demo(
        "Ibrahim Khan",
        true,
        16,
        ConcernKind::IslamistExtremism,
        "Ibrahim har sagt i klassen, at vantro fortjener at dø.",
        &["contempt_for_others_views"],
        Goal::GoalsMet,
    ),
    demo(
        "Rasmus Juul",
        false,
        27,
        ConcernKind::RightWingExtremism,
        "Rasmus er sigtet for vold mod en moské.",
        &["violence_readiness"],
        Goal::NotForInfohus,
    ),
    demo(
        "Laura Vestergaard",
        true,
        15,
        ConcernKind::OtherOrUnclear,
        "Laura skærer i sig selv og har fortalt, at hun ikke vil leve mere.",
        &["poor_wellbeing_or_psychiatric_diagnosis"],
        Goal::OutsideRemit,
    ),
    demo(
        "Oskar Møller",
        true,
        13,
        ConcernKind::RightWingExtremism,
        "Oskar spiller et spil med nazistiske symboler; forældrene er urolige.",
        &["extremist_symbols_or_appearance"],
        Goal::NoBasis,
    ),
];

async fn user(conn: &mut PgConnection, email: &str) -> anyhow::Result<User> {
    let id = users::credentials_by_email(&mut *conn, email)
        .await?
        .with_context(|| format!("demo user {email}"))?
        .id;
    users::by_id(&mut *conn, id)
        .await?
        .with_context(|| format!("demo user {email}"))
}

/// The demo users who work a municipality's cases.
struct People {
    staff: User,
    coordinator: UserId,
    police: UserId,
    core: UserId,
}

/// A case as the seed moves it: where it stands and at which version.
struct Cursor {
    id: CaseId,
    stage: Stage,
    version: i32,
}

impl Cursor {
    /// One version-checked step, with its history row.
    async fn step(
        &mut self,
        conn: &mut PgConnection,
        change: impl FnOnce(&mut Change<'_>),
        to: Stage,
        code: &str,
        actor: UserId,
        at: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let mut c = Change {
            case_id: self.id,
            version: self.version,
            from: self.stage,
            to,
            code,
            reason: None,
            actor,
            at,
            screening_due: None,
            level: LevelChange::Keep,
            close_reason: None,
        };
        change(&mut c);
        anyhow::ensure!(store::apply(conn, &c).await?, "a demo case moved under us");
        self.stage = to;
        self.version += 1;
        Ok(())
    }
}

fn days_ago(now: OffsetDateTime, days: i64) -> OffsetDateTime {
    now - Duration::days(days)
}

/// When the story starts, in days before now, so that every step lies in the past and the
/// deadlines fall where the goal needs them.
fn start_days(goal: Goal) -> i64 {
    match goal {
        Goal::Received => 1,
        Goal::Screening { overdue: true } => 14,
        Goal::Screening { overdue: false } => 3,
        Goal::Triage => 8,
        Goal::Assessment => 15,
        Goal::ActionPlan => 30,
        Goal::FollowUp { .. } => 120,
        Goal::GoalsMet => 420,
        // Closed at the screening some 170 days ago: with the profiles' six months, due for
        // deletion within a fortnight, so the coordinator's "Sletning" has something to show.
        Goal::NotForInfohus => 173,
        Goal::OutsideRemit | Goal::NoBasis => 60,
    }
}

pub async fn seed(state: &AppState, conn: &mut PgConnection) -> anyhow::Result<()> {
    let now = state.clock.now();
    for m in &state.tenants.municipalities {
        let stories = match m.slug.as_str() {
            "randers" => RANDERS,
            "ballerup" => BALLERUP,
            _ => continue,
        };
        let district = m.police_district_slug.clone();
        let people = People {
            staff: user(conn, &format!("staff@{}.demo", m.slug)).await?,
            coordinator: user(conn, &format!("coordinator@{}.demo", m.slug))
                .await?
                .id,
            police: user(conn, &format!("police@{district}.demo")).await?.id,
            core: user(conn, &format!("core_group@{}.demo", m.slug)).await?.id,
        };
        for story in stories {
            seed_case(conn, m, &people, story, now).await?;
        }
    }
    Ok(())
}

async fn seed_case(
    conn: &mut PgConnection,
    m: &Municipality,
    p: &People,
    d: &Demo,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let start = start_days(d.goal);
    let at = |days_before_now: i64| days_ago(now, days_before_now);
    let filed = at(start + 1);
    let (address, protected) = demo_address(d.subject);

    // The concern, and the case the coordinator opened for it.
    let concern = concerns::file(
        conn,
        &NewConcern {
            municipality_id: m.id,
            status: crate::domain::workflow::ConcernStatus::Received,
            source: ConcernSource::Staff,
            reporter_user_id: Some(p.staff.id),
            unit_id: p.staff.unit_id,
            concern: ValidConcern {
                subject: Subject {
                    name: d.subject.to_owned(),
                    birth_date: None,
                    approx_age: Some(d.age),
                    is_minor: d.minor,
                    cpr: None,
                    address: address.map(str::to_owned),
                    address_protected: protected,
                },
                connection: Some("Kendt fra enheden".to_owned()),
                observation: d.observation.to_owned(),
                observed_when: Some("De seneste uger".to_owned()),
                observed_where: Some("I dagligdagen i enheden".to_owned()),
                warning_signs: d.signs.iter().map(|s| (*s).to_owned()).collect(),
                kind: d.kind,
                leader_informed: Some(true),
                parents_informed: d.minor.then_some(false),
                key_employee_involved: Some(false),
                reporter_name: Some(p.staff.name.clone()),
                reporter_email: Some(p.staff.email.clone()),
                reporter_phone: None,
                direct_to_infohus: false,
                direct_reason: None,
            },
            receipt_code_hash: None,
        },
        filed,
    )
    .await?;
    let (id, _) = cases::open(
        conn,
        &NewCase {
            municipality_id: m.id,
            subject_name: d.subject.to_owned(),
            subject_birth_date: None,
            subject_approx_age: Some(d.age),
            subject_is_minor: d.minor,
            subject_cpr: None,
            subject_address: address.map(str::to_owned),
            subject_address_protected: protected,
        },
        &m.profile.reference_prefix,
        p.coordinator,
        at(start),
    )
    .await
    .map_err(|e| anyhow::anyhow!("opening a demo case: {e}"))?;
    anyhow::ensure!(
        concerns::link(conn, concern, 1, id, p.coordinator, None, at(start)).await?,
        "linking a demo concern"
    );
    let mut case = Cursor {
        id,
        stage: Stage::Received,
        version: 1,
    };
    if d.goal == Goal::Received {
        return Ok(());
    }

    // Sent to the police.
    let sent = match d.goal {
        Goal::Screening { overdue: false } => at(1),
        _ => at(start - 1),
    };
    let due = add_working_days(
        today_copenhagen(sent),
        m.profile.deadlines.screening_working_days,
    );
    case.step(
        conn,
        |c| c.screening_due = Some(due),
        Stage::Screening,
        Move::SendToScreening.code(),
        p.coordinator,
        sent,
    )
    .await?;
    if matches!(d.goal, Goal::Screening { .. }) {
        return Ok(());
    }

    // Screened by the police.
    let screened = at(start - 3);
    if d.goal == Goal::NotForInfohus {
        case.step(
            conn,
            |c| c.close_reason = Some(CloseReason::NotForInfohus),
            Stage::Closed,
            Move::ScreeningNotForInfohus.code(),
            p.police,
            screened,
        )
        .await?;
        screening::record_screening(
            &mut *conn,
            id,
            p.police,
            ScreeningOutcome::NotForInfohus,
            Some("Personen indgår i en verserende efterforskning."),
            screened,
        )
        .await?;
        closing::record(
            conn,
            id,
            p.police,
            CloseReason::NotForInfohus,
            None,
            &[],
            screened,
        )
        .await?;
        return Ok(());
    }
    case.step(
        conn,
        |_| {},
        Stage::Triage,
        Move::ScreeningCleared.code(),
        p.police,
        screened,
    )
    .await?;
    screening::record_screening(
        &mut *conn,
        id,
        p.police,
        ScreeningOutcome::Cleared,
        Some("Intet i politiets registre, der hindrer Infohus."),
        screened,
    )
    .await?;
    if d.goal == Goal::Triage {
        return Ok(());
    }

    // The joint triage.
    let triaged = at(start - 5);
    let outside = d.goal == Goal::OutsideRemit;
    let referred = "Børn og Familie, Myndighed, efter Barnets lov";
    case.step(
        conn,
        |c| {
            if outside {
                c.close_reason = Some(CloseReason::OutsideRemit);
                c.reason = Some(referred);
            }
        },
        if outside {
            Stage::Closed
        } else {
            Stage::Assessment
        },
        if outside {
            Move::TriageOutsideRemit.code()
        } else {
            Move::TriageWithinRemit.code()
        },
        p.coordinator,
        triaged,
    )
    .await?;
    // The coordinator proposes at the meeting and the police confirm there and then.
    let proposal = screening::propose_triage(
        &mut *conn,
        &screening::NewProposal {
            case: id,
            proposed_by: p.coordinator,
            side: TriageSide::Coordinator,
            outcome: if outside {
                TriageOutcome::OutsideRemit
            } else {
                TriageOutcome::WithinRemit
            },
            referred_to: outside.then_some(referred),
            note: Some("Drøftet på Infohus-mødet."),
            at: triaged,
        },
    )
    .await?;
    screening::confirm_proposal(&mut *conn, id, proposal, p.police, triaged).await?;
    if outside {
        closing::record(
            conn,
            id,
            p.coordinator,
            CloseReason::OutsideRemit,
            Some(referred),
            &[],
            triaged,
        )
        .await?;
        return Ok(());
    }

    // The core group joins the case.
    case.step(
        conn,
        |c| c.reason = Some("Kernegruppen"),
        Stage::Assessment,
        "team_added",
        p.coordinator,
        triaged,
    )
    .await?;
    store::add_to_team(&mut *conn, id, p.core, p.coordinator, triaged).await?;
    if d.goal == Goal::Assessment {
        return Ok(());
    }

    // The assessment.
    let assessed = at(start - 10);
    let no_basis = d.goal == Goal::NoBasis;
    let level = (!no_basis).then_some(Level::Preemptive);
    let ratings: Vec<(&'static str, Rating)> = ASSESSMENT_FACTORS
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let r = match (no_basis, i % 4) {
                (true, _) => Rating::NotSeen,
                (false, 0) => Rating::Some,
                (false, 1) => Rating::Marked,
                (false, 2) => Rating::NotSeen,
                _ => Rating::Unknown,
            };
            (f.id, r)
        })
        .collect();
    let conclusion = if no_basis {
        Conclusion::NoBasis
    } else {
        Conclusion::Basis
    };
    case.step(
        conn,
        |c| {
            c.level = LevelChange::Set(level);
            if no_basis {
                c.close_reason = Some(CloseReason::NoBasis);
            }
        },
        if no_basis {
            Stage::Closed
        } else {
            Stage::ActionPlan
        },
        conclusion.as_move().code(),
        p.core,
        assessed,
    )
    .await?;
    assessment::record(
        conn,
        &assessment::NewAssessment {
            case: id,
            assessed_by: p.core,
            meeting_date: today_copenhagen(assessed),
            analysis_person: "Trives dårligt og har svært ved at finde sin plads i skolen.",
            analysis_network: "Har mistet gamle venner og søger fællesskab online.",
            analysis_ideology: if no_basis {
                "Ingen tegn på ekstreme synspunkter; en religiøs eller kulturel interesse."
            } else {
                "Optaget af ekstreme synspunkter, som legitimerer vold."
            },
            analysis_intent_capability: "Ingen tegn på konkrete planer eller adgang til våben.",
            conclusion,
            level,
            ratings: &ratings,
            at: assessed,
        },
    )
    .await?;
    if no_basis {
        closing::record(conn, id, p.core, CloseReason::NoBasis, None, &[], assessed).await?;
        return Ok(());
    }

    // The plan and its interventions.
    let planned = at(start - 14);
    case.step(
        conn,
        |_| {},
        Stage::ActionPlan,
        Move::SavePlan.code(),
        p.core,
        planned,
    )
    .await?;
    let notification = d.minor.then(|| Notification::Made {
        sent: today_copenhagen(planned),
        authority: "Børn og Familie, Myndighed".to_owned(),
    });
    plan::save_plan(
        &mut *conn,
        id,
        &plan::PlanInput {
            plan_coordinator: p.core,
            goals: "Fastholdelse i skole eller job, et fællesskab uden for miljøet og en voksen at tale med.",
            notification: notification.as_ref(),
        },
        planned,
    )
    .await?;
    // The receipt is confirmed a few days after sending, except on the newest plan, where the
    // plan coordinator still has it as a task (overdue by now).
    if notification.is_some() && d.goal != Goal::ActionPlan {
        let confirmed = planned + Duration::days(3);
        case.step(
            conn,
            |_| {},
            Stage::ActionPlan,
            Move::ConfirmNotificationReceipt.code(),
            p.core,
            confirmed,
        )
        .await?;
        plan::confirm_notification_receipt(conn, id, p.core, confirmed).await?;
    }
    let today = today_copenhagen(now);
    let age = if d.minor {
        AgeGroup::Under18
    } else {
        AgeGroup::Adult
    };
    let review_date: Date = match d.goal {
        Goal::FollowUp {
            review_overdue: true,
        } => today - Duration::days(9),
        Goal::FollowUp {
            review_overdue: false,
        } => today + Duration::days(10),
        _ => add_months(
            today_copenhagen(planned),
            m.profile.deadlines.review_interval_months,
        ),
    };
    let type_id = if d.minor {
        "mentor_under_18"
    } else {
        "mentor_adult"
    };
    let authority = if d.minor {
        "Børn og Familie, Myndighed"
    } else {
        "Jobcenter, Voksenområdet"
    };
    case.step(
        conn,
        |c| c.reason = Some("Mentor"),
        Stage::ActionPlan,
        "intervention_added",
        p.core,
        planned,
    )
    .await?;
    let intervention = plan::insert_intervention(
        &mut *conn,
        id,
        &plan::InterventionInput {
            type_id,
            type_other: None,
            owner: p.core,
            authority,
            legal_basis: LegalBasis::default_for(age),
            legal_basis_other: None,
            start_date: today_copenhagen(planned),
            next_review_date: review_date,
            status: InterventionStatus::Active,
        },
        planned,
    )
    .await?;
    if d.goal == Goal::ActionPlan {
        return Ok(());
    }
    case.step(
        conn,
        |_| {},
        Stage::FollowUp,
        Move::StartFollowUp.code(),
        p.core,
        planned,
    )
    .await?;
    if matches!(d.goal, Goal::FollowUp { .. }) {
        return Ok(());
    }

    // Goals met: a review, then the closing with an evaluation and the reviews after it.
    let reviewed = at(start - 100);
    case.step(
        conn,
        |_| {},
        Stage::FollowUp,
        Move::RecordReview.code(),
        p.core,
        reviewed,
    )
    .await?;
    review::record(
        conn,
        id,
        p.core,
        "Fremmøde i skolen er stabilt, og mentorforløbet er afsluttet.",
        add_months(
            today_copenhagen(reviewed),
            m.profile.deadlines.review_interval_months,
        ),
        &[review::ReviewItemInput {
            intervention,
            status: InterventionStatus::Completed,
            note: Some("Forløbet er gennemført som planlagt."),
        }],
        reviewed,
    )
    .await?;
    let closed = at(start - 220);
    let from = case.stage;
    case.step(
        conn,
        |c| c.close_reason = Some(CloseReason::GoalsMet),
        Stage::Closed,
        Move::Close(CloseReason::GoalsMet).code(),
        p.coordinator,
        closed,
    )
    .await?;
    let reviews: Vec<(u32, Date)> = if schedules_post_closure_reviews(from) {
        m.profile
            .deadlines
            .post_closure_review_months
            .iter()
            .map(|&months| (months, add_months(today_copenhagen(closed), months)))
            .collect()
    } else {
        Vec::new()
    };
    closing::record(
        conn,
        id,
        p.coordinator,
        CloseReason::GoalsMet,
        Some("Målene er nået: personen er fastholdt i skolen og har taget afstand fra miljøet."),
        &reviews,
        closed,
    )
    .await?;
    Ok(())
}
