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
