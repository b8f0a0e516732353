//! What a meeting leaves for later: the person's access request holds its minutes and
//! actions (never its guests), and a leaver's open actions move with the rest of their work.

use axum::http::StatusCode;
use uuid::Uuid;

use super::{add_case, meeting_version, plan_meeting};
use crate::support::TestApp;
use crate::support::steps::{randers_case_in_follow_up, see_other};

#[tokio::test]
async fn the_persons_access_request_holds_the_minutes_and_actions_but_not_the_guests() {
    let app = TestApp::with_demo_users().await;
    let (case, mut coordinator, _) = randers_case_in_follow_up(&app, "01.12.2026").await;
    sqlx::query("update cases set subject_cpr = '241210-4321' where id = $1")
        .bind(case)
        .execute(&app.db)
        .await
        .expect("cpr");
    let meeting = plan_meeting(&mut coordinator, "visitation", "24.11.2026", "14.00").await;
    let item = add_case(&app, &mut coordinator, meeting, case).await;
    let minutes = format!("/moeder/{meeting}/punkter/{item}");
    let version = coordinator
        .get(&minutes)
        .await
        .field_value("version")
        .expect("v");
    see_other(
        &coordinator
            .post(
                &minutes,
                &[
                    ("version", &version),
                    (
                        "summary",
                        "Henvist til psykiatrien efter samtale med familien.",
                    ),
                    ("decision", "refer"),
                    ("referred_to", "Børne- og ungdomspsykiatrien"),
                ],
            )
            .await,
    );
    let owner = app.user_id("coordinator@randers.demo").await.to_string();
    see_other(
        &coordinator
            .post(
                &format!("{minutes}/opgaver"),
                &[
                    ("description", "Send henvisningen"),
                    ("owner", &owner),
                    ("due_date", "26.11.2026"),
                ],
            )
            .await,
    );
    let v = meeting_version(&app, meeting).await;
    see_other(
        &coordinator
            .post(
                &format!("/moeder/{meeting}/gaester/ny"),
                &[
                    ("version", &v),
                    ("item", &item.to_string()),
                    ("name", "Mette Gæst"),
                    ("organisation", "Psykiatrien"),
                    ("function", "Overlæge"),
                    ("confidentiality", "ja"),
                ],
            )
            .await,
    );
    let form = coordinator.get("/indsigt").await;
    let reason = form.field_value("withhold_reason").expect("reason");
    let page = coordinator
        .post(
            "/indsigt",
            &[
                ("cpr", "2412104321"),
                ("purpose", "Anmodning om indsigt"),
                ("include_police_note", ""),
                ("withhold_reason", reason.as_str()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "Drøftelser på Infohus-møder",
        "Henvist til psykiatrien",
        "Henvises til anden myndighed: Børne- og ungdomspsykiatrien",
        "Send henvisningen, senest 26.11.2026",
        "Sat på dagsordenen til et Infohus-møde",
    ] {
        assert!(page.body.contains(expected), "{expected} missing");
    }
    assert!(
        !page.body.contains("Mette Gæst"),
        "a guest is a third party"
    );
}

#[tokio::test]
async fn a_leavers_open_actions_move_with_the_rest_of_their_work() {
    let app = TestApp::with_demo_users().await;
    let (case, mut coordinator, _) = randers_case_in_follow_up(&app, "01.12.2026").await;
    let meeting = plan_meeting(&mut coordinator, "ordinary", "24.11.2026", "14.00").await;
    let item = add_case(&app, &mut coordinator, meeting, case).await;
    let leaving = app.user_id("core_group@randers.demo").await.to_string();
    see_other(
        &coordinator
            .post(
                &format!("/moeder/{meeting}/punkter/{item}/opgaver"),
                &[
                    ("description", "Følg op med familien"),
                    ("owner", &leaving),
                    ("due_date", "30.11.2026"),
                ],
            )
            .await,
    );
    let preview = coordinator
        .get(&format!("/overdragelse?fra={leaving}"))
        .await;
    assert!(
        preview.body.contains("1 opgave fra et møde"),
        "{}",
        preview.body
    );
    let to = app.user_id("coordinator@randers.demo").await.to_string();
    see_other(
        &coordinator
            .post(
                "/overdragelse",
                &[("fra", leaving.as_str()), ("til", to.as_str())],
            )
            .await,
    );
    let owner: Uuid =
        sqlx::query_scalar("select owner_user_id from meeting_actions where item_id = $1")
            .bind(item)
            .fetch_one(&app.db)
            .await
            .expect("owner");
    assert_eq!(owner.to_string(), to);
}
