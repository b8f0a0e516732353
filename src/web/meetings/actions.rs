//! Marking an action from the minutes done: its owner, or whoever organises the meeting. The
//! case's timeline and the audit trail say so, in the same transaction.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{load, note_item_change};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::MeetingActionId;
use crate::domain::policy;
use crate::domain::workflow::CaseEvent;
use crate::error::{AppError, AppResult};
use crate::store::meetings::agenda;
use crate::web::extract::{Form, parse_id};
use crate::web::layout::set_notice;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DoneForm {
    /// Where the button was: back there afterwards.
    #[serde(default)]
    next: String,
}

/// An action marked done, by its owner or the organiser.
pub(crate) async fn submit_action_done(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw_action): Path<String>,
    Form(form): Form<DoneForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw_action, MeetingActionId)?;
    let action = agenda::actions(&state.db, None, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let loaded = load(&state, &current, &action.meeting_id.to_string()).await?;
    if !policy::may_finish_action(&current.user.actor(), action.owner, loaded.access) {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let done = agenda::finish_action(&mut tx, id, current.user.id, now).await?;
    if done {
        note_item_change(
            &mut tx,
            &current,
            &loaded,
            action.case_id,
            CaseEvent::MeetingActionDone,
            Some(&action.description),
            serde_json::json!({ "change": "action_done", "action": id.0 }),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    set_notice(
        &current.session,
        if done {
            "Opgaven er markeret som løst."
        } else {
            "Opgaven var allerede markeret som løst."
        },
    )
    .await?;
    let next =
        crate::web::routes::safe_return_path(Some(form.next.trim()).filter(|n| !n.is_empty()));
    Ok(Redirect::to(&next).into_response())
}
