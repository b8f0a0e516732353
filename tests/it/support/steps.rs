//! The case steps as a user takes them over HTTP, for every test that needs a case at some
//! stage: open a case, screen it, triage, assess, plan, follow up.

use axum::http::StatusCode;
use infohus::domain::catalogue::ASSESSMENT_FACTORS;
use infohus::store::cases::{self, NewCase};
use uuid::Uuid;

use super::{Client, TestApp, TestResponse};

pub const CONFLICT: &str = "Sagen er blevet ændret af en anden";

/// Opens a case in `received` directly, with one concern joined to it, as intake would.
pub async fn open_case(app: &TestApp, slug: &str, name: &str, minor: bool) -> Uuid {
    let m = app.state.tenants.by_slug(slug).expect("municipality");
    let coordinator = app.user_id(&format!("coordinator@{slug}.demo")).await;
    let now = app.clock.now();
    let mut tx = app.db.begin().await.expect("tx");
    let (id, _) = cases::open(
        &mut tx,
        &NewCase {
            municipality_id: m.id,
            subject_name: name.to_owned(),
            subject_birth_date: None,
            subject_approx_age: Some(if minor { 15 } else { 24 }),
            subject_is_minor: minor,
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
    sqlx::query(
        "insert into concerns (id, municipality_id, case_id, status, source, reporter_name,
                               subject_name, subject_approx_age, subject_is_minor, observation,
                               kind, filed_at, received_at, linked_at)
         values ($1, $2, $3, 'linked', 'staff', 'Testmedarbejder', $4, $5, $6,
                 'Deler voldsforherligende videoer i klassens chat.', 'right_wing_extremism',
                 $7, $7, $7)",
    )
    .bind(Uuid::new_v4())
    .bind(m.id.0)
    .bind(id.0)
    .bind(name)
    .bind(if minor { 15i16 } else { 24i16 })
    .bind(minor)
    .bind(now)
    .execute(&mut *tx)
    .await
    .expect("concern");
    tx.commit().await.expect("commit");
    id.0
}

pub async fn stage(app: &TestApp, id: Uuid) -> String {
    sqlx::query_scalar("select stage from cases where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("stage")
}

pub async fn version(app: &TestApp, id: Uuid) -> String {
    let v: i32 = sqlx::query_scalar("select version from cases where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("version");
    v.to_string()
}

pub async fn count(app: &TestApp, sql: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("count")
}

pub async fn post_owned(c: &mut Client, path: &str, fields: &[(String, String)]) -> TestResponse {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &refs).await
}

pub fn see_other(r: &TestResponse) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

pub async fn send_to_screening(app: &TestApp, c: &mut Client, id: Uuid) {
    let v = version(app, id).await;
    see_other(
        &c.post(
            &format!("/sager/{id}/send-til-screening"),
            &[("version", &v)],
        )
        .await,
    );
}

pub async fn screen(app: &TestApp, police: &mut Client, id: Uuid, outcome: &str, note: &str) {
    let v = version(app, id).await;
    let r = police
        .post(
            &format!("/sager/{id}/screening"),
            &[("version", &v), ("outcome", outcome), ("note", note)],
        )
        .await;
    see_other(&r);
}

pub async fn triage(
    app: &TestApp,
    c: &mut Client,
    id: Uuid,
    police_email: &str,
    outcome: &str,
    referred: &str,
) {
    let v = version(app, id).await;
    let police = app.user_id(police_email).await.to_string();
    let r = c
        .post(
            &format!("/sager/{id}/faelles-vurdering"),
            &[
                ("version", &v),
                ("outcome", outcome),
                ("agreement", "phone"),
                ("police_user", &police),
                ("referred_to", referred),
                ("note", "Drøftet på telefon."),
            ],
        )
        .await;
    see_other(&r);
}

pub async fn add_to_team(app: &TestApp, c: &mut Client, id: Uuid, email: &str) {
    let v = version(app, id).await;
    let user = app.user_id(email).await.to_string();
    let r = c
        .post(
            &format!("/sager/{id}/team"),
            &[("version", &v), ("action", "add"), ("user", &user)],
        )
        .await;
    see_other(&r);
}

pub fn assessment_fields(
    version: &str,
    conclusion: &str,
    level: &str,
    person: &str,
    rating: &str,
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("version", version),
        ("meeting_date", "20.11.2026"),
        ("analysis_person", person),
        ("analysis_network", "Nye venner online; fjern fra de gamle."),
        (
            "analysis_ideology",
            "Deler højreekstreme memes, legitimerer vold.",
        ),
        (
            "analysis_intent_capability",
            "Ingen tegn på planer eller adgang til våben.",
        ),
        ("conclusion", conclusion),
        ("level", level),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for f in ASSESSMENT_FACTORS {
        fields.push((format!("rating_{}", f.id), rating.to_owned()));
    }
    fields
}

pub async fn assess(app: &TestApp, c: &mut Client, id: Uuid, conclusion: &str, level: &str) {
    let v = version(app, id).await;
    let r = post_owned(
        c,
        &format!("/sager/{id}/vurdering"),
        &assessment_fields(&v, conclusion, level, "Trives dårligt i skolen.", "some"),
    )
    .await;
    see_other(&r);
}

pub async fn plan(app: &TestApp, c: &mut Client, id: Uuid, coordinator_email: &str) {
    let v = version(app, id).await;
    let coordinator = app.user_id(coordinator_email).await.to_string();
    let r = c
        .post(
            &format!("/sager/{id}/handleplan"),
            &[
                ("version", &v),
                ("plan_coordinator", &coordinator),
                (
                    "goals",
                    "Fastholdelse i skolen og et fællesskab uden for miljøet.",
                ),
                ("notification_made", "ja"),
                ("notification_date", "19.11.2026"),
                ("notification_authority", "Børn og Familie, Myndighed"),
            ],
        )
        .await;
    see_other(&r);
}

pub async fn intervention(
    app: &TestApp,
    c: &mut Client,
    id: Uuid,
    owner_email: &str,
    type_id: &str,
    basis: &str,
    review: &str,
) {
    let v = version(app, id).await;
    let owner = app.user_id(owner_email).await.to_string();
    let r = c
        .post(
            &format!("/sager/{id}/indsatser/ny"),
            &[
                ("version", &v),
                ("type_id", type_id),
                ("type_other", ""),
                ("owner", &owner),
                ("authority", "Børn og Familie, Myndighed"),
                ("legal_basis", basis),
                ("legal_basis_other", ""),
                ("start_date", "20.11.2026"),
                ("next_review_date", review),
                ("status", "active"),
            ],
        )
        .await;
    see_other(&r);
}

pub async fn start_follow_up(app: &TestApp, c: &mut Client, id: Uuid) {
    let v = version(app, id).await;
    see_other(
        &c.post(&format!("/sager/{id}/til-opfoelgning"), &[("version", &v)])
            .await,
    );
}

/// A Randers case moved by HTTP up to the follow-up, with the core group on the team, a plan
/// coordinated by the core-group member and one mentor intervention they own.
pub async fn randers_case_in_follow_up(app: &TestApp, review: &str) -> (Uuid, Client, Client) {
    let id = open_case(app, "randers", "Mikkel Sørensen", true).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let mut police = app.signed_in("police@oestjyllands-politi.demo").await;
    let mut core = app.signed_in("core_group@randers.demo").await;
    send_to_screening(app, &mut coordinator, id).await;
    screen(app, &mut police, id, "cleared", "").await;
    triage(
        app,
        &mut coordinator,
        id,
        "police@oestjyllands-politi.demo",
        "within_remit",
        "",
    )
    .await;
    add_to_team(app, &mut coordinator, id, "core_group@randers.demo").await;
    assess(app, &mut core, id, "basis", "preemptive").await;
    plan(app, &mut core, id, "core_group@randers.demo").await;
    intervention(
        app,
        &mut core,
        id,
        "core_group@randers.demo",
        "mentor_under_18",
        "barnets_lov",
        review,
    )
    .await;
    start_follow_up(app, &mut core, id).await;
    assert_eq!(stage(app, id).await, "follow_up");
    (id, coordinator, core)
}

/// A minimal staff concern for the intake flow.
pub fn concern_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("acute", "nej"),
        ("subject_name", "Mikkel Sørensen"),
        ("subject_birth_date", "24.12.2010"),
        ("subject_connection", "Elev i 9.b"),
        (
            "observation",
            "Mikkel deler videoer, der hylder voldelige angreb, i klassens chat.",
        ),
        ("observed_when", "Siden september"),
        ("observed_where", "Klassens chat"),
        ("warning_signs", "spreads_violent_messages"),
        ("kind", "right_wing_extremism"),
        ("leader_informed", "ja"),
        ("reporter_name", "Sofie Lund"),
        ("reporter_email", "staff@randers.demo"),
    ]
}

/// Closes a case that has no open interventions as ended otherwise, as its coordinator.
pub async fn close_with_evaluation(app: &TestApp, id: Uuid) {
    let slug: String = sqlx::query_scalar(
        "select m.slug from cases c join municipalities m on m.id = c.municipality_id where c.id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .expect("municipality");
    let mut coordinator = app.signed_in(&format!("coordinator@{slug}.demo")).await;
    let v = version(app, id).await;
    let r = coordinator
        .post(
            &format!("/sager/{id}/afslut"),
            &[
                ("version", &v),
                ("reason", "ended_otherwise"),
                ("evaluation", "Flyttet til en anden kommune."),
            ],
        )
        .await;
    see_other(&r);
}
