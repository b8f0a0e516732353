//! The audit trail at volume: one partition per month, made a year ahead by a daily job. What
//! the trail refused before it still refuses, through the whole table and through each month.

use infohus::jobs::{self, Outcome};
use sqlx::Connection;
use time::Duration;

use crate::support::TestApp;

const STAFF: &str = "staff@randers.demo";

/// The partition an action's newest row is kept in.
async fn partition_of(app: &TestApp, action: &str) -> String {
    sqlx::query_scalar(
        "select tableoid::regclass::text from audit_events where action = $1
         order by occurred_at desc, id desc limit 1",
    )
    .bind(action)
    .fetch_one(&app.db)
    .await
    .expect("an audit row")
}

async fn months(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'audit_events'::regclass order by 1",
    )
    .fetch_all(&app.db)
    .await
    .expect("partitions")
}

#[tokio::test]
async fn each_row_is_kept_in_its_month_and_the_daily_job_makes_the_months_a_year_ahead() {
    let app = TestApp::with_demo_users().await;
    app.signed_in(STAFF).await;
    assert_eq!(partition_of(&app, "login").await, "audit_events_y2026m11");

    // Three years on, beyond the months made so far: the job makes its own year ahead, once a
    // day whichever instance runs it.
    app.clock.advance(Duration::days(3 * 365));
    let before = months(&app).await;
    assert!(!before.contains(&"audit_events_y2029m11".to_owned()));
    assert_eq!(
        jobs::audit_partitions(&app.state).await.expect("job"),
        Outcome::Ran
    );
    assert_eq!(
        jobs::audit_partitions(&app.state).await.expect("job"),
        Outcome::NotDue
    );
    let after = months(&app).await;
    for month in [
        "audit_events_y2029m11",
        "audit_events_y2030m06",
        "audit_events_y2030m11",
    ] {
        assert!(after.contains(&month.to_owned()), "{month}: {after:?}");
    }
    assert_eq!(
        after.len() - before.len(),
        13,
        "November 2029 through November 2030"
    );
    app.signed_in(STAFF).await;
    assert_eq!(partition_of(&app, "login").await, "audit_events_y2029m11");
    // Made again, nothing changes.
    let made = infohus::store::audit::make_partitions(
        &app.db,
        app.clock.now().date(),
        app.clock.now().date() + Duration::days(200),
    )
    .await
    .expect("idempotent");
    assert_eq!(made, 0);
}

#[tokio::test]
async fn a_row_no_month_was_made_for_is_kept_and_its_month_is_then_left_to_the_default() {
    let app = TestApp::with_demo_users().await;
    // Twenty years on, with no job run: the row still lands, in the default partition.
    app.clock.advance(Duration::days(20 * 365));
    app.signed_in(STAFF).await;
    assert_eq!(partition_of(&app, "login").await, "audit_events_default");
    // Making that month now would strand the row: the month is skipped, the caller goes on.
    let today = app.clock.now().date();
    let made = infohus::store::audit::make_partitions(&app.db, today, today)
        .await
        .expect("never fails for the trail's sake");
    assert_eq!(made, 0);
    let next = today + Duration::days(40);
    assert_eq!(
        infohus::store::audit::make_partitions(&app.db, next, next)
            .await
            .expect("the next month"),
        1
    );
    assert_eq!(app.audit_count("login").await, 1);
}

#[tokio::test]
async fn no_month_of_the_trail_can_be_changed_emptied_or_cut_off_by_the_app_or_the_owner() {
    let app = TestApp::with_demo_users().await;
    app.signed_in(STAFF).await;
    let before = app.audit_count("login").await;
    for sql in [
        "update audit_events_y2026m11 set action = 'nothing'",
        "delete from audit_events_y2026m11",
        "truncate audit_events_y2026m11",
        "truncate audit_events_default",
        "insert into audit_events_default (occurred_at, action) values (now(), 'login')",
        "alter table audit_events detach partition audit_events_y2026m11",
        "drop table audit_events_y2026m11",
        "create table audit_events_y2099m01 partition of audit_events
             for values from ('2099-01-01') to ('2099-02-01')",
        // What the lists showed is written by the trail's own trigger, and only read.
        "insert into audit_shown values (gen_random_uuid(), now(), 1)",
        "update audit_shown set audit_id = 0",
        "delete from audit_shown",
        "truncate audit_shown",
    ] {
        let mut conn = app.db.acquire().await.expect("connection");
        let result = sqlx::query(sql).execute(&mut *conn).await;
        assert!(result.is_err(), "the runtime role could run: {sql}");
    }
    // The owner is stopped by the same triggers, on a month as on the whole.
    let mut owner = app.as_owner().await;
    for sql in [
        "update audit_events_y2026m11 set action = 'nothing'",
        "delete from audit_events_y2026m11",
        "truncate audit_events_y2026m11",
        "truncate audit_events_default",
    ] {
        let result = sqlx::query(sql).execute(&mut owner).await;
        assert!(result.is_err(), "the owner could run: {sql}");
    }
    owner.close().await.expect("close");
    assert_eq!(app.audit_count("login").await, before);
}
