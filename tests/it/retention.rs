//! Retention: the purge deletes what is due and nothing else, leaves tombstones that keep the
//! figures of past quarters as they were, runs once at a time, and a coordinator may postpone
//! one case with a reason. The access log of a deleted case goes after its own period.

use axum::http::StatusCode;
use infohus::domain::ids::CaseId;
use infohus::retention::{PurgeOutcome, PurgeReport, purge};
use infohus::seed::history;
use infohus::store::retention as store;
use time::Duration;
use uuid::Uuid;

use crate::support::TestApp;
use crate::support::steps::{count, open_case, randers_case_in_follow_up, see_other, version};

const NAME: &str = "Mikkel Sørensen";
const CPR: &str = "241210-4321";
const ADDRESS: &str = "Rosenvænget 9";

async fn run(app: &TestApp) -> PurgeReport {
    match purge(&app.state, false).await.expect("purge") {
        PurgeOutcome::Ran(report) => report,
        PurgeOutcome::Busy => panic!("no other purge runs"),
    }
}

/// Closes the case as ended otherwise, with an evaluation that names `name`.
async fn close(app: &TestApp, id: Uuid, name: &str) {
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let v = version(app, id).await;
    let evaluation = format!("{name} er flyttet til en efterskole.");
    let open: Vec<Uuid> = sqlx::query_scalar(
        "select id from interventions where case_id = $1 and status in ('planned', 'active')",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .expect("interventions");
    let mut fields = vec![
        ("version".to_owned(), v),
        ("reason".to_owned(), "ended_otherwise".to_owned()),
        ("evaluation".to_owned(), evaluation),
    ];
    for i in open {
        fields.push((format!("fate_{i}"), "ended".to_owned()));
        fields.push((format!("ended_on_{i}"), "20.11.2026".to_owned()));
    }
    let r = crate::support::steps::post_owned(
        &mut coordinator,
        &format!("/sager/{id}/afslut"),
        &fields,
    )
    .await;
    see_other(&r);
}

/// Every text value of every table but the audit trail (kept for its own period) that holds
/// `needle`, as "table.column".
async fn found_in_schema(app: &TestApp, needle: &str) -> Vec<String> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "select table_name::text, column_name::text from information_schema.columns
         where table_schema = 'public' and table_name <> 'audit_events'
           and data_type in ('text', 'character varying', 'jsonb', 'ARRAY')
           and table_name in (select table_name from information_schema.tables
                              where table_schema = 'public' and table_type = 'BASE TABLE')
           -- The audit trail's months, which the owner sees as tables of their own.
           and table_name not in (select relname::text from pg_class where relispartition)",
    )
    .fetch_all(&app.db)
    .await
    .expect("columns");
    let mut found = Vec::new();
    for (table, column) in columns {
        let sql = format!(
            "select count(*) from {table} where strpos(lower(\"{column}\"::text), lower($1)) > 0"
        );
        let n: i64 = sqlx::query_scalar(&sql)
            .bind(needle)
            .fetch_one(&app.db)
            .await
            .expect("scan");
        if n > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

#[tokio::test]
async fn a_closed_case_is_deleted_on_its_day_leaving_a_tombstone_and_nothing_of_the_person() {
    let app = TestApp::with_demo_users().await;
    let (id, _, _) = randers_case_in_follow_up(&app, "20.02.2027").await;
    sqlx::query("update cases set subject_cpr = $2, subject_address = $3 where id = $1")
        .bind(id)
        .bind(CPR)
        .bind(ADDRESS)
        .execute(&app.db)
        .await
        .expect("cpr");
    let kept = open_case(&app, "randers", "Laura Vestergaard", true).await;
    close(&app, id, NAME).await;
    close(&app, kept, "Laura Vestergaard").await;
    for needle in [NAME, CPR, ADDRESS] {
        assert!(
            !found_in_schema(&app, needle).await.is_empty(),
            "{needle} is there before"
        );
    }

    // Five years after closing, less a day: nothing is due.
    app.clock.advance(Duration::days(5 * 365));
    let report = run(&app).await;
    assert_eq!(report.cases, 0, "{report:?}");

    // The coordinator postpones the other case by a month, with a reason.
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let list = coordinator.get("/sletning").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.texts("tbody tr").len(), 2, "{}", list.body);
    let path = format!("/sager/{kept}/udskyd-sletning");
    let v = version(&app, kept).await;
    for (until, message) in [
        ("01.01.2020", "Datoen ligger ikke i fremtiden."),
        ("01.01.2040", "højst udskydes til"),
    ] {
        let r = coordinator
            .post(
                &path,
                &[("version", &v), ("until", until), ("reason", "Klagesag")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(message), "{until}: {}", r.body);
        assert_eq!(r.field_value("reason").as_deref(), Some("Klagesag"));
    }
    let due = store::due_of(&app.db, CaseId(kept))
        .await
        .expect("due")
        .expect("closed");
    let until = due.due + Duration::days(30);
    let until_text = infohus::domain::calendar::format_date_da(until);
    let r = coordinator
        .post(
            &path,
            &[
                ("version", &v),
                ("until", &until_text),
                ("reason", "Verserende klagesag"),
            ],
        )
        .await;
    see_other(&r);
    assert_eq!(app.audit_count("retention_extended").await, 1);
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    assert_eq!(police.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(police.get("/sletning").await.status, StatusCode::FORBIDDEN);

    // On the day: the one case goes, the postponed one stays.
    app.clock.advance(Duration::days(2));
    let report = run(&app).await;
    assert_eq!((report.cases, report.concerns), (1, 1), "{report:?}");
    assert_eq!(report.interventions, 1);
    for needle in [NAME, CPR, ADDRESS, "241210", "Rosenvænget"] {
        assert_eq!(
            found_in_schema(&app, needle).await,
            Vec::<String>::new(),
            "{needle}"
        );
    }
    let (reference, purged): (String, Option<time::OffsetDateTime>) =
        sqlx::query_as("select reference, purged_at from cases where id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("tombstone");
    assert!(reference.starts_with("RAN-") && purged.is_some());
    assert_eq!(
        count(
            &app,
            "select count(*) from case_history where case_id = $1 and reason is not null",
            id
        )
        .await,
        0
    );
    assert!(
        count(
            &app,
            "select count(*) from case_history where case_id = $1",
            id
        )
        .await
            > 5
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from purged_concerns where case_id = $1",
            id
        )
        .await,
        1
    );
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(
        coordinator.get(&format!("/sager/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !coordinator
            .get("/sager?fase=alle")
            .await
            .body
            .contains(&reference)
    );
    assert_eq!(stage_of(&app, kept).await, "closed");
    assert!(!found_in_schema(&app, "Laura Vestergaard").await.is_empty());
    let detail: serde_json::Value = sqlx::query_scalar(
        "select detail from audit_events where action = 'purge_run' order by id desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("the run's audit row");
    assert_eq!(detail["cases"], 1);

    // After its new date the postponed case goes too.
    app.clock.advance(Duration::days(30));
    assert_eq!(run(&app).await.cases, 1);
    assert!(found_in_schema(&app, "Laura Vestergaard").await.is_empty());

    // The access log of the deleted case stays for its own five years, then goes; the
    // rest of the audit trail stays.
    let about = |case: Uuid| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "select count(*) from audit_events where object_type = 'case' and object_id = $1",
            )
            .bind(case)
            .fetch_one(&db)
            .await
            .expect("count")
        }
    };
    assert!(about(id).await > 0);
    let logins = app.audit_count("login").await;
    app.clock.advance(Duration::days(5 * 366));
    let report = run(&app).await;
    assert!(report.access_log_rows > 0, "{report:?}");
    assert_eq!(about(id).await, 0);
    assert_eq!(about(kept).await, 0);
    assert_eq!(app.audit_count("login").await, logins);
}

/// The concerns filed per unit of Randers in the eight quarters up to the third of 2026.
async fn unit_figures(app: &TestApp) -> Vec<(infohus::domain::ids::UnitId, usize, i64)> {
    use infohus::domain::stats::Quarter;
    let mut quarters = vec![Quarter::parse("2026-3").expect("quarter")];
    for _ in 0..7 {
        let earliest = quarters[0].previous();
        quarters.insert(0, earliest);
    }
    let mut conn = app.db.acquire().await.expect("connection");
    let mut figures = infohus::store::stats::concerns_by_unit(
        &mut conn,
        app.municipality_id("randers").await,
        &quarters,
    )
    .await
    .expect("figures");
    figures.sort();
    figures
}

async fn stage_of(app: &TestApp, id: Uuid) -> String {
    sqlx::query_scalar("select stage from cases where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("stage")
}

#[tokio::test]
async fn the_figures_of_past_quarters_read_the_same_after_a_purge() {
    let app = TestApp::with_demo_users().await;
    let mut tx = app.db.begin().await.expect("transaction");
    history::seed(&app.state, &mut tx).await.expect("history");
    tx.commit().await.expect("commit");
    let quarters = ["2025-1", "2025-4", "2026-2", "2026-3"];
    let mut before = Vec::new();
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    for q in quarters {
        before.push(
            coordinator
                .get(&format!("/statistik.csv?kvartal={q}"))
                .await
                .body,
        );
    }
    let units_before = unit_figures(&app).await;

    app.clock.advance(Duration::days(6 * 366));
    let report = run(&app).await;
    assert!(report.cases > 50, "{report:?}");
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut after = Vec::new();
    for q in quarters {
        after.push(
            coordinator
                .get(&format!("/statistik.csv?kvartal={q}"))
                .await
                .body,
        );
    }
    // Compared line by line, so that a difference names its row.
    for (b, a) in before.iter().zip(&after) {
        let (b, a) = (b.replace(" (til dato)", ""), a.replace(" (til dato)", ""));
        for (lb, la) in b.lines().zip(a.lines()) {
            assert_eq!(lb, la);
        }
        assert_eq!(b.lines().count(), a.lines().count());
    }
    assert_eq!(units_before, unit_figures(&app).await);
}

#[tokio::test]
async fn two_purges_at_once_delete_each_case_once_and_a_held_lock_makes_a_run_wait() {
    let app = TestApp::with_demo_users().await;
    for name in ["Anna Berg", "Bo Dam", "Carl Egede"] {
        let id = open_case(&app, "randers", name, true).await;
        close(&app, id, name).await;
    }
    app.clock.advance(Duration::days(6 * 366));

    // Someone else holds the run's lock: this run does nothing.
    let mut holder = app.db.acquire().await.expect("connection");
    sqlx::query("select pg_advisory_lock($1)")
        .bind(infohus::jobs::lock_key("purge_run"))
        .execute(&mut *holder)
        .await
        .expect("lock");
    assert_eq!(
        purge(&app.state, false).await.expect("purge"),
        PurgeOutcome::Busy
    );
    sqlx::query("select pg_advisory_unlock_all()")
        .execute(&mut *holder)
        .await
        .expect("unlock");
    drop(holder);

    let (a, b) = tokio::join!(purge(&app.state, false), purge(&app.state, false));
    let purged: i64 = [a.expect("a"), b.expect("b")]
        .into_iter()
        .map(|o| match o {
            PurgeOutcome::Ran(r) => r.cases,
            PurgeOutcome::Busy => 0,
        })
        .sum();
    assert_eq!(purged, 3);
    let tombstones: i64 =
        sqlx::query_scalar("select count(*) from cases where purged_at is not null")
            .fetch_one(&app.db)
            .await
            .expect("count");
    assert_eq!(tombstones, 3);
}

#[tokio::test]
async fn a_purge_that_stops_half_way_leaves_the_case_whole_and_a_dry_run_deletes_nothing() {
    let app = TestApp::with_demo_users().await;
    let id = open_case(&app, "randers", NAME, true).await;
    close(&app, id, NAME).await;
    app.clock.advance(Duration::days(6 * 366));

    let mut tx = app.db.begin().await.expect("transaction");
    let removed = store::purge_case(&mut tx, CaseId(id), app.clock.now())
        .await
        .expect("purge")
        .expect("due");
    assert_eq!(removed.concerns, 1);
    // The process dies before the commit.
    tx.rollback().await.expect("rollback");
    assert_eq!(
        count(&app, "select count(*) from concerns where case_id = $1", id).await,
        1
    );
    assert!(!found_in_schema(&app, NAME).await.is_empty());

    match purge(&app.state, true).await.expect("dry run") {
        PurgeOutcome::Ran(r) => assert_eq!((r.dry_run, r.cases), (true, 1)),
        PurgeOutcome::Busy => panic!("nothing else runs"),
    }
    assert_eq!(
        count(&app, "select count(*) from concerns where case_id = $1", id).await,
        1
    );
    // Nobody but the purge deletes a concern.
    assert!(
        sqlx::query("delete from concerns where case_id = $1")
            .bind(id)
            .execute(&app.db)
            .await
            .is_err()
    );
    assert_eq!(run(&app).await.cases, 1);
    assert!(found_in_schema(&app, NAME).await.is_empty());
}

#[tokio::test]
async fn a_concern_left_at_its_unit_goes_after_its_months_and_one_in_the_intake_waits() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let at_unit = crate::intake::file(&mut staff, &[("subject_name", "Otto Unit")]).await;
    let mut ballerup = app.signed_in("staff@ballerup.demo").await;
    let in_intake = crate::intake::file(
        &mut ballerup,
        &[
            ("subject_name", "Ida Indgang"),
            ("reporter_name", "Emil Nørgaard"),
        ],
    )
    .await;
    app.clock.advance(Duration::days(150));
    assert_eq!(run(&app).await.unlinked_concerns, 0);
    app.clock.advance(Duration::days(40));
    assert_eq!(run(&app).await.unlinked_concerns, 1);
    let left: Vec<Uuid> = sqlx::query_scalar("select id from concerns")
        .fetch_all(&app.db)
        .await
        .expect("concerns");
    assert_eq!(left, vec![in_intake]);
    assert!(found_in_schema(&app, "Otto Unit").await.is_empty());
    let tombstone: i64 = sqlx::query_scalar("select count(*) from purged_concerns where id = $1")
        .bind(at_unit)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(tombstone, 1);
}

#[tokio::test]
async fn the_purge_runs_from_the_command_line_dry_or_for_real() {
    let app = TestApp::with_demo_users().await;
    let id = open_case(&app, "randers", NAME, true).await;
    // Closed six years ago by the wall clock, which the command line goes by.
    sqlx::query(
        "update cases set stage = 'closed', close_reason = 'ended_otherwise',
                          closed_at = now() - interval '6 years' where id = $1",
    )
    .bind(id)
    .execute(&app.db)
    .await
    .expect("closed long ago");
    let purge = |dry: bool| {
        let mut args = vec!["purge"];
        if dry {
            args.push("--dry-run");
        }
        std::process::Command::new(env!("CARGO_BIN_EXE_infohus"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("INFOHUS_LOG__FILTER", "warn")
            .output()
            .expect("run infohus purge")
    };
    let dry = purge(true);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(String::from_utf8_lossy(&dry.stdout).starts_with("Would delete 1 case(s)"));
    assert_eq!(
        count(&app, "select count(*) from concerns where case_id = $1", id).await,
        1
    );
    let real = purge(false);
    assert!(
        real.status.success(),
        "{}",
        String::from_utf8_lossy(&real.stderr)
    );
    assert!(
        String::from_utf8_lossy(&real.stdout).starts_with("Deleted 1 case(s) with 1 concern(s)"),
        "{}",
        String::from_utf8_lossy(&real.stdout)
    );
    assert!(found_in_schema(&app, NAME).await.is_empty());
    assert_eq!(app.audit_count("purge_run").await, 2);
}
