//! What the concern form pages need besides the draft and its errors (`domain::intake::concern`):
//! the warning signs in their groups, the kinds, and the limits shown beside the fields.

use crate::domain::catalogue::{self, ConcernKind, SignGroup, WarningSign};
pub use crate::domain::intake::concern::{
    ACUTE_MESSAGE, Checked, ConcernForm, FormRules, OBSERVATION_MAX, Subject, SubjectInput,
    ValidConcern, validate, validate_subject,
};

/// What a concern form page needs besides the typed values and errors.
#[derive(Debug, Clone)]
pub struct FormChoices {
    pub signs_individual: Vec<&'static WarningSign>,
    pub signs_social: Vec<&'static WarningSign>,
    pub group_individual: &'static str,
    pub group_social: &'static str,
    pub kinds: &'static [ConcernKind],
    pub caveat: &'static str,
    pub observation_max: usize,
}

impl FormChoices {
    pub fn new() -> FormChoices {
        FormChoices {
            signs_individual: catalogue::warning_signs_in(SignGroup::Individual).collect(),
            signs_social: catalogue::warning_signs_in(SignGroup::Social).collect(),
            group_individual: SignGroup::Individual.label(),
            group_social: SignGroup::Social.label(),
            kinds: &ConcernKind::ALL,
            caveat: catalogue::WARNING_SIGNS_CAVEAT,
            observation_max: OBSERVATION_MAX,
        }
    }
}

impl Default for FormChoices {
    fn default() -> Self {
        FormChoices::new()
    }
}
