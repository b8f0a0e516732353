//! Periodic jobs. Every app instance runs the loop, and each job runs once per period across
//! all of them: it takes a transaction-scoped advisory lock (a second instance at the same
//! moment is told it is busy) and checks when the job last ran (an instance a minute later is
//! told it is not due).

use sqlx::PgConnection;
use time::{Duration, OffsetDateTime};
use tower_sessions::ExpiredDeletion;

use crate::AppState;
use crate::domain::calendar::{add_working_days, to_copenhagen, today_copenhagen};
use crate::mail::Mailer;
use crate::store::alerts::DueWindow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ran,
    /// It ran within the period, here or on another instance.
    NotDue,
    /// Another instance is running it right now.
    Busy,
}

/// The loop every instance runs, once a minute: each job then runs once per period across the
/// instances (see the module's text).
pub async fn run_periodic(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(e) = housekeeping(&state).await {
            tracing::warn!(error = %e, "housekeeping failed");
        }
        if let Err(e) = deadline_alerts(&state).await {
            tracing::warn!(error = %e, "deadline alerts failed");
        }
        if let Err(e) = daily_purge(&state).await {
            tracing::warn!(error = %e, "the retention purge failed");
        }
        if let Err(e) = audit_partitions(&state).await {
            tracing::warn!(error = %e, "making the audit trail's partitions failed");
        }
    }
}

/// Removes expired stored sessions and old rate-limit windows.
pub const HOUSEKEEPING: &str = "housekeeping";
pub const HOUSEKEEPING_EVERY: Duration = Duration::minutes(10);

pub async fn housekeeping(state: &AppState) -> anyhow::Result<Outcome> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let outcome = claim(&mut tx, HOUSEKEEPING, HOUSEKEEPING_EVERY, now).await?;
    if outcome != Outcome::Ran {
        // Roll back now rather than on drop, which would leave the lock held until the pool
        // next uses the connection.
        tx.rollback().await?;
        return Ok(outcome);
    }
    let store = tower_sessions_sqlx_store::PostgresStore::new(state.db.clone());
    store.delete_expired().await?;
    crate::store::rate_limits::prune(&mut *tx, now).await?;
    tx.commit().await?;
    Ok(Outcome::Ran)
}

/// Raises the alerts that deadlines cause (a screening due or overdue, a review due).
pub const DEADLINE_ALERTS: &str = "deadline_alerts";
pub const DEADLINE_ALERTS_EVERY: Duration = Duration::minutes(30);

pub async fn deadline_alerts(state: &AppState) -> anyhow::Result<Outcome> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let outcome = claim(&mut tx, DEADLINE_ALERTS, DEADLINE_ALERTS_EVERY, now).await?;
    if outcome != Outcome::Ran {
        tx.rollback().await?;
        return Ok(outcome);
    }
    let today = today_copenhagen(now);
    let window = DueWindow {
        today,
        screening_soon: add_working_days(today, 1),
        review_soon: today + Duration::days(7),
        overdue_since: today - Duration::days(14),
    };
    crate::store::alerts::raise_due(&mut tx, window, now).await?;
    tx.commit().await?;
    Ok(Outcome::Ran)
}

/// Sends the daily mails, once a day from the configured hour.
pub const DAILY_MAIL: &str = "daily_mail";

pub async fn daily_mail(state: &AppState, mailer: &Mailer) -> anyhow::Result<Outcome> {
    let now = state.clock.now();
    if to_copenhagen(now).hour() < state.settings.mail.daily_hour {
        return Ok(Outcome::NotDue);
    }
    let mut tx = state.db.begin().await?;
    // A little under a day, so that the hour does not creep later day by day.
    let outcome = claim(&mut tx, DAILY_MAIL, Duration::hours(20), now).await?;
    if outcome != Outcome::Ran {
        tx.rollback().await?;
        return Ok(outcome);
    }
    // The run is recorded before the mails go out: a crash halfway sends the rest tomorrow
    // rather than some twice today.
    tx.commit().await?;
    crate::mail::send_daily(state, mailer).await?;
    Ok(Outcome::Ran)
}

/// Takes the job's lock for the transaction and, when the job is due, records this run.
async fn claim(
    conn: &mut PgConnection,
    name: &str,
    every: Duration,
    now: OffsetDateTime,
) -> sqlx::Result<Outcome> {
    let locked = sqlx::query_scalar!(
        r#"select pg_try_advisory_xact_lock($1) as "locked!""#,
        lock_key(name)
    )
    .fetch_one(&mut *conn)
    .await?;
    if !locked {
        return Ok(Outcome::Busy);
    }
    let last = sqlx::query_scalar!("select last_run_at from job_runs where name = $1", name)
        .fetch_optional(&mut *conn)
        .await?;
    if last.is_some_and(|at| at > now - every) {
        return Ok(Outcome::NotDue);
    }
    sqlx::query!(
        r#"insert into job_runs (name, last_run_at) values ($1, $2)
           on conflict (name) do update set last_run_at = excluded.last_run_at"#,
        name,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(Outcome::Ran)
}

/// A stable 64-bit key per job name (the same on every instance and build).
pub fn lock_key(name: &str) -> i64 {
    // FNV-1a: std's DefaultHasher is not guaranteed stable across Rust versions, and two
    // instances of different builds must agree on the key.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// Deletes what the retention periods say is due ([`crate::retention::purge`]), once a day.
pub const PURGE: &str = "purge";

pub async fn daily_purge(state: &AppState) -> anyhow::Result<Outcome> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let outcome = claim(&mut tx, PURGE, Duration::hours(20), now).await?;
    if outcome != Outcome::Ran {
        tx.rollback().await?;
        return Ok(outcome);
    }
    tx.commit().await?;
    match crate::retention::purge(state, false).await? {
        crate::retention::PurgeOutcome::Ran(_) => Ok(Outcome::Ran),
        crate::retention::PurgeOutcome::Busy => Ok(Outcome::Busy),
    }
}

/// Makes the audit trail's monthly partitions a year ahead, once a day.
pub const AUDIT_PARTITIONS: &str = "audit_partitions";

pub async fn audit_partitions(state: &AppState) -> anyhow::Result<Outcome> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let outcome = claim(&mut tx, AUDIT_PARTITIONS, Duration::hours(20), now).await?;
    if outcome != Outcome::Ran {
        tx.rollback().await?;
        return Ok(outcome);
    }
    let today = now.date();
    let until = today
        .checked_add(Duration::days(
            31 * i64::from(crate::store::audit::PARTITIONS_AHEAD_MONTHS),
        ))
        .unwrap_or(today);
    let made = crate::store::audit::make_partitions(&mut *tx, today, until).await?;
    tx.commit().await?;
    if made > 0 {
        tracing::info!(made, "audit trail partitions made");
    }
    Ok(Outcome::Ran)
}
