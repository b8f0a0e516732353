//! The police's screening queue pages like every list: fifty cases at a time, the
//! longest-waiting first, each case once even when cases arrive between pages.

use axum::http::StatusCode;
use time::Duration;

use crate::support::TestApp;
use crate::support::steps::*;

#[tokio::test]
async fn the_screening_queue_pages_the_longest_waiting_first_each_case_once() {
    let app = TestApp::with_demo_users().await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    for n in 0..55 {
        let id = open_case(&app, "randers", &format!("Skærm Testperson {n:02}"), true).await;
        send_to_screening(&app, &mut coordinator, id).await;
        app.clock.advance(Duration::minutes(10));
    }
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let scraper_next = scraper::Selector::parse("nav.pager a").expect("css");
    let mut seen: Vec<String> = Vec::new();
    let mut pages = Vec::new();
    let mut path = "/politi/screening".to_owned();
    loop {
        let page = police.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let rows = page.texts("tbody tr td:first-of-type");
        pages.push(rows.len());
        seen.extend(rows);
        // A case sent meanwhile has waited least of all: it comes after every case shown, at
        // the end of the queue, and pushes none of them onto the next page again.
        let late = open_case(&app, "randers", "Sen Testperson", true).await;
        send_to_screening(&app, &mut coordinator, late).await;
        let next = page
            .html()
            .select(&scraper_next)
            .find(|a| a.text().collect::<String>() == "Næste side")
            .and_then(|a| a.value().attr("href").map(str::to_owned));
        match next {
            Some(href) => path = href,
            None => break,
        }
    }
    assert_eq!(
        pages,
        vec![50, 6],
        "fifty to a page, the late one at the end"
    );
    let ours: Vec<&String> = seen
        .iter()
        .filter(|s| s.contains("Skærm Testperson"))
        .collect();
    let expected: Vec<String> = (0..55)
        .map(|n| format!("Skærm Testperson {n:02}"))
        .collect();
    assert_eq!(ours.len(), 55, "each case once: {seen:?}");
    for (shown, name) in ours.iter().zip(&expected) {
        assert!(
            shown.contains(name),
            "the longest-waiting first: {shown} for {name}"
        );
    }
    assert!(
        seen.last().is_some_and(|s| s.contains("Sen Testperson")),
        "the case sent after the first page is last: {seen:?}"
    );
    let first = police.get("/politi/screening").await;
    assert!(
        first.body.contains("en side med 50"),
        "the caption says it is a page"
    );
}
