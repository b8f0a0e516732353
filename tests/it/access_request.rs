//! The person's access request: a coordinator finds everything held about a person by CPR
//! number, with the access log and its purposes, the police's note withheld with its reason;
//! every search is logged, found or not, and nobody else may search.

use axum::http::StatusCode;

use crate::support::TestApp;
use crate::support::steps::randers_case_in_follow_up;

const CPR: &str = "241210-4321";

#[tokio::test]
async fn the_coordinator_gets_everything_held_about_a_person_and_the_police_note_is_withheld() {
    let app = TestApp::with_demo_users().await;
    let (id, mut coordinator, _) = randers_case_in_follow_up(&app, "20.02.2027").await;
    sqlx::query(
        "update cases set subject_cpr = $2, subject_address = 'Skovbakken 3',
                          subject_address_protected = true where id = $1",
    )
    .bind(id)
    .bind(CPR)
    .execute(&app.db)
    .await
    .expect("cpr");
    let note: Option<String> = sqlx::query_scalar("select note from screenings where case_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("screening");
    assert!(note.is_none() || note.as_deref() == Some(""));
    sqlx::query("update screenings set note = 'Kendt fra en efterforskning' where case_id = $1")
        .bind(id)
        .execute(&app.db)
        .await
        .expect("note");
    // A look from a search, so that the log has a purpose with a criterion.
    coordinator
        .follow_from("/sager?q=Mikkel", &format!("/sager/{id}"))
        .await;

    // The case list, which showed the case.
    assert_eq!(
        coordinator.get("/sager?mine=nej").await.status,
        StatusCode::OK
    );
    let form = coordinator.get("/indsigt").await;
    assert_eq!(form.status, StatusCode::OK);
    let reason = form
        .field_value("withhold_reason")
        .expect("a default reason");
    assert!(reason.contains("§ 115"));
    let fields = [
        ("cpr", "2412104321"),
        ("purpose", "Anmodning om indsigt modtaget 2.12.2026"),
        ("include_police_note", ""),
        ("withhold_reason", reason.as_str()),
    ];
    let page = coordinator.post("/indsigt", &fields).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "Mikkel Sørensen",
        CPR,
        "Skovbakken 3",
        "Navne- og adressebeskyttelse",
        "Deler voldsforherligende videoer",
        "Analyse og vurdering",
        "Fastholdelse i skolen",
        "Mentor",
        "Politiets interne note er undtaget",
        "Søgning efter navn «Mikkel»",
        // The list that showed the case (`audit_shown`).
        "Så sagen i sagslisten",
        "Infohus-tovholder",
        "Randers Kommune",
        "Østjyllands Politi",
    ] {
        assert!(page.body.contains(expected), "{expected} missing");
    }
    assert!(!page.body.contains("Kendt fra en efterforskning"));
    let report = page.texts("article.access-report").join(" ");
    for name in ["Maria Krogh Degn", "Claus Hansen"] {
        assert!(!report.contains(name), "no employee by name: {name}");
    }

    let json = coordinator.post("/indsigt/json", &fields).await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(
        json.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment;"))
    );
    let value: serde_json::Value = serde_json::from_str(&json.body).expect("json");
    assert_eq!(value["person"]["cpr"], CPR);
    assert_eq!(value["concerns"].as_array().map(Vec::len), Some(1));
    assert!(value["screenings"][0]["police_note"].is_null());
    assert!(value["screenings"][0]["police_note_withheld"].is_string());
    assert!(value["access_log"].as_array().is_some_and(|l| l.len() > 5));

    // With the note, it is there.
    let mut with_note = fields.to_vec();
    with_note[2] = ("include_police_note", "ja");
    let page = coordinator.post("/indsigt", &with_note).await;
    assert!(page.body.contains("Kendt fra en efterforskning"));

    assert_eq!(app.audit_count("access_request_searched").await, 2);
    assert_eq!(app.audit_count("access_request_exported").await, 1);
    let (search, detail): (Option<String>, serde_json::Value) = sqlx::query_as(
        "select search, detail from audit_events where action = 'access_request_exported'",
    )
    .fetch_one(&app.db)
    .await
    .expect("row");
    assert_eq!(search.as_deref(), Some("cpr:241210-4321"));
    assert_eq!(detail["purpose"], "Anmodning om indsigt modtaget 2.12.2026");
}

#[tokio::test]
async fn unknown_invalid_and_other_municipalities_people_are_refused_in_danish_and_logged() {
    let app = TestApp::with_demo_users().await;
    let (id, _, _) = randers_case_in_follow_up(&app, "20.02.2027").await;
    sqlx::query("update cases set subject_cpr = $2 where id = $1")
        .bind(id)
        .bind(CPR)
        .execute(&app.db)
        .await
        .expect("cpr");
    let mut other = app.signed_in("coordinator@ballerup.demo").await;
    let r = other
        .post(
            "/indsigt",
            &[
                ("cpr", CPR),
                ("purpose", "Indsigt"),
                ("withhold_reason", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body
            .contains("ingen oplysninger om en person med dette CPR-nummer")
    );
    assert!(!r.body.contains("Mikkel"));

    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let r = coordinator
        .post(
            "/indsigt",
            &[("cpr", "3213"), ("purpose", ""), ("withhold_reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_value("cpr").as_deref(), Some("3213"));
    assert!(r.body.contains("Feltet skal udfyldes."));
    assert_eq!(app.audit_count("access_request_searched").await, 2);
    let criteria: Vec<Option<String>> = sqlx::query_scalar(
        "select search from audit_events where action = 'access_request_searched' order by id",
    )
    .fetch_all(&app.db)
    .await
    .expect("rows");
    assert_eq!(
        criteria,
        vec![
            Some("cpr:241210-4321".to_owned()),
            Some("cpr:ugyldigt".to_owned())
        ]
    );

    for email in [
        "police@oestjyllands-politi.demo",
        "core_group@randers.demo",
        "admin@infohus.demo",
    ] {
        let mut c = app.signed_in(email).await;
        assert_eq!(
            c.get("/indsigt").await.status,
            StatusCode::FORBIDDEN,
            "{email}"
        );
    }
}
