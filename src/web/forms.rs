//! What forms share on the web side: the domain's field errors and text checks, and how a
//! form is shown again (`FormState`).

pub use crate::domain::fields::{
    CONTROL_CHARACTER, FieldError, FieldErrors, has_control_characters, is_email, text, tick,
};

/// How a form is shown: as opened, refused with field errors, or overtaken by someone else's
/// change. One convention for every form, with its status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormState {
    Fresh,
    Invalid,
    Conflict,
}

impl FormState {
    pub fn status(self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            FormState::Fresh => StatusCode::OK,
            FormState::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            FormState::Conflict => StatusCode::CONFLICT,
        }
    }

    /// `message` when the form was based on an older version of what it changes.
    pub fn conflict(self, message: &'static str) -> Option<&'static str> {
        (self == FormState::Conflict).then_some(message)
    }
}
