//! The case's register of disclosures: coordinator, police and team enter what they gave to
//! whom on which basis; a disclosure without a legal basis is refused; the register is in the
//! person's access request and goes with the person's data at the purge.

use axum::http::StatusCode;
use time::Duration;

use crate::support::TestApp;
use crate::support::steps::{count, open_case, see_other, version};

#[tokio::test]
async fn disclosures_are_registered_with_their_legal_basis_shown_exported_and_purged() {
    let app = TestApp::with_demo_users().await;
    let id = open_case(&app, "randers", "Testperson Hansen", true).await;
    sqlx::query("update cases set subject_cpr = '241210-4321' where id = $1")
        .bind(id)
        .execute(&app.db)
        .await
        .expect("cpr");
    let path = format!("/sager/{id}/videregivelser/ny");
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(coordinator.get(&path).await.status, StatusCode::OK);

    let v = version(&app, id).await;
    let long = "x".repeat(4001);
    for (fields, field) in [
        (vec![("legal_basis", "")], "legal_basis-error"),
        (
            vec![("legal_basis", "other"), ("legal_basis_other", "")],
            "legal_basis_other-error",
        ),
        (
            vec![("legal_basis", "consent"), ("content", long.as_str())],
            "content-error",
        ),
        (
            vec![("legal_basis", "consent"), ("disclosed_on", "01.01.2099")],
            "disclosed_on-error",
        ),
    ] {
        let mut all = vec![
            ("version", v.as_str()),
            ("disclosed_on", "19.11.2026"),
            ("recipient", "Børn og Familie, Randers Kommune"),
            ("content", "Handleplanen og kernegruppens vurdering"),
        ];
        for (k, val) in fields {
            all.retain(|(name, _)| *name != k);
            all.push((k, val));
        }
        let r = coordinator.post(&path, &all).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(r.body.contains(field), "{field}");
        assert_eq!(
            r.field_value("recipient").as_deref(),
            Some("Børn og Familie, Randers Kommune")
        );
    }
    assert_eq!(
        count(
            &app,
            "select count(*) from disclosures where case_id = $1",
            id
        )
        .await,
        0
    );

    see_other(
        &coordinator
            .post(
                &path,
                &[
                    ("version", &v),
                    ("disclosed_on", "19.11.2026"),
                    ("recipient", "Børn og Familie, Randers Kommune"),
                    ("content", "Handleplanen og kernegruppens vurdering"),
                    ("legal_basis", "barnets_lov"),
                ],
            )
            .await,
    );
    // The police record theirs from the screening the same way.
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let v = version(&app, id).await;
    see_other(
        &police
            .post(
                &path,
                &[
                    ("version", &v),
                    ("disclosed_on", "20.11.2026"),
                    ("recipient", "PET"),
                    ("content", "Oplysning om personens kontakt til et miljø"),
                    ("legal_basis", "other"),
                    ("legal_basis_other", "Retsplejeloven § 116"),
                ],
            )
            .await,
    );
    let page = coordinator.get(&format!("/sager/{id}")).await;
    let register = page.texts("section[aria-labelledby=disclosures-heading] tbody tr");
    assert_eq!(register.len(), 2, "{register:?}");
    assert!(register[0].contains("Barnets lov"));
    assert!(register[1].contains("Anden hjemmel: Retsplejeloven § 116"));
    assert_eq!(app.audit_count("disclosure_recorded").await, 2);
    assert_eq!(
        count(
            &app,
            "select count(*) from case_history where case_id = $1 and move = 'disclosure_recorded'",
            id
        )
        .await,
        2
    );

    // Nobody outside the case may add to it.
    let mut other = app.signed_in("coordinator@ballerup.demo").await;
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
    let mut staff = app.signed_in("staff@randers.demo").await;
    assert_eq!(staff.get(&path).await.status, StatusCode::FORBIDDEN);

    // In the person's access request.
    let json = coordinator
        .post(
            "/indsigt/json",
            &[
                ("cpr", "241210-4321"),
                ("purpose", "Indsigt"),
                ("withhold_reason", "§ 115"),
            ],
        )
        .await;
    let value: serde_json::Value = serde_json::from_str(&json.body).expect("json");
    assert_eq!(value["disclosures"].as_array().map(Vec::len), Some(2));
    assert_eq!(value["disclosures"][1]["recipient"], "PET");

    // Gone with the person's data at the purge.
    let v = version(&app, id).await;
    see_other(
        &coordinator
            .post(
                &format!("/sager/{id}/afslut"),
                &[
                    ("version", &v),
                    ("reason", "ended_otherwise"),
                    ("evaluation", "Flyttet."),
                ],
            )
            .await,
    );
    app.clock.advance(Duration::days(6 * 366));
    infohus::retention::purge(&app.state, false)
        .await
        .expect("purge");
    assert_eq!(
        count(
            &app,
            "select count(*) from disclosures where case_id = $1",
            id
        )
        .await,
        0
    );
}
