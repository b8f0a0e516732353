//! Settings (config/default.toml, then `INFOHUS_…` environment variables) and municipality profiles.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::auth::lockout::LockoutPolicy;

mod identity;
mod mail;

pub use identity::{OidcProvider, OidcSettings, SecondFactorSettings};
pub use mail::{MailSecurity, MailSettings};

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub municipalities: Vec<String>,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub session: SessionSettings,
    pub login: LoginSettings,
    pub rate_limits: RateLimitSettings,
    pub log: LogSettings,
    #[serde(default)]
    pub mail: MailSettings,
    #[serde(default)]
    pub second_factor: SecondFactorSettings,
    #[serde(default)]
    pub oidc: OidcSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub listen: SocketAddr,
    pub public_url: String,
    /// Proxies (CIDRs) whose `X-Forwarded-For` names the client; empty = the TCP peer is.
    #[serde(default)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl ServerSettings {
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[derive(Clone, Deserialize)]
pub struct DatabaseSettings {
    /// Never printed: it may carry a password.
    #[serde(default)]
    pub url: Option<String>,
    /// The schema owner's address, for migrations; unset = `url` migrates too (one role).
    #[serde(default)]
    pub owner_url: Option<String>,
    pub data_dir: PathBuf,
    pub max_connections: u32,
    /// How long a request waits for a free connection before it is told to come back.
    pub acquire_timeout_seconds: u64,
    /// The longest any statement may run.
    pub statement_timeout_seconds: u64,
}

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &self.url.as_ref().map(|_| "[redacted]"))
            .field("owner_url", &self.owner_url.as_ref().map(|_| "[redacted]"))
            .field("data_dir", &self.data_dir)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct SessionSettings {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct LoginSettings {
    pub lock_after_failures: i32,
    pub lock_minutes: i64,
    /// Failures older than this no longer count towards the lock.
    #[serde(default = "default_failure_window_minutes")]
    pub failure_window_minutes: i64,
    /// The per-IP limits lived here before `[rate_limits]`; still honoured when set.
    #[serde(default)]
    per_ip_attempts: Option<i32>,
    #[serde(default)]
    public_reports_per_ip: Option<i32>,
    #[serde(default)]
    status_lookups_per_ip: Option<i32>,
}

/// Per-IP limits within a sliding window of `window_minutes`, shared by every app instance.
#[derive(Debug, Clone, Deserialize)]
pub struct RateLimitSettings {
    pub window_minutes: i64,
    pub login_attempts_per_ip: i32,
    pub public_reports_per_ip: i32,
    pub status_lookups_per_ip: i32,
}

impl RateLimitSettings {
    pub fn window(&self) -> time::Duration {
        time::Duration::minutes(self.window_minutes.max(1))
    }
}

fn default_failure_window_minutes() -> i64 {
    60
}

impl LoginSettings {
    pub fn lockout(&self) -> LockoutPolicy {
        LockoutPolicy {
            lock_after: usize::try_from(self.lock_after_failures.max(1)).unwrap_or(1),
            lock: time::Duration::minutes(self.lock_minutes),
            window: time::Duration::minutes(self.failure_window_minutes),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// One municipality's profile: who to call, how concerns are routed, its deadlines and units.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct MunicipalityProfile {
    pub slug: String,
    pub name: String,
    pub infohus_name: String,
    pub reference_prefix: String,
    /// Randers: a staff member's concern passes through their nearest leader first.
    pub routes_via_leader: bool,
    #[serde(default)]
    pub shared_email: Option<String>,
    pub hotline: String,
    pub hotline_hours: String,
    pub emergency: String,
    /// How long the person's data is kept (see [`Retention`]).
    #[serde(default)]
    pub retention: Retention,
    pub small_number_threshold: i64,
    pub police_district: PoliceDistrictProfile,
    pub deadlines: Deadlines,
    pub contacts: Vec<Contact>,
    pub units: Vec<UnitProfile>,
    /// The municipality's plan against radicalisation and extremism (see [`PlanProfile`]).
    #[serde(default)]
    pub plan: PlanProfile,
}

/// The municipality's published plan and how often the steering group revises it (Randers:
/// every year in the first quarter; the law: at least every fourth year).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct PlanProfile {
    /// Where the published plan is, linked from the public page.
    #[serde(default)]
    pub url: Option<String>,
    /// Months from one revision to the next.
    pub revision_months: u32,
    /// The last revision when the installation was set up ("2026-03-20"); later ones are
    /// recorded in Infohus.
    #[serde(default)]
    pub revised: Option<String>,
}

impl Default for PlanProfile {
    fn default() -> Self {
        PlanProfile {
            url: None,
            revision_months: 48,
            revised: None,
        }
    }
}

/// How long the person's data is kept, and the purge that deletes it (`infohus purge`, and
/// daily in `serve`). Read by the database from the synced profile (`case_retention`).
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct Retention {
    /// A closed case: this many years after closing, and not before its last review after
    /// closing.
    pub closed_case_years: u32,
    /// A case closed at the police screening or the joint triage (never an Infohus case), and a
    /// concern left at its unit without a case: this many months after closing or its last change.
    pub not_a_case_months: u32,
    /// The access log of a deleted case: this many years after the deletion.
    pub access_log_years: u32,
    /// The latest date a coordinator may postpone one case's deletion to, in months after the
    /// day it was due.
    pub max_extension_months: u32,
}

impl Retention {
    /// The shortest time after closing that any case is kept, in months: nothing closed more
    /// recently than this is due.
    pub fn shortest_months(&self) -> u32 {
        self.not_a_case_months
            .min(self.closed_case_years.saturating_mul(12))
    }
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            closed_case_years: 5,
            not_a_case_months: 6,
            access_log_years: 5,
            max_extension_months: 24,
        }
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct PoliceDistrictProfile {
    pub slug: String,
    pub name: String,
    /// The district's network of Infohus coordinators (Infohus Østjylland, Infohus Netværk).
    #[serde(default)]
    pub network_name: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct Deadlines {
    pub screening_working_days: u32,
    pub review_interval_months: u32,
    pub post_closure_review_months: [u32; 2],
    /// How long the police user named in a joint decision agreed by phone may object to it.
    #[serde(default = "default_triage_objection_working_days")]
    pub triage_objection_working_days: u32,
}

fn default_triage_objection_working_days() -> u32 {
    2
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            screening_working_days: 5,
            review_interval_months: 3,
            post_closure_review_months: [6, 12],
            triage_objection_working_days: default_triage_objection_working_days(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct UnitProfile {
    pub name: String,
    pub sector: String,
}

impl Settings {
    /// Reads `config_dir/default.toml`, then `INFOHUS_SECTION__KEY` variables; `DATABASE_URL`
    /// wins over `database.url` because that is where every PostgreSQL tool looks.
    pub fn load(config_dir: &Path) -> anyhow::Result<Settings> {
        // The shipped defaults, then the installation's own file (local.toml beside them, or
        // INFOHUS_CONFIG_FILE), then the environment.
        let local = std::env::var("INFOHUS_CONFIG_FILE")
            .ok()
            .filter(|f| !f.trim().is_empty())
            .map(PathBuf::from);
        let mut builder = config::Config::builder()
            .add_source(config::File::from(config_dir.join("default.toml")))
            .add_source(config::File::from(config_dir.join("local.toml")).required(false));
        if let Some(file) = local {
            builder = builder.add_source(config::File::from(file));
        }
        let mut settings: Settings = builder
            .add_source(
                config::Environment::with_prefix("INFOHUS")
                    .prefix_separator("_")
                    .separator("__")
                    .list_separator(",")
                    .with_list_parse_key("municipalities")
                    .with_list_parse_key("server.trusted_proxies")
                    .try_parsing(true),
            )
            .build()
            .context("reading the configuration")?
            .try_deserialize()
            .context("the configuration is not valid")?;
        let login = &settings.login;
        let limits = &mut settings.rate_limits;
        for (old, new) in [
            (login.per_ip_attempts, &mut limits.login_attempts_per_ip),
            (
                login.public_reports_per_ip,
                &mut limits.public_reports_per_ip,
            ),
            (
                login.status_lookups_per_ip,
                &mut limits.status_lookups_per_ip,
            ),
        ] {
            if let Some(old) = old {
                *new = old;
            }
        }
        if let Ok(url) = std::env::var("DATABASE_OWNER_URL") {
            if !url.trim().is_empty() {
                settings.database.owner_url = Some(url);
            }
        }
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if !url.trim().is_empty() {
                settings.database.url = Some(url);
            }
        }
        Ok(settings)
    }

    pub fn load_profiles(&self, config_dir: &Path) -> anyhow::Result<Vec<MunicipalityProfile>> {
        self.municipalities
            .iter()
            .map(|slug| MunicipalityProfile::load(&config_dir.join(format!("{slug}.toml"))))
            .collect()
    }
}

impl MunicipalityProfile {
    pub fn load(path: &Path) -> anyhow::Result<MunicipalityProfile> {
        let profile: MunicipalityProfile = config::Config::builder()
            .add_source(config::File::from(path))
            .build()
            .and_then(|c| c.try_deserialize())
            .with_context(|| format!("reading the municipality profile {}", path.display()))?;
        anyhow::ensure!(
            profile.small_number_threshold >= 1,
            "{}: small_number_threshold must be at least 1",
            path.display()
        );
        Ok(profile)
    }
}

/// The folder holding default.toml and the profiles: `INFOHUS_CONFIG_DIR`, else `./config`,
/// else the one beside the crate (so tests and `cargo run` work from any folder).
pub fn config_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("INFOHUS_CONFIG_DIR") {
        return PathBuf::from(dir);
    }
    let local = PathBuf::from("config");
    if local.join("default.toml").exists() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_profiles_load() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
        let settings = Settings::load(&dir).expect("default.toml");
        let profiles = settings.load_profiles(&dir).expect("profiles");
        let randers = profiles
            .iter()
            .find(|p| p.slug == "randers")
            .expect("randers");
        assert!(randers.routes_via_leader);
        assert_eq!(randers.police_district.name, "Østjyllands Politi");
        assert_eq!(randers.contacts.len(), 2);
        let ballerup = profiles
            .iter()
            .find(|p| p.slug == "ballerup")
            .expect("ballerup");
        assert!(!ballerup.routes_via_leader);
        assert_eq!(ballerup.infohus_name, "Den Lille Enhed");
        assert_eq!(ballerup.deadlines, Deadlines::default());
    }
}
