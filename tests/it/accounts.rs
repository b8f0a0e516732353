//! Accounts the admin creates but never learns the password of: a one-time link, roles that
//! see cases approved by a second person, and no account with both municipal and police roles.

use axum::http::StatusCode;

use crate::support::{Client, TestApp};

/// The set-password link in the notice the admin is shown.
async fn link_in_notice(admin: &mut Client) -> String {
    let page = admin.get("/admin/brugere").await;
    let start = page
        .body
        .find("/adgangskode/")
        .expect("a link in the notice");
    page.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'))
        .collect()
}

async fn create(admin: &mut Client, email: &str, roles: &[&str], municipality: &str) -> StatusCode {
    admin.get("/admin/brugere").await;
    let mut fields = vec![
        ("email", email),
        ("name", "Mette Holm"),
        ("municipality", municipality),
    ];
    for r in roles {
        fields.push(("roles", r));
    }
    admin.post("/admin/brugere", &fields).await.status
}

async fn set_password(c: &mut Client, link: &str, password: &str) -> StatusCode {
    c.get(link).await;
    c.post(
        link,
        &[("password", password), ("password_repeat", password)],
    )
    .await
    .status
}

#[tokio::test]
async fn a_new_user_chooses_their_own_password_on_a_link_that_works_once_and_expires() {
    let app = TestApp::with_demo_users().await;
    let randers = app.municipality_id("randers").await.to_string();
    let mut admin = app.signed_in("admin@infohus.demo").await;
    let page = admin.get("/admin/brugere").await;
    assert!(
        !page.body.contains("type=\"password\""),
        "no password for the admin to type"
    );

    assert_eq!(
        create(
            &mut admin,
            "ny.leder@randers.dk",
            &["leader", "staff"],
            &randers
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let link = link_in_notice(&mut admin).await;
    assert_eq!(app.audit_count("password_link_issued").await, 1);

    // Nobody can sign in before the user has chosen a password.
    let mut user = app.client();
    let r = user.login("ny.leder@randers.dk", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A weak or mismatched password is refused at the field; the link still works.
    let mut c = app.client();
    c.get(&link).await;
    let r = c
        .post(&link, &[("password", "kort"), ("password_repeat", "kort")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post(
            &link,
            &[
                ("password", "lang og god sætning 77"),
                ("password_repeat", "lang og god sætning 78"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("ikke ens"));

    assert_eq!(
        set_password(&mut c, &link, "lang og god sætning 77").await,
        StatusCode::SEE_OTHER
    );
    let r = user
        .login("ny.leder@randers.dk", "lang og god sætning 77")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.audit_count("password_set").await, 1);

    // Used once, it is spent.
    let mut again = app.client();
    assert_eq!(again.get(&link).await.status, StatusCode::NOT_FOUND);
    again.get("/login").await;
    let r = again
        .post(
            &link,
            &[
                ("password", "en helt anden sætning 99"),
                ("password_repeat", "en helt anden sætning 99"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A new link ends the older one, and a link expires.
    let id = app.user_id("ny.leder@randers.dk").await;
    admin.get("/admin/brugere").await;
    admin.post(&format!("/admin/brugere/{id}/link"), &[]).await;
    let first = link_in_notice(&mut admin).await;
    admin.post(&format!("/admin/brugere/{id}/link"), &[]).await;
    let second = link_in_notice(&mut admin).await;
    assert_eq!(app.client().get(&first).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.client().get(&second).await.status, StatusCode::OK);
    app.clock.advance(time::Duration::hours(73));
    assert_eq!(
        app.client().get(&second).await.status,
        StatusCode::NOT_FOUND
    );
    // Nothing like a token is looked up at all.
    assert_eq!(
        app.client().get("/adgangskode/%00'--").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_role_that_sees_cases_waits_for_a_second_person_and_never_for_the_one_who_asked() {
    let app = TestApp::with_demo_users().await;
    let randers = app.municipality_id("randers").await.to_string();
    let mut admin = app.signed_in("admin@infohus.demo").await;
    assert_eq!(
        create(
            &mut admin,
            "ny.tovholder@randers.dk",
            &["coordinator"],
            &randers
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let link = link_in_notice(&mut admin).await;
    let mut c = app.client();
    assert_eq!(
        set_password(&mut c, &link, "lang og god sætning 77").await,
        StatusCode::SEE_OTHER
    );
    let mut newcomer = app.client();
    let r = newcomer
        .login("ny.tovholder@randers.dk", "lang og god sætning 77")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        newcomer.get("/sager").await.status,
        StatusCode::FORBIDDEN,
        "no case access before approval"
    );

    // The admin who asked sees nothing to approve, and cannot approve it by guessing the id.
    let grant: uuid::Uuid = sqlx::query_scalar("select id from role_grants")
        .fetch_one(&app.db)
        .await
        .expect("grant");
    let page = admin.get("/godkendelser").await;
    assert!(!page.body.contains("ny.tovholder@randers.dk"));
    let r = admin
        .post(
            &format!("/godkendelser/{grant}"),
            &[("decision", "godkend")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Nor can another municipality's coordinator.
    let mut ballerup = app.signed_in("coordinator@ballerup.demo").await;
    assert!(
        !ballerup
            .get("/godkendelser")
            .await
            .body
            .contains("ny.tovholder")
    );
    let r = ballerup
        .post(
            &format!("/godkendelser/{grant}"),
            &[("decision", "godkend")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Randers' coordinator approves; the role takes effect at the user's next sign-in.
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let page = coordinator.get("/godkendelser").await;
    assert!(
        page.body.contains("ny.tovholder@randers.dk"),
        "{}",
        page.body
    );
    let r = coordinator
        .post(
            &format!("/godkendelser/{grant}"),
            &[("decision", "godkend")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut newcomer = app.client();
    newcomer
        .login("ny.tovholder@randers.dk", "lang og god sætning 77")
        .await;
    assert_eq!(newcomer.get("/sager").await.status, StatusCode::OK);
    assert_eq!(app.audit_count("role_grant_requested").await, 1);
    assert_eq!(app.audit_count("role_grant_approved").await, 1);
    let requested_by: Option<uuid::Uuid> = sqlx::query_scalar(
        "select actor_user_id from audit_events where action = 'role_grant_requested'",
    )
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert_eq!(
        requested_by,
        Some(app.user_id("admin@infohus.demo").await.0)
    );

    // Changing roles later asks again for a newly added role that sees cases.
    let staff = app.user_id("staff@randers.demo").await;
    admin.get("/admin/brugere").await;
    admin
        .post(
            &format!("/admin/brugere/{staff}/roller"),
            &[("roles", "staff"), ("roles", "core_group")],
        )
        .await;
    let roles: Vec<String> = sqlx::query_scalar("select roles from users where id = $1")
        .bind(staff.0)
        .fetch_one(&app.db)
        .await
        .expect("roles");
    assert_eq!(roles, vec!["staff".to_owned()]);
    let page = admin.get("/admin/brugere").await;
    assert!(page.body.contains("Afventer godkendelse: Kernegruppe"));
}

#[tokio::test]
async fn a_municipal_role_and_the_police_role_never_meet_in_one_account() {
    let app = TestApp::with_demo_users().await;
    let randers = app.municipality_id("randers").await.to_string();
    let mut admin = app.signed_in("admin@infohus.demo").await;
    admin.get("/admin/brugere").await;
    let r = admin
        .post(
            "/admin/brugere",
            &[
                ("email", "dobbelt@randers.dk"),
                ("name", "Dobbelt Rolle"),
                ("roles", "coordinator"),
                ("roles", "police"),
                ("municipality", &randers),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("kan ikke både have en kommunal rolle og politiets rolle")
    );
    assert_eq!(
        r.field_value("email").as_deref(),
        Some("dobbelt@randers.dk")
    );

    // The database refuses it too, whoever writes.
    let police = app.user_id("police@oestjyllands-politi.demo").await;
    let refused = sqlx::query("update users set roles = array['police', 'staff'] where id = $1")
        .bind(police.0)
        .execute(&app.db)
        .await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn an_admins_role_change_takes_effect_at_the_users_next_request() {
    let app = TestApp::with_demo_users().await;
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(
        coordinator.get("/infohus/indgang").await.status,
        StatusCode::OK
    );

    // Taking a role away needs nobody's approval, and no session keeps it: the user's sessions
    // end, so the next request already goes without it.
    let id = app.user_id("coordinator@randers.demo").await;
    let mut admin = app.signed_in("admin@infohus.demo").await;
    admin.get("/admin/brugere").await;
    let r = admin
        .post(
            &format!("/admin/brugere/{id}/roller"),
            &[("roles", "staff")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = coordinator.get("/infohus/indgang").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().is_some_and(|l| l.starts_with("/login")));
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    assert_eq!(
        coordinator.get("/infohus/indgang").await.status,
        StatusCode::FORBIDDEN,
        "the intake queue is the coordinator's"
    );
    let page = coordinator.get("/konto").await;
    assert!(page.body.contains("Medarbejder"));
    assert!(!page.body.contains("Infohus-tovholder"));
}
