//! Per-key rate limits in PostgreSQL, so that every app instance shares one limit. Counted in
//! a sliding window: the hits of the current fixed window plus the previous window's hits
//! weighted by how much of it still lies within the last `window`. A plain fixed window would
//! let twice the limit through around a boundary.

use sqlx::PgExecutor;
use time::{Duration, OffsetDateTime};

/// Counts one hit for `key` and says whether the hits within the last `window` are within
/// `limit`.
pub async fn hit(
    db: impl PgExecutor<'_>,
    key: &str,
    limit: i32,
    window: Duration,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let start = window_start(now, window);
    let row = sqlx::query!(
        r#"with current_window as (
               insert into rate_limits (key, window_start, hits) values ($1, $2, 1)
               on conflict (key, window_start) do update set hits = rate_limits.hits + 1
               returning hits
           )
           select (select hits from current_window) as "hits!",
                  coalesce((select hits from rate_limits where key = $1 and window_start = $3), 0)
                      as "previous!""#,
        key,
        start,
        start - window,
    )
    .fetch_one(db)
    .await?;
    Ok(within_limit(
        row.hits,
        row.previous,
        (now - start) / window,
        limit,
    ))
}

/// The sliding-window estimate: the previous window counts for the share of it that the last
/// `window` still covers.
fn within_limit(hits: i32, previous: i32, elapsed_share: f64, limit: i32) -> bool {
    let weight = (1.0 - elapsed_share).clamp(0.0, 1.0);
    f64::from(hits) + f64::from(previous) * weight <= f64::from(limit)
}

/// Old windows are useless once passed; called now and then so the table stays small.
pub async fn prune(db: impl PgExecutor<'_>, now: OffsetDateTime) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from rate_limits where window_start < $1",
        now - Duration::days(1)
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

fn window_start(now: OffsetDateTime, window: Duration) -> OffsetDateTime {
    let secs = now.unix_timestamp();
    let window = window.whole_seconds().max(1);
    OffsetDateTime::from_unix_timestamp(secs - secs.rem_euclid(window)).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::within_limit;

    #[test]
    fn a_burst_at_the_end_of_one_window_still_counts_early_in_the_next() {
        // 10 hits late in the previous window, limit 10: just after the boundary, nothing
        // more gets through; halfway, five more do.
        assert!(!within_limit(1, 10, 0.05, 10));
        assert!(within_limit(5, 10, 0.5, 10));
        assert!(!within_limit(6, 10, 0.5, 10));
        assert!(within_limit(10, 10, 1.0, 10));
    }
}
