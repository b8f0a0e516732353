//! Health checks, security headers, route guards, the command line and the embedded PostgreSQL.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use axum::http::StatusCode;
use infohus::domain::policy::Capability;
use infohus::web::{Access, route_table};

use crate::support::TestApp;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::new().await;
    let mut client = app.client();
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);
}

/// A concrete path for a route pattern: every `{param}` becomes a well-formed id.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                match seg {
                    "{kommune}" => "randers".to_owned(),
                    _ => uuid::Uuid::new_v4().to_string(),
                }
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_route_declares_its_access_and_protected_ones_send_anonymous_users_to_login() {
    let app = TestApp::with_demo_users().await;
    let table = route_table();
    assert!(table.len() >= 6, "the table lists the mounted routes");
    let public: Vec<&str> = table
        .iter()
        .filter(|r| r.access == Access::Public)
        .map(|r| r.path)
        .collect();
    // Public routes are a short, deliberate list; everything else needs a capability.
    for p in &public {
        assert!(
            [
                "/login",
                "/healthz",
                "/readyz",
                "/adgangskode/{token}",
                "/login/sso/{provider}",
                "/login/sso/{provider}/callback",
            ]
            .contains(p)
                || p.starts_with("/k/"),
            "{p} is public but is not a public page"
        );
    }
    for route in table.iter().filter(|r| r.access != Access::Public) {
        let path = concrete(route.path);
        let mut client = app.client();
        let get = client.get(&path).await;
        let post = client.post(&path, &[]).await;
        for (method, response) in [("GET", get), ("POST", post)] {
            if response.status == StatusCode::METHOD_NOT_ALLOWED {
                continue;
            }
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{method} {path}");
            assert!(
                response
                    .location()
                    .unwrap_or_default()
                    .starts_with("/login?next="),
                "{method} {path} redirects to the login page"
            );
        }
    }
}

#[tokio::test]
async fn the_admin_pages_refuse_everyone_but_admins() {
    let app = TestApp::with_demo_users().await;
    for email in [
        "coordinator@randers.demo",
        "staff@ballerup.demo",
        "police@oestjyllands-politi.demo",
    ] {
        let mut client = app.signed_in(email).await;
        let response = client.get("/admin/brugere").await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{email}");
        assert!(response.body.contains("Ingen adgang"));
    }
    let mut admin = app.signed_in("admin@infohus.demo").await;
    let response = admin.get("/admin/brugere").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.body.contains("coordinator@randers.demo"));
    assert!(
        infohus::web::route_table()
            .iter()
            .filter(|r| r.path.starts_with("/admin"))
            .all(|r| r.access == Access::Requires(Capability::ManageUsers))
    );
}

#[tokio::test]
async fn security_headers_are_on_a_200_a_404_and_a_500() {
    let app = TestApp::with_demo_users().await;
    let mut client = app.signed_in("staff@randers.demo").await;
    let ok = client.get("/").await;
    let missing = client.get("/findes-ikke").await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Siden findes ikke"));

    // Break the database under the signed-in user's feet: the page fails with our 500 page.
    sqlx::query("alter table users rename to users_gone")
        .execute(&mut app.as_owner().await)
        .await
        .expect("rename");
    let failed = client.get("/").await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(failed.body.contains("reference"));
    assert!(
        !failed.body.contains("users"),
        "no internals on the error page"
    );

    for response in [&ok, &missing, &failed] {
        let csp = response
            .header("content-security-policy")
            .unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{}", response.status);
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(response.header("referrer-policy"), Some("same-origin"));
        assert_eq!(response.header("cache-control"), Some("no-store"));
        assert!(response.header("x-request-id").is_some());
    }
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_strict() {
    let app = TestApp::new().await;
    let mut client = app.client();
    let response = client.get("/login").await;
    let cookie = response.header("set-cookie").unwrap_or_default();
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Strict"));
}

#[tokio::test]
async fn the_command_line_creates_a_user_who_can_log_in() {
    let app = TestApp::new().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_infohus"))
        .args([
            "user",
            "add",
            "--email",
            "Mette.Holm@Randers.dk",
            "--name",
            "Mette Holm",
            "--role",
            "coordinator",
            "--role",
            "core_group",
            "--municipality",
            "randers",
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("INFOHUS_LOG__FILTER", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn infohus");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"rolig hest i regnvejr 42\n")
        .expect("write password");
    let output = child.wait_with_output().expect("wait");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let mut client = app.client();
    let response = client
        .login("mette.holm@randers.dk", "rolig hest i regnvejr 42")
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("user_created").await, 1);
}

#[tokio::test]
async fn the_command_line_creates_an_sso_only_user_who_has_no_password() {
    let app = TestApp::new().await;
    let output = Command::new(env!("CARGO_BIN_EXE_infohus"))
        .args([
            "user",
            "add",
            "--email",
            "sso@randers.dk",
            "--name",
            "Sara Sso",
            "--role",
            "coordinator",
            "--municipality",
            "randers",
            "--sso-only",
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("INFOHUS_LOG__FILTER", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run infohus");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let hash: Option<String> =
        sqlx::query_scalar("select password_hash from users where email = 'sso@randers.dk'")
            .fetch_one(&app.db)
            .await
            .expect("user");
    assert_eq!(hash, None);
    // No password logs in: not an empty one, not anything else.
    for password in ["", "rolig hest i regnvejr 42"] {
        let mut client = app.client();
        let response = client.login("sso@randers.dk", password).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn the_command_line_refuses_a_weak_password() {
    let app = TestApp::new().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_infohus"))
        .args([
            "user", "add", "--email", "a@b.dk", "--name", "A B", "--role", "admin",
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("INFOHUS_LOG__FILTER", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn infohus");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"password1234\n")
        .expect("write");
    let output = child.wait_with_output().expect("wait");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("refused"));
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(users, 0);
}

/// Processes whose command line mentions the folder (the embedded cluster's postmaster and
/// its children).
fn processes_using(folder: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .chars()
            .all(|c| c.is_ascii_digit())
        {
            continue;
        }
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if cmdline.contains(folder) && cmdline.contains("postgres") {
                found.push(cmdline);
            }
        }
    }
    found
}

#[test]
fn serve_without_a_database_url_runs_its_own_postgres_and_stops_it_on_sigterm() {
    let data = tempfile::Builder::new()
        .prefix("infohus-serve-")
        .tempdir_in("/tmp")
        .expect("temp dir");
    // Let PostgreSQL's unprivileged user reach the folder when the tests run as root.
    let _ = std::fs::set_permissions(
        data.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    );
    let data_dir = data.path().join("pg");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        l.local_addr().expect("addr").port()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_infohus"))
        .arg("serve")
        .env_remove("DATABASE_URL")
        .env("INFOHUS_DATABASE__DATA_DIR", &data_dir)
        .env("INFOHUS_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env(
            "INFOHUS_SERVER__PUBLIC_URL",
            format!("http://127.0.0.1:{port}"),
        )
        .env("INFOHUS_LOG__FILTER", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn infohus serve");
    // The app says when it listens; reading that line waits without sleeping.
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("Infohus is running"));
    assert!(ready, "the app came up");

    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .write_all(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("request");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("response");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let folder = data_dir.to_string_lossy().into_owned();
    assert!(!processes_using(&folder).is_empty(), "its PostgreSQL runs");

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid")),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("SIGTERM");
    let status = child.wait().expect("wait");
    assert!(status.success(), "a clean exit: {status}");
    assert_eq!(
        processes_using(&folder),
        Vec::<String>::new(),
        "no postgres left behind"
    );
}

#[tokio::test]
async fn while_the_database_is_away_every_page_says_so_with_503_and_retry_after() {
    let app = TestApp::with_demo_users().await;
    let mut signed_in = app.signed_in("coordinator@randers.demo").await;
    let mut anonymous = app.client();
    anonymous.get("/k/randers/bekymring?akut=nej").await;

    // The database goes away: every connection of the pool is gone and no new one is made.
    app.db.close().await;

    let ready = app.client().get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.client().get("/healthz").await.status, StatusCode::OK);
    for (signed, path) in [
        (true, "/"),
        (true, "/sager"),
        (false, "/login"),
        (false, "/k/randers/bekymring"),
    ] {
        let client = if signed {
            &mut signed_in
        } else {
            &mut anonymous
        };
        let r = client.get(path).await;
        assert_eq!(
            r.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{path}: {}",
            r.body
        );
        assert_eq!(r.header("retry-after"), Some("30"), "{path}");
        assert!(
            r.body.contains("Infohus er midlertidigt utilgængelig"),
            "{path}: {}",
            r.body
        );
    }
    let r = anonymous
        .post("/k/randers/status", &[("code", "ABCD-EFGH-JKMN-PQRS-TUVW")])
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
}
