//! Infohus: Danish municipalities and their police district handle concerns that a person is
//! being radicalised, from the first concern to a closed case, with quarterly figures that show
//! no person.

pub mod auth;
pub mod clock;
pub mod config;
pub mod database;
pub mod domain;
pub mod embedded_pg;
pub mod error;
pub mod jobs;
pub mod mail;
pub mod report;
pub mod retention;
pub mod seed;
pub mod store;
pub mod web;

use std::sync::Arc;

use sqlx::PgPool;
use sqlx::migrate::Migrator;

pub use web::build_app;

pub static MIGRATOR: Migrator = sqlx::migrate!();

/// The group role the app serves as (see the migration that creates it): rows only, and only
/// adding to the audit trail.
pub const RUNTIME_ROLE: &str = "infohus_runtime";

/// The login role, in [`RUNTIME_ROLE`], that a private cluster serves with.
pub const APP_LOGIN: &str = "infohus_app";

/// Creates the app's login role in the runtime group where it is missing. Run as the owner,
/// after the migrations, on a server whose local connections need no password (the private
/// cluster and the tests' cluster).
pub async fn ensure_app_login(owner: impl sqlx::PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "do $$ begin
             if not exists (select 1 from pg_roles where rolname = '{APP_LOGIN}') then
                 create role {APP_LOGIN} login in role {RUNTIME_ROLE};
             end if;
         end $$"
    ))
    .execute(owner)
    .await?;
    Ok(())
}

/// Does this connection own the tables or bypass their privileges (a superuser)? Then it could
/// rewrite the audit trail, which the runtime role cannot.
pub async fn serves_as_owner(db: impl sqlx::PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select r.rolsuper or pg_has_role(current_user, t.tableowner, 'USAGE')
         from pg_roles r, pg_tables t
         where r.rolname = current_user and t.tablename = 'audit_events'",
    )
    .fetch_optional(db)
    .await
    .map(|owner| owner.unwrap_or(true))
}

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
    /// Seal the TOTP secrets and key the recovery codes; from the settings, never the database.
    pub factor_keys: Arc<auth::second_factor::FactorKeys>,
    /// The identity providers users may sign in through.
    pub oidc: Arc<auth::oidc::Providers>,
}

impl AppState {
    /// Writes the municipality profiles into the (migrated) database and assembles the state.
    pub async fn prepare(
        db: PgPool,
        settings: config::Settings,
        profiles: &[config::MunicipalityProfile],
        clock: clock::Clock,
    ) -> anyhow::Result<AppState> {
        let mut conn = db.acquire().await?;
        store::tenants::sync_profiles(&mut conn, profiles, clock.now()).await?;
        let tenants = store::tenants::Tenants::load(&mut *conn).await?;
        drop(conn);
        let random = uuid::Uuid::new_v4().to_string();
        let dummy_hash = auth::password::hash(random).await?;
        let factor_keys = auth::second_factor::FactorKeys::load(&settings.second_factor)?;
        let oidc = auth::oidc::Providers::new(&settings.oidc, &settings.server.public_url)?;
        Ok(AppState {
            db,
            settings: Arc::new(settings),
            tenants: Arc::new(tenants),
            clock,
            dummy_hash: dummy_hash.into(),
            factor_keys: Arc::new(factor_keys),
            oidc: Arc::new(oidc),
        })
    }
}
