//! Keyset paging, the one way every list pages: a page starts after the last row of the one
//! before, named by that row's instant and id. A page costs the same however far into a list it
//! is, and rows added meanwhile neither repeat nor go missing.

use time::OffsetDateTime;
use uuid::Uuid;

/// Rows on one page of any list: a working day's overview, small enough to stay fast.
pub const PAGE_SIZE: usize = 50;

/// What a list fetches: one row more than it shows says whether there is a next page.
pub const FETCH: i64 = PAGE_SIZE as i64 + 1;

/// Where a page starts: after the row with this sort instant and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    pub at: OffsetDateTime,
    pub id: Uuid,
}

impl After {
    /// As the address carries it: the instant in nanoseconds, a dot, the id.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.unix_timestamp_nanos(), self.id)
    }

    /// `None` for anything that is not a cursor a list wrote: the first page.
    pub fn decode(raw: &str) -> Option<After> {
        let (nanos, id) = raw.trim().split_once('.')?;
        Some(After {
            at: OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?,
            id: Uuid::parse_str(id).ok()?,
        })
    }
}

/// One page of a list: its rows, and whether more follow.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub more: bool,
}

impl<T> Page<T> {
    /// The page from up to `FETCH` fetched rows.
    pub fn of(mut rows: Vec<T>) -> Page<T> {
        let more = rows.len() > PAGE_SIZE;
        rows.truncate(PAGE_SIZE);
        Page { rows, more }
    }

    /// Where the next page starts, when there is one: after the last row shown.
    pub fn next(&self, key: impl Fn(&T) -> After) -> Option<After> {
        self.rows.last().filter(|_| self.more).map(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_address_and_anything_else_is_the_first_page() {
        let after = After {
            at: OffsetDateTime::from_unix_timestamp_nanos(1_764_000_000_123_456_789)
                .expect("an instant"),
            id: Uuid::from_u128(7),
        };
        assert_eq!(After::decode(&after.encode()), Some(after));
        for forged in [
            "",
            ".",
            "x.y",
            "1.not-a-uuid",
            "99999999999999999999999999999999.00000000-0000-0000-0000-000000000007",
            "'; drop table cases; --",
        ] {
            assert_eq!(After::decode(forged), None, "{forged}");
        }
    }

    #[test]
    fn a_page_shows_at_most_page_size_and_knows_whether_more_follow() {
        let full = Page::of((0..=PAGE_SIZE).collect::<Vec<_>>());
        assert_eq!((full.rows.len(), full.more), (PAGE_SIZE, true));
        let short = Page::of(vec![1, 2]);
        assert!(!short.more);
        assert_eq!(
            short.next(|_| After {
                at: OffsetDateTime::UNIX_EPOCH,
                id: Uuid::nil()
            }),
            None
        );
    }
}
