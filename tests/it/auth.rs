//! Login, throttling, sessions, timeouts, logout and CSRF.

use axum::http::StatusCode;
use time::Duration;

use crate::support::{DEMO_PASSWORD, TestApp};

const STAFF: &str = "staff@randers.demo";

async fn session_row_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from auth_sessions where revoked_at is null")
        .fetch_one(&app.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn login_succeeds_with_the_right_password_and_rotates_the_session_id() {
    let app = TestApp::with_demo_users().await;
    let mut client = app.client();
    client.get("/login").await;
    let before = client
        .cookie
        .clone()
        .expect("an anonymous session for the form's CSRF token");
    let response = client
        .post(
            "/login",
            &[("email", STAFF), ("password", DEMO_PASSWORD), ("next", "/")],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/"));
    let after = client.cookie.clone().expect("session cookie");
    assert_ne!(before, after, "the session id changes at login");

    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Sofie Lund"));

    // The pre-login cookie is anonymous afterwards.
    let mut old = app.client();
    old.cookie = Some(before);
    let response = old.get("/").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert!(
        response
            .location()
            .unwrap_or_default()
            .starts_with("/login")
    );
    assert_eq!(app.audit_count("login").await, 1);
}

#[tokio::test]
async fn a_wrong_password_an_unknown_email_and_a_disabled_user_fail_identically() {
    let app = TestApp::with_demo_users().await;
    let id = app.user_id("leader@randers.demo").await;
    let mut conn = app.db.acquire().await.expect("conn");
    infohus::store::users::set_active(&mut conn, id, false, app.clock.now())
        .await
        .expect("disable");
    drop(conn);

    let mut bodies = Vec::new();
    for (email, password) in [
        (STAFF, "not the password at all"),
        ("nobody@randers.demo", DEMO_PASSWORD),
        ("leader@randers.demo", DEMO_PASSWORD),
    ] {
        let mut client = app.client();
        let response = client.login(email, password).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert!(
            client.get("/").await.status == StatusCode::SEE_OTHER,
            "{email} is not signed in"
        );
        let message = response.texts(".error-summary p");
        bodies.push(message);
    }
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[1], bodies[2]);
    assert_eq!(app.audit_count("login_failed").await, 3);
    assert_eq!(app.audit_count("login").await, 0);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_until_the_lock_ends_by_itself() {
    let app = TestApp::with_demo_users().await;
    let lock_after = app.state.settings.login.lock_after_failures;
    for _ in 0..lock_after {
        let mut client = app.client();
        client.login(STAFF, "wrong password, again").await;
        // Wait out the growing delay between attempts (at most a few minutes), so that every
        // attempt counts.
        app.clock.advance(Duration::minutes(5));
    }
    assert_eq!(app.audit_count("login_locked").await, 1);

    app.clock.advance(Duration::minutes(1));
    let mut client = app.client();
    let response = client.login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the right password during the lock still fails"
    );

    app.clock
        .advance(Duration::minutes(app.state.settings.login.lock_minutes) + Duration::seconds(1));
    let response = app.client().login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "the lock has ended");
}

#[tokio::test]
async fn after_a_lock_ends_one_wrong_attempt_does_not_lock_again_but_ten_in_the_window_do() {
    let app = TestApp::with_demo_users().await;
    let settings = &app.state.settings.login;
    let lock_after = settings.lock_after_failures;
    let lock_minutes = settings.lock_minutes;
    for _ in 0..lock_after {
        app.client().login(STAFF, "wrong password, again").await;
        app.clock.advance(Duration::minutes(5));
    }
    assert_eq!(app.audit_count("login_locked").await, 1);
    app.clock.advance(Duration::minutes(lock_minutes));

    // The lock has ended. One wrong attempt every lock period, as a nuisance would try it,
    // locks nothing: the right password still works.
    for _ in 0..4 {
        app.client().login(STAFF, "wrong password, again").await;
        app.clock
            .advance(Duration::minutes(lock_minutes) + Duration::seconds(1));
    }
    assert_eq!(app.audit_count("login_locked").await, 1);
    let response = app.client().login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "not locked again");

    // Ten within the window, waiting out only the growing delay, lock again.
    for _ in 0..lock_after {
        app.client().login(STAFF, "wrong password, again").await;
        app.clock
            .advance(Duration::minutes(4) + Duration::seconds(30));
    }
    assert_eq!(app.audit_count("login_locked").await, 2);
    let response = app.client().login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "locked");
}

#[tokio::test]
async fn after_logout_the_old_cookie_no_longer_works() {
    let app = TestApp::with_demo_users().await;
    let mut client = app.signed_in(STAFF).await;
    let cookie = client.cookie.clone();
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    let response = client.post("/logout", &[]).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/login?logget_ud=1"));

    let mut replay = app.client();
    replay.cookie = cookie;
    let response = replay.get("/").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(session_row_count(&app).await, 0);
    assert_eq!(app.audit_count("logout").await, 1);
}

#[tokio::test]
async fn a_request_in_flight_at_logout_does_not_revive_the_session() {
    let app = TestApp::with_demo_users().await;
    let mut client = app.signed_in(STAFF).await;
    let cookie = client.cookie.clone();
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    // What a slow request holds: the stored session as it was before the logout.
    let (id, data, expiry): (String, Vec<u8>, time::OffsetDateTime) =
        sqlx::query_as("select id, data, expiry_date from tower_sessions.session")
            .fetch_one(&app.db)
            .await
            .expect("stored session");

    client.post("/logout", &[]).await;

    // The slow request finishes after the logout and writes its copy back (tower-sessions
    // saves by upsert).
    sqlx::query(
        "insert into tower_sessions.session (id, data, expiry_date) values ($1, $2, $3)
         on conflict (id) do update set data = excluded.data, expiry_date = excluded.expiry_date",
    )
    .bind(&id)
    .bind(&data)
    .bind(expiry)
    .execute(&app.db)
    .await
    .expect("write back");

    let mut replay = app.client();
    replay.cookie = cookie;
    let response = replay.get("/").await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "the revived row is still logged out"
    );
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::with_demo_users().await;
    let idle = app.state.settings.session.idle_minutes;
    let mut client = app.signed_in(STAFF).await;
    app.clock.advance(Duration::minutes(idle - 1));
    assert_eq!(
        client.get("/").await.status,
        StatusCode::OK,
        "activity keeps it alive"
    );
    app.clock.advance(Duration::minutes(idle - 1));
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    app.clock.advance(Duration::minutes(idle + 1));
    assert_eq!(
        client.get("/").await.status,
        StatusCode::SEE_OTHER,
        "idle too long"
    );
}

/// The newest session's last-seen time and its row version (`xmin`, which an UPDATE changes).
async fn last_seen(app: &TestApp) -> (time::OffsetDateTime, String) {
    sqlx::query_as(
        "select last_seen_at, xmin::text from auth_sessions order by created_at desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("a session")
}

#[tokio::test]
async fn a_page_read_within_a_minute_of_the_last_writes_nothing_to_the_session() {
    let app = TestApp::with_demo_users().await;
    let mut client = app.signed_in(STAFF).await;
    let signed_in = last_seen(&app).await;
    app.clock.advance(Duration::seconds(40));
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    assert_eq!(
        last_seen(&app).await,
        signed_in,
        "no write within the minute"
    );
    app.clock.advance(Duration::seconds(40));
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    let moved = last_seen(&app).await;
    assert_eq!(moved.0, app.clock.now(), "written once it is a minute old");
    assert_ne!(moved.1, signed_in.1);
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_even_when_active() {
    let app = TestApp::with_demo_users().await;
    let absolute = app.state.settings.session.absolute_hours;
    let mut client = app.signed_in(STAFF).await;
    let step = Duration::minutes(20);
    let mut elapsed = Duration::ZERO;
    while elapsed + step < Duration::hours(absolute) {
        app.clock.advance(step);
        elapsed += step;
        assert_eq!(
            client.get("/").await.status,
            StatusCode::OK,
            "after {elapsed}"
        );
    }
    app.clock.advance(step);
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_at_the_next_request() {
    let app = TestApp::with_demo_users().await;
    let mut client = app.signed_in(STAFF).await;
    let id = app.user_id(STAFF).await;
    let mut conn = app.db.acquire().await.expect("conn");
    infohus::store::users::set_active(&mut conn, id, false, app.clock.now())
        .await
        .expect("disable");
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_state_changing_request_without_or_with_a_wrong_csrf_token_is_refused() {
    let app = TestApp::with_demo_users().await;
    let mut client = app.signed_in(STAFF).await;

    let missing = client.post_raw("/logout", String::new()).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let wrong = client
        .post_raw("/logout", "csrf_token=forged".to_owned())
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(wrong.body.contains("Ingen adgang"));

    // Nothing changed: still signed in, no logout recorded.
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    assert_eq!(app.audit_count("logout").await, 0);

    // The login form is protected too.
    let mut anonymous = app.client();
    let response = anonymous
        .post_raw("/login", format!("email={STAFF}&password={DEMO_PASSWORD}"))
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count("login").await, 1);
}

#[tokio::test]
async fn the_return_path_after_login_is_local_only() {
    let app = TestApp::with_demo_users().await;
    let mut client = app.client();
    client.get("/login?next=//evil.example/").await;
    let response = client
        .post(
            "/login",
            &[
                ("email", STAFF),
                ("password", DEMO_PASSWORD),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(response.location(), Some("/"));
}

#[tokio::test]
async fn audit_events_cannot_be_changed_or_deleted() {
    let app = TestApp::with_demo_users().await;
    app.signed_in(STAFF).await;
    let mut client = app.client();
    client.login(STAFF, "a wrong password here").await;
    assert_eq!(app.audit_count("login").await, 1);
    assert_eq!(app.audit_count("login_failed").await, 1);

    let update = sqlx::query("update audit_events set action = 'nothing'")
        .execute(&app.db)
        .await;
    assert!(update.is_err(), "UPDATE is refused");
    let delete = sqlx::query("delete from audit_events")
        .execute(&app.db)
        .await;
    assert!(delete.is_err(), "DELETE is refused");
    let truncate = sqlx::query("truncate audit_events").execute(&app.db).await;
    assert!(truncate.is_err(), "TRUNCATE is refused");
    assert_eq!(app.audit_count("login").await, 1);
}

#[tokio::test]
async fn no_log_line_or_audit_row_holds_the_password() {
    let app = TestApp::with_demo_users().await;
    let mut client = app.client();
    client.login(STAFF, "this-is-my-secret-attempt").await;
    let rows: Vec<String> = sqlx::query_scalar(
        "select concat_ws('|', action, object_type, request_id) from audit_events",
    )
    .fetch_all(&app.db)
    .await
    .expect("rows");
    assert!(rows.iter().all(|r| !r.contains("secret")));
}

#[tokio::test]
async fn an_anonymous_visitor_leaves_only_a_short_lived_session_and_signing_in_keeps_it_for_the_browser_session()
 {
    let app = TestApp::with_demo_users().await;
    let stored_for = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let hours: Vec<f64> = sqlx::query_scalar(
                "select extract(epoch from expiry_date - now())::float8 / 3600
                 from tower_sessions.session",
            )
            .fetch_all(&db)
            .await
            .expect("sessions");
            hours
        }
    };
    let mut visitor = app.client();
    visitor.get("/login").await;
    let mut citizen = app.client();
    citizen.get("/k/randers/bekymring?akut=nej").await;
    let hours = stored_for(&app).await;
    assert_eq!(hours.len(), 2, "{hours:?}");
    assert!(
        hours.iter().all(|h| *h <= 2.01),
        "anonymous sessions are kept at most two hours: {hours:?}"
    );

    let r = visitor.login(STAFF, DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !r.header("set-cookie").unwrap_or("").contains("Max-Age"),
        "a signed-in session's cookie ends with the browser"
    );
}

#[tokio::test]
async fn the_role_the_app_serves_as_cannot_rewrite_the_audit_trail_by_any_means() {
    let app = TestApp::with_demo_users().await;
    app.signed_in(STAFF).await;
    let before = app.audit_count("login").await;
    assert!(!infohus::serves_as_owner(&app.db).await.expect("role"));
    for sql in [
        "update audit_events set action = 'nothing'",
        "delete from audit_events",
        "truncate audit_events",
        "alter table audit_events disable trigger audit_events_no_delete",
        "alter table audit_events disable trigger all",
        "alter table audit_events drop column action",
        "drop trigger audit_events_no_update on audit_events",
        "set session_replication_role = replica",
        "create table audit_copy as select * from audit_events",
        "delete from _sqlx_migrations",
    ] {
        let mut conn = app.db.acquire().await.expect("connection");
        let result = sqlx::query(sql).execute(&mut *conn).await;
        assert!(result.is_err(), "the runtime role could run: {sql}");
    }
    // The purge's one deletion cannot be stretched: with its marker set by hand there is still
    // no DELETE, and the purge's own function deletes only the expired log of a deleted case.
    let mut tx = app.db.begin().await.expect("transaction");
    sqlx::query("select set_config('infohus.access_log_purge_now', '2200-01-01', true)")
        .execute(&mut *tx)
        .await
        .expect("a setting anyone may set");
    assert!(
        sqlx::query("delete from audit_events")
            .execute(&mut *tx)
            .await
            .is_err()
    );
    drop(tx);
    let deleted: i64 = sqlx::query_scalar("select infohus_purge_access_log('2200-01-01')")
        .fetch_one(&app.db)
        .await
        .expect("the purge's function");
    assert_eq!(
        deleted, 0,
        "no case is deleted, so no access log is expired"
    );
    assert_eq!(app.audit_count("login").await, before);
    // And the trail still grows as it should.
    app.signed_in(STAFF).await;
    assert_eq!(app.audit_count("login").await, before + 1);
}

#[tokio::test]
async fn a_login_and_a_failed_one_carry_the_request_id_on_their_audit_rows() {
    let app = TestApp::with_demo_users().await;
    app.signed_in(STAFF).await;
    app.client().login(STAFF, "a wrong password here").await;
    let ids: Vec<Option<String>> = sqlx::query_scalar(
        "select request_id from audit_events where action in ('login', 'login_failed')",
    )
    .fetch_all(&app.db)
    .await
    .expect("audit");
    assert_eq!(ids.len(), 2);
    assert!(
        ids.iter()
            .all(|id| id.as_deref().is_some_and(|i| i.len() >= 32)),
        "{ids:?}"
    );
}
