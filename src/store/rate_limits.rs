//! Fixed-window counters in PostgreSQL, so that every app instance shares one limit.

use sqlx::PgExecutor;
use time::{Duration, OffsetDateTime};

/// The length of one counting window.
pub const WINDOW: Duration = Duration::minutes(15);

/// Counts one hit for `key` in the current window and says whether it is within `limit`.
pub async fn hit(
    db: impl PgExecutor<'_>,
    key: &str,
    limit: i32,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let window_start = window_start(now);
    let hits = sqlx::query_scalar!(
        r#"insert into rate_limits (key, window_start, hits) values ($1, $2, 1)
           on conflict (key, window_start) do update set hits = rate_limits.hits + 1
           returning hits"#,
        key,
        window_start,
    )
    .fetch_one(db)
    .await?;
    Ok(hits <= limit)
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

fn window_start(now: OffsetDateTime) -> OffsetDateTime {
    let secs = now.unix_timestamp();
    let window = WINDOW.whole_seconds();
    OffsetDateTime::from_unix_timestamp(secs - secs.rem_euclid(window)).unwrap_or(now)
}
