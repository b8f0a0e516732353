//! Demo intake: concerns in every stage of intake in both municipalities, so that a newcomer
//! finds a living leader's inbox and intake queue: some waiting for the Randers leader, one sent
//! back with a question, some received (forwarded, sent directly, from citizens and the police),
//! one person with a repeat concern, and concerns already made into cases.

use anyhow::Context;
use sqlx::PgConnection;
use time::macros::date;
use time::{Date, Duration, OffsetDateTime};

use crate::AppState;
use crate::domain::catalogue::ConcernKind;
use crate::domain::ids::{ConcernId, UserId};
use crate::domain::intake::concern::{Subject, ValidConcern};
use crate::domain::intake::{self, AddendumKind, ConcernMove, ConcernSource, receipt};
use crate::store::cases::{self, NewCase};
use crate::store::concerns::{self, NewConcern};
use crate::store::tenants::Municipality;
use crate::store::users::{self, User};

/// The receipt codes of the demo citizens' reports, to try the status page with.
pub const DEMO_RECEIPT_CODES: &[(&str, &str)] = &[
    ("randers", "RAND-ERS2-DEMX-KVTT-2345"),
    ("ballerup", "BAKK-DEMX-KVTT-2345-6789"),
];

/// The person and what was seen, for one demo concern.
struct Story {
    subject: &'static str,
    birth: Option<Date>,
    approx_age: Option<i16>,
    minor: bool,
    cpr: Option<&'static str>,
    observation: &'static str,
    when: &'static str,
    place: &'static str,
    signs: &'static [&'static str],
    kind: ConcernKind,
}

async fn user(conn: &mut PgConnection, email: &str) -> anyhow::Result<User> {
    let id = users::credentials_by_email(&mut *conn, email)
        .await?
        .with_context(|| format!("demo user {email}"))?
        .id;
    users::by_id(&mut *conn, id)
        .await?
        .with_context(|| format!("demo user {email}"))
}

/// Files a story as `reporter` (or a citizen) `days_ago`, where intake would route it.
async fn file(
    conn: &mut PgConnection,
    m: &Municipality,
    reporter: Option<&User>,
    story: &Story,
    direct_reason: Option<&str>,
    receipt_code: Option<&str>,
    at: OffsetDateTime,
) -> anyhow::Result<ConcernId> {
    let source = match reporter {
        Some(u) => ConcernSource::for_roles(&u.roles).context("a demo reporter who may file")?,
        None => ConcernSource::Citizen,
    };
    let unit_id = reporter.and_then(|u| u.unit_id);
    let direct = direct_reason.is_some();
    let status = intake::initial_status(
        m.profile.routes_via_leader,
        source,
        unit_id.is_some(),
        direct,
    );
    let new = NewConcern {
        municipality_id: m.id,
        status,
        source,
        reporter_user_id: reporter.map(|u| u.id),
        unit_id,
        concern: ValidConcern {
            subject: Subject {
                name: story.subject.to_owned(),
                birth_date: story.birth,
                approx_age: story.approx_age,
                is_minor: story.minor,
                cpr: story.cpr.map(str::to_owned),
                address: None,
                address_protected: false,
            },
            connection: reporter.and(Some("Kendt fra enheden".to_owned())),
            observation: story.observation.to_owned(),
            observed_when: Some(story.when.to_owned()),
            observed_where: Some(story.place.to_owned()),
            warning_signs: story.signs.iter().map(|s| (*s).to_owned()).collect(),
            kind: story.kind,
            leader_informed: reporter.map(|_| !direct),
            parents_informed: story.minor.then_some(false),
            key_employee_involved: reporter.map(|_| false),
            reporter_name: reporter.map(|u| u.name.clone()),
            reporter_email: reporter.map(|u| u.email.clone()),
            reporter_phone: None,
            direct_to_infohus: direct,
            direct_reason: direct_reason.map(str::to_owned),
        },
        receipt_code_hash: receipt_code
            .and_then(receipt::normalise)
            .map(|c| receipt::hash(&c)),
    };
    Ok(concerns::file(conn, &new, at).await?)
}

/// Opens a case for a received concern, as the coordinator does from the intake queue.
async fn open_case(
    conn: &mut PgConnection,
    m: &Municipality,
    concern: ConcernId,
    story: &Story,
    coordinator: UserId,
    at: OffsetDateTime,
) -> anyhow::Result<()> {
    let new = NewCase {
        municipality_id: m.id,
        subject_name: story.subject.to_owned(),
        subject_birth_date: story.birth,
        subject_approx_age: story.approx_age,
        subject_is_minor: story.minor,
        subject_cpr: story.cpr.map(str::to_owned),
        subject_address: None,
        subject_address_protected: false,
    };
    let (case, _) = cases::open(conn, &new, &m.profile.reference_prefix, coordinator, at)
        .await
        .map_err(|e| anyhow::anyhow!("opening a demo case: {e}"))?;
    concerns::mark_read_by_coordinator(&mut *conn, concern, at).await?;
    anyhow::ensure!(
        concerns::link(conn, concern, 1, case, coordinator, None, at).await?,
        "linking a demo concern"
    );
    Ok(())
}

const RANDERS: [Story; 7] = [
    Story {
        subject: "Oliver Kragh",
        birth: Some(date!(2010 - 03 - 14)),
        approx_age: None,
        minor: true,
        cpr: None,
        observation: "Oliver har i frikvartererne vist andre elever videoer med hagekors og talt om, at «nogen snart må gøre noget». Han har trukket sig fra sine gamle venner.",
        when: "De sidste tre uger",
        place: "Skolegården og klassens chat",
        signs: &[
            "extremist_symbols_or_appearance",
            "spreads_violent_messages",
            "isolates_from_family_and_friends",
        ],
        kind: ConcernKind::RightWingExtremism,
    },
    Story {
        subject: "Sara Ibrahim",
        birth: None,
        approx_age: Some(17),
        minor: true,
        cpr: None,
        observation: "Sara fortæller, at hun er blevet kontaktet online af en gruppe, der vil have hende til at rejse. Hun virker presset.",
        when: "Siden efterårsferien",
        place: "Online (sociale medier)",
        signs: &["recruited_online", "interest_in_conflict_travel"],
        kind: ConcernKind::IslamistExtremism,
    },
    Story {
        subject: "Noah Bisgaard",
        birth: Some(date!(2008 - 09 - 02)),
        approx_age: None,
        minor: false,
        cpr: None,
        observation: "Noah har skrevet en tekst i dansk, der forherliger et skoleskyderi i udlandet, og spurgt en lærer, hvor man køber våben.",
        when: "I sidste uge",
        place: "Dansktimen",
        signs: &["fixated_on_cause_or_person", "access_to_weapons"],
        kind: ConcernKind::SchoolShooting,
    },
    Story {
        subject: "Lukas Holm",
        birth: Some(date!(2007 - 01 - 21)),
        approx_age: None,
        minor: false,
        cpr: Some("210107-4123"),
        observation: "Lukas er begyndt at komme i et miljø, hvor der tales om vold mod politiet. Han har mødt op med slagvåben i tasken.",
        when: "Oktober",
        place: "Klubben",
        signs: &[
            "violence_readiness",
            "associates_with_extremists",
            "criminal_environment",
        ],
        kind: ConcernKind::LeftWingExtremism,
    },
    Story {
        subject: "Jakob Winther",
        birth: None,
        approx_age: Some(34),
        minor: false,
        cpr: None,
        observation: "En borger i jobcentret truer sagsbehandlere og deler opslag, der opfordrer til vold mod politikere. Min leder kender borgeren privat.",
        when: "Ved to møder i november",
        place: "Jobcentret",
        signs: &["threatens_or_pressures_others", "spreads_violent_messages"],
        kind: ConcernKind::OtherOrUnclear,
    },
    Story {
        subject: "Drengen på 3. sal",
        birth: None,
        approx_age: Some(15),
        minor: true,
        cpr: None,
        observation: "Naboens dreng har vist mig billeder af våben på sin telefon og sagt, at han vil «vise dem alle sammen». Jeg ved ikke, hvem jeg ellers skal sige det til.",
        when: "I weekenden",
        place: "Opgangen",
        signs: &["access_to_weapons", "fixated_on_cause_or_person"],
        kind: ConcernKind::SchoolShooting,
    },
    Story {
        subject: "Ali Demir",
        birth: Some(date!(2009 - 03 - 15)),
        approx_age: None,
        minor: true,
        cpr: Some("150309-4235"),
        observation: "Ali har igen delt materiale fra en ekstrem gruppe og forsøgt at hverve to yngre elever.",
        when: "Denne måned",
        place: "Skolen og online",
        signs: &["seeks_extremist_material", "threatens_or_pressures_others"],
        kind: ConcernKind::IslamistExtremism,
    },
];

const BALLERUP: [Story; 4] = [
    Story {
        subject: "Emma Lindqvist",
        birth: Some(date!(2009 - 06 - 30)),
        approx_age: None,
        minor: true,
        cpr: None,
        observation: "Emma bærer symboler fra en højreekstrem gruppe og har udtalt sig hadefuldt om muslimske klassekammerater.",
        when: "Efter sommerferien",
        place: "Skovvejens Skole",
        signs: &[
            "extremist_symbols_or_appearance",
            "contempt_for_others_views",
        ],
        kind: ConcernKind::RightWingExtremism,
    },
    Story {
        subject: "En ung mand i opgangen",
        birth: None,
        approx_age: Some(20),
        minor: false,
        cpr: None,
        observation: "Han har hængt plakater op med trusler og har fortalt naboerne, at han træner til «den dag, det sker».",
        when: "Flere gange i november",
        place: "Opgangen",
        signs: &["violence_readiness", "spreads_violent_messages"],
        kind: ConcernKind::OtherOrUnclear,
    },
    Story {
        subject: "Yusuf Karim",
        birth: Some(date!(2006 - 11 - 05)),
        approx_age: None,
        minor: false,
        cpr: Some("051106-4871"),
        observation: "Yusuf er holdt op med at komme på uddannelsen og har fortalt en mentor, at han vil rejse til et konfliktområde.",
        when: "September",
        place: "Jobcenter Ballerup",
        signs: &["interest_in_conflict_travel", "breaks_ties_with_society"],
        kind: ConcernKind::IslamistExtremism,
    },
    Story {
        subject: "Frederik Aagaard",
        birth: None,
        approx_age: Some(24),
        minor: false,
        cpr: None,
        observation: "Politiet har ved en anden sag fundet ekstremistisk materiale hos Frederik, men intet strafbart. Vi beder Infohus vurdere et forebyggende forløb.",
        when: "Oktober",
        place: "Ransagning i anden sag",
        signs: &["seeks_extremist_material"],
        kind: ConcernKind::RightWingExtremism,
    },
];

fn days_ago(now: OffsetDateTime, days: i64, hours: i64) -> OffsetDateTime {
    now - Duration::days(days) - Duration::hours(hours)
}

async fn seed_randers(
    conn: &mut PgConnection,
    m: &Municipality,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let staff = user(conn, "staff@randers.demo").await?;
    let staff2 = user(conn, "staff2@randers.demo").await?;
    let leader = user(conn, "leader@randers.demo").await?;
    let key_employee = user(conn, "key_employee@randers.demo").await?;
    let coordinator = user(conn, "coordinator@randers.demo").await?;
    let [oliver, sara, noah, lukas, jakob, citizen, ali] = &RANDERS;

    // Waiting for the leader.
    file(
        conn,
        m,
        Some(&staff),
        oliver,
        None,
        None,
        days_ago(now, 2, 3),
    )
    .await?;
    file(
        conn,
        m,
        Some(&key_employee),
        sara,
        None,
        None,
        days_ago(now, 1, 1),
    )
    .await?;

    // Sent back to the employee with a question.
    let id = file(conn, m, Some(&staff), noah, None, None, days_ago(now, 6, 2)).await?;
    concerns::take_move(
        conn,
        id,
        1,
        ConcernMove::Return,
        leader.id,
        Some("Har du talt med Noahs forældre, og ved du, om han faktisk har adgang til våben?"),
        days_ago(now, 5, 4),
    )
    .await?;

    // Forwarded by the leader with a remark, and sent directly by an employee of another unit.
    let id = file(
        conn,
        m,
        Some(&staff),
        lukas,
        None,
        None,
        days_ago(now, 8, 5),
    )
    .await?;
    concerns::take_move(
        conn,
        id,
        1,
        ConcernMove::Forward,
        leader.id,
        Some("Jeg har selv set våbnet. Familien er kendt af Børn og Familie."),
        days_ago(now, 7, 2),
    )
    .await?;
    concerns::add_addendum(
        &mut *conn,
        id,
        key_employee.id,
        AddendumKind::KeyEmployeeNote,
        "Nøglemedarbejderen er orienteret og følger med i klubben.",
        days_ago(now, 7, 1),
    )
    .await?;
    file(
        conn,
        m,
        Some(&staff2),
        jakob,
        Some("Min leder kender borgeren privat og er nævnt i bekymringen."),
        None,
        days_ago(now, 3, 6),
    )
    .await?;

    // A citizen's report.
    let code = DEMO_RECEIPT_CODES
        .iter()
        .find(|(s, _)| *s == "randers")
        .map(|(_, c)| *c);
    file(conn, m, None, citizen, None, code, days_ago(now, 4, 0)).await?;

    // A repeat concern: Ali's first concern became a case five months ago; a new one waits.
    let first = file(
        conn,
        m,
        Some(&leader),
        ali,
        None,
        None,
        days_ago(now, 150, 0),
    )
    .await?;
    open_case(conn, m, first, ali, coordinator.id, days_ago(now, 149, 0)).await?;
    file(conn, m, Some(&leader), ali, None, None, days_ago(now, 2, 0)).await?;
    Ok(())
}

async fn seed_ballerup(
    conn: &mut PgConnection,
    m: &Municipality,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let staff = user(conn, "staff@ballerup.demo").await?;
    let coordinator = user(conn, "coordinator@ballerup.demo").await?;
    let police = user(conn, &format!("police@{}.demo", m.police_district_slug)).await?;
    let [emma, citizen, yusuf, frederik] = &BALLERUP;

    file(conn, m, Some(&staff), emma, None, None, days_ago(now, 2, 2)).await?;
    let code = DEMO_RECEIPT_CODES
        .iter()
        .find(|(s, _)| *s == "ballerup")
        .map(|(_, c)| *c);
    file(conn, m, None, citizen, None, code, days_ago(now, 1, 5)).await?;
    file(
        conn,
        m,
        Some(&police),
        frederik,
        None,
        None,
        days_ago(now, 5, 0),
    )
    .await?;
    // Already made into a case.
    let id = file(
        conn,
        m,
        Some(&staff),
        yusuf,
        None,
        None,
        days_ago(now, 20, 0),
    )
    .await?;
    open_case(conn, m, id, yusuf, coordinator.id, days_ago(now, 19, 0)).await?;
    Ok(())
}

/// Adds the demo concerns of both municipalities (those that are configured).
pub async fn seed(state: &AppState, conn: &mut PgConnection) -> anyhow::Result<()> {
    let now = state.clock.now();
    if let Some(m) = state.tenants.by_slug("randers") {
        seed_randers(conn, m, now).await?;
    }
    if let Some(m) = state.tenants.by_slug("ballerup") {
        seed_ballerup(conn, m, now).await?;
    }
    Ok(())
}
