//! The pages' own template filters: Danish dates, `{{ due|date }}` gives `02.12.2026` and
//! `{{ at|datetime }}` gives `02.12.2026 kl. 17.39` in Copenhagen time, never broken over two
//! lines. View structs carry
//! `Date` and `OffsetDateTime`, and the page decides how they read. A module with templates that
//! use them imports this module as `filters`.

use time::{Date, OffsetDateTime};

use crate::domain::calendar::{format_date_da, format_datetime_da};

/// A value a template holds a date or an instant as, however many references deep.
pub trait Moment<T: Copy> {
    fn get(&self) -> T;
}

impl Moment<Date> for Date {
    fn get(&self) -> Date {
        *self
    }
}

impl Moment<OffsetDateTime> for OffsetDateTime {
    fn get(&self) -> OffsetDateTime {
        *self
    }
}

impl<T: Copy, M: Moment<T> + ?Sized> Moment<T> for &M {
    fn get(&self) -> T {
        (**self).get()
    }
}

pub fn date(value: impl Moment<Date>, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(format_date_da(value.get()))
}

pub fn datetime(
    value: impl Moment<OffsetDateTime>,
    _: &dyn askama::Values,
) -> askama::Result<String> {
    // Non-breaking spaces: a date and its time stay on one line, in a table cell too.
    Ok(format_datetime_da(value.get()).replace(' ', "\u{a0}"))
}
