//! The person a concern is about, as the reporter or the coordinator describes them, and how
//! that description is checked. Used by the concern form and by the coordinator registering the
//! person on a new case.

use time::Date;

use crate::domain::calendar;
use crate::domain::cpr;
use crate::domain::fields::{self as forms, FieldErrors};
use crate::domain::intake;

use super::concern::{NAME_MAX, SHORT_MAX, TINY_MAX};

/// The message at a protection tick that is not a tick.
pub const PROTECTION_TICK: &str =
    "Sæt kryds, hvis personen har navne- og adressebeskyttelse, ellers lad feltet være tomt.";

/// The subject as the coordinator or the reporter described them, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub name: String,
    pub birth_date: Option<Date>,
    pub approx_age: Option<i16>,
    pub is_minor: bool,
    /// Normalised "DDMMYY-SSSS".
    pub cpr: Option<String>,
    pub address: Option<String>,
    /// Name and address protection (navne- og adressebeskyttelse): the address is shown only to
    /// the municipality's coordinators and never printed ([`crate::domain::policy`]).
    pub address_protected: bool,
}

/// The subject fields as typed.
#[derive(Debug, Clone, Copy)]
pub struct SubjectInput<'a> {
    pub name: &'a str,
    pub birth_date: &'a str,
    pub approx_age: &'a str,
    pub under_18: &'a str,
    pub cpr: &'a str,
    pub address: &'a str,
    /// The checkbox: "ja" or empty.
    pub address_protected: &'a str,
}

/// Checks the person: a name; a birth date (typed, or from the CPR number), or else whether
/// they are under 18 and perhaps an approximate age; an optional CPR number with a real date.
/// Used by the concern form and by the coordinator registering the person on a new case.
pub fn validate_subject(
    errors: &mut FieldErrors,
    input: SubjectInput<'_>,
    today: Date,
) -> Option<Subject> {
    let name = forms::text(errors, "subject_name", input.name, true, NAME_MAX);
    let address = forms::text(errors, "subject_address", input.address, false, SHORT_MAX);
    let address_protected = forms::tick(
        errors,
        "subject_address_protected",
        input.address_protected,
        PROTECTION_TICK,
    )
    .unwrap_or(false);

    let cpr = match input.cpr.trim() {
        "" => None,
        raw if raw.chars().count() > TINY_MAX => {
            errors.add("subject_cpr", cpr::CprError::Format.message());
            None
        }
        raw => match cpr::parse(raw) {
            Ok(c) if c.birth_date() > today => {
                errors.add(
                    "subject_cpr",
                    "CPR-nummeret indeholder en fødselsdato, der ligger i fremtiden.",
                );
                None
            }
            Ok(c) => Some(c),
            Err(e) => {
                errors.add("subject_cpr", format!("{}.", e.message()));
                None
            }
        },
    };

    let typed_birth = match input.birth_date.trim() {
        "" => None,
        raw => match calendar::parse_date(raw) {
            Some(d) if d > today => {
                errors.add("subject_birth_date", "Fødselsdatoen ligger i fremtiden.");
                None
            }
            Some(d) if today.year() - d.year() > 125 => {
                errors.add(
                    "subject_birth_date",
                    "Fødselsdatoen ligger for langt tilbage.",
                );
                None
            }
            Some(d) => Some(d),
            None => {
                errors.add(
                    "subject_birth_date",
                    "Skriv fødselsdatoen som dag.måned.år, f.eks. 24.12.2010, og kun en dato, der findes.",
                );
                None
            }
        },
    };
    if let (Some(c), Some(d)) = (&cpr, typed_birth) {
        if c.birth_date() != d {
            errors.add(
                "subject_birth_date",
                "Fødselsdatoen passer ikke med CPR-nummeret.",
            );
        }
    }
    let birth_date = cpr.as_ref().map(cpr::Cpr::birth_date).or(typed_birth);

    let approx_age = match input.approx_age.trim() {
        "" => None,
        raw => match raw.parse::<i16>() {
            Ok(age) if (0..=120).contains(&age) => Some(age),
            _ => {
                errors.add(
                    "subject_approx_age",
                    "Skriv alderen som et helt tal mellem 0 og 120.",
                );
                None
            }
        },
    };
    let under_18 = match input.under_18 {
        "ja" => Some(true),
        "nej" => Some(false),
        "" => None,
        _ => {
            errors.add("subject_under_18", "Vælg ja eller nej.");
            None
        }
    };

    let is_minor = match birth_date {
        Some(birth) => {
            let minor = intake::age_on(birth, today) < 18;
            if under_18.is_some_and(|u| u != minor) {
                errors.add("subject_under_18", "Svaret passer ikke med fødselsdatoen.");
            }
            Some(minor)
        }
        None => {
            if let (Some(age), Some(u)) = (approx_age, under_18) {
                if (age < 18) != u {
                    errors.add(
                        "subject_approx_age",
                        "Alderen passer ikke med svaret om, hvorvidt personen er under 18 år.",
                    );
                }
            }
            // An age answers the question; it is asked only when neither is known.
            let derived = under_18.or(approx_age.map(|age| age < 18));
            if derived.is_none()
                && !errors.has("subject_under_18")
                && !errors.has("subject_approx_age")
            {
                errors.add(
                    "subject_under_18",
                    "Angiv, om personen er under 18 år, når du hverken kender fødselsdato eller alder.",
                );
            }
            derived
        }
    };

    match (name, is_minor) {
        (Some(name), Some(is_minor)) => Some(Subject {
            name,
            birth_date,
            approx_age: if birth_date.is_some() {
                None
            } else {
                approx_age
            },
            is_minor,
            cpr: cpr.map(|c| c.as_str().to_owned()),
            address,
            address_protected,
        }),
        _ => None,
    }
}
