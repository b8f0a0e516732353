//! Settings (config/default.toml, then `INFOHUS_…` environment variables) and municipality profiles.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::auth::lockout::LockoutPolicy;

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

/// The second factor (TOTP) for password logins.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct SecondFactorSettings {
    /// Roles that must have a second factor: a user holding any of them is sent to set one up
    /// before reaching any page.
    pub required_roles: Vec<crate::domain::policy::Role>,
    /// Base64 of 32 random bytes that encrypts the TOTP secrets; never stored in the database.
    /// Set it with INFOHUS_SECOND_FACTOR__KEY. Empty = the key in `key_file`, made on first start.
    pub key: String,
    pub key_file: PathBuf,
    /// The name authenticator apps show beside the account.
    pub issuer: String,
    /// Set by `serve --demo`: no role requires a second factor, and the login page says so.
    #[serde(skip)]
    pub relaxed_for_demo: bool,
}

impl Default for SecondFactorSettings {
    fn default() -> Self {
        use crate::domain::policy::Role;
        SecondFactorSettings {
            required_roles: vec![
                Role::Coordinator,
                Role::Police,
                Role::CoreGroup,
                Role::Admin,
            ],
            key: String::new(),
            key_file: PathBuf::from("var/second-factor.key"),
            issuer: "Infohus".to_owned(),
            relaxed_for_demo: false,
        }
    }
}

impl std::fmt::Debug for SecondFactorSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecondFactorSettings")
            .field("required_roles", &self.required_roles)
            .field(
                "key",
                &if self.key.is_empty() {
                    ""
                } else {
                    "[redacted]"
                },
            )
            .field("key_file", &self.key_file)
            .field("relaxed_for_demo", &self.relaxed_for_demo)
            .finish()
    }
}

impl SecondFactorSettings {
    /// Does a user with these roles need a second factor?
    pub fn required_for(&self, roles: &[crate::domain::policy::Role]) -> bool {
        !self.relaxed_for_demo && roles.iter().any(|r| self.required_roles.contains(r))
    }

    /// The demo walks every role with a password only; the login page says so.
    pub fn relax_for_demo(&mut self) {
        self.relaxed_for_demo = true;
    }
}

/// Sign-in through the municipality's or police district's own identity provider (OpenID
/// Connect: Microsoft Entra ID, AD FS, …).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct OidcSettings {
    pub providers: Vec<OidcProvider>,
    /// The longest Infohus waits for a provider (discovery, keys, token) before telling the user.
    pub timeout_seconds: u64,
}

impl Default for OidcSettings {
    fn default() -> Self {
        OidcSettings {
            providers: Vec::new(),
            timeout_seconds: 10,
        }
    }
}

/// One identity provider, e.g. a municipality's Entra ID tenant.
#[derive(Clone, Deserialize)]
pub struct OidcProvider {
    /// In the addresses: /login/sso/<slug>, and the redirect URI /login/sso/<slug>/callback.
    pub slug: String,
    /// Shown on the login page: "Log ind med <name>".
    pub name: String,
    /// E.g. https://login.microsoftonline.com/<tenant id>/v2.0
    pub issuer: String,
    pub client_id: String,
    /// The client secret, or (better) the name of the environment variable holding it.
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub client_secret_env: String,
    /// `amr` values that mean the provider did a second factor; then Infohus does not ask again.
    #[serde(default = "default_mfa_amr")]
    pub mfa_amr: Vec<String>,
    /// Make an account at first login for a verified e-mail without one, with the roles the
    /// claim mapping gives (no role: no account). Off by default: an admin makes the accounts.
    #[serde(default)]
    pub just_in_time: bool,
    /// Where just-in-time accounts belong: a municipality's slug, or a police district's.
    #[serde(default)]
    pub municipality: Option<String>,
    #[serde(default)]
    pub police_district: Option<String>,
    /// The claim that says the e-mail is the person's: `email_verified` (OpenID Connect),
    /// `xms_edov` at Entra ID (an optional claim: the domain is the tenant's own).
    #[serde(default = "default_email_verified_claim")]
    pub email_verified_claim: String,
    /// The claim holding group ids (Entra ID: "groups"; AD FS: "group" or "role").
    #[serde(default = "default_roles_claim")]
    pub roles_claim: String,
    /// Group id (a value of `roles_claim`) → Infohus role, e.g. "9f3c…" = "coordinator".
    #[serde(default)]
    pub roles: std::collections::BTreeMap<String, crate::domain::policy::Role>,
}

fn default_mfa_amr() -> Vec<String> {
    vec!["mfa".to_owned()]
}

fn default_email_verified_claim() -> String {
    "email_verified".to_owned()
}

fn default_roles_claim() -> String {
    "groups".to_owned()
}

impl OidcProvider {
    /// The secret from its environment variable when one is named, else from the file.
    pub fn secret(&self) -> String {
        if !self.client_secret_env.trim().is_empty() {
            if let Ok(secret) = std::env::var(self.client_secret_env.trim()) {
                return secret;
            }
        }
        self.client_secret.clone()
    }
}

impl std::fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProvider")
            .field("slug", &self.slug)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("just_in_time", &self.just_in_time)
            .finish()
    }
}

/// The SMTP server alerts are mailed through. Without a host no mail is sent: alerts are
/// kept and shown in the app only.
#[derive(Clone, Deserialize)]
pub struct MailSettings {
    #[serde(default)]
    pub smtp_host: String,
    #[serde(default = "default_smtp_port")]
    pub smtp_port: u16,
    #[serde(default)]
    pub security: MailSecurity,
    #[serde(default)]
    pub username: String,
    /// Never printed.
    #[serde(default)]
    pub password: String,
    #[serde(default = "default_mail_from")]
    pub from: String,
    /// The hour (Copenhagen time) from which the daily mails go out.
    #[serde(default = "default_daily_hour")]
    pub daily_hour: u8,
    /// How often each instance looks for mail to send.
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: u64,
    /// How long one conversation with the server may take before it counts as failed.
    #[serde(default = "default_smtp_timeout_seconds")]
    pub timeout_seconds: u64,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MailSecurity {
    /// Upgrade with STARTTLS, which the server must offer (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain text: only for a relay on the same host or a test server.
    None,
}

impl MailSettings {
    pub fn is_configured(&self) -> bool {
        !self.smtp_host.trim().is_empty()
    }
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            smtp_host: String::new(),
            smtp_port: default_smtp_port(),
            security: MailSecurity::default(),
            username: String::new(),
            password: String::new(),
            from: default_mail_from(),
            daily_hour: default_daily_hour(),
            poll_seconds: default_poll_seconds(),
            timeout_seconds: default_smtp_timeout_seconds(),
        }
    }
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("from", &self.from)
            .finish()
    }
}

fn default_smtp_port() -> u16 {
    587
}

fn default_mail_from() -> String {
    "Infohus <infohus@localhost>".to_owned()
}

fn default_daily_hour() -> u8 {
    7
}

fn default_poll_seconds() -> u64 {
    15
}

fn default_smtp_timeout_seconds() -> u64 {
    20
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
