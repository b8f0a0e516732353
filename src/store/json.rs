//! Reading rows that PostgreSQL built as JSON (`json_agg`), so that one statement can carry
//! many parts of a page: its timestamps and dates arrive as text.

use serde::{Deserialize, Deserializer, de::Error};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// A `timestamptz` as JSON gives it ("2026-11-20T10:00:00.123456+00:00"), in UTC as sqlx
/// reads it, whatever the session's time zone.
pub mod instant {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(|at| at.to_offset(UtcOffset::UTC))
            .map_err(D::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<OffsetDateTime>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| {
                    OffsetDateTime::parse(&text, &Rfc3339)
                        .map(|at| at.to_offset(UtcOffset::UTC))
                        .map_err(D::Error::custom)
                })
                .transpose()
        }
    }
}

/// A `date` as JSON gives it ("2026-11-20").
pub mod day {
    use super::*;

    const ISO: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day]");

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text, ISO).map_err(D::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| Date::parse(&text, ISO).map_err(D::Error::custom))
                .transpose()
        }
    }
}

/// A JSON column read into its type; a shape that does not fit is a decoding error.
pub fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> sqlx::Result<T> {
    serde_json::from_value(value).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[derive(Deserialize)]
    struct Row {
        #[serde(with = "instant")]
        at: OffsetDateTime,
        #[serde(with = "instant::option")]
        maybe_at: Option<OffsetDateTime>,
        #[serde(with = "day")]
        on: Date,
        #[serde(with = "day::option")]
        maybe_on: Option<Date>,
    }

    #[test]
    fn postgres_json_timestamps_and_dates_read_back_as_the_same_instants_in_utc() {
        let row: Row = serde_json::from_str(
            r#"{"at": "2026-11-20T11:00:00.123456+01:00", "maybe_at": null,
                "on": "2026-03-29", "maybe_on": "2027-01-01"}"#,
        )
        .expect("parses");
        assert_eq!(row.at, datetime!(2026-11-20 10:00:00.123456 UTC));
        assert_eq!(row.at.offset(), UtcOffset::UTC);
        assert_eq!(row.maybe_at, None);
        assert_eq!(row.on, date!(2026 - 03 - 29));
        assert_eq!(row.maybe_on, Some(date!(2027 - 01 - 01)));
        assert!(serde_json::from_str::<Row>(r#"{"at": "yesterday"}"#).is_err());
    }
}
