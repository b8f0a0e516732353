//! The CSV matches the page, its cells are neutralised, and every view and download is audited.

use axum::http::StatusCode;
use infohus::domain::stats::csv_field;

use super::fixture::*;
use crate::support::TestApp;

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
