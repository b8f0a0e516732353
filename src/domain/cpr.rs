//! Danish CPR numbers: parsing, the birth date they carry, and masking for display.
//!
//! There is deliberately no modulus-11 check: CPR numbers without it have been issued since
//! 2007, so the check would refuse real people.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// A CPR number that has been checked to hold a real date, kept as "DDMMYY-SSSS".
///
/// `Debug` prints the masked form, so that a CPR number in a struct that ends up in a log line
/// does not leak the full number.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cpr {
    normalised: String,
    // Kept beside the text so that reading it needs no second, fallible decoding.
    birth_date: Date,
}

/// Why a CPR number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CprError {
    /// Not ten digits with an optional hyphen after the sixth.
    Format,
    /// The digits are well formed but the date does not exist.
    Date,
}

impl CprError {
    /// The message shown next to the field.
    pub const fn message(self) -> &'static str {
        match self {
            Self::Format => "CPR-nummeret skal have formen DDMMÅÅ-XXXX",
            Self::Date => "CPR-nummeret indeholder en dato, der ikke findes",
        }
    }
}

impl fmt::Display for CprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for CprError {}

/// Reads "DDMMYYSSSS" or "DDMMYY-SSSS", with any surrounding whitespace.
pub fn parse(input: &str) -> Result<Cpr, CprError> {
    let trimmed = input.trim();
    let (date_part, serial) = match (trimmed.get(..6), trimmed.get(6..)) {
        (Some(date_part), Some(rest)) => (date_part, rest.strip_prefix('-').unwrap_or(rest)),
        _ => return Err(CprError::Format),
    };
    if !is_digits(date_part, 6) || !is_digits(serial, 4) {
        return Err(CprError::Format);
    }
    let d = date_part.as_bytes();
    let two = |i: usize| (d[i] - b'0') * 10 + (d[i + 1] - b'0');
    let (day, month, yy) = (two(0), two(2), two(4));
    let century_digit = serial.as_bytes()[0] - b'0';
    let year = i32::from(century(century_digit, yy)) + i32::from(yy);
    let month = Month::try_from(month).map_err(|_| CprError::Date)?;
    let birth_date = Date::from_calendar_date(year, month, day).map_err(|_| CprError::Date)?;
    Ok(Cpr {
        normalised: format!("{date_part}-{serial}"),
        birth_date,
    })
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// The century of the birth year, from the first digit of the serial number (the CPR office's
/// table).
fn century(digit: u8, yy: u8) -> u16 {
    match digit {
        0..=3 => 1900,
        4 | 9 if yy <= 36 => 2000,
        4 | 9 => 1900,
        _ if yy <= 57 => 2000,
        _ => 1800,
    }
}

impl Cpr {
    /// The number as "DDMMYY-SSSS".
    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// The birth date the number encodes.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// "DDMMYY-xxxx": enough to tell two people apart on a list, without the full number.
    pub fn masked(&self) -> String {
        let date_part = self.normalised.get(..6).unwrap_or_default();
        format!("{date_part}-xxxx")
    }
}

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cpr").field(&self.masked()).finish()
    }
}

impl TryFrom<String> for Cpr {
    type Error = CprError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        parse(&value)
    }
}

impl From<Cpr> for String {
    fn from(cpr: Cpr) -> Self {
        cpr.normalised
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_normal_number_is_accepted_with_or_without_hyphen() {
        for input in ["010190-1234", "0101901234", "  010190-1234\n"] {
            let cpr = parse(input).expect("valid");
            assert_eq!(cpr.as_str(), "010190-1234");
            assert_eq!(cpr.birth_date(), date!(1990 - 01 - 01));
        }
    }

    #[test]
    fn a_date_that_does_not_exist_is_refused() {
        assert_eq!(parse("310290-1234"), Err(CprError::Date));
        assert_eq!(parse("3102901234"), Err(CprError::Date));
        assert_eq!(parse("011390-1234"), Err(CprError::Date));
        assert_eq!(parse("000190-1234"), Err(CprError::Date));
    }

    #[test]
    fn the_century_follows_the_seventh_digit() {
        // Digit 4 with YY 00 is 2000, a leap year; 2001 is not.
        assert_eq!(
            parse("290200-4000").map(|c| c.birth_date()),
            Ok(date!(2000 - 02 - 29))
        );
        assert_eq!(parse("290201-4000"), Err(CprError::Date));
        assert_eq!(
            parse("010137-4000").map(|c| c.birth_date().year()),
            Ok(1937)
        );
        assert_eq!(
            parse("010136-9000").map(|c| c.birth_date().year()),
            Ok(2036)
        );
        assert_eq!(
            parse("010157-5000").map(|c| c.birth_date().year()),
            Ok(2057)
        );
        assert_eq!(
            parse("010158-8000").map(|c| c.birth_date().year()),
            Ok(1858)
        );
        assert_eq!(
            parse("010110-3000").map(|c| c.birth_date().year()),
            Ok(1910)
        );
    }

    #[test]
    fn garbage_is_refused_as_a_format_error() {
        for input in [
            "",
            "abc",
            "010190-123",
            "010190--1234",
            "01019012345",
            "0101901-234",
            "01019O-1234",
            "010190 1234",
            "+10190-1234",
            "0101９0-1234",
            "ææææææ-øøøø",
        ] {
            assert_eq!(parse(input), Err(CprError::Format), "{input:?}");
        }
    }

    #[test]
    fn the_number_is_masked_in_lists_and_debug_output() {
        let cpr = parse("0101901234").expect("valid");
        assert_eq!(cpr.masked(), "010190-xxxx");
        assert_eq!(format!("{cpr:?}"), "Cpr(\"010190-xxxx\")");
    }

    #[test]
    fn serde_validates_on_the_way_in() {
        let cpr: Cpr = serde_json::from_str("\"0101901234\"").expect("valid");
        assert_eq!(
            serde_json::to_string(&cpr).expect("serialises"),
            "\"010190-1234\""
        );
        assert!(serde_json::from_str::<Cpr>("\"310290-1234\"").is_err());
    }

    #[test]
    fn errors_speak_danish() {
        assert_eq!(
            CprError::Format.to_string(),
            "CPR-nummeret skal have formen DDMMÅÅ-XXXX"
        );
        assert_eq!(
            CprError::Date.message(),
            "CPR-nummeret indeholder en dato, der ikke findes"
        );
    }
}
