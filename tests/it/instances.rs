//! Two app instances on one database, as the README promises for running behind a load
//! balancer: sessions, rate limits and periodic jobs are shared through PostgreSQL.

use axum::http::StatusCode;
use infohus::jobs::{self, Outcome};

use crate::support::TestApp;

#[tokio::test]
async fn a_logout_on_one_instance_ends_the_session_on_the_other() {
    let app = TestApp::with_demo_users().await;
    let (_, mut other) = app.second_instance().await;
    let mut client = app.signed_in("coordinator@randers.demo").await;
    other.cookie = client.cookie.clone();
    assert_eq!(other.get("/sager").await.status, StatusCode::OK);

    let r = client.post("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = other.get("/sager").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "signed out everywhere");
    assert!(r.location().unwrap_or("").starts_with("/login"));
}

#[tokio::test]
async fn rate_limits_count_the_requests_to_every_instance_together() {
    let app = TestApp::new().await;
    let (_, mut other) = app.second_instance().await;
    let limit = app.state.settings.rate_limits.status_lookups_per_ip;
    let mut here = app.client();
    here.get("/k/randers/status").await;
    other.get("/k/randers/status").await;
    for i in 0..limit {
        let client = if i % 2 == 0 { &mut here } else { &mut other };
        let r = client
            .post("/k/randers/status", &[("code", "ABCD-EFGH-JKMN-PQRS-TUVW")])
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    for client in [&mut here, &mut other] {
        let r = client
            .post("/k/randers/status", &[("code", "ABCD-EFGH-JKMN-PQRS-TUVW")])
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn a_periodic_job_runs_once_however_many_instances_start_it() {
    let app = TestApp::new().await;
    let (other, _) = app.second_instance().await;

    // Both instances start it at the same moment: one runs it, the other finds it busy or
    // already done.
    let (a, b) = tokio::join!(jobs::housekeeping(&app.state), jobs::housekeeping(&other));
    let outcomes = [a.expect("job"), b.expect("job")];
    assert_eq!(
        outcomes.iter().filter(|o| **o == Outcome::Ran).count(),
        1,
        "{outcomes:?}"
    );

    // Within the period neither runs it again; after it, one does.
    assert_eq!(
        jobs::housekeeping(&other).await.expect("job"),
        Outcome::NotDue
    );
    app.clock.advance(jobs::HOUSEKEEPING_EVERY);
    assert_eq!(jobs::housekeeping(&other).await.expect("job"), Outcome::Ran);
    assert_eq!(
        jobs::housekeeping(&app.state).await.expect("job"),
        Outcome::NotDue
    );

    // While one instance holds the job's lock, the other is told it is busy.
    app.clock.advance(jobs::HOUSEKEEPING_EVERY);
    let mut holder = app.db.begin().await.expect("tx");
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(jobs::lock_key(jobs::HOUSEKEEPING))
        .execute(&mut *holder)
        .await
        .expect("lock");
    assert_eq!(
        jobs::housekeeping(&other).await.expect("job"),
        Outcome::Busy
    );
    holder.rollback().await.expect("release");
    assert_eq!(jobs::housekeeping(&other).await.expect("job"), Outcome::Ran);
}
