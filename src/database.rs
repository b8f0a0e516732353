//! The app's connection to PostgreSQL: the server behind `DATABASE_URL` (migrated as
//! `DATABASE_OWNER_URL` when that is given, otherwise as the one role), or the private cluster
//! it starts when there is none; the pool with its timeouts either way.

use std::str::FromStr;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};

use crate::config::Settings;
use crate::embedded_pg::EmbeddedPostgres;

/// The configured server, or the private cluster in the data folder when none is configured,
/// migrated by the schema's owner; the pool the app works with connects as the runtime role
/// where there is one (see the README's "Two database roles").
pub async fn connect(settings: &Settings) -> anyhow::Result<(PgPool, Option<EmbeddedPostgres>)> {
    // No request waits long for a connection or a statement: with the database away it gets
    // the 503 page within seconds instead of hanging.
    let options = PgPoolOptions::new()
        .max_connections(settings.database.max_connections)
        .acquire_timeout(std::time::Duration::from_secs(
            settings.database.acquire_timeout_seconds,
        ));
    let statement_timeout = format!("{}s", settings.database.statement_timeout_seconds);
    // JIT off: the app's statements are short lookups, and JIT compiles a plan whose estimated
    // cost is high, which a query over the audit trail's many monthly partitions always is
    // (200 ms of compiling for a 0.5 ms access log, seconds once partitioned).
    let with_timeouts = |url: &str| -> anyhow::Result<PgConnectOptions> {
        Ok(PgConnectOptions::from_str(url)
            .context("reading the database address")?
            .options([
                ("statement_timeout", statement_timeout.as_str()),
                ("jit", "off"),
            ]))
    };
    // The owner's address alone (`infohus migrate` as in the README) is a server too.
    let server = settings
        .database
        .url
        .as_ref()
        .or(settings.database.owner_url.as_ref());
    if let Some(url) = server {
        if let Some(owner_url) = &settings.database.owner_url {
            let mut owner = sqlx::PgConnection::connect(owner_url)
                .await
                .context("connecting to DATABASE_OWNER_URL")?;
            crate::MIGRATOR.run(&mut owner).await?;
            owner.close().await?;
        }
        let pool = options
            .connect_with(with_timeouts(url)?)
            .await
            .context("connecting to DATABASE_URL")?;
        if settings.database.owner_url.is_none() {
            // On a connection of their own, without the pool's statement timeout: a migration
            // may rewrite a large table (the audit trail's partitioning copies every row).
            let mut owner = sqlx::PgConnection::connect(url)
                .await
                .context("connecting to DATABASE_URL")?;
            crate::MIGRATOR.run(&mut owner).await?;
            owner.close().await?;
        }
        if crate::serves_as_owner(&pool).await? {
            tracing::warn!(
                "single-URL mode: Infohus works as the owner of its tables, so it could rewrite its own audit trail; for production set DATABASE_OWNER_URL for migrations and DATABASE_URL to a role in infohus_runtime (README: Two database roles)"
            );
        }
        return Ok((pool, None));
    }
    let cluster = EmbeddedPostgres::start(&settings.database.data_dir).await?;
    let mut admin = sqlx::PgConnection::connect(&cluster.url("postgres")).await?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = 'infohus')")
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        sqlx::query("create database infohus")
            .execute(&mut admin)
            .await?;
    }
    admin.close().await?;
    let mut owner = sqlx::PgConnection::connect(&cluster.url("infohus")).await?;
    crate::MIGRATOR.run(&mut owner).await?;
    crate::ensure_app_login(&mut owner).await?;
    owner.close().await?;
    let pool = options
        .connect_with(with_timeouts(&cluster.url_as(crate::APP_LOGIN, "infohus"))?)
        .await?;
    Ok((pool, Some(cluster)))
}
