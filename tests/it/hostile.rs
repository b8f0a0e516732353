//! Hostile input: every form the route table mounts, posted with NUL bytes, control characters,
//! a megabyte of text and broken encodings by a user who may use it, on objects in every stage.
//! Whatever comes back, it is never a 5xx. Also the return address after login.

use axum::http::StatusCode;
use infohus::domain::policy::Capability;
use infohus::web::{Access, route_table};
use uuid::Uuid;

use crate::support::{Client, TestApp};

/// Field values no person types.
fn hostile_values() -> Vec<String> {
    vec![
        "før\0efter".to_owned(),
        "\u{1}\u{7}\u{1b}[31m\u{7f}\u{85}\u{2028}".to_owned(),
        "x".repeat(1024 * 1024),
        "2026-13-45".to_owned(),
        "-99999999999999999999".to_owned(),
    ]
}

/// Bodies that are not even a well-formed form.
const MALFORMED_BODIES: [&str; 3] = ["%ZZ%%%=%", "note=%FF%FE%00&version=%C3%28", "=&&==&a"];

/// Who signs in to try a route: one user per relation the route can be used under.
fn users_for(access: Access) -> Vec<Option<&'static str>> {
    match access {
        Access::Public => vec![None],
        Access::SignInStep => vec![Some("coordinator@randers.demo")],
        Access::Requires(capability) => match capability {
            Capability::ManageUsers => vec![Some("admin@infohus.demo")],
            Capability::LeaderInbox => vec![Some("leader@randers.demo")],
            Capability::UnitConcerns => vec![Some("key_employee@randers.demo")],
            Capability::ScreeningQueue => vec![Some("police@oestjyllands-politi.demo")],
            Capability::WorkCases | Capability::CaseList => vec![
                Some("coordinator@randers.demo"),
                Some("police@oestjyllands-politi.demo"),
                Some("core_group@randers.demo"),
            ],
            Capability::FileConcern | Capability::FollowOwnConcerns => vec![
                Some("staff@randers.demo"),
                Some("leader@randers.demo"),
                Some("coordinator@randers.demo"),
            ],
            _ => vec![Some("coordinator@randers.demo")],
        },
    }
}

async fn ids(app: &TestApp, sql: &str) -> Vec<Uuid> {
    sqlx::query_scalar(sql)
        .fetch_all(&app.db)
        .await
        .expect("ids")
}

/// The concrete addresses of a route: every placeholder filled with real objects, one per
/// stage or status, so that each step's validation is reached, not only its 404.
async fn addresses(app: &TestApp, path: &str) -> Vec<String> {
    if path.contains("{kommune}") {
        return vec![path.replace("{kommune}", "randers")];
    }
    if path.starts_with("/sager/{id}") {
        let cases = ids(
            app,
            "select distinct on (c.stage) c.id from cases c
             join municipalities m on m.id = c.municipality_id
             where m.slug = 'randers' order by c.stage, c.opened_at desc",
        )
        .await;
        let mut out = Vec::new();
        for case in cases {
            let intervention = ids(
                app,
                &format!("select id from interventions where case_id = '{case}' limit 1"),
            )
            .await
            .first()
            .copied()
            .unwrap_or_else(Uuid::new_v4);
            let review = ids(
                app,
                &format!("select id from post_closure_reviews where case_id = '{case}' limit 1"),
            )
            .await
            .first()
            .copied()
            .unwrap_or_else(Uuid::new_v4);
            out.push(
                path.replace("{id}", &case.to_string())
                    .replace("{intervention}", &intervention.to_string())
                    .replace("{review}", &review.to_string()),
            );
        }
        return out;
    }
    if path.contains("/bekymringer/{id}") || path.contains("/infohus/indgang/{id}") {
        let concerns = ids(
            app,
            "select distinct on (k.status) k.id from concerns k
             join municipalities m on m.id = k.municipality_id
             where m.slug = 'randers' and k.reporter_user_id is not null
             order by k.status, k.filed_at desc",
        )
        .await;
        return concerns
            .into_iter()
            .map(|c| path.replace("{id}", &c.to_string()))
            .collect();
    }
    if path.contains("{id}") {
        // The admin's user pages: a user of no consequence to the other routes.
        let user = ids(
            app,
            "select id from users where email = 'staff2@randers.demo'",
        )
        .await;
        return user
            .into_iter()
            .map(|u| path.replace("{id}", &u.to_string()))
            .collect();
    }
    vec![path.to_owned()]
}

/// The names of the fields the page's forms have (their hidden fields' values too), so the
/// hostile values reach the fields the handler reads.
async fn fields_of(client: &mut Client, path: &str) -> Vec<(String, String)> {
    let page = client.get(path).await;
    let html = page.html();
    let selector =
        scraper::Selector::parse("input[name], textarea[name], select[name]").expect("selector");
    let mut fields: Vec<(String, String)> = html
        .select(&selector)
        .filter_map(|e| {
            let name = e.value().attr("name")?.to_owned();
            let value = e.value().attr("value").unwrap_or("").to_owned();
            Some((name, value))
        })
        .filter(|(name, _)| name != "csrf_token")
        .collect();
    fields.sort();
    fields.dedup_by(|a, b| a.0 == b.0);
    if fields.is_empty() {
        fields = ["note", "version", "reason", "text", "name", "email"]
            .into_iter()
            .map(|n| (n.to_owned(), String::new()))
            .collect();
    }
    fields
}

fn assert_no_server_error(status: StatusCode, who: Option<&str>, path: &str, what: &str) {
    assert!(
        !status.is_server_error(),
        "{status} for {who:?} posting {what} to {path}"
    );
}

#[tokio::test]
async fn no_form_answers_hostile_input_with_a_server_error() {
    let app = TestApp::new().await;
    infohus::seed::demo(&app.state)
        .await
        .expect("demo")
        .expect("an empty database");
    let values = hostile_values();
    let mut posts = 0;
    // One session per user for the whole run: a login per route would soon meet the per-IP
    // limit on login attempts.
    let mut sessions: std::collections::HashMap<&str, Client> = std::collections::HashMap::new();
    for route in route_table() {
        if matches!(route.path, "/logout" | "/healthz" | "/readyz") {
            continue;
        }
        for who in users_for(route.access) {
            let mut anonymous = app.client();
            let client = match who {
                Some(email) => {
                    if !sessions.contains_key(email) {
                        sessions.insert(email, app.signed_in(email).await);
                    }
                    sessions.get_mut(email).expect("just signed in")
                }
                None => &mut anonymous,
            };
            for path in addresses(&app, route.path).await {
                let fields = fields_of(client, &path).await;
                for value in &values {
                    // Everything hostile, and everything hostile but the version, so that a
                    // step on the current version reaches the validation of its texts. The
                    // megabyte only in the second, since it cannot get further in the first.
                    let huge = value.len() > 4096;
                    for keep_version in [false, true] {
                        if huge && !keep_version {
                            continue;
                        }
                        let owned: Vec<(String, String)> = fields
                            .iter()
                            .map(|(name, current)| {
                                let v = if keep_version && name == "version" {
                                    current.clone()
                                } else {
                                    value.clone()
                                };
                                (name.clone(), v)
                            })
                            .collect();
                        let refs: Vec<(&str, &str)> = owned
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.as_str()))
                            .collect();
                        let r = client.post(&path, &refs).await;
                        posts += 1;
                        assert_no_server_error(r.status, who, &path, "a hostile value");
                    }
                    // A query string gets the same, as far as an address can carry it.
                    let short: String = value.chars().take(2000).collect();
                    let encoded: String =
                        form_urlencoded::byte_serialize(short.as_bytes()).collect();
                    let r = client
                        .get(&format!("{path}?q={encoded}&fase={encoded}"))
                        .await;
                    assert_no_server_error(r.status, who, &path, "a hostile query");
                }
                for body in MALFORMED_BODIES {
                    let token = client.csrf.clone().unwrap_or_default();
                    let r = client
                        .post_raw(&path, format!("csrf_token={token}&{body}"))
                        .await;
                    posts += 1;
                    assert_no_server_error(r.status, who, &path, body);
                }
            }
        }
    }
    assert!(posts > 300, "only {posts} hostile posts were sent");
}

#[tokio::test]
async fn a_nul_byte_in_a_text_field_is_refused_at_the_field_with_the_text_kept() {
    let app = TestApp::with_demo_users().await;
    let mut staff = app.signed_in("staff@randers.demo").await;
    staff.get("/bekymringer/ny?akut=nej").await;
    let r = staff
        .post(
            "/bekymringer/ny",
            &[
                ("subject_name", "Mikkel\0 Sørensen"),
                ("observation", "Han viser videoer\u{1b} i frikvarteret."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("usynligt styretegn"), "{}", r.body);

    // The login e-mail and the citizen's form too.
    let mut anonymous = app.client();
    let r = anonymous.login("staff@randers.demo\0", "x").await;
    assert!(!r.status.is_server_error(), "{}", r.status);
    let mut citizen = app.client();
    citizen.get("/k/randers/bekymring?akut=nej").await;
    let r = citizen
        .post(
            "/k/randers/bekymring",
            &[("subject_name", "A\0B"), ("observation", "C\0D")],
        )
        .await;
    assert!(!r.status.is_server_error(), "{}", r.status);
}

#[tokio::test]
async fn the_return_address_after_login_never_leaves_the_site_and_never_fails() {
    let app = TestApp::with_demo_users().await;
    for next in [
        "%2F%09%2Fevil.example",
        "%2F%5C%2Fevil.example",
        "%2F%252F%2Fevil.example",
        "%2Fa%0D%0ASet-Cookie%3A%20x%3D1",
        "%2Fa%00b",
        "%2F%7F",
    ] {
        let mut client = app.signed_in("coordinator@randers.demo").await;
        let r = client.get(&format!("/login?next={next}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.body);
        assert_eq!(r.location(), Some("/"), "{next}");

        let mut client = app.client();
        client.get(&format!("/login?next={next}")).await;
        let token = client.csrf.clone().unwrap_or_default();
        let body = format!(
            "csrf_token={token}&email=coordinator%40randers.demo&password=infohus-demo-2026&next={next}"
        );
        let r = client.post_raw("/login", body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.body);
        assert_eq!(r.location(), Some("/"), "{next}");
    }
}
