//! Who looked at a case: coordinators of the municipality and admins, nobody else.

use axum::http::StatusCode;
use infohus::store::cases::{self, NewCase};

use crate::support::TestApp;

async fn a_randers_case(app: &TestApp) -> infohus::domain::ids::CaseId {
    let coordinator = app.user_id("coordinator@randers.demo").await;
    let mut conn = app.db.acquire().await.expect("conn");
    let (id, _) = cases::open(
        &mut conn,
        &NewCase {
            municipality_id: app.municipality_id("randers").await,
            subject_name: "Testperson Hansen".to_owned(),
            subject_birth_date: None,
            subject_approx_age: Some(16),
            subject_is_minor: true,
            subject_cpr: None,
            subject_address: None,
        },
        "RAN",
        coordinator,
        app.clock.now(),
    )
    .await
    .expect("case");
    id
}

#[tokio::test]
async fn the_access_log_is_for_the_municipalitys_coordinators_and_admins_only() {
    let app = TestApp::with_demo_users().await;
    let case = a_randers_case(&app).await;
    let path = format!("/sager/{case}/adgangslog");

    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let response = coordinator.get(&path).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.body.contains("RAN-2026-0001"));

    let mut admin = app.signed_in("admin@infohus.demo").await;
    let response = admin.get(&path).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response.body.contains("Maria Krogh Degn"),
        "the coordinator's look is logged"
    );
    assert!(
        !response.body.contains("Testperson"),
        "admins never see the person"
    );
    assert!(!response.body.contains(&format!("href=\"/sager/{case}\"")));

    let mut other = app.signed_in("coordinator@ballerup.demo").await;
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
    let mut staff = app.signed_in("staff@randers.demo").await;
    assert_eq!(staff.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count("access_log_viewed").await, 2);
}
