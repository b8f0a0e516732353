//! The version check: two users on one version, a stale form keeps what was typed.

use axum::http::StatusCode;
use uuid::Uuid;

use crate::support::TestApp;
use crate::support::steps::*;

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
                (
                    "notification_reason",
                    "Myndigheden kender allerede familien.",
                ),
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
