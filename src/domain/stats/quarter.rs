//! Calendar quarters in Copenhagen time: `2026-3` in addresses, the last complete quarter as
//! the default, and the instants that bound them.

use std::fmt;

use time::macros::offset;
use time::{Date, Month, OffsetDateTime};

use crate::domain::calendar::{to_copenhagen, today_copenhagen};

/// A calendar quarter, `q` from 1 to 4. Written `2026-3` in addresses (`?kvartal=2026-3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    pub q: u8,
}

impl Quarter {
    /// The years a quarter may have; wide enough for any real data, narrow enough that every
    /// date computed from it exists.
    pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9000;

    pub fn new(year: i32, q: u8) -> Option<Quarter> {
        (Self::YEARS.contains(&year) && (1..=4).contains(&q)).then_some(Quarter { year, q })
    }

    /// Reads `2026-3`; anything else (spaces inside, signs, quarter 0 or 5) is `None`.
    pub fn parse(s: &str) -> Option<Quarter> {
        let (year, q) = s.trim().split_once('-')?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if q.len() != 1 || !q.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Quarter::new(year.parse().ok()?, q.parse().ok()?)
    }

    /// The quarter a calendar date falls in.
    pub fn containing(date: Date) -> Quarter {
        let q = (u8::from(date.month()) - 1) / 3 + 1;
        Quarter {
            year: date.year(),
            q,
        }
    }

    /// The quarter running now, in Copenhagen.
    pub fn current(now: OffsetDateTime) -> Quarter {
        Quarter::containing(today_copenhagen(now))
    }

    /// The default of every report: the last quarter that has ended, in Copenhagen.
    pub fn last_complete(now: OffsetDateTime) -> Quarter {
        Quarter::current(now).previous()
    }

    pub fn previous(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    /// The four quarters of this quarter's year.
    pub fn of_year(self) -> [Quarter; 4] {
        [1, 2, 3, 4].map(|q| Quarter { year: self.year, q })
    }

    pub fn first_day(self) -> Date {
        let month = Month::try_from(3 * (self.q - 1) + 1).unwrap_or(Month::January);
        Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        self.next().first_day().previous_day().unwrap_or(Date::MIN)
    }

    /// The first instant of the quarter: midnight in Copenhagen on its first day.
    pub fn start(self) -> OffsetDateTime {
        copenhagen_midnight(self.first_day())
    }

    /// The first instant after the quarter (exclusive bound).
    pub fn end(self) -> OffsetDateTime {
        self.next().start()
    }

    pub fn has_begun(self, now: OffsetDateTime) -> bool {
        self.start() <= now
    }

    pub fn is_complete(self, now: OffsetDateTime) -> bool {
        self.end() <= now
    }

    /// "3. kvartal 2026".
    pub fn label(self) -> String {
        format!("{}. kvartal {}", self.q, self.year)
    }

    /// "3. kvt. 2026", for table headings.
    pub fn short_label(self) -> String {
        format!("{}. kvt. {}", self.q, self.year)
    }
}

impl fmt::Display for Quarter {
    /// The address form, `2026-3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{}", self.year, self.q)
    }
}

/// Midnight at the start of `date` in Copenhagen, as an instant. The EU clocks never change at
/// midnight, so the offset is that of the day (+01 in winter, +02 in summer).
fn copenhagen_midnight(date: Date) -> OffsetDateTime {
    let winter = date.midnight().assume_offset(offset!(+1));
    if to_copenhagen(winter).offset() == offset!(+2) {
        date.midnight().assume_offset(offset!(+2))
    } else {
        winter
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn quarters_parse_from_the_address_form_only() {
        assert_eq!(Quarter::parse("2026-3"), Some(Quarter { year: 2026, q: 3 }));
        assert_eq!(
            Quarter::parse(" 2026-1 "),
            Some(Quarter { year: 2026, q: 1 })
        );
        for bad in [
            "",
            "2026",
            "2026-0",
            "2026-5",
            "2026-10",
            "26-3",
            "+2026-3",
            "2026-+3",
            "2026 -3",
            "2026-3-1",
            "20266-3",
            "abcd-3",
            "2026–3",
            "0000-1",
            "٢٠٢٦-3",
        ] {
            assert_eq!(Quarter::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_quarter_prints_as_it_parses() {
        let q = Quarter { year: 2026, q: 3 };
        assert_eq!(q.to_string(), "2026-3");
        assert_eq!(Quarter::parse(&q.to_string()), Some(q));
        assert_eq!(q.label(), "3. kvartal 2026");
        assert_eq!(q.short_label(), "3. kvt. 2026");
    }

    #[test]
    fn quarters_have_their_calendar_days() {
        let cases = [
            (1, date!(2026 - 01 - 01), date!(2026 - 03 - 31)),
            (2, date!(2026 - 04 - 01), date!(2026 - 06 - 30)),
            (3, date!(2026 - 07 - 01), date!(2026 - 09 - 30)),
            (4, date!(2026 - 10 - 01), date!(2026 - 12 - 31)),
        ];
        for (q, first, last) in cases {
            let quarter = Quarter { year: 2026, q };
            assert_eq!(quarter.first_day(), first);
            assert_eq!(quarter.last_day(), last);
            assert_eq!(Quarter::containing(first), quarter);
            assert_eq!(Quarter::containing(last), quarter);
        }
        assert_eq!(
            Quarter::parse("2024-1").map(|q| q.last_day()),
            Some(date!(2024 - 03 - 31))
        );
    }

    #[test]
    fn quarter_bounds_are_copenhagen_midnights() {
        let q1 = Quarter { year: 2026, q: 1 };
        assert_eq!(q1.start(), datetime!(2025-12-31 23:00 UTC));
        assert_eq!(q1.end(), datetime!(2026-03-31 22:00 UTC));
        let q3 = Quarter { year: 2026, q: 3 };
        assert_eq!(q3.start(), datetime!(2026-06-30 22:00 UTC));
        assert_eq!(q3.end(), datetime!(2026-09-30 22:00 UTC));
        let q4 = Quarter { year: 2026, q: 4 };
        assert_eq!(q4.end(), datetime!(2026-12-31 23:00 UTC));
        assert_eq!(q4.end(), Quarter { year: 2027, q: 1 }.start());
    }

    #[test]
    fn the_default_is_the_last_complete_quarter_in_copenhagen() {
        assert_eq!(
            Quarter::last_complete(datetime!(2026-11-20 10:00 UTC)),
            Quarter { year: 2026, q: 3 }
        );
        assert_eq!(
            Quarter::last_complete(datetime!(2026-02-01 10:00 UTC)),
            Quarter { year: 2025, q: 4 }
        );
        // 30 September 22:30 UTC is already 1 October in Copenhagen: the third quarter is over.
        assert_eq!(
            Quarter::last_complete(datetime!(2026-09-30 22:30 UTC)),
            Quarter { year: 2026, q: 3 }
        );
        assert_eq!(
            Quarter::last_complete(datetime!(2026-09-30 21:30 UTC)),
            Quarter { year: 2026, q: 2 }
        );
        // New Year's Eve 23:30 UTC is New Year's Day in Copenhagen.
        assert_eq!(
            Quarter::last_complete(datetime!(2026-12-31 23:30 UTC)),
            Quarter { year: 2026, q: 4 }
        );
    }

    #[test]
    fn quarters_step_over_years_and_know_whether_they_have_begun() {
        let q = Quarter { year: 2026, q: 4 };
        assert_eq!(q.next(), Quarter { year: 2027, q: 1 });
        assert_eq!(q.next().previous(), q);
        assert_eq!(
            Quarter { year: 2026, q: 1 }.previous(),
            Quarter { year: 2025, q: 4 }
        );
        assert_eq!(q.of_year()[0], Quarter { year: 2026, q: 1 });
        let now = datetime!(2026-11-20 10:00 UTC);
        assert!(q.has_begun(now));
        assert!(!q.is_complete(now));
        assert!(Quarter { year: 2026, q: 3 }.is_complete(now));
        assert!(!Quarter { year: 2027, q: 1 }.has_begun(now));
    }
}
