//! The steering group's side: the plan's yearly revision as a task, the log of awareness talks
//! and training, and the printable quarterly pack whose changes never reveal a hidden cell.

use axum::http::StatusCode;
use time::Duration;

use crate::support::TestApp;
use crate::support::steps::{open_case, see_other};

#[tokio::test]
async fn the_plans_revision_falls_due_as_a_task_and_is_recorded_once() {
    let app = TestApp::with_demo_users().await;
    let mut steering = app.signed_in("steering_group@randers.demo").await;
    let page = steering.get("/beredskabsplan").await;
    assert_eq!(page.status, StatusCode::OK);
    // From the profile: revised 20.03.2026, every twelve months.
    assert!(page.body.contains("20.03.2026") && page.body.contains("20.03.2027"));
    assert!(
        !steering
            .get("/")
            .await
            .body
            .contains("Revidér beredskabsplanen")
    );
    // Two months before it is due, the steering group and the coordinators see the task.
    app.clock.advance(Duration::days(70));
    let mut steering = app.signed_in("steering_group@randers.demo").await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert!(
        steering
            .get("/")
            .await
            .body
            .contains("Revidér beredskabsplanen")
    );
    assert!(
        coordinator
            .get("/opgaver")
            .await
            .body
            .contains("Revidér beredskabsplanen")
    );
    let mut ballerup = app.signed_in("steering_group@ballerup.demo").await;
    assert!(
        !ballerup
            .get("/")
            .await
            .body
            .contains("Revidér beredskabsplanen")
    );

    let version = steering
        .get("/beredskabsplan")
        .await
        .field_value("version")
        .expect("v");
    for (revised, next, message) in [
        (
            "01.02.2027",
            "15.03.2028",
            "Revisionen kan ikke ligge i fremtiden",
        ),
        (
            "29.01.2027",
            "01.01.2027",
            "Næste revision skal ligge efter denne",
        ),
        ("29.01.2027", "01.01.2032", "mindst hvert fjerde år"),
        ("i går", "15.03.2028", "Datoen kan ikke læses"),
    ] {
        let r = steering
            .post(
                "/beredskabsplan",
                &[("version", &version), ("revised", revised), ("next", next)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{revised} {next}"
        );
        assert!(r.body.contains(message), "{message}");
        assert_eq!(r.field_value("next").as_deref(), Some(next));
    }
    let fields = [
        ("version", version.as_str()),
        ("revised", "29.01.2027"),
        ("next", "15.03.2028"),
    ];
    see_other(&steering.post("/beredskabsplan", &fields).await);
    // The same form sent again, by someone who had it open: nothing overwritten.
    let again = coordinator.post("/beredskabsplan", &fields).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        !steering
            .get("/")
            .await
            .body
            .contains("Revidér beredskabsplanen")
    );
    assert_eq!(app.audit_count("plan_revised").await, 1);
    // The public page links to the published plan.
    let public = app.client().get("/k/randers").await;
    assert!(public.body.contains("Læs beredskabsplanen"));
    // Only the steering group and the coordinators.
    let mut core = app.signed_in("core_group@randers.demo").await;
    assert_eq!(
        core.get("/beredskabsplan").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn awareness_sessions_are_logged_and_the_pack_compares_shown_numbers_only() {
    let app = TestApp::with_demo_users().await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let r = coordinator
        .post(
            "/oplysning",
            &[
                ("kind", "training"),
                ("held_on", "18.11.2026"),
                ("place", "Søndergades Skole"),
                ("audience", "Lærere i udskolingen"),
                ("attendees", "mange"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Skriv antallet af deltagere"));
    assert_eq!(r.field_value("place").as_deref(), Some("Søndergades Skole"));
    see_other(
        &coordinator
            .post(
                "/oplysning",
                &[
                    ("kind", "training"),
                    ("held_on", "18.11.2026"),
                    ("place", "Søndergades Skole"),
                    ("audience", "Lærere i udskolingen"),
                    ("attendees", "25"),
                ],
            )
            .await,
    );
    let list = coordinator.get("/oplysning").await;
    assert!(list.body.contains("Lærere i udskolingen"));

    // Two concerns this quarter: small numbers, hidden, and so is every change from them.
    open_case(&app, "randers", "Otto Pakke", true).await;
    open_case(&app, "randers", "Pia Pakke", false).await;
    let mut steering = app.signed_in("steering_group@randers.demo").await;
    let pack = steering.get("/statistik/pakke?kvartal=2026-4").await;
    assert_eq!(pack.status, StatusCode::OK, "{}", pack.body);
    assert!(pack.body.contains("Nøgletal"));
    assert!(pack.body.contains("1 (25 deltagere)"));
    assert!(!pack.body.contains("Otto Pakke") && !pack.body.contains("Pia Pakke"));
    let html = pack.html();
    let rows = scraper::Selector::parse("section[aria-labelledby=keys-heading] tbody tr")
        .expect("selector");
    let cell = scraper::Selector::parse("td").expect("selector");
    let mut checked = 0;
    for row in html.select(&rows) {
        let cells: Vec<String> = row
            .select(&cell)
            .map(|c| c.text().collect::<String>())
            .collect();
        let [now, previous, change, last_year, change_ly] = cells.as_slice() else {
            panic!("five cells: {cells:?}");
        };
        for (before, shown) in [(previous, change), (last_year, change_ly)] {
            let both_shown = [now, before]
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit()));
            assert_eq!(both_shown, shown != "–", "{cells:?}");
        }
        checked += 1;
    }
    assert!(checked > 3, "{checked} key figures");
    assert!(pack.body.contains("&lt;5"), "the small counts are hidden");
    assert_eq!(app.audit_count("statistics_printed").await, 1);
    // The quarterly figures count them too.
    let report = steering.get("/statistik?kvartal=2026-4").await;
    assert!(
        report
            .texts("section[aria-labelledby=oplysning-overskrift] tbody tr")
            .contains(&"Undervisning 1 25".to_owned()),
        "{:?}",
        report.texts("section[aria-labelledby=oplysning-overskrift] tbody tr")
    );
}
