//! A disclosure from a case: what was given, to whom, on which legal basis, and when. The
//! register is the case's own, so that the person's access request can say who received what.

use time::Date;

use crate::domain::code::code_enum;
use crate::domain::fields::{self as forms, FieldErrors};

code_enum! {
    /// The legal basis of a disclosure (`disclosures.legal_basis`).
    pub enum DisclosureBasis {
        Retsplejeloven115 => ("retsplejeloven_115", "Retsplejeloven § 115 (udveksling i Infohus mellem kommune og politi)"),
        Serviceloven49b => ("serviceloven_49b", "Serviceloven § 49 b (udveksling om voksne)"),
        BarnetsLov => ("barnets_lov", "Barnets lov (underretning og udveksling om børn og unge)"),
        Consent => ("consent", "Personens samtykke"),
        Other => ("other", "Anden hjemmel (angiv)"),
    }
}

const RECIPIENT_MAX: usize = 200;
const CONTENT_MAX: usize = 4000;
const OTHER_MAX: usize = 300;

/// A disclosure as typed.
#[derive(Debug, Clone, Copy)]
pub struct DisclosureInput<'a> {
    pub disclosed_on: &'a str,
    pub recipient: &'a str,
    pub content: &'a str,
    pub legal_basis: &'a str,
    pub legal_basis_other: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    pub disclosed_on: Date,
    pub recipient: String,
    pub content: String,
    pub basis: DisclosureBasis,
    /// The text of an "other" basis.
    pub basis_other: Option<String>,
}

/// Checks a disclosure; a Danish message at each wrong field.
pub fn check(
    input: DisclosureInput<'_>,
    today: Date,
    errors: &mut FieldErrors,
) -> Option<Disclosure> {
    let disclosed_on = forms::past_date(
        errors,
        "disclosed_on",
        input.disclosed_on,
        "Skriv datoen for videregivelsen.",
        today,
    );
    let recipient = forms::text(errors, "recipient", input.recipient, true, RECIPIENT_MAX);
    let content = forms::text(errors, "content", input.content, true, CONTENT_MAX);
    let basis = match DisclosureBasis::parse(input.legal_basis) {
        Some(b) => Some(b),
        None => {
            errors.add(
                "legal_basis",
                "Vælg den hjemmel, oplysningerne er videregivet efter.",
            );
            None
        }
    };
    let other = forms::text(
        errors,
        "legal_basis_other",
        input.legal_basis_other,
        basis == Some(DisclosureBasis::Other),
        OTHER_MAX,
    );
    Some(Disclosure {
        disclosed_on: disclosed_on?,
        recipient: recipient?,
        content: content?,
        basis: basis?,
        basis_other: other.filter(|_| basis == Some(DisclosureBasis::Other)),
    })
}

impl Disclosure {
    /// The basis as the case page and the access request name it.
    pub fn basis_text(basis: DisclosureBasis, other: Option<&str>) -> String {
        match (basis, other) {
            (DisclosureBasis::Other, Some(o)) => format!("Anden hjemmel: {o}"),
            (b, _) => b.label().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn checked(basis: &str, other: &str) -> (Option<Disclosure>, FieldErrors) {
        let mut errors = FieldErrors::new();
        let d = check(
            DisclosureInput {
                disclosed_on: "19.11.2026",
                recipient: "Børn og Familie",
                content: "Handleplanen",
                legal_basis: basis,
                legal_basis_other: other,
            },
            date!(2026 - 11 - 20),
            &mut errors,
        );
        (d, errors)
    }

    #[test]
    fn a_disclosure_needs_a_legal_basis_and_other_needs_its_text() {
        assert!(checked("", "").1.has("legal_basis"));
        assert!(checked("nonsense", "").1.has("legal_basis"));
        assert!(checked("other", "").1.has("legal_basis_other"));
        let (d, errors) = checked("other", "Forvaltningsloven § 28");
        assert!(errors.is_empty());
        assert_eq!(
            d.map(|d| d.basis_other),
            Some(Some("Forvaltningsloven § 28".to_owned()))
        );
        let (d, _) = checked("consent", "ignored");
        assert_eq!(d.and_then(|d| d.basis_other), None);
    }
}
