//! Every page costs a fixed number of statements, whatever the history holds: each page is
//! counted on a small database and again after much more history has been added, and must cost
//! the same; each also has a budget, so that a page that grows a query fails here.
//!
//! The counts include the session's own statements (loading the stored session, checking the
//! sign-in) and the page's audit row.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::support::TestApp;
use crate::support::queries::QueryCounter;
use crate::support::steps::{close_with_evaluation, open_case, randers_case_in_follow_up};

/// Statements per page as measured on 2026-12-04, two of them the session's (loading the stored
/// session, checking the sign-in); lower them, never raise them. A page that only reads never
/// writes the stored session back (`layout::take_notice`). Issue 16 aims at a page's reads in
/// at most three statements besides the session and the audit row: the home page reads three
/// (its tasks, the concerns waiting, the next meeting), the case page two.
const BUDGET: &[(&str, usize)] = &[
    ("/", 5),
    ("/opgaver", 4),
    ("/sager", 4),
    // Its reads: the case, then its whole file in one statement (`store::case_file`); the
    // rest is the session's and the audit row.
    ("/sager/{case}", 5),
    ("/sager/{case}/adgangslog", 5),
    ("/infohus/indgang", 4),
    ("/sletning", 4),
    ("/konto", 4),
];

async fn costs(app: &TestApp, case: Uuid) -> BTreeMap<&'static str, usize> {
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let counter = QueryCounter::start();
    let mut out = BTreeMap::new();
    for &(page, _) in BUDGET {
        let path = page.replace("{case}", &case.to_string());
        // Once to settle the session, then counted.
        coordinator.get(&path).await;
        counter.take();
        let r = coordinator.get(&path).await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{path}");
        out.insert(page, counter.take());
    }
    out
}

#[tokio::test]
async fn each_page_costs_the_same_few_statements_however_much_history_there_is() {
    let app = TestApp::with_demo_users().await;
    let (case, _, _) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let small = costs(&app, case).await;

    // Much more history: cases in every stage, closed ones, looks at the case, tasks.
    for n in 0..12 {
        let id = open_case(&app, "randers", &format!("Historik Person {n}"), n % 2 == 0).await;
        if n % 3 == 0 {
            close_with_evaluation(&app, id).await;
        }
    }
    randers_case_in_follow_up(&app, "21.02.2027").await;
    let large = costs(&app, case).await;

    assert_eq!(small, large, "a page's cost grew with the data");
    for &(page, budget) in BUDGET {
        let cost = large[page];
        assert!(
            cost <= budget,
            "{page} sends {cost} statements; its budget is {budget}: {large:?}"
        );
    }
}
