//! The acute question, asked on a page of its own before the concern form: someone in danger
//! right now must be told to call 112 before they spend ten minutes writing. A plain GET form
//! (`?akut=ja|nej`), so it works without JavaScript and nothing is stored.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::error::AppResult;
use crate::web::forms::FieldErrors;
use crate::web::layout::{self, PageContext};

/// The answer in the address, if any.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AcuteQuery {
    #[serde(default)]
    akut: Option<String>,
    /// Sent by the question's own form, so that submitting it unanswered is told apart from
    /// arriving at the page.
    #[serde(default)]
    spurgt: Option<String>,
}

/// Where the answer leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AcuteStep {
    /// Not answered yet (or answered with something else): ask.
    Ask { unanswered: bool },
    /// Someone is in danger: call the emergency number; the form is not shown.
    Stop,
    /// Nobody is in danger now: the form.
    Form,
}

impl AcuteQuery {
    pub fn step(&self) -> AcuteStep {
        match self.akut.as_deref().map(str::trim) {
            None => AcuteStep::Ask {
                unanswered: self.spurgt.is_some(),
            },
            Some("nej") => AcuteStep::Form,
            Some("ja") => AcuteStep::Stop,
            Some(_) => AcuteStep::Ask { unanswered: true },
        }
    }
}

#[derive(Template)]
#[template(path = "concerns/acute.html")]
struct AcutePage {
    page: PageContext,
    heading: &'static str,
    /// The form's own address; the question's answer is sent back to it.
    action: String,
    emergency: String,
    stop: bool,
    errors: FieldErrors,
}

/// The question, or the stop page. Status 422 for an answer that is neither yes nor no.
pub(crate) fn render(
    page: PageContext,
    heading: &'static str,
    action: String,
    emergency: &str,
    step: AcuteStep,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let status = match step {
        AcuteStep::Ask { unanswered: true } => {
            errors.add("akut", "Svar ja eller nej.");
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => StatusCode::OK,
    };
    let page = AcutePage {
        page,
        heading,
        action,
        emergency: emergency.to_owned(),
        stop: step == AcuteStep::Stop,
        errors,
    };
    layout::render(status, &page)
}
