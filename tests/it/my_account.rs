//! "Min konto": changing the password needs the current one and ends every other session; the
//! user sees their sessions and ends any of them, whose cookie is dead at once.

use axum::http::StatusCode;

use crate::support::{DEMO_PASSWORD, TestApp};

const EMAIL: &str = "coordinator@randers.demo";
const NEW_PASSWORD: &str = "en helt ny og lang adgangssætning";

fn sent_to_login(r: &crate::support::TestResponse) -> bool {
    r.status == StatusCode::SEE_OTHER && r.location().is_some_and(|l| l.starts_with("/login"))
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_every_other_session() {
    let app = TestApp::with_demo_users().await;
    let mut here = app.signed_in(EMAIL).await;
    let mut elsewhere = app.signed_in(EMAIL).await;
    assert_eq!(elsewhere.get("/").await.status, StatusCode::OK);

    let page = here.get("/konto").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("table.data tbody tr").len(), 2);

    let r = here
        .post(
            "/konto/adgangskode",
            &[
                ("current_password", "forkert forkert forkert"),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Den nuværende adgangskode er forkert."));
    assert_eq!(app.audit_count("password_change_failed").await, 1);
    let failed: i32 = sqlx::query_scalar("select failed_logins from users where email = $1")
        .bind(EMAIL)
        .fetch_one(&app.db)
        .await
        .expect("user");
    assert_eq!(failed, 1, "counts towards the account's throttle");

    let r = here
        .post(
            "/konto/adgangskode",
            &[
                ("current_password", DEMO_PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_repeat", "noget andet end det første"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("De to adgangskoder er ikke ens."));

    let r = here
        .post(
            "/konto/adgangskode",
            &[
                ("current_password", DEMO_PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/konto"));
    // This session goes on; the other one is dead at once.
    let page = here.get("/konto").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("logget ud af 1 andre sessioner"));
    assert!(sent_to_login(&elsewhere.get("/").await));
    assert_eq!(app.audit_count("password_changed").await, 1);

    let mut old = app.client();
    assert_ne!(
        old.login(EMAIL, DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let mut new = app.client();
    assert_eq!(
        new.login(EMAIL, NEW_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn ending_a_session_on_min_konto_makes_its_cookie_dead_at_once() {
    let app = TestApp::with_demo_users().await;
    let mut here = app.signed_in(EMAIL).await;
    let mut elsewhere = app.signed_in(EMAIL).await;
    let mut someone = app.signed_in("police@oestjyllands-politi.demo").await;

    let page = here.get("/konto").await;
    let forms = scraper::Selector::parse("table.data form").expect("selector");
    let actions: Vec<String> = page
        .html()
        .select(&forms)
        .filter_map(|f| f.value().attr("action").map(str::to_owned))
        .collect();
    assert_eq!(actions.len(), 2);
    let this_one = page
        .texts("table.data tbody tr")
        .iter()
        .position(|t| t.contains("Denne session"))
        .expect("this session is marked");
    let other = &actions[1 - this_one];

    // Nobody else may end it: it is not theirs to know of.
    assert_eq!(someone.post(other, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(elsewhere.get("/").await.status, StatusCode::OK);

    let r = here.post(other, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(sent_to_login(&elsewhere.get("/").await));
    assert_eq!(here.get("/").await.status, StatusCode::OK);
    assert_eq!(app.audit_count("session_ended").await, 1);
    // Ending it twice, or an id that is no session at all, is simply not found.
    assert_eq!(here.post(other, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        here.post("/konto/sessioner/ikke-et-id/afslut", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Logging out here from the list ends this session too.
    let mine = actions[this_one].clone();
    let r = here.post(&mine, &[]).await;
    assert!(r.location().is_some_and(|l| l.starts_with("/login")));
    assert!(sent_to_login(&here.get("/").await));
}

#[tokio::test]
async fn an_admin_ends_all_of_a_users_sessions_and_the_account_stays_active() {
    let app = TestApp::with_demo_users().await;
    let mut one = app.signed_in(EMAIL).await;
    let mut two = app.signed_in(EMAIL).await;
    let id = app.user_id(EMAIL).await;
    let path = format!("/admin/brugere/{id}/sessioner");
    assert_eq!(one.post(&path, &[]).await.status, StatusCode::FORBIDDEN);
    let mut admin = app.signed_in("admin@infohus.demo").await;
    let r = admin.post(&path, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(sent_to_login(&one.get("/").await));
    assert!(sent_to_login(&two.get("/").await));
    assert_eq!(app.audit_count("session_ended").await, 1);
    app.signed_in(EMAIL).await;
}
