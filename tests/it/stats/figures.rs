//! Exact figures on the hand-counted fixture, and small numbers hidden without a total giving them away.

use axum::http::StatusCode;
use infohus::domain::ids::MunicipalityId;
use infohus::store;
use infohus::store::stats::{Breakdown, DurationStep};

use super::fixture::*;
use crate::support::TestApp;

#[tokio::test]
async fn the_figures_equal_the_hand_counted_fixture_for_every_breakdown_and_quarter() {
    let app = TestApp::with_demo_users().await;
    let fx = fixture(&app).await;
    let m = Some(fx.randers);
    let mut conn = app.db.acquire().await.expect("connection");
    let f = store::stats::quarterly(&mut conn, &[fx.randers], &quarters_2026(), app.clock.now())
        .await
        .expect("figures");

    // New concerns: Q1 = D (5); Q2 = E (2); Q3 = A 6 + B 3 + C 7 + the repeat on D 1 = 17.
    assert_eq!(row(&f, Breakdown::Source, m, None), [5, 2, 17, 0]);
    assert_eq!(
        row(&f, Breakdown::Source, m, Some("staff:Socialområdet")),
        [5, 0, 7, 0]
    );
    assert_eq!(row(&f, Breakdown::Source, m, Some("leader")), [0, 0, 3, 0]);
    assert_eq!(row(&f, Breakdown::Source, m, Some("citizen")), [0, 0, 7, 0]);
    assert_eq!(row(&f, Breakdown::Source, m, Some("police")), [0, 2, 0, 0]);
    assert_eq!(
        row(&f, Breakdown::Source, m, Some("other_authority")),
        [0, 0, 0, 0]
    );

    assert_eq!(
        row(&f, Breakdown::Kind, m, Some("right_wing_extremism")),
        [0, 0, 8, 0]
    );
    assert_eq!(
        row(&f, Breakdown::Kind, m, Some("islamist_extremism")),
        [0, 0, 5, 0]
    );
    assert_eq!(
        row(&f, Breakdown::Kind, m, Some("school_shooting")),
        [0, 0, 3, 0]
    );
    assert_eq!(
        row(&f, Breakdown::Kind, m, Some("left_wing_extremism")),
        [5, 0, 1, 0]
    );
    assert_eq!(
        row(&f, Breakdown::Kind, m, Some("other_or_unclear")),
        [0, 2, 0, 0]
    );
    assert_eq!(row(&f, Breakdown::Kind, m, None), [5, 2, 17, 0]);

    assert_eq!(row(&f, Breakdown::Age, m, Some("under_18")), [5, 0, 11, 0]);
    assert_eq!(row(&f, Breakdown::Age, m, Some("adult")), [0, 2, 6, 0]);

    assert_eq!(
        row(&f, Breakdown::Level, m, Some("preemptive")),
        [0, 0, 6, 0]
    );
    assert_eq!(
        row(&f, Breakdown::Level, m, Some("intervening")),
        [5, 0, 1, 0]
    );
    assert_eq!(row(&f, Breakdown::Level, m, Some("none")), [0, 2, 10, 0]);
    assert_eq!(row(&f, Breakdown::Level, m, Some("building")), [0, 0, 0, 0]);

    assert_eq!(row(&f, Breakdown::Repeat, m, Some("repeat")), [0, 0, 1, 0]);

    // Open at each quarter's end. Q1: D in follow-up. Q2: D's last two. Q3 and the running Q4:
    // A 6 + D 2 in follow-up, C 4 in screening, C 3 + the reopened F in received.
    assert_eq!(
        row(&f, Breakdown::OpenStage, m, Some("follow_up")),
        [5, 2, 8, 8]
    );
    assert_eq!(
        row(&f, Breakdown::OpenStage, m, Some("screening")),
        [0, 0, 4, 4]
    );
    assert_eq!(
        row(&f, Breakdown::OpenStage, m, Some("received")),
        [0, 0, 4, 4]
    );
    assert_eq!(
        row(&f, Breakdown::OpenStage, m, Some("assessment")),
        [0, 0, 0, 0]
    );
    assert_eq!(row(&f, Breakdown::OpenStage, m, None), [5, 2, 16, 16]);

    // Closings: Q2 D 3 goals met + E 2 outside the remit; Q3 B 3 not for Infohus. F closed in 2025.
    assert_eq!(
        row(&f, Breakdown::CloseReason, m, Some("goals_met")),
        [0, 3, 0, 0]
    );
    assert_eq!(
        row(&f, Breakdown::CloseReason, m, Some("outside_remit")),
        [0, 2, 0, 0]
    );
    assert_eq!(
        row(&f, Breakdown::CloseReason, m, Some("not_for_infohus")),
        [0, 0, 3, 0]
    );
    assert_eq!(
        row(&f, Breakdown::CloseReason, m, Some("no_basis")),
        [0, 0, 0, 0]
    );
    assert_eq!(row(&f, Breakdown::CloseReason, m, None), [0, 5, 3, 0]);

    assert_eq!(
        row(&f, Breakdown::Intervention, m, Some("contact_person")),
        [5, 0, 0, 0]
    );
    assert_eq!(
        row(&f, Breakdown::Intervention, m, Some("mentor_under_18")),
        [0, 0, 6, 0]
    );
    assert_eq!(row(&f, Breakdown::Intervention, m, None), [5, 0, 6, 0]);

    // Days. Filing to screening: Q1 D 10,9,8,7,6; Q2 E 5,4; Q3 A 2..7 and B 7,6,5.
    let d = |s: DurationStep, q: usize| {
        f.duration(s, m, q)
            .map(|d| (d.cases, d.median_days, d.longest_days))
    };
    assert_eq!(d(DurationStep::FilingToScreening, 0), Some((5, 8.0, 10)));
    assert_eq!(d(DurationStep::FilingToScreening, 1), Some((2, 4.5, 5)));
    assert_eq!(d(DurationStep::FilingToScreening, 2), Some((9, 5.0, 7)));
    // Screening to triage: D 8 each; E 10 each; A 17,15,13,11,9,7.
    assert_eq!(d(DurationStep::ScreeningToTriage, 0), Some((5, 8.0, 8)));
    assert_eq!(d(DurationStep::ScreeningToTriage, 1), Some((2, 10.0, 10)));
    assert_eq!(d(DurationStep::ScreeningToTriage, 2), Some((6, 12.0, 17)));
    // Triage to plan: D 13; A 16.
    assert_eq!(d(DurationStep::TriageToPlan, 0), Some((5, 13.0, 13)));
    assert_eq!(d(DurationStep::TriageToPlan, 2), Some((6, 16.0, 16)));
    // Filing to closing: Q2 D 133,132,131 and E 15,14; Q3 B 7,6,5.
    assert_eq!(d(DurationStep::FilingToClosing, 1), Some((5, 131.0, 133)));
    assert_eq!(d(DurationStep::FilingToClosing, 2), Some((3, 6.0, 7)));
    assert_eq!(d(DurationStep::FilingToClosing, 3), None);

    // Ballerup's figures are not in Randers' report, and are right on their own.
    let b = app.municipality_id("ballerup").await;
    let fb = store::stats::quarterly(&mut conn, &[b], &quarters_2026(), app.clock.now())
        .await
        .expect("figures");
    assert_eq!(row(&fb, Breakdown::Source, Some(b), None), [0, 0, 11, 0]);
    assert_eq!(
        row(&fb, Breakdown::OpenStage, Some(b), Some("received")),
        [0, 0, 11, 11]
    );
    assert_eq!(row(&f, Breakdown::Source, Some(b), None), [0, 0, 0, 0]);
    // Both together: the sum over the areas comes from SQL as area `None`.
    let both = store::stats::quarterly(
        &mut conn,
        &[fx.randers, b],
        &quarters_2026(),
        app.clock.now(),
    )
    .await
    .expect("figures");
    assert_eq!(row(&both, Breakdown::Source, None, None), [5, 2, 28, 0]);
    assert_eq!(
        row(&both, Breakdown::Source, Some(b), Some("citizen")),
        [0, 0, 11, 0]
    );
    assert_eq!(
        row(&both, Breakdown::Source, None, Some("citizen")),
        [0, 0, 18, 0]
    );
    assert_eq!(
        both.duration(DurationStep::FilingToScreening, None, 2)
            .map(|d| d.cases),
        Some(9)
    );

    // The unit: its concerns per quarter (A 6, B 3, D 5 and the repeat) and what is
    // open now (A 6 in follow-up, D's 4th and 5th in follow-up: the repeat joins D's 4th case).
    let unit = store::stats::unit(&mut conn, fx.unit, &quarters_2026())
        .await
        .expect("unit");
    assert_eq!(unit.filed, vec![5, 0, 10, 0]);
    assert_eq!(unit.open_count(Some("follow_up")), 8);
    assert_eq!(unit.open_count(None), 8);
}

/// The cells of one table on a page, by its `data-table` title and the area's name.

#[tokio::test]
async fn a_cell_of_three_shows_as_small_and_its_total_does_not_reveal_it() {
    let app = TestApp::with_demo_users().await;
    fixture(&app).await;
    let mut c = app.signed_in("steering_group@randers.demo").await;
    let page = c.get("/statistik").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Kvartalsstatistik: 3. kvartal 2026"));
    let source = page_table(
        &page,
        "Randers Kommune",
        "Nye bekymringer efter indberetter",
    );
    // Q3 (the third column): leaders 3 → "<5"; the smallest other non-zero cell (the unit's
    // sector, 7, before the citizens' 7) is withheld, so 17 − 7 cannot give the 3 back.
    assert_eq!(cells(&source, "Ledere")[2], "<5");
    assert_eq!(cells(&source, "Medarbejdere: Socialområdet")[2], "skjult");
    assert_eq!(cells(&source, "Borgere")[2], "7");
    assert_eq!(cells(&source, "Nye bekymringer i alt")[2], "17");
    // Q1 has nothing small: everything shows. Q2's 2 and its total of 2 are both small.
    assert_eq!(cells(&source, "Medarbejdere: Socialområdet")[0], "5");
    assert_eq!(cells(&source, "Politiet")[1], "<5");
    assert_eq!(cells(&source, "Nye bekymringer i alt")[1], "<5");
    // No column of any table on the page has exactly one hidden cell.
    let html = page.html();
    let tables = scraper::Selector::parse("table.stats-table").expect("selector");
    for t in html.select(&tables) {
        let title = t.value().attr("data-table").unwrap_or_default().to_owned();
        let area = t.value().attr("data-area").unwrap_or_default().to_owned();
        let rows = page_table(&page, &area, &title);
        if title == "Sagsbehandlingstid i dage" {
            continue;
        }
        let has_total = rows.last().is_some_and(|(l, _)| l.ends_with("i alt"));
        if !has_total {
            continue;
        }
        for q in 0..rows[0].1.len() {
            let hidden = rows
                .iter()
                .filter(|(_, c)| c[q] == "<5" || c[q] == "skjult")
                .count();
            assert_ne!(hidden, 1, "{title}, column {q}: {rows:?}");
        }
    }
    // The level table: intervening 1 → "<5", foregribende 6 withheld, not-assessed 10 shown.
    let level = page_table(
        &page,
        "Randers Kommune",
        "Nye bekymringer efter forebyggelsesniveau",
    );
    assert_eq!(cells(&level, "Indgribende")[2], "<5");
    assert_eq!(cells(&level, "Foregribende")[2], "skjult");
    assert_eq!(cells(&level, "Ikke vurderet (endnu)")[2], "10");
    // Durations on fewer than five cases are not shown; the rest are.
    let days = page_table(&page, "Randers Kommune", "Sagsbehandlingstid i dage");
    assert_eq!(
        cells(&days, "Fra indgivet til screenet af politiet: median")[2],
        "5"
    );
    assert_eq!(
        cells(&days, "Fra indgivet til screenet af politiet: længste")[2],
        "7"
    );
    assert_eq!(
        cells(&days, "Fra indgivet til screenet af politiet: median")[1],
        "for få"
    );
    assert_eq!(
        cells(&days, "Fra screening til fælles vurdering: median")[2],
        "12"
    );
    assert_eq!(cells(&days, "Fra indgivet til afsluttet: median")[1], "131");
    assert_eq!(cells(&days, "Fra indgivet til afsluttet: median")[3], "–");
    // Charts: inline SVG with a title, no script, no style attribute.
    assert!(page.body.contains("<svg class=\"chart__svg\""));
    assert!(page.body.contains("role=\"img\""));
    assert!(
        page.texts("svg title")
            .iter()
            .any(|t| t.starts_with("Nye bekymringer efter indberetter"))
    );
    assert!(!page.body.contains("style="));
    assert!(!page.body.contains("<script"));
}

#[tokio::test]
async fn a_district_with_several_municipalities_is_suppressed_as_a_whole() {
    use infohus::report as tables;
    let app = TestApp::with_demo_users().await;
    let fx = fixture(&app).await;
    let b = app.municipality_id("ballerup").await;
    let mut conn = app.db.acquire().await.expect("connection");
    let quarters = quarters_2026();
    let f = store::stats::quarterly(&mut conn, &[fx.randers, b], &quarters, app.clock.now())
        .await
        .expect("figures");
    let area = |m: Option<MunicipalityId>, slug: &str, name: &str| tables::Area {
        municipality: m,
        slug: slug.to_owned(),
        name: name.to_owned(),
        sectors: vec!["Socialområdet".to_owned()],
    };
    let areas = vec![
        area(Some(fx.randers), "randers", "Randers"),
        area(Some(b), "ballerup", "Ballerup"),
        area(None, "alle", "I alt"),
    ];
    let columns = tables::quarter_columns(&quarters, quarters[2], quarters[3]);
    let reports = tables::build(&f, &areas, &columns, 5);
    let cell = |a: usize, title: &str, label: &str| -> String {
        let t = reports[a]
            .tables
            .iter()
            .find(|t| t.title == title)
            .expect("table");
        t.rows.iter().find(|r| r.label == label).expect("row").cells[2].clone()
    };
    // Randers' 3 leaders are small; Ballerup has none, so the sum (3) is small too. Randers'
    // citizens (7) and Ballerup's (11) sum to 18: all shown, nothing small among them.
    assert_eq!(cell(0, "Nye bekymringer efter indberetter", "Ledere"), "<5");
    assert_eq!(cell(2, "Nye bekymringer efter indberetter", "Ledere"), "<5");
    assert_eq!(
        cell(2, "Nye bekymringer efter indberetter", "Borgere"),
        "18"
    );
    // Randers' repeat (1) is small; the district's repeat cell equals it, so both hide.
    assert_eq!(
        cell(0, "Gentagne bekymringer", "Gentagne bekymringer"),
        "<5"
    );
    assert_eq!(
        cell(2, "Gentagne bekymringer", "Gentagne bekymringer"),
        "<5"
    );
    // Open in received at Q3's end: Randers 4 (small), Ballerup 11, in total 15. Showing 11
    // and 15 would give Randers' 4 away: Ballerup's 11 is withheld.
    assert_eq!(
        cell(
            0,
            "Åbne sager ved kvartalets udgang, efter fase",
            "Modtaget"
        ),
        "<5"
    );
    assert_eq!(
        cell(
            2,
            "Åbne sager ved kvartalets udgang, efter fase",
            "Modtaget"
        ),
        "15"
    );
    assert_eq!(
        cell(
            1,
            "Åbne sager ved kvartalets udgang, efter fase",
            "Modtaget"
        ),
        "skjult"
    );
}
