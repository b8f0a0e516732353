//! The statistics fixture counted by hand, and helpers to read the figures off a page or a
//! CSV file.

use infohus::domain::ids::{CaseId, MunicipalityId, UnitId};
use infohus::domain::stats::Quarter;
use infohus::seed::history::{self, Actors, Story};
use infohus::store::stats::{Breakdown, QuarterlyFigures};
use time::{Date, Month, OffsetDateTime};

use crate::support::{TestApp, TestResponse};

/// Noon UTC on a day of 2025-2026: the same calendar day in Copenhagen.
pub fn day(year: i32, month: u8, d: u8) -> OffsetDateTime {
    let month = Month::try_from(month).expect("month");
    Date::from_calendar_date(year, month, d)
        .expect("date")
        .with_hms(12, 0, 0)
        .expect("time")
        .assume_utc()
}

pub fn plus(t: OffsetDateTime, days: i64) -> OffsetDateTime {
    t + time::Duration::days(days)
}

/// The subject names of the fixture: none may appear on any page these roles see.
pub const SUBJECT: &str = "Testperson Statistiksen";
pub const CPR: &str = "0101901234";

pub struct Fixture {
    pub randers: MunicipalityId,
    pub unit: UnitId,
    /// A case of the fixture and one of its concerns, for routes with an id.
    pub case_id: CaseId,
    pub concern_id: uuid::Uuid,
}

pub async fn actors(app: &TestApp, slug: &str, district: &str) -> Actors {
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
pub async fn fixture(app: &TestApp) -> Fixture {
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

pub fn quarters_2026() -> Vec<Quarter> {
    Quarter { year: 2026, q: 1 }.of_year().to_vec()
}

/// The counts of one breakdown for one area, by key and quarter (all four of 2026).
pub fn row(
    f: &QuarterlyFigures,
    dim: Breakdown,
    area: Option<MunicipalityId>,
    key: Option<&str>,
) -> [i64; 4] {
    [0, 1, 2, 3].map(|q| f.count(dim, area, q, key))
}

pub fn page_table(page: &TestResponse, area: &str, title: &str) -> Vec<(String, Vec<String>)> {
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

pub fn cells<'a>(table: &'a [(String, Vec<String>)], label: &str) -> &'a [String] {
    table
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, c)| c.as_slice())
        .unwrap_or_else(|| panic!("no row {label:?} in {table:?}"))
}

pub fn concrete(path: &str, fx: &Fixture) -> String {
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
pub fn assert_no_person(body: &str, what: &str) {
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

pub fn csv_records(body: &str) -> Vec<Vec<String>> {
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
