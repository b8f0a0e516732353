//! The case workflow over HTTP: every stage from received to closed by the demo user of the
//! right role, each closing path, need to know per district and team, the version check, and
//! the deadlines (working days for screening, overdue reviews in the owner's tasks).

use axum::http::StatusCode;
use infohus::domain::calendar::{add_working_days, today_copenhagen};
use infohus::domain::catalogue::ASSESSMENT_FACTORS;
use infohus::store::cases::{self, NewCase};
use time::Duration;
use time::macros::date;
use uuid::Uuid;

use crate::support::{Client, TestApp, TestResponse};

const CONFLICT: &str = "Sagen er blevet ændret af en anden";

/// Opens a case in `received` directly, with one concern joined to it, as intake would.
async fn open_case(app: &TestApp, slug: &str, name: &str, minor: bool) -> Uuid {
    let m = app.state.tenants.by_slug(slug).expect("municipality");
    let coordinator = app.user_id(&format!("coordinator@{slug}.demo")).await;
    let now = app.clock.now();
    let mut tx = app.db.begin().await.expect("tx");
    let (id, _) = cases::open(
        &mut tx,
        &NewCase {
            municipality_id: m.id,
            subject_name: name.to_owned(),
            subject_birth_date: None,
            subject_approx_age: Some(if minor { 15 } else { 24 }),
            subject_is_minor: minor,
            subject_cpr: None,
            subject_address: None,
        },
        &m.profile.reference_prefix,
        coordinator,
        now,
    )
    .await
    .expect("case");
    sqlx::query(
        "insert into concerns (id, municipality_id, case_id, status, source, reporter_name,
                               subject_name, subject_approx_age, subject_is_minor, observation,
                               kind, filed_at, received_at, linked_at)
         values ($1, $2, $3, 'linked', 'staff', 'Testmedarbejder', $4, $5, $6,
                 'Deler voldsforherligende videoer i klassens chat.', 'right_wing_extremism',
                 $7, $7, $7)",
    )
    .bind(Uuid::new_v4())
    .bind(m.id.0)
    .bind(id.0)
    .bind(name)
    .bind(if minor { 15i16 } else { 24i16 })
    .bind(minor)
    .bind(now)
    .execute(&mut *tx)
    .await
    .expect("concern");
    tx.commit().await.expect("commit");
    id.0
}

async fn stage(app: &TestApp, id: Uuid) -> String {
    sqlx::query_scalar("select stage from cases where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("stage")
}

async fn version(app: &TestApp, id: Uuid) -> String {
    let v: i32 = sqlx::query_scalar("select version from cases where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("version");
    v.to_string()
}

async fn count(app: &TestApp, sql: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("count")
}

async fn post_owned(c: &mut Client, path: &str, fields: &[(String, String)]) -> TestResponse {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &refs).await
}

fn see_other(r: &TestResponse) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn send_to_screening(app: &TestApp, c: &mut Client, id: Uuid) {
    let v = version(app, id).await;
    see_other(
        &c.post(
            &format!("/sager/{id}/send-til-screening"),
            &[("version", &v)],
        )
        .await,
    );
}

async fn screen(app: &TestApp, police: &mut Client, id: Uuid, outcome: &str, note: &str) {
    let v = version(app, id).await;
    let r = police
        .post(
            &format!("/sager/{id}/screening"),
            &[("version", &v), ("outcome", outcome), ("note", note)],
        )
        .await;
    see_other(&r);
}

async fn triage(
    app: &TestApp,
    c: &mut Client,
    id: Uuid,
    police_email: &str,
    outcome: &str,
    referred: &str,
) {
    let v = version(app, id).await;
    let police = app.user_id(police_email).await.to_string();
    let r = c
        .post(
            &format!("/sager/{id}/faelles-vurdering"),
            &[
                ("version", &v),
                ("outcome", outcome),
                ("police_user", &police),
                ("referred_to", referred),
                ("note", "Drøftet på telefon."),
            ],
        )
        .await;
    see_other(&r);
}

async fn add_to_team(app: &TestApp, c: &mut Client, id: Uuid, email: &str) {
    let v = version(app, id).await;
    let user = app.user_id(email).await.to_string();
    let r = c
        .post(
            &format!("/sager/{id}/team"),
            &[("version", &v), ("action", "add"), ("user", &user)],
        )
        .await;
    see_other(&r);
}

fn assessment_fields(
    version: &str,
    conclusion: &str,
    level: &str,
    person: &str,
    rating: &str,
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("version", version),
        ("meeting_date", "20.11.2026"),
        ("analysis_person", person),
        ("analysis_network", "Nye venner online; fjern fra de gamle."),
        (
            "analysis_ideology",
            "Deler højreekstreme memes, legitimerer vold.",
        ),
        (
            "analysis_intent_capability",
            "Ingen tegn på planer eller adgang til våben.",
        ),
        ("conclusion", conclusion),
        ("level", level),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for f in ASSESSMENT_FACTORS {
        fields.push((format!("rating_{}", f.id), rating.to_owned()));
    }
    fields
}

async fn assess(app: &TestApp, c: &mut Client, id: Uuid, conclusion: &str, level: &str) {
    let v = version(app, id).await;
    let r = post_owned(
        c,
        &format!("/sager/{id}/vurdering"),
        &assessment_fields(&v, conclusion, level, "Trives dårligt i skolen.", "some"),
    )
    .await;
    see_other(&r);
}

async fn plan(app: &TestApp, c: &mut Client, id: Uuid, coordinator_email: &str) {
    let v = version(app, id).await;
    let coordinator = app.user_id(coordinator_email).await.to_string();
    let r = c
        .post(
            &format!("/sager/{id}/handleplan"),
            &[
                ("version", &v),
                ("plan_coordinator", &coordinator),
                (
                    "goals",
                    "Fastholdelse i skolen og et fællesskab uden for miljøet.",
                ),
                ("notification_made", "ja"),
                ("notification_date", "19.11.2026"),
            ],
        )
        .await;
    see_other(&r);
}

async fn intervention(
    app: &TestApp,
    c: &mut Client,
    id: Uuid,
    owner_email: &str,
    type_id: &str,
    basis: &str,
    review: &str,
) {
    let v = version(app, id).await;
    let owner = app.user_id(owner_email).await.to_string();
    let r = c
        .post(
            &format!("/sager/{id}/indsatser/ny"),
            &[
                ("version", &v),
                ("type_id", type_id),
                ("type_other", ""),
                ("owner", &owner),
                ("authority", "Børn og Familie, Myndighed"),
                ("legal_basis", basis),
                ("legal_basis_other", ""),
                ("start_date", "20.11.2026"),
                ("next_review_date", review),
                ("status", "active"),
            ],
        )
        .await;
    see_other(&r);
}

async fn start_follow_up(app: &TestApp, c: &mut Client, id: Uuid) {
    let v = version(app, id).await;
    see_other(
        &c.post(&format!("/sager/{id}/til-opfoelgning"), &[("version", &v)])
            .await,
    );
}

/// A Randers case moved by HTTP up to the follow-up, with the core group on the team, a plan
/// coordinated by the core-group member and one mentor intervention they own.
async fn randers_case_in_follow_up(app: &TestApp, review: &str) -> (Uuid, Client, Client) {
    let id = open_case(app, "randers", "Mikkel Sørensen", true).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let mut core = app.signed_in("core_group@randers.demo").await;
    send_to_screening(app, &mut coordinator, id).await;
    screen(app, &mut police, id, "cleared", "").await;
    triage(
        app,
        &mut coordinator,
        id,
        "police@oestjyllands-politi.demo",
        "within_remit",
        "",
    )
    .await;
    add_to_team(app, &mut coordinator, id, "core_group@randers.demo").await;
    assess(app, &mut core, id, "basis", "preemptive").await;
    plan(app, &mut core, id, "core_group@randers.demo").await;
    intervention(
        app,
        &mut core,
        id,
        "core_group@randers.demo",
        "mentor_under_18",
        "barnets_lov",
        review,
    )
    .await;
    start_follow_up(app, &mut core, id).await;
    assert_eq!(stage(app, id).await, "follow_up");
    (id, coordinator, core)
}

/// A minimal staff concern for the intake flow.
fn concern_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("acute", "nej"),
        ("subject_name", "Mikkel Sørensen"),
        ("subject_birth_date", "24.12.2010"),
        ("subject_connection", "Elev i 9.b"),
        (
            "observation",
            "Mikkel deler videoer, der hylder voldelige angreb, i klassens chat.",
        ),
        ("observed_when", "Siden september"),
        ("observed_where", "Klassens chat"),
        ("warning_signs", "spreads_violent_messages"),
        ("kind", "right_wing_extremism"),
        ("leader_informed", "ja"),
        ("reporter_name", "Sofie Lund"),
        ("reporter_email", "staff@randers.demo"),
    ]
}

#[tokio::test]
async fn a_randers_concern_goes_from_the_employee_to_a_closed_case_with_an_evaluation() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let mut core = app.signed_in("core_group@randers.demo").await;

    // The employee files, the leader forwards, the coordinator opens a case: intake.
    staff.get("/bekymringer/ny").await;
    let r = staff.post("/bekymringer/ny", &concern_fields()).await;
    see_other(&r);
    let concern = Uuid::parse_str(
        r.location()
            .and_then(|l| l.strip_prefix("/bekymringer/"))
            .expect("to the concern"),
    )
    .expect("id");
    let cv: i32 = sqlx::query_scalar("select version from concerns where id = $1")
        .bind(concern)
        .fetch_one(&app.db)
        .await
        .expect("version");
    leader.get(&format!("/bekymringer/{concern}")).await;
    let r = leader
        .post(
            &format!("/bekymringer/{concern}/videresend"),
            &[
                ("version", &cv.to_string()),
                ("remark", "Jeg kender familien."),
            ],
        )
        .await;
    see_other(&r);
    let cv: i32 = sqlx::query_scalar("select version from concerns where id = $1")
        .bind(concern)
        .fetch_one(&app.db)
        .await
        .expect("version");
    coordinator
        .get(&format!("/infohus/indgang/{concern}"))
        .await;
    let r = coordinator
        .post(
            &format!("/infohus/indgang/{concern}/opret-sag"),
            &[
                ("version", &cv.to_string()),
                ("subject_name", "Mikkel Sørensen"),
                ("subject_birth_date", "24.12.2010"),
                ("subject_approx_age", ""),
                ("subject_under_18", "ja"),
                ("subject_cpr", ""),
                ("subject_address", ""),
            ],
        )
        .await;
    see_other(&r);
    let id = Uuid::parse_str(
        r.location()
            .and_then(|l| l.strip_prefix("/sager/"))
            .expect("case"),
    )
    .expect("id");
    assert_eq!(stage(&app, id).await, "received");

    // received → screening, by the coordinator; the only action offered is theirs.
    let page = coordinator.get(&format!("/sager/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Mikkel deler videoer"),
        "the concern is on the case page"
    );
    assert!(
        page.body.contains("Jeg kender familien"),
        "with the leader's addendum"
    );
    let actions = page.texts("#actions-heading + ul li").join(" | ");
    assert!(
        actions.contains("Send til politiets screening"),
        "{actions}"
    );
    assert!(!actions.contains("screening:"), "{actions}");
    send_to_screening(&app, &mut coordinator, id).await;
    assert_eq!(stage(&app, id).await, "screening");

    // screening → triage, by the district's police, who are reminded of § 115.
    let queue = police.get("/politi/screening").await;
    assert!(queue.body.contains("Mikkel Sørensen"), "{}", queue.body);
    let page = police.get(&format!("/sager/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("retsplejelovens"), "the § 115 reminder");
    assert!(
        !coordinator
            .get(&format!("/sager/{id}"))
            .await
            .body
            .contains("retsplejelovens §")
    );
    screen(
        &app,
        &mut police,
        id,
        "cleared",
        "Intet kendt i politiets registre.",
    )
    .await;
    assert_eq!(stage(&app, id).await, "triage");
    assert!(
        !police
            .get("/politi/screening")
            .await
            .body
            .contains("Mikkel Sørensen")
    );

    // triage → assessment, by the coordinator naming the police user.
    triage(
        &app,
        &mut coordinator,
        id,
        "police@oestjyllands-politi.demo",
        "within_remit",
        "",
    )
    .await;
    assert_eq!(stage(&app, id).await, "assessment");

    // The core group can open the case only once on the team.
    assert_eq!(
        core.get(&format!("/sager/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    add_to_team(&app, &mut coordinator, id, "core_group@randers.demo").await;
    let page = core.get(&format!("/sager/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("Intet kendt i politiets registre"),
        "the police note is not for the team"
    );
    assert!(
        coordinator
            .get(&format!("/sager/{id}"))
            .await
            .body
            .contains("Intet kendt i politiets registre")
    );

    // assessment → action plan, by the core group at the meeting.
    assess(&app, &mut core, id, "basis", "preemptive").await;
    assert_eq!(stage(&app, id).await, "action_plan");
    let level: Option<String> = sqlx::query_scalar("select level from cases where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("level");
    assert_eq!(level.as_deref(), Some("preemptive"));

    // The plan and its intervention, then follow-up.
    plan(&app, &mut core, id, "core_group@randers.demo").await;
    intervention(
        &app,
        &mut core,
        id,
        "core_group@randers.demo",
        "mentor_under_18",
        "barnets_lov",
        "20.02.2027",
    )
    .await;
    let page = core.get(&format!("/sager/{id}")).await;
    assert!(
        page.body.contains("Underretning efter Barnets lov"),
        "the notification question for a child"
    );
    start_follow_up(&app, &mut core, id).await;
    assert_eq!(stage(&app, id).await, "follow_up");

    // A review three months on.
    app.clock.advance(Duration::days(90));
    // Sessions time out while the clock jumps; sign in again.
    let mut core = app.signed_in("core_group@randers.demo").await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let form = core.get(&format!("/sager/{id}/opfoelgning")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(
        form.field_value("next_review_date").as_deref(),
        Some("18.05.2027")
    );
    let iv: Uuid = sqlx::query_scalar("select id from interventions where case_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("intervention");
    let v = version(&app, id).await;
    let status_field = format!("status_{iv}");
    let note_field = format!("note_{iv}");
    let r = core
        .post(
            &format!("/sager/{id}/opfoelgning"),
            &[
                ("version", &v),
                (&status_field, "completed"),
                (&note_field, "Mentorforløbet er gennemført."),
                (
                    "progress",
                    "Mikkel går i skole igen og har et nyt fællesskab.",
                ),
                ("next_review_date", "18.05.2027"),
            ],
        )
        .await;
    see_other(&r);

    // follow_up → closed with an evaluation, by the coordinator; the team may not close.
    assert_eq!(
        core.get(&format!("/sager/{id}/afslut")).await.status,
        StatusCode::FORBIDDEN
    );
    let v = version(&app, id).await;
    let r = coordinator
        .post(
            &format!("/sager/{id}/afslut"),
            &[
                ("version", &v),
                ("reason", "goals_met"),
                (
                    "evaluation",
                    "Målene er nået: fastholdt i skolen, ude af miljøet.",
                ),
            ],
        )
        .await;
    see_other(&r);
    assert_eq!(stage(&app, id).await, "closed");
    let (reason, evaluation): (String, Option<String>) =
        sqlx::query_as("select reason, evaluation from case_closings where case_id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("closing");
    assert_eq!(reason, "goals_met");
    assert!(evaluation.expect("evaluation").contains("Målene er nået"));

    // The timeline holds every stage in order, each by the right person.
    let history: Vec<(String, String)> = sqlx::query_as(
        "select h.to_stage, u.email from case_history h join users u on u.id = h.actor_user_id
         where h.case_id = $1 and (h.from_stage is null or h.from_stage <> h.to_stage)
         order by h.occurred_at, h.id",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .expect("history");
    let expected = [
        ("received", "coordinator@randers.demo"),
        ("screening", "coordinator@randers.demo"),
        ("triage", "police@oestjyllands-politi.demo"),
        ("assessment", "coordinator@randers.demo"),
        ("action_plan", "core_group@randers.demo"),
        ("follow_up", "core_group@randers.demo"),
        ("closed", "coordinator@randers.demo"),
    ];
    let got: Vec<(&str, &str)> = history
        .iter()
        .map(|(s, e)| (s.as_str(), e.as_str()))
        .collect();
    assert_eq!(got, expected);
    let page = coordinator.get(&format!("/sager/{id}")).await;
    let timeline = page.texts("ol.timeline li").join(" | ");
    assert!(
        timeline.contains("Sendt til politiets screening"),
        "{timeline}"
    );
    assert!(timeline.contains("Afsluttet: mål nået"), "{timeline}");

    // The profile's reviews after closing (6 and 12 months) are the coordinator's tasks.
    let due: Vec<time::Date> = sqlx::query_scalar(
        "select due_date from post_closure_reviews where case_id = $1 order by due_date",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .expect("post-closure reviews");
    let closed_on = today_copenhagen(app.clock.now());
    assert_eq!(
        due,
        vec![
            infohus::domain::calendar::add_months(closed_on, 6),
            infohus::domain::calendar::add_months(closed_on, 12)
        ]
    );
    app.clock.advance(Duration::days(180));
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let home = coordinator.get("/").await;
    let tasks = home.texts(".task-list li").join(" | ");
    assert!(
        tasks.contains("Opfølgning 6 måneder efter afslutning"),
        "{tasks}"
    );

    // Every move and every read of the case left an audit row.
    assert_eq!(app.audit_count("case_moved").await, 5);
    assert_eq!(app.audit_count("case_closed").await, 1);
    assert!(app.audit_count("case_viewed").await >= 8);
}

#[tokio::test]
async fn the_police_can_keep_a_case_which_then_closes_as_not_for_infohus() {
    let app = TestApp::with_demo_users().await;
    let id = open_case(&app, "randers", "Jonas Testsen", false).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    send_to_screening(&app, &mut coordinator, id).await;

    // Keeping it needs a note.
    let v = version(&app, id).await;
    let r = police
        .post(
            &format!("/sager/{id}/screening"),
            &[
                ("version", &v),
                ("outcome", "not_for_infohus"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#note-error")
            .join(" ")
            .contains("Feltet skal udfyldes")
    );
    assert_eq!(stage(&app, id).await, "screening");

    screen(
        &app,
        &mut police,
        id,
        "not_for_infohus",
        "Verserende efterforskning.",
    )
    .await;
    assert_eq!(stage(&app, id).await, "closed");
    let reason: String = sqlx::query_scalar("select close_reason from cases where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("reason");
    assert_eq!(reason, "not_for_infohus");
    let page = coordinator.get(&format!("/sager/{id}")).await;
    assert!(
        page.body
            .contains("Andre myndigheder kan fortsat have pligt til at handle")
    );
    assert!(page.body.contains("Verserende efterforskning."));
    assert_eq!(
        count(
            &app,
            "select count(*) from post_closure_reviews where case_id = $1",
            id
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_triage_outside_the_remit_closes_the_case_and_names_the_authority() {
    let app = TestApp::with_demo_users().await;
    let id = open_case(&app, "ballerup", "Ali Testsen", true).await;
    let mut coordinator = app.signed_in("coordinator@ballerup.demo").await;
    let mut police = app
        .signed_in("police@koebenhavns-vestegns-politi.demo")
        .await;
    send_to_screening(&app, &mut coordinator, id).await;
    screen(&app, &mut police, id, "cleared", "").await;

    // Outside the remit needs the authority that should act instead, and a police user of
    // the case's own district.
    let v = version(&app, id).await;
    let east = app
        .user_id("police@oestjyllands-politi.demo")
        .await
        .to_string();
    let r = coordinator
        .post(
            &format!("/sager/{id}/faelles-vurdering"),
            &[
                ("version", &v),
                ("outcome", "outside_remit"),
                ("police_user", &east),
                ("referred_to", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.texts("#police_user-error").is_empty());
    assert!(!r.texts("#referred_to-error").is_empty());
    assert_eq!(stage(&app, id).await, "triage");

    triage(
        &app,
        &mut coordinator,
        id,
        "police@koebenhavns-vestegns-politi.demo",
        "outside_remit",
        "Socialforvaltningen efter Barnets lov",
    )
    .await;
    assert_eq!(stage(&app, id).await, "closed");
    let (reason, referred): (String, Option<String>) = sqlx::query_as(
        "select c.close_reason, t.referred_to from cases c join triage_decisions t on t.case_id = c.id
         where c.id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .expect("triage");
    assert_eq!(reason, "outside_remit");
    assert_eq!(
        referred.as_deref(),
        Some("Socialforvaltningen efter Barnets lov")
    );
    let page = coordinator.get(&format!("/sager/{id}")).await;
    assert!(
        page.body
            .contains("Bør håndteres af: Socialforvaltningen efter Barnets lov")
    );
}

#[tokio::test]
async fn an_assessment_finding_no_basis_closes_the_case() {
    let app = TestApp::with_demo_users().await;
    let id = open_case(&app, "randers", "Sara Testsen", true).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    send_to_screening(&app, &mut coordinator, id).await;
    screen(&app, &mut police, id, "cleared", "").await;
    triage(
        &app,
        &mut coordinator,
        id,
        "police@oestjyllands-politi.demo",
        "within_remit",
        "",
    )
    .await;

    // Police cannot assess; the coordinator can.
    let v = version(&app, id).await;
    let r = post_owned(
        &mut police,
        &format!("/sager/{id}/vurdering"),
        &assessment_fields(&v, "no_basis", "", "x", "not_seen"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assess(&app, &mut coordinator, id, "no_basis", "").await;
    assert_eq!(stage(&app, id).await, "closed");
    let (reason, level): (String, Option<String>) =
        sqlx::query_as("select close_reason, level from cases where id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("case");
    assert_eq!((reason.as_str(), level), ("no_basis", None));
    assert_eq!(
        count(&app, "select count(*) from assessment_ratings r join assessments a on a.id = r.assessment_id where a.case_id = $1", id).await,
        ASSESSMENT_FACTORS.len() as i64
    );
}

#[tokio::test]
async fn a_case_closed_during_follow_up_can_end_otherwise_and_be_reopened_with_a_reason() {
    let app = TestApp::with_demo_users().await;
    let (id, mut coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;

    // Only the reasons of this stage are offered; the team cannot close.
    let form = coordinator.get(&format!("/sager/{id}/afslut")).await;
    let reasons = form.texts("#reason label").join(" | ");
    assert!(
        reasons.contains("Mål nået") && reasons.contains("Dublet"),
        "{reasons}"
    );
    assert!(!reasons.contains("Intet grundlag"), "{reasons}");
    let v = version(&app, id).await;
    let r = core
        .post(
            &format!("/sager/{id}/afslut"),
            &[
                ("version", &v),
                ("reason", "ended_otherwise"),
                ("evaluation", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A reason that belongs to another step is refused as input.
    let r = coordinator
        .post(
            &format!("/sager/{id}/afslut"),
            &[("version", &v), ("reason", "no_basis"), ("evaluation", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = coordinator
        .post(
            &format!("/sager/{id}/afslut"),
            &[
                ("version", &v),
                ("reason", "ended_otherwise"),
                ("evaluation", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#evaluation-error")
            .join(" ")
            .contains("evaluering")
    );
    let r = coordinator
        .post(
            &format!("/sager/{id}/afslut"),
            &[
                ("version", &v),
                ("reason", "ended_otherwise"),
                ("evaluation", "Familien er flyttet til udlandet."),
            ],
        )
        .await;
    see_other(&r);
    assert_eq!(stage(&app, id).await, "closed");

    // Reopening needs a reason and starts again as received.
    let v = version(&app, id).await;
    let r = coordinator
        .post(
            &format!("/sager/{id}/genaabn"),
            &[("version", &v), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = coordinator
        .post(
            &format!("/sager/{id}/genaabn"),
            &[("version", &v), ("reason", "Ny bekymring fra skolen.")],
        )
        .await;
    see_other(&r);
    let (stage_now, reason, closed_at): (String, Option<String>, Option<time::OffsetDateTime>) =
        sqlx::query_as("select stage, close_reason, closed_at from cases where id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("case");
    assert_eq!(
        (stage_now.as_str(), reason, closed_at),
        ("received", None, None)
    );
    let page = coordinator.get(&format!("/sager/{id}")).await;
    let timeline = page.texts("ol.timeline li").join(" | ");
    assert!(
        timeline.contains("Sagen er genåbnet") && timeline.contains("Ny bekymring fra skolen."),
        "{timeline}"
    );
    assert_eq!(app.audit_count("case_reopened").await, 1);
}

#[tokio::test]
async fn police_of_oestjyllands_see_randers_screening_queue_and_not_ballerups() {
    let app = TestApp::with_demo_users().await;
    let randers = open_case(&app, "randers", "Randers Testperson", true).await;
    let ballerup = open_case(&app, "ballerup", "Ballerup Testperson", true).await;
    let mut c_randers = app.signed_in("coordinator@randers.demo").await;
    let mut c_ballerup = app.signed_in("coordinator@ballerup.demo").await;
    send_to_screening(&app, &mut c_randers, randers).await;
    send_to_screening(&app, &mut c_ballerup, ballerup).await;

    let mut east = app.signed_in("police@oestjyllands-politi.demo").await;
    let queue = east.get("/politi/screening").await;
    assert_eq!(queue.status, StatusCode::OK);
    let rows = queue.texts("tbody tr").join(" | ");
    assert!(
        rows.contains("Randers Testperson") && rows.contains("RAN-2026-"),
        "{rows}"
    );
    assert!(
        !rows.contains("Ballerup Testperson") && !rows.contains("BAL-"),
        "{rows}"
    );
    assert_eq!(
        east.get(&format!("/sager/{ballerup}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        east.get(&format!("/sager/{ballerup}/screening"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let v = version(&app, ballerup).await;
    let r = east
        .post(
            &format!("/sager/{ballerup}/screening"),
            &[("version", &v), ("outcome", "cleared"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(stage(&app, ballerup).await, "screening");
    let list = east.get("/sager").await.texts("tbody tr").join(" | ");
    assert!(
        list.contains("Randers Testperson") && !list.contains("Ballerup Testperson"),
        "{list}"
    );

    let mut west = app
        .signed_in("police@koebenhavns-vestegns-politi.demo")
        .await;
    let rows = west
        .get("/politi/screening")
        .await
        .texts("tbody tr")
        .join(" | ");
    assert!(
        rows.contains("Ballerup Testperson") && !rows.contains("Randers Testperson"),
        "{rows}"
    );

    // Coordinators see their own municipality only.
    assert_eq!(
        c_randers.get(&format!("/sager/{ballerup}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c_randers.get("/politi/screening").await.status,
        StatusCode::FORBIDDEN,
        "the queue is the police's"
    );
    assert!(app.audit_count("queue_viewed").await >= 2);
}

#[tokio::test]
async fn a_core_group_member_not_on_the_team_gets_404() {
    let app = TestApp::with_demo_users().await;
    let id = open_case(&app, "randers", "Team Testperson", true).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut core = app.signed_in("core_group@randers.demo").await;
    let mut other_core = app.signed_in("core_group@ballerup.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    send_to_screening(&app, &mut coordinator, id).await;
    screen(&app, &mut police, id, "cleared", "").await;
    triage(
        &app,
        &mut coordinator,
        id,
        "police@oestjyllands-politi.demo",
        "within_remit",
        "",
    )
    .await;

    for path in ["", "/vurdering", "/team", "/handleplan"] {
        assert_eq!(
            core.get(&format!("/sager/{id}{path}")).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let v = version(&app, id).await;
    let r = post_owned(
        &mut core,
        &format!("/sager/{id}/vurdering"),
        &assessment_fields(&v, "basis", "preemptive", "x", "some"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!core.get("/sager").await.body.contains("Team Testperson"));

    add_to_team(&app, &mut coordinator, id, "core_group@randers.demo").await;
    assert_eq!(
        core.get(&format!("/sager/{id}")).await.status,
        StatusCode::OK
    );
    assert!(core.get("/sager").await.body.contains("Team Testperson"));
    // On the team, but the team is the coordinator's to change.
    assert_eq!(
        core.get(&format!("/sager/{id}/team")).await.status,
        StatusCode::FORBIDDEN
    );
    // A core-group member of another municipality cannot be added, and never sees the case.
    let v = version(&app, id).await;
    let foreign = app.user_id("core_group@ballerup.demo").await.to_string();
    let r = coordinator
        .post(
            &format!("/sager/{id}/team"),
            &[("version", &v), ("action", "add"), ("user", &foreign)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        other_core.get(&format!("/sager/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    // Removed again: 404 again.
    let v = version(&app, id).await;
    let user = app.user_id("core_group@randers.demo").await.to_string();
    see_other(
        &coordinator
            .post(
                &format!("/sager/{id}/team"),
                &[("version", &v), ("action", "remove"), ("user", &user)],
            )
            .await,
    );
    assert_eq!(
        core.get(&format!("/sager/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.audit_count("case_team_changed").await, 2);
}

#[tokio::test]
async fn a_staff_member_cannot_move_a_case_and_nobody_takes_another_roles_step() {
    let app = TestApp::with_demo_users().await;
    let id = open_case(&app, "randers", "Staff Testperson", true).await;
    let v = version(&app, id).await;
    for email in [
        "staff@randers.demo",
        "leader@randers.demo",
        "steering_group@randers.demo",
        "admin@infohus.demo",
    ] {
        let mut c = app.signed_in(email).await;
        let r = c
            .post(
                &format!("/sager/{id}/send-til-screening"),
                &[("version", &v)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(
            c.get(&format!("/sager/{id}")).await.status,
            StatusCode::FORBIDDEN,
            "{email}"
        );
    }
    assert_eq!(stage(&app, id).await, "received");
    assert_eq!(version(&app, id).await, v);

    // The police may see the case but not send it; the coordinator may not screen it.
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let r = police
        .post(
            &format!("/sager/{id}/send-til-screening"),
            &[("version", &v)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let page = police.get(&format!("/sager/{id}")).await;
    assert!(
        page.texts("#actions-heading + ul li").is_empty(),
        "no actions for the police now"
    );
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    send_to_screening(&app, &mut coordinator, id).await;
    let v = version(&app, id).await;
    let r = coordinator
        .post(
            &format!("/sager/{id}/screening"),
            &[("version", &v), ("outcome", "cleared"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(stage(&app, id).await, "screening");
}

#[tokio::test]
async fn two_users_submitting_on_the_same_version_one_wins_and_the_other_sees_the_conflict() {
    let app = TestApp::with_demo_users().await;
    let id = open_case(&app, "randers", "Konflikt Testperson", true).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let mut core = app.signed_in("core_group@randers.demo").await;
    send_to_screening(&app, &mut coordinator, id).await;
    screen(&app, &mut police, id, "cleared", "").await;
    triage(
        &app,
        &mut coordinator,
        id,
        "police@oestjyllands-politi.demo",
        "within_remit",
        "",
    )
    .await;
    add_to_team(&app, &mut coordinator, id, "core_group@randers.demo").await;

    // Both opened the assessment form on the same version and submit at the same moment.
    let v = version(&app, id).await;
    coordinator.get(&format!("/sager/{id}/vurdering")).await;
    core.get(&format!("/sager/{id}/vurdering")).await;
    let a = assessment_fields(
        &v,
        "no_basis",
        "",
        "Koordinatorens analyse af personen.",
        "not_seen",
    );
    let b = assessment_fields(
        &v,
        "basis",
        "intervening",
        "Kernegruppens analyse af personen.",
        "marked",
    );
    let path = format!("/sager/{id}/vurdering");
    let (ra, rb) = tokio::join!(
        post_owned(&mut coordinator, &path, &a),
        post_owned(&mut core, &path, &b)
    );
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::CONFLICT],
        "{} / {}",
        ra.body,
        rb.body
    );
    let (winner_text, loser) = if ra.status == StatusCode::SEE_OTHER {
        ("Koordinatorens analyse", rb)
    } else {
        ("Kernegruppens analyse", ra)
    };
    assert!(loser.body.contains(CONFLICT), "{}", loser.body);
    let loser_text = loser
        .field_value("analysis_person")
        .expect("typed text kept");
    assert!(
        loser_text.contains("analyse af personen") && !loser_text.contains(winner_text),
        "{loser_text}"
    );

    // Exactly one assessment, the winner's; nothing of the loser's overwrote it.
    let stored: Vec<String> =
        sqlx::query_scalar("select analysis_person from assessments where case_id = $1")
            .bind(id)
            .fetch_all(&app.db)
            .await
            .expect("assessments");
    assert_eq!(stored.len(), 1);
    assert!(stored[0].starts_with(winner_text));
    let expected_stage = if winner_text.starts_with("Koordinator") {
        "closed"
    } else {
        "action_plan"
    };
    assert_eq!(stage(&app, id).await, expected_stage);

    // A one-click step on a stale page: the case page with the conflict message, nothing moved.
    let other = open_case(&app, "randers", "Anden Testperson", true).await;
    let stale = version(&app, other).await;
    let mut second = app.signed_in("coordinator@randers.demo").await;
    send_to_screening(&app, &mut coordinator, other).await;
    let moved_version = version(&app, other).await;
    let r = second
        .post(
            &format!("/sager/{other}/send-til-screening"),
            &[("version", &stale)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains(CONFLICT));
    assert_eq!(version(&app, other).await, moved_version);
    assert_eq!(
        count(
            &app,
            "select count(*) from case_history where case_id = $1",
            other
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_stale_plan_form_keeps_what_was_typed_and_overwrites_nothing() {
    let app = TestApp::with_demo_users().await;
    let (id, mut coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let stale = version(&app, id).await;
    // The coordinator saves the plan first…
    plan(&app, &mut coordinator, id, "coordinator@randers.demo").await;
    // …then the core-group member submits the form they opened before.
    let me = app.user_id("core_group@randers.demo").await.to_string();
    let r = core
        .post(
            &format!("/sager/{id}/handleplan"),
            &[
                ("version", &stale),
                ("plan_coordinator", &me),
                ("goals", "Mine egne mål, skrevet med omhu."),
                ("notification_made", "nej"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains(CONFLICT));
    assert_eq!(
        r.field_value("goals").as_deref(),
        Some("Mine egne mål, skrevet med omhu.")
    );
    let (goals, coordinator_id): (String, Uuid) = sqlx::query_as(
        "select goals, plan_coordinator_user_id from action_plans where case_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .expect("plan");
    assert!(goals.starts_with("Fastholdelse i skolen"));
    assert_eq!(
        coordinator_id,
        app.user_id("coordinator@randers.demo").await.0
    );
}

#[tokio::test]
async fn an_overdue_review_is_flagged_on_the_case_and_in_the_owners_tasks() {
    let app = TestApp::with_demo_users().await;
    let (id, _, _) = randers_case_in_follow_up(&app, "20.12.2026").await;

    // Before the date: a task, not overdue.
    app.clock.advance(Duration::days(20));
    let mut core = app.signed_in("core_group@randers.demo").await;
    let tasks = core.get("/").await.texts(".task-list li").join(" | ");
    assert!(
        tasks.contains("Opfølgning på din indsats: Mentor"),
        "{tasks}"
    );
    assert!(!tasks.contains("Overskredet"), "{tasks}");

    // The date passes without a review: flagged on the case and first in the owner's tasks.
    app.clock.advance(Duration::days(15));
    let mut core = app.signed_in("core_group@randers.demo").await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let page = core.get(&format!("/sager/{id}")).await;
    assert!(
        page.texts("table.data .badge--overdue")
            .join(" ")
            .contains("Opfølgning overskredet")
    );
    assert!(page.body.contains("Frist overskredet"));
    let home = core.get("/").await;
    let first = home
        .texts(".task-list li")
        .into_iter()
        .next()
        .unwrap_or_default();
    assert!(
        first.contains("Mentor") && first.contains("Overskredet"),
        "{first}"
    );
    let list = coordinator
        .get("/sager")
        .await
        .texts("tbody tr")
        .join(" | ");
    assert!(list.contains("Overskredet"), "{list}");

    // A review clears it.
    let iv: Uuid = sqlx::query_scalar("select id from interventions where case_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("intervention");
    let v = version(&app, id).await;
    let status_field = format!("status_{iv}");
    let r = core
        .post(
            &format!("/sager/{id}/opfoelgning"),
            &[
                ("version", &v),
                (&status_field, "active"),
                ("progress", "Det går fremad."),
                ("next_review_date", "24.03.2027"),
            ],
        )
        .await;
    see_other(&r);
    let page = core.get(&format!("/sager/{id}")).await;
    assert!(!page.body.contains("Opfølgning overskredet"));
    assert!(!core.get("/").await.body.contains("Overskredet"));

    // The owner cannot be taken off the team while the intervention is theirs.
    let v = version(&app, id).await;
    let user = app.user_id("core_group@randers.demo").await.to_string();
    let r = coordinator
        .post(
            &format!("/sager/{id}/team"),
            &[("version", &v), ("action", "remove"), ("user", &user)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Giv ansvaret videre"), "{}", r.body);
    assert_eq!(
        core.get(&format!("/sager/{id}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn screening_deadlines_count_working_days_from_the_profile() {
    let app = TestApp::with_demo_users().await;
    let days = app
        .state
        .tenants
        .by_slug("randers")
        .expect("randers")
        .profile
        .deadlines
        .screening_working_days;
    assert_eq!(days, 5);
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;

    // Sent on Friday 20 November 2026: five working days is Friday 27 November.
    let first = open_case(&app, "randers", "Frist Testperson", true).await;
    send_to_screening(&app, &mut coordinator, first).await;
    let due: time::Date = sqlx::query_scalar("select screening_due from cases where id = $1")
        .bind(first)
        .fetch_one(&app.db)
        .await
        .expect("due");
    assert_eq!(due, date!(2026 - 11 - 27));
    assert_eq!(
        due,
        add_working_days(today_copenhagen(app.clock.now()), days)
    );

    // Sent on Monday 21 December: Christmas and the weekend do not count.
    app.clock.advance(Duration::days(31));
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let second = open_case(&app, "randers", "Jul Testperson", true).await;
    send_to_screening(&app, &mut coordinator, second).await;
    let due: time::Date = sqlx::query_scalar("select screening_due from cases where id = $1")
        .bind(second)
        .fetch_one(&app.db)
        .await
        .expect("due");
    assert_eq!(due, date!(2026 - 12 - 30));

    // On the deadline day it is not yet overdue; the next working day it is.
    let queue = police.get("/politi/screening").await;
    let rows = queue.texts("tbody tr");
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].contains("Frist Testperson") && rows[0].contains("Overskredet"),
        "oldest first: {rows:?}"
    );
    assert!(!rows[1].contains("Overskredet"), "{rows:?}");
    app.clock.advance(Duration::days(9)); // Wednesday 30 December
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    assert!(!police.get("/politi/screening").await.texts("tbody tr")[1].contains("Overskredet"));
    app.clock.advance(Duration::days(2)); // Friday 1 January: overdue since Thursday
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let rows = police.get("/politi/screening").await.texts("tbody tr");
    assert!(rows[1].contains("Overskredet"), "{rows:?}");
    let tasks = police.get("/").await.texts(".task-list li").join(" | ");
    assert!(
        tasks.contains("Politiets screening") && tasks.contains("Overskredet"),
        "{tasks}"
    );
}

#[tokio::test]
async fn a_reassessment_shows_what_changed_since_the_previous_assessment() {
    let app = TestApp::with_demo_users().await;
    let (id, _coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let v = version(&app, id).await;
    let r = core
        .post(
            &format!("/sager/{id}/ny-vurdering"),
            &[("version", &v), ("reason", "Ny hændelse i klubben.")],
        )
        .await;
    see_other(&r);
    assert_eq!(stage(&app, id).await, "assessment");

    // The form starts from the previous ratings.
    let form = core.get(&format!("/sager/{id}/vurdering")).await;
    assert!(form.body.contains("value=\"some\" checked"));
    assert!(form.body.contains("(sidst: Noget)"));
    let v = version(&app, id).await;
    let mut fields =
        assessment_fields(&v, "basis", "intervening", "Mere isoleret end før.", "some");
    for (k, value) in fields.iter_mut() {
        if k == "rating_violence_readiness" {
            *value = "marked".to_owned();
        }
    }
    see_other(&post_owned(&mut core, &format!("/sager/{id}/vurdering"), &fields).await);
    assert_eq!(stage(&app, id).await, "action_plan");
    let page = core.get(&format!("/sager/{id}")).await;
    let changes = page.texts(".assessment-changes li").join(" | ");
    assert_eq!(changes, "Voldsparathed: Noget → Markant");
    assert!(
        page.body
            .contains("Konklusionen var før: Grundlag for bekymring (Foregribende)")
    );
}

#[tokio::test]
async fn invalid_forms_are_refused_in_danish_with_the_input_kept() {
    let app = TestApp::with_demo_users().await;
    let (id, _coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let v = version(&app, id).await;
    let owner = app.user_id("core_group@randers.demo").await.to_string();
    let r = core
        .post(
            &format!("/sager/{id}/indsatser/ny"),
            &[
                ("version", &v),
                ("type_id", "mentor_adult"),
                ("owner", &owner),
                ("authority", &"x".repeat(301)),
                ("legal_basis", "other"),
                ("legal_basis_other", ""),
                ("start_date", "31.02.2027"),
                ("next_review_date", "i morgen"),
                ("status", "forever"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "type_id",
        "authority",
        "legal_basis_other",
        "start_date",
        "next_review_date",
        "status",
    ] {
        assert!(
            !r.texts(&format!("#{field}-error")).is_empty(),
            "{field}: {}",
            r.body
        );
    }
    assert_eq!(
        r.field_value("next_review_date").as_deref(),
        Some("i morgen")
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from interventions where case_id = $1",
            id
        )
        .await,
        1
    );

    // Malformed ids are simply not found.
    assert_eq!(
        core.get("/sager/not-a-uuid").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        core.get(&format!("/sager/{id}/indsatser/{}", Uuid::new_v4()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        core.get(&format!("/sager/{}", Uuid::new_v4())).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_case_list_shows_each_viewer_only_their_cases_with_stage_and_deadline() {
    let app = TestApp::with_demo_users().await;
    let randers = open_case(&app, "randers", "Liste Randers", true).await;
    open_case(&app, "ballerup", "Liste Ballerup", true).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    send_to_screening(&app, &mut coordinator, randers).await;
    let page = coordinator.get("/sager").await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = page.texts("tbody tr").join(" | ");
    assert!(
        rows.contains("Liste Randers")
            && rows.contains("Politiets screening")
            && rows.contains("27.11.2026"),
        "{rows}"
    );
    assert!(!rows.contains("Liste Ballerup"), "{rows}");
    let filtered = coordinator
        .get("/sager?fase=received")
        .await
        .texts("tbody tr");
    assert!(filtered.is_empty(), "{filtered:?}");
    // An unknown stage shows them all rather than failing.
    let all = coordinator.get("/sager?fase=nonsense").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.texts("tbody tr").len(), 1);
    let nav = page.texts("nav a").join(" ");
    assert!(nav.contains("Sager"), "{nav}");
    assert_eq!(app.audit_count("case_list_viewed").await, 3);
}

#[tokio::test]
async fn the_demo_has_cases_in_every_stage_for_both_municipalities_including_overdue_ones() {
    let app = TestApp::new().await;
    infohus::seed::demo(&app.state)
        .await
        .expect("demo")
        .expect("an empty database");
    for slug in ["randers", "ballerup"] {
        let m = app.municipality_id(slug).await;
        let stages: Vec<String> = sqlx::query_scalar(
            "select distinct stage from cases where municipality_id = $1 order by 1",
        )
        .bind(m.0)
        .fetch_all(&app.db)
        .await
        .expect("stages");
        for stage in [
            "received",
            "screening",
            "triage",
            "assessment",
            "action_plan",
            "follow_up",
            "closed",
        ] {
            assert!(
                stages.iter().any(|s| s == stage),
                "{slug}: no case in {stage}: {stages:?}"
            );
        }
        let reasons: Vec<String> = sqlx::query_scalar(
            "select distinct close_reason from cases where municipality_id = $1 and stage = 'closed'",
        )
        .bind(m.0)
        .fetch_all(&app.db)
        .await
        .expect("reasons");
        for reason in ["not_for_infohus", "outside_remit", "no_basis", "goals_met"] {
            assert!(
                reasons.iter().any(|r| r == reason),
                "{slug}: no case closed as {reason}"
            );
        }
        let today = today_copenhagen(app.clock.now());
        let overdue_screening: i64 = sqlx::query_scalar(
            "select count(*) from cases where municipality_id = $1 and stage = 'screening' and screening_due < $2",
        )
        .bind(m.0)
        .bind(today)
        .fetch_one(&app.db)
        .await
        .expect("overdue screening");
        assert!(overdue_screening >= 1, "{slug}");
        let overdue_review: i64 = sqlx::query_scalar(
            "select count(*) from interventions i join cases c on c.id = i.case_id
             where c.municipality_id = $1 and c.stage = 'follow_up' and i.status in ('planned', 'active')
               and i.next_review_date < $2",
        )
        .bind(m.0)
        .bind(today)
        .fetch_one(&app.db)
        .await
        .expect("overdue review");
        assert!(overdue_review >= 1, "{slug}");
        let without_concern: i64 = sqlx::query_scalar(
            "select count(*) from cases c where c.municipality_id = $1
               and not exists (select 1 from concerns k where k.case_id = c.id)",
        )
        .bind(m.0)
        .fetch_one(&app.db)
        .await
        .expect("cases without concerns");
        assert_eq!(without_concern, 0, "{slug}");
    }

    // Every demo user of the workflow finds their work, and every page of it renders.
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let queue = police.get("/politi/screening").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains("Overskredet"),
        "an overdue screening in the queue"
    );
    let mut core = app.signed_in("core_group@randers.demo").await;
    let tasks = core.get("/").await.texts(".task-list li").join(" | ");
    assert!(tasks.contains("Overskredet"), "{tasks}");
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let list = coordinator.get("/sager").await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "select c.id from cases c join municipalities m on m.id = c.municipality_id where m.slug = 'randers'",
    )
    .fetch_all(&app.db)
    .await
    .expect("ids");
    for id in ids {
        let page = coordinator.get(&format!("/sager/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{id}");
    }
    let home = coordinator
        .get("/")
        .await
        .texts(".task-list li")
        .join(" | ");
    assert!(
        home.contains("Opfølgning 6 måneder efter afslutning"),
        "{home}"
    );
}
