//! The figures of the quarters that have begun come from summary rows. After a random workload
//! that reaches back into those quarters (cases dated back, levels changed, interventions moved,
//! concerns linked to other cases, a unit's sector changed, cases reopened) and into the running
//! one (a concern filed and screened today), every summary equals the same rows counted from the
//! raw rows again, and the report equals the live report. A report counted while a change is
//! under way keeps no summary of the municipality.

use infohus::domain::stats::Quarter;
use infohus::seed::history::{self, Story};
use infohus::store::stats::{self, Breakdown, QuarterlyFigures};
use time::Duration;

use super::fixture::{SUBJECT, actors, day, fixture, plus};
use crate::support::TestApp;

/// A small deterministic generator (xorshift), so that a failure can be run again.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn quarters() -> Vec<Quarter> {
    let mut q = Quarter { year: 2025, q: 1 };
    let mut all = Vec::new();
    while q <= (Quarter { year: 2027, q: 1 }) {
        all.push(q);
        q = q.next();
    }
    all
}

/// The figures in one order, the durations' medians to the millionth.
fn normal(f: QuarterlyFigures) -> (Vec<String>, Vec<String>) {
    let mut counts: Vec<String> = f.counts().iter().map(|c| format!("{c:?}")).collect();
    counts.sort();
    let mut durations: Vec<String> = f
        .durations()
        .iter()
        .map(|d| {
            format!(
                "{:?} {:?} {} {} {:.6} {}",
                d.step, d.area, d.quarter, d.cases, d.median_days, d.longest_days
            )
        })
        .collect();
    durations.sort();
    (counts, durations)
}

async fn workload(app: &TestApp, dice: &mut Dice, round: u64) {
    let randers = app
        .state
        .tenants
        .by_slug("randers")
        .expect("randers")
        .clone();
    // New cases dated back into every quarter of 2025-2026.
    let mut stories = Vec::new();
    for i in 0..6 {
        let filed = day(
            2025 + i64::from(dice.roll(2) == 1) as i32,
            1 + dice.roll(12) as u8,
            1 + dice.roll(27) as u8,
        );
        let story = Story::new(
            &randers,
            SUBJECT,
            dice.roll(2) == 0,
            "left_wing_extremism",
            "citizen",
            None,
            filed,
            plus(filed, 1),
        )
        .send_to_screening(plus(filed, 2))
        .screened(plus(filed, 3 + dice.roll(40) as i64), true);
        let story = if i % 2 == 0 {
            story
                .triaged(plus(filed, 50), true)
                .assessed(plus(filed, 60), Some("preemptive"))
                .intervention("mentor_under_18", plus(filed, 70).date())
        } else {
            story
        };
        stories.push(story);
    }
    // And the day's work: a concern filed and screened today, in the running quarter.
    let now = app.clock.now();
    stories.push(
        Story::new(
            &randers,
            SUBJECT,
            dice.roll(2) == 0,
            "right_wing_extremism",
            "police",
            None,
            now,
            now,
        )
        .send_to_screening(now)
        .screened(now, dice.roll(2) == 0),
    );
    let mut conn = app.db.acquire().await.expect("connection");
    history::write(
        &mut conn,
        &stories,
        actors(app, "randers", &randers.police_district_slug).await,
    )
    .await
    .expect("stories");
    // Changes that reach back into quarters that are over, as the steps and the coordinator's
    // corrections make them.
    let changes = [
        "update cases set level = (array['building', 'preemptive', 'intervening'])[1 + (($1 + length(reference)) % 3)]
         where id = (select id from cases order by reference offset ($1 % greatest(1, (select count(*) from cases))) limit 1)",
        "update interventions set start_date = start_date - 95
         where id = (select id from interventions order by id offset ($1 % greatest(1, (select count(*) from interventions))) limit 1)",
        "update concerns set case_id = (select id from cases order by opened_at limit 1)
         where id = (select id from concerns where case_id is not null order by filed_at desc offset ($1 % 3) limit 1)",
        "update units set sector = case when sector = 'Socialområdet' then 'Skoleområdet' else 'Socialområdet' end
         where id = (select unit_id from users where email = 'key_employee@randers.demo')",
        "update cases set closed_at = null, stage = 'follow_up'
         where id = (select id from cases where closed_at is not null order by reference offset ($1 % 2) limit 1)",
        "delete from interventions
         where id = (select id from interventions order by start_date offset ($1 % 2) limit 1)",
    ];
    for _ in 0..4 {
        let sql = changes[dice.roll(changes.len() as u64) as usize];
        sqlx::query(sql)
            .bind((round * 7 + dice.roll(50)) as i64)
            .execute(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

#[tokio::test]
async fn every_summary_equals_the_raw_rows_after_a_random_workload() {
    let app = TestApp::with_demo_users().await;
    let fx = fixture(&app).await;
    let ballerup = app.state.tenants.by_slug("ballerup").expect("ballerup").id;
    let areas = [fx.randers, ballerup];
    let mut dice = Dice(0x5eed_1234_abcd);
    let mut conn = app.db.acquire().await.expect("connection");
    for round in 0..4 {
        // The report makes the summaries it lacks; then the workload changes what they count.
        stats::quarterly(&mut conn, &areas, &quarters(), app.clock.now())
            .await
            .expect("report");
        let made: i64 = sqlx::query_scalar("select count(*) from quarter_summaries")
            .fetch_one(&mut *conn)
            .await
            .expect("count");
        assert!(made > 0, "round {round}: summaries were made");
        workload(&app, &mut dice, round).await;

        if round == 1 {
            // Time passes: the last quarter of 2026 is over too.
            app.clock.advance(Duration::days(60));
        }
        let summarized = stats::quarterly(&mut conn, &areas, &quarters(), app.clock.now())
            .await
            .expect("report from summaries");
        let live = stats::quarterly_live(&mut conn, &areas, &quarters())
            .await
            .expect("live report");
        let (summarized, live) = (normal(summarized), normal(live));
        let differ = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|x| !b.contains(x)).cloned().collect()
        };
        for (what, a, b) in [
            ("counts", &summarized.0, &live.0),
            ("durations", &summarized.1, &live.1),
        ] {
            assert!(
                a == b,
                "round {round}: the report's {what} differ; from summaries only: {:?}; live only: {:?}",
                differ(a, b),
                differ(b, a)
            );
        }
        // The ends of the steps that each case carries are what its history and its concerns
        // say, whatever the workload moved.
        let astray: Vec<String> = sqlx::query_scalar(
            r#"select c.reference from cases c
               left join lateral (
                   select min(h.occurred_at) filter (where h.from_stage = 'screening') as screened_at,
                          min(h.occurred_at) filter (where h.from_stage = 'triage') as triaged_at,
                          min(h.occurred_at) filter (where h.to_stage = 'action_plan') as planned_at,
                          min(h.occurred_at) filter (where h.to_stage = 'closed') as closed_at
                   from case_history h where h.case_id = c.id
               ) h on true
               left join lateral (
                   select min(x.filed_at) as filed_at from concern_facts x where x.case_id = c.id
               ) f on true
               where (c.screened_at, c.triaged_at, c.planned_at, c.first_closed_at, c.first_filed_at)
                     is distinct from (h.screened_at, h.triaged_at, h.planned_at, h.closed_at, f.filed_at)
               order by 1"#,
        )
        .fetch_all(&mut *conn)
        .await
        .expect("milestones");
        assert!(
            astray.is_empty(),
            "round {round}: cases whose steps differ from their history: {astray:?}"
        );
        let carried: i64 = sqlx::query_scalar(
            "select count(*) from cases where screened_at is not null and first_filed_at is not null",
        )
        .fetch_one(&mut *conn)
        .await
        .expect("count");
        assert!(carried > 0, "round {round}: cases carry their steps");
        for (stored, raw) in stats::summaries_against_raw_rows(&mut conn)
            .await
            .expect("summaries")
        {
            assert_eq!(
                stored, raw,
                "round {round}: a summary differs from its raw rows"
            );
        }
    }
    let kept: i64 = sqlx::query_scalar("select count(*) from quarter_summary_counts")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert!(kept > 20, "the summaries hold rows ({kept})");
}

async fn summary_of(app: &TestApp, area: infohus::domain::ids::MunicipalityId, q: Quarter) -> bool {
    sqlx::query_scalar("select exists (select 1 from quarter_summaries where municipality_id = $1 and quarter = $2)")
        .bind(area.0)
        .bind(q.first_day())
        .fetch_one(&app.db)
        .await
        .expect("summary")
}

#[tokio::test]
async fn a_report_counted_while_a_change_is_under_way_keeps_no_summary_of_it() {
    let app = TestApp::with_demo_users().await;
    let fx = fixture(&app).await;
    let randers = app
        .state
        .tenants
        .by_slug("randers")
        .expect("randers")
        .clone();
    let now = app.clock.now();
    let running = Quarter::current(now);
    let mut reader = app.db.acquire().await.expect("connection");
    let before = stats::quarterly_live(&mut reader, &[fx.randers], &[running])
        .await
        .expect("live report");
    assert!(
        !summary_of(&app, fx.randers, running).await,
        "nothing kept yet"
    );
    let filed = |f: &QuarterlyFigures| f.count(Breakdown::Kind, Some(fx.randers), 0, None);

    // A concern is being filed today: its trigger found no summary to delete, and it has not
    // committed when the report is asked for. Kept now, the summary would miss the concern
    // for good.
    let mut writer = app.db.begin().await.expect("transaction");
    let story = Story::new(
        &randers,
        SUBJECT,
        true,
        "right_wing_extremism",
        "police",
        None,
        now,
        now,
    );
    history::write(
        &mut writer,
        &[story],
        actors(&app, "randers", &randers.police_district_slug).await,
    )
    .await
    .expect("story");
    let during = stats::quarterly(&mut reader, &[fx.randers], &[running], now)
        .await
        .expect("report during the change");
    assert_eq!(filed(&during), filed(&before), "the change is not seen yet");
    assert!(
        !summary_of(&app, fx.randers, running).await,
        "no summary is kept from a snapshot without the change under way"
    );

    writer.commit().await.expect("commit");
    let after = stats::quarterly(&mut reader, &[fx.randers], &[running], now)
        .await
        .expect("report after the change");
    assert_eq!(
        filed(&after),
        filed(&before) + 1,
        "the new concern is counted"
    );
    assert!(summary_of(&app, fx.randers, running).await, "kept again");
    let live = stats::quarterly_live(&mut reader, &[fx.randers], &[running])
        .await
        .expect("live");
    assert_eq!(normal(after), normal(live));
}
