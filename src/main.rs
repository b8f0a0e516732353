//! The `infohus` command: serve (the default), migrate, user add, demo.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use infohus::clock::Clock;
use infohus::config::{self, LogFormat, MunicipalityProfile, Settings};
use infohus::domain::policy::Role;
use infohus::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use infohus::store::{tenants, users};
use infohus::{AppState, build_app, seed};
use sqlx::PgPool;

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

/// mimalloc rather than glibc's malloc. Argon2 takes its working memory (19 MiB) in one block
/// per hash; glibc raises its mmap threshold to the largest block freed, so from the second
/// sign-in on that memory came from a heap arena and stayed: every blocking thread that hashed
/// kept it (four sign-ins took the app from 15 to 96 MiB resident). mimalloc returns freed
/// pages to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's settings for a server that should hold only what it uses: freed memory goes back
/// to the system at once (by default it waits 10 ms, 100 ms in its arenas, and under steady load
/// often never does), and arenas are committed as they are used. Under the load benchmark at a
/// million cases the police district's figures held 103–123 MiB resident with the defaults and
/// 22–30 MiB with these, at some 15 % of that page's throughput; the other pages stayed within
/// the runs' noise.
const ALLOCATOR_SETTINGS: [(&str, &str); 2] = [
    ("MIMALLOC_PURGE_DELAY", "0"),
    ("MIMALLOC_ARENA_EAGER_COMMIT", "0"),
];

/// mimalloc reads its settings from the environment as the process starts, before `main`, and
/// setting them later takes `unsafe` code, which this crate forbids. So the process starts itself
/// once more with them in its environment, unless the environment already sets either (an
/// operator's choice stands). If that fails, it goes on with mimalloc's defaults.
fn with_allocator_settings() {
    use std::os::unix::process::CommandExt;
    if ALLOCATOR_SETTINGS
        .iter()
        .any(|(name, _)| std::env::var_os(name).is_some())
    {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(name) = args.next() {
        command.arg0(name);
    }
    // `exec` returns only when the process could not be replaced.
    let error = command.args(args).envs(ALLOCATOR_SETTINGS).exec();
    eprintln!(
        "infohus: could not restart with the allocator's settings ({error}); using its defaults"
    );
}

fn main() {
    with_allocator_settings();
    serve_main();
}

#[tokio::main]
async fn serve_main() {
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

    let (pool, cluster) = infohus::database::connect(&settings).await?;
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
