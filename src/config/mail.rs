//! The SMTP server the alerts are mailed through.

use serde::Deserialize;

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
