//! The joint triage is joint: a proposal by one side moves nothing until the other confirms
//! it; a decision agreed by phone takes effect at once and waits for the named police user,
//! who confirms it or objects in time.

use axum::http::StatusCode;
use uuid::Uuid;

use crate::support::steps::*;
use crate::support::{Client, TestApp};

const COORDINATOR: &str = "coordinator@randers.demo";
const POLICE: &str = "police@oestjyllands-politi.demo";

async fn in_triage(app: &TestApp) -> (Uuid, Client, Client) {
    let id = open_case(app, "randers", "Fælles Testperson", true).await;
    let mut coordinator = app.signed_in(COORDINATOR).await;
    let mut police = app.signed_in(POLICE).await;
    send_to_screening(app, &mut coordinator, id).await;
    screen(app, &mut police, id, "cleared", "").await;
    (id, coordinator, police)
}

async fn propose(app: &TestApp, c: &mut Client, id: Uuid, outcome: &str, referred: &str) {
    let v = version(app, id).await;
    let r = c
        .post(
            &format!("/sager/{id}/faelles-vurdering"),
            &[
                ("version", &v),
                ("action", "propose"),
                ("outcome", outcome),
                ("agreement", "proposal"),
                ("referred_to", referred),
                ("note", "Vores vurdering efter screeningen."),
            ],
        )
        .await;
    see_other(&r);
}

/// Confirms the proposal the form shows, as the confirm button sends it.
async fn confirm(c: &mut Client, id: Uuid) -> StatusCode {
    let form = c.get(&format!("/sager/{id}/faelles-vurdering")).await;
    let field = |name: &str| {
        form.html()
            .select(
                &scraper::Selector::parse(&format!("input[type=hidden][name={name}]"))
                    .expect("css"),
            )
            .filter_map(|e| e.value().attr("value").map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let (Some(proposal), Some(outcome)) = (field("proposal").pop(), field("outcome").pop()) else {
        // No proposal to confirm on the page: send what a stale form would.
        let r = c
            .post(
                &format!("/sager/{id}/faelles-vurdering"),
                &[
                    ("version", "0"),
                    ("action", "confirm"),
                    ("outcome", "within_remit"),
                ],
            )
            .await;
        return r.status;
    };
    let version = field("version").pop().unwrap_or_default();
    let r = c
        .post(
            &format!("/sager/{id}/faelles-vurdering"),
            &[
                ("version", &version),
                ("action", "confirm"),
                ("proposal", &proposal),
                ("outcome", &outcome),
            ],
        )
        .await;
    r.status
}

#[tokio::test]
async fn a_coordinators_proposal_waits_for_the_police_and_the_case_page_names_both() {
    let app = TestApp::with_demo_users().await;
    let (id, mut coordinator, mut police) = in_triage(&app).await;
    propose(&app, &mut coordinator, id, "within_remit", "").await;
    assert_eq!(stage(&app, id).await, "triage");

    // The proposer cannot confirm their own proposal.
    assert_eq!(confirm(&mut coordinator, id).await, StatusCode::CONFLICT);
    assert_eq!(stage(&app, id).await, "triage");

    // The police see it waiting for them, on the case page and among their tasks.
    let page = police.get(&format!("/sager/{id}")).await;
    assert!(
        page.body
            .contains("Fælles vurdering: bekræft eller svar på forslaget")
    );
    let home = police.get("/").await;
    assert!(
        home.body
            .contains(&format!("/sager/{id}/faelles-vurdering"))
    );

    assert_eq!(confirm(&mut police, id).await, StatusCode::SEE_OTHER);
    assert_eq!(stage(&app, id).await, "assessment");
    let page = coordinator.get(&format!("/sager/{id}")).await;
    let triage = page
        .texts("section[aria-labelledby=triage-heading] p")
        .join(" ");
    assert!(
        triage.contains("Foreslået af Maria Krogh Degn")
            && triage.contains("bekræftet af Politiets tovholder, Østjyllands Politi"),
        "{triage}"
    );
    assert_eq!(app.audit_count("triage_proposed").await, 1);
    assert_eq!(app.audit_count("triage_recorded").await, 1);
}

#[tokio::test]
async fn a_police_proposal_waits_for_the_coordinator() {
    let app = TestApp::with_demo_users().await;
    let (id, mut coordinator, mut police) = in_triage(&app).await;
    propose(
        &app,
        &mut police,
        id,
        "outside_remit",
        "Socialforvaltningen efter Barnets lov",
    )
    .await;
    assert_eq!(stage(&app, id).await, "triage");
    assert_eq!(confirm(&mut police, id).await, StatusCode::CONFLICT);

    // A counter-proposal replaces it; the police must then confirm the coordinator's.
    propose(&app, &mut coordinator, id, "within_remit", "").await;
    assert_eq!(confirm(&mut coordinator, id).await, StatusCode::CONFLICT);
    propose(
        &app,
        &mut police,
        id,
        "outside_remit",
        "Socialforvaltningen efter Barnets lov",
    )
    .await;
    assert_eq!(confirm(&mut coordinator, id).await, StatusCode::SEE_OTHER);
    assert_eq!(stage(&app, id).await, "closed");
    let (coordinator_name, police_name, proposer): (String, String, String) = sqlx::query_as(
        "select c.name, p.name, pb.name from triage_decisions t
         join users c on c.id = t.coordinator_user_id join users p on p.id = t.police_user_id
         join users pb on pb.id = t.proposed_by where t.case_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .expect("decision");
    assert_eq!(proposer, police_name);
    assert_ne!(coordinator_name, police_name);
    let replaced: i64 = sqlx::query_scalar(
        "select count(*) from triage_proposals where case_id = $1 and settlement = 'replaced'",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(replaced, 2);
}

#[tokio::test]
async fn a_decision_agreed_by_phone_takes_effect_and_the_named_police_user_may_object_in_time() {
    let app = TestApp::with_demo_users().await;
    let (id, mut coordinator, mut police) = in_triage(&app).await;
    triage(&app, &mut coordinator, id, POLICE, "within_remit", "").await;
    assert_eq!(stage(&app, id).await, "assessment");

    // Only the named police user answers it; another district's police do not see the case.
    let mut west = app
        .signed_in("police@koebenhavns-vestegns-politi.demo")
        .await;
    let answer = format!("/sager/{id}/faelles-vurdering/bekraeft");
    assert_eq!(west.get(&answer).await.status, StatusCode::NOT_FOUND);
    let home = police.get("/").await;
    assert!(home.body.contains(&answer), "the police user's task");
    let page = police.get(&format!("/sager/{id}")).await;
    assert!(
        page.body.contains("afventer"),
        "the case page says it waits"
    );

    // An objection needs a reason, and sends the case back to the joint triage.
    let v = version(&app, id).await;
    let r = police
        .post(
            &answer,
            &[("version", &v), ("action", "object"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.texts("#reason-error").is_empty());
    let r = police
        .post(
            &answer,
            &[
                ("version", &v),
                ("action", "object"),
                ("reason", "Vi aftalte, at skolen skulle høres først."),
            ],
        )
        .await;
    see_other(&r);
    assert_eq!(stage(&app, id).await, "triage");
    assert_eq!(app.audit_count("triage_objected").await, 1);
    // Nothing more to answer.
    let r = police.get(&answer).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn after_the_working_days_the_police_user_can_still_confirm_but_no_longer_object() {
    let app = TestApp::with_demo_users().await;
    let (id, mut coordinator, _) = in_triage(&app).await;
    triage(&app, &mut coordinator, id, POLICE, "within_remit", "").await;
    // Friday 20 November; two working days end on Tuesday. Wednesday is too late.
    app.clock.advance(time::Duration::days(5));
    let mut police = app.signed_in(POLICE).await;
    let answer = format!("/sager/{id}/faelles-vurdering/bekraeft");
    let form = police.get(&answer).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.texts("textarea[name=reason]").is_empty());
    let v = version(&app, id).await;
    let r = police
        .post(
            &answer,
            &[
                ("version", &v),
                ("action", "object"),
                ("reason", "For sent."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(stage(&app, id).await, "assessment");
    let r = police
        .post(&answer, &[("version", &v), ("action", "confirm")])
        .await;
    see_other(&r);
    assert_eq!(app.audit_count("triage_confirmed").await, 1);
    let confirmed: bool = sqlx::query_scalar(
        "select confirmed_at is not null from triage_decisions where case_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .expect("decision");
    assert!(confirmed);
}

#[tokio::test]
async fn once_the_case_has_moved_on_the_police_user_can_confirm_but_not_object() {
    let app = TestApp::with_demo_users().await;
    let (id, mut coordinator, _) = in_triage(&app).await;
    triage(&app, &mut coordinator, id, POLICE, "within_remit", "").await;
    add_to_team(&app, &mut coordinator, id, "core_group@randers.demo").await;
    app.clock.advance(time::Duration::hours(3));
    let mut core = app.signed_in("core_group@randers.demo").await;
    assess(&app, &mut core, id, "no_basis", "").await;
    let mut police = app.signed_in(POLICE).await;
    assert_eq!(stage(&app, id).await, "closed");

    let answer = format!("/sager/{id}/faelles-vurdering/bekraeft");
    let form = police.get(&answer).await;
    assert!(
        form.texts("textarea[name=reason]").is_empty(),
        "no objection offered"
    );
    let v = version(&app, id).await;
    let r = police
        .post(
            &answer,
            &[("version", &v), ("action", "object"), ("reason", "Uenig.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(stage(&app, id).await, "closed");
    see_other(
        &police
            .post(&answer, &[("version", &v), ("action", "confirm")])
            .await,
    );
}
