//! The test harness: a PostgreSQL cluster per test process (or DATABASE_URL's server), a fresh
//! database per test, the real router, and a client that keeps cookies and the CSRF token.

#![allow(dead_code)]

mod client;
pub mod queries;
pub mod smtp;
pub mod steps;

pub use client::{Client, TestResponse};

use std::sync::OnceLock;

use axum::Router;
use axum::http::StatusCode;
use infohus::clock::Clock;
use infohus::config::{self, Settings};
use infohus::embedded_pg::EmbeddedPostgres;
use infohus::{AppState, build_app};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, PgPool};
use time::OffsetDateTime;
use time::macros::datetime;

pub const DEMO_PASSWORD: &str = infohus::seed::DEMO_PASSWORD;

/// Where test databases are created: the server behind DATABASE_URL, or a private cluster
/// that lives exactly as long as this test process.
/// `database name -> url`.
type UrlFor = Box<dyn Fn(&str) -> String + Send + Sync>;

struct Server {
    /// As the owner: the server's own user.
    url_for: UrlFor,
    /// As the app's runtime role, as the app serves (the owner again on a DATABASE_URL server).
    runtime_url_for: UrlFor,
    template: String,
    _cluster: Option<EmbeddedPostgres>,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let (url_for, runtime_url_for, cluster): (UrlFor, UrlFor, _) =
            match std::env::var("DATABASE_URL") {
                Ok(url) if !url.trim().is_empty() => {
                    let base = url.clone();
                    let runtime = url.clone();
                    (
                        Box::new(move |db: &str| replace_database(&base, db)),
                        Box::new(move |db: &str| replace_database(&runtime, db)),
                        None,
                    )
                }
                _ => {
                    let cluster = EmbeddedPostgres::start_ephemeral_blocking()
                        .expect("starting a PostgreSQL cluster for the tests");
                    let base = cluster.url("postgres");
                    let runtime = cluster.url_as(infohus::APP_LOGIN, "postgres");
                    (
                        Box::new(move |db: &str| replace_database(&base, db)),
                        Box::new(move |db: &str| replace_database(&runtime, db)),
                        Some(cluster),
                    )
                }
            };
        let template = format!("infohus_tpl_{}", uuid::Uuid::new_v4().simple());
        let template_name = template.clone();
        let admin_url = url_for("postgres");
        let template_url = url_for(&template);
        // The template is migrated once; every test database is a cheap copy of it. Each test
        // has its own runtime, so this one-time work runs on a runtime of its own.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let mut admin = PgConnection::connect(&admin_url)
                    .await
                    .expect("admin connection");
                sqlx::query(&format!("create database {template}"))
                    .execute(&mut admin)
                    .await
                    .expect("create template");
                let mut conn = PgConnection::connect(&template_url)
                    .await
                    .expect("template");
                infohus::MIGRATOR
                    .run(&mut conn)
                    .await
                    .expect("migrate template");
                infohus::ensure_app_login(&mut conn)
                    .await
                    .expect("the app's login role");
                // The audit trail's months around the tests' fixed clock, as the app's daily
                // job makes them around its own (the migration made them around today).
                infohus::store::audit::make_partitions(
                    &mut conn,
                    START.date() - time::Duration::days(400),
                    START.date() + time::Duration::days(800),
                )
                .await
                .expect("the audit trail's partitions");
                conn.close().await.expect("close");
                admin.close().await.expect("close");
            })
        })
        .join()
        .expect("template thread");
        Server {
            url_for,
            runtime_url_for,
            template: template_name,
            _cluster: cluster,
        }
    })
}

fn replace_database(url: &str, db: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match before_query.rfind('/') {
        Some(i)
            if before_query[..i].contains("://")
                && i > before_query.find("://").unwrap_or(0) + 2 =>
        {
            &before_query[..i]
        }
        _ => before_query,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// An empty database (not even migrated), and its URL: where a backup is restored.
pub async fn empty_database() -> (PgPool, String) {
    let server = server();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&(server.url_for)("postgres"))
        .await
        .expect("admin connection");
    sqlx::query(&format!("create database {name} template template0"))
        .execute(&mut admin)
        .await
        .expect("create empty database");
    admin.close().await.expect("close");
    let url = (server.url_for)(&name);
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect(&url)
        .await
        .expect("pool");
    (pool, url)
}

/// A fresh, migrated database of its own, and its URL.
pub async fn fresh_database() -> (PgPool, String) {
    let server = server();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&(server.url_for)("postgres"))
        .await
        .expect("admin connection");
    sqlx::query(&format!(
        "create database {name} template {}",
        server.template
    ))
    .execute(&mut admin)
    .await
    .expect("create test database");
    admin.close().await.expect("close");
    // The app works as the runtime role, as it serves; the URL is the owner's, for tests that
    // run the binary (which migrates) or dump the database.
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect(&(server.runtime_url_for)(&name))
        .await
        .expect("test pool");
    (pool, (server.url_for)(&name))
}

/// The shipped settings, with a fixed key for the second-factor secrets (no key file is made),
/// and no role required to have a second factor: most tests sign in with a password alone, as
/// the demo does. The second-factor tests require it again.
pub fn test_settings(dir: &std::path::Path) -> Settings {
    let mut settings = Settings::load(dir).expect("settings");
    settings.second_factor.key = TEST_FACTOR_KEY.to_owned();
    settings.second_factor.required_roles.clear();
    settings
}

/// Base64 of 32 bytes: the tests' key for the second-factor secrets.
pub const TEST_FACTOR_KEY: &str = "aW5mb2h1cy10ZXN0LWtleS0zMi1ieXRlcy1leGFjdCE=";

/// The instant every test starts at: a Friday in November 2026, 10:00 UTC.
pub const START: OffsetDateTime = datetime!(2026-11-20 10:00 UTC);

pub struct TestApp {
    pub state: AppState,
    /// For tests that run the `infohus` binary against this test's database.
    pub database_url: String,
    pub router: Router,
    pub db: PgPool,
    pub clock: Clock,
}

impl TestApp {
    /// The app on an empty database (profiles loaded, no users).
    pub async fn new() -> TestApp {
        TestApp::with_settings(|_| {}).await
    }

    /// The app on an empty database, with settings changed from the defaults.
    pub async fn with_settings(change: impl FnOnce(&mut Settings)) -> TestApp {
        TestApp::configured(change, |_| {}).await
    }

    /// The app with the demo users, and a third municipality in Randers' police district (a
    /// copy of Randers' profile, `Testkommune`, slug `testkommune`), so the district has
    /// several areas.
    pub async fn with_a_second_municipality_in_randers_district() -> TestApp {
        let app = TestApp::configured(
            |_| {},
            |profiles| {
                let randers = profiles
                    .iter()
                    .find(|p| p.slug == "randers")
                    .cloned()
                    .expect("the Randers profile");
                profiles.push(config::MunicipalityProfile {
                    slug: "testkommune".to_owned(),
                    name: "Testkommune".to_owned(),
                    infohus_name: "Infohus Testkommune".to_owned(),
                    reference_prefix: "T".to_owned(),
                    ..randers
                });
            },
        )
        .await;
        infohus::seed::demo_users(&app.state)
            .await
            .expect("demo users")
            .expect("an empty database");
        app
    }

    async fn configured(
        change: impl FnOnce(&mut Settings),
        change_profiles: impl FnOnce(&mut Vec<config::MunicipalityProfile>),
    ) -> TestApp {
        let (db, database_url) = fresh_database().await;
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
        let mut settings = test_settings(&dir);
        change(&mut settings);
        let mut profiles = settings.load_profiles(&dir).expect("profiles");
        change_profiles(&mut profiles);
        let clock = Clock::fixed(START);
        let state = AppState::prepare(db.clone(), settings, &profiles, clock.clone())
            .await
            .expect("app state");
        let router = build_app(state.clone());
        TestApp {
            state,
            database_url,
            router,
            db,
            clock,
        }
    }

    /// A connection as the schema's owner, for what the app itself may not do (break a table).
    pub async fn as_owner(&self) -> PgConnection {
        PgConnection::connect(&self.database_url)
            .await
            .expect("owner connection")
    }

    /// The test helpers around an app state made elsewhere (a restored copy, say).
    pub fn around(state: AppState, database_url: String) -> TestApp {
        TestApp {
            router: build_app(state.clone()),
            db: state.db.clone(),
            clock: state.clock.clone(),
            state,
            database_url,
        }
    }

    /// A second app instance on the same database, as behind a load balancer: its own state
    /// and router, sharing nothing with the first but the database and the clock.
    pub async fn second_instance(&self) -> (AppState, Client) {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
        let settings = test_settings(&dir);
        let profiles = settings.load_profiles(&dir).expect("profiles");
        let state = AppState::prepare(self.db.clone(), settings, &profiles, self.clock.clone())
            .await
            .expect("app state");
        let client = Client::new(build_app(state.clone()));
        (state, client)
    }

    /// The app with the demo users of every role in both municipalities.
    pub async fn with_demo_users() -> TestApp {
        let app = TestApp::new().await;
        infohus::seed::demo_users(&app.state)
            .await
            .expect("demo users")
            .expect("an empty database");
        app
    }

    pub fn client(&self) -> Client {
        Client::new(self.router.clone())
    }

    /// A client already signed in as a demo user.
    pub async fn signed_in(&self, email: &str) -> Client {
        let mut client = self.client();
        let response = client.login(email, DEMO_PASSWORD).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "login as {email}: {}",
            response.body
        );
        client
    }

    pub async fn municipality_id(&self, slug: &str) -> infohus::domain::ids::MunicipalityId {
        self.state.tenants.by_slug(slug).expect("municipality").id
    }

    pub async fn user_id(&self, email: &str) -> infohus::domain::ids::UserId {
        sqlx::query_scalar::<_, uuid::Uuid>("select id from users where email = $1")
            .bind(email)
            .fetch_one(&self.db)
            .await
            .map(infohus::domain::ids::UserId)
            .expect("user")
    }

    pub async fn audit_count(&self, action: &str) -> i64 {
        sqlx::query_scalar("select count(*) from audit_events where action = $1")
            .bind(action)
            .fetch_one(&self.db)
            .await
            .expect("audit count")
    }
}

pub fn settings_dir() -> std::path::PathBuf {
    config::config_dir()
}
