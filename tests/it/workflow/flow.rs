//! Every stage from received to closed by the demo user of the right role, and each closing path.

use axum::http::StatusCode;
use infohus::domain::calendar::today_copenhagen;
use infohus::domain::catalogue::ASSESSMENT_FACTORS;
use time::Duration;
use uuid::Uuid;

use crate::support::TestApp;
use crate::support::steps::*;

#[tokio::test]
async fn a_randers_concern_goes_from_the_employee_to_a_closed_case_with_an_evaluation() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let mut core = app.signed_in("core_group@randers.demo").await;

    // The employee files, the leader forwards, the coordinator opens a case: intake.
    staff.get("/bekymringer/ny?akut=nej").await;
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
                ("agreement", "phone"),
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
    // The mentor intervention is still active: closing asks what became of it.
    let iv: Uuid = sqlx::query_scalar("select id from interventions where case_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("intervention");
    let form = coordinator.get(&format!("/sager/{id}/afslut")).await;
    assert!(
        form.texts("fieldset legend").join(" ").contains("Mentor"),
        "the open intervention is listed"
    );
    let (fate, ended_on, with) = (
        format!("fate_{iv}"),
        format!("ended_on_{iv}"),
        format!("continues_with_{iv}"),
    );
    let closing = |fate_value: &'static str, with_value: &'static str| {
        vec![
            ("version".to_owned(), v.clone()),
            ("reason".to_owned(), "ended_otherwise".to_owned()),
            (
                "evaluation".to_owned(),
                "Familien er flyttet til udlandet.".to_owned(),
            ),
            (fate.clone(), fate_value.to_owned()),
            (ended_on.clone(), String::new()),
            (with.clone(), with_value.to_owned()),
        ]
    };
    let r = post_owned(
        &mut coordinator,
        &format!("/sager/{id}/afslut"),
        &closing("", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.texts(&format!("#{fate}-error")).is_empty());
    assert_eq!(
        r.field_value("evaluation").as_deref(),
        Some("Familien er flyttet til udlandet."),
        "what was typed comes back"
    );
    let r = post_owned(
        &mut coordinator,
        &format!("/sager/{id}/afslut"),
        &closing("continues", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.texts(&format!("#{with}-error")).is_empty());
    let r = post_owned(
        &mut coordinator,
        &format!("/sager/{id}/afslut"),
        &closing("continues", "Børn og Familie, Myndighed"),
    )
    .await;
    see_other(&r);
    assert_eq!(stage(&app, id).await, "closed");
    let (status, continues_with): (String, Option<String>) =
        sqlx::query_as("select status, continues_with from interventions where id = $1")
            .bind(iv)
            .fetch_one(&app.db)
            .await
            .expect("intervention");
    assert_eq!(
        (status.as_str(), continues_with.as_deref()),
        ("continues_outside", Some("Børn og Familie, Myndighed"))
    );
    let page = coordinator.get(&format!("/sager/{id}")).await;
    assert!(
        page.body
            .contains("Fortsætter uden for Infohus (Børn og Familie, Myndighed)"),
        "the case page shows the answer beside the evaluation"
    );

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
    // The reopened case's deadline is its new stage's: none while received, not the old
    // intervention review date nor the cancelled reviews after closing.
    let list = coordinator.get("/sager?mine=nej").await;
    let row = list
        .texts("tbody tr")
        .into_iter()
        .find(|r| r.contains("Mikkel Sørensen"))
        .expect("the case in the list");
    assert!(!row.contains("20.02.2027"), "{row}");
    let pending: i64 = sqlx::query_scalar(
        "select count(*) from post_closure_reviews where case_id = $1 and cancelled_at is null
         and done_at is null",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .expect("reviews");
    assert_eq!(pending, 0);
    send_to_screening(&app, &mut coordinator, id).await;
    let list = coordinator.get("/sager?mine=nej").await;
    let row = list
        .texts("tbody tr")
        .into_iter()
        .find(|r| r.contains("Mikkel Sørensen"))
        .expect("the case in the list");
    let due: time::Date = sqlx::query_scalar("select screening_due from cases where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("due");
    assert!(
        row.contains(&infohus::domain::calendar::format_date_da(due)),
        "{row}"
    );
    let page = coordinator.get(&format!("/sager/{id}")).await;
    let timeline = page.texts("ol.timeline li").join(" | ");
    assert!(
        timeline.contains("Sagen er genåbnet") && timeline.contains("Ny bekymring fra skolen."),
        "{timeline}"
    );
    assert_eq!(app.audit_count("case_reopened").await, 1);
}
