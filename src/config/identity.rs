//! Who may sign in how: the second factor's settings and the identity providers.

use std::path::PathBuf;

use serde::Deserialize;

use crate::domain::policy::Role;

/// The second factor (TOTP) for password logins.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct SecondFactorSettings {
    /// Roles that must have a second factor: a user holding any of them is sent to set one up
    /// before reaching any page.
    pub required_roles: Vec<Role>,
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
    pub fn required_for(&self, roles: &[Role]) -> bool {
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
    pub roles: std::collections::BTreeMap<String, Role>,
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
