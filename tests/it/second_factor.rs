//! The second factor of a password login: a role that requires it is sent to set up an app
//! before any page; a code logs in once; a recovery code works once; wrong codes lock the
//! account; an admin's reset ends every session and asks for a new app.

use axum::http::StatusCode;
use base64::Engine;
use infohus::auth::second_factor;
use infohus::domain::policy::Role;
use time::Duration;

use crate::support::{Client, DEMO_PASSWORD, TestApp, TestResponse};

const EMAIL: &str = "coordinator@randers.demo";

async fn app_requiring_factor() -> TestApp {
    let app = TestApp::with_settings(|s| {
        s.second_factor.required_roles = vec![Role::Coordinator, Role::Police, Role::Admin];
    })
    .await;
    infohus::seed::demo_users(&app.state)
        .await
        .expect("demo users")
        .expect("an empty database");
    app
}

fn sent_to(r: &TestResponse, path: &str) -> bool {
    r.status == StatusCode::SEE_OTHER && r.location().is_some_and(|l| l.starts_with(path))
}

/// The secret as the enrolment page shows it for typing (base32 in groups of four).
fn secret_on(page: &TestResponse) -> Vec<u8> {
    let text = page.texts("code.secret").concat().replace(' ', "");
    base32_decode(&text)
}

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base32") as u64;
        bits = (bits << 5) | v;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

fn code_now(app: &TestApp, secret: &[u8]) -> String {
    second_factor::code_at(secret, app.clock.now().unix_timestamp())
}

/// Signs in with the password and sets up the app; returns the secret and the recovery codes.
async fn enrol(app: &TestApp, client: &mut Client) -> (Vec<u8>, Vec<String>) {
    let r = client.login(EMAIL, DEMO_PASSWORD).await;
    assert!(sent_to(&r, "/konto/anden-faktor"), "{:?}", r.location());
    let page = client.get("/konto/anden-faktor?next=%2Fsager").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<svg role=\"img\""),
        "a QR code drawn on the server"
    );
    let secret = secret_on(&page);
    assert_eq!(secret.len(), 20);
    let done = client
        .post(
            "/konto/anden-faktor",
            &[("code", &code_now(app, &secret)), ("next", "/sager")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let codes = done.texts("ol.recovery-codes code");
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

#[tokio::test]
async fn a_required_role_without_a_factor_sets_one_up_before_any_page() {
    let app = app_requiring_factor().await;
    let mut client = app.client();
    let r = client.login(EMAIL, DEMO_PASSWORD).await;
    assert!(sent_to(&r, "/konto/anden-faktor?next=%2F"));
    // Half signed in: every page sends to the enrolment, the login is not yet audited.
    for path in ["/", "/sager", "/konto", "/admin/brugere"] {
        let r = client.get(path).await;
        assert!(
            sent_to(&r, "/konto/anden-faktor?next="),
            "{path}: {:?}",
            r.location()
        );
    }
    assert_eq!(app.audit_count("login").await, 0);

    // A wrong code is refused at its field, and counts towards the lock.
    let page = client.get("/konto/anden-faktor").await;
    let secret = secret_on(&page);
    let wrong = client
        .post("/konto/anden-faktor", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Koden passer ikke"));
    assert_eq!(secret_on(&wrong), secret, "the same secret until confirmed");
    assert_eq!(app.audit_count("second_factor_failed").await, 1);

    let done = client
        .post(
            "/konto/anden-faktor",
            &[("code", &code_now(&app, &secret)), ("next", "/sager")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("href=\"/sager\""));
    assert_eq!(client.get("/sager").await.status, StatusCode::OK);
    assert_eq!(app.audit_count("login").await, 1);
    assert_eq!(app.audit_count("second_factor_enrolled").await, 1);

    // The secret is sealed: the database holds neither it nor the recovery codes readable.
    let (sealed, codes): (Vec<u8>, i64) = sqlx::query_as(
        "select t.secret_sealed, (select count(*) from user_recovery_codes r where r.user_id = t.user_id)
         from user_totp t join users u on u.id = t.user_id where u.email = $1",
    )
    .bind(EMAIL)
    .fetch_one(&app.db)
    .await
    .expect("stored factor");
    assert_eq!(codes, 10);
    assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_slice()));
    let page = client.get("/konto").await;
    assert!(page.body.contains("10 ubrugte gendannelseskoder"));
}

#[tokio::test]
async fn a_code_logs_in_once_and_a_recovery_code_works_once() {
    let app = app_requiring_factor().await;
    let mut first = app.client();
    let (secret, recovery) = enrol(&app, &mut first).await;

    // The code that confirmed the app cannot log in again (replay).
    let mut second = app.client();
    let r = second.login(EMAIL, DEMO_PASSWORD).await;
    assert!(sent_to(&r, "/login/anden-faktor?next=%2F"));
    assert!(sent_to(&second.get("/sager").await, "/login/anden-faktor"));
    second.get("/login/anden-faktor").await;
    let replay = second
        .post("/login/anden-faktor", &[("code", &code_now(&app, &secret))])
        .await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(replay.body.contains("allerede brugt"));

    // Thirty seconds later the app shows a new code, which logs in once.
    app.clock.advance(Duration::seconds(30));
    let code = code_now(&app, &secret);
    let ok = second
        .post(
            "/login/anden-faktor",
            &[("code", &code), ("next", "/sager")],
        )
        .await;
    assert!(sent_to(&ok, "/sager"), "{}", ok.body);
    assert_eq!(second.get("/sager").await.status, StatusCode::OK);
    let mut third = app.client();
    third.login(EMAIL, DEMO_PASSWORD).await;
    third.get("/login/anden-faktor").await;
    let again = third.post("/login/anden-faktor", &[("code", &code)]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A code from too long ago is refused too.
    let old = second_factor::code_at(&secret, app.clock.now().unix_timestamp() - 120);
    let stale = third.post("/login/anden-faktor", &[("code", &old)]).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A recovery code, typed in lower case without its dash, works once.
    let typed = recovery[3].to_lowercase().replace('-', "");
    let ok = third.post("/login/anden-faktor", &[("code", &typed)]).await;
    assert!(sent_to(&ok, "/"), "{}", ok.body);
    assert_eq!(app.audit_count("recovery_code_used").await, 1);
    let mut fourth = app.client();
    fourth.login(EMAIL, DEMO_PASSWORD).await;
    fourth.get("/login/anden-faktor").await;
    let spent = fourth
        .post("/login/anden-faktor", &[("code", &recovery[3])])
        .await;
    assert_eq!(spent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        sent_to(&fourth.get("/konto").await, "/login/anden-faktor"),
        "still half signed in"
    );
    assert!(first.get("/konto").await.body.contains("9 ubrugte"));
}

#[tokio::test]
async fn guessing_the_code_locks_the_account_and_ends_the_session() {
    let app = app_requiring_factor().await;
    let mut first = app.client();
    let (secret, _) = enrol(&app, &mut first).await;
    let mut guesser = app.client();
    guesser.login(EMAIL, DEMO_PASSWORD).await;
    guesser.get("/login/anden-faktor").await;
    let mut last = None;
    for guess in 0..10 {
        // Past the growing delay after each failure, inside the hour that counts them.
        app.clock.advance(Duration::minutes(5));
        let mut code = format!("{:06}", 123_450 + guess);
        let now = app.clock.now().unix_timestamp();
        if (-1..=1).any(|d| second_factor::code_at(&secret, now + 30 * d) == code) {
            code = format!("{:06}", 654_320 + guess); // a guess that happens to be right
        }
        let r = guesser
            .post("/login/anden-faktor", &[("code", &code)])
            .await;
        last = Some(r);
        if sent_to(last.as_ref().expect("response"), "/login?spaerret=1") {
            break;
        }
    }
    let last = last.expect("guessed");
    assert!(sent_to(&last, "/login?spaerret=1"), "{:?}", last.status);
    assert_eq!(app.audit_count("login_locked").await, 1);
    // The half-made session is gone, and the right password with the right code is refused
    // while the lock lasts.
    assert!(sent_to(&guesser.get("/login/anden-faktor").await, "/login"));
    let mut owner = app.client();
    let r = owner.login(EMAIL, DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(Duration::minutes(16));
    let r = owner.login(EMAIL, DEMO_PASSWORD).await;
    assert!(sent_to(&r, "/login/anden-faktor"));
    owner.get("/login/anden-faktor").await;
    let ok = owner
        .post("/login/anden-faktor", &[("code", &code_now(&app, &secret))])
        .await;
    assert!(sent_to(&ok, "/"));
}

#[tokio::test]
async fn an_admin_reset_ends_every_session_and_asks_for_a_new_app() {
    let app = app_requiring_factor().await;
    let mut user = app.client();
    enrol(&app, &mut user).await;
    assert_eq!(user.get("/").await.status, StatusCode::OK);

    // The admin needs a factor too.
    let mut admin = app.client();
    let r = admin.login("admin@infohus.demo", DEMO_PASSWORD).await;
    assert!(sent_to(&r, "/konto/anden-faktor"));
    let page = admin.get("/konto/anden-faktor").await;
    let secret = secret_on(&page);
    let r = admin
        .post("/konto/anden-faktor", &[("code", &code_now(&app, &secret))])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(admin.get("/admin/brugere").await.status, StatusCode::OK);

    let id = app.user_id(EMAIL).await;
    let r = admin
        .post(&format!("/admin/brugere/{}/anden-faktor", id.0), &[])
        .await;
    assert!(sent_to(&r, "/admin/brugere"));
    assert_eq!(app.audit_count("second_factor_reset").await, 1);
    assert!(sent_to(&user.get("/").await, "/login"), "the session ended");
    let r = user.login(EMAIL, DEMO_PASSWORD).await;
    assert!(sent_to(&r, "/konto/anden-faktor"), "a new app is set up");
}

#[tokio::test]
async fn a_half_signed_in_session_can_log_out_and_reaches_nothing() {
    let app = app_requiring_factor().await;
    let mut client = app.client();
    client.login(EMAIL, DEMO_PASSWORD).await;
    let page = client.get("/konto/anden-faktor").await;
    assert_eq!(page.status, StatusCode::OK);
    // A POST to a case step is turned away before its handler.
    let r = client.post("/konto/adgangskode", &[]).await;
    assert!(sent_to(&r, "/konto/anden-faktor"));
    let r = client.post("/logout", &[]).await;
    assert!(sent_to(&r, "/login?logget_ud=1"));
    assert!(sent_to(&client.get("/konto/anden-faktor").await, "/login"));
}

#[tokio::test]
async fn a_user_whose_roles_do_not_require_it_may_still_set_one_up() {
    let app = app_requiring_factor().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    let page = staff.get("/konto").await;
    assert!(page.body.contains("Sæt anden faktor op"));
    let page = staff.get("/konto/anden-faktor").await;
    assert_eq!(page.status, StatusCode::OK);
    let secret = secret_on(&page);
    let r = staff
        .post("/konto/anden-faktor", &[("code", &code_now(&app, &secret))])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut again = app.client();
    let r = again.login("staff@randers.demo", DEMO_PASSWORD).await;
    assert!(
        sent_to(&r, "/login/anden-faktor"),
        "once set up, it is asked for"
    );
    // The key is the configured one, not in the database.
    let key = base64::engine::general_purpose::STANDARD
        .decode(crate::support::TEST_FACTOR_KEY)
        .expect("key");
    assert_eq!(key.len(), 32);
}
