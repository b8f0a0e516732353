//! Who looked at a case: coordinators of the municipality and admins, nobody else.

use axum::http::StatusCode;
use infohus::store::cases::{self, NewCase};

use crate::support::TestApp;

async fn a_randers_case(app: &TestApp) -> infohus::domain::ids::CaseId {
    let coordinator = app.user_id("coordinator@randers.demo").await;
    let mut conn = app.db.acquire().await.expect("conn");
    let (id, _) = cases::open(
        &mut conn,
        &NewCase {
            municipality_id: app.municipality_id("randers").await,
            subject_name: "Testperson Hansen".to_owned(),
            subject_birth_date: None,
            subject_approx_age: Some(16),
            subject_is_minor: true,
            subject_cpr: None,
            subject_address: None,
            subject_address_protected: false,
        },
        "RAN",
        coordinator,
        app.clock.now(),
    )
    .await
    .expect("case");
    id
}

#[tokio::test]
async fn the_access_log_is_for_the_municipalitys_coordinators_and_admins_only() {
    let app = TestApp::with_demo_users().await;
    let case = a_randers_case(&app).await;
    let path = format!("/sager/{case}/adgangslog");

    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let response = coordinator.get(&path).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.body.contains("RAN-2026-0001"));

    let mut admin = app.signed_in("admin@infohus.demo").await;
    let response = admin.get(&path).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response.body.contains("Maria Krogh Degn"),
        "the coordinator's look is logged"
    );
    assert!(
        !response.body.contains("Testperson"),
        "admins never see the person"
    );
    assert!(!response.body.contains(&format!("href=\"/sager/{case}\"")));

    let mut other = app.signed_in("coordinator@ballerup.demo").await;
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
    let mut staff = app.signed_in("staff@randers.demo").await;
    assert_eq!(staff.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count("access_log_viewed").await, 2);
}

/// The ids the newest audit row of this action says it showed.
async fn shown_by_last(app: &TestApp, action: &str) -> Vec<uuid::Uuid> {
    sqlx::query_scalar(
        "select shown_ids from audit_events where action = $1 order by id desc limit 1",
    )
    .bind(action)
    .fetch_one(&app.db)
    .await
    .expect("audit row")
}

#[tokio::test]
async fn list_pages_log_which_cases_and_concerns_they_showed_and_the_access_log_says_so() {
    let app = TestApp::with_demo_users().await;
    let case = a_randers_case(&app).await;

    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(
        coordinator.get("/sager?mine=nej").await.status,
        StatusCode::OK
    );
    assert_eq!(shown_by_last(&app, "case_list_viewed").await, vec![case.0]);

    // A concern filed by the employee: the reporter's own list is a read of it, and so are
    // the leader's inbox and, once forwarded, the intake queue.
    let mut staff = app.signed_in("staff@randers.demo").await;
    staff.get("/bekymringer/ny?akut=nej").await;
    let r = staff
        .post(
            "/bekymringer/ny",
            &[
                ("acute", "nej"),
                ("subject_name", "Mikkel Sørensen"),
                ("subject_birth_date", "24.12.2010"),
                ("observation", "Viser voldelige videoer i frikvarteret."),
                ("kind", "right_wing_extremism"),
                ("leader_informed", "ja"),
                ("reporter_name", "Sofie Lund"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let concern: uuid::Uuid =
        sqlx::query_scalar("select id from concerns order by filed_at desc limit 1")
            .fetch_one(&app.db)
            .await
            .expect("concern");
    assert_eq!(staff.get("/bekymringer").await.status, StatusCode::OK);
    assert_eq!(
        shown_by_last(&app, "own_concerns_viewed").await,
        vec![concern]
    );
    let mut leader = app.signed_in("leader@randers.demo").await;
    assert_eq!(leader.get("/leder/indbakke").await.status, StatusCode::OK);
    assert_eq!(shown_by_last(&app, "queue_viewed").await, vec![concern]);

    let log = coordinator.get(&format!("/sager/{case}/adgangslog")).await;
    assert!(log.body.contains("Så sagen i sagslisten"), "{}", log.body);

    // Each id a list showed is kept beside its audit row, keyed for reading in order, by the
    // statement that wrote the row: the same pairs, none missing and none more.
    let (missing, extra): (i64, i64) = sqlx::query_as(
        "with listed as (select distinct s, a.occurred_at, a.id
                         from audit_events a, unnest(a.shown_ids) s),
              kept as (select shown_id, occurred_at, audit_id from audit_shown)
         select (select count(*) from (select * from listed except select * from kept) m),
                (select count(*) from (select * from kept except select * from listed) e)",
    )
    .fetch_one(&app.db)
    .await
    .expect("compare");
    assert_eq!((missing, extra), (0, 0));
    let kept: i64 = sqlx::query_scalar("select count(*) from audit_shown")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(
        kept, 3,
        "the case list, the reporter's list, the leader's inbox"
    );
}

#[tokio::test]
async fn every_look_at_a_case_records_where_it_came_from_and_the_access_log_shows_it() {
    let app = TestApp::with_demo_users().await;
    let case = a_randers_case(&app).await;
    let page = format!("/sager/{case}");
    let team = format!("{page}/team");
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let looks = [
        (None, "direct_link", None),
        (Some("/opgaver?art=screening"), "task", None),
        (
            Some("/sager?q=Testperson"),
            "search",
            Some("name:Testperson"),
        ),
        (Some("/sager"), "case_list", None),
        (Some("/infohus/indgang/x"), "intake_queue", None),
        (Some("/beskeder"), "alert", None),
        (Some(team.as_str()), "case_work", None),
    ];
    for (from, _, _) in &looks {
        let r = match from {
            Some(from) => coordinator.follow_from(from, &page).await,
            None => coordinator.get(&page).await,
        };
        assert_eq!(r.status, StatusCode::OK);
    }
    let rows: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "select purpose, search from audit_events
         where action = 'case_viewed' and object_id = $1 order by id",
    )
    .bind(case.0)
    .fetch_all(&app.db)
    .await
    .expect("rows");
    let expected: Vec<(Option<String>, Option<String>)> = looks
        .iter()
        .map(|(_, p, s)| (Some((*p).to_owned()), s.map(str::to_owned)))
        .collect();
    assert_eq!(rows, expected);

    let log = coordinator.get(&format!("{page}/adgangslog")).await;
    let purposes = log.texts("tbody td:nth-child(4)");
    for shown in [
        "Direkte link eller bogmærke",
        "Fra Mine opgaver",
        "Søgning efter navn «Testperson»",
        "Fra sagslisten",
        "Fra indgangen",
        "Fra en besked",
        "Arbejde på sagen",
    ] {
        assert!(
            purposes.iter().any(|p| p == shown),
            "{shown} in {purposes:?}"
        );
    }
}

#[tokio::test]
async fn a_long_access_log_pages_newest_first_without_gaps_or_repeats() {
    let app = TestApp::with_demo_users().await;
    let case = a_randers_case(&app).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    // Sixty looks at the case, each its own audit row; a second apart, so the order is certain.
    for _ in 0..60 {
        app.clock.advance(time::Duration::seconds(1));
        assert_eq!(
            coordinator.get(&format!("/sager/{case}")).await.status,
            StatusCode::OK
        );
    }
    let path = format!("/sager/{case}/adgangslog");
    let first = coordinator.get(&path).await;
    assert_eq!(first.status, StatusCode::OK);
    let first_rows = first.texts("table.data tbody tr");
    assert_eq!(first_rows.len(), 50, "one page of fifty");
    let next = first
        .html()
        .select(&scraper::Selector::parse("nav.pager a").expect("selector"))
        .filter(|a| a.text().collect::<String>() == "Næste side")
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .next()
        .expect("a link to the next page");
    // Every row about the case so far: the sixty looks, and the first page's own view, which is
    // newer than the first page and so on neither page.
    let all: i64 = sqlx::query_scalar(
        "select count(*) from audit_events where object_type = 'case' and object_id = $1",
    )
    .bind(case.0)
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert!(all > 50);
    let second = coordinator.get(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    let second_rows = second.texts("table.data tbody tr");
    assert_eq!(
        second_rows.len() as i64,
        all - 1 - 50,
        "the rest, none twice"
    );
    assert!(
        second
            .html()
            .select(&scraper::Selector::parse("nav.pager a").expect("selector"))
            .all(|a| a.text().collect::<String>() != "Næste side"),
        "no page after the last"
    );
    assert!(second.body.contains("Første side"));
    // A forged cursor is not an error.
    let forged = coordinator.get(&format!("{path}?foer=abc")).await;
    assert_eq!(forged.status, StatusCode::OK);
}
