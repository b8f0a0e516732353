//! CSV for Danish Excel: UTF-8 with a byte order mark, `;` between fields, CRLF line ends, and
//! no cell that a spreadsheet would run as a formula.

/// The byte order mark that tells Excel the file is UTF-8.
pub const CSV_BOM: &str = "\u{feff}";

/// One CSV field for Danish Excel: a cell that a spreadsheet would read as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe, and a field
/// with a separator, a quote, a line break or surrounding spaces is quoted, quotes doubled.
pub fn csv_field(value: &str) -> String {
    let neutral = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    };
    let needs_quotes = neutral.contains([';', '"', '\n', '\r', ','])
        || neutral.starts_with(' ')
        || neutral.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One CSV line, `;`-separated, ended by CRLF.
pub fn csv_record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(";");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_escaper_neutralises_formulas() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("+45 12"), "'+45 12");
        assert_eq!(csv_field("-3"), "'-3");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\tx"), "'\tx");
    }

    #[test]
    fn the_escaper_quotes_what_would_split_a_cell() {
        assert_eq!(csv_field("<5"), "<5");
        assert_eq!(csv_field("12"), "12");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("sagt \"nej\""), "\"sagt \"\"nej\"\"\"");
        assert_eq!(csv_field("to\nlinjer"), "\"to\nlinjer\"");
        assert_eq!(csv_field(" foran"), "\" foran\"");
        assert_eq!(
            csv_field("Børn og Familie, Myndighed"),
            "\"Børn og Familie, Myndighed\""
        );
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn a_record_is_semicolon_separated_and_ends_in_crlf() {
        assert_eq!(csv_record(&["Område", "=x", "3"]), "Område;'=x;3\r\n");
    }
}
