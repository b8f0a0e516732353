//! What every page shares: the title, the signed-in user, the navigation and the CSRF token.

use axum::response::{Html, IntoResponse, Response};

use crate::auth::CurrentUser;
use crate::domain::policy::{self, Capability};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The navigation: a link appears only for a user whose role may use the page.
const NAV: &[(Capability, &str, &str)] = &[
    (Capability::SignedIn, "/", "Forside"),
    (Capability::FileConcern, "/bekymringer/ny", "Ny bekymring"),
    (
        Capability::FollowOwnConcerns,
        "/bekymringer",
        "Mine bekymringer",
    ),
    (Capability::LeaderInbox, "/leder/indbakke", "Indbakke"),
    (
        Capability::UnitConcerns,
        "/enhed/bekymringer",
        "Enhedens bekymringer",
    ),
    (Capability::IntakeQueue, "/infohus/indgang", "Indgang"),
    (Capability::ScreeningQueue, "/politi/screening", "Screening"),
    (Capability::CaseList, "/sager", "Sager"),
    (Capability::Meetings, "/moeder", "Møder"),
    (Capability::UnitCounts, "/enhed/tal", "Tal for enheden"),
    (Capability::QuarterlyStatistics, "/statistik", "Statistik"),
    (Capability::AwarenessLog, "/oplysning", "Oplysning"),
    (
        Capability::PlanRevision,
        "/beredskabsplan",
        "Beredskabsplan",
    ),
    (Capability::RetentionList, "/sletning", "Sletning"),
    (Capability::AccessRequest, "/indsigt", "Indsigt"),
    (Capability::ManageUsers, "/admin/brugere", "Brugere"),
    (
        Capability::ManageUsers,
        "/admin/udgaaende-post",
        "Udgående post",
    ),
    (Capability::ApproveRoles, "/godkendelser", "Godkendelser"),
];

#[derive(Debug, Clone)]
pub struct PageContext {
    pub title: String,
    pub user_name: Option<String>,
    pub user_roles: String,
    pub nav: Vec<NavLink>,
    pub csrf_token: String,
    /// A one-line notice after a successful action (Post/Redirect/Get).
    pub notice: Option<String>,
    /// For police users, on every page: Retsplejeloven § 115, in one wording.
    pub section_115: Option<&'static str>,
    /// Unread alerts for "Beskeder" in the header ("99+" beyond 99); `None` when signed out.
    pub unread_alerts: Option<String>,
}

impl PageContext {
    pub async fn for_user(
        current: &CurrentUser,
        title: impl Into<String>,
        path: &str,
    ) -> Result<PageContext, AppError> {
        let actor = current.user.actor();
        let links: Vec<_> = NAV
            .iter()
            .filter(|(cap, _, _)| policy::may(&actor, *cap))
            .collect();
        // The current page is the link whose address is the longest prefix of the path, so
        // that /bekymringer/ny marks "Ny bekymring" and not also "Mine bekymringer".
        let current_href = links
            .iter()
            .filter(|(_, href, _)| {
                *href == path || (*href != "/" && path.starts_with(&format!("{href}/")))
            })
            .max_by_key(|(_, href, _)| href.len())
            .map(|(_, href, _)| *href);
        let nav = links
            .iter()
            .map(|&&(_, href, label)| NavLink {
                href,
                label,
                current: Some(href) == current_href,
            })
            .collect();
        Ok(PageContext {
            title: title.into(),
            user_name: Some(current.user.name.clone()),
            user_roles: current
                .user
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            nav,
            csrf_token: current.csrf_token().await?,
            notice: take_notice(&current.session).await?,
            section_115: actor
                .has(crate::domain::policy::Role::Police)
                .then_some(crate::domain::workflow::SECTION_115_REMINDER),
            unread_alerts: Some(match current.unread_alerts {
                n if n > 99 => "99+".to_owned(),
                n => n.to_string(),
            }),
        })
    }

    /// For pages without a signed-in user; `csrf_token` is empty unless the page has a form.
    pub fn anonymous(title: impl Into<String>, csrf_token: String) -> PageContext {
        PageContext {
            title: title.into(),
            user_name: None,
            user_roles: String::new(),
            nav: Vec::new(),
            csrf_token,
            notice: None,
            section_115: None,
            unread_alerts: None,
        }
    }
}

const NOTICE_KEY: &str = "notice";

/// Leaves a one-line notice for the next page the user sees (after a redirect).
pub async fn set_notice(session: &tower_sessions::Session, text: &str) -> Result<(), AppError> {
    session
        .insert(NOTICE_KEY, text)
        .await
        .map_err(AppError::from)
}

/// The notice left for this page, if any, removed. Looked for first: removing marks the session
/// changed even when there is nothing to remove, and a changed session is written back to the
/// database at the end of the request, one durable write for every page anyone looked at.
async fn take_notice(session: &tower_sessions::Session) -> Result<Option<String>, AppError> {
    if session.get::<String>(NOTICE_KEY).await?.is_none() {
        return Ok(None);
    }
    session
        .remove::<String>(NOTICE_KEY)
        .await
        .map_err(AppError::from)
}

/// A page rendered with its status: the one way a handler answers with a template.
///
/// A page with an error summary is rendered twice: the first pass lets each field note its
/// label (`FieldErrors::label`), so that the summary at the top names the fields below it.
pub fn render(status: axum::http::StatusCode, page: &impl askama::Template) -> AppResult<Response> {
    let mut html = page.render()?;
    if html.contains(ERROR_SUMMARY) {
        html = page.render()?;
    }
    Ok((status, Html(html)).into_response())
}

/// How the error summary (templates/macros.html) starts.
const ERROR_SUMMARY: &str = "<div class=\"error-summary\"";

/// A page rendered with 200 OK.
pub fn ok(page: &impl askama::Template) -> AppResult<Response> {
    render(axum::http::StatusCode::OK, page)
}
