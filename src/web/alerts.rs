//! "Beskeder": the user's alerts, newest first, each opened through a small form that marks it
//! read; "Mine indstillinger": who the user is in Infohus and how their alerts are mailed; and
//! the admins' "Udgående post": mails that wait or failed, without content.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::alerts::{AlertKind, MailChoice};
use crate::domain::fields::FieldErrors;
use crate::domain::policy::Capability;
use crate::error::{AppError, AppResult};
use crate::store::alerts::{self as store, MailState};
use crate::store::audit::{self, AuditAction};
use crate::web::extract::{Form, Query};
use crate::web::filters;
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::paging::Pager;
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .requires("/beskeder", Capability::SignedIn, get(list))
        .requires("/beskeder/laest", Capability::SignedIn, post(mark_all_read))
        .requires("/beskeder/{id}", Capability::SignedIn, post(open))
        .requires(
            "/indstillinger",
            Capability::SignedIn,
            get(show_settings).post(save_settings),
        )
        .requires(
            "/admin/udgaaende-post",
            Capability::ManageUsers,
            get(show_outbox),
        )
}

struct AlertView {
    id: i64,
    text: &'static str,
    infohus: String,
    at: OffsetDateTime,
    read: bool,
}

#[derive(Template)]
#[template(path = "alerts/list.html")]
struct AlertsPage {
    page: PageContext,
    alerts: Vec<AlertView>,
    /// "Næste side" leads to older alerts.
    pager: Pager,
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    /// Alerts older than this one (its id); anything unreadable is the first page.
    #[serde(default)]
    foer: String,
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let before = q.foer.trim().parse::<i64>().ok().filter(|&id| id > 0);
    let found = store::page_for(&state.db, current.user.id, before).await?;
    // The cursor is the alert's id rather than `paging::After`'s instant and uuid.
    let pager = Pager {
        first: before.map(|_| "/beskeder".to_owned()),
        next: found
            .rows
            .last()
            .filter(|_| found.more)
            .map(|r| format!("/beskeder?foer={}", r.id)),
    };
    let alerts = found
        .rows
        .into_iter()
        .map(|r| AlertView {
            id: r.id,
            text: r.kind.label(),
            infohus: state
                .tenants
                .by_id(r.municipality_id)
                .map_or_else(|| "Infohus".to_owned(), |m| m.infohus_name().to_owned()),
            at: r.created_at,
            read: r.read,
        })
        .collect();
    let page = AlertsPage {
        page: PageContext::for_user(&current, "Beskeder", "/beskeder").await?,
        alerts,
        pager,
    };
    layout::ok(&page)
}

/// Opens an alert: marks it read and goes to its page (which checks access as always).
async fn open(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = raw.parse::<i64>().map_err(|_| AppError::NotFound)?;
    let link = store::open(&state.db, current.user.id, id, state.clock.now())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&link).into_response())
}

async fn mark_all_read(State(state): State<AppState>, current: CurrentUser) -> AppResult<Response> {
    let n = store::mark_all_read(&state.db, current.user.id, state.clock.now()).await?;
    let text = match n {
        0 => "Du havde ingen ulæste beskeder.".to_owned(),
        1 => "1 besked er markeret som læst.".to_owned(),
        n => format!("{n} beskeder er markeret som læst."),
    };
    set_notice(&current.session, &text).await?;
    Ok(Redirect::to("/beskeder").into_response())
}

#[derive(Template)]
#[template(path = "alerts/settings.html")]
struct SettingsPage {
    page: PageContext,
    name: String,
    email: String,
    roles: String,
    unit: Option<String>,
    place: Option<String>,
    mail_configured: bool,
    choices: Vec<(&'static str, &'static str)>,
    choice: String,
    errors: FieldErrors,
}

#[derive(Debug, Default, Deserialize)]
struct SettingsForm {
    #[serde(default)]
    mail: String,
}

async fn settings_page(
    state: &AppState,
    current: &CurrentUser,
    choice: String,
    errors: FieldErrors,
) -> AppResult<SettingsPage> {
    let user = &current.user;
    let place = match (user.municipality_id, user.police_district_id) {
        (Some(m), _) => state.tenants.by_id(m).map(|m| m.name().to_owned()),
        (None, Some(d)) => state.tenants.district_name(d).map(str::to_owned),
        (None, None) => None,
    };
    Ok(SettingsPage {
        page: PageContext::for_user(current, "Mine indstillinger", "/indstillinger").await?,
        name: user.name.clone(),
        email: user.email.clone(),
        roles: user
            .roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", "),
        unit: user.unit_name.clone(),
        place,
        mail_configured: state.settings.mail.is_configured(),
        choices: MailChoice::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        choice,
        errors,
    })
}

async fn show_settings(State(state): State<AppState>, current: CurrentUser) -> AppResult<Response> {
    let choice = store::mail_choice(&state.db, current.user.id).await?;
    let page = settings_page(
        &state,
        &current,
        choice.as_str().to_owned(),
        FieldErrors::new(),
    )
    .await?;
    layout::ok(&page)
}

async fn save_settings(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let Some(choice) = MailChoice::parse(form.mail.trim()) else {
        let mut errors = FieldErrors::new();
        errors.add("mail", "Vælg, hvordan du vil have beskeder på mail.");
        let page = settings_page(&state, &current, form.mail, errors).await?;
        return layout::render(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    store::set_mail_choice(&mut tx, current.user.id, choice).await?;
    audit::record(
        &mut *tx,
        &audit::AuditEvent::on_user(
            AuditAction::AlertSettingsChanged,
            current.user.id,
            &current.user,
            &current.request_id,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(&current.session, "Dine indstillinger er gemt.").await?;
    Ok(Redirect::to("/indstillinger").into_response())
}

struct OutboxView {
    kind: &'static str,
    user_name: String,
    state: &'static str,
    attempts: i32,
    last_error: Option<String>,
    created_at: OffsetDateTime,
    next_attempt_at: Option<OffsetDateTime>,
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    page: PageContext,
    mail_configured: bool,
    rows: Vec<OutboxView>,
}

/// How many rows the outbox shows; the newest first.
const OUTBOX_ROWS: i64 = 200;

async fn show_outbox(State(state): State<AppState>, current: CurrentUser) -> AppResult<Response> {
    let rows = store::outbox(&state.db, OUTBOX_ROWS).await?;
    audit::record(
        &state.db,
        &current.audit(AuditAction::OutboxViewed),
        state.clock.now(),
    )
    .await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let failed = r.mail_state == MailState::Failed;
            OutboxView {
                kind: AlertKind::label(r.kind),
                user_name: r.user_name,
                state: if failed { "Mislykket" } else { "Venter" },
                attempts: r.attempts,
                last_error: r.last_error,
                created_at: r.created_at,
                next_attempt_at: (!failed).then_some(r.next_attempt_at),
            }
        })
        .collect();
    let page = OutboxPage {
        page: PageContext::for_user(&current, "Udgående post", "/admin/udgaaende-post").await?,
        mail_configured: state.settings.mail.is_configured(),
        rows,
    };
    layout::ok(&page)
}
