//! Deadlines and forms: overdue reviews, working days for screening, the reassessment diff, refused forms, the case list and the demo.

use axum::http::StatusCode;
use infohus::domain::calendar::{add_working_days, today_copenhagen};
use time::Duration;
use time::macros::date;
use uuid::Uuid;

use crate::support::TestApp;
use crate::support::steps::*;

#[tokio::test]
async fn an_overdue_review_is_flagged_on_the_case_and_in_the_owners_tasks() {
    let app = TestApp::with_demo_users().await;
    let (id, _, mut core) = randers_case_in_follow_up(&app, "20.12.2026").await;
    // The notification's receipt is confirmed, so that only the review is left to do.
    let v = version(&app, id).await;
    see_other(
        &core
            .post(
                &format!("/sager/{id}/underretning-modtaget"),
                &[("version", &v)],
            )
            .await,
    );

    // Before the date: a task, not overdue.
    app.clock.advance(Duration::days(20));
    let mut core = app.signed_in("core_group@randers.demo").await;
    let tasks = core.get("/").await.texts(".task-list li").join(" | ");
    assert!(
        tasks.contains("Opfølgning på din indsats: Mentor"),
        "{tasks}"
    );
    assert!(!tasks.contains("Overskredet"), "{tasks}");

    // The date passes without a review: flagged on the case and first in the owner's tasks.
    app.clock.advance(Duration::days(15));
    let mut core = app.signed_in("core_group@randers.demo").await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let page = core.get(&format!("/sager/{id}")).await;
    assert!(
        page.texts("table.data .badge--overdue")
            .join(" ")
            .contains("Opfølgning overskredet")
    );
    assert!(page.body.contains("Frist overskredet"));
    let home = core.get("/").await;
    let first = home
        .texts(".task-list li")
        .into_iter()
        .next()
        .unwrap_or_default();
    assert!(
        first.contains("Mentor") && first.contains("Overskredet"),
        "{first}"
    );
    let list = coordinator
        .get("/sager?mine=nej")
        .await
        .texts("tbody tr")
        .join(" | ");
    assert!(list.contains("Overskredet"), "{list}");

    // A review clears it.
    let iv: Uuid = sqlx::query_scalar("select id from interventions where case_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("intervention");
    let v = version(&app, id).await;
    let status_field = format!("status_{iv}");
    let r = core
        .post(
            &format!("/sager/{id}/opfoelgning"),
            &[
                ("version", &v),
                (&status_field, "active"),
                ("progress", "Det går fremad."),
                ("next_review_date", "24.03.2027"),
            ],
        )
        .await;
    see_other(&r);
    let page = core.get(&format!("/sager/{id}")).await;
    assert!(!page.body.contains("Opfølgning overskredet"));
    assert!(!core.get("/").await.body.contains("Overskredet"));

    // The owner cannot be taken off the team while the intervention is theirs.
    let v = version(&app, id).await;
    let user = app.user_id("core_group@randers.demo").await.to_string();
    let r = coordinator
        .post(
            &format!("/sager/{id}/team"),
            &[("version", &v), ("action", "remove"), ("user", &user)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Giv ansvaret videre"), "{}", r.body);
    assert_eq!(
        core.get(&format!("/sager/{id}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn screening_deadlines_count_working_days_from_the_profile() {
    let app = TestApp::with_demo_users().await;
    let days = app
        .state
        .tenants
        .by_slug("randers")
        .expect("randers")
        .profile
        .deadlines
        .screening_working_days;
    assert_eq!(days, 5);
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;

    // Sent on Friday 20 November 2026: five working days is Friday 27 November.
    let first = open_case(&app, "randers", "Frist Testperson", true).await;
    send_to_screening(&app, &mut coordinator, first).await;
    let due: time::Date = sqlx::query_scalar("select screening_due from cases where id = $1")
        .bind(first)
        .fetch_one(&app.db)
        .await
        .expect("due");
    assert_eq!(due, date!(2026 - 11 - 27));
    assert_eq!(
        due,
        add_working_days(today_copenhagen(app.clock.now()), days)
    );

    // Sent on Monday 21 December: Christmas and the weekend do not count.
    app.clock.advance(Duration::days(31));
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let second = open_case(&app, "randers", "Jul Testperson", true).await;
    send_to_screening(&app, &mut coordinator, second).await;
    let due: time::Date = sqlx::query_scalar("select screening_due from cases where id = $1")
        .bind(second)
        .fetch_one(&app.db)
        .await
        .expect("due");
    assert_eq!(due, date!(2026 - 12 - 30));

    // On the deadline day it is not yet overdue; the next working day it is.
    let queue = police.get("/politi/screening").await;
    let rows = queue.texts("tbody tr");
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].contains("Frist Testperson") && rows[0].contains("Overskredet"),
        "oldest first: {rows:?}"
    );
    assert!(!rows[1].contains("Overskredet"), "{rows:?}");
    app.clock.advance(Duration::days(9)); // Wednesday 30 December
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    assert!(!police.get("/politi/screening").await.texts("tbody tr")[1].contains("Overskredet"));
    app.clock.advance(Duration::days(2)); // Friday 1 January: overdue since Thursday
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let rows = police.get("/politi/screening").await.texts("tbody tr");
    assert!(rows[1].contains("Overskredet"), "{rows:?}");
    let tasks = police.get("/").await.texts(".task-list li").join(" | ");
    assert!(
        tasks.contains("Politiets screening") && tasks.contains("Overskredet"),
        "{tasks}"
    );
}

#[tokio::test]
async fn a_reassessment_shows_what_changed_since_the_previous_assessment() {
    let app = TestApp::with_demo_users().await;
    let (id, _coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let v = version(&app, id).await;
    let r = core
        .post(
            &format!("/sager/{id}/ny-vurdering"),
            &[("version", &v), ("reason", "Ny hændelse i klubben.")],
        )
        .await;
    see_other(&r);
    assert_eq!(stage(&app, id).await, "assessment");

    // The form starts from the previous ratings.
    let form = core.get(&format!("/sager/{id}/vurdering")).await;
    assert!(form.body.contains("value=\"some\" checked"));
    assert!(form.body.contains("(sidst: Noget)"));
    // And from the previous analysis texts, marked as copied so they are edited, not retyped.
    assert_eq!(
        form.field_value("analysis_person").as_deref(),
        Some("Trives dårligt i skolen.")
    );
    assert!(
        form.texts("#analysis_network-hint")
            .join(" ")
            .contains("Kopieret fra sidste vurdering")
    );
    let v = version(&app, id).await;
    let mut fields =
        assessment_fields(&v, "basis", "intervening", "Mere isoleret end før.", "some");
    for (k, value) in fields.iter_mut() {
        if k == "rating_violence_readiness" {
            *value = "marked".to_owned();
        }
    }
    see_other(&post_owned(&mut core, &format!("/sager/{id}/vurdering"), &fields).await);
    assert_eq!(stage(&app, id).await, "action_plan");
    let page = core.get(&format!("/sager/{id}")).await;
    let changes = page.texts(".assessment-changes li").join(" | ");
    assert_eq!(changes, "Voldsparathed: Noget → Markant");
    assert!(
        page.body
            .contains("Konklusionen var før: Grundlag for bekymring (Foregribende)")
    );
}

#[tokio::test]
async fn invalid_forms_are_refused_in_danish_with_the_input_kept() {
    let app = TestApp::with_demo_users().await;
    let (id, _coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let v = version(&app, id).await;
    let owner = app.user_id("core_group@randers.demo").await.to_string();
    let r = core
        .post(
            &format!("/sager/{id}/indsatser/ny"),
            &[
                ("version", &v),
                ("type_id", "mentor_adult"),
                ("owner", &owner),
                ("authority", &"x".repeat(301)),
                ("legal_basis", "other"),
                ("legal_basis_other", ""),
                ("start_date", "31.02.2027"),
                ("next_review_date", "i morgen"),
                ("status", "forever"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "type_id",
        "authority",
        "legal_basis_other",
        "start_date",
        "next_review_date",
        "status",
    ] {
        assert!(
            !r.texts(&format!("#{field}-error")).is_empty(),
            "{field}: {}",
            r.body
        );
    }
    assert_eq!(
        r.field_value("next_review_date").as_deref(),
        Some("i morgen")
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from interventions where case_id = $1",
            id
        )
        .await,
        1
    );

    // Malformed ids are simply not found.
    assert_eq!(
        core.get("/sager/not-a-uuid").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        core.get(&format!("/sager/{id}/indsatser/{}", Uuid::new_v4()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        core.get(&format!("/sager/{}", Uuid::new_v4())).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_case_list_shows_each_viewer_only_their_cases_with_stage_and_deadline() {
    let app = TestApp::with_demo_users().await;
    let randers = open_case(&app, "randers", "Liste Randers", true).await;
    open_case(&app, "ballerup", "Liste Ballerup", true).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    send_to_screening(&app, &mut coordinator, randers).await;
    let page = coordinator.get("/sager?mine=nej").await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = page.texts("tbody tr").join(" | ");
    assert!(
        rows.contains("Liste Randers")
            && rows.contains("Politiets screening")
            && rows.contains("27.11.2026"),
        "{rows}"
    );
    assert!(!rows.contains("Liste Ballerup"), "{rows}");
    let filtered = coordinator
        .get("/sager?mine=nej&fase=received")
        .await
        .texts("tbody tr");
    assert!(filtered.is_empty(), "{filtered:?}");
    // An unknown stage shows them all rather than failing.
    let all = coordinator.get("/sager?mine=nej&fase=nonsense").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.texts("tbody tr").len(), 1);
    let nav = page.texts("nav a").join(" ");
    assert!(nav.contains("Sager"), "{nav}");
    assert_eq!(app.audit_count("case_list_viewed").await, 3);
}

#[tokio::test]
async fn the_demo_has_cases_in_every_stage_for_both_municipalities_including_overdue_ones() {
    let app = TestApp::new().await;
    infohus::seed::demo(&app.state)
        .await
        .expect("demo")
        .expect("an empty database");
    for slug in ["randers", "ballerup"] {
        let m = app.municipality_id(slug).await;
        let stages: Vec<String> = sqlx::query_scalar(
            "select distinct stage from cases where municipality_id = $1 order by 1",
        )
        .bind(m.0)
        .fetch_all(&app.db)
        .await
        .expect("stages");
        for stage in [
            "received",
            "screening",
            "triage",
            "assessment",
            "action_plan",
            "follow_up",
            "closed",
        ] {
            assert!(
                stages.iter().any(|s| s == stage),
                "{slug}: no case in {stage}: {stages:?}"
            );
        }
        let reasons: Vec<String> = sqlx::query_scalar(
            "select distinct close_reason from cases where municipality_id = $1 and stage = 'closed'",
        )
        .bind(m.0)
        .fetch_all(&app.db)
        .await
        .expect("reasons");
        for reason in ["not_for_infohus", "outside_remit", "no_basis", "goals_met"] {
            assert!(
                reasons.iter().any(|r| r == reason),
                "{slug}: no case closed as {reason}"
            );
        }
        let today = today_copenhagen(app.clock.now());
        let overdue_screening: i64 = sqlx::query_scalar(
            "select count(*) from cases where municipality_id = $1 and stage = 'screening' and screening_due < $2",
        )
        .bind(m.0)
        .bind(today)
        .fetch_one(&app.db)
        .await
        .expect("overdue screening");
        assert!(overdue_screening >= 1, "{slug}");
        let overdue_review: i64 = sqlx::query_scalar(
            "select count(*) from interventions i join cases c on c.id = i.case_id
             where c.municipality_id = $1 and c.stage = 'follow_up' and i.status in ('planned', 'active')
               and i.next_review_date < $2",
        )
        .bind(m.0)
        .bind(today)
        .fetch_one(&app.db)
        .await
        .expect("overdue review");
        assert!(overdue_review >= 1, "{slug}");
        let without_concern: i64 = sqlx::query_scalar(
            "select count(*) from cases c where c.municipality_id = $1
               and not exists (select 1 from concerns k where k.case_id = c.id)",
        )
        .bind(m.0)
        .fetch_one(&app.db)
        .await
        .expect("cases without concerns");
        assert_eq!(without_concern, 0, "{slug}");
    }

    // Every demo user of the workflow finds their work, and every page of it renders.
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let queue = police.get("/politi/screening").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains("Overskredet"),
        "an overdue screening in the queue"
    );
    let mut core = app.signed_in("core_group@randers.demo").await;
    let tasks = core.get("/").await.texts(".task-list li").join(" | ");
    assert!(tasks.contains("Overskredet"), "{tasks}");
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let list = coordinator.get("/sager?mine=nej").await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "select c.id from cases c join municipalities m on m.id = c.municipality_id where m.slug = 'randers'",
    )
    .fetch_all(&app.db)
    .await
    .expect("ids");
    for id in ids {
        let page = coordinator.get(&format!("/sager/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{id}");
    }
    let home = coordinator
        .get("/")
        .await
        .texts(".task-list li")
        .join(" | ");
    assert!(
        home.contains("Opfølgning 6 måneder efter afslutning"),
        "{home}"
    );
}

#[tokio::test]
async fn the_legal_basis_fits_the_persons_age_and_the_authority_hint_is_the_municipalitys() {
    let app = TestApp::with_demo_users().await;
    // A 15-year-old in Randers.
    let (child, _coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let form = core.get(&format!("/sager/{child}/indsatser/ny")).await;
    let bases = form.texts("#legal_basis label").join(" | ");
    assert!(bases.contains("Barnets lov § 32"), "{bases}");
    assert!(bases.contains("Serviceloven § 12 b"), "{bases}");

    // A 24-year-old in Ballerup: no Barnets lov, and Ballerup's own units as examples.
    let adult = open_case(&app, "ballerup", "Voksen Testperson", false).await;
    let mut coordinator = app.signed_in("coordinator@ballerup.demo").await;
    let mut police = app
        .signed_in("police@koebenhavns-vestegns-politi.demo")
        .await;
    let mut core = app.signed_in("core_group@ballerup.demo").await;
    send_to_screening(&app, &mut coordinator, adult).await;
    screen(&app, &mut police, adult, "cleared", "").await;
    triage(
        &app,
        &mut coordinator,
        adult,
        "police@koebenhavns-vestegns-politi.demo",
        "within_remit",
        "",
    )
    .await;
    add_to_team(&app, &mut coordinator, adult, "core_group@ballerup.demo").await;
    assess(&app, &mut core, adult, "basis", "preemptive").await;
    let form = core.get(&format!("/sager/{adult}/indsatser/ny")).await;
    assert_eq!(form.status, StatusCode::OK);
    let bases = form.texts("#legal_basis label").join(" | ");
    assert!(!bases.contains("Barnets lov"), "{bases}");
    assert!(bases.contains("Serviceloven § 12 b"), "{bases}");
    let hint = form.texts("#authority-hint").join(" ");
    assert!(hint.contains("Jobcenter Ballerup"), "{hint}");
    assert!(!hint.contains("Randers"), "{hint}");

    // Sent anyway, Barnets lov is refused for an adult, with the input kept.
    let v = version(&app, adult).await;
    let owner = app.user_id("core_group@ballerup.demo").await.to_string();
    let r = core
        .post(
            &format!("/sager/{adult}/indsatser/ny"),
            &[
                ("version", &v),
                ("type_id", "mentor_adult"),
                ("owner", &owner),
                ("authority", "Jobcenter Ballerup"),
                ("legal_basis", "barnets_lov"),
                ("start_date", "20.11.2026"),
                ("next_review_date", "20.02.2027"),
                ("status", "planned"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.texts("#legal_basis-error").join(" ").contains("under 18"));
    assert_eq!(
        r.field_value("authority").as_deref(),
        Some("Jobcenter Ballerup")
    );
}

/// Every line of the error summary names its field before the message, and links to it.
fn assert_summary_names_fields(r: &crate::support::TestResponse) {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let html = r.html();
    let links = scraper::Selector::parse(".error-summary a").expect("css");
    let mut seen = 0;
    for a in html.select(&links) {
        let id = a
            .value()
            .attr("href")
            .expect("href")
            .trim_start_matches('#');
        let line: String = a.text().collect();
        let inline = r.texts(&format!("[id=\"{id}-error\"]")).join(" ");
        let message = inline.trim_start_matches("Fejl:").trim();
        assert!(
            line.ends_with(message) && line.len() > message.len() + 2,
            "the summary line «{line}» names the field #{id} before «{message}»"
        );
        seen += 1;
    }
    assert!(seen > 0, "an error summary");
}

#[tokio::test]
async fn error_summaries_name_the_field_in_every_kind_of_form() {
    let app = TestApp::with_demo_users().await;
    // The concern form: text fields, radio groups and the ones written by hand.
    let mut staff = app.signed_in("staff@randers.demo").await;
    staff.get("/bekymringer/ny?akut=nej").await;
    let r = staff
        .post(
            "/bekymringer/ny",
            &[("acute", "nej"), ("subject_birth_date", "31.02.2010")],
        )
        .await;
    assert_summary_names_fields(&r);
    let summary = r.texts(".error-summary a").join(" | ");
    assert!(summary.contains("Navn: "), "{summary}");
    assert!(
        summary.contains("Hvad handler bekymringen om? "),
        "{summary}"
    );

    // A case step: the intervention form (selects, radios, dates).
    let (id, _coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    core.get(&format!("/sager/{id}/indsatser/ny")).await;
    let v = version(&app, id).await;
    let r = core
        .post(
            &format!("/sager/{id}/indsatser/ny"),
            &[("version", &v), ("start_date", "i går")],
        )
        .await;
    assert_summary_names_fields(&r);

    // The review with a field per intervention, named by the intervention.
    core.get(&format!("/sager/{id}/opfoelgning")).await;
    let r = core
        .post(&format!("/sager/{id}/opfoelgning"), &[("version", &v)])
        .await;
    assert_summary_names_fields(&r);

    // Closing, with its question per open intervention.
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    coordinator.get(&format!("/sager/{id}/afslut")).await;
    let r = coordinator
        .post(&format!("/sager/{id}/afslut"), &[("version", &v)])
        .await;
    assert_summary_names_fields(&r);
}

#[tokio::test]
async fn the_case_list_shows_the_open_cases_a_page_at_a_time() {
    let app = TestApp::with_demo_users().await;
    for n in 0..53 {
        open_case(&app, "randers", &format!("Side Testperson {n:02}"), true).await;
        app.clock.advance(Duration::minutes(1));
    }
    let closed = open_case(&app, "randers", "Lukket Testperson", true).await;
    sqlx::query("update cases set stage = 'closed', close_reason = 'duplicate', closed_at = now() where id = $1")
        .bind(closed)
        .execute(&app.db)
        .await
        .expect("closed");
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;

    // The default view: open cases only, newest first, 50 to a page.
    let first = coordinator.get("/sager?mine=nej").await;
    let rows = first.texts("tbody tr");
    assert_eq!(rows.len(), 50);
    assert!(rows[0].contains("Side Testperson 52"), "{}", rows[0]);
    assert!(!first.body.contains("Lukket Testperson"));
    let next = first
        .html()
        .select(&scraper::Selector::parse("nav.pager a").expect("css"))
        .find(|a| a.text().collect::<String>() == "Næste side")
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("a next page");
    let second = coordinator.get(&next.replace("&amp;", "&")).await;
    let rows = second.texts("tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[2].contains("Side Testperson 00"), "{}", rows[2]);
    assert!(
        second
            .texts("nav.pager a")
            .join(" ")
            .contains("Første side")
    );

    // Every case, closed ones too; and a cursor the list did not write is the first page.
    let all = coordinator.get("/sager?mine=nej&fase=alle").await;
    assert!(all.body.contains("Lukket Testperson"));
    let odd = coordinator
        .get("/sager?mine=nej&efter=ikke-en-markør")
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert_eq!(odd.texts("tbody tr").len(), 50);
}

#[tokio::test]
async fn the_case_list_finds_a_case_by_reference_cpr_birth_date_and_a_misspelt_name() {
    let app = TestApp::with_demo_users().await;
    let wanted = open_case(&app, "randers", "Mikkel Sørensen", true).await;
    open_case(&app, "randers", "Anna Holm", true).await;
    open_case(&app, "ballerup", "Mikkel Sørensen", true).await;
    sqlx::query(
        "update cases set subject_cpr = '241210-4321', subject_birth_date = '2010-12-24',
         stage = 'closed', close_reason = 'duplicate', closed_at = now() where id = $1",
    )
    .bind(wanted)
    .execute(&app.db)
    .await
    .expect("cpr");
    let reference: String = sqlx::query_scalar("select reference from cases where id = $1")
        .bind(wanted)
        .fetch_one(&app.db)
        .await
        .expect("reference");
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    for q in [
        reference.to_lowercase(),
        "241210-4321".to_owned(),
        "24.12.2010".to_owned(),
        "Mikel Sørensen".to_owned(),
        "sørensen".to_owned(),
    ] {
        let path = format!(
            "/sager?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("q", &q)
                .finish()
        );
        let rows = coordinator.get(&path).await.texts("tbody tr");
        assert_eq!(rows.len(), 1, "{q}: {rows:?}");
        assert!(rows[0].contains(&reference), "{q}: {rows:?}");
    }
    // Hostile or huge input is text: no match, no error.
    for q in ["%", "_", "' or 1=1 --", &"x".repeat(10_000)] {
        let path = format!(
            "/sager?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("q", q)
                .finish()
        );
        let r = coordinator.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
        assert!(r.texts("tbody tr").is_empty(), "{q}");
    }
    // The criterion is in the audit trail with the rows the search showed.
    let searched: Vec<String> = sqlx::query_scalar(
        "select search from audit_events where action = 'case_list_viewed' and search is not null
         order by id",
    )
    .fetch_all(&app.db)
    .await
    .expect("audit");
    assert!(
        searched.contains(&"cpr:241210-4321".to_owned()),
        "{searched:?}"
    );
}

#[tokio::test]
async fn keyset_paging_returns_every_case_once_while_cases_are_added_between_pages() {
    let app = TestApp::with_demo_users().await;
    for n in 0..60 {
        open_case(&app, "randers", &format!("Blad Testperson {n:02}"), true).await;
        app.clock.advance(Duration::seconds(30));
    }
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut seen = Vec::new();
    let mut path = "/sager?mine=nej".to_owned();
    loop {
        let page = coordinator.get(&path).await;
        seen.extend(page.texts("tbody tr th"));
        // A newer case arrives between pages: it belongs before the cursor, not in a later page.
        open_case(&app, "randers", "Ny Testperson", true).await;
        let next = page
            .html()
            .select(&scraper::Selector::parse("nav.pager a").expect("css"))
            .find(|a| a.text().collect::<String>() == "Næste side")
            .and_then(|a| a.value().attr("href").map(str::to_owned));
        match next {
            Some(href) => path = href,
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no case twice");
    assert_eq!(seen.len(), 60, "every case once");
}

#[tokio::test]
async fn the_home_page_lists_fifteen_tasks_and_mine_opgaver_all_of_them() {
    let app = TestApp::with_demo_users().await;
    for n in 0..20 {
        open_case(&app, "randers", &format!("Opgave Testperson {n:02}"), true).await;
    }
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let home = coordinator.get("/").await;
    assert_eq!(home.texts(".task-list li").len(), 15);
    assert!(home.body.contains("Og 5 opgaver mere"));
    assert!(home.body.contains("href=\"/opgaver\""));
    let all = coordinator.get("/opgaver").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.texts(".task-list li").len(), 20);
    // None of them has a deadline yet, so none is overdue.
    let overdue = coordinator.get("/opgaver?overskredne=ja").await;
    assert!(overdue.texts(".task-list li").is_empty());
    assert!(overdue.body.contains("ingen overskredne opgaver"));
}

#[tokio::test]
async fn a_reassessment_that_finds_no_basis_asks_what_became_of_the_open_interventions() {
    let app = TestApp::with_demo_users().await;
    let (id, _coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let v = version(&app, id).await;
    see_other(
        &core
            .post(
                &format!("/sager/{id}/ny-vurdering"),
                &[("version", &v), ("reason", "Situationen er forbedret.")],
            )
            .await,
    );
    let iv: Uuid = sqlx::query_scalar("select id from interventions where case_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("intervention");
    let form = core.get(&format!("/sager/{id}/vurdering")).await;
    assert!(form.body.contains(&format!("name=\"fate_{iv}\"")));

    // "No basis" closes the case: without an answer for the mentor, nothing is stored.
    let v = version(&app, id).await;
    let fields = assessment_fields(&v, "no_basis", "", "Trives i skolen igen.", "not_seen");
    let r = post_owned(&mut core, &format!("/sager/{id}/vurdering"), &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.texts(&format!("#fate_{iv}-error")).is_empty());
    assert_eq!(stage(&app, id).await, "assessment");

    let mut answered = fields.clone();
    answered.push((format!("fate_{iv}"), "ended".to_owned()));
    answered.push((format!("ended_on_{iv}"), "20.11.2026".to_owned()));
    see_other(&post_owned(&mut core, &format!("/sager/{id}/vurdering"), &answered).await);
    assert_eq!(stage(&app, id).await, "closed");
    let (status, ended_on): (String, Option<time::Date>) =
        sqlx::query_as("select status, ended_on from interventions where id = $1")
            .bind(iv)
            .fetch_one(&app.db)
            .await
            .expect("intervention");
    assert_eq!(
        (status.as_str(), ended_on),
        ("completed", Some(date!(2026 - 11 - 20)))
    );
}

#[tokio::test]
async fn mine_opgaver_filters_by_kind_and_pages_fifty_at_a_time() {
    let app = TestApp::with_demo_users().await;
    for n in 0..60 {
        open_case(&app, "randers", &format!("Side Testperson {n:02}"), true).await;
    }
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let first = coordinator.get("/opgaver").await;
    assert_eq!(first.texts(".task-list li").len(), 50);
    assert!(first.body.contains("Opgave 1–50 af 60."));
    let second = coordinator.get("/opgaver?side=2").await;
    assert_eq!(second.texts(".task-list li").len(), 10);
    assert!(second.body.contains("Opgave 51–60 af 60."));
    let mut all = first.texts(".task-list li a");
    all.extend(second.texts(".task-list li a"));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 60, "every task once");

    // Each of them is a case to send to screening: a kind of its own.
    let screening = coordinator.get("/opgaver?art=screening").await;
    assert_eq!(screening.texts(".task-list li").len(), 50);
    assert!(
        screening
            .body
            .contains("<option value=\"screening\" selected>")
    );
    let next = screening
        .html()
        .select(&scraper::Selector::parse("nav.pager a").expect("css"))
        .find(|a| a.text().collect::<String>() == "Næste side")
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("a next page keeping the kind");
    assert_eq!(next, "/opgaver?art=screening&side=2");
    let assessment = coordinator.get("/opgaver?art=vurdering").await;
    assert!(assessment.texts(".task-list li").is_empty());
    assert!(assessment.body.contains("ingen opgaver af denne slags"));

    // Anything else is the first page of everything, never an error.
    for odd in [
        "side=0",
        "side=abc",
        "side=99999999999999999999999",
        "art=%3Cscript%3E",
        "side=-1",
    ] {
        let page = coordinator.get(&format!("/opgaver?{odd}")).await;
        assert_eq!(page.status, StatusCode::OK, "{odd}");
    }
    let last = coordinator.get("/opgaver?side=9").await;
    assert!(
        last.body.contains("Opgave 51–60 af 60."),
        "past the end: the last page"
    );
}

#[tokio::test]
async fn the_case_list_filters_by_level_owner_and_overdue_and_sorts_by_time_in_stage() {
    let app = TestApp::with_demo_users().await;
    let waiting = open_case(&app, "randers", "Venter Testperson", true).await;
    app.clock.advance(Duration::hours(1));
    let (followed, mut coordinator, mut core) = randers_case_in_follow_up(&app, "20.02.2027").await;
    let rows = |page: &crate::support::TestResponse| page.texts("tbody tr th");
    let reference = |id: Uuid| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, String>("select reference from cases where id = $1")
                .bind(id)
                .fetch_one(&app.db)
                .await
                .expect("reference")
        }
    };
    let (waiting_ref, followed_ref) = (reference(waiting).await, reference(followed).await);

    let preemptive = coordinator.get("/sager?mine=nej&niveau=preemptive").await;
    assert_eq!(rows(&preemptive), vec![followed_ref.clone()]);
    assert!(
        preemptive
            .body
            .contains("<option value=\"preemptive\" selected>")
    );
    assert!(rows(&coordinator.get("/sager?mine=nej&niveau=intervening").await).is_empty());

    // The core-group member coordinates the plan and owns the intervention; the coordinator
    // holds neither.
    assert_eq!(
        rows(&core.get("/sager?mine=ja").await),
        vec![followed_ref.clone()]
    );
    assert!(rows(&coordinator.get("/sager?mine=ja").await).is_empty());
    // The list opens on the viewer's own cases, and links to the same list of every case they
    // may see; a search for a person looks among every case.
    assert_eq!(rows(&core.get("/sager").await), vec![followed_ref.clone()]);
    let own = coordinator.get("/sager").await;
    assert!(rows(&own).is_empty());
    assert!(own.body.contains("Dine åbne sager: ingen."), "{}", own.body);
    assert!(
        own.body
            .contains("<a href=\"/sager?mine=nej\">åbne sager, du har adgang til</a>"),
        "{}",
        own.body
    );
    assert!(
        own.body
            .contains("<option value=\"ja\" selected>Mine sager</option>")
    );
    let searched = coordinator.get(&format!("/sager?q={waiting_ref}")).await;
    assert_eq!(rows(&searched), vec![waiting_ref.clone()]);
    assert!(searched.body.contains("<option value=\"nej\" selected>"));

    // Latest moved first by default; the one longest in its stage first when asked.
    assert_eq!(
        rows(&coordinator.get("/sager?mine=nej").await)[0],
        followed_ref
    );
    assert_eq!(
        rows(&coordinator.get("/sager?mine=nej&sorter=aeldste").await)[0],
        waiting_ref
    );

    // Past the intervention's review date, the case is overdue.
    assert!(rows(&coordinator.get("/sager?mine=nej&overskredne=ja").await).is_empty());
    app.clock.advance(Duration::days(120));
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(
        rows(&coordinator.get("/sager?mine=nej&overskredne=ja").await),
        vec![followed_ref]
    );
    // Unknown values are no filter, never an error.
    for odd in ["niveau=%27", "sorter=x", "mine=1", "overskredne=%00"] {
        assert_eq!(
            coordinator.get(&format!("/sager?{odd}")).await.status,
            StatusCode::OK,
            "{odd}"
        );
    }
}

#[tokio::test]
async fn the_plan_coordinator_is_asked_for_the_plans_review_whether_on_the_team_or_the_coordinator()
{
    let app = TestApp::with_demo_users().await;
    const TASK: &str = "Opfølgning på handleplanen, som du koordinerer";
    // The core-group member coordinates the plan from the case's team.
    let (id, mut coordinator, mut core) = randers_case_in_follow_up(&app, "01.12.2026").await;
    assert!(core.get("/opgaver").await.body.contains(TASK));
    assert!(!coordinator.get("/opgaver").await.body.contains(TASK));
    // Handed to the coordinator, who sees the municipality's cases: theirs now, not the team's.
    let coordinator_id = app.user_id("coordinator@randers.demo").await;
    sqlx::query("update action_plans set plan_coordinator_user_id = $2 where case_id = $1")
        .bind(id)
        .bind(coordinator_id.0)
        .execute(&app.db)
        .await
        .expect("plan coordinator");
    assert!(coordinator.get("/opgaver").await.body.contains(TASK));
    assert!(!core.get("/opgaver").await.body.contains(TASK));
    // A review beyond the horizon is not a task yet.
    sqlx::query("update interventions set next_review_date = '2027-03-01' where case_id = $1")
        .bind(id)
        .execute(&app.db)
        .await
        .expect("review");
    assert!(!coordinator.get("/opgaver").await.body.contains(TASK));
}
