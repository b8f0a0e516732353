//! Name and address protection (navne- og adressebeskyttelse) and the case's journal number:
//! the address reaches the municipality's coordinators on screen and nobody else, on no page
//! and on no print; the coordinator sets and lifts the protection on "Sagens oplysninger".

use std::collections::{BTreeSet, VecDeque};

use axum::http::StatusCode;
use scraper::{Html, Selector};
use uuid::Uuid;

use crate::intake::{file, post_fields};
use crate::support::steps::{open_case, version};
use crate::support::{Client, TestApp};

/// Asta Lind's address in the demo data; she has name and address protection.
const PROTECTED: &str = "Skovbakken 3";
/// Noah Brandt's, who has none: shown to whoever may see his case.
const PLAIN: &str = "Vestergade 14";

/// The text a printer would put on paper: everything outside `.no-print`.
fn printed_text(body: &str) -> String {
    let html = Html::parse_document(body);
    let mut out = String::new();
    for node in html.root_element().descendants() {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            a.value().as_element().is_some_and(|e| {
                e.classes().any(|c| c == "no-print") || matches!(e.name(), "script" | "style")
            })
        });
        if !hidden {
            out.push_str(text);
        }
    }
    out
}

/// Every page a user reaches by following links from the home page (GET only), plus `extra`.
async fn crawl(client: &mut Client, extra: &[String]) -> Vec<(String, String)> {
    let links = Selector::parse("a[href]").expect("selector");
    let mut queue: VecDeque<String> = VecDeque::from(vec!["/".to_owned()]);
    queue.extend(extra.iter().cloned());
    let mut seen = BTreeSet::new();
    let mut pages = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || pages.len() >= 300 {
            continue;
        }
        let response = client.get(&path).await;
        assert!(!response.status.is_server_error(), "{path}");
        if response.status != StatusCode::OK {
            continue;
        }
        for a in response.html().select(&links) {
            let Some(href) = a.value().attr("href") else {
                continue;
            };
            let href = href.split('#').next().unwrap_or_default();
            if href.starts_with('/') && !href.starts_with("/static") && href != "/logout" {
                queue.push_back(href.to_owned());
            }
        }
        pages.push((path, response.body));
    }
    pages
}

async fn id_of(app: &TestApp, sql: &str, name: &str) -> Uuid {
    sqlx::query_scalar(sql)
        .bind(name)
        .fetch_one(&app.db)
        .await
        .expect("demo row")
}

#[tokio::test]
async fn a_protected_address_reaches_only_the_coordinators_screen_on_every_page_of_every_role() {
    let app = TestApp::new().await;
    infohus::seed::demo(&app.state)
        .await
        .expect("demo")
        .expect("an empty database");
    let case = id_of(
        &app,
        "select id from cases where subject_name = $1",
        "Asta Lind",
    )
    .await;
    let concern = id_of(
        &app,
        "select id from concerns where subject_name = $1",
        "Asta Lind",
    )
    .await;
    let plain_case = id_of(
        &app,
        "select id from cases where subject_name = $1",
        "Noah Brandt",
    )
    .await;
    let extra = vec![
        format!("/sager/{case}"),
        format!("/bekymringer/{concern}"),
        format!("/sager/{plain_case}"),
    ];

    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let pages = crawl(&mut coordinator, &extra).await;
    let case_page = &pages
        .iter()
        .find(|(p, _)| *p == format!("/sager/{case}"))
        .expect("the case page")
        .1;
    assert!(
        case_page.contains("Navne- og adressebeskyttelse."),
        "the banner"
    );
    assert!(
        case_page.contains(PROTECTED),
        "the coordinator sees it on screen"
    );
    for (path, body) in &pages {
        assert!(
            !printed_text(body).contains(PROTECTED),
            "{path} prints the protected address"
        );
    }
    let plain_page = &pages
        .iter()
        .find(|(p, _)| *p == format!("/sager/{plain_case}"))
        .expect("Noah's case")
        .1;
    assert!(printed_text(plain_page).contains(PLAIN));

    let others = [
        "staff@randers.demo",
        "staff2@randers.demo",
        "leader@randers.demo",
        "leader2@randers.demo",
        "key_employee@randers.demo",
        "core_group@randers.demo",
        "steering_group@randers.demo",
        "police@oestjyllands-politi.demo",
        "admin@infohus.demo",
        "coordinator@ballerup.demo",
    ];
    let mut saw_case_masked = 0;
    for email in others {
        let mut client = app.signed_in(email).await;
        for (path, body) in crawl(&mut client, &extra).await {
            assert!(
                !body.contains(PROTECTED),
                "{email} sees the address on {path}"
            );
            if path.ends_with(&case.to_string()) || path.ends_with(&concern.to_string()) {
                assert!(body.contains("Beskyttet adresse"), "{email} on {path}");
                saw_case_masked += 1;
            }
        }
    }
    assert!(
        saw_case_masked >= 2,
        "the police and the reporter reach Asta's case or concern"
    );
}

#[tokio::test]
async fn a_concern_filed_with_protection_protects_the_case_it_opens_and_the_case_it_joins() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@ballerup.demo").await;
    let mut coordinator = app.signed_in("coordinator@ballerup.demo").await;
    let address = "Rosenvænget 9, 2750 Ballerup";
    let first = file(
        &mut staff,
        &[
            ("reporter_name", "Emil Nørgaard"),
            ("subject_address", address),
            ("subject_address_protected", "ja"),
        ],
    )
    .await;
    let protected: bool =
        sqlx::query_scalar("select subject_address_protected from concerns where id = $1")
            .bind(first)
            .fetch_one(&app.db)
            .await
            .expect("concern");
    assert!(protected);
    let own = staff.get(&format!("/bekymringer/{first}")).await;
    assert!(own.body.contains("Beskyttet adresse"));
    assert!(
        !own.body.contains("Rosenvænget"),
        "not even to the reporter"
    );

    let intake = coordinator.get(&format!("/infohus/indgang/{first}")).await;
    assert_eq!(
        intake.field_value("subject_address").as_deref(),
        Some(address)
    );
    let checked = Selector::parse("input[name=subject_address_protected][checked]").expect("sel");
    assert!(intake.html().select(&checked).next().is_some());
    // The coordinator's form without the tick: the concern's protection holds all the same.
    let r = coordinator
        .post(
            &format!("/infohus/indgang/{first}/opret-sag"),
            &[
                ("version", "1"),
                ("subject_name", "Mikkel Sørensen"),
                ("subject_birth_date", "24.12.2010"),
                ("subject_under_18", "ja"),
                ("subject_address", address),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (case, flag): (Uuid, bool) =
        sqlx::query_as("select id, subject_address_protected from cases")
            .fetch_one(&app.db)
            .await
            .expect("the case");
    assert!(flag);

    // A second person's case, unprotected, is protected once a protected concern joins it.
    let other = open_case(&app, "ballerup", "Jonas Friis", true).await;
    let second = file(
        &mut staff,
        &[
            ("reporter_name", "Emil Nørgaard"),
            ("subject_name", "Jonas Friis"),
            ("subject_address_protected", "ja"),
        ],
    )
    .await;
    let reference: String = sqlx::query_scalar("select reference from cases where id = $1")
        .bind(other)
        .fetch_one(&app.db)
        .await
        .expect("reference");
    coordinator.get(&format!("/infohus/indgang/{second}")).await;
    let r = coordinator
        .post(
            &format!("/infohus/indgang/{second}/tilknyt"),
            &[("version", "1"), ("reference", &reference)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let flags: Vec<bool> =
        sqlx::query_scalar("select subject_address_protected from cases where id in ($1, $2)")
            .bind(case)
            .bind(other)
            .fetch_all(&app.db)
            .await
            .expect("flags");
    assert_eq!(flags, vec![true, true]);

    // A tick that is not a tick is refused in Danish with what was typed kept.
    let form = crate::intake::concern_form(&[
        ("reporter_name", "Emil Nørgaard"),
        ("subject_address", address),
        ("subject_address_protected", "måske"),
    ]);
    staff.get("/bekymringer/ny?akut=nej").await;
    let r = post_fields(&mut staff, "/bekymringer/ny", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("navne- og adressebeskyttelse, ellers lad feltet være tomt")
    );
    assert_eq!(r.field_value("subject_address").as_deref(), Some(address));
}

#[tokio::test]
async fn the_coordinator_records_the_journal_number_and_lifts_the_protection_with_a_reason() {
    let app = TestApp::with_demo_users().await;
    let case = open_case(&app, "randers", "Testperson Hansen", true).await;
    let path = format!("/sager/{case}/oplysninger");
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;

    let form = coordinator.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let v = version(&app, case).await;
    let too_long = "J".repeat(61);
    let r = coordinator
        .post(
            &path,
            &[
                ("version", &v),
                ("journal_number", &too_long),
                ("subject_address_protected", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("højst 60 tegn"));
    assert_eq!(
        r.field_value("journal_number").as_deref(),
        Some(too_long.as_str())
    );

    let r = coordinator
        .post(
            &path,
            &[
                ("version", &v),
                ("journal_number", " 27.00.00-G01-123-26 "),
                ("subject_address_protected", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (flag, journal): (bool, Option<String>) =
        sqlx::query_as("select subject_address_protected, journal_number from cases where id = $1")
            .bind(case)
            .fetch_one(&app.db)
            .await
            .expect("case");
    assert!(flag);
    assert_eq!(journal.as_deref(), Some("27.00.00-G01-123-26"));
    let page = coordinator.get(&format!("/sager/{case}")).await;
    assert!(page.body.contains("Journalnummer (ESDH)"));
    assert!(page.body.contains("27.00.00-G01-123-26"));
    assert!(
        page.body
            .contains("Navne- og adressebeskyttelse registreret")
    );
    assert_eq!(app.audit_count("case_details_changed").await, 1);

    // Lifting needs a reason; a form on the old version is a conflict with the text kept.
    let r = coordinator
        .post(&path, &[("version", &version(&app, case).await)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Feltet skal udfyldes."));
    let r = coordinator
        .post(&path, &[("version", &v), ("reason", "Ophævet i CPR")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.field_value("reason").as_deref(), Some("Ophævet i CPR"));
    let r = coordinator
        .post(
            &path,
            &[
                ("version", &version(&app, case).await),
                ("journal_number", "27.00.00-G01-123-26"),
                ("reason", "Ophævet i CPR"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let history: Vec<(String, Option<String>)> = sqlx::query_as(
        "select move, reason from case_history where case_id = $1 order by occurred_at, id",
    )
    .bind(case)
    .fetch_all(&app.db)
    .await
    .expect("history");
    let tail: Vec<_> = history.iter().rev().take(2).rev().cloned().collect();
    assert_eq!(
        tail,
        vec![
            (
                "details_changed".to_owned(),
                Some(
                    "Navne- og adressebeskyttelse registreret. Journalnummer: 27.00.00-G01-123-26"
                        .to_owned()
                )
            ),
            (
                "address_protection_lifted".to_owned(),
                Some("Ophævet i CPR".to_owned())
            ),
        ]
    );

    // The page is the coordinator's: the police may see the case, not change these.
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    assert_eq!(police.get(&path).await.status, StatusCode::FORBIDDEN);
    let mut other = app.signed_in("coordinator@ballerup.demo").await;
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
}
