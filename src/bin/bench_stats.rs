//! How fast is the quarterly report on years of data? Generates a large history into a fresh
//! database on the server behind DATABASE_URL (the demo generator, many thousand cases per
//! municipality and year), then times the report's queries exactly as the pages run them, and
//! with `--explain` prints their plans (EXPLAIN ANALYZE through auto_explain).
//!
//!     DATABASE_URL=postgres://postgres@localhost/postgres?host=/tmp/devpg \
//!         cargo run --release --bin bench_stats -- --years 10 --cases-per-year 5000 --explain

use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use infohus::AppState;
use infohus::clock::Clock;
use infohus::config::{self, MunicipalityProfile, Settings};
use infohus::domain::ids::{MunicipalityId, UnitId, UserId};
use infohus::domain::policy::Role;
use infohus::domain::stats::Quarter;
use infohus::report as tables;
use infohus::seed::history::{self, Actors, Lcg};
use infohus::store::{self, users};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection};

#[derive(Parser)]
#[command(about = "Generate a large history and time the quarterly report")]
struct Args {
    /// Years of history, ending now.
    #[arg(long, default_value_t = 10)]
    years: i64,
    /// Cases per municipality and year.
    #[arg(long, default_value_t = 5000)]
    cases_per_year: usize,
    /// Extra municipalities in Randers' police district (copies of Randers' profile), so the
    /// district report has several areas and the tables hold other tenants' rows too.
    #[arg(long, default_value_t = 4)]
    extra_municipalities: usize,
    /// Timed runs of each report (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Print the plan and timing of every query of one report (auto_explain).
    #[arg(long)]
    explain: bool,
    /// Audit rows per case: looks at the case by its people over its life, and every tenth a
    /// case list that showed it with its neighbours (for the access log at volume).
    #[arg(long, default_value_t = 0)]
    audit_per_case: i32,
    /// Keep the generated database instead of dropping it.
    #[arg(long)]
    keep: bool,
    /// Give the bench users (coordinator@<slug>.bench, police@<district>.bench, …) this password,
    /// so that the load benchmark (tests/load/run.sh) can sign in as them.
    #[arg(long)]
    password: Option<String>,
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("bench_stats: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "warn,sqlx::query=error,sqlx::postgres::notice=info",
        ))
        .with_target(false)
        .without_time()
        .with_level(false)
        .init();
    let url = std::env::var("DATABASE_URL")
        .context("DATABASE_URL must name a PostgreSQL server to create the database on")?;
    let name = format!(
        "infohus_bench_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let mut admin = PgConnection::connect(&url).await?;
    admin
        .execute(format!("create database {name}").as_str())
        .await?;
    println!("database {name}");
    let result = bench(&args, &url, &name).await;
    if !args.keep {
        admin
            .execute(format!("drop database if exists {name} with (force)").as_str())
            .await?;
    }
    result
}

async fn bench(args: &Args, url: &str, name: &str) -> anyhow::Result<()> {
    let options = PgConnectOptions::from_str(url)?.database(name);
    let db = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options.clone())
        .await?;
    infohus::MIGRATOR.run(&db).await?;
    let dir = config::config_dir();
    let settings = Settings::load(&dir)?;
    let mut profiles = settings.load_profiles(&dir)?;
    let randers = profiles
        .iter()
        .find(|p| p.slug == "randers")
        .cloned()
        .context("the Randers profile")?;
    for i in 1..=args.extra_municipalities {
        profiles.push(MunicipalityProfile {
            slug: format!("bench-{i:02}"),
            name: format!("Benchkommune {i:02}"),
            infohus_name: format!("Infohus Benchkommune {i:02}"),
            reference_prefix: format!("B{i:02}"),
            ..randers.clone()
        });
    }
    let state = AppState::prepare(db.clone(), settings, &profiles, Clock::system()).await?;
    let now = state.clock.now();

    // Generate: one transaction per municipality and year.
    let started = Instant::now();
    let mut conn = db.acquire().await?;
    let mut total_cases = 0;
    let hash = match &args.password {
        Some(p) => Some(infohus::auth::password::hash(p.clone()).await?),
        None => None,
    };
    for (i, m) in state.tenants.municipalities.iter().enumerate() {
        let units: Vec<UnitId> = store::tenants::units(&mut *conn, m.id)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let actors =
            bench_users(&mut conn, m, now, hash.as_deref(), units.first().copied()).await?;
        let mut rng = Lcg::new(i as u64 + 1);
        for year in 0..args.years {
            let from = now - time::Duration::days(365 * (args.years - year));
            let until = from + time::Duration::days(365);
            let stories =
                history::generate(&mut rng, m, &units, (from, until), now, args.cases_per_year);
            total_cases += stories.len();
            let mut tx = conn.begin().await?;
            history::write(&mut tx, &stories, actors).await?;
            tx.commit().await?;
        }
        if args.audit_per_case > 0 {
            let from = (now - time::Duration::days(365 * args.years)).date();
            store::audit::make_partitions(&mut *conn, from, now.date()).await?;
            write_audit(&mut conn, m.id, &actors, args.audit_per_case, now).await?;
        }
        eprintln!("  {} written", m.name());
    }
    // What autovacuum would have done by the time anyone reads a report: statistics, and the
    // visibility map that lets index-only scans skip the table.
    conn.execute("vacuum analyze").await?;
    let counts = sqlx::query!(
        r#"select (select count(*) from cases) as "cases!", (select count(*) from concerns) as "concerns!",
                  (select count(*) from case_history) as "history!",
                  (select count(*) from interventions) as "interventions!",
                  (select count(*) from audit_events) as "audit!""#
    )
    .fetch_one(&mut *conn)
    .await?;
    println!(
        "generated {total_cases} cases in {:.0} s: {} cases, {} concerns, {} history rows, {} interventions, {} audit rows, {} municipalities, {} years",
        started.elapsed().as_secs_f64(),
        counts.cases,
        counts.concerns,
        counts.history,
        counts.interventions,
        counts.audit,
        state.tenants.municipalities.len(),
        args.years
    );

    let randers = state.tenants.by_slug("randers").context("Randers")?;
    let district: Vec<MunicipalityId> = state
        .tenants
        .in_district(randers.police_district_id)
        .map(|m| m.id)
        .collect();
    let unit = store::tenants::units(&mut *conn, randers.id)
        .await?
        .first()
        .map(|u| u.id)
        .context("a unit")?;
    let last = Quarter::last_complete(now);
    let old = Quarter {
        year: last.year - (args.years / 2).max(1) as i32,
        q: 2,
    };

    println!("\nreport                                         runs   min ms  median ms  max ms");
    for (label, municipalities, quarter) in [
        (
            "one municipality, last complete quarter",
            vec![randers.id],
            last,
        ),
        (
            "one municipality, a quarter years back",
            vec![randers.id],
            old,
        ),
        (
            "police district (all areas + total)",
            district.clone(),
            last,
        ),
    ] {
        let times = time_runs(args.runs, || {
            let db = db.clone();
            let municipalities = municipalities.clone();
            let state = state.clone();
            async move {
                let mut conn = db.acquire().await?;
                report(&mut conn, &state, &municipalities, quarter, now).await
            }
        })
        .await?;
        print_times(label, &times);
    }
    let times = time_runs(args.runs, || {
        let db = db.clone();
        async move {
            let mut conn = db.acquire().await?;
            let mut quarters = vec![Quarter::current(now)];
            for _ in 0..7 {
                let q = quarters[quarters.len() - 1].previous();
                quarters.push(q);
            }
            store::stats::unit(&mut conn, unit, &quarters).await?;
            store::stats::concerns_by_unit(&mut conn, randers.id, &Quarter::current(now).of_year())
                .await?;
            Ok(())
        }
    })
    .await?;
    print_times("a unit's page (two pages' queries)", &times);

    if args.explain {
        println!("\nplans of the district report's queries (auto_explain, EXPLAIN ANALYZE):");
        let mut conn = PgConnection::connect_with(&options).await?;
        for statement in [
            "load 'auto_explain'",
            "set auto_explain.log_min_duration = 0",
            "set auto_explain.log_analyze = on",
            "set auto_explain.log_buffers = on",
            "set auto_explain.log_timing = on",
            "set auto_explain.log_level = notice",
            "set client_min_messages = notice",
        ] {
            conn.execute(statement).await?;
        }
        report(&mut conn, &state, &district, last, now).await?;
    }
    Ok(())
}

/// The report exactly as `/statistik` builds it: the queries, then suppression into tables.
async fn report(
    conn: &mut PgConnection,
    state: &AppState,
    municipalities: &[MunicipalityId],
    quarter: Quarter,
    now: time::OffsetDateTime,
) -> anyhow::Result<()> {
    let quarters: Vec<Quarter> = quarter
        .of_year()
        .into_iter()
        .filter(|q| q.has_begun(now))
        .collect();
    let figures = store::stats::quarterly(conn, municipalities, &quarters, now).await?;
    let mut areas: Vec<tables::Area> = municipalities
        .iter()
        .filter_map(|id| state.tenants.by_id(*id))
        .map(|m| tables::Area {
            municipality: Some(m.id),
            slug: m.slug.clone(),
            name: m.name().to_owned(),
            sectors: m.profile.units.iter().map(|u| u.sector.clone()).collect(),
        })
        .collect();
    if areas.len() > 1 {
        areas.push(tables::Area {
            municipality: None,
            slug: "kredsen".to_owned(),
            name: "I alt".to_owned(),
            sectors: Vec::new(),
        });
    }
    let columns = tables::quarter_columns(&quarters, quarter, Quarter::current(now));
    let reports = tables::build(&figures, &areas, &columns, 5);
    anyhow::ensure!(!reports.is_empty(), "an empty report");
    Ok(())
}

async fn time_runs<F, Fut>(runs: usize, mut f: F) -> anyhow::Result<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    f().await?; // warm-up
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        f().await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times)
}

fn print_times(label: &str, times: &[Duration]) {
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let (Some(min), Some(max)) = (times.first(), times.last()) else {
        return;
    };
    let median = &times[times.len() / 2];
    println!(
        "{label:<46} {:>4} {:>8.1} {:>10.1} {:>7.1}",
        times.len(),
        ms(min),
        ms(median),
        ms(max)
    );
}

/// The municipality's audit trail, set-based: `per_case` rows per case spread over its life
/// (until it closed, or now), by its coordinator, core-group member and police in turn; every
/// tenth row a case list that showed the case and the 19 opened after it.
async fn write_audit(
    conn: &mut PgConnection,
    municipality: MunicipalityId,
    actors: &Actors,
    per_case: i32,
    now: time::OffsetDateTime,
) -> anyhow::Result<()> {
    let people = [actors.coordinator.0, actors.core_group.0, actors.police.0];
    sqlx::query!(
        r#"with listed as (
               select c.id, c.opened_at, coalesce(c.closed_at, $4) as until,
                      array_agg(c.id) over (order by c.opened_at, c.id
                                            rows between current row and 19 following) as shown
               from cases c where c.municipality_id = $1
           )
           insert into audit_events (occurred_at, actor_user_id, action, object_type, object_id,
                                     municipality_id, purpose, shown_ids)
           select l.opened_at + (l.until - l.opened_at) * (g::float8 / ($3 + 1)),
                  ($2::uuid[])[1 + (g % 3)],
                  case when g % 10 = 0 then 'case_list_viewed' else 'case_viewed' end,
                  case when g % 10 = 0 then null else 'case' end,
                  case when g % 10 = 0 then null else l.id end,
                  $1,
                  case when g % 10 = 0 then null else 'case_work' end,
                  case when g % 10 = 0 then l.shown else '{}' end
           from listed l, generate_series(1, $3) g"#,
        municipality as MunicipalityId,
        &people,
        per_case,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A coordinator and a core-group member per municipality, a frontline employee in its first
/// unit (the benchmark files concerns as them), and the district's police; without
/// `--password` they can never sign in (no valid password hash).
async fn bench_users(
    conn: &mut PgConnection,
    m: &store::tenants::Municipality,
    now: time::OffsetDateTime,
    password_hash: Option<&str>,
    unit: Option<UnitId>,
) -> anyhow::Result<Actors> {
    if let Some(unit) = unit {
        users::insert(
            &mut *conn,
            &users::NewUser {
                email: format!("staff@{}.bench", m.slug),
                name: "Bench staff".to_owned(),
                roles: vec![Role::Staff],
                municipality_id: Some(m.id),
                police_district_id: None,
                unit_id: Some(unit),
                password_hash: password_hash.map(str::to_owned),
            },
            now,
        )
        .await?;
    }
    let mut ids = Vec::new();
    for (local, role) in [
        ("coordinator", Role::Coordinator),
        ("core_group", Role::CoreGroup),
    ] {
        let id = users::insert(
            &mut *conn,
            &users::NewUser {
                email: format!("{local}@{}.bench", m.slug),
                name: format!("Bench {local}"),
                roles: vec![role],
                municipality_id: Some(m.id),
                police_district_id: None,
                unit_id: None,
                password_hash: password_hash.map(str::to_owned),
            },
            now,
        )
        .await?;
        ids.push(id);
    }
    let police_email = format!("police@{}.bench", m.police_district_slug);
    let existing = sqlx::query_scalar!(
        r#"select id as "id: UserId" from users where email = $1"#,
        police_email
    )
    .fetch_optional(&mut *conn)
    .await?;
    let police = match existing {
        Some(id) => id,
        None => {
            users::insert(
                &mut *conn,
                &users::NewUser {
                    email: police_email,
                    name: "Bench police".to_owned(),
                    roles: vec![Role::Police],
                    municipality_id: None,
                    police_district_id: Some(m.police_district_id),
                    unit_id: None,
                    password_hash: password_hash.map(str::to_owned),
                },
                now,
            )
            .await?
        }
    };
    Ok(Actors {
        coordinator: ids[0],
        core_group: ids[1],
        police,
    })
}
