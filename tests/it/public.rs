//! The public pages of a municipality: guidance, the action card, a citizen's report with its
//! receipt code, and the status lookup.

use axum::http::StatusCode;
use sha2::{Digest, Sha256};

use crate::support::{Client, TestApp, TestResponse};

fn citizen_report(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![
        ("acute", "nej"),
        ("subject_name", "Naboens søn, Jonas"),
        ("subject_approx_age", "16"),
        ("subject_under_18", "ja"),
        (
            "observation",
            "Han har sagt, at han vil gøre noget stort, og viser billeder af våben frem.",
        ),
        ("warning_signs", "access_to_weapons"),
        ("kind", "school_shooting"),
        ("website", ""),
    ];
    for (k, v) in changes {
        fields.retain(|(key, _)| key != k);
        fields.push((k, v));
    }
    fields
}

async fn report(
    c: &mut Client,
    slug: &str,
    changes: &[(&'static str, &'static str)],
) -> TestResponse {
    c.get(&format!("/k/{slug}/bekymring?akut=nej")).await;
    c.post(&format!("/k/{slug}/bekymring"), &citizen_report(changes))
        .await
}

async fn lookup(c: &mut Client, slug: &str, code: &str) -> TestResponse {
    c.post(&format!("/k/{slug}/status"), &[("code", code)])
        .await
}

#[tokio::test]
async fn the_public_page_tells_what_to_do_from_the_profile() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/k/randers").await;
    assert_eq!(r.status, StatusCode::OK);
    for expected in [
        "Ring 112",
        "Infohus Randers",
        "41 74 90 90",
        "dagligt kl. 08-22",
        "40 86 74 08",
        // The plans' definitions and signs, said plainly (issue 17).
        "Ekstremisme er, når en person eller en gruppe bruger vold",
        "Radikalisering er vejen dertil",
        "ikke en tjekliste",
        "Hos personen selv",
        "I personens liv og blandt venner",
        "Er klar til at bruge vold",
        "Kan jeg være anonym?",
        "Hvad sker der, når jeg har sendt?",
        "href=\"/k/randers/bekymring\"",
        "href=\"/k/randers/actioncard\"",
        "href=\"/k/randers/status\"",
    ] {
        assert!(r.body.contains(expected), "missing {expected}");
    }
    let r = c.get("/k/ballerup").await;
    assert!(r.body.contains("Den Lille Enhed"));
    assert_eq!(c.get("/k/aarhus").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        c.get("/k/aarhus/actioncard").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/k/aarhus/bekymring").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/k/aarhus/status").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_action_card_lists_each_municipalitys_steps_in_its_own_order() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/k/randers/actioncard").await;
    assert_eq!(r.status, StatusCode::OK);
    let steps = r.texts("ol.action-steps > li");
    assert!(steps[0].contains("112"));
    assert!(steps[1].contains("nærmeste leder"), "{steps:?}");
    assert!(
        steps[2].contains("Lederen kontakter Infohus Randers"),
        "{steps:?}"
    );
    assert!(steps.last().is_some_and(|s| s.contains("41 74 90 90")));
    assert!(r.body.contains("class=\"action-card\""));

    let r = c.get("/k/ballerup/actioncard").await;
    let steps = r.texts("ol.action-steps > li");
    assert!(
        steps[1].contains("Kontakt Den Lille Enhed eller politiet"),
        "{steps:?}"
    );
    assert!(steps[1].contains("Københavns Vestegns Politi"));
    assert!(!r.body.contains("nærmeste leder"));

    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/app.css"))
        .expect("stylesheet");
    assert!(css.contains("@page actioncard") && css.contains("size: A4"));
}

#[tokio::test]
async fn a_citizen_reports_anonymously_and_follows_the_status_with_the_receipt_code() {
    let app = TestApp::with_demo_users().await;
    let mut citizen = app.client();
    let r = report(&mut citizen, "randers", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/k/randers/kvittering"));

    let receipt = citizen.get("/k/randers/kvittering").await;
    let code = receipt.texts(".receipt-code").pop().expect("a code");
    let raw: String = code.chars().filter(|c| *c != '-').collect();
    assert!(raw.len() >= 16, "{code}");
    assert!(
        raw.chars()
            .all(|c| "ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(c)),
        "{code}"
    );
    // Shown once.
    let again = citizen.get("/k/randers/kvittering").await;
    assert!(!again.body.contains(&code));

    let (source, reporter, name, status, hash): (
        String,
        Option<uuid::Uuid>,
        Option<String>,
        String,
        Option<String>,
    ) = sqlx::query_as(
        "select source, reporter_user_id, reporter_name, status, receipt_code_hash from concerns",
    )
    .fetch_one(&app.db)
    .await
    .expect("one concern");
    assert_eq!(source, "citizen");
    assert_eq!((reporter, name), (None, None));
    assert_eq!(status, "received");
    let expected: String = Sha256::digest(raw.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash.as_deref(), Some(expected.as_str()));
    let stored_anywhere: i64 = sqlx::query_scalar(
        "select count(*) from concerns where position($1 in concerns::text) > 0",
    )
    .bind(&raw)
    .fetch_one(&app.db)
    .await
    .expect("search");
    assert_eq!(stored_anywhere, 0, "the code itself is never stored");

    let r = lookup(&mut citizen, "randers", &code).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.texts("[role=status] strong"), vec!["Modtaget"]);
    let typed = code.to_lowercase().replace('-', " ");
    assert!(
        lookup(&mut citizen, "randers", &typed)
            .await
            .body
            .contains("<strong>Modtaget</strong>")
    );

    // Once the coordinator has made a case of it, it is being handled; closed, it says so.
    let mut coordinator = app.signed_in("coordinator@randers.demo").await;
    let id: uuid::Uuid = sqlx::query_scalar("select id from concerns")
        .fetch_one(&app.db)
        .await
        .expect("id");
    coordinator.get(&format!("/infohus/indgang/{id}")).await;
    let r = coordinator
        .post(
            &format!("/infohus/indgang/{id}/opret-sag"),
            &[
                ("version", "1"),
                ("subject_name", "Jonas"),
                ("subject_approx_age", "16"),
                ("subject_under_18", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        lookup(&mut citizen, "randers", &code)
            .await
            .texts("[role=status] strong"),
        vec!["Under behandling"]
    );
    sqlx::query("update cases set stage = 'closed', close_reason = 'no_basis', closed_at = now()")
        .execute(&app.db)
        .await
        .expect("close");
    assert_eq!(
        lookup(&mut citizen, "randers", &code)
            .await
            .texts("[role=status] strong"),
        vec!["Afsluttet"]
    );

    // A wrong code, or the right code at another municipality, shows nothing.
    for (slug, wrong) in [
        ("randers", "ABCD-EFGH-JKMN-PQRS-TUVW"),
        ("randers", "nonsense"),
        ("ballerup", code.as_str()),
    ] {
        let r = lookup(&mut citizen, slug, wrong).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Vi fandt ingen henvendelse med den kode"));
        assert!(r.texts("[role=status] strong").is_empty());
    }
    let lookups: Vec<(Option<uuid::Uuid>,)> = sqlx::query_as(
        "select object_id from audit_events where action = 'concern_status_looked_up'",
    )
    .fetch_all(&app.db)
    .await
    .expect("audit");
    assert_eq!(lookups.len(), 7, "every lookup is logged");
    assert_eq!(lookups.iter().filter(|(o,)| *o == Some(id)).count(), 4);
    assert_eq!(app.audit_count("concern_filed").await, 1);
}

#[tokio::test]
async fn status_lookups_are_rate_limited_per_address() {
    let app = TestApp::new().await;
    let mut c = app.client();
    c.get("/k/randers/status").await;
    let limit = app.state.settings.rate_limits.status_lookups_per_ip;
    for _ in 0..limit {
        assert_eq!(
            lookup(&mut c, "randers", "ABCD-EFGH-JKMN-PQRS-TUVW")
                .await
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(
        lookup(&mut c, "randers", "ABCD-EFGH-JKMN-PQRS-TUVW")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.clock.advance(time::Duration::minutes(16));
    assert_eq!(
        lookup(&mut c, "randers", "ABCD-EFGH-JKMN-PQRS-TUVW")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_citizen_form_is_validated_like_the_staff_form_and_protected() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = report(
        &mut c,
        "ballerup",
        &[("observation", ""), ("subject_cpr", "310299-1234")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#observation-error")
            .join(" ")
            .contains("Feltet skal udfyldes")
    );
    assert!(
        r.texts("#subject_cpr-error")
            .join(" ")
            .contains("dato, der ikke findes")
    );
    assert_eq!(
        r.field_value("subject_name").as_deref(),
        Some("Naboens søn, Jonas")
    );

    let r = report(&mut c, "ballerup", &[("warning_signs", "made_up")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#warning_signs-error")
            .join(" ")
            .contains("findes ikke")
    );

    let r = report(&mut c, "ballerup", &[("reporter_email", "ikke en adresse")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.texts("#reporter_email-error")
            .join(" ")
            .contains("e-mailadresse")
    );

    // The honeypot: a robot fills in the field people never see; nothing is stored.
    let r = report(&mut c, "ballerup", &[("website", "http://spam.example")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let r = report(&mut c, "ballerup", &[("acute", "ja")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Ring 112 nu"));

    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(citizen_report(&[]))
        .finish();
    assert_eq!(
        c.post_raw("/k/ballerup/bekymring", body).await.status,
        StatusCode::FORBIDDEN
    );

    let count: i64 = sqlx::query_scalar("select count(*) from concerns")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn citizen_reports_are_rate_limited_per_address() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let limit = app.state.settings.rate_limits.public_reports_per_ip;
    for _ in 0..limit {
        assert_eq!(
            report(&mut c, "randers", &[]).await.status,
            StatusCode::SEE_OTHER
        );
    }
    assert_eq!(
        report(&mut c, "randers", &[]).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let count: i64 = sqlx::query_scalar("select count(*) from concerns")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(count, i64::from(limit));
}

/// A status lookup as it arrives over the network from `peer`, with a forwarded-for header.
async fn lookup_from(c: &mut Client, peer: &str, forwarded_for: Option<&str>) -> StatusCode {
    let token = c.csrf.clone().unwrap_or_default();
    let body = format!("csrf_token={token}&code=ABCD-EFGH-JKMN-PQRS-TUVW");
    let mut request = axum::http::Request::builder()
        .method("POST")
        .uri("/k/randers/status")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = &c.cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(xff) = forwarded_for {
        request = request.header("x-forwarded-for", xff);
    }
    let mut request = request.body(axum::body::Body::from(body)).expect("request");
    let peer: std::net::SocketAddr = format!("{peer}:40000").parse().expect("peer");
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    c.send(request).await.status
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit_and_others_cannot_forge_one() {
    let app = TestApp::with_settings(|s| {
        s.server.trusted_proxies = vec!["10.0.0.0/8".parse().expect("cidr")];
    })
    .await;
    let limit = app.state.settings.rate_limits.status_lookups_per_ip;
    let mut c = app.client();
    c.get("/k/randers/status").await;

    // One client behind the balancer uses up its limit …
    for _ in 0..limit {
        assert_eq!(
            lookup_from(&mut c, "10.0.0.5", Some("203.0.113.9")).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        lookup_from(&mut c, "10.0.0.5", Some("203.0.113.9")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … another client behind the same balancer is not affected, nor is a forged first entry
    // believed.
    assert_eq!(
        lookup_from(&mut c, "10.0.0.5", Some("198.51.100.4")).await,
        StatusCode::OK
    );
    assert_eq!(
        lookup_from(&mut c, "10.0.0.5", Some("1.2.3.4, 203.0.113.9")).await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // A direct connection from outside cannot choose its address with the header.
    for _ in 0..limit {
        assert_eq!(
            lookup_from(&mut c, "192.0.2.77", Some("203.0.113.200")).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        lookup_from(&mut c, "192.0.2.77", Some("203.0.113.201")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn the_limit_slides_so_a_burst_at_a_window_boundary_gets_no_second_allowance() {
    let app = TestApp::new().await;
    let limit = app.state.settings.rate_limits.status_lookups_per_ip;
    let window = app.state.settings.rate_limits.window();
    // Just before a window boundary.
    let now = app.clock.now();
    let secs = now.unix_timestamp();
    let to_boundary = window.whole_seconds() - secs.rem_euclid(window.whole_seconds());
    app.clock.advance(time::Duration::seconds(to_boundary - 5));
    let mut c = app.client();
    c.get("/k/randers/status").await;
    for _ in 0..limit {
        assert_eq!(lookup_from(&mut c, "192.0.2.1", None).await, StatusCode::OK);
    }
    // Ten seconds later, in the next fixed window, the burst still counts.
    app.clock.advance(time::Duration::seconds(10));
    assert_eq!(
        lookup_from(&mut c, "192.0.2.1", None).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
