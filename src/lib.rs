//! Infohus: Danish municipalities and their police district handle concerns that a person is
//! being radicalised, from the first concern to a closed case, with quarterly figures that show
//! no person.

pub mod auth;
pub mod clock;
pub mod config;
pub mod domain;
pub mod embedded_pg;
pub mod error;
pub mod jobs;
pub mod seed;
pub mod store;
pub mod web;

use std::sync::Arc;

use sqlx::PgPool;
use sqlx::migrate::Migrator;

pub use web::build_app;

pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Everything a request handler may need, shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub settings: Arc<config::Settings>,
    pub tenants: Arc<store::tenants::Tenants>,
    pub clock: clock::Clock,
    /// A hash of a random password, verified against when an e-mail is unknown, so that an
    /// unknown e-mail costs the same work as a wrong password.
    pub dummy_hash: Arc<str>,
}

impl AppState {
    /// Migrates the database, writes the municipality profiles into it, and assembles the state.
    pub async fn prepare(
        db: PgPool,
        settings: config::Settings,
        profiles: &[config::MunicipalityProfile],
        clock: clock::Clock,
    ) -> anyhow::Result<AppState> {
        MIGRATOR.run(&db).await?;
        let mut conn = db.acquire().await?;
        store::tenants::sync_profiles(&mut conn, profiles, clock.now()).await?;
        let tenants = store::tenants::Tenants::load(&mut *conn).await?;
        drop(conn);
        let random = uuid::Uuid::new_v4().to_string();
        let dummy_hash = auth::password::hash(random).await?;
        Ok(AppState {
            db,
            settings: Arc::new(settings),
            tenants: Arc::new(tenants),
            clock,
            dummy_hash: dummy_hash.into(),
        })
    }
}
