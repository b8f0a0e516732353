//! An admin moves a user to another municipality, unit or police district: checked like a new
//! user, refused while the user holds work in the old municipality, and in force from the
//! user's next request (their sessions end).

use axum::http::StatusCode;
use uuid::Uuid;

use crate::support::TestApp;
use crate::support::steps::randers_case_in_follow_up;

async fn belonging(app: &TestApp, email: &str) -> (Option<Uuid>, Option<Uuid>) {
    sqlx::query_as("select municipality_id, unit_id from users where email = $1")
        .bind(email)
        .fetch_one(&app.db)
        .await
        .expect("user")
}

async fn unit_of(app: &TestApp, email: &str) -> Uuid {
    belonging(app, email).await.1.expect("a unit")
}

#[tokio::test]
async fn an_admin_moves_a_user_checked_like_a_new_one_and_not_away_from_their_work() {
    let app = TestApp::with_demo_users().await;
    let randers = app.municipality_id("randers").await.0;
    let ballerup = app.municipality_id("ballerup").await.0;
    let other_unit = unit_of(&app, "staff2@randers.demo").await;
    let ballerup_unit = unit_of(&app, "staff@ballerup.demo").await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let mut admin = app.signed_in("admin@infohus.demo").await;
    let staff_id = app.user_id("staff@randers.demo").await;
    let path = format!("/admin/brugere/{staff_id}/tilhoersforhold");

    // A unit of another municipality is refused, and nothing changes.
    let before = belonging(&app, "staff@randers.demo").await;
    let r = admin
        .post(
            &path,
            &[
                ("municipality", &randers.to_string()),
                ("unit", &ballerup_unit.to_string()),
                ("police_district", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = admin.get("/admin/brugere").await;
    assert!(
        page.body
            .contains("Enheden skal høre til den valgte kommune.")
    );
    assert_eq!(belonging(&app, "staff@randers.demo").await, before);
    assert_eq!(staff.get("/").await.status, StatusCode::OK);

    // To the other Randers unit: done, and in force from the next request.
    let r = admin
        .post(
            &path,
            &[
                ("municipality", &randers.to_string()),
                ("unit", &other_unit.to_string()),
                ("police_district", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        belonging(&app, "staff@randers.demo").await,
        (Some(randers), Some(other_unit))
    );
    let r = staff.get("/").await;
    assert!(r.location().is_some_and(|l| l.starts_with("/login")));
    assert_eq!(app.audit_count("user_updated").await, 1);

    // A core-group member with a plan and an intervention stays until the work is handed over.
    randers_case_in_follow_up(&app, "20.02.2027").await;
    let core = app.user_id("core_group@randers.demo").await;
    admin
        .post(
            &format!("/admin/brugere/{core}/tilhoersforhold"),
            &[
                ("municipality", &ballerup.to_string()),
                ("unit", ""),
                ("police_district", ""),
            ],
        )
        .await;
    assert!(
        admin
            .get("/admin/brugere")
            .await
            .body
            .contains("Overdrag ansvaret først")
    );
    assert_eq!(
        belonging(&app, "core_group@randers.demo").await.0,
        Some(randers)
    );

    // Only admins move users.
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(
        coordinator.post(&path, &[]).await.status,
        StatusCode::FORBIDDEN
    );
}
