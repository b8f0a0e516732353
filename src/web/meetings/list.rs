//! The meeting list (the coming meetings, and the past ones a page at a time) and the next
//! meeting for the home page, each meeting shown only to those the meeting policy lets in.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{access_at, reach};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::format_datetime_da;
use crate::domain::policy::{self, Capability, MeetingAccess};
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction};
use crate::store::meetings::{self as store, MeetingRow};
use crate::web::extract::Query;
use crate::web::layout::{self, PageContext};
use crate::web::paging::{PageQuery, Pager};

pub(crate) struct ListRow {
    pub href: String,
    pub title: String,
    pub forum: String,
    pub place: String,
    pub status: &'static str,
    pub items: i64,
}

#[derive(Template)]
#[template(path = "meetings/list.html")]
struct ListPage {
    page: PageContext,
    upcoming: Vec<ListRow>,
    past: Vec<ListRow>,
    pager: Pager,
    may_plan: bool,
}

fn list_rows(state: &AppState, current: &CurrentUser, rows: Vec<MeetingRow>) -> Vec<ListRow> {
    rows.into_iter()
        .filter(|r| {
            access_at(state, current, r.municipality_id, r.police_district_id)
                != MeetingAccess::None
        })
        .map(|r| ListRow {
            href: format!("/moeder/{}", r.id),
            title: format!("{} {}", r.kind.label(), format_datetime_da(r.starts_at)),
            forum: super::forum_name(state, r.municipality_id, r.police_district_id),
            place: r.place,
            status: r.status.label(),
            items: r.items,
        })
        .collect()
}

pub(crate) async fn show_list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let reach = reach(&state, &current);
    let now = state.clock.now();
    let after = q.after();
    let mut conn = state.db.acquire().await?;
    let upcoming = store::list(&mut *conn, &reach, now, true, None).await?;
    let past = store::list(&mut *conn, &reach, now, false, after).await?;
    let next = past.next(|r| crate::store::paging::After {
        at: r.starts_at,
        id: r.id.0,
    });
    audit::record(
        &mut *conn,
        &current
            .audit(AuditAction::MeetingListViewed)
            .in_municipality(current.user.municipality_id)
            .in_district(current.user.police_district_id),
        now,
    )
    .await?;
    drop(conn);
    let page = ListPage {
        page: PageContext::for_user(&current, "Møder", "/moeder").await?,
        upcoming: list_rows(&state, &current, upcoming.rows),
        past: list_rows(&state, &current, past.rows),
        pager: Pager::new("/moeder", &[], after, next),
        may_plan: policy::may(&current.user.actor(), Capability::PlanMeetings),
    };
    layout::ok(&page)
}

/// The next meeting on the home page of coordinators, police and the core group.
pub struct NextMeeting {
    pub href: String,
    pub title: String,
    pub forum: String,
    pub place: String,
}

pub async fn next_meeting(
    state: &AppState,
    current: &CurrentUser,
) -> AppResult<Option<NextMeeting>> {
    if !policy::may(&current.user.actor(), Capability::Meetings) {
        return Ok(None);
    }
    let reach = reach(state, current);
    let next = store::next(&state.db, &reach, state.clock.now()).await?;
    Ok(list_rows(state, current, next.into_iter().collect())
        .into_iter()
        .next()
        .map(|r| NextMeeting {
            href: r.href,
            title: r.title,
            forum: r.forum,
            place: r.place,
        }))
}
