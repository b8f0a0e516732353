//! Danish working days for deadlines, and Europe/Copenhagen time for display.
//!
//! Copenhagen time is computed here from the EU summer-time rule rather than a time-zone
//! database: the rule has been fixed since 1996, and a pure function keeps the domain free of
//! system state.

use time::macros::offset;
use time::{Date, Duration, Month, OffsetDateTime, Weekday};

/// Whether `date` is a day on which municipal offices are closed besides weekends.
///
/// Besides the statutory holidays this counts grundlovsdag (5 June), juleaftensdag (24 December)
/// and nytårsaftensdag (31 December): they are not public holidays by law, but municipal
/// offices are closed on them, so a deadline must not run out on them either.
pub fn is_public_holiday(date: Date) -> bool {
    let fixed = matches!(
        (date.month(), date.day()),
        (Month::January, 1)
            | (Month::June, 5)
            | (Month::December, 24)
            | (Month::December, 25)
            | (Month::December, 26)
            | (Month::December, 31)
    );
    if fixed {
        return true;
    }
    let Some(easter) = easter_sunday(date.year()) else {
        return false;
    };
    match (date - easter).whole_days() {
        // Skærtorsdag, langfredag, påskedag, 2. påskedag.
        -3 | -2 | 0 | 1 => true,
        // Store bededag, the fourth Friday after Easter, was abolished from 2024.
        26 => date.year() <= 2023,
        // Kristi himmelfartsdag, pinsedag, 2. pinsedag.
        39 | 49 | 50 => true,
        _ => false,
    }
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
fn easter_sunday(year: i32) -> Option<Date> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// Monday to Friday, and not a holiday.
pub fn is_working_day(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_public_holiday(date)
}

/// The deadline `n` working days after `start`: the day itself does not count, so a concern
/// received on Friday with a 1-day deadline is due on Monday. `n = 0` gives `start`.
pub fn add_working_days(start: Date, n: u32) -> Date {
    let mut date = start;
    let mut left = n;
    while left > 0 {
        // At the end of the calendar there is no later day to be due on.
        let Some(next) = date.next_day() else {
            return date;
        };
        date = next;
        if is_working_day(date) {
            left -= 1;
        }
    }
    date
}

/// Working days in `(from, to]`, negative when `to` is before `from`; so that
/// `working_days_between(d, add_working_days(d, n)) == n`. A queue uses it to show how far
/// past its deadline a case is.
pub fn working_days_between(from: Date, to: Date) -> i64 {
    let (low, high, sign) = if from <= to {
        (from, to, 1)
    } else {
        (to, from, -1)
    };
    let mut count = 0;
    let mut date = low;
    while date < high {
        let Some(next) = date.next_day() else {
            break;
        };
        date = next;
        if is_working_day(date) {
            count += 1;
        }
    }
    sign * count
}

/// The same day `months` later, moved back to the month's last day where it has fewer days
/// (31 January + 1 month = 28 or 29 February), so a review "every 3 months" never skips a month.
pub fn add_months(date: Date, months: u32) -> Date {
    let index =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + i64::from(months);
    let Ok(year) = i32::try_from(index.div_euclid(12)) else {
        return Date::MAX;
    };
    let Some(month) = u8::try_from(index.rem_euclid(12) + 1)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
    else {
        return Date::MAX;
    };
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

/// Converts an instant to Copenhagen local time: CEST (UTC+2) from the last Sunday of March
/// 01:00 UTC until the last Sunday of October 01:00 UTC, CET (UTC+1) otherwise.
pub fn to_copenhagen(t: OffsetDateTime) -> OffsetDateTime {
    let utc = t.to_offset(offset!(UTC));
    let year = utc.year();
    let summer = match (
        last_sunday_switch(year, Month::March),
        last_sunday_switch(year, Month::October),
    ) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    };
    let local = if summer { offset!(+2) } else { offset!(+1) };
    // Only the very edge of the representable range has no local equivalent; keep UTC there.
    utc.checked_to_offset(local).unwrap_or(utc)
}

/// 01:00 UTC on the last Sunday of `month`, the instant the EU clocks change.
fn last_sunday_switch(year: i32, month: Month) -> Option<OffsetDateTime> {
    let last = Date::from_calendar_date(year, month, month.length(year)).ok()?;
    let back = i64::from(last.weekday().number_days_from_sunday());
    let sunday = last.checked_sub(Duration::days(back))?;
    Some(sunday.with_hms(1, 0, 0).ok()?.assume_utc())
}

/// The instant at a Copenhagen wall-clock time on `date`. In the hour the clocks are put back the
/// earlier of the two instants; in the hour that does not exist, the instant an hour later.
pub fn copenhagen_instant(date: Date, hour: u8, minute: u8) -> Option<OffsetDateTime> {
    let local = date.with_hms(hour, minute, 0).ok()?;
    [offset!(+2), offset!(+1)]
        .into_iter()
        .map(|o| local.assume_offset(o))
        .find(|t| to_copenhagen(*t).time() == local.time())
        .or_else(|| Some(local.assume_offset(offset!(+1))))
}

/// A time of day as typed: "14.30", "14:30", "9.05" or "14".
pub fn parse_time(raw: &str) -> Option<(u8, u8)> {
    let raw = raw.trim();
    let (h, m) = raw.split_once(['.', ':']).unwrap_or((raw, "00"));
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// "21.11.2026 kl. 18.05", in Copenhagen time.
pub fn format_datetime_da(t: OffsetDateTime) -> String {
    let local = to_copenhagen(t);
    format!(
        "{} kl. {:02}.{:02}",
        format_date_da(local.date()),
        local.hour(),
        local.minute()
    )
}

/// "21.11.2026".
pub fn format_date_da(d: Date) -> String {
    format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year())
}

/// The calendar date in Copenhagen at the instant `now`; deadlines count from this, not from the
/// UTC date, which is a day behind for an hour or two every night.
pub fn today_copenhagen(now: OffsetDateTime) -> Date {
    to_copenhagen(now).date()
}

/// A date as a Dane types it (24.12.2010, 24-12-2010, 24/12/2010) or as a date field sends it
/// (2010-12-24).
pub fn parse_date(raw: &str) -> Option<Date> {
    let parts: Vec<&str> = raw.split(['.', '-', '/']).map(str::trim).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (day, month, year) = if a.len() == 4 { (c, b, a) } else { (a, b, c) };
    if year.len() != 4 || day.is_empty() || day.len() > 2 || month.is_empty() || month.len() > 2 {
        return None;
    }
    let day: u8 = day.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    let year: i32 = year.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_meeting_time_is_read_as_copenhagen_time() {
        assert_eq!(parse_time("14.30"), Some((14, 30)));
        assert_eq!(parse_time("9:05"), Some((9, 5)));
        assert_eq!(parse_time("14"), Some((14, 0)));
        assert_eq!(parse_time("24.00"), None);
        assert_eq!(parse_time("1430"), None);
        assert_eq!(
            copenhagen_instant(date!(2027 - 01 - 12), 14, 0),
            Some(datetime!(2027-01-12 13:00 UTC))
        );
        assert_eq!(
            copenhagen_instant(date!(2027 - 06 - 12), 14, 0),
            Some(datetime!(2027-06-12 12:00 UTC))
        );
    }

    #[test]
    fn easter_falls_on_the_known_dates() {
        assert_eq!(easter_sunday(2024), Some(date!(2024 - 03 - 31)));
        assert_eq!(easter_sunday(2025), Some(date!(2025 - 04 - 20)));
        assert_eq!(easter_sunday(2026), Some(date!(2026 - 04 - 05)));
        assert_eq!(easter_sunday(2027), Some(date!(2027 - 03 - 28)));
        assert_eq!(easter_sunday(2038), Some(date!(2038 - 04 - 25)));
        assert_eq!(easter_sunday(2285), Some(date!(2285 - 03 - 22)));
    }

    #[test]
    fn the_holidays_of_2026_are_known() {
        for d in [
            date!(2026 - 01 - 01),
            date!(2026 - 04 - 02),
            date!(2026 - 04 - 03),
            date!(2026 - 04 - 05),
            date!(2026 - 04 - 06),
            date!(2026 - 05 - 14),
            date!(2026 - 05 - 24),
            date!(2026 - 05 - 25),
            date!(2026 - 06 - 05),
            date!(2026 - 12 - 24),
            date!(2026 - 12 - 25),
            date!(2026 - 12 - 26),
            date!(2026 - 12 - 31),
        ] {
            assert!(is_public_holiday(d), "{d}");
        }
        assert!(!is_public_holiday(date!(2026 - 05 - 13)));
        assert!(!is_public_holiday(date!(2026 - 04 - 07)));
    }

    #[test]
    fn store_bededag_counts_only_until_2023() {
        assert!(is_public_holiday(date!(2023 - 05 - 05)));
        assert!(!is_public_holiday(date!(2024 - 04 - 26)));
        assert!(is_working_day(date!(2026 - 05 - 01)));
    }

    #[test]
    fn weekends_are_not_working_days() {
        assert!(!is_working_day(date!(2026 - 11 - 21)));
        assert!(!is_working_day(date!(2026 - 11 - 22)));
        assert!(is_working_day(date!(2026 - 11 - 23)));
    }

    #[test]
    fn a_deadline_skips_easter() {
        // Wednesday 1 April 2026; Thursday 2 to Monday 6 April are closed.
        let start = date!(2026 - 04 - 01);
        assert_eq!(add_working_days(start, 1), date!(2026 - 04 - 07));
        assert_eq!(add_working_days(start, 5), date!(2026 - 04 - 13));
        assert_eq!(add_working_days(start, 0), start);
        assert_eq!(working_days_between(start, date!(2026 - 04 - 13)), 5);
        assert_eq!(working_days_between(date!(2026 - 04 - 13), start), -5);
        assert_eq!(working_days_between(start, start), 0);
    }

    #[test]
    fn a_deadline_from_friday_lands_on_monday() {
        assert_eq!(
            add_working_days(date!(2026 - 11 - 20), 1),
            date!(2026 - 11 - 23)
        );
    }

    #[test]
    fn working_days_between_undoes_add_working_days() {
        let mut d = date!(2026 - 01 - 01);
        while d < date!(2027 - 01 - 01) {
            for n in [0, 1, 5, 10] {
                assert_eq!(
                    working_days_between(d, add_working_days(d, n)),
                    i64::from(n)
                );
            }
            d = d.next_day().expect("in range");
        }
    }

    #[test]
    fn add_months_clamps_to_the_end_of_the_month() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 05 - 15), 0), date!(2026 - 05 - 15));
        assert_eq!(add_months(date!(2026 - 05 - 15), 24), date!(2028 - 05 - 15));
        assert_eq!(add_months(date!(2026 - 05 - 15), u32::MAX), Date::MAX);
    }

    #[test]
    fn summer_time_starts_on_29_march_2026() {
        let before = to_copenhagen(datetime!(2026-03-29 00:59:59 UTC));
        assert_eq!(before.offset(), offset!(+1));
        assert_eq!(before.hour(), 1);
        let after = to_copenhagen(datetime!(2026-03-29 01:00 UTC));
        assert_eq!(after.offset(), offset!(+2));
        assert_eq!(after.hour(), 3);
    }

    #[test]
    fn summer_time_ends_on_25_october_2026() {
        let before = to_copenhagen(datetime!(2026-10-25 00:59:59 UTC));
        assert_eq!(before.offset(), offset!(+2));
        assert_eq!(before.hour(), 2);
        let after = to_copenhagen(datetime!(2026-10-25 01:00 UTC));
        assert_eq!(after.offset(), offset!(+1));
        assert_eq!(after.hour(), 2);
    }

    #[test]
    fn conversion_does_not_depend_on_the_input_offset() {
        let t = datetime!(2026-07-01 12:00 +5);
        assert_eq!(to_copenhagen(t), t);
        assert_eq!(to_copenhagen(t).offset(), offset!(+2));
    }

    #[test]
    fn times_are_shown_in_danish_format() {
        assert_eq!(
            format_datetime_da(datetime!(2026-11-21 17:05 UTC)),
            "21.11.2026 kl. 18.05"
        );
        assert_eq!(
            format_datetime_da(datetime!(2026-07-01 06:00 UTC)),
            "01.07.2026 kl. 08.00"
        );
        assert_eq!(format_date_da(date!(2026 - 11 - 21)), "21.11.2026");
    }

    #[test]
    fn today_is_the_copenhagen_date() {
        assert_eq!(
            today_copenhagen(datetime!(2026-06-30 22:30 UTC)),
            date!(2026 - 07 - 01)
        );
        assert_eq!(
            today_copenhagen(datetime!(2026-12-31 22:59 UTC)),
            date!(2026 - 12 - 31)
        );
    }

    #[test]
    fn dates_are_read_the_danish_way_and_the_iso_way() {
        assert_eq!(
            parse_date("24.12.2010"),
            Some(time::macros::date!(2010 - 12 - 24))
        );
        assert_eq!(
            parse_date("2010-12-24"),
            Some(time::macros::date!(2010 - 12 - 24))
        );
        assert_eq!(
            parse_date("4/1/2011"),
            Some(time::macros::date!(2011 - 01 - 04))
        );
        assert_eq!(parse_date("31.02.2010"), None);
        assert_eq!(parse_date("24.12.10"), None);
        assert_eq!(parse_date("i går"), None);
    }
}
