//! Handover: everything a colleague holds moves to another in one step, previewed first,
//! audited with both names; deactivating someone who still holds work offers the handover.

use axum::http::StatusCode;
use uuid::Uuid;

use crate::support::TestApp;
use crate::support::steps::*;

const LEAVING: &str = "core_group@randers.demo";
const SUCCESSOR: &str = "core_group2@randers.demo";

/// A second core-group member in Randers, to take over.
async fn second_core_member(app: &TestApp) -> Uuid {
    sqlx::query_scalar(
        "insert into users (id, email, name, municipality_id, roles, password_hash, created_at,
                            updated_at)
         select gen_random_uuid(), $1, 'Kirsten Berg', municipality_id, roles, password_hash,
                created_at, updated_at
         from users where email = $2
         returning id",
    )
    .bind(SUCCESSOR)
    .bind(LEAVING)
    .fetch_one(&app.db)
    .await
    .expect("a second core-group member")
}

async fn held_by(app: &TestApp, user: Uuid) -> (i64, i64, i64) {
    sqlx::query_as(
        "select (select count(*) from action_plans where plan_coordinator_user_id = $1),
                (select count(*) from interventions where owner_user_id = $1
                   and status in ('planned', 'active')),
                (select count(*) from case_team where user_id = $1)",
    )
    .bind(user)
    .fetch_one(&app.db)
    .await
    .expect("holdings")
}

#[tokio::test]
async fn a_handover_moves_every_plan_intervention_and_team_place_and_names_both_in_the_audit() {
    let app = TestApp::with_demo_users().await;
    let (first, mut coordinator, _core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let (second, _, _) = randers_case_in_follow_up(&app, "20.03.2027").await;
    let leaving = app.user_id(LEAVING).await.0;
    let successor = second_core_member(&app).await;
    assert_eq!(held_by(&app, leaving).await, (2, 2, 2));

    // The preview lists what moves, case by case.
    let preview = coordinator
        .get(&format!("/overdragelse?fra={leaving}"))
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Plankoordinator for 2 handleplaner"));
    assert!(preview.body.contains("Ejer af 2 åbne indsatser"));
    assert!(preview.body.contains(&format!("/sager/{first}")));
    assert!(preview.body.contains("Kirsten Berg"));

    // Someone who may not hold plans is refused, with the choice kept.
    let staff = app.user_id("staff@randers.demo").await.0.to_string();
    let leaving_id = leaving.to_string();
    let refused = coordinator
        .post(
            "/overdragelse",
            &[("fra", leaving_id.as_str()), ("til", staff.as_str())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!refused.texts("#til-error").is_empty());
    assert_eq!(held_by(&app, leaving).await, (2, 2, 2));

    let to = successor.to_string();
    let done = coordinator
        .post(
            "/overdragelse",
            &[("fra", leaving_id.as_str()), ("til", to.as_str())],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(held_by(&app, leaving).await, (0, 0, 0), "nothing left");
    assert_eq!(held_by(&app, successor).await, (2, 2, 2), "all of it moved");
    for case in [first, second] {
        let history: String = sqlx::query_scalar(
            "select reason from case_history where case_id = $1 and move = 'handed_over'",
        )
        .bind(case)
        .fetch_one(&app.db)
        .await
        .expect("a history row");
        assert_eq!(history, "Fra Peter Skov til Kirsten Berg.");
    }
    let coordinator_id = app.user_id("coordinator@randers.demo").await.0;
    let audited: Vec<(String, Uuid, Uuid, Vec<Uuid>)> = sqlx::query_as(
        "select action, actor_user_id, object_id, shown_ids from audit_events
         where action in ('work_handed_over', 'work_taken_over') order by action",
    )
    .fetch_all(&app.db)
    .await
    .expect("audit");
    assert_eq!(audited.len(), 2);
    assert_eq!(
        (audited[0].0.as_str(), audited[0].1, audited[0].2),
        ("work_handed_over", coordinator_id, leaving)
    );
    assert_eq!(
        (audited[1].0.as_str(), audited[1].1, audited[1].2),
        ("work_taken_over", coordinator_id, successor)
    );
    assert_eq!(audited[0].3.len(), 2);

    // The successor can now open the cases and record the review.
    let mut kirsten = app.signed_in(SUCCESSOR).await;
    assert_eq!(
        kirsten.get(&format!("/sager/{first}")).await.status,
        StatusCode::OK
    );
    // The one who left no longer can.
    let mut peter = app.signed_in(LEAVING).await;
    assert_eq!(
        peter.get(&format!("/sager/{first}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_an_admin_or_the_municipalitys_coordinator_hands_over_and_deactivating_offers_it_first()
 {
    let app = TestApp::with_demo_users().await;
    randers_case_in_follow_up(&app, "20.02.2027").await;
    let leaving = app.user_id(LEAVING).await.0;
    let path = format!("/overdragelse?fra={leaving}");
    // Another municipality's coordinator: as if the user did not exist.
    let mut ballerup = app.signed_in("coordinator@ballerup.demo").await;
    assert_eq!(ballerup.get(&path).await.status, StatusCode::NOT_FOUND);
    let mut core = app.signed_in(LEAVING).await;
    assert_eq!(core.get(&path).await.status, StatusCode::FORBIDDEN);
    for forged in ["x", "00000000-0000-0000-0000-000000000000", "%27--"] {
        assert_eq!(
            ballerup
                .get(&format!("/overdragelse?fra={forged}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{forged}"
        );
    }

    // An admin deactivating them is shown what they hold and offered the handover.
    let mut admin = app.signed_in("admin@infohus.demo").await;
    let preview = admin.get(&path).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Plankoordinator for 1 handleplan"));
    assert!(
        !preview.body.contains("/sager/"),
        "admins see counts, not cases"
    );
    let asked = admin
        .post(
            &format!("/admin/brugere/{leaving}/aktiv"),
            &[("active", "false")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains(&path));
    let active: bool = sqlx::query_scalar("select active from users where id = $1")
        .bind(leaving)
        .fetch_one(&app.db)
        .await
        .expect("user");
    assert!(active, "not deactivated before the admin confirms");
    let forced = admin
        .post(
            &format!("/admin/brugere/{leaving}/aktiv"),
            &[("active", "false"), ("confirm", "ja")],
        )
        .await;
    assert_eq!(forced.status, StatusCode::SEE_OTHER);
    // A deactivated user's work can still be handed over afterwards.
    let later = admin.get(&path).await;
    assert!(later.body.contains("(deaktiveret)"));
}
