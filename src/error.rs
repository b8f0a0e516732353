//! The one error type of the web layer. Users see a Danish page with a reference id; the
//! internal detail is logged once and never shown.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Also used for objects outside the user's need-to-know: a 404 gives no hint that they exist.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf token missing or wrong")]
    Csrf,
    #[error("bad request")]
    BadRequest,
    #[error("too many requests")]
    TooManyRequests,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        // A character the database cannot store (NUL) is the request's fault, not ours. Forms
        // refuse such text at the field first; this is the net under any field they miss.
        if let sqlx::Error::Database(db) = &e
            && matches!(db.code().as_deref(), Some("22021" | "22P05"))
        {
            return AppError::BadRequest;
        }
        AppError::Internal(e.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: &'static str,
    reference: String,
    status: u16,
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Renders the Danish error page for a status; used by [`AppError`] and by the fallbacks.
pub fn error_page(status: StatusCode) -> Response {
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    error_page_with_reference(status, reference)
}

fn error_page_with_reference(status: StatusCode, reference: String) -> Response {
    let (title, message) = match status {
        StatusCode::NOT_FOUND => (
            "Siden findes ikke",
            "Siden findes ikke, eller du har ikke adgang til den.",
        ),
        StatusCode::FORBIDDEN => (
            "Ingen adgang",
            "Du har ikke adgang til denne funktion, eller formularen var udløbet. Gå tilbage, genindlæs siden og prøv igen.",
        ),
        StatusCode::BAD_REQUEST
        | StatusCode::UNPROCESSABLE_ENTITY
        | StatusCode::PAYLOAD_TOO_LARGE => (
            "Forespørgslen kunne ikke behandles",
            "Det indsendte kunne ikke læses. Gå tilbage og prøv igen.",
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "For mange forsøg",
            "Der er kommet for mange forespørgsler fra din forbindelse. Vent et kvarter, og prøv igen.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Handlingen er ikke tilladt",
            "Siden kan ikke bruges på denne måde.",
        ),
        _ => (
            "Der opstod en fejl",
            "Der opstod en fejl hos os. Intet af det, du har gemt, er gået tabt. Prøv igen om lidt, og kontakt support med referencen nedenfor, hvis fejlen bliver ved.",
        ),
    };
    let page = ErrorPage {
        title,
        message,
        reference,
        status: status.as_u16(),
    };
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(_) => (status, title).into_response(),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        if let AppError::Internal(e) = &self {
            // The one place the internal detail is logged; the reference ties it to the page.
            // Display, not Debug: a database error's Debug carries its DETAIL line, which can
            // quote the values of a row (a name, a CPR number).
            tracing::error!(reference = %reference, error = %format_args!("{e:#}"), "request failed");
        }
        error_page_with_reference(status, reference)
    }
}
