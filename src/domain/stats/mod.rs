//! Statistics rules with no I/O: quarters in Copenhagen time, small-number suppression (primary
//! and complementary), the Danish number format of durations, and the CSV cell escaping of the
//! downloads.
//!
//! Suppression protects people: a count from 1 to `threshold - 1` could point at one person, so
//! it is shown as "<5"; and because a row or column total minus the cells beside a hidden cell
//! would give it back, a second cell (or the total) is hidden too wherever one alone is hidden.

mod csv;
mod quarter;
mod suppression;

pub use csv::{CSV_BOM, csv_field, csv_record};
pub use quarter::Quarter;
pub use suppression::{
    DEFAULT_THRESHOLD, Group, Shown, SuppressedGrid, WITHHELD_TEXT, is_small, suppress,
    suppress_breakdown, suppress_grid,
};

/// "3", "3,5": a number of days with a Danish decimal comma, one decimal at most.
pub fn format_days(days: f64) -> String {
    let tenths = (days * 10.0).round() as i64;
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{},{}", tenths / 10, (tenths % 10).abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_shown_with_a_decimal_comma() {
        assert_eq!(format_days(3.0), "3");
        assert_eq!(format_days(3.5), "3,5");
        assert_eq!(format_days(0.0), "0");
        assert_eq!(format_days(12.25), "12,3");
    }
}

/// The change from `before` to `now` as the report shows them, when both are shown counts. A
/// hidden cell ("<5", withheld) gives no change: a difference with a shown neighbour would give
/// the hidden number away. Only the suppressed cells go in, never the counts behind them.
pub fn shown_change(now: &str, before: &str) -> Option<i64> {
    let count = |cell: &str| {
        let cell = cell.trim();
        (!cell.is_empty() && cell.chars().all(|c| c.is_ascii_digit()))
            .then(|| cell.parse::<i64>().ok())
            .flatten()
    };
    Some(count(now)? - count(before)?)
}

#[cfg(test)]
mod change_tests {
    use super::shown_change;

    #[test]
    fn a_change_is_only_ever_between_two_shown_counts() {
        assert_eq!(shown_change("12", "9"), Some(3));
        assert_eq!(shown_change("7", "10"), Some(-3));
        assert_eq!(shown_change("0", "0"), Some(0));
        // A hidden cell on either side hides the change too.
        for hidden in ["<5", super::WITHHELD_TEXT, "", "for få", "-3"] {
            assert_eq!(shown_change(hidden, "12"), None, "{hidden:?}");
            assert_eq!(shown_change("12", hidden), None, "{hidden:?}");
        }
    }
}
