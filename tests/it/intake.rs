//! Concern intake over HTTP: filing, the leader's inbox, routing per municipality, need to
//! know, validation, the coordinator's queue, cases and repeat concerns.

use axum::http::StatusCode;
use time::Duration;
use uuid::Uuid;

use crate::support::{Client, TestApp, TestResponse};

/// A complete, valid staff concern; `changes` replace fields of the same name, or add fields
/// (checkboxes) that are not there.
pub(crate) fn concern_form(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("acute", "nej"),
        ("subject_name", "Mikkel Sørensen"),
        ("subject_birth_date", "24.12.2010"),
        ("subject_connection", "Elev i 9.b"),
        (
            "observation",
            "Mikkel har i flere uger delt videoer, der hylder voldelige angreb, i klassens chat.",
        ),
        ("observed_when", "Siden september"),
        ("observed_where", "Klassens chat"),
        ("warning_signs", "spreads_violent_messages"),
        ("kind", "right_wing_extremism"),
        ("leader_informed", "ja"),
        ("reporter_name", "Sofie Lund"),
        ("reporter_email", "staff@randers.demo"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut replaced: Vec<&str> = Vec::new();
    for (key, value) in changes {
        if replaced.contains(key) || !fields.iter().any(|(k, _)| k == key) {
            fields.push((key.to_string(), value.to_string()));
        } else {
            fields.retain(|(k, _)| k != key);
            fields.push((key.to_string(), value.to_string()));
            replaced.push(key);
        }
    }
    fields
}

pub(crate) async fn post_fields(
    c: &mut Client,
    path: &str,
    fields: &[(String, String)],
) -> TestResponse {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &refs).await
}

/// Files a concern as the client's user and returns its id.
pub(crate) async fn file(c: &mut Client, changes: &[(&str, &str)]) -> Uuid {
    c.get("/bekymringer/ny?akut=nej").await;
    let r = post_fields(c, "/bekymringer/ny", &concern_form(changes)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location().expect("redirect");
    let id = location
        .strip_prefix("/bekymringer/")
        .expect("to the concern");
    Uuid::parse_str(id).expect("an id")
}

async fn status_of(app: &TestApp, id: Uuid) -> String {
    sqlx::query_scalar("select status from concerns where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("status")
}

async fn version_of(app: &TestApp, id: Uuid) -> String {
    let v: i32 = sqlx::query_scalar("select version from concerns where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("version");
    v.to_string()
}

async fn concern_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from concerns")
        .fetch_one(&app.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_randers_staff_concern_waits_for_the_leader_who_forwards_it_to_the_coordinator() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;

    let id = file(&mut staff, &[]).await;
    assert_eq!(status_of(&app, id).await, "awaiting_leader");
    let page = staff.get(&format!("/bekymringer/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("sendt til din nærmeste leder"),
        "{}",
        page.body
    );

    let inbox = leader.get("/leder/indbakke").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains("Mikkel Sørensen"));
    let queue = coordinator.get("/infohus/indgang").await;
    assert!(!queue.body.contains("Mikkel Sørensen"));
    assert_eq!(
        coordinator.get(&format!("/bekymringer/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        coordinator
            .get(&format!("/infohus/indgang/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    app.clock.advance(Duration::minutes(20));
    let page = leader.get(&format!("/bekymringer/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Send videre til Infohus Randers"));
    let version = version_of(&app, id).await;
    let r = leader
        .post(
            &format!("/bekymringer/{id}/videresend"),
            &[
                ("version", &version),
                ("remark", "Jeg kender familien; far er bekymret."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/leder/indbakke"));
    assert_eq!(status_of(&app, id).await, "received");

    assert!(
        !leader
            .get("/leder/indbakke")
            .await
            .body
            .contains("Mikkel Sørensen")
    );
    let queue = coordinator.get("/infohus/indgang").await;
    assert!(queue.body.contains("Mikkel Sørensen"), "{}", queue.body);
    assert!(queue.body.contains("Medarbejder"));

    // The history says who did what and when.
    let history: Vec<(Option<String>, String, String, time::OffsetDateTime)> = sqlx::query_as(
        "select u.email, h.action, h.to_status, h.occurred_at
         from concern_history h left join users u on u.id = h.actor_user_id
         where h.concern_id = $1 order by h.occurred_at, h.id",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].0.as_deref(), Some("staff@randers.demo"));
    assert_eq!(
        (history[0].1.as_str(), history[0].2.as_str()),
        ("filed", "awaiting_leader")
    );
    assert_eq!(history[1].0.as_deref(), Some("leader@randers.demo"));
    assert_eq!(
        (history[1].1.as_str(), history[1].2.as_str()),
        ("forwarded", "received")
    );
    assert_eq!(history[1].3 - history[0].3, Duration::minutes(20));

    let page = coordinator.get(&format!("/infohus/indgang/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let timeline = page.texts("#history-heading + ol li").join("\n");
    assert!(
        timeline.contains("Indberettet") && timeline.contains("Sofie Lund"),
        "{timeline}"
    );
    assert!(
        timeline.contains("Sendt videre") && timeline.contains("Henrik Mølgaard"),
        "{timeline}"
    );
    assert!(page.body.contains("Jeg kender familien"));
    assert_eq!(app.audit_count("concern_filed").await, 1);
    assert_eq!(app.audit_count("concern_forwarded").await, 1);
    assert!(app.audit_count("concern_viewed").await >= 3);
}

#[tokio::test]
async fn a_ballerup_staff_concern_goes_straight_to_the_coordinator() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@ballerup.demo").await;
    staff.get("/bekymringer/ny?akut=nej").await;
    let form = staff.get("/bekymringer/ny?akut=nej").await;
    assert!(
        !form.body.contains("direct_to_infohus"),
        "no leader to bypass in Ballerup"
    );
    let id = file(&mut staff, &[("reporter_name", "Emil Nørgaard")]).await;
    assert_eq!(status_of(&app, id).await, "received");
    let mut coordinator = app.signed_in("coordinator@ballerup.demo").await;
    assert!(
        coordinator
            .get("/infohus/indgang")
            .await
            .body
            .contains("Mikkel Sørensen")
    );
    // Ballerup's leaders have no inbox: concerns do not pass through them there.
    let mut leader = app.signed_in("leader@ballerup.demo").await;
    assert_eq!(
        leader.get("/leder/indbakke").await.status,
        StatusCode::FORBIDDEN
    );
    let home = leader.get("/").await;
    assert!(!home.body.contains("/leder/indbakke"));
    let mut randers = app.signed_in("coordinator@randers.demo").await;
    assert!(
        !randers
            .get("/infohus/indgang")
            .await
            .body
            .contains("Mikkel Sørensen")
    );
}

#[tokio::test]
async fn a_randers_employee_may_send_directly_to_infohus_with_a_reason() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let form = staff.get("/bekymringer/ny?akut=nej").await;
    assert!(form.body.contains("name=\"direct_to_infohus\""));

    let refused = post_fields(
        &mut staff,
        "/bekymringer/ny",
        &concern_form(&[("direct_to_infohus", "ja")]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("hvorfor bekymringen skal direkte til Infohus")
    );
    assert_eq!(concern_count(&app).await, 0);

    let id = file(
        &mut staff,
        &[
            ("direct_to_infohus", "ja"),
            ("direct_reason", "Min leder er selv nævnt i bekymringen."),
        ],
    )
    .await;
    assert_eq!(status_of(&app, id).await, "received");
    let (direct, reason): (bool, Option<String>) =
        sqlx::query_as("select direct_to_infohus, direct_reason from concerns where id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("row");
    assert!(direct);
    assert_eq!(
        reason.as_deref(),
        Some("Min leder er selv nævnt i bekymringen.")
    );
    let history_reason: Option<String> =
        sqlx::query_scalar("select reason from concern_history where concern_id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("history");
    assert_eq!(
        history_reason.as_deref(),
        Some("Min leder er selv nævnt i bekymringen.")
    );

    // The leader it bypasses neither has it in the inbox nor can open it.
    let mut leader = app.signed_in("leader@randers.demo").await;
    assert!(
        !leader
            .get("/leder/indbakke")
            .await
            .body
            .contains("Mikkel Sørensen")
    );
    assert_eq!(
        leader.get(&format!("/bekymringer/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let queue = coordinator.get("/infohus/indgang").await;
    assert!(queue.body.contains("Mikkel Sørensen"));
    assert!(queue.body.contains("direkte, uden om lederen"));
    let page = coordinator.get(&format!("/infohus/indgang/{id}")).await;
    assert!(page.body.contains("Min leder er selv nævnt i bekymringen."));
}

#[tokio::test]
async fn a_leader_of_another_unit_and_a_coordinator_of_another_municipality_get_404() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let id = file(&mut staff, &[]).await;
    let path = format!("/bekymringer/{id}");

    let mut other_leader = app.signed_in("leader2@randers.demo").await;
    assert_eq!(other_leader.get(&path).await.status, StatusCode::NOT_FOUND);
    let r = other_leader
        .post(
            &format!("{path}/videresend"),
            &[("version", "1"), ("remark", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(status_of(&app, id).await, "awaiting_leader");
    assert!(
        !other_leader
            .get("/leder/indbakke")
            .await
            .body
            .contains("Mikkel Sørensen")
    );

    let mut other_staff = app.signed_in("staff2@randers.demo").await;
    assert_eq!(other_staff.get(&path).await.status, StatusCode::NOT_FOUND);

    // Forwarded, it reaches Randers' coordinator and nobody in Ballerup.
    let mut leader = app.signed_in("leader@randers.demo").await;
    leader.get(&path).await;
    leader
        .post(
            &format!("{path}/videresend"),
            &[("version", "1"), ("remark", "")],
        )
        .await;
    assert_eq!(status_of(&app, id).await, "received");
    let mut ballerup = app.signed_in("coordinator@ballerup.demo").await;
    assert_eq!(ballerup.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        ballerup.get(&format!("/infohus/indgang/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = ballerup
        .post(
            &format!("/infohus/indgang/{id}/opret-sag"),
            &[("version", "2"), ("subject_name", "X")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        ballerup.get("/infohus/indgang/ikke-et-id").await.status,
        StatusCode::NOT_FOUND
    );
    let mut randers = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(randers.get(&path).await.status, StatusCode::OK);
}

#[tokio::test]
async fn invalid_concerns_are_refused_in_danish_with_the_input_kept_and_nothing_stored() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    staff.get("/bekymringer/ny?akut=nej").await;

    let r = post_fields(
        &mut staff,
        "/bekymringer/ny",
        &concern_form(&[("observation", "   ")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#observation-error")
            .join(" ")
            .contains("Feltet skal udfyldes")
    );
    assert_eq!(
        r.field_value("subject_name").as_deref(),
        Some("Mikkel Sørensen")
    );
    assert!(r.body.contains("Formularen er ikke udfyldt korrekt"));

    let r = post_fields(
        &mut staff,
        "/bekymringer/ny",
        &concern_form(&[("subject_cpr", "310210-4321")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#subject_cpr-error")
            .join(" ")
            .contains("dato, der ikke findes"),
        "{}",
        r.body
    );
    assert_eq!(r.field_value("subject_cpr").as_deref(), Some("310210-4321"));

    let megabyte = "a".repeat(1_000_000);
    let r = post_fields(
        &mut staff,
        "/bekymringer/ny",
        &concern_form(&[("observation", &megabyte)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#observation-error")
            .join(" ")
            .contains("Teksten er for lang")
    );
    assert_eq!(
        r.field_value("observation").map(|v| v.len()),
        Some(1_000_000)
    );

    let r = post_fields(
        &mut staff,
        "/bekymringer/ny",
        &concern_form(&[
            ("warning_signs", "access_to_weapons"),
            ("warning_signs", "mind_control_rays"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#warning_signs-error")
            .join(" ")
            .contains("findes ikke")
    );
    assert!(r.body.contains("value=\"access_to_weapons\" checked"));

    let r = post_fields(
        &mut staff,
        "/bekymringer/ny",
        &concern_form(&[("kind", "alien")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.texts("#kind-error").join(" ").contains("Vælg"));

    // Without the CSRF token the request never reaches the form.
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(concern_form(&[]))
        .finish();
    let r = staff.post_raw("/bekymringer/ny", body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    assert_eq!(concern_count(&app).await, 0);
    assert_eq!(app.audit_count("concern_filed").await, 0);
}

#[tokio::test]
async fn someone_in_acute_danger_is_told_to_call_112_and_nothing_is_stored() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let form = staff.get("/bekymringer/ny?akut=nej").await;
    assert!(form.body.contains("Er nogen i akut fare?"));
    let r = post_fields(
        &mut staff,
        "/bekymringer/ny",
        &concern_form(&[("acute", "ja")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("[role=alert] h2")
            .iter()
            .any(|t| t.contains("Ring 112"))
    );
    assert!(r.body.contains("ikke til akutte situationer"));
    assert_eq!(
        r.field_value("subject_name").as_deref(),
        Some("Mikkel Sørensen")
    );
    assert_eq!(concern_count(&app).await, 0);
}

#[tokio::test]
async fn a_leader_filing_their_own_concern_goes_straight_to_infohus() {
    let app = TestApp::with_demo_users().await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let form = leader.get("/bekymringer/ny?akut=nej").await;
    assert!(!form.body.contains("name=\"direct_to_infohus\""));
    let id = file(&mut leader, &[("reporter_name", "Henrik Mølgaard")]).await;
    assert_eq!(status_of(&app, id).await, "received");
    let source: String = sqlx::query_scalar("select source from concerns where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("source");
    assert_eq!(source, "leader");
}

#[tokio::test]
async fn the_reporter_sees_the_stage_and_questions_but_not_what_others_added() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let mut key = app.signed_in("key_employee@randers.demo").await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let id = file(&mut staff, &[]).await;
    let path = format!("/bekymringer/{id}");

    // The leader asks; the concern comes back to the employee, who answers.
    leader.get(&path).await;
    let r = leader
        .post(
            &format!("{path}/returner"),
            &[
                ("version", "1"),
                ("question", "Hvem i klassen har set videoerne?"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status_of(&app, id).await, "returned");
    let mine = staff.get("/bekymringer").await;
    assert!(mine.body.contains("Sendt tilbage til dig med et spørgsmål"));
    let page = staff.get(&path).await;
    assert!(page.body.contains("Hvem i klassen har set videoerne?"));
    let r = staff
        .post(
            &format!("{path}/svar"),
            &[("version", "2"), ("reply", "Tre drenge fra 9.b.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status_of(&app, id).await, "awaiting_leader");
    assert!(
        leader
            .get("/leder/indbakke")
            .await
            .body
            .contains("Mikkel Sørensen")
    );

    leader.get(&path).await;
    leader
        .post(
            &format!("{path}/videresend"),
            &[("version", "3"), ("remark", "LEDERENS-BEMÆRKNING")],
        )
        .await;
    let units = key.get("/enhed/bekymringer").await;
    assert!(units.body.contains("Mikkel Sørensen"));
    key.get(&path).await;
    let r = key
        .post(&format!("{path}/tilfoej"), &[("note", "NØGLE-NOTE")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    coordinator.get(&path).await;
    let r = coordinator
        .post(&format!("{path}/tilfoej"), &[("note", "TOVHOLDER-NOTE")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let mine = staff.get("/bekymringer").await;
    let row = mine.texts("tbody tr").join(" ");
    assert!(row.contains("Modtaget"), "{row}");
    assert!(row.contains("Nej, ikke endnu"), "{row}");
    let page = staff.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Modtaget"));
    assert!(page.body.contains("Hvem i klassen har set videoerne?"));
    assert!(page.body.contains("Tre drenge fra 9.b."));
    for hidden in ["LEDERENS-BEMÆRKNING", "NØGLE-NOTE", "TOVHOLDER-NOTE"] {
        assert!(
            !page.body.contains(hidden),
            "the reporter must not see {hidden}"
        );
        assert!(!mine.body.contains(hidden));
    }
    assert!(!page.body.contains("Historik"));

    // The key employee sees the concern as filed and the key employee's notes only.
    let page = key.get(&path).await;
    assert!(page.body.contains("NØGLE-NOTE"));
    assert!(!page.body.contains("LEDERENS-BEMÆRKNING"));
    assert!(!page.body.contains("TOVHOLDER-NOTE"));

    // Once the coordinator has opened it, the reporter is told so.
    coordinator.get(&format!("/infohus/indgang/{id}")).await;
    let mine = staff.get("/bekymringer").await;
    assert!(mine.texts("tbody tr").join(" ").contains("Ja, 20.11.2026"));
    assert_eq!(app.audit_count("concern_returned").await, 1);
    assert_eq!(app.audit_count("concern_resubmitted").await, 1);
    assert_eq!(app.audit_count("concern_addendum_added").await, 2);
}

#[tokio::test]
async fn a_forward_on_a_stale_version_is_refused_with_409_and_the_text_kept() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let id = file(&mut staff, &[]).await;
    let path = format!("/bekymringer/{id}");
    leader.get(&path).await;
    leader
        .post(
            &format!("{path}/returner"),
            &[("version", "1"), ("question", "Hvornår?")],
        )
        .await;
    let r = leader
        .post(
            &format!("{path}/videresend"),
            &[("version", "1"), ("remark", "Min bemærkning")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("behandlet af en anden"));
    assert_eq!(status_of(&app, id).await, "returned");
}

#[tokio::test]
async fn the_coordinator_opens_a_case_links_a_second_concern_with_the_same_cpr_and_the_repeat_flag_appears()
 {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@ballerup.demo").await;
    let mut coordinator = app.signed_in("coordinator@ballerup.demo").await;
    let first = file(
        &mut staff,
        &[
            ("reporter_name", "Emil Nørgaard"),
            ("subject_cpr", "2412104321"),
        ],
    )
    .await;

    let page = coordinator.get(&format!("/infohus/indgang/{first}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.field_value("subject_cpr").as_deref(),
        Some("241210-4321")
    );
    let read: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select read_by_coordinator_at from concerns where id = $1")
            .bind(first)
            .fetch_one(&app.db)
            .await
            .expect("read");
    assert!(read.is_some());
    let fields = [
        ("version", "1"),
        ("subject_name", "Mikkel Sørensen"),
        ("subject_birth_date", "24.12.2010"),
        ("subject_approx_age", ""),
        ("subject_under_18", "ja"),
        ("subject_cpr", "241210-4321"),
        ("subject_address", ""),
    ];
    let r = coordinator
        .post(&format!("/infohus/indgang/{first}/opret-sag"), &fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (case_id, reference, stage): (Uuid, String, String) =
        sqlx::query_as("select id, reference, stage from cases")
            .fetch_one(&app.db)
            .await
            .expect("one case");
    assert_eq!(r.location(), Some(format!("/sager/{case_id}").as_str()));
    assert_eq!(reference, "BAL-2026-0001");
    assert_eq!(stage, "received");
    assert_eq!(status_of(&app, first).await, "linked");
    let history: i64 = sqlx::query_scalar("select count(*) from case_history where case_id = $1")
        .bind(case_id)
        .fetch_one(&app.db)
        .await
        .expect("history");
    assert_eq!(history, 1);
    assert!(
        !coordinator
            .get("/infohus/indgang")
            .await
            .body
            .contains("Mikkel Sørensen")
    );

    // Four months later the same person, spelt differently, with the same CPR number.
    app.clock.advance(Duration::days(120));
    let mut staff = app.signed_in("staff@ballerup.demo").await;
    let mut coordinator = app.signed_in("coordinator@ballerup.demo").await;
    let second = file(
        &mut staff,
        &[
            ("reporter_name", "Emil Nørgaard"),
            ("subject_name", "Mikkel Sörensen"),
            ("subject_cpr", "241210-4321"),
        ],
    )
    .await;
    let queue = coordinator.get("/infohus/indgang").await;
    let row = queue.texts("tbody tr").join(" ");
    assert!(
        row.contains("Mikkel Sörensen") && row.contains("Gentagen bekymring"),
        "{row}"
    );
    let page = coordinator.get(&format!("/infohus/indgang/{second}")).await;
    let candidates = page.texts("table.data tbody tr").join(" ");
    assert!(
        candidates.contains("BAL-2026-0001") && candidates.contains("Samme CPR"),
        "{candidates}"
    );

    // A second case for the same person is refused, and the existing one offered.
    let mut again = fields.to_vec();
    again[1] = ("subject_name", "Mikkel Sörensen");
    let r = coordinator
        .post(&format!("/infohus/indgang/{second}/opret-sag"), &again)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#subject_cpr-error")
            .join(" ")
            .contains("BAL-2026-0001")
    );
    assert!(r.body.contains("Tilknyt bekymringen til BAL-2026-0001"));

    let r = coordinator
        .post(
            &format!("/infohus/indgang/{second}/tilknyt"),
            &[("version", "1"), ("reference", "BAL-2026-0001")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some(format!("/sager/{case_id}").as_str()));
    let linked: (String, Option<Uuid>) =
        sqlx::query_as("select status, case_id from concerns where id = $1")
            .bind(second)
            .fetch_one(&app.db)
            .await
            .expect("linked");
    assert_eq!(linked, ("linked".to_owned(), Some(case_id)));
    let cases: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&app.db)
        .await
        .expect("cases");
    assert_eq!(cases, 1);
    assert!(
        infohus::store::concerns::case_is_repeat(&app.db, infohus::domain::ids::CaseId(case_id))
            .await
            .expect("repeat")
    );
    // The later concern repeats the earlier one (one rule for every page and the figures).
    assert!(
        infohus::store::concerns::is_repeat_subject(
            &app.db,
            infohus::domain::ids::ConcernId(second)
        )
        .await
        .expect("repeat")
    );
    assert_eq!(app.audit_count("case_opened").await, 1);
    assert_eq!(app.audit_count("concern_linked").await, 4);

    // One rule of a repeat: the case list, the case page and the quarterly figures say what
    // the intake queue said.
    let list = coordinator.get("/sager?mine=nej").await;
    assert!(
        list.texts("tbody tr").join(" ").contains("Gentagen"),
        "{}",
        list.body
    );
    let page = coordinator.get(&format!("/sager/{case_id}")).await;
    assert!(page.body.contains("Gentagen bekymring"), "{}", page.body);
    let ballerup = app.municipality_id("ballerup").await;
    let filed: Vec<time::OffsetDateTime> =
        sqlx::query_scalar("select filed_at from concerns where id = any($1) order by filed_at")
            .bind(vec![first, second])
            .fetch_all(&app.db)
            .await
            .expect("filed");
    let mut quarters: Vec<infohus::domain::stats::Quarter> = filed
        .iter()
        .map(|at| infohus::domain::stats::Quarter::containing(at.date()))
        .collect();
    quarters.dedup();
    let mut conn = app.db.acquire().await.expect("connection");
    let figures =
        infohus::store::stats::quarterly(&mut conn, &[ballerup], &quarters, app.clock.now())
            .await
            .expect("figures");
    let repeats: i64 = (0..quarters.len())
        .map(|q| {
            figures.count(
                infohus::store::stats::Breakdown::Repeat,
                Some(ballerup),
                q,
                Some("repeat"),
            )
        })
        .sum();
    assert_eq!(repeats, 1, "the second concern repeats the first");
}

#[tokio::test]
async fn similar_names_with_the_same_birth_date_are_offered_and_unknown_references_refused() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@ballerup.demo").await;
    let mut coordinator = app.signed_in("coordinator@ballerup.demo").await;
    let first = file(
        &mut staff,
        &[
            ("reporter_name", "Emil Nørgaard"),
            ("subject_name", "Ahmad Hassan"),
        ],
    )
    .await;
    coordinator.get(&format!("/infohus/indgang/{first}")).await;
    let r = coordinator
        .post(
            &format!("/infohus/indgang/{first}/opret-sag"),
            &[
                ("version", "1"),
                ("subject_name", "Ahmad Hassan"),
                ("subject_birth_date", "24.12.2010"),
                ("subject_under_18", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let other = file(
        &mut staff,
        &[
            ("reporter_name", "Emil Nørgaard"),
            ("subject_name", "Ahmed Hassan"),
        ],
    )
    .await;
    let stranger = file(
        &mut staff,
        &[
            ("reporter_name", "Emil Nørgaard"),
            ("subject_name", "Ahmed Hassan"),
            ("subject_birth_date", "01.01.2001"),
        ],
    )
    .await;
    let page = coordinator.get(&format!("/infohus/indgang/{other}")).await;
    assert!(
        page.texts("table.data tbody tr")
            .join(" ")
            .contains("BAL-2026-0001")
    );
    let page = coordinator
        .get(&format!("/infohus/indgang/{stranger}"))
        .await;
    assert!(page.body.contains("Ingen sager ligner"));
    let queue = coordinator.get("/infohus/indgang").await;
    let rows = queue.texts("tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.contains("Ahmed Hassan") && r.contains("Gentagen"))
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("01.01.2001") && !r.contains("Gentagen")),
        "{rows:?}"
    );

    let r = coordinator
        .post(
            &format!("/infohus/indgang/{other}/tilknyt"),
            &[("version", "1"), ("reference", "BAL-2099-9999")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.texts("#reference-error").join(" ").contains("ingen sag"));
    assert!(r.body.contains("value=\"BAL-2099-9999\""));
    assert_eq!(status_of(&app, other).await, "received");
}

#[tokio::test]
async fn the_queue_is_oldest_first_with_the_age_in_days() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@ballerup.demo").await;
    file(
        &mut staff,
        &[
            ("reporter_name", "Emil Nørgaard"),
            ("subject_name", "Først Indberettet"),
        ],
    )
    .await;
    app.clock.advance(Duration::days(3));
    let mut staff = app.signed_in("staff@ballerup.demo").await;
    file(
        &mut staff,
        &[
            ("reporter_name", "Emil Nørgaard"),
            ("subject_name", "Senest Indberettet"),
            ("subject_birth_date", "01.02.2003"),
        ],
    )
    .await;
    let mut coordinator = app.signed_in("coordinator@ballerup.demo").await;
    let queue = coordinator.get("/infohus/indgang").await;
    let rows = queue.texts("tbody tr");
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].contains("Først Indberettet") && rows[0].contains(" 3 "),
        "{rows:?}"
    );
    assert!(
        rows[1].contains("Senest Indberettet") && rows[1].contains(" 0 "),
        "{rows:?}"
    );
    assert_eq!(app.audit_count("queue_viewed").await, 1);
}

#[tokio::test]
async fn the_pages_are_offered_by_role() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let home = staff.get("/").await;
    assert!(home.body.contains("href=\"/bekymringer/ny\""));
    assert!(!home.body.contains("href=\"/infohus/indgang\""));
    assert_eq!(
        staff.get("/infohus/indgang").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff.get("/leder/indbakke").await.status,
        StatusCode::FORBIDDEN
    );
    let mut steering = app.signed_in("steering_group@randers.demo").await;
    assert_eq!(
        steering.get("/bekymringer/ny?akut=nej").await.status,
        StatusCode::FORBIDDEN
    );
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert!(
        coordinator
            .get("/")
            .await
            .body
            .contains("href=\"/infohus/indgang\"")
    );
    let mut anonymous = app.client();
    let r = anonymous.get("/bekymringer/ny?akut=nej").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_police_user_files_a_concern_into_the_municipality_of_the_district() {
    let app = TestApp::with_demo_users().await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let id = file(&mut police, &[("reporter_name", "Politiets tovholder")]).await;
    assert_eq!(status_of(&app, id).await, "received");
    let (municipality, source): (Uuid, String) =
        sqlx::query_as("select municipality_id, source from concerns where id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("row");
    assert_eq!(municipality, app.municipality_id("randers").await.0);
    assert_eq!(source, "police");
    assert!(
        police
            .get("/bekymringer")
            .await
            .body
            .contains("Mikkel Sørensen")
    );
}

#[tokio::test]
async fn the_demo_data_gives_a_newcomer_a_living_inbox_and_queue() {
    let app = TestApp::new().await;
    infohus::seed::demo(&app.state)
        .await
        .expect("demo data")
        .expect("an empty database");
    let statuses: Vec<(String, String, i64)> = sqlx::query_as(
        "select m.slug, c.status, count(*) from concerns c
         join municipalities m on m.id = c.municipality_id
         where c.filed_at > $1 group by 1, 2 order by 1, 2",
    )
    .bind(crate::support::START - Duration::days(200))
    .fetch_all(&app.db)
    .await
    .expect("statuses");
    for (slug, status) in [
        ("randers", "awaiting_leader"),
        ("randers", "returned"),
        ("randers", "received"),
        ("randers", "linked"),
        ("ballerup", "received"),
        ("ballerup", "linked"),
    ] {
        assert!(
            statuses
                .iter()
                .any(|(s, st, n)| s == slug && st == status && *n > 0),
            "{slug} has no {status} concern: {statuses:?}"
        );
    }

    let mut leader = app.signed_in("leader@randers.demo").await;
    let inbox = leader.get("/leder/indbakke").await;
    assert!(inbox.body.contains("Oliver Kragh") && inbox.body.contains("Noah Bisgaard"));
    assert!(
        !inbox.body.contains("Jakob Winther"),
        "sent directly, past the leader"
    );
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let queue = coordinator.get("/infohus/indgang").await;
    let rows = queue.texts("tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.contains("Ali Demir") && r.contains("Gentagen bekymring")),
        "{rows:?}"
    );
    assert!(rows.iter().any(|r| r.contains("Jakob Winther")));
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mine = staff.get("/bekymringer").await;
    assert!(mine.body.contains("Sendt tilbage til dig med et spørgsmål"));

    let mut citizen = app.client();
    for (slug, code) in infohus::seed::intake::DEMO_RECEIPT_CODES {
        citizen.get(&format!("/k/{slug}/status")).await;
        let r = citizen
            .post(&format!("/k/{slug}/status"), &[("code", code)])
            .await;
        assert_eq!(r.texts("[role=status] strong"), vec!["Modtaget"], "{slug}");
    }
}

#[tokio::test]
async fn the_case_timeline_holds_every_event_of_the_case_and_its_two_concerns_in_order() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let first = file(&mut staff, &[]).await;
    let path = format!("/bekymringer/{first}");
    let tick = || app.clock.advance(Duration::minutes(5));

    // Returned with a question, answered, forwarded.
    tick();
    leader.get(&path).await;
    let r = leader
        .post(
            &format!("{path}/returner"),
            &[("version", "1"), ("question", "Hvem har set videoerne?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    tick();
    let r = staff
        .post(
            &format!("{path}/svar"),
            &[("version", "2"), ("reply", "Tre drenge fra 9.b.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    tick();
    let r = leader
        .post(
            &format!("{path}/videresend"),
            &[("version", "3"), ("remark", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The coordinator opens the case.
    tick();
    coordinator.get(&format!("/infohus/indgang/{first}")).await;
    let v = version_of(&app, first).await;
    let r = coordinator
        .post(
            &format!("/infohus/indgang/{first}/opret-sag"),
            &[
                ("version", &v),
                ("subject_name", "Mikkel Sørensen"),
                ("subject_birth_date", "24.12.2010"),
                ("subject_approx_age", ""),
                ("subject_under_18", "ja"),
                ("subject_cpr", ""),
                ("subject_address", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case = r.location().expect("to the case").to_owned();

    // A second concern, sent directly past the leader, joins the case.
    tick();
    let second = file(
        &mut staff,
        &[
            ("direct_to_infohus", "ja"),
            ("direct_reason", "Min leder er selv nævnt i bekymringen."),
        ],
    )
    .await;
    tick();
    coordinator.get(&format!("/infohus/indgang/{second}")).await;
    let reference: String = sqlx::query_scalar("select reference from cases")
        .fetch_one(&app.db)
        .await
        .expect("reference");
    let r = coordinator
        .post(
            &format!("/infohus/indgang/{second}/tilknyt"),
            &[("version", "1"), ("reference", &reference)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let page = coordinator.get(&case).await;
    let timeline: Vec<String> = page
        .texts("ol.timeline li strong")
        .into_iter()
        .map(|t| t.trim().to_owned())
        .collect();
    assert_eq!(
        timeline,
        [
            "Bekymring indberettet",
            "Bekymring sendt tilbage til indberetter med et spørgsmål",
            "Spørgsmålet er besvaret, og bekymringen er sendt til lederen igen",
            "Bekymring sendt videre til Infohus af lederen",
            "Sagen er oprettet",
            "Bekymring knyttet til sagen",
            "Bekymring indberettet og sendt direkte til Infohus",
            "Bekymring knyttet til sagen",
        ]
    );
    let entries = page.texts("ol.timeline li").join(" | ");
    assert!(
        entries.contains("Min leder er selv nævnt i bekymringen."),
        "{entries}"
    );
}

#[tokio::test]
async fn the_acute_question_comes_first_and_a_yes_stops_before_the_form() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut citizen = app.client();
    for (c, path) in [
        (&mut staff, "/bekymringer/ny"),
        (&mut citizen, "/k/randers/bekymring"),
    ] {
        // First the question alone, as a plain GET form.
        let ask = c.get(path).await;
        assert_eq!(ask.status, StatusCode::OK);
        let radios = scraper::Selector::parse("form[method=get] input[name=akut]").expect("css");
        assert_eq!(ask.html().select(&radios).count(), 2);
        assert!(!ask.body.contains("name=\"observation\""));

        // Yes: call 112; no form, nothing stored.
        let stop = c.get(&format!("{path}?akut=ja")).await;
        assert_eq!(stop.status, StatusCode::OK);
        assert!(stop.body.contains("Ring 112 nu"), "{path}");
        assert!(!stop.body.contains("name=\"observation\""));
        assert!(stop.body.contains(&format!("{path}?akut=nej")));

        // Neither: asked again with a message at the question.
        for wrong in ["akut=maaske", "spurgt=ja"] {
            let unanswered = c.get(&format!("{path}?{wrong}")).await;
            assert_eq!(unanswered.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(!unanswered.texts("#akut-error").is_empty());
        }

        // No: the form, with the answer carried along.
        let form = c.get(&format!("{path}?akut=nej")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("name=\"observation\""));
        assert!(form.body.contains("name=\"acute\" value=\"nej\""));
    }
    let concerns: i64 = sqlx::query_scalar("select count(*) from concerns")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(concerns, 0);
}

#[tokio::test]
async fn the_leaders_home_counts_the_inbox_and_a_returned_question_is_the_employees_task() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let id = file(&mut staff, &[]).await;
    let path = format!("/bekymringer/{id}");

    let home = leader.get("/").await;
    let tasks = home.texts(".tasks").join(" ");
    assert!(
        tasks.contains("1 bekymring venter i din indbakke"),
        "{tasks}"
    );
    assert!(home.texts(".tasks a[href=\"/leder/indbakke\"]").len() == 1);

    leader.get(&path).await;
    let r = leader
        .post(
            &format!("{path}/returner"),
            &[("version", "1"), ("question", "Hvem har set videoerne?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let home = staff.get("/").await;
    assert!(
        home.body.contains(&format!("href=\"{path}\"")),
        "the returned concern is a task"
    );
    assert!(home.body.contains("Besvar lederens spørgsmål"));
    // The leader's count no longer holds it: it waits for the employee now.
    let tasks = leader.get("/").await.texts(".tasks").join(" ");
    assert!(!tasks.contains("venter i din indbakke"), "{tasks}");

    let r = staff
        .post(
            &format!("{path}/svar"),
            &[("version", "2"), ("reply", "Tre drenge fra 9.b.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        !staff
            .get("/")
            .await
            .body
            .contains("Besvar lederens spørgsmål")
    );
}

/// A concern from Ballerup's staff member, received at `at`, straight into the intake queue.
async fn received_concern(app: &TestApp, name: &str, at: time::OffsetDateTime) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "insert into concerns (id, municipality_id, unit_id, status, source, reporter_user_id,
                               reporter_name, subject_name, subject_approx_age, subject_is_minor,
                               observation, kind, filed_at, received_at)
         select $1, u.municipality_id, u.unit_id, 'received', 'staff', u.id, u.name, $2, 15, true,
                'Deler voldsforherligende videoer i klassens chat.', 'right_wing_extremism', $3, $3
         from users u where u.email = 'staff@ballerup.demo'",
    )
    .bind(id)
    .bind(name)
    .bind(at)
    .execute(&app.db)
    .await
    .expect("concern");
    id
}

/// Walks a list from `path` by its "Næste side" links, calling `between` after each page;
/// returns the concern links in the order the pages showed them.
async fn walk_pages(c: &mut Client, path: &str, mut between: impl AsyncFnMut()) -> Vec<String> {
    let mut seen = Vec::new();
    let mut path = path.to_owned();
    let rows = scraper::Selector::parse("tbody tr td:first-child a").expect("css");
    let pager = scraper::Selector::parse("nav.pager a").expect("css");
    loop {
        let page = c.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let html = page.html();
        seen.extend(
            html.select(&rows)
                .filter_map(|a| a.value().attr("href").map(str::to_owned)),
        );
        between().await;
        match html
            .select(&pager)
            .find(|a| a.text().collect::<String>() == "Næste side")
            .and_then(|a| a.value().attr("href").map(str::to_owned))
        {
            Some(next) => path = next,
            None => return seen,
        }
    }
}

fn assert_each_once(seen: &[String], expected: &[Uuid]) {
    let mut unique = seen.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no concern twice");
    for id in expected {
        assert!(
            seen.iter().any(|href| href.ends_with(&id.to_string())),
            "{id} missing"
        );
    }
}

#[tokio::test]
async fn the_concern_lists_page_and_show_every_concern_once_while_new_ones_arrive() {
    let app = TestApp::with_demo_users().await;
    let start = app.clock.now() - Duration::days(30);
    let mut filed = Vec::new();
    for n in 0..120 {
        filed.push(
            received_concern(
                &app,
                &format!("Side Testperson {n:03}"),
                start + Duration::minutes(n),
            )
            .await,
        );
    }

    // The intake queue, oldest first: a concern received between pages comes last, once.
    let mut coordinator = app.signed_in("coordinator@ballerup.demo").await;
    let first = coordinator.get("/infohus/indgang").await;
    assert_eq!(first.texts("tbody tr").len(), 50);
    assert!(first.body.contains("en side med 50"));
    let mut arrived = 0;
    let seen = walk_pages(&mut coordinator, "/infohus/indgang", async || {
        arrived += 1;
        received_concern(&app, "Ny Testperson", app.clock.now()).await;
    })
    .await;
    assert_each_once(&seen, &filed);
    assert_eq!(
        seen.len(),
        120 + arrived - 1,
        "all but the one after the last page"
    );

    // The reporter's own and the unit's lists, newest first: one filed between pages is newer
    // than the cursor, so it is not in a later page, and nothing repeats.
    for (email, path) in [
        ("staff@ballerup.demo", "/bekymringer"),
        ("key_employee@ballerup.demo", "/enhed/bekymringer"),
    ] {
        let mut user = app.signed_in(email).await;
        let seen = walk_pages(&mut user, path, async || {
            received_concern(&app, "Nyere Testperson", app.clock.now()).await;
        })
        .await;
        assert_each_once(&seen, &filed);
    }

    // A forged or stale cursor is the first page, not an error.
    for forged in ["x", "1.2", "99999999999999999999999.nope", "%27%3B--", ""] {
        let page = coordinator
            .get(&format!("/infohus/indgang?efter={forged}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{forged}");
        assert!(
            page.html()
                .select(&scraper::Selector::parse("nav.pager a").expect("css"))
                .all(|a| a.text().collect::<String>() != "Første side"),
            "{forged}"
        );
    }
}

async fn repeat_of(app: &TestApp, id: Uuid) -> bool {
    sqlx::query_scalar("select repeat from concerns where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("repeat")
}

#[tokio::test]
async fn a_concern_reaching_infohus_marks_the_later_ones_about_the_person_and_itself_after_earlier_ones()
 {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let forward = |id: Uuid| format!("/bekymringer/{id}/videresend");
    let first = file(&mut staff, &[]).await;
    let other_person = file(
        &mut staff,
        &[
            ("subject_name", "Ida Holm"),
            ("subject_birth_date", "01.03.2009"),
        ],
    )
    .await;
    // Days later (signed in again: the sessions have gone idle).
    app.clock.advance(Duration::days(3));
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let second = file(&mut staff, &[]).await;

    // The later one reaches Infohus first: nothing about the person is there before it.
    let version = version_of(&app, second).await;
    let r = leader
        .post(&forward(second), &[("version", &version), ("remark", "")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!repeat_of(&app, second).await);

    // The earlier one follows: it repeats nothing before it, and makes the later one a repeat.
    for id in [first, other_person] {
        let version = version_of(&app, id).await;
        let r = leader
            .post(&forward(id), &[("version", &version), ("remark", "")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert!(!repeat_of(&app, first).await);
    assert!(repeat_of(&app, second).await);
    assert!(!repeat_of(&app, other_person).await);

    // A third reaches Infohus after both: itself a repeat.
    app.clock.advance(Duration::days(3));
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut leader = app.signed_in("leader@randers.demo").await;
    let third = file(&mut staff, &[]).await;
    let version = version_of(&app, third).await;
    let r = leader
        .post(&forward(third), &[("version", &version), ("remark", "")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(repeat_of(&app, third).await);
    assert!(!repeat_of(&app, first).await);
}
