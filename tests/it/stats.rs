//! The quarterly report, the unit counts and the CSV: exact figures on a fixture counted by
//! hand, small numbers hidden without a total giving them away, tenants kept apart, no person
//! on any page these roles can reach, and an audit row for every view and download.

use axum::http::StatusCode;
use infohus::domain::ids::{CaseId, MunicipalityId, UnitId};
use infohus::domain::policy::{self, Actor, Role};
use infohus::domain::stats::{Quarter, csv_field};
use infohus::seed::history::{self, Actors, Story};
use infohus::store;
use infohus::store::stats::{QuarterlyFigures, dimension, step};
use infohus::web::{Access, route_table};
use time::{Date, Month, OffsetDateTime};

use crate::support::{TestApp, TestResponse};

/// Noon UTC on a day of 2025-2026: the same calendar day in Copenhagen.
fn day(year: i32, month: u8, d: u8) -> OffsetDateTime {
    let month = Month::try_from(month).expect("month");
    Date::from_calendar_date(year, month, d)
        .expect("date")
        .with_hms(12, 0, 0)
        .expect("time")
        .assume_utc()
}

fn plus(t: OffsetDateTime, days: i64) -> OffsetDateTime {
    t + time::Duration::days(days)
}

/// The subject names of the fixture: none may appear on any page these roles see.
const SUBJECT: &str = "Testperson Statistiksen";
const CPR: &str = "0101901234";

struct Fixture {
    randers: MunicipalityId,
    unit: UnitId,
    /// A case of the fixture and one of its concerns, for routes with an id.
    case_id: CaseId,
    concern_id: uuid::Uuid,
}

async fn actors(app: &TestApp, slug: &str, district: &str) -> Actors {
    Actors {
        coordinator: app.user_id(&format!("coordinator@{slug}.demo")).await,
        police: app.user_id(&format!("police@{district}.demo")).await,
        core_group: app.user_id(&format!("core_group@{slug}.demo")).await,
    }
}

/// The known fixture (Randers unless said otherwise; every step at noon):
///
/// - A, 6 cases, Q3 2026: staff of the key employee's unit "Børn og Familie, Myndighed" (sector
///   Socialområdet), right-wing, under 18.
///   Filed 6-11 July, screened 2+i days later, triage 25 July, assessed 10 August
///   (foregribende), a mentor from 15 August, follow-up 20 August.
/// - B, 3 cases, Q3: leaders of the unit, school shooting, adults. Filed 3-5 August, the police
///   keep them (not for Infohus) on 10 August.
/// - C, 7 cases, Q3: citizens; 2 right-wing and 5 Islamist; 4 under 18 and 3 adults. Filed
///   1-7 September; the first 4 sent to screening 10 September, 3 left as received.
/// - D, 5 cases, Q1: staff of the unit, left-wing, under 18. Filed 2-6 February, screened
///   12 February, triage 20 February, assessed 5 March (indgribende), a contact person from
///   10 March, follow-up 20 March; the first 3 closed (goals met) 15 June. The 4th gets a repeat
///   concern on 20 August.
/// - E, 2 cases, Q2: police, other/unclear, adults. Filed 5-6 May, screened 10 May, outside the
///   remit 20 May.
/// - F, 1 case, Q4 2025: closed with no basis 5 December 2025, reopened 1 August 2026.
/// - Ballerup: 11 citizens' concerns in Q3 2026, Islamist, adults, received.
async fn fixture(app: &TestApp) -> Fixture {
    let randers = app
        .state
        .tenants
        .by_slug("randers")
        .expect("randers")
        .clone();
    let ballerup = app
        .state
        .tenants
        .by_slug("ballerup")
        .expect("ballerup")
        .clone();
    // The demo key employee's unit (Børn og Familie, Myndighed; sector Socialområdet).
    let unit = UnitId(
        sqlx::query_scalar("select unit_id from users where email = 'key_employee@randers.demo'")
            .fetch_one(&app.db)
            .await
            .expect("the key employee's unit"),
    );
    let mut stories = Vec::new();
    for i in 0..6 {
        let filed = day(2026, 7, 6 + i);
        stories.push(
            Story::new(
                &randers,
                SUBJECT,
                true,
                "right_wing_extremism",
                "staff",
                Some(unit),
                filed,
                plus(filed, 1),
            )
            .send_to_screening(plus(filed, 1))
            .screened(plus(filed, 2 + i64::from(i)), true)
            .triaged(day(2026, 7, 25), true)
            .assessed(day(2026, 8, 10), Some("preemptive"))
            .intervention("mentor_under_18", day(2026, 8, 15).date())
            .follow_up(day(2026, 8, 20)),
        );
    }
    for i in 0..3 {
        let filed = day(2026, 8, 3 + i);
        stories.push(
            Story::new(
                &randers,
                SUBJECT,
                false,
                "school_shooting",
                "leader",
                Some(unit),
                filed,
                plus(filed, 1),
            )
            .send_to_screening(plus(filed, 2))
            .screened(day(2026, 8, 10), false),
        );
    }
    for i in 0..7u8 {
        let filed = day(2026, 9, 1 + i);
        let kind = if i < 2 {
            "right_wing_extremism"
        } else {
            "islamist_extremism"
        };
        let story = Story::new(
            &randers,
            SUBJECT,
            i < 4,
            kind,
            "citizen",
            None,
            filed,
            plus(filed, 1),
        );
        stories.push(if i < 4 {
            story.send_to_screening(day(2026, 9, 10))
        } else {
            story
        });
    }
    for i in 0..5 {
        let filed = day(2026, 2, 2 + i);
        let mut story = Story::new(
            &randers,
            SUBJECT,
            true,
            "left_wing_extremism",
            "staff",
            Some(unit),
            filed,
            plus(filed, 1),
        )
        .send_to_screening(plus(filed, 1))
        .screened(day(2026, 2, 12), true)
        .triaged(day(2026, 2, 20), true)
        .assessed(day(2026, 3, 5), Some("intervening"))
        .intervention("contact_person", day(2026, 3, 10).date())
        .follow_up(day(2026, 3, 20));
        if i < 3 {
            story = story.closed(day(2026, 6, 15), "goals_met");
        }
        if i == 3 {
            story = story.repeat_concern(day(2026, 8, 20));
        }
        stories.push(story);
    }
    for i in 0..2 {
        let filed = day(2026, 5, 5 + i);
        stories.push(
            Story::new(
                &randers,
                SUBJECT,
                false,
                "other_or_unclear",
                "police",
                None,
                filed,
                plus(filed, 1),
            )
            .send_to_screening(plus(filed, 2))
            .screened(day(2026, 5, 10), true)
            .triaged(day(2026, 5, 20), false),
        );
    }
    let filed = day(2025, 11, 3);
    stories.push(
        Story::new(
            &randers,
            SUBJECT,
            false,
            "other_or_unclear",
            "citizen",
            None,
            filed,
            plus(filed, 1),
        )
        .send_to_screening(plus(filed, 2))
        .screened(day(2025, 11, 10), true)
        .triaged(day(2025, 11, 20), true)
        .assessed(day(2025, 12, 5), None)
        .reopened(day(2026, 8, 1)),
    );
    let case_id = stories[0].id;
    let mut conn = app.db.acquire().await.expect("connection");
    history::write(
        &mut conn,
        &stories,
        actors(app, "randers", &randers.police_district_slug).await,
    )
    .await
    .expect("the Randers fixture");
    let ballerup_stories: Vec<Story> = (0..11u8)
        .map(|i| {
            let filed = day(2026, 8, 1 + i);
            Story::new(
                &ballerup,
                SUBJECT,
                false,
                "islamist_extremism",
                "citizen",
                None,
                filed,
                plus(filed, 1),
            )
        })
        .collect();
    history::write(
        &mut conn,
        &ballerup_stories,
        actors(app, "ballerup", &ballerup.police_district_slug).await,
    )
    .await
    .expect("the Ballerup fixture");
    sqlx::query("update cases set subject_cpr = $1 where id = $2")
        .bind(CPR)
        .bind(case_id.0)
        .execute(&app.db)
        .await
        .expect("a CPR number on one case");
    let concern_id: uuid::Uuid = sqlx::query_scalar("select id from concerns where case_id = $1")
        .bind(case_id.0)
        .fetch_one(&app.db)
        .await
        .expect("its concern");
    Fixture {
        randers: randers.id,
        unit,
        case_id,
        concern_id,
    }
}

fn quarters_2026() -> Vec<Quarter> {
    Quarter { year: 2026, q: 1 }.of_year().to_vec()
}

/// The counts of one breakdown for one area, by key and quarter (all four of 2026).
fn row(
    f: &QuarterlyFigures,
    dim: &str,
    area: Option<MunicipalityId>,
    key: Option<&str>,
) -> [i64; 4] {
    [0, 1, 2, 3].map(|q| f.count(dim, area, q, key))
}

#[tokio::test]
async fn the_figures_equal_the_hand_counted_fixture_for_every_breakdown_and_quarter() {
    let app = TestApp::with_demo_users().await;
    let fx = fixture(&app).await;
    let m = Some(fx.randers);
    let mut conn = app.db.acquire().await.expect("connection");
    let f = store::stats::quarterly(&mut conn, &[fx.randers], &quarters_2026())
        .await
        .expect("figures");

    // New concerns: Q1 = D (5); Q2 = E (2); Q3 = A 6 + B 3 + C 7 + the repeat on D 1 = 17.
    assert_eq!(row(&f, dimension::SOURCE, m, None), [5, 2, 17, 0]);
    assert_eq!(
        row(&f, dimension::SOURCE, m, Some("staff:Socialområdet")),
        [5, 0, 7, 0]
    );
    assert_eq!(row(&f, dimension::SOURCE, m, Some("leader")), [0, 0, 3, 0]);
    assert_eq!(row(&f, dimension::SOURCE, m, Some("citizen")), [0, 0, 7, 0]);
    assert_eq!(row(&f, dimension::SOURCE, m, Some("police")), [0, 2, 0, 0]);
    assert_eq!(
        row(&f, dimension::SOURCE, m, Some("other_authority")),
        [0, 0, 0, 0]
    );

    assert_eq!(
        row(&f, dimension::KIND, m, Some("right_wing_extremism")),
        [0, 0, 8, 0]
    );
    assert_eq!(
        row(&f, dimension::KIND, m, Some("islamist_extremism")),
        [0, 0, 5, 0]
    );
    assert_eq!(
        row(&f, dimension::KIND, m, Some("school_shooting")),
        [0, 0, 3, 0]
    );
    assert_eq!(
        row(&f, dimension::KIND, m, Some("left_wing_extremism")),
        [5, 0, 1, 0]
    );
    assert_eq!(
        row(&f, dimension::KIND, m, Some("other_or_unclear")),
        [0, 2, 0, 0]
    );
    assert_eq!(row(&f, dimension::KIND, m, None), [5, 2, 17, 0]);

    assert_eq!(row(&f, dimension::AGE, m, Some("under_18")), [5, 0, 11, 0]);
    assert_eq!(row(&f, dimension::AGE, m, Some("adult")), [0, 2, 6, 0]);

    assert_eq!(
        row(&f, dimension::LEVEL, m, Some("preemptive")),
        [0, 0, 6, 0]
    );
    assert_eq!(
        row(&f, dimension::LEVEL, m, Some("intervening")),
        [5, 0, 1, 0]
    );
    assert_eq!(row(&f, dimension::LEVEL, m, Some("none")), [0, 2, 10, 0]);
    assert_eq!(row(&f, dimension::LEVEL, m, Some("building")), [0, 0, 0, 0]);

    assert_eq!(row(&f, dimension::REPEAT, m, Some("repeat")), [0, 0, 1, 0]);

    // Open at each quarter's end. Q1: D in follow-up. Q2: D's last two. Q3 and the running Q4:
    // A 6 + D 2 in follow-up, C 4 in screening, C 3 + the reopened F in received.
    assert_eq!(
        row(&f, dimension::OPEN_STAGE, m, Some("follow_up")),
        [5, 2, 8, 8]
    );
    assert_eq!(
        row(&f, dimension::OPEN_STAGE, m, Some("screening")),
        [0, 0, 4, 4]
    );
    assert_eq!(
        row(&f, dimension::OPEN_STAGE, m, Some("received")),
        [0, 0, 4, 4]
    );
    assert_eq!(
        row(&f, dimension::OPEN_STAGE, m, Some("assessment")),
        [0, 0, 0, 0]
    );
    assert_eq!(row(&f, dimension::OPEN_STAGE, m, None), [5, 2, 16, 16]);

    // Closings: Q2 D 3 goals met + E 2 outside the remit; Q3 B 3 not for Infohus. F closed in 2025.
    assert_eq!(
        row(&f, dimension::CLOSE_REASON, m, Some("goals_met")),
        [0, 3, 0, 0]
    );
    assert_eq!(
        row(&f, dimension::CLOSE_REASON, m, Some("outside_remit")),
        [0, 2, 0, 0]
    );
    assert_eq!(
        row(&f, dimension::CLOSE_REASON, m, Some("not_for_infohus")),
        [0, 0, 3, 0]
    );
    assert_eq!(
        row(&f, dimension::CLOSE_REASON, m, Some("no_basis")),
        [0, 0, 0, 0]
    );
    assert_eq!(row(&f, dimension::CLOSE_REASON, m, None), [0, 5, 3, 0]);

    assert_eq!(
        row(&f, dimension::INTERVENTION, m, Some("contact_person")),
        [5, 0, 0, 0]
    );
    assert_eq!(
        row(&f, dimension::INTERVENTION, m, Some("mentor_under_18")),
        [0, 0, 6, 0]
    );
    assert_eq!(row(&f, dimension::INTERVENTION, m, None), [5, 0, 6, 0]);

    // Days. Filing to screening: Q1 D 10,9,8,7,6; Q2 E 5,4; Q3 A 2..7 and B 7,6,5.
    let d = |s: &str, q: usize| {
        f.duration(s, m, q)
            .map(|d| (d.cases, d.median_days, d.longest_days))
    };
    assert_eq!(d(step::FILING_TO_SCREENING, 0), Some((5, 8.0, 10)));
    assert_eq!(d(step::FILING_TO_SCREENING, 1), Some((2, 4.5, 5)));
    assert_eq!(d(step::FILING_TO_SCREENING, 2), Some((9, 5.0, 7)));
    // Screening to triage: D 8 each; E 10 each; A 17,15,13,11,9,7.
    assert_eq!(d(step::SCREENING_TO_TRIAGE, 0), Some((5, 8.0, 8)));
    assert_eq!(d(step::SCREENING_TO_TRIAGE, 1), Some((2, 10.0, 10)));
    assert_eq!(d(step::SCREENING_TO_TRIAGE, 2), Some((6, 12.0, 17)));
    // Triage to plan: D 13; A 16.
    assert_eq!(d(step::TRIAGE_TO_PLAN, 0), Some((5, 13.0, 13)));
    assert_eq!(d(step::TRIAGE_TO_PLAN, 2), Some((6, 16.0, 16)));
    // Filing to closing: Q2 D 133,132,131 and E 15,14; Q3 B 7,6,5.
    assert_eq!(d(step::FILING_TO_CLOSING, 1), Some((5, 131.0, 133)));
    assert_eq!(d(step::FILING_TO_CLOSING, 2), Some((3, 6.0, 7)));
    assert_eq!(d(step::FILING_TO_CLOSING, 3), None);

    // Ballerup's figures are not in Randers' report, and are right on their own.
    let b = app.municipality_id("ballerup").await;
    let fb = store::stats::quarterly(&mut conn, &[b], &quarters_2026())
        .await
        .expect("figures");
    assert_eq!(row(&fb, dimension::SOURCE, Some(b), None), [0, 0, 11, 0]);
    assert_eq!(
        row(&fb, dimension::OPEN_STAGE, Some(b), Some("received")),
        [0, 0, 11, 11]
    );
    assert_eq!(row(&f, dimension::SOURCE, Some(b), None), [0, 0, 0, 0]);
    // Both together: the sum over the areas comes from SQL as area `None`.
    let both = store::stats::quarterly(&mut conn, &[fx.randers, b], &quarters_2026())
        .await
        .expect("figures");
    assert_eq!(row(&both, dimension::SOURCE, None, None), [5, 2, 28, 0]);
    assert_eq!(
        row(&both, dimension::SOURCE, Some(b), Some("citizen")),
        [0, 0, 11, 0]
    );
    assert_eq!(
        row(&both, dimension::SOURCE, None, Some("citizen")),
        [0, 0, 18, 0]
    );
    assert_eq!(
        both.duration(step::FILING_TO_SCREENING, None, 2)
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
fn page_table(page: &TestResponse, area: &str, title: &str) -> Vec<(String, Vec<String>)> {
    let html = page.html();
    let tables = scraper::Selector::parse("table.stats-table").expect("selector");
    let tr = scraper::Selector::parse("tbody tr").expect("selector");
    let th = scraper::Selector::parse("th").expect("selector");
    let td = scraper::Selector::parse("td").expect("selector");
    let text = |e: scraper::ElementRef| e.text().collect::<String>().trim().to_owned();
    let table = html
        .select(&tables)
        .find(|t| {
            t.value().attr("data-area") == Some(area) && t.value().attr("data-table") == Some(title)
        })
        .unwrap_or_else(|| panic!("no table {title:?} for {area:?}"));
    table
        .select(&tr)
        .map(|r| {
            let label = r.select(&th).next().map(text).unwrap_or_default();
            (label, r.select(&td).map(text).collect())
        })
        .collect()
}

fn cells<'a>(table: &'a [(String, Vec<String>)], label: &str) -> &'a [String] {
    table
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, c)| c.as_slice())
        .unwrap_or_else(|| panic!("no row {label:?} in {table:?}"))
}

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
async fn a_district_with_several_municipalities_is_suppressed_as_a_whole() {
    use infohus::report as tables;
    let app = TestApp::with_demo_users().await;
    let fx = fixture(&app).await;
    let b = app.municipality_id("ballerup").await;
    let mut conn = app.db.acquire().await.expect("connection");
    let quarters = quarters_2026();
    let f = store::stats::quarterly(&mut conn, &[fx.randers, b], &quarters)
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
fn concrete(path: &str, fx: &Fixture) -> String {
    let case = path.starts_with("/sager/");
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                match seg {
                    "{kommune}" => "randers".to_owned(),
                    "{id}" | "{case_id}" if case => fx.case_id.to_string(),
                    "{id}" => fx.concern_id.to_string(),
                    _ => uuid::Uuid::new_v4().to_string(),
                }
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What none of these pages may contain: the fixture's person, CPR number, case reference,
/// free text from the concern.
fn assert_no_person(body: &str, what: &str) {
    for needle in [
        SUBJECT,
        "Statistiksen",
        CPR,
        "010190-1234",
        "RAN-2026-",
        "RAN-2025-",
        "Demo-data",
        "Demo-borger",
    ] {
        assert!(!body.contains(needle), "{what} shows {needle:?}");
    }
}

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
fn csv_records(body: &str) -> Vec<Vec<String>> {
    body.trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut fields = Vec::new();
            let mut field = String::new();
            let mut quoted = false;
            let mut chars = l.chars().peekable();
            while let Some(ch) = chars.next() {
                match ch {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        field.push('"');
                        chars.next();
                    }
                    '"' => quoted = !quoted,
                    ';' if !quoted => fields.push(std::mem::take(&mut field)),
                    _ => field.push(ch),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

#[tokio::test]
async fn the_csv_matches_the_page() {
    let app = TestApp::with_demo_users().await;
    fixture(&app).await;
    for (email, quarter) in [
        ("steering_group@randers.demo", "2026-3"),
        ("coordinator@randers.demo", "2026-2"),
        ("police@oestjyllands-politi.demo", "2026-4"),
    ] {
        let mut c = app.signed_in(email).await;
        let page = c.get(&format!("/statistik?kvartal={quarter}")).await;
        let csv = c.get(&format!("/statistik.csv?kvartal={quarter}")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        assert!(
            csv.header("content-disposition").is_some_and(
                |d| d.starts_with("attachment;") && d.contains(&format!("-{quarter}.csv"))
            ),
            "{:?}",
            csv.header("content-disposition")
        );
        assert_eq!(csv.header("cache-control"), Some("no-store"));
        assert!(
            csv.body.starts_with('\u{feff}'),
            "UTF-8 with a byte order mark"
        );
        assert!(csv.body.contains("\r\n"));
        let records = csv_records(&csv.body);
        // The header: area, table, row, then the page's column headings.
        let html = page.html();
        let heads = scraper::Selector::parse("table.stats-table thead th").expect("selector");
        let first_heads: Vec<String> = html
            .select(&heads)
            .skip(1)
            .take_while(|h| {
                h.value().attr("scope") == Some("col")
                    && h.text().collect::<String>().contains("kvt.")
            })
            .map(|h| h.text().collect::<String>().trim().to_owned())
            .collect();
        assert_eq!(records[0][..3], ["Område", "Tabel", "Række"]);
        assert_eq!(records[0][3..], first_heads[..]);
        // Every table row of the page, in order, is one CSV line with the same cells.
        let tables = scraper::Selector::parse("table.stats-table").expect("selector");
        let mut expected = Vec::new();
        for t in html.select(&tables) {
            let area = t.value().attr("data-area").unwrap_or_default().to_owned();
            let title = t.value().attr("data-table").unwrap_or_default().to_owned();
            for (label, cells) in page_table(&page, &area, &title) {
                let mut line = vec![area.clone(), title.clone(), label];
                line.extend(cells);
                expected.push(line);
            }
        }
        assert!(expected.len() > 40, "the page has its tables");
        assert_eq!(records[1..], expected[..], "{email} {quarter}");
    }
}

#[tokio::test]
async fn the_csv_escaper_neutralises_a_cell_beginning_with_equals() {
    assert_eq!(
        csv_field("=HYPERLINK(\"http://x\";\"klik\")"),
        "\"'=HYPERLINK(\"\"http://x\"\";\"\"klik\"\")\""
    );
    assert_eq!(csv_field("=1+1"), "'=1+1");
    for formula in ["+1", "-1", "@A1"] {
        assert!(csv_field(formula).starts_with('\''), "{formula}");
    }
    // And in a download: no field of the report starts a formula.
    let app = TestApp::with_demo_users().await;
    fixture(&app).await;
    let mut c = app.signed_in("coordinator@randers.demo").await;
    let csv = c.get("/statistik.csv").await;
    for record in csv_records(&csv.body) {
        for field in record {
            assert!(!field.starts_with(['=', '+', '-', '@']), "{field}");
        }
    }
}

#[tokio::test]
async fn every_view_and_download_writes_an_audit_row() {
    let app = TestApp::with_demo_users().await;
    fixture(&app).await;
    let mut c = app.signed_in("steering_group@randers.demo").await;
    c.get("/statistik").await;
    c.get("/statistik?kvartal=2026-1").await;
    c.get("/statistik.csv").await;
    c.get("/enhed/tal").await;
    assert_eq!(app.audit_count("statistics_viewed").await, 2);
    assert_eq!(app.audit_count("statistics_downloaded").await, 1);
    assert_eq!(app.audit_count("unit_counts_viewed").await, 1);
    let mut p = app.signed_in("police@oestjyllands-politi.demo").await;
    p.get("/statistik.csv").await;
    assert_eq!(app.audit_count("statistics_downloaded").await, 2);
    let row: (Option<uuid::Uuid>, Option<String>, Option<uuid::Uuid>) = sqlx::query_as(
        "select actor_user_id, object_type, police_district_id from audit_events
         where action = 'statistics_downloaded' order by id desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("audit row");
    assert_eq!(
        row.0,
        Some(app.user_id("police@oestjyllands-politi.demo").await.0)
    );
    assert_eq!(row.1.as_deref(), Some("police_district"));
    assert!(row.2.is_some());
}

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

#[tokio::test]
async fn an_unknown_or_future_quarter_shows_the_last_complete_one_with_a_message() {
    let app = TestApp::with_demo_users().await;
    let mut c = app.signed_in("coordinator@randers.demo").await;
    for (path, message) in [
        (
            "/statistik?kvartal=2031-1",
            "1. kvartal 2031 er ikke begyndt endnu",
        ),
        (
            "/statistik?kvartal=%3Cscript%3E",
            "Kvartalet skal skrives som år og kvartal",
        ),
        (
            "/statistik?kvartal=2026-9",
            "Kvartalet skal skrives som år og kvartal",
        ),
    ] {
        let page = c.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(message), "{path}");
        assert!(
            page.body.contains("Kvartalsstatistik: 3. kvartal 2026"),
            "{path}"
        );
        assert!(!page.body.contains("<script>"));
    }
    let running = c.get("/statistik?kvartal=2026-4").await;
    assert!(running.body.contains("4. kvartal 2026 er ikke slut endnu"));
    let twice = c
        .get("/statistik?kvartal=2026-4&kvartal=2026-3")
        .await
        .status;
    assert!(
        [StatusCode::OK, StatusCode::BAD_REQUEST].contains(&twice),
        "{twice}"
    );
}

#[tokio::test]
async fn the_demo_history_gives_each_role_its_figures() {
    let app = TestApp::with_demo_users().await;
    let mut tx = app.db.begin().await.expect("transaction");
    history::seed(&app.state, &mut tx)
        .await
        .expect("demo history");
    tx.commit().await.expect("commit");
    let cases: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert!(cases > 150, "{cases} cases");
    for (email, area) in [
        ("steering_group@randers.demo", "Randers Kommune"),
        ("steering_group@ballerup.demo", "Ballerup Kommune"),
        ("police@oestjyllands-politi.demo", "Randers Kommune"),
    ] {
        let mut c = app.signed_in(email).await;
        let page = c.get("/statistik").await;
        assert_eq!(page.status, StatusCode::OK, "{email}");
        let source = page_table(&page, area, "Nye bekymringer efter indberetter");
        let total = &cells(&source, "Nye bekymringer i alt")[2];
        assert!(
            total.parse::<i64>().is_ok_and(|n| n >= 5),
            "{email}: {total}"
        );
        assert!(
            page.body.contains("<rect class=\"chart__bar\""),
            "{email}: bars are drawn"
        );
        assert!(
            page.body.contains("&lt;5"),
            "{email}: small numbers are hidden"
        );
        let csv = c.get("/statistik.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
    }
    let mut k = app.signed_in("key_employee@randers.demo").await;
    let unit = k.get("/enhed/tal").await;
    assert_eq!(unit.status, StatusCode::OK);
    assert!(unit.body.contains("chart__svg"));
}
