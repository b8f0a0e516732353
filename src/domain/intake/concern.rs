//! A concern as the domain knows it: the draft as typed (by staff at `/bekymringer/ny` or by a
//! citizen at `/k/{kommune}/bekymring`), the subject, and how both are checked. A draft that
//! passes is a [`ValidConcern`], which the store files as it is.

use serde::Deserialize;
use time::Date;

use crate::domain::catalogue::{self, ConcernKind};
use crate::domain::fields::{self as forms, FieldErrors};

pub use super::subject::{Subject, SubjectInput, validate_subject};

/// Generous, because an observation may need a long account; far below the body limit, so
/// that even a megabyte comes back as a field error with the text kept.
pub const OBSERVATION_MAX: usize = 20_000;
pub(super) const NAME_MAX: usize = 200;
pub(super) const SHORT_MAX: usize = 300;
const REASON_MAX: usize = 2_000;
const EMAIL_MAX: usize = 254;
const PHONE_MAX: usize = 40;
/// Kept for the error message only; the field should hold a date, a CPR number or a number.
pub(super) const TINY_MAX: usize = 40;

/// Everything the form sends, as typed. Every field is text so that nothing a browser sends
/// can fail to deserialize; checking happens in [`validate`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConcernForm {
    /// "ja" or "nej": is anyone in acute danger?
    pub acute: String,
    /// A police user's choice among the municipalities of the district.
    pub municipality: String,
    pub subject_name: String,
    pub subject_birth_date: String,
    pub subject_approx_age: String,
    /// "ja", "nej" or empty.
    pub subject_under_18: String,
    pub subject_cpr: String,
    pub subject_address: String,
    /// "ja" when the person has name and address protection.
    pub subject_address_protected: String,
    pub subject_connection: String,
    pub observation: String,
    pub observed_when: String,
    pub observed_where: String,
    pub warning_signs: Vec<String>,
    pub kind: String,
    pub leader_informed: String,
    pub parents_informed: String,
    pub key_employee_involved: String,
    pub reporter_name: String,
    pub reporter_email: String,
    pub reporter_phone: String,
    /// "ja" when the reporter bypasses the leader.
    pub direct_to_infohus: String,
    pub direct_reason: String,
    /// The honeypot of the public form: people never see it, robots fill it in.
    pub website: String,
}

impl ConcernForm {
    pub fn has_sign(&self, id: &str) -> bool {
        self.warning_signs.iter().any(|s| s == id)
    }
}

/// Who fills the form in, which changes a few rules.
#[derive(Debug, Clone, Copy)]
pub struct FormRules {
    pub today: Date,
    /// Citizens may stay anonymous; staff give their name.
    pub citizen: bool,
    /// The "send directly to Infohus" choice applies (a leader-routed municipality).
    pub offers_direct: bool,
}

/// A concern that passed every check, ready to be filed.
#[derive(Debug, Clone)]
pub struct ValidConcern {
    pub subject: Subject,
    pub connection: Option<String>,
    pub observation: String,
    pub observed_when: Option<String>,
    pub observed_where: Option<String>,
    pub warning_signs: Vec<String>,
    pub kind: ConcernKind,
    pub leader_informed: Option<bool>,
    pub parents_informed: Option<bool>,
    pub key_employee_involved: Option<bool>,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_phone: Option<String>,
    pub direct_to_infohus: bool,
    pub direct_reason: Option<String>,
}

/// The outcome of checking the form.
pub enum Checked {
    Valid(Box<ValidConcern>),
    /// Someone is in acute danger: nothing is stored, the page says to call 112.
    Acute,
    Invalid,
}

pub const ACUTE_MESSAGE: &str = "Ring 112 nu. Formularen er ikke til akutte situationer, og den bliver ikke læst med det samme.";

/// Checks everything; errors are collected in `errors` (Danish, per field).
pub fn validate(form: &ConcernForm, rules: FormRules, errors: &mut FieldErrors) -> Checked {
    match form.acute.as_str() {
        "ja" => {
            errors.add("acute", ACUTE_MESSAGE);
            return Checked::Acute;
        }
        "nej" => {}
        "" => errors.add("acute", "Svar på, om nogen er i akut fare."),
        _ => errors.add("acute", "Vælg ja eller nej."),
    }
    let subject = validate_subject(
        errors,
        SubjectInput {
            name: &form.subject_name,
            birth_date: &form.subject_birth_date,
            approx_age: &form.subject_approx_age,
            under_18: &form.subject_under_18,
            cpr: &form.subject_cpr,
            address: &form.subject_address,
            address_protected: &form.subject_address_protected,
        },
        rules.today,
    );
    let connection = forms::text(
        errors,
        "subject_connection",
        &form.subject_connection,
        false,
        SHORT_MAX,
    );
    let observation = forms::text(
        errors,
        "observation",
        &form.observation,
        true,
        OBSERVATION_MAX,
    );
    let observed_when = forms::text(
        errors,
        "observed_when",
        &form.observed_when,
        false,
        SHORT_MAX,
    );
    let observed_where = forms::text(
        errors,
        "observed_where",
        &form.observed_where,
        false,
        SHORT_MAX,
    );

    let mut warning_signs: Vec<String> = Vec::new();
    for id in &form.warning_signs {
        if catalogue::warning_sign(id).is_none() {
            errors.add(
                "warning_signs",
                "Et af de valgte bekymringstegn findes ikke. Vælg tegnene igen fra listen.",
            );
        } else if !warning_signs.contains(id) {
            warning_signs.push(id.clone());
        }
    }

    let kind = match form.kind.as_str() {
        "" => {
            errors.add("kind", "Vælg, hvad bekymringen handler om.");
            None
        }
        k => {
            let kind = ConcernKind::parse(k);
            if kind.is_none() {
                errors.add("kind", "Vælg en af de viste muligheder.");
            }
            kind
        }
    };

    let leader_informed = yes_no(errors, "leader_informed", &form.leader_informed);
    let parents_informed = yes_no(errors, "parents_informed", &form.parents_informed);
    let key_employee_involved =
        yes_no(errors, "key_employee_involved", &form.key_employee_involved);

    let reporter_name = forms::text(
        errors,
        "reporter_name",
        &form.reporter_name,
        !rules.citizen,
        NAME_MAX,
    );
    let reporter_email = email(errors, "reporter_email", &form.reporter_email);
    let reporter_phone = phone(errors, "reporter_phone", &form.reporter_phone);

    let direct_to_infohus = rules.offers_direct && form.direct_to_infohus == "ja";
    let direct_reason = match (direct_to_infohus, form.direct_reason.trim().is_empty()) {
        (false, _) => None,
        (true, true) => {
            errors.add(
                "direct_reason",
                "Skriv kort, hvorfor bekymringen skal direkte til Infohus.",
            );
            None
        }
        (true, false) => forms::text(
            errors,
            "direct_reason",
            &form.direct_reason,
            true,
            REASON_MAX,
        ),
    };

    match (subject, observation, kind) {
        (Some(subject), Some(observation), Some(kind)) if errors.is_empty() => {
            let parents_informed = if subject.is_minor {
                parents_informed
            } else {
                None
            };
            Checked::Valid(Box::new(ValidConcern {
                subject,
                connection,
                observation,
                observed_when,
                observed_where,
                warning_signs,
                kind,
                leader_informed: if rules.citizen { None } else { leader_informed },
                parents_informed,
                key_employee_involved: if rules.citizen {
                    None
                } else {
                    key_employee_involved
                },
                reporter_name,
                reporter_email,
                reporter_phone,
                direct_to_infohus,
                direct_reason,
            }))
        }
        _ => Checked::Invalid,
    }
}

fn yes_no(errors: &mut FieldErrors, field: &str, value: &str) -> Option<bool> {
    match value {
        "ja" => Some(true),
        "nej" => Some(false),
        "" | "ved_ikke" => None,
        _ => {
            errors.add(field, "Vælg en af de viste muligheder.");
            None
        }
    }
}

fn email(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let value = forms::text(errors, field, value, false, EMAIL_MAX)?;
    if forms::is_email(&value) {
        Some(value)
    } else {
        errors.add(
            field,
            "Skriv en gyldig e-mailadresse, f.eks. navn@randers.dk.",
        );
        None
    }
}

fn phone(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let value = forms::text(errors, field, value, false, PHONE_MAX)?;
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
    if allowed && digits >= 3 {
        Some(value)
    } else {
        errors.add(
            field,
            "Skriv et telefonnummer med cifre, f.eks. 86 12 34 56.",
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 20);

    fn staff() -> FormRules {
        FormRules {
            today: TODAY,
            citizen: false,
            offers_direct: true,
        }
    }

    fn filled() -> ConcernForm {
        ConcernForm {
            acute: "nej".into(),
            subject_name: "Mikkel Sørensen".into(),
            subject_birth_date: "24.12.2010".into(),
            observation: "Har delt voldsforherligende videoer i klassen.".into(),
            kind: "right_wing_extremism".into(),
            warning_signs: vec!["spreads_violent_messages".into()],
            reporter_name: "Sofie Lund".into(),
            ..ConcernForm::default()
        }
    }

    fn check(form: &ConcernForm, rules: FormRules) -> (Option<ValidConcern>, FieldErrors) {
        let mut errors = FieldErrors::new();
        let valid = match validate(form, rules, &mut errors) {
            Checked::Valid(v) => Some(*v),
            _ => None,
        };
        (valid, errors)
    }

    #[test]
    fn a_complete_form_passes_and_the_minor_is_derived_from_the_birth_date() {
        let (valid, errors) = check(&filled(), staff());
        assert!(errors.is_empty(), "{errors:?}");
        let v = valid.expect("valid");
        assert!(v.subject.is_minor);
        assert_eq!(v.subject.birth_date, Some(date!(2010 - 12 - 24)));
        assert!(!v.direct_to_infohus);
    }

    #[test]
    fn acute_danger_stops_the_form() {
        let form = ConcernForm {
            acute: "ja".into(),
            ..filled()
        };
        let mut errors = FieldErrors::new();
        assert!(matches!(
            validate(&form, staff(), &mut errors),
            Checked::Acute
        ));
        assert!(errors.get("acute").is_some_and(|m| m.contains("112")));
    }

    #[test]
    fn cpr_numbers_are_checked_normalised_and_matched_with_the_birth_date() {
        let form = ConcernForm {
            subject_cpr: "2412104321".into(),
            ..filled()
        };
        let (valid, _) = check(&form, staff());
        assert_eq!(
            valid.expect("valid").subject.cpr.as_deref(),
            Some("241210-4321")
        );

        let impossible = ConcernForm {
            subject_cpr: "310210-4321".into(),
            ..filled()
        };
        let (_, errors) = check(&impossible, staff());
        assert!(
            errors
                .get("subject_cpr")
                .is_some_and(|m| m.contains("dato"))
        );

        let mismatch = ConcernForm {
            subject_cpr: "010110-4321".into(),
            ..filled()
        };
        let (_, errors) = check(&mismatch, staff());
        assert!(errors.has("subject_birth_date"));
    }

    #[test]
    fn the_under_18_question_is_asked_only_when_neither_birth_date_nor_age_is_known() {
        // An age answers it: 15 is under 18, without asking again.
        let form = ConcernForm {
            subject_birth_date: String::new(),
            subject_approx_age: "15".into(),
            subject_under_18: String::new(),
            ..filled()
        };
        let (valid, errors) = check(&form, staff());
        assert!(errors.is_empty(), "{errors:?}");
        let v = valid.expect("valid");
        assert_eq!(v.subject.approx_age, Some(15));
        assert!(v.subject.is_minor);
        // Neither birth date nor age: the question must be answered.
        let unknown = ConcernForm {
            subject_approx_age: String::new(),
            ..form.clone()
        };
        let (_, errors) = check(&unknown, staff());
        assert!(errors.has("subject_under_18"));
        let (valid, errors) = check(
            &ConcernForm {
                subject_under_18: "ja".into(),
                ..unknown
            },
            staff(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert!(valid.expect("valid").subject.is_minor);
        // An answer that contradicts the age is refused.
        let contradicting = ConcernForm {
            subject_under_18: "nej".into(),
            ..form
        };
        let (_, errors) = check(&contradicting, staff());
        assert!(errors.has("subject_approx_age"));
    }

    #[test]
    fn unknown_signs_kinds_and_overlong_text_are_refused() {
        let form = ConcernForm {
            warning_signs: vec!["made_up".into()],
            kind: "something".into(),
            observation: "x".repeat(OBSERVATION_MAX + 1),
            ..filled()
        };
        let (valid, errors) = check(&form, staff());
        assert!(valid.is_none());
        assert!(errors.has("warning_signs"));
        assert!(errors.has("kind"));
        assert!(
            errors
                .get("observation")
                .is_some_and(|m| m.contains("20000"))
        );
    }

    #[test]
    fn going_directly_to_infohus_needs_a_reason() {
        let form = ConcernForm {
            direct_to_infohus: "ja".into(),
            ..filled()
        };
        let (_, errors) = check(&form, staff());
        assert!(
            errors
                .get("direct_reason")
                .is_some_and(|m| m.contains("hvorfor"))
        );
        let with_reason = ConcernForm {
            direct_reason: "Lederen er part i sagen.".into(),
            ..form.clone()
        };
        let (valid, _) = check(&with_reason, staff());
        assert!(valid.expect("valid").direct_to_infohus);
        let elsewhere = FormRules {
            offers_direct: false,
            ..staff()
        };
        let (valid, _) = check(&form, elsewhere);
        assert!(!valid.expect("valid").direct_to_infohus);
    }

    #[test]
    fn citizens_may_stay_anonymous_but_contact_details_are_checked() {
        let citizen = FormRules {
            citizen: true,
            offers_direct: false,
            ..staff()
        };
        let form = ConcernForm {
            reporter_name: String::new(),
            ..filled()
        };
        let (valid, errors) = check(&form, citizen);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(valid.expect("valid").reporter_name, None);
        let bad = ConcernForm {
            reporter_email: "not an email".into(),
            reporter_phone: "call me".into(),
            ..form
        };
        let (_, errors) = check(&bad, citizen);
        assert!(errors.has("reporter_email"));
        assert!(errors.has("reporter_phone"));
    }
}
