//! Who reads which addenda: every kind of addition against every relation to a concern, on
//! every page that shows additions (the case page, the concern page, the intake page). The
//! coordinators' internal notes reach nobody but the municipality's coordinators.

use axum::http::StatusCode;
use infohus::domain::intake::AddendumKind;
use infohus::store::cases::{self, NewCase};
use uuid::Uuid;

use crate::support::TestApp;
use AddendumKind::*;

/// The text an addendum of this kind carries, so a page can be searched for it.
fn marker(kind: AddendumKind) -> String {
    format!("ADDENDUM-{}", kind.as_str().to_uppercase())
}

/// A Randers concern filed by `staff@randers.demo` in their unit, with one addendum of every
/// kind; linked to a new case when `linked`, else waiting in the intake queue.
async fn concern_with_every_addendum(app: &TestApp, linked: bool) -> (Uuid, Option<Uuid>) {
    let m = app.state.tenants.by_slug("randers").expect("municipality");
    let coordinator = app.user_id("coordinator@randers.demo").await;
    let staff = app.user_id("staff@randers.demo").await;
    let now = app.clock.now();
    let mut tx = app.db.begin().await.expect("tx");
    let case_id = if linked {
        let (id, _) = cases::open(
            &mut tx,
            &NewCase {
                municipality_id: m.id,
                subject_name: "Villads Krogh".to_owned(),
                subject_birth_date: None,
                subject_approx_age: Some(15),
                subject_is_minor: true,
                subject_cpr: None,
                subject_address: None,
                subject_address_protected: false,
            },
            &m.profile.reference_prefix,
            coordinator,
            now,
        )
        .await
        .expect("case");
        Some(id.0)
    } else {
        None
    };
    let concern = Uuid::new_v4();
    sqlx::query(
        "insert into concerns (id, municipality_id, case_id, status, source, reporter_user_id,
                               unit_id, reporter_name, subject_name, subject_approx_age,
                               subject_is_minor, observation, kind, filed_at, received_at,
                               linked_at)
         select $1, $2, $3, $4, 'staff', u.id, u.unit_id, u.name, 'Villads Krogh', 15, true,
                'Deler voldsforherligende videoer i klassens chat.', 'right_wing_extremism',
                $5, $5, case when $3::uuid is null then null else $5 end
         from users u where u.id = $6",
    )
    .bind(concern)
    .bind(m.id.0)
    .bind(case_id)
    .bind(if linked { "linked" } else { "received" })
    .bind(now)
    .bind(staff.0)
    .execute(&mut *tx)
    .await
    .expect("concern");
    for kind in AddendumKind::ALL {
        sqlx::query(
            "insert into concern_addenda (id, concern_id, author_user_id, kind, body, created_at)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::new_v4())
        .bind(concern)
        .bind(coordinator.0)
        .bind(kind.as_str())
        .bind(marker(kind))
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("addendum");
    }
    tx.commit().await.expect("commit");
    (concern, case_id)
}

/// Asserts that the page shows exactly the kinds in `expected`.
fn assert_shows(who: &str, page: &str, body: &str, expected: &[AddendumKind]) {
    for kind in AddendumKind::ALL {
        let shown = body.contains(&marker(kind));
        assert_eq!(
            shown,
            expected.contains(&kind),
            "{who} on {page}: {kind:?} {}",
            if shown { "is shown" } else { "is missing" }
        );
    }
}

const ALL_BUT_COORDINATOR_NOTE: [AddendumKind; 5] = [
    LeaderRemark,
    KeyEmployeeNote,
    Correction,
    QuestionToReporter,
    ReporterReply,
];

#[tokio::test]
async fn the_case_page_shows_each_reader_only_the_addenda_they_may_see() {
    let app = TestApp::with_demo_users().await;
    let (_, case) = concern_with_every_addendum(&app, true).await;
    let case = case.expect("linked");
    let path = format!("/sager/{case}");
    // The core-group member reads the case through the team.
    let core = app.user_id("core_group@randers.demo").await;
    let coordinator = app.user_id("coordinator@randers.demo").await;
    sqlx::query(
        "insert into case_team (case_id, user_id, added_by, added_at) values ($1, $2, $3, now())",
    )
    .bind(case)
    .bind(core.0)
    .bind(coordinator.0)
    .execute(&app.db)
    .await
    .expect("team");

    let mut c = app.signed_in("coordinator@randers.demo").await;
    let r = c.get(&path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_shows("coordinator", &path, &r.body, &AddendumKind::ALL);

    for who in ["police@oestjyllands-politi.demo", "core_group@randers.demo"] {
        let mut c = app.signed_in(who).await;
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
        assert_shows(who, &path, &r.body, &ALL_BUT_COORDINATOR_NOTE);
        assert!(!r.body.contains("Infohus-tovholderens note"), "{who}");
    }

    // Nobody else reads the case at all.
    for who in [
        "police@koebenhavns-vestegns-politi.demo",
        "coordinator@ballerup.demo",
        "staff@randers.demo",
        "leader@randers.demo",
    ] {
        let mut c = app.signed_in(who).await;
        let r = c.get(&path).await;
        assert!(
            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
            "{who}: {}",
            r.status
        );
        assert_shows(who, &path, &r.body, &[]);
    }
}

#[tokio::test]
async fn the_concern_page_shows_each_reader_only_the_addenda_they_may_see() {
    let app = TestApp::with_demo_users().await;
    let (concern, _) = concern_with_every_addendum(&app, true).await;
    let path = format!("/bekymringer/{concern}");
    let readers: [(&str, &[AddendumKind]); 4] = [
        ("coordinator@randers.demo", &AddendumKind::ALL),
        ("leader@randers.demo", &ALL_BUT_COORDINATOR_NOTE),
        ("key_employee@randers.demo", &[KeyEmployeeNote, Correction]),
        (
            "staff@randers.demo",
            &[Correction, QuestionToReporter, ReporterReply],
        ),
    ];
    for (who, expected) in readers {
        let mut c = app.signed_in(who).await;
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
        assert_shows(who, &path, &r.body, expected);
    }
    for who in [
        "police@oestjyllands-politi.demo",
        "core_group@randers.demo",
        "staff2@randers.demo",
        "leader2@randers.demo",
        "coordinator@ballerup.demo",
    ] {
        let mut c = app.signed_in(who).await;
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        assert_shows(who, &path, &r.body, &[]);
    }
}

#[tokio::test]
async fn the_intake_page_shows_the_coordinator_every_addendum() {
    let app = TestApp::with_demo_users().await;
    let (concern, _) = concern_with_every_addendum(&app, false).await;
    let path = format!("/infohus/indgang/{concern}");
    let mut c = app.signed_in("coordinator@randers.demo").await;
    let r = c.get(&path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_shows("coordinator", &path, &r.body, &AddendumKind::ALL);
    let mut c = app.signed_in("coordinator@ballerup.demo").await;
    let r = c.get(&path).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_shows("another municipality's coordinator", &path, &r.body, &[]);
}
