//! The notification under Barnets lov for a child in the plan: "Nej" needs a reason, "Ja" a
//! date and an authority, and its receipt is the plan coordinator's task until it is confirmed,
//! overdue after six working days.

use axum::http::StatusCode;
use time::Duration;

use crate::support::TestApp;
use crate::support::steps::{count, randers_case_in_follow_up, see_other, version};

#[tokio::test]
async fn a_childs_notification_needs_its_reason_or_its_receipt_confirmed_in_six_working_days() {
    let app = TestApp::with_demo_users().await;
    // The plan was saved with "Ja", sent Thursday 19 November 2026 to Børn og Familie.
    let (id, mut coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let path = format!("/sager/{id}/handleplan");
    let me = app.user_id("core_group@randers.demo").await.to_string();

    // "Nej" without a reason, and "Ja" without a date or an authority, are refused.
    let v = version(&app, id).await;
    let r = core
        .post(
            &path,
            &[
                ("version", &v),
                ("plan_coordinator", &me),
                ("goals", "Mål"),
                ("notification_made", "nej"),
                ("notification_reason", " "),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("notification_reason-error"));
    let r = core
        .post(
            &path,
            &[
                ("version", &v),
                ("plan_coordinator", &me),
                ("goals", "Mål"),
                ("notification_made", "ja"),
                ("notification_date", ""),
                ("notification_authority", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Skriv datoen, underretningen blev sendt."));
    assert!(r.body.contains("notification_authority-error"));

    // The receipt is the plan coordinator's task, due six working days after sending.
    let home = core.get("/opgaver").await;
    let task = home
        .texts("li, tr")
        .into_iter()
        .find(|t| {
            t.contains("Bekræft, at underretningen til Børn og Familie, Myndighed er modtaget")
        })
        .expect("the receipt task");
    assert!(task.contains("27.11.2026"), "{task}");
    assert!(!home.body.contains("badge--overdue") || !task.contains("overskredet"));
    let case = coordinator.get(&format!("/sager/{id}")).await;
    assert!(
        case.body
            .contains("modtagelsen er ikke bekræftet endnu (frist 27.11.2026)")
    );

    // A week later it is overdue.
    app.clock.advance(Duration::days(8));
    let mut core = app.signed_in("core_group@randers.demo").await;
    let case = core.get(&format!("/sager/{id}")).await;
    assert!(case.body.contains("Frist overskredet"));
    let due: Option<time::Date> =
        sqlx::query_scalar("select notification_receipt_due from action_plans where case_id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("due");
    assert!(due.is_some_and(|d| d < infohus::domain::calendar::today_copenhagen(app.clock.now())));

    // Confirmed: the task is gone, the history and the audit trail say so.
    let v = version(&app, id).await;
    see_other(
        &core
            .post(
                &format!("/sager/{id}/underretning-modtaget"),
                &[("version", &v)],
            )
            .await,
    );
    assert!(
        !core
            .get("/opgaver")
            .await
            .body
            .contains("Bekræft, at underretningen")
    );
    let case = core.get(&format!("/sager/{id}")).await;
    assert!(case.body.contains("modtagelsen er bekræftet"));
    assert_eq!(
        count(
            &app,
            "select count(*) from case_history where case_id = $1 and move = 'notification_receipt_confirmed'",
            id
        )
        .await,
        1
    );
    assert_eq!(app.audit_count("notification_receipt_confirmed").await, 1);
    // A second click on a stale page is a conflict, not a second confirmation.
    let r = core
        .post(
            &format!("/sager/{id}/underretning-modtaget"),
            &[("version", &v)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // "Nej" with a reason is kept and shown.
    let v = version(&app, id).await;
    see_other(
        &core
            .post(
                &path,
                &[
                    ("version", &v),
                    ("plan_coordinator", &me),
                    ("goals", "Mål"),
                    ("notification_made", "nej"),
                    (
                        "notification_reason",
                        "Forældrene har selv henvendt sig til kommunen.",
                    ),
                ],
            )
            .await,
    );
    let case = core.get(&format!("/sager/{id}")).await;
    assert!(case.body.contains(
        "Nej, der er ikke foretaget underretning: Forældrene har selv henvendt sig til kommunen."
    ));
}
