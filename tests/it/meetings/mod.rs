//! Infohus meetings: the agenda's suggestions, who sees which item, the ad hoc participant's
//! printout, the minutes' actions in "Mine opgaver", and what the database itself refuses.

mod minutes;
mod plan;
mod records;

use axum::http::StatusCode;
use infohus::domain::calendar::today_copenhagen;
use infohus::domain::ids::{MeetingId, MunicipalityId};
use infohus::store::meetings::suggestions::{self, Reason};
use time::Duration;
use time::macros::date;
use uuid::Uuid;

use crate::support::steps::{open_case, randers_case_in_follow_up, see_other};
use crate::support::{Client, TestApp};

/// Plans a meeting over HTTP and returns its id.
pub(crate) async fn plan_meeting(c: &mut Client, kind: &str, date: &str, time: &str) -> Uuid {
    let chair = c.get("/moeder/nyt").await;
    assert_eq!(chair.status, StatusCode::OK, "{}", chair.body);
    let chair_id = chair
        .html()
        .select(&scraper::Selector::parse("#chair option[selected]").expect("selector"))
        .next()
        .and_then(|o| o.value().attr("value").map(str::to_owned))
        .expect("the planner is offered as chair");
    let r = c
        .post(
            "/moeder/nyt",
            &[
                ("kind", kind),
                ("date", date),
                ("time", time),
                ("place", "Rådhuset, mødelokale 2"),
                ("chair", &chair_id),
                ("other_participants", ""),
            ],
        )
        .await;
    see_other(&r);
    let location = r.location().expect("location").to_owned();
    Uuid::parse_str(location.trim_start_matches("/moeder/")).expect("meeting id")
}

pub(crate) async fn meeting_version(app: &TestApp, id: Uuid) -> String {
    let v: i32 = sqlx::query_scalar("select version from meetings where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("version");
    v.to_string()
}

/// Puts a case on the agenda as the coordinator does from the suggestions, and returns the
/// item's id.
pub(crate) async fn add_case(app: &TestApp, c: &mut Client, meeting: Uuid, case: Uuid) -> Uuid {
    let v = meeting_version(app, meeting).await;
    let r = c
        .post(
            &format!("/moeder/{meeting}/punkter"),
            &[("version", &v), ("case_id", &case.to_string())],
        )
        .await;
    see_other(&r);
    sqlx::query_scalar("select id from meeting_items where meeting_id = $1 and case_id = $2")
        .bind(meeting)
        .bind(case)
        .fetch_one(&app.db)
        .await
        .expect("the case is on the agenda")
}

async fn set_stage(app: &TestApp, case: Uuid, stage: &str) {
    sqlx::query("update cases set stage = $2 where id = $1")
        .bind(case)
        .bind(stage)
        .execute(&app.db)
        .await
        .expect("stage");
}

#[tokio::test]
async fn the_agenda_suggests_exactly_the_cases_that_wait_for_the_meeting() {
    let app = TestApp::with_demo_users().await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    // Filed before the previous meeting: none of these is "new since the last meeting".
    let awaiting = open_case(&app, "randers", "Anna Triage", true).await;
    set_stage(&app, awaiting, "triage").await;
    let (review_due, ..) = randers_case_in_follow_up(&app, "01.12.2026").await;
    let (overdue, ..) = randers_case_in_follow_up(&app, "01.12.2026").await;
    sqlx::query("update interventions set next_review_date = '2026-11-19' where case_id = $1")
        .bind(overdue)
        .execute(&app.db)
        .await
        .expect("overdue");
    let quiet = open_case(&app, "randers", "Bo Stille", false).await;
    let elsewhere = open_case(&app, "ballerup", "Carl Anden Kommune", true).await;
    set_stage(&app, elsewhere, "triage").await;
    // The previous meeting, minutes after those concerns; then a new one arrives.
    plan_meeting(&mut coordinator, "ordinary", "20.11.2026", "11.05").await;
    app.clock.advance(Duration::minutes(10));
    let new_concern = open_case(&app, "randers", "Dina Ny", true).await;
    let meeting = plan_meeting(&mut coordinator, "ordinary", "10.12.2026", "14.00").await;

    let randers: MunicipalityId = app.municipality_id("randers").await;
    let starts: time::OffsetDateTime =
        sqlx::query_scalar("select starts_at from meetings where id = $1")
            .bind(meeting)
            .fetch_one(&app.db)
            .await
            .expect("starts");
    let found = suggestions::for_meeting(
        &app.db,
        MeetingId(meeting),
        randers,
        starts,
        date!(2026 - 12 - 10),
        today_copenhagen(app.clock.now()),
    )
    .await
    .expect("suggestions");
    let mut got: Vec<(Uuid, Vec<Reason>)> = found
        .iter()
        .map(|s| (s.case_id.0, s.reasons.clone()))
        .collect();
    got.sort();
    let mut expected = vec![
        (awaiting, vec![Reason::Awaiting]),
        (review_due, vec![Reason::ReviewDue]),
        (overdue, vec![Reason::Overdue]),
        (new_concern, vec![Reason::NewConcern]),
    ];
    expected.sort();
    assert_eq!(got, expected);
    assert!(!got.iter().any(|(c, _)| *c == quiet || *c == elsewhere));

    // The page offers them, and once one is on the agenda it is no longer suggested.
    let page = coordinator.get(&format!("/moeder/{meeting}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Forslag til dagsordenen"));
    assert!(page.body.contains("Ny bekymring siden sidste møde"));
    add_case(&app, &mut coordinator, meeting, new_concern).await;
    let after = suggestions::for_meeting(
        &app.db,
        MeetingId(meeting),
        randers,
        starts,
        date!(2026 - 12 - 10),
        today_copenhagen(app.clock.now()),
    )
    .await
    .expect("suggestions");
    assert_eq!(after.len(), 3);
    assert!(!after.iter().any(|s| s.case_id.0 == new_concern));
}

#[tokio::test]
async fn each_sees_only_the_items_of_cases_they_may_see_and_a_guest_only_their_own() {
    let app = TestApp::with_demo_users().await;
    let (on_team, mut coordinator, mut core) = randers_case_in_follow_up(&app, "01.12.2026").await;
    let not_on_team = open_case(&app, "randers", "Emil Hemmelig", true).await;
    let meeting = plan_meeting(&mut coordinator, "ordinary", "10.12.2026", "14.00").await;
    let team_item = add_case(&app, &mut coordinator, meeting, on_team).await;
    // The case's team takes part by default.
    let core_id = app.user_id("core_group@randers.demo").await;
    let invited: bool = sqlx::query_scalar(
        "select exists (select 1 from meeting_participants where meeting_id = $1 and user_id = $2)",
    )
    .bind(meeting)
    .bind(core_id.0)
    .fetch_one(&app.db)
    .await
    .expect("participants");
    assert!(invited, "the case team is invited with its case");
    add_case(&app, &mut coordinator, meeting, not_on_team).await;
    let v = crate::meetings::meeting_version(&app, meeting).await;
    see_other(
        &coordinator
            .post(
                &format!("/moeder/{meeting}/punkter/nyt"),
                &[
                    ("version", &v),
                    ("title", "Tendenser i nattelivet"),
                    ("reference", ""),
                ],
            )
            .await,
    );

    // The core-group member sees the team's case and the general item, not the other case.
    let page = core.get(&format!("/moeder/{meeting}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Mikkel Sørensen"));
    assert!(page.body.contains("Tendenser i nattelivet"));
    assert!(!page.body.contains("Emil Hemmelig"));
    assert!(page.body.contains("kun for sagens team"));
    // That look is a read of the team's case only, in the access log's terms.
    let shown: Vec<Uuid> = sqlx::query_scalar(
        "select shown_ids from audit_events where action = 'meeting_viewed'
         order by id desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert_eq!(shown, vec![on_team]);
    // Nor can the core-group member open the item's minutes or plan meetings.
    let item_page = core
        .get(&format!("/moeder/{meeting}/punkter/{team_item}"))
        .await;
    assert_eq!(item_page.status, StatusCode::FORBIDDEN);

    // A teacher comes for the team's case, told of the duty of confidentiality.
    let v = crate::meetings::meeting_version(&app, meeting).await;
    let r = coordinator
        .post(
            &format!("/moeder/{meeting}/gaester/ny"),
            &[
                ("version", &v),
                ("item", &team_item.to_string()),
                ("name", "Lise Lærer"),
                ("organisation", "Randers Kommune, skoleområdet"),
                ("function", "Klasselærer"),
                ("confidentiality", "ja"),
            ],
        )
        .await;
    see_other(&r);
    let guest: Uuid = sqlx::query_scalar("select id from meeting_guests where meeting_id = $1")
        .bind(meeting)
        .fetch_one(&app.db)
        .await
        .expect("guest");
    let print = coordinator
        .get(&format!("/moeder/{meeting}/udskrift?gaest={guest}"))
        .await;
    assert_eq!(print.status, StatusCode::OK);
    assert!(print.body.contains("Mikkel Sørensen"));
    assert!(print.body.contains("Fortroligt"));
    assert!(!print.body.contains("Emil Hemmelig"));
    assert!(!print.body.contains("Tendenser i nattelivet"));
    assert_eq!(print.texts("section.meeting-print__item h3").len(), 1);
    // The full print has all three; a guest of another meeting is not found.
    let full = coordinator
        .get(&format!("/moeder/{meeting}/udskrift"))
        .await;
    assert_eq!(full.texts("section.meeting-print__item h3").len(), 3);
    let stranger = Uuid::new_v4();
    let r = coordinator
        .get(&format!("/moeder/{meeting}/udskrift?gaest={stranger}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Another municipality's coordinator and the steering group get 404 and 403.
    let mut ballerup = app.signed_in("coordinator@ballerup.demo").await;
    assert_eq!(
        ballerup.get(&format!("/moeder/{meeting}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut steering = app.signed_in("steering_group@randers.demo").await;
    assert_eq!(
        steering.get(&format!("/moeder/{meeting}")).await.status,
        StatusCode::FORBIDDEN
    );
    // The police of the district see every item.
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let seen = police.get(&format!("/moeder/{meeting}")).await;
    assert!(seen.body.contains("Emil Hemmelig") && seen.body.contains("Mikkel Sørensen"));
}
