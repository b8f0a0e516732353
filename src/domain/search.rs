//! What a search on the case list means: one typed string read as a case reference, a CPR
//! number, a birth date or a name, in that order, so that the query can use an exact match
//! where there is one and a similarity match only for names.

use time::Date;

use super::calendar;
use super::cpr;

/// The longest search string read; the rest is ignored (a name is never longer).
pub const MAX_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseSearch {
    /// `RAN-2026-0001`, in capitals.
    Reference(String),
    /// "DDMMYY-SSSS", as stored.
    Cpr(String),
    BirthDate(Date),
    /// A name or part of one, found by trigram similarity or as a substring.
    Name(String),
}

impl CaseSearch {
    /// `None` for an empty search.
    pub fn parse(raw: &str) -> Option<CaseSearch> {
        let text: String = raw
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_CHARS)
            .collect();
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if is_reference(text) {
            return Some(CaseSearch::Reference(text.to_uppercase()));
        }
        if let Ok(c) = cpr::parse(text) {
            return Some(CaseSearch::Cpr(c.as_str().to_owned()));
        }
        if let Some(d) = calendar::parse_date(text) {
            return Some(CaseSearch::BirthDate(d));
        }
        Some(CaseSearch::Name(text.to_owned()))
    }

    /// What the audit trail records of the search: who searched for whom must be answerable
    /// (an access request asks exactly that), so the criterion as it was read.
    pub fn audit_criterion(&self) -> String {
        match self {
            CaseSearch::Reference(r) => format!("reference:{r}"),
            CaseSearch::Cpr(c) => format!("cpr:{c}"),
            CaseSearch::BirthDate(d) => format!("birth_date:{}", calendar::format_date_da(*d)),
            CaseSearch::Name(n) => format!("name:{n}"),
        }
    }
}

/// Letters, a dash, a four-digit year, a dash, digits: the shape `cases::open` writes.
fn is_reference(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [prefix, year, number]
        if (2..=6).contains(&prefix.len())
            && prefix.chars().all(|c| c.is_ascii_alphabetic())
            && year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
            && !number.is_empty()
            && number.len() <= 8
            && number.chars().all(|c| c.is_ascii_digit()))
}

/// A LIKE pattern matching `text` anywhere, with `%`, `_` and `\` taken literally.
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_search_is_read_as_reference_cpr_birth_date_or_name() {
        assert_eq!(
            CaseSearch::parse(" ran-2026-0001 "),
            Some(CaseSearch::Reference("RAN-2026-0001".into()))
        );
        assert_eq!(
            CaseSearch::parse("241210-4321"),
            Some(CaseSearch::Cpr("241210-4321".into()))
        );
        assert_eq!(
            CaseSearch::parse("24.12.2010"),
            Some(CaseSearch::BirthDate(date!(2010 - 12 - 24)))
        );
        assert_eq!(
            CaseSearch::parse("Mikel Sørensen"),
            Some(CaseSearch::Name("Mikel Sørensen".into()))
        );
        assert_eq!(CaseSearch::parse("   "), None);
        let long = "x".repeat(10_000);
        assert!(
            matches!(CaseSearch::parse(&long), Some(CaseSearch::Name(n)) if n.chars().count() == MAX_CHARS)
        );
    }

    #[test]
    fn like_metacharacters_are_taken_literally() {
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
