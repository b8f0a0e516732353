//! Need to know per district and team: who sees which case, and who may take which step.

use axum::http::StatusCode;

use crate::support::TestApp;
use crate::support::steps::*;

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
    let list = east
        .get("/sager?mine=nej")
        .await
        .texts("tbody tr")
        .join(" | ");
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
    assert_eq!(
        page.texts("#actions-heading + ul li"),
        vec!["Registrér en videregivelse".to_owned()],
        "no step of the flow for the police now, only their register of disclosures"
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
