//! Alerts and their mail: raised in the transaction of the change, shown under "Beskeder",
//! mailed through a real SMTP server started by the test, never with personal data; the
//! outbox survives a server that is down, two senders send each mail once, the daily mail
//! gathers a user's day, the deadlines raise theirs once.

use axum::http::StatusCode;
use infohus::config::MailSecurity;
use infohus::mail::{self, Mailer};
use uuid::Uuid;

use crate::support::smtp::{MailServer, Received};
use crate::support::steps::{self, concern_fields};
use crate::support::{Client, TestApp};

const STAFF: &str = "staff@randers.demo";
const LEADER: &str = "leader@randers.demo";

/// The app with the demo users, mailing through 127.0.0.1:`port`.
async fn app_mailing_to(port: u16) -> TestApp {
    let app = TestApp::with_settings(|s| {
        s.mail.smtp_host = "127.0.0.1".to_owned();
        s.mail.smtp_port = port;
        s.mail.security = MailSecurity::None;
        s.mail.timeout_seconds = 5;
        s.server.public_url = "https://infohus.example.dk".to_owned();
    })
    .await;
    infohus::seed::demo_users(&app.state)
        .await
        .expect("demo users")
        .expect("an empty database");
    app
}

fn mailer(app: &TestApp) -> Mailer {
    Mailer::from_settings(&app.state.settings.mail)
        .expect("mail settings")
        .expect("a mail server is configured")
}

/// The concern the tests file: a person with a name, a CPR number and a story.
fn concern_typed() -> Vec<(&'static str, &'static str)> {
    let mut fields = concern_fields();
    fields.push(("subject_cpr", "241210-4231"));
    fields
}

async fn file(staff: &mut Client) -> Uuid {
    staff.get("/bekymringer/ny?akut=nej").await;
    let r = staff.post("/bekymringer/ny", &concern_typed()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r
        .location()
        .and_then(|l| l.strip_prefix("/bekymringer/"))
        .expect("to the concern");
    Uuid::parse_str(id).expect("an id")
}

fn to(mails: &[Received], email: &str) -> Vec<Received> {
    mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t.contains(email)))
        .cloned()
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_concern_filed_in_randers_mails_the_leader_a_link_and_nothing_about_the_person() {
    let server = MailServer::start();
    let app = app_mailing_to(server.port).await;
    let mut staff = app.signed_in(STAFF).await;
    let concern = file(&mut staff).await;
    let round = mail::send_pending(&app.state, &mailer(&app))
        .await
        .expect("send");
    assert_eq!(round.sent, 1, "{round:?}");
    let mails = to(&server.received(), LEADER);
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(
        mail.subject,
        "Infohus Randers: Der er en ny bekymring i din indbakke"
    );
    // Nothing the reporter typed reaches the mailbox: not the person, not the story.
    let text = format!("{}\n{}", mail.subject, mail.body);
    for (field, value) in concern_typed() {
        if matches!(
            field,
            "acute" | "leader_informed" | "kind" | "warning_signs"
        ) {
            continue;
        }
        for word in value.split([' ', ',', '.']).filter(|w| w.len() > 3) {
            assert!(!text.contains(word), "{field}: {word:?} in {text}");
        }
    }
    assert!(!text.contains("241210"));
    assert!(!text.contains("2010"));
    // The link leads to the concern, behind the login.
    let link = mail
        .body
        .lines()
        .find_map(|l| l.trim().strip_prefix("https://infohus.example.dk"))
        .filter(|path| path.starts_with("/bekymringer/"))
        .expect("a link to the concern");
    assert_eq!(link, format!("/bekymringer/{concern}"));
    let anonymous = app.client().get(link).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().unwrap_or("").starts_with("/login"));
    let mut leader = app.signed_in(LEADER).await;
    assert_eq!(leader.get(link).await.status, StatusCode::OK);
}

#[tokio::test]
async fn alerts_kept_while_no_mail_server_was_set_up_are_not_mailed_days_later() {
    let server = MailServer::start();
    let app = app_mailing_to(server.port).await;
    let mut staff = app.signed_in(STAFF).await;
    file(&mut staff).await;
    // The installation ran without a mail server for four days; then one is set up.
    app.clock.advance(time::Duration::days(4));
    let mut staff = app.signed_in(STAFF).await;
    file(&mut staff).await;
    let round = mail::send_pending(&app.state, &mailer(&app))
        .await
        .expect("send");
    assert_eq!((round.sent, round.skipped), (1, 1), "{round:?}");
    assert_eq!(to(&server.received(), LEADER).len(), 1);
    // Both are still in the leader's "Beskeder".
    let mut leader = app.signed_in(LEADER).await;
    assert_eq!(leader.get("/beskeder").await.texts("main li").len(), 2);
}

#[tokio::test]
async fn mail_waits_while_the_server_is_down_and_arrives_once_when_it_is_back() {
    let port = MailServer::free_port();
    let app = app_mailing_to(port).await;
    let mut staff = app.signed_in(STAFF).await;
    for _ in 0..3 {
        file(&mut staff).await;
    }
    let mailer = mailer(&app);
    let down = mail::send_pending(&app.state, &mailer).await.expect("send");
    assert_eq!((down.sent, down.retried, down.failed), (0, 3, 0));
    assert_eq!(
        count(
            &app,
            "select count(*) from alerts where mail_state = 'pending' and attempts = 1
               and last_error is not null"
        )
        .await,
        3
    );
    let server = MailServer::start_on(port, &[]);
    // Not before their next try is due.
    let early = mail::send_pending(&app.state, &mailer).await.expect("send");
    assert_eq!(early.sent, 0);
    app.clock.advance(time::Duration::minutes(2));
    let back = mail::send_pending(&app.state, &mailer).await.expect("send");
    assert_eq!(back.sent, 3);
    let again = mail::send_pending(&app.state, &mailer).await.expect("send");
    assert_eq!(again.sent, 0);
    assert_eq!(to(&server.received(), LEADER).len(), 3);
    assert_eq!(
        count(
            &app,
            "select count(*) from alerts where mail_state = 'sent'"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn two_senders_on_one_database_send_each_mail_once() {
    let server = MailServer::start();
    let app = app_mailing_to(server.port).await;
    let mut staff = app.signed_in(STAFF).await;
    for _ in 0..12 {
        file(&mut staff).await;
    }
    let (second, _) = app.second_instance().await;
    let (a, b) = (mailer(&app), mailer(&app));
    let (first, other) = tokio::join!(
        mail::send_pending(&app.state, &a),
        mail::send_pending(&second, &b)
    );
    let (first, other) = (first.expect("first"), other.expect("second"));
    assert_eq!(first.sent + other.sent, 12, "{first:?} {other:?}");
    assert_eq!(server.received().len(), 12);
}

#[tokio::test]
async fn the_daily_mail_gathers_a_users_alerts_into_one_mail() {
    let server = MailServer::start();
    let app = app_mailing_to(server.port).await;
    let mut leader = app.signed_in(LEADER).await;
    leader.get("/indstillinger").await;
    let r = leader.post("/indstillinger", &[("mail", "daily")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("alert_settings_changed").await, 1);
    let mut staff = app.signed_in(STAFF).await;
    for _ in 0..3 {
        file(&mut staff).await;
    }
    let mailer = mailer(&app);
    let now = mail::send_pending(&app.state, &mailer).await.expect("send");
    assert_eq!(now.sent, 0, "the leader chose the daily mail");
    let daily = mail::send_daily(&app.state, &mailer).await.expect("daily");
    assert_eq!(daily.sent, 1);
    let mails = to(&server.received(), LEADER);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "Infohus: 3 beskeder siden i går");
    assert_eq!(
        mails[0]
            .body
            .matches("Der er en ny bekymring i din indbakke")
            .count(),
        3
    );
    let again = mail::send_daily(&app.state, &mailer).await.expect("daily");
    assert_eq!(again.sent, 0);
    // A choice that is not on the form is refused at the field.
    let r = leader
        .post("/indstillinger", &[("mail", "'; drop table users")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Vælg, hvordan du vil have beskeder på mail.")
    );
}

#[tokio::test]
async fn a_deactivated_user_is_not_mailed_and_a_refused_mail_fails_after_the_last_try() {
    let server = MailServer::start_on(MailServer::free_port(), &[LEADER]);
    let app = app_mailing_to(server.port).await;
    let mut staff = app.signed_in(STAFF).await;
    file(&mut staff).await;
    let mailer = mailer(&app);
    let mut last = mail::send_pending(&app.state, &mailer).await.expect("send");
    for _ in 1..infohus::domain::alerts::MAX_ATTEMPTS {
        app.clock.advance(time::Duration::hours(3));
        last = mail::send_pending(&app.state, &mailer).await.expect("send");
    }
    assert_eq!(last.failed, 1, "{last:?}");
    assert!(server.received().is_empty());
    let mut admin = app.signed_in("admin@infohus.demo").await;
    let page = admin.get("/admin/udgaaende-post").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Mislykket"));
    assert!(page.body.contains("550"));
    assert!(page.body.contains("Henrik Mølgaard"));
    assert!(!page.body.contains("Mikkel"));
    // Others may not see it.
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(
        coordinator.get("/admin/udgaaende-post").await.status,
        StatusCode::FORBIDDEN
    );

    // A user deactivated before their mail went out is not mailed. The
    // clock has moved a day and a half, past the session's absolute limit.
    let mut staff = app.signed_in(STAFF).await;
    file(&mut staff).await;
    sqlx::query("update users set active = false where email = $1")
        .bind(LEADER)
        .execute(&app.db)
        .await
        .expect("deactivate");
    let round = mail::send_pending(&app.state, &mailer).await.expect("send");
    assert_eq!((round.sent, round.skipped), (0, 1));
}

#[tokio::test]
async fn the_header_counts_unread_alerts_and_opening_one_marks_it_read() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in(STAFF).await;
    let concern = file(&mut staff).await;
    let mut leader = app.signed_in(LEADER).await;
    let home = leader.get("/").await;
    let badge = home.texts(".user-box__alerts .badge");
    assert_eq!(badge, vec!["1 ulæste".to_owned()], "{badge:?}");
    let list = leader.get("/beskeder").await;
    assert!(list.body.contains("Der er en ny bekymring i din indbakke"));
    assert!(list.body.contains("Infohus Randers"));
    let id: i64 = sqlx::query_scalar("select id from alerts where kind = 'concern_in_inbox'")
        .fetch_one(&app.db)
        .await
        .expect("the alert");
    // Someone else's alert does not exist for them.
    assert_eq!(
        staff.post(&format!("/beskeder/{id}"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        staff.post("/beskeder/x", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let open = leader.post(&format!("/beskeder/{id}"), &[]).await;
    assert_eq!(open.status, StatusCode::SEE_OTHER);
    assert_eq!(
        open.location(),
        Some(format!("/bekymringer/{concern}").as_str())
    );
    let home = leader.get("/").await;
    assert!(home.texts(".user-box__alerts .badge").is_empty());
    // The staff member was told nothing yet (the leader has not sent it on); a question back
    // tells them.
    assert_eq!(
        count(
            &app,
            "select count(*) from alerts a join users u on u.id = a.user_id
             where u.email = 'staff@randers.demo'"
        )
        .await,
        0
    );
    let settings = leader.get("/indstillinger").await;
    assert!(settings.body.contains("Henrik Mølgaard"));
    assert!(settings.body.contains("leader@randers.demo"));
    assert!(settings.body.contains("Der er ikke sat en mailserver op"));
}

#[tokio::test]
async fn sending_a_case_to_screening_and_adding_to_its_team_tell_whom_it_concerns() {
    let app = TestApp::with_demo_users().await;
    let id = steps::open_case(&app, "randers", "Alma Berg", true).await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    steps::send_to_screening(&app, &mut coordinator, id).await;
    let police = count(
        &app,
        "select count(*) from alerts a join users u on u.id = a.user_id
         where a.kind = 'case_to_screening' and 'police' = any (u.roles)",
    )
    .await;
    assert_eq!(police, 1);
    assert_eq!(
        count(
            &app,
            "select count(*) from alerts where kind = 'case_to_screening'
               and link not like '/sager/%'"
        )
        .await,
        0
    );
    // Deadlines: the screening is overdue; the job tells police and coordinator once.
    let today = infohus::domain::calendar::today_copenhagen(app.clock.now());
    sqlx::query("update cases set screening_due = $2 where id = $1")
        .bind(id)
        .bind(today - time::Duration::days(2))
        .execute(&app.db)
        .await
        .expect("overdue");
    for _ in 0..2 {
        infohus::jobs::deadline_alerts(&app.state)
            .await
            .expect("job");
        app.clock.advance(time::Duration::hours(1));
    }
    assert_eq!(
        count(
            &app,
            "select count(*) from alerts where kind = 'screening_overdue'"
        )
        .await,
        2
    );
}
