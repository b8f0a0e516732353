//! Failed logins: a growing delay, then a lock that ends by itself. Failures are counted in a
//! sliding window, and the lock consumes the failures that caused it, so after a lock has ended
//! one wrong attempt delays nothing and locks nothing; only a new run of failures locks again.

use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    /// This many failures within the window lock the account.
    pub lock_after: usize,
    pub lock: Duration,
    pub window: Duration,
}

/// What one more failure leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterFailure {
    /// The failures still counted, to be stored.
    pub recent: Vec<OffsetDateTime>,
    /// How many failures counted towards the lock, this one included.
    pub count: usize,
    /// No attempt is accepted before this time: a short delay, or the lock.
    pub blocked_until: Option<OffsetDateTime>,
    /// Did this failure lock the account?
    pub locked: bool,
}

pub fn after_failure(
    policy: LockoutPolicy,
    recent: &[OffsetDateTime],
    now: OffsetDateTime,
) -> AfterFailure {
    let window_start = now - policy.window;
    let mut recent: Vec<OffsetDateTime> = recent
        .iter()
        .copied()
        .filter(|t| *t > window_start)
        .collect();
    recent.push(now);
    let count = recent.len();
    if count >= policy.lock_after {
        return AfterFailure {
            recent: Vec::new(),
            count,
            blocked_until: Some(now + policy.lock),
            locked: true,
        };
    }
    // 2, 4, 8 … seconds after the third failure in the window, at most about four minutes.
    let blocked_until = (count >= 3).then(|| {
        let exponent = u32::try_from(count - 2).unwrap_or(8).min(8);
        now + Duration::seconds(2_i64.pow(exponent))
    });
    AfterFailure {
        recent,
        count,
        blocked_until,
        locked: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const POLICY: LockoutPolicy = LockoutPolicy {
        lock_after: 10,
        lock: Duration::minutes(15),
        window: Duration::minutes(60),
    };

    fn fail_times(n: usize, start: OffsetDateTime, every: Duration) -> Vec<OffsetDateTime> {
        (0..n).map(|i| start + every * i as i32).collect()
    }

    #[test]
    fn ten_failures_within_the_window_lock_and_the_lock_clears_the_window() {
        let t0 = datetime!(2026-12-02 10:00 UTC);
        let recent = fail_times(9, t0, Duration::minutes(1));
        let now = t0 + Duration::minutes(9);
        let locked = after_failure(POLICY, &recent, now);
        assert!(locked.locked);
        assert_eq!(locked.blocked_until, Some(now + Duration::minutes(15)));
        assert!(locked.recent.is_empty());

        // After the lock, one wrong attempt neither locks nor delays.
        let later = now + Duration::minutes(16);
        let one = after_failure(POLICY, &locked.recent, later);
        assert!(!one.locked);
        assert_eq!(one.count, 1);
        assert_eq!(one.blocked_until, None);
    }

    #[test]
    fn failures_older_than_the_window_no_longer_count() {
        let t0 = datetime!(2026-12-02 10:00 UTC);
        let recent = fail_times(9, t0, Duration::minutes(1));
        let now = t0 + Duration::minutes(65);
        let next = after_failure(POLICY, &recent, now);
        assert!(!next.locked);
        assert_eq!(next.count, 4, "10:06, 10:07, 10:08 and this one");
    }

    #[test]
    fn the_delay_grows_from_the_third_failure() {
        let t0 = datetime!(2026-12-02 10:00 UTC);
        assert_eq!(after_failure(POLICY, &[t0], t0).blocked_until, None);
        let third = after_failure(POLICY, &[t0, t0], t0);
        assert_eq!(third.blocked_until, Some(t0 + Duration::seconds(2)));
        let fourth = after_failure(POLICY, &[t0, t0, t0], t0);
        assert_eq!(fourth.blocked_until, Some(t0 + Duration::seconds(4)));
    }
}
