//! Tenants kept apart and no person on any page these roles can reach; each unit sees its own.

use axum::http::StatusCode;
use infohus::domain::policy::{self, Actor, Role};
use infohus::web::{Access, route_table};

use super::fixture::*;
use crate::support::TestApp;

#[tokio::test]
async fn the_police_see_each_municipality_of_their_district_and_no_other() {
    let app = TestApp::with_demo_users().await;
    fixture(&app).await;
    let mut c = app.signed_in("police@oestjyllands-politi.demo").await;
    let page = c.get("/statistik?kvartal=2026-3").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Østjyllands Politi har én kommune i Infohus")
    );
    let source = page_table(
        &page,
        "Randers Kommune",
        "Nye bekymringer efter indberetter",
    );
    assert_eq!(cells(&source, "Nye bekymringer i alt")[2], "17");
    assert!(!page.body.contains("Ballerup"));
    let mut c = app
        .signed_in("police@koebenhavns-vestegns-politi.demo")
        .await;
    let page = c.get("/statistik?kvartal=2026-3").await;
    let source = page_table(
        &page,
        "Ballerup Kommune",
        "Nye bekymringer efter indberetter",
    );
    assert_eq!(cells(&source, "Nye bekymringer i alt")[2], "11");
    assert!(!page.body.contains("Randers"));
}

#[tokio::test]
async fn a_district_of_several_municipalities_shows_one_area_at_a_time() {
    let app = TestApp::with_a_second_municipality_in_randers_district().await;
    fixture(&app).await;
    let mut c = app.signed_in("police@oestjyllands-politi.demo").await;
    // The district as a whole first, with a link to each of its areas.
    let page = c.get("/statistik?kvartal=2026-3").await;
    assert_eq!(page.status, StatusCode::OK);
    for link in [
        "href=\"/statistik?kvartal=2026-3&amp;omraade=randers\"",
        "href=\"/statistik?kvartal=2026-3&amp;omraade=testkommune\"",
        "href=\"/statistik?kvartal=2026-3&amp;omraade=kredsen\" aria-current=\"page\"",
    ] {
        assert!(page.body.contains(link), "{link}");
    }
    let total = page_table(
        &page,
        "Østjyllands Politi i alt",
        "Nye bekymringer efter indberetter",
    );
    assert_eq!(cells(&total, "Nye bekymringer i alt")[2], "17");
    assert!(!page.body.contains("id=\"randers-overskrift\""));
    assert!(page.body.contains("name=\"omraade\" value=\"kredsen\""));
    assert!(!page.body.contains("har én kommune i Infohus"));

    // One municipality: its own tables, counted as beside the others.
    let page = c.get("/statistik?kvartal=2026-3&omraade=randers").await;
    let randers = page_table(
        &page,
        "Randers Kommune",
        "Nye bekymringer efter indberetter",
    );
    assert_eq!(cells(&randers, "Nye bekymringer i alt")[2], "17");
    assert!(!page.body.contains("id=\"kredsen-overskrift\""));
    assert!(page.body.contains("name=\"omraade\" value=\"randers\""));
    // Each cell as in the download of every area, suppressed together.
    let csv = c.get("/statistik.csv?kvartal=2026-3").await;
    assert!(csv.body.contains("Testkommune;"));
    for (label, row) in &randers {
        let line = format!(
            "Randers Kommune;Nye bekymringer efter indberetter;{label};{}",
            row.join(";")
        );
        assert!(csv.body.contains(&line), "{line}");
    }

    // An area outside the district is no area of the report: the district is shown.
    for asked in ["ballerup", "<script>", ""] {
        let page = c
            .get(&format!(
                "/statistik?kvartal=2026-3&omraade={}",
                urlencoding(asked)
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{asked}");
        assert!(!page.body.contains("Ballerup"), "{asked}");
        assert!(page.body.contains("id=\"kredsen-overskrift\""), "{asked}");
    }

    // A single municipality's report has no areas to choose.
    let mut c = app.signed_in("coordinator@randers.demo").await;
    let page = c.get("/statistik?kvartal=2026-3&omraade=kredsen").await;
    assert!(!page.body.contains("Vis tallene for"));
    assert!(page.body.contains("id=\"randers-overskrift\""));
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn ballerups_steering_group_cannot_see_randers_figures() {
    let app = TestApp::with_demo_users().await;
    fixture(&app).await;
    for email in ["steering_group@ballerup.demo", "coordinator@ballerup.demo"] {
        let mut c = app.signed_in(email).await;
        for path in [
            "/statistik",
            "/statistik?kommune=randers",
            "/statistik?kvartal=2026-3&kommune=randers",
        ] {
            let page = c.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{email} {path}");
            assert!(page.body.contains("Ballerup Kommune"));
            assert!(!page.body.contains("Randers"), "{email} {path}");
            let source = page_table(
                &page,
                "Ballerup Kommune",
                "Nye bekymringer efter indberetter",
            );
            assert_eq!(
                cells(&source, "Nye bekymringer i alt")[2],
                "11",
                "{email} {path}"
            );
        }
        let csv = c.get("/statistik.csv?kvartal=2026-3").await;
        assert!(!csv.body.contains("Randers"));
        assert!(csv.body.contains(
            "Ballerup Kommune;Nye bekymringer efter indberetter;Nye bekymringer i alt;0;0;11;0"
        ));
    }
    // And the other way round.
    let mut c = app.signed_in("steering_group@randers.demo").await;
    let page = c.get("/statistik").await;
    assert!(!page.body.contains("Ballerup"));
}

/// A concrete path for a route pattern: ids of the fixture where the path names a case or a
/// concern, a random id elsewhere.

#[tokio::test]
async fn no_route_lets_the_steering_group_see_a_person_or_a_case() {
    let app = TestApp::with_demo_users().await;
    let fx = fixture(&app).await;
    let steering = Actor {
        user_id: app.user_id("steering_group@randers.demo").await,
        roles: vec![Role::SteeringGroup],
        municipality_id: Some(fx.randers),
        police_district_id: None,
        unit_id: None,
        leader_routing: true,
    };
    let mut c = app.signed_in("steering_group@randers.demo").await;
    let mut theirs = Vec::new();
    for route in route_table() {
        let Access::Requires(capability) = route.access else {
            continue; // public pages show nobody
        };
        let path = concrete(route.path, &fx);
        if policy::may(&steering, capability) {
            theirs.push(route.path);
            if route.path.contains('{') {
                continue;
            }
            let r = c.get(&path).await;
            if r.status == StatusCode::METHOD_NOT_ALLOWED {
                continue;
            }
            assert_eq!(r.status, StatusCode::OK, "GET {path}");
            assert_no_person(&r.body, &path);
            continue;
        }
        let get = c.get(&path).await;
        let post = c.post(&path, &[]).await;
        for (method, r) in [("GET", get), ("POST", post)] {
            assert!(
                [
                    StatusCode::FORBIDDEN,
                    StatusCode::NOT_FOUND,
                    StatusCode::METHOD_NOT_ALLOWED
                ]
                .contains(&r.status),
                "{method} {path} gave {}",
                r.status
            );
            assert_no_person(&r.body, &path);
        }
    }
    for own in ["/", "/statistik", "/statistik.csv", "/enhed/tal"] {
        assert!(theirs.contains(&own), "{own} is the steering group's");
    }
    // A unit's page and every quarter's report and CSV: still nobody.
    let unit = c.get(&format!("/enhed/tal?enhed={}", fx.unit)).await;
    assert_eq!(unit.status, StatusCode::OK);
    assert_no_person(&unit.body, "the unit page");
    for q in ["2025-4", "2026-1", "2026-2", "2026-3", "2026-4"] {
        for path in [
            format!("/statistik?kvartal={q}"),
            format!("/statistik.csv?kvartal={q}"),
        ] {
            let r = c.get(&path).await;
            assert_eq!(r.status, StatusCode::OK);
            assert_no_person(&r.body, &path);
        }
    }
}

/// Splits the CSV into records (no field of ours spans lines).

#[tokio::test]
async fn key_employees_and_leaders_see_their_own_unit_only() {
    let app = TestApp::with_demo_users().await;
    let fx = fixture(&app).await;
    let key_unit = fx.unit.0;
    let mut c = app.signed_in("key_employee@randers.demo").await;
    let page = c.get("/enhed/tal").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_no_person(&page.body, "the key employee's unit page");
    assert!(page.body.contains("Tal for Børn og Familie, Myndighed"));
    let per_quarter = page_table(
        &page,
        "Randers Kommune",
        "Bekymringer indgivet i enheden pr. kvartal",
    );
    assert_eq!(cells(&per_quarter, "1. kvartal 2026")[0], "5");
    assert_eq!(cells(&per_quarter, "2. kvartal 2026")[0], "0");
    assert_eq!(cells(&per_quarter, "3. kvartal 2026")[0], "10");
    assert_eq!(cells(&per_quarter, "4. kvartal 2026 (til dato)")[0], "0");
    let open = page_table(
        &page,
        "Randers Kommune",
        "Åbne bekymringer og sager lige nu",
    );
    assert_eq!(cells(&open, "Sag: Opfølgning")[0], "8");
    assert_eq!(cells(&open, "I alt")[0], "8");
    // Another unit's address is simply not found.
    let other: uuid::Uuid = sqlx::query_scalar("select id from units where id <> $1 limit 1")
        .bind(key_unit)
        .fetch_one(&app.db)
        .await
        .expect("other unit");
    assert_eq!(
        c.get(&format!("/enhed/tal?enhed={other}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/enhed/tal?enhed=ikke-et-id").await.status,
        StatusCode::NOT_FOUND
    );
    // Staff have no figures at all.
    let mut staff = app.signed_in("staff@randers.demo").await;
    assert_eq!(staff.get("/enhed/tal").await.status, StatusCode::FORBIDDEN);
    assert_eq!(staff.get("/statistik").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        staff.get("/statistik.csv").await.status,
        StatusCode::FORBIDDEN
    );
    let mut leader = app.signed_in("leader2@randers.demo").await;
    assert_eq!(leader.get("/enhed/tal").await.status, StatusCode::OK);
    assert_eq!(leader.get("/statistik").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn coordinators_and_the_steering_group_choose_among_their_own_units() {
    let app = TestApp::with_demo_users().await;
    let fx = fixture(&app).await;
    let mut c = app.signed_in("coordinator@randers.demo").await;
    let overview = c.get("/enhed/tal").await;
    assert_eq!(overview.status, StatusCode::OK);
    let grid = page_table(
        &overview,
        "Randers Kommune",
        "Bekymringer indgivet pr. enhed i 2026",
    );
    // The fixture's unit: Q1 5, Q2 0, Q3 10, Q4 0 (running), 15 in the year; all shown.
    assert_eq!(
        cells(&grid, "Børn og Familie, Myndighed"),
        ["5", "0", "10", "0", "15"]
    );
    assert_eq!(cells(&grid, "Nørrevangsskolen"), ["0", "0", "0", "0", "0"]);
    assert_eq!(cells(&grid, "Alle enheder"), ["5", "0", "10", "0", "15"]);
    let chosen = c.get(&format!("/enhed/tal?enhed={}", fx.unit)).await;
    assert_eq!(chosen.status, StatusCode::OK);
    assert!(chosen.body.contains("Tal for Børn og Familie, Myndighed"));
    let per_quarter = page_table(
        &chosen,
        "Randers Kommune",
        "Bekymringer indgivet i enheden pr. kvartal",
    );
    assert_eq!(cells(&per_quarter, "3. kvartal 2026")[0], "10");
    assert_eq!(cells(&per_quarter, "2. kvartal 2026")[0], "0");
    let ballerup_unit: uuid::Uuid = sqlx::query_scalar(
        "select u.id from units u join municipalities m on m.id = u.municipality_id where m.slug = 'ballerup' limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("a Ballerup unit");
    assert_eq!(
        c.get(&format!("/enhed/tal?enhed={ballerup_unit}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
