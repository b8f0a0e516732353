//! The quarter chooser and the demo history as each role sees them.

use axum::http::StatusCode;
use infohus::seed::history;

use super::fixture::*;
use crate::support::TestApp;

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
