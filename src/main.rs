//! The `infohus` command: serve (the default), migrate, user add, demo.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::str::FromStr;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use infohus::clock::Clock;
use infohus::config::{self, LogFormat, MunicipalityProfile, Settings};
use infohus::domain::policy::Role;
use infohus::embedded_pg::EmbeddedPostgres;
use infohus::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use infohus::store::{tenants, users};
use infohus::{AppState, build_app, seed};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};

#[derive(Parser)]
#[command(
    name = "infohus",
    version,
    about = "Infohus: concerns about radicalisation, from first report to closed case"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application (the default).
    Serve {
        /// Seed demo users and data into an empty database and print the demo logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Seed demo users and data into an empty database and exit.
    Demo,
    /// Delete what the retention periods say is due (also done daily by `serve`).
    Purge {
        /// Only count what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is asked twice on a terminal, or read from stdin; with
    /// --sso-only the account has no password and signs in through an identity provider.
    Add(AddUser),
}

#[derive(clap::Args)]
struct AddUser {
    #[arg(long)]
    email: String,
    #[arg(long)]
    name: String,
    /// staff, leader, key_employee, coordinator, police, core_group, steering_group, admin
    #[arg(long = "role", required = true)]
    roles: Vec<String>,
    /// The municipality's slug (e.g. randers); not for police users.
    #[arg(long)]
    municipality: Option<String>,
    /// The unit's name within the municipality.
    #[arg(long)]
    unit: Option<String>,
    /// The police district's slug (e.g. oestjyllands-politi), for police users.
    #[arg(long = "police-district")]
    police_district: Option<String>,
    /// No password: the account signs in only through the identity provider configured for
    /// its municipality or police district, matched on the verified e-mail at first login.
    #[arg(long = "sso-only")]
    sso_only: bool,
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("infohus: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config_dir = config::config_dir();
    let settings = Settings::load(&config_dir)?;
    init_logging(&settings);
    let profiles = settings.load_profiles(&config_dir)?;
    let command = cli.command.unwrap_or(Command::Serve { demo: false });

    let (pool, cluster) = connect(&settings).await?;
    let result = match command {
        Command::Serve { demo } => serve(pool.clone(), settings, &profiles, demo).await,
        // connect() has migrated it, as the owner.
        Command::Migrate => {
            println!("The database is migrated.");
            Ok(())
        }
        Command::Demo => {
            let state =
                AppState::prepare(pool.clone(), settings, &profiles, Clock::system()).await?;
            seed_demo(&state).await
        }
        Command::Purge { dry_run } => {
            let state =
                AppState::prepare(pool.clone(), settings, &profiles, Clock::system()).await?;
            infohus::retention::purge_from_command_line(&state, dry_run).await
        }
        Command::User {
            command: UserCommand::Add(add),
        } => {
            let state =
                AppState::prepare(pool.clone(), settings, &profiles, Clock::system()).await?;
            add_user(&state, add).await
        }
    };
    pool.close().await;
    if let Some(cluster) = cluster {
        cluster.stop().await?;
    }
    result
}

/// The configured server, or the private cluster in the data folder when none is configured,
/// migrated by the schema's owner; the pool the app works with connects as the runtime role
/// where there is one (see the README's "Two database roles").
async fn connect(settings: &Settings) -> anyhow::Result<(PgPool, Option<EmbeddedPostgres>)> {
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
            infohus::MIGRATOR.run(&mut owner).await?;
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
            infohus::MIGRATOR.run(&mut owner).await?;
            owner.close().await?;
        }
        if infohus::serves_as_owner(&pool).await? {
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
    infohus::MIGRATOR.run(&mut owner).await?;
    infohus::ensure_app_login(&mut owner).await?;
    owner.close().await?;
    let pool = options
        .connect_with(with_timeouts(
            &cluster.url_as(infohus::APP_LOGIN, "infohus"),
        )?)
        .await?;
    Ok((pool, Some(cluster)))
}

async fn serve(
    pool: PgPool,
    settings: Settings,
    profiles: &[MunicipalityProfile],
    demo: bool,
) -> anyhow::Result<()> {
    let mut settings = settings;
    if demo {
        // Every demo role is walked with the password alone; the login page says so.
        settings.second_factor.relax_for_demo();
    }
    let listen = settings.server.listen;
    let public_url = settings.server.public_url.clone();
    let state = AppState::prepare(pool, settings, profiles, Clock::system()).await?;
    if demo {
        seed_demo(&state).await?;
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    tracing::info!(%listen, "Infohus is listening");
    // The handler for SIGTERM is in place before the app says it runs: a service manager (or a
    // test) that stops it at once then gets the clean shutdown, never the default death.
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("listening for SIGTERM")?;
    // The listening address is what a browser on this machine opens; the public address is
    // what links in the app use, and differs behind a proxy.
    if public_url.trim_end_matches('/') == format!("http://{listen}") {
        println!("Infohus is running at {public_url} (Ctrl-C stops it).");
    } else {
        println!(
            "Infohus is running at http://{listen} (public address {public_url}; Ctrl-C stops it)."
        );
    }
    tokio::spawn(infohus::jobs::run_periodic(state.clone()));
    match infohus::mail::Mailer::from_settings(&state.settings.mail)? {
        Some(mailer) => {
            tracing::info!("alerts are mailed");
            tokio::spawn(send_mail(state.clone(), mailer));
        }
        None => tracing::info!("no mail.smtp_host: alerts are shown in the app only"),
    }
    let app = build_app(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal(term))
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Mails the alerts that are due, and the daily mails; every instance does (see
/// `infohus::mail`).
async fn send_mail(state: AppState, mailer: infohus::mail::Mailer) {
    let every = std::time::Duration::from_secs(state.settings.mail.poll_seconds.max(1));
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = infohus::mail::send_pending(&state, &mailer).await {
            tracing::warn!(error = %e, "sending mail failed");
        }
        if let Err(e) = infohus::jobs::daily_mail(&state, &mailer).await {
            tracing::warn!(error = %e, "daily mail failed");
        }
    }
}

/// SIGINT or SIGTERM: stop accepting, let in-flight requests finish.
async fn shutdown_signal(mut term: tokio::signal::unix::Signal) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
}

async fn seed_demo(state: &AppState) -> anyhow::Result<()> {
    match seed::demo(state).await? {
        None => println!("The database already has users; no demo data was added."),
        Some(logins) => {
            println!(
                "Demo data added. Every demo user has the password {}:",
                seed::DEMO_PASSWORD
            );
            for l in logins {
                println!(
                    "  {:<45} {:<28} {}",
                    l.email,
                    l.role.label(),
                    l.municipality
                );
            }
            println!("A citizen's receipt code to try on the public status page:");
            for (slug, code) in seed::intake::DEMO_RECEIPT_CODES {
                println!("  /k/{slug}/status  {code}");
            }
        }
    }
    Ok(())
}

async fn add_user(state: &AppState, add: AddUser) -> anyhow::Result<()> {
    let AddUser {
        email,
        name,
        roles: role_names,
        municipality,
        unit,
        police_district,
        sso_only,
    } = add;
    let mut roles = Vec::new();
    for r in &role_names {
        match Role::parse(r) {
            Some(role) => roles.push(role),
            None => bail!(
                "unknown role {r:?}; use one of: {}",
                Role::ALL.map(|r| r.as_str()).join(", ")
            ),
        }
    }
    let email = email.trim().to_lowercase();
    if !email.contains('@') || email.len() > 320 {
        bail!("{email:?} is not an e-mail address");
    }
    let municipality = match municipality {
        Some(slug) => Some(
            state
                .tenants
                .by_slug(&slug)
                .with_context(|| format!("no municipality with the slug {slug:?}"))?,
        ),
        None => None,
    };
    let police_district_id = match police_district {
        Some(slug) => Some(
            state
                .tenants
                .district_by_slug(&slug)
                .with_context(|| format!("no police district with the slug {slug:?}"))?
                .0,
        ),
        None => None,
    };
    use infohus::domain::policy::{BelongingGap, belonging_gaps};
    if let Some(gap) =
        belonging_gaps(&roles, municipality.is_some(), police_district_id.is_some()).first()
    {
        bail!(match gap {
            BelongingGap::RolesClash =>
                "a municipal role and the police role cannot be combined in one account",
            BelongingGap::NeedsMunicipality =>
                "these roles belong to a municipality: add --municipality",
            BelongingGap::NeedsDistrict =>
                "police users belong to a police district: add --police-district",
        });
    }
    let unit_id = match (unit, municipality) {
        (Some(name), Some(m)) => Some(
            tenants::unit_by_name(&state.db, m.id, &name)
                .await?
                .with_context(|| format!("{} has no unit named {name:?}", m.name()))?
                .id,
        ),
        (Some(_), None) => bail!("a unit belongs to a municipality: add --municipality"),
        _ => None,
    };
    let hash = if sso_only {
        None
    } else {
        let password = read_new_password()?;
        if let Err(why) = infohus::auth::password::check_strength(&password, &email, &name) {
            bail!("the password was refused: {why}");
        }
        Some(infohus::auth::password::hash(password).await?)
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id = users::insert(
        &mut *tx,
        &users::NewUser {
            email: email.clone(),
            name,
            roles,
            municipality_id: municipality.map(|m| m.id),
            police_district_id,
            unit_id,
            password_hash: hash,
        },
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        &AuditEvent::new(AuditAction::UserCreated)
            .on(ObjectType::User, id.0)
            .in_municipality(municipality.map(|m| m.id))
            .in_district(police_district_id)
            .request("cli"),
        now,
    )
    .await?;
    tx.commit().await?;
    if sso_only {
        println!("Created {email}, who signs in through the identity provider only.");
    } else {
        println!("Created {email}.");
    }
    Ok(())
}

/// Asked twice on a terminal; one line from stdin otherwise (for scripts).
fn read_new_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Repeat the password: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&settings.log.filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log.format == LogFormat::Json {
        builder.json().init();
    } else {
        builder.init();
    }
}
