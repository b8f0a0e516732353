//! The minutes: a coded decision, actions that reach their owner's tasks and the case's
//! timeline, the version check, and what is refused.

use axum::http::StatusCode;
use time::Duration;
use uuid::Uuid;

use super::{add_case, meeting_version, plan_meeting};
use crate::support::TestApp;
use crate::support::steps::{open_case, randers_case_in_follow_up, see_other};

#[tokio::test]
async fn an_action_reaches_its_owner_turns_overdue_is_done_and_stays_on_the_case_timeline() {
    let app = TestApp::with_demo_users().await;
    let (case, mut coordinator, mut core) = randers_case_in_follow_up(&app, "01.12.2026").await;
    let meeting = plan_meeting(&mut coordinator, "ordinary", "24.11.2026", "14.00").await;
    let item = add_case(&app, &mut coordinator, meeting, case).await;
    let minutes = format!("/moeder/{meeting}/punkter/{item}");
    let page = coordinator.get(&minutes).await;
    assert_eq!(page.status, StatusCode::OK);
    let version = page.field_value("version").expect("version");
    let r = coordinator
        .post(
            &minutes,
            &[
                ("version", &version),
                ("summary", "Skolen ser fremgang; mentor fortsætter."),
                ("decision", "act"),
                ("referred_to", ""),
            ],
        )
        .await;
    see_other(&r);
    let owner = app.user_id("core_group@randers.demo").await.to_string();
    let r = coordinator
        .post(
            &format!("{minutes}/opgaver"),
            &[
                ("description", "Tal med skolen om fravær"),
                ("owner", &owner),
                ("due_date", "01.12.2026"),
            ],
        )
        .await;
    see_other(&r);

    // On the owner's home page, not overdue yet.
    let home = core.get("/").await;
    assert!(
        home.body
            .contains("Opgave fra mødet: Tal med skolen om fravær"),
        "{}",
        home.body
    );
    assert!(!home.body.contains("Overskredet"));
    // After the due date it is flagged (a new day, a new login).
    app.clock.advance(Duration::days(12));
    let mut core = app.signed_in("core_group@randers.demo").await;
    let tasks = core.get("/opgaver?art=moeder").await;
    assert!(tasks.body.contains("Tal med skolen om fravær"));
    assert!(tasks.body.contains("Overskredet"));
    // On the case's timeline, with the decision, and a link to the meeting.
    let case_page = core.get(&format!("/sager/{case}")).await;
    assert!(case_page.body.contains("Drøftet på Infohus-mødet"));
    assert!(case_page.body.contains("Opgave fra Infohus-mødet"));
    assert!(case_page.body.contains(&format!("/moeder/{meeting}")));

    // The owner marks it done: it leaves the tasks and the timeline says so.
    let action: Uuid = sqlx::query_scalar("select id from meeting_actions where item_id = $1")
        .bind(item)
        .fetch_one(&app.db)
        .await
        .expect("action");
    // Someone else cannot: a police user of the district may see the meeting, not finish it.
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let r = police
        .post(
            &format!("/moeder/opgaver/{action}/udfoert"),
            &[("next", "/")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = core
        .post(
            &format!("/moeder/opgaver/{action}/udfoert"),
            &[("next", "/opgaver")],
        )
        .await;
    see_other(&r);
    assert_eq!(r.location(), Some("/opgaver"));
    let tasks = core.get("/opgaver").await;
    assert!(!tasks.body.contains("Tal med skolen om fravær"));
    let case_page = core.get(&format!("/sager/{case}")).await;
    assert!(case_page.body.contains("Opgave fra Infohus-mødet løst"));
    // The meeting's look at the case counts in the case's access log.
    let logged: i64 = sqlx::query_scalar(
        "select count(*) from audit_events where action like 'meeting_%' and $1 = any (shown_ids)",
    )
    .bind(case)
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert!(logged >= 3, "{logged}");
}

#[tokio::test]
async fn two_people_writing_the_same_minutes_do_not_overwrite_each_other() {
    let app = TestApp::with_demo_users().await;
    let mut first = app.signed_in("coordinator@randers.demo").await;
    let mut second = app.signed_in("coordinator@randers.demo").await;
    let case = open_case(&app, "randers", "Frida Fælles", true).await;
    let meeting = plan_meeting(&mut first, "ad_hoc", "24.11.2026", "09.00").await;
    let item = add_case(&app, &mut first, meeting, case).await;
    let minutes = format!("/moeder/{meeting}/punkter/{item}");
    let version = first.get(&minutes).await.field_value("version").expect("v");
    second.get(&minutes).await;
    let fields = |summary: &'static str| {
        [
            ("version", version.clone()),
            ("summary", summary.to_owned()),
            ("decision", "more_information".to_owned()),
            ("referred_to", String::new()),
        ]
    };
    let a = fields("Første referent");
    let refs: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
    see_other(&first.post(&minutes, &refs).await);
    let b = fields("Anden referent");
    let refs: Vec<(&str, &str)> = b.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = second.post(&minutes, &refs).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.field_value("summary").as_deref(), Some("Anden referent"));
    let kept: String = sqlx::query_scalar("select summary from meeting_items where id = $1")
        .bind(item)
        .fetch_one(&app.db)
        .await
        .expect("summary");
    assert_eq!(kept, "Første referent");
}

#[tokio::test]
async fn bad_input_gets_a_danish_message_or_404_and_stores_nothing() {
    let app = TestApp::with_demo_users().await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let case = open_case(&app, "randers", "Gustav Grænse", true).await;
    let other_case = open_case(&app, "randers", "Hanne Anden", true).await;
    let ballerup_case = open_case(&app, "ballerup", "Ida Ballerup", true).await;
    let meeting = plan_meeting(&mut coordinator, "ordinary", "24.11.2026", "14.00").await;
    let item = add_case(&app, &mut coordinator, meeting, case).await;
    let other_item = add_case(&app, &mut coordinator, meeting, other_case).await;
    let before: i64 = sqlx::query_scalar(
        "select (select count(*) from meeting_items) + (select count(*) from meeting_actions)
              + (select count(*) from meeting_guests) + (select count(*) from meetings)",
    )
    .fetch_one(&app.db)
    .await
    .expect("count");

    // Unknown and malformed ids.
    for path in [
        format!("/moeder/{}", Uuid::new_v4()),
        "/moeder/ikke-et-id".to_owned(),
        format!("/moeder/{meeting}/punkter/{}", Uuid::new_v4()),
        format!("/moeder/{meeting}/punkter/%00"),
    ] {
        assert_eq!(
            coordinator.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // A case of another municipality: as if it did not exist.
    let v = meeting_version(&app, meeting).await;
    let r = coordinator
        .post(
            &format!("/moeder/{meeting}/punkter"),
            &[("version", &v), ("case_id", &ballerup_case.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A guest attached to another case's item: the form offers the items, not this mix; the
    // database refuses it too.
    let r = coordinator
        .post(
            &format!("/moeder/{meeting}/gaester/ny"),
            &[
                ("version", &v),
                ("item", &Uuid::new_v4().to_string()),
                ("name", "Jens Fremmed"),
                ("organisation", "Psykiatrien"),
                ("function", "Sygeplejerske"),
                ("confidentiality", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Vælg den sag på dagsordenen"));
    assert!(r.body.contains("orienteret om sin tavshedspligt"));
    assert_eq!(r.field_value("name").as_deref(), Some("Jens Fremmed"));
    let crossed = sqlx::query(
        "insert into meeting_guests (id, meeting_id, item_id, case_id, name, organisation,
                                     function, confidentiality_told_by, confidentiality_told_at)
         select $1, $2, $3, $4, 'X', 'Y', 'Z', created_by, now() from meetings where id = $2",
    )
    .bind(Uuid::new_v4())
    .bind(meeting)
    .bind(other_item)
    .bind(case)
    .execute(&app.db)
    .await;
    assert!(
        crossed.is_err(),
        "a guest of one case on another case's item"
    );

    // An action owner from another municipality, a due date before the meeting, overlong text.
    let minutes = format!("/moeder/{meeting}/punkter/{item}");
    let stranger = app.user_id("core_group@ballerup.demo").await.to_string();
    let long = "x".repeat(501);
    let r = coordinator
        .post(
            &format!("{minutes}/opgaver"),
            &[
                ("description", &long),
                ("owner", &stranger),
                ("due_date", "23.11.2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("højst 500 tegn"));
    assert!(r.body.contains("Vælg den ansvarlige på listen"));
    assert!(r.body.contains("Fristen kan ikke ligge før mødet"));
    // A referral without the authority; a decision that does not exist.
    let version = coordinator
        .get(&minutes)
        .await
        .field_value("version")
        .expect("v");
    for (decision, message) in [
        ("refer", "Feltet skal udfyldes"),
        ("move_case", "Vælg en af beslutningerne"),
    ] {
        let r = coordinator
            .post(
                &minutes,
                &[
                    ("version", &version),
                    ("summary", "Drøftet"),
                    ("decision", decision),
                    ("referred_to", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{decision}");
        assert!(r.body.contains(message), "{decision}");
    }
    // Hostile bytes in a form: a message, never a 500.
    let r = coordinator
        .post_raw(
            &format!("/moeder/{meeting}/punkter/nyt"),
            format!("version={v}&title=%00%FF&reference="),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let after: i64 = sqlx::query_scalar(
        "select (select count(*) from meeting_items) + (select count(*) from meeting_actions)
              + (select count(*) from meeting_guests) + (select count(*) from meetings)",
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(before, after, "nothing stored");
}

#[tokio::test]
async fn the_network_meeting_holds_no_case_not_even_in_the_database() {
    let app = TestApp::with_demo_users().await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let case = open_case(&app, "randers", "Karl Netværk", true).await;
    let meeting = plan_meeting(&mut police, "network", "26.11.2026", "10.00").await;
    let page = police.get(&format!("/moeder/{meeting}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Infohus Østjylland"));
    assert!(page.body.contains("Kredsens tal for"));
    // The form refuses a case on the network.
    let v = meeting_version(&app, meeting).await;
    let r = police
        .post(
            &format!("/moeder/{meeting}/punkter/nyt"),
            &[
                ("version", &v),
                ("title", ""),
                ("reference", "RAN-2026-0001"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("kun generelle punkter"));
    // And the database refuses it however it is written.
    for kind in ["network", "ordinary"] {
        let refused = sqlx::query(
            "insert into meeting_items (id, meeting_id, meeting_kind, position, case_id)
             values ($1, $2, $3, 1, $4)",
        )
        .bind(Uuid::new_v4())
        .bind(meeting)
        .bind(kind)
        .bind(case)
        .execute(&app.db)
        .await;
        let err = refused.expect_err("a case on the network meeting");
        let constraint = err
            .as_database_error()
            .and_then(|e| e.constraint())
            .unwrap_or_default()
            .to_owned();
        assert!(
            [
                "meeting_items_network_has_no_case",
                "meeting_items_meeting_fkey"
            ]
            .contains(&constraint.as_str()),
            "{constraint}"
        );
    }
    // The district's coordinators see it; the core group does not.
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(
        coordinator.get(&format!("/moeder/{meeting}")).await.status,
        StatusCode::OK
    );
    let mut core = app.signed_in("core_group@randers.demo").await;
    assert_eq!(
        core.get(&format!("/moeder/{meeting}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut far = app.signed_in("coordinator@ballerup.demo").await;
    assert_eq!(
        far.get(&format!("/moeder/{meeting}")).await.status,
        StatusCode::NOT_FOUND
    );
}
