//! Resetting a user's second factor, for a lost or replaced phone with the recovery codes gone:
//! the app and the recovery codes stop working, every session of the user ends, and the user
//! sets up a new app at the next login (when the roles require one).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::UserId;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent};
use crate::store::{second_factor, sessions, users};
use crate::web::extract::parse_id;
use crate::web::layout::set_notice;

pub(super) async fn reset_second_factor(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw, UserId)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(user) = users::by_id(&mut *tx, id).await? else {
        return Err(AppError::NotFound);
    };
    let had_one = second_factor::reset(&mut tx, id).await?;
    // A session that passed the old factor must not outlive it.
    sessions::revoke_all_for_user(&mut *tx, id, "second_factor_reset", now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::on_user(
            AuditAction::SecondFactorReset,
            current.user.id,
            &user,
            &current.request_id,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    let notice = if had_one {
        format!(
            "{}s anden faktor er nulstillet, og {} er logget ud alle steder. Ved næste login sættes en ny app op.",
            user.name, user.name
        )
    } else {
        format!(
            "{} havde ingen anden faktor; {} er logget ud alle steder.",
            user.name, user.name
        )
    };
    set_notice(&current.session, &notice).await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}
