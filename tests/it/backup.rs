//! The README's backup and restore, done as it says: pg_dump in the custom format, pg_restore
//! into an empty database, and the app starts on the copy and shows the same cases.

use std::process::Command;

use axum::http::StatusCode;
use infohus::AppState;
use infohus::embedded_pg::PgBinaries;

use crate::support::{DEMO_PASSWORD, TestApp, empty_database};

/// libpq does not know sqlx's socket spelling (`host=/dir` with a dummy host before it); hand it
/// the parts instead.
fn libpq_args(url: &str) -> Vec<String> {
    let (before_query, query) = url.split_once('?').unwrap_or((url, ""));
    let database = before_query.rsplit('/').next().unwrap_or("postgres");
    let mut args = vec![
        format!("--dbname={database}"),
        "--username=postgres".to_owned(),
    ];
    for pair in query.split('&') {
        if let Some(host) = pair.strip_prefix("host=") {
            let host: String = form_urlencoded::parse(format!("h={host}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            args.push(format!("--host={host}"));
        }
    }
    if !query.contains("host=") {
        // A server behind DATABASE_URL: libpq reads the URL itself.
        return vec![format!("--dbname={url}")];
    }
    args
}

#[tokio::test]
async fn a_backup_restored_into_an_empty_database_serves_the_same_cases() {
    let app = TestApp::new().await;
    infohus::seed::demo(&app.state)
        .await
        .expect("demo")
        .expect("an empty database");
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let before = coordinator.get("/sager").await;
    assert_eq!(before.status, StatusCode::OK);
    let cases_before = before.texts("tbody tr");
    assert!(cases_before.len() > 10, "the demo has cases");

    let binaries = PgBinaries::locate().expect("PostgreSQL");
    let pg_dump = binaries.program("pg_dump").expect("pg_dump");
    let pg_restore = binaries.program("pg_restore").expect("pg_restore");
    let dir = tempfile::tempdir().expect("temp dir");
    let dump = dir.path().join("infohus.dump");
    let status = Command::new(&pg_dump)
        .arg("--format=custom")
        .arg(format!("--file={}", dump.display()))
        .args(libpq_args(&app.database_url))
        .status()
        .expect("pg_dump runs");
    assert!(status.success(), "pg_dump: {status}");

    let (restored, restored_url) = empty_database().await;
    let status = Command::new(&pg_restore)
        .arg("--no-owner")
        .arg("--exit-on-error")
        .args(libpq_args(&restored_url))
        .arg(&dump)
        .status()
        .expect("pg_restore runs");
    assert!(status.success(), "pg_restore: {status}");

    // The app starts on the copy (its migrations are already applied) and shows the same list.
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
    let settings = crate::support::test_settings(&dir);
    let profiles = settings.load_profiles(&dir).expect("profiles");
    let state = AppState::prepare(restored, settings, &profiles, app.clock.clone())
        .await
        .expect("the app starts on the restored database");
    let copy = TestApp::around(state, restored_url);
    let mut coordinator = copy.client();
    let r = coordinator
        .login("coordinator@randers.demo", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = coordinator.get("/sager").await;
    assert_eq!(after.texts("tbody tr"), cases_before);
}
