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
    /// The database cannot be reached: nothing was written, and trying again later will work.
    #[error("database unavailable")]
    Unavailable,
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
        if database_is_away(&e) {
            return AppError::Unavailable;
        }
        AppError::Internal(e.into())
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Does the error say that the database is not there (down, restarting, unreachable, out of
/// connections), rather than that this request went wrong?
pub fn database_is_away(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // Class 08: connection exceptions; 57P01-57P03: shutting down or starting up;
            // 53300: too many connections.
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// How long a client is asked to wait before trying again while the database is away.
pub const RETRY_AFTER_SECONDS: u32 = 30;

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
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
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
        StatusCode::SERVICE_UNAVAILABLE => (
            "Infohus er midlertidigt utilgængelig",
            "Infohus er midlertidigt utilgængelig — prøv igen om lidt. Det, du allerede har gemt, er ikke gået tabt; det, du var ved at sende, er ikke gemt.",
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
    let mut response = match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(_) => (status, title).into_response(),
    };
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(RETRY_AFTER_SECONDS),
        );
    }
    response
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
