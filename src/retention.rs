//! The purge: deletes what is due under the municipalities' retention periods, one case per
//! transaction, then the expired access log, and writes one audit row with the counts (never a
//! person). Run by `infohus purge [--dry-run]` and once a day inside `serve`
//! ([`crate::jobs::daily_purge`]); a session-level advisory lock keeps two runs, on one
//! instance or several, from working at the same time.

use serde::Serialize;

use crate::AppState;
use crate::domain::calendar::today_copenhagen;
use crate::store::audit::{self, AuditAction, AuditEvent};
use crate::store::retention;

/// What one run deleted (or, dry, would delete).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    pub dry_run: bool,
    pub cases: i64,
    /// The concerns of those cases.
    pub concerns: i64,
    pub interventions: i64,
    /// Concerns that never joined a case.
    pub unlinked_concerns: i64,
    pub access_log_rows: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeOutcome {
    Ran(PurgeReport),
    /// Another run holds the lock right now.
    Busy,
}

/// Held for the whole run, on one connection; released at the end, or by the database when the
/// process dies.
const RUN_LOCK: &str = "purge_run";

pub async fn purge(state: &AppState, dry_run: bool) -> anyhow::Result<PurgeOutcome> {
    let key = crate::jobs::lock_key(RUN_LOCK);
    let mut lock = state.db.acquire().await?;
    let locked = sqlx::query_scalar!(r#"select pg_try_advisory_lock($1) as "locked!""#, key)
        .fetch_one(&mut *lock)
        .await?;
    if !locked {
        return Ok(PurgeOutcome::Busy);
    }
    let result = run(state, dry_run).await;
    sqlx::query_scalar!(r#"select pg_advisory_unlock($1) as "unlocked!""#, key)
        .fetch_one(&mut *lock)
        .await?;
    result.map(PurgeOutcome::Ran)
}

/// `infohus purge [--dry-run]`: one run, its counts printed for the operator.
pub async fn purge_from_command_line(state: &AppState, dry_run: bool) -> anyhow::Result<()> {
    match purge(state, dry_run).await? {
        PurgeOutcome::Ran(r) => {
            let verb = if dry_run { "Would delete" } else { "Deleted" };
            println!(
                "{verb} {} case(s) with {} concern(s) and {} intervention(s), {} concern(s) \
                 without a case, and {} access-log row(s) of cases deleted earlier.",
                r.cases, r.concerns, r.interventions, r.unlinked_concerns, r.access_log_rows
            );
            Ok(())
        }
        PurgeOutcome::Busy => {
            anyhow::bail!("another purge is running; try again when it has finished")
        }
    }
}

async fn run(state: &AppState, dry_run: bool) -> anyhow::Result<PurgeReport> {
    let now = state.clock.now();
    let shortest = state
        .tenants
        .municipalities
        .iter()
        .map(|m| m.profile.retention.shortest_months())
        .min()
        .unwrap_or(0);
    let cases = retention::cases_due(&state.db, today_copenhagen(now), shortest).await?;
    let concerns = retention::concerns_due(&state.db, now).await?;
    let mut report = PurgeReport {
        dry_run,
        ..PurgeReport::default()
    };
    if dry_run {
        report.cases = i64::try_from(cases.len())?;
        report.unlinked_concerns = i64::try_from(concerns.len())?;
    } else {
        for case in cases {
            let mut tx = state.db.begin().await?;
            if let Some(removed) = retention::purge_case(&mut tx, case, now).await? {
                report.cases += 1;
                report.concerns += removed.concerns;
                report.interventions += removed.interventions;
            }
            tx.commit().await?;
        }
        for concern in concerns {
            let mut tx = state.db.begin().await?;
            if retention::purge_concern(&mut tx, concern, now).await? {
                report.unlinked_concerns += 1;
            }
            tx.commit().await?;
        }
        report.access_log_rows = retention::purge_access_log(&state.db, now).await?;
    }
    audit::record(
        &state.db,
        &AuditEvent::new(AuditAction::PurgeRun).detail(serde_json::to_value(report)?),
        now,
    )
    .await?;
    tracing::info!(
        dry_run,
        cases = report.cases,
        concerns = report.concerns,
        unlinked_concerns = report.unlinked_concerns,
        access_log_rows = report.access_log_rows,
        "purge"
    );
    Ok(report)
}
