//! Mailing alerts over SMTP from the outbox (`alerts`). Every app instance runs the sender;
//! each claims its rows with `FOR UPDATE SKIP LOCKED` and holds them until their outcome is
//! written, so two instances never send one row twice, and a mail server that is down leaves
//! the rows pending with their error until it answers again.

use std::collections::BTreeMap;

use anyhow::Context;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use time::OffsetDateTime;

use crate::AppState;
use crate::config::{MailSecurity, MailSettings};
use crate::domain::alerts::{self, Composed, DailyItem, MAX_ATTEMPTS};
use crate::domain::ids::MunicipalityId;
use crate::store::alerts::{self as store, Claimed, Delivery};

/// Rows one claim takes; the rest wait for the next round.
const BATCH: i64 = 50;

/// The SMTP connection settings, ready to send.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `None` when no SMTP host is configured.
    pub fn from_settings(settings: &MailSettings) -> anyhow::Result<Option<Mailer>> {
        if !settings.is_configured() {
            return Ok(None);
        }
        let host = settings.smtp_host.trim();
        let builder = match settings.security {
            MailSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .context("mail.smtp_host")?,
            MailSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(host).context("mail.smtp_host")?
            }
            MailSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder =
            builder
                .port(settings.smtp_port)
                .timeout(Some(std::time::Duration::from_secs(
                    settings.timeout_seconds.max(1),
                )));
        if !settings.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                settings.username.clone(),
                settings.password.clone(),
            ));
        }
        let from = settings
            .from
            .parse()
            .with_context(|| format!("mail.from is not an address: {}", settings.from))?;
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
        }))
    }

    async fn send(&self, to: &str, mail: &Composed) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|_| SendError::Address)?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|_| SendError::Address)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(SendError::Smtp)
    }
}

#[derive(Debug)]
enum SendError {
    /// The recipient's stored address cannot be written as one.
    Address,
    Smtp(lettre::transport::smtp::Error),
}

impl SendError {
    /// Did the server refuse this one mail (and might take the next), or could it not be
    /// reached at all (and the rest of the batch would fail the same way)?
    fn is_per_mail(&self) -> bool {
        match self {
            SendError::Address => true,
            SendError::Smtp(e) => e.status().is_some(),
        }
    }

    fn text(&self) -> String {
        match self {
            SendError::Address => "the user's e-mail address is not valid".to_owned(),
            SendError::Smtp(e) => e.to_string(),
        }
    }
}

/// What one round of sending did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub skipped: usize,
}

fn infohus_name(state: &AppState, municipality: MunicipalityId) -> &str {
    state
        .tenants
        .by_id(municipality)
        .map_or("Infohus", |m| m.infohus_name())
}

/// The outcome of a failed try: another later, or none after the last.
fn after_failure(attempts_before: i32, error: &str, now: OffsetDateTime) -> Delivery<'_> {
    let attempts = attempts_before + 1;
    Delivery::Failed {
        error,
        retry_at: (attempts < MAX_ATTEMPTS).then(|| now + alerts::backoff(attempts)),
    }
}

/// Sends the alerts whose mail is due, batch after batch until none is left. A server that
/// cannot be reached ends the round: the batch's rows wait for their next try.
pub async fn send_pending(state: &AppState, mailer: &Mailer) -> anyhow::Result<Round> {
    let mut round = Round::default();
    let public_url = state.settings.server.public_url.clone();
    loop {
        let now = state.clock.now();
        let mut tx = state.db.begin().await?;
        let claimed = store::claim_pending(&mut tx, now, BATCH).await?;
        if claimed.is_empty() {
            tx.rollback().await?;
            return Ok(round);
        }
        let mut unreachable: Option<String> = None;
        for alert in &claimed {
            if !alert.active || now - alert.created_at > alerts::MAIL_WITHIN {
                store::record_delivery(&mut *tx, &[alert.id], Delivery::Skipped, now).await?;
                round.skipped += 1;
                continue;
            }
            if let Some(error) = &unreachable {
                let outcome = after_failure(alert.attempts, error, now);
                store::record_delivery(&mut *tx, &[alert.id], outcome, now).await?;
                count_failure(&mut round, outcome);
                continue;
            }
            let name = infohus_name(state, alert.municipality_id);
            let mail = alerts::compose(alert.kind, name, &public_url, &alert.link);
            match mailer.send(&alert.email, &mail).await {
                Ok(()) => {
                    store::record_delivery(&mut *tx, &[alert.id], Delivery::Sent, now).await?;
                    round.sent += 1;
                }
                Err(e) => {
                    let text = e.text();
                    tracing::warn!(alert = alert.id, error = %text, "mail not sent");
                    let outcome = after_failure(alert.attempts, &text, now);
                    store::record_delivery(&mut *tx, &[alert.id], outcome, now).await?;
                    count_failure(&mut round, outcome);
                    if !e.is_per_mail() {
                        unreachable = Some(text);
                    }
                }
            }
        }
        tx.commit().await?;
        if unreachable.is_some() {
            return Ok(round);
        }
    }
}

fn count_failure(round: &mut Round, outcome: Delivery<'_>) {
    match outcome {
        Delivery::Failed { retry_at: None, .. } => round.failed += 1,
        _ => round.retried += 1,
    }
}

/// Sends each user whose alerts wait for the daily mail one mail with all of them.
pub async fn send_daily(state: &AppState, mailer: &Mailer) -> anyhow::Result<Round> {
    let mut round = Round::default();
    let public_url = state.settings.server.public_url.clone();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // A day's alerts of a whole installation; more than this waits for the next day.
    let claimed = store::claim_daily(&mut tx, 20_000).await?;
    let mut by_user: BTreeMap<uuid::Uuid, Vec<&Claimed>> = BTreeMap::new();
    for alert in &claimed {
        by_user.entry(alert.user_id.0).or_default().push(alert);
    }
    for group in by_user.values() {
        let ids: Vec<i64> = group.iter().map(|a| a.id).collect();
        let Some(first) = group.first() else { continue };
        if !first.active {
            store::record_delivery(&mut *tx, &ids, Delivery::Skipped, now).await?;
            round.skipped += 1;
            continue;
        }
        let items: Vec<DailyItem> = group
            .iter()
            .map(|a| DailyItem {
                kind: a.kind,
                infohus_name: infohus_name(state, a.municipality_id),
                link: &a.link,
            })
            .collect();
        let mail = alerts::compose_daily(&items, &public_url);
        match mailer.send(&first.email, &mail).await {
            Ok(()) => {
                store::record_delivery(&mut *tx, &ids, Delivery::Sent, now).await?;
                round.sent += 1;
            }
            Err(e) => {
                // They stay in the daily mail; tomorrow's round tries again.
                let text = e.text();
                tracing::warn!(error = %text, "daily mail not sent");
                let outcome = Delivery::Failed {
                    error: &text,
                    retry_at: Some(now),
                };
                store::record_delivery(&mut *tx, &ids, outcome, now).await?;
                round.retried += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(round)
}
