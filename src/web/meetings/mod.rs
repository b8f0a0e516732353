//! Infohus meetings: planning a meeting, and moving it from planned to held to approved
//! minutes. The list is in [`list`]; one meeting's page and print in [`show`]; its agenda in
//! [`agenda`] and its people in [`people`]; the minutes of an item in [`minutes`] and marking an
//! action done in [`actions`]; where a meeting belongs and who reaches it in [`scope`].
//!
//! Every change goes the same way: load the meeting and the viewer's relation to it
//! ([`policy::meeting_access`]: 404 without one), validate, then write it in one transaction
//! with its version check and its audit row. The agenda and the people go through [`change`]
//! (the meeting's version); the minutes check the item's own version, so that two items can be
//! written at once; [`note_item_change`] writes an item's case timeline entry and audit row. A
//! stale form gets the conflict message with what was typed, and status 409.

mod actions;
mod agenda;
mod list;
mod minutes;
mod new;
mod people;
mod scope;
mod show;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sqlx::PgConnection;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::{MeetingId, MunicipalityId, PoliceDistrictId};
use crate::domain::policy::{self, Capability, MeetingAccess};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::store::meetings::{self as store, Meeting};
use crate::web::extract::{Form, parse_id};
use crate::web::layout::set_notice;
use crate::web::routes::Routes;

pub use list::{NextMeeting, next_meeting};
use scope::district_and_forum;
pub(crate) use scope::{access_at, forum_name, may_attend, reach};

pub fn routes() -> Routes {
    use Capability::{Meetings, PlanMeetings};
    Routes::new()
        .requires("/moeder", Meetings, get(list::show_list))
        .requires(
            "/moeder/nyt",
            PlanMeetings,
            get(new::show_new).post(new::submit_new),
        )
        .requires("/moeder/{id}", Meetings, get(show::show_meeting))
        .requires("/moeder/{id}/udskrift", Meetings, get(show::show_print))
        .requires("/moeder/{id}/status", PlanMeetings, post(submit_advance))
        .requires(
            "/moeder/{id}/punkter",
            PlanMeetings,
            post(agenda::submit_suggested),
        )
        .requires(
            "/moeder/{id}/punkter/nyt",
            PlanMeetings,
            get(agenda::show_new_item).post(agenda::submit_new_item),
        )
        .requires(
            "/moeder/{id}/punkter/{item}/flyt",
            PlanMeetings,
            post(agenda::submit_move),
        )
        .requires(
            "/moeder/{id}/punkter/{item}/fjern",
            PlanMeetings,
            post(agenda::submit_remove),
        )
        .requires(
            "/moeder/{id}/deltagere",
            PlanMeetings,
            get(people::show_participants).post(people::submit_participants),
        )
        .requires(
            "/moeder/{id}/gaester/ny",
            PlanMeetings,
            get(people::show_new_guest).post(people::submit_new_guest),
        )
        .requires(
            "/moeder/{id}/gaester/{guest}/fjern",
            PlanMeetings,
            post(people::submit_remove_guest),
        )
        .requires(
            "/moeder/{id}/punkter/{item}",
            PlanMeetings,
            get(minutes::show_minutes).post(minutes::submit_minutes),
        )
        .requires(
            "/moeder/{id}/punkter/{item}/opgaver",
            PlanMeetings,
            post(minutes::submit_action),
        )
        .requires(
            "/moeder/opgaver/{action}/udfoert",
            Meetings,
            post(actions::submit_action_done),
        )
}

/// Shown, with what was typed, when someone else changed the meeting while the form was open.
pub const CONFLICT_MESSAGE: &str = "Mødet er blevet ændret af en anden, mens du havde \
formularen åben, så intet er gemt. Det, du skrev, står stadig nedenfor. Se mødet, som det er nu, \
og send formularen igen, hvis det stadig er rigtigt.";

/// A meeting with the viewer's relation to it.
pub(crate) struct Loaded {
    pub meeting: Meeting,
    pub access: MeetingAccess,
    pub district: PoliceDistrictId,
    /// The municipality's Infohus, or the district's network.
    pub forum: String,
}

impl Loaded {
    pub fn href(&self) -> String {
        format!("/moeder/{}", self.meeting.id)
    }

    /// The municipalities whose people may take part: the meeting's own, or the district's for
    /// the network.
    pub fn municipalities(&self, state: &AppState) -> Vec<MunicipalityId> {
        match self.meeting.municipality_id {
            Some(m) => vec![m],
            None => state
                .tenants
                .in_district(self.district)
                .map(|m| m.id)
                .collect(),
        }
    }

    pub fn is_organiser(&self) -> bool {
        self.access == MeetingAccess::Organiser
    }

    /// "Ordinært møde 12.01.2027 kl. 14.00".
    pub fn title(&self) -> String {
        format!(
            "{} {}",
            self.meeting.kind.label(),
            crate::domain::calendar::format_datetime_da(self.meeting.starts_at)
        )
    }

    /// The audit row of an action on this meeting by the current user.
    pub fn event(&self, action: AuditAction, current: &CurrentUser) -> AuditEvent {
        current
            .audit(action)
            .on(ObjectType::Meeting, self.meeting.id.0)
            .in_municipality(self.meeting.municipality_id)
            .in_district(Some(self.district))
    }

    /// May the viewer see this case item's content? What the case policy says.
    pub fn sees_case(&self, current: &CurrentUser, on_team: bool) -> bool {
        let Some(municipality_id) = self.meeting.municipality_id else {
            return false;
        };
        policy::case_access(
            &current.user.actor(),
            &policy::CaseScope {
                municipality_id,
                police_district_id: self.district,
                actor_on_team: on_team,
            },
        ) != policy::CaseAccess::None
    }
}

/// An item's change, after what it changed: the case's timeline entry (for a case item) and the
/// audit row that counts as a read of the case, in the change's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn note_item_change(
    conn: &mut PgConnection,
    current: &CurrentUser,
    loaded: &Loaded,
    case: Option<crate::domain::ids::CaseId>,
    event: crate::domain::workflow::CaseEvent,
    reason: Option<&str>,
    detail: serde_json::Value,
    now: time::OffsetDateTime,
) -> AppResult<()> {
    if let Some(case) = case {
        store::agenda::record_on_case(
            &mut *conn,
            case,
            loaded.meeting.id,
            event,
            reason,
            current.user.id,
            now,
        )
        .await?;
    }
    audit::record(
        &mut *conn,
        &loaded
            .event(AuditAction::MeetingChanged, current)
            .showing(case.map(|c| c.0))
            .detail(detail),
        now,
    )
    .await?;
    Ok(())
}

/// The meeting behind a path segment, if the viewer may see it at all; otherwise 404, the
/// same answer as for a meeting that does not exist.
pub(crate) async fn load(state: &AppState, current: &CurrentUser, raw: &str) -> AppResult<Loaded> {
    let id = parse_id(raw, MeetingId)?;
    let meeting = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (district, forum) =
        district_and_forum(state, meeting.municipality_id, meeting.police_district_id)
            .ok_or(AppError::NotFound)?;
    let access = access_at(
        state,
        current,
        meeting.municipality_id,
        meeting.police_district_id,
    );
    if access == MeetingAccess::None {
        return Err(AppError::NotFound);
    }
    Ok(Loaded {
        meeting,
        access,
        district,
        forum,
    })
}

/// The same, for a page only the organiser uses: a participant gets 403.
pub(crate) async fn load_as_organiser(
    state: &AppState,
    current: &CurrentUser,
    raw: &str,
) -> AppResult<Loaded> {
    let loaded = load(state, current, raw).await?;
    if !loaded.is_organiser() {
        return Err(AppError::Forbidden);
    }
    Ok(loaded)
}

/// A change to the meeting in one transaction: the meeting's version taken on (`false`: someone
/// changed it first), what the change writes (`false`: what it changes is gone or taken, which is
/// a conflict too), and the audit row with `what` happened.
pub(crate) async fn change(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    version: &str,
    what: &str,
    write: impl AsyncFnOnce(&mut PgConnection) -> AppResult<bool>,
) -> AppResult<bool> {
    let Ok(version) = version.trim().parse::<i32>() else {
        return Ok(false);
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !store::touch(&mut *tx, loaded.meeting.id, version, now).await? || !write(&mut tx).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    audit::record(
        &mut *tx,
        &loaded
            .event(AuditAction::MeetingChanged, current)
            .detail(serde_json::json!({ "change": what })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// After a one-click change: back to the meeting, with a word on what happened.
pub(crate) async fn back(
    current: &CurrentUser,
    loaded: &Loaded,
    done: bool,
    notice: &str,
) -> AppResult<Response> {
    let text = if done { notice } else { CONFLICT_NOTICE };
    set_notice(&current.session, text).await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

/// A one-click change that found the meeting changed since the page was shown.
const CONFLICT_NOTICE: &str =
    "Mødet er blevet ændret af en anden, så intet er gemt. Se mødet, som det er nu, og prøv igen.";

#[derive(Debug, Default, Deserialize)]
pub(crate) struct VersionForm {
    #[serde(default)]
    version: String,
}

/// Planned → held → minutes approved.
async fn submit_advance(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let from = loaded.meeting.status;
    let Some(to) = from.next() else {
        return back(&current, &loaded, false, "").await;
    };
    let Ok(version) = form.version.trim().parse::<i32>() else {
        return back(&current, &loaded, false, "").await;
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let done = store::advance(&mut *tx, loaded.meeting.id, version, from, to, now).await?;
    if done {
        audit::record(
            &mut *tx,
            &loaded
                .event(AuditAction::MeetingChanged, &current)
                .detail(serde_json::json!({ "change": "status", "status": to.as_str() })),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    back(
        &current,
        &loaded,
        done,
        &format!("Mødet har nu status «{}».", to.label()),
    )
    .await
}
