//! One meeting (its agenda with the minutes, its people and what to put on the agenda) and its
//! print. Every look is audited; the cases whose items a page showed go in the audit row's
//! `shown`, so that each look counts as a read of that case in its access log.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use time::Date;

use super::{Loaded, load};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, format_datetime_da, today_copenhagen};
use crate::domain::ids::MeetingGuestId;
use crate::domain::meeting::MeetingStatus;
use crate::domain::policy::{self, MeetingAccess};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction};
use crate::store::meetings as store;
use crate::store::meetings::agenda::{self, Action, Guest, Item};
use crate::store::meetings::suggestions::{self, Suggestion};
use crate::web::extract::{Query, parse_id};
use crate::web::filters;
use crate::web::layout::{self, PageContext};

pub(crate) struct ActionView {
    pub id: String,
    pub description: String,
    pub owner: String,
    pub due: Date,
    pub overdue: bool,
    pub done: Option<String>,
    pub may_finish: bool,
}

pub(crate) struct GuestView {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub function: String,
    pub told: String,
}

/// One item of the agenda as the viewer may see it.
pub(crate) struct ItemView {
    pub id: String,
    pub number: usize,
    /// The item's heading: a general item's title, or the case's reference, name and birth
    /// date (never the CPR number); for a case outside the viewer's need-to-know, only that.
    pub heading: String,
    pub visible: bool,
    pub case_href: Option<String>,
    pub stage: Option<&'static str>,
    pub summary: Option<String>,
    pub decision: Option<&'static str>,
    pub referred_to: Option<String>,
    pub minuted: Option<String>,
    pub guests: Vec<GuestView>,
    pub actions: Vec<ActionView>,
}

pub(crate) fn action_view(
    a: &Action,
    today: Date,
    current: &CurrentUser,
    access: MeetingAccess,
) -> ActionView {
    ActionView {
        id: a.id.to_string(),
        description: a.description.clone(),
        owner: a.owner_name.clone(),
        due: a.due_date,
        overdue: a.done_at.is_none() && a.due_date < today,
        done: a.done_at.map(|at| {
            format!(
                "Løst {} af {}",
                format_datetime_da(at),
                a.done_by.clone().unwrap_or_default()
            )
        }),
        may_finish: a.done_at.is_none()
            && policy::may_finish_action(&current.user.actor(), a.owner, access),
    }
}

/// The items as the viewer may see them, and the cases whose content they show.
pub(crate) fn item_views(
    loaded: &Loaded,
    current: &CurrentUser,
    items: Vec<Item>,
    guests: &[Guest],
    actions: &[Action],
    today: Date,
) -> (Vec<ItemView>, Vec<uuid::Uuid>) {
    let mut shown = Vec::new();
    let views = items
        .into_iter()
        .enumerate()
        .map(|(n, i)| {
            let visible = match i.case_id {
                Some(_) => loaded.sees_case(current, i.viewer_on_team),
                None => true,
            };
            if visible {
                shown.extend(i.case_id.map(|c| c.0));
            }
            let heading = match (&i.title, &i.reference) {
                (Some(t), _) => t.clone(),
                (None, Some(r)) if visible => {
                    let mut h = format!("Sag {r}: {}", i.subject_name.clone().unwrap_or_default());
                    if let Some(b) = i.subject_birth_date {
                        h.push_str(&format!(" (født {})", format_date_da(b)));
                    }
                    h
                }
                _ => "Sagsdrøftelse – kun for sagens team".to_owned(),
            };
            ItemView {
                id: i.id.to_string(),
                number: n + 1,
                heading,
                visible,
                case_href: i.case_id.filter(|_| visible).map(|c| format!("/sager/{c}")),
                stage: i.stage.filter(|_| visible).map(|s| s.label()),
                summary: i.summary.filter(|_| visible),
                decision: i.decision.filter(|_| visible).map(|d| d.label()),
                referred_to: i.referred_to.filter(|_| visible),
                minuted: i.minuted_at.filter(|_| visible).map(|at| {
                    format!(
                        "{} af {}",
                        format_datetime_da(at),
                        i.minuted_by.clone().unwrap_or_default()
                    )
                }),
                guests: guests
                    .iter()
                    .filter(|g| visible && g.item_id == i.id)
                    .map(|g| GuestView {
                        id: g.id.to_string(),
                        name: g.name.clone(),
                        organisation: g.organisation.clone(),
                        function: g.function.clone(),
                        told: format!(
                            "Orienteret om tavshedspligt {} af {}",
                            format_datetime_da(g.told_at),
                            g.told_by
                        ),
                    })
                    .collect(),
                actions: actions
                    .iter()
                    .filter(|a| visible && a.item_id == i.id)
                    .map(|a| action_view(a, today, current, loaded.access))
                    .collect(),
            }
        })
        .collect();
    (views, shown)
}

pub(crate) struct SuggestionView {
    pub case_id: String,
    pub reference: String,
    pub stage: &'static str,
    pub reasons: Vec<&'static str>,
}

fn suggestion_view(s: Suggestion) -> SuggestionView {
    SuggestionView {
        case_id: s.case_id.to_string(),
        reference: s.reference,
        stage: s.stage.label(),
        reasons: s.reasons.iter().map(|r| r.label()).collect(),
    }
}

/// The network meeting's snapshot of the district's figures, as its page shows it.
pub(crate) struct SnapshotTable {
    pub title: String,
    pub rows: Vec<(String, String)>,
}

pub(crate) struct SnapshotArea {
    pub name: String,
    pub tables: Vec<SnapshotTable>,
}

pub(crate) struct Snapshot {
    pub quarter: String,
    pub areas: Vec<SnapshotArea>,
}

fn snapshot(figures: Option<&serde_json::Value>) -> Option<Snapshot> {
    #[derive(serde::Deserialize)]
    struct T {
        title: String,
        rows: Vec<(String, String)>,
    }
    #[derive(serde::Deserialize)]
    struct A {
        name: String,
        tables: Vec<T>,
    }
    #[derive(serde::Deserialize)]
    struct S {
        quarter: String,
        areas: Vec<A>,
    }
    let s: S = serde_json::from_value(figures?.clone()).ok()?;
    Some(Snapshot {
        quarter: s.quarter,
        areas: s
            .areas
            .into_iter()
            .map(|a| SnapshotArea {
                name: a.name,
                tables: a
                    .tables
                    .into_iter()
                    .map(|t| SnapshotTable {
                        title: t.title,
                        rows: t.rows,
                    })
                    .collect(),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "meetings/show.html")]
struct MeetingPage {
    page: PageContext,
    href: String,
    title: String,
    forum: String,
    place: String,
    chair: String,
    status: &'static str,
    version: i32,
    next_status: Option<&'static str>,
    organiser: bool,
    agenda_open: bool,
    minutes_open: bool,
    network: bool,
    participants: Vec<String>,
    other_participants: Option<String>,
    items: Vec<ItemView>,
    suggestions: Vec<SuggestionView>,
    snapshot: Option<Snapshot>,
    has_case_items: bool,
}

pub(crate) async fn show_meeting(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let m = &loaded.meeting;
    let now = state.clock.now();
    let today = today_copenhagen(now);
    let mut conn = state.db.acquire().await?;
    let items = agenda::items(&mut *conn, m.id, current.user.id).await?;
    let guests = agenda::guests(&mut *conn, m.id).await?;
    let actions = agenda::actions(&mut *conn, Some(m.id), None).await?;
    let participants = store::participants(&mut *conn, m.id).await?;
    let suggestions = match m.municipality_id {
        Some(municipality) if loaded.is_organiser() && m.status.agenda_open() => {
            suggestions::for_meeting(
                &mut *conn,
                m.id,
                municipality,
                m.starts_at,
                today_copenhagen(m.starts_at),
                today,
            )
            .await?
        }
        _ => Vec::new(),
    };
    let has_case_items = items.iter().any(|i| i.case_id.is_some());
    let (items, shown) = item_views(&loaded, &current, items, &guests, &actions, today);
    audit::record(
        &mut *conn,
        &loaded
            .event(AuditAction::MeetingViewed, &current)
            .showing(shown),
        now,
    )
    .await?;
    drop(conn);
    let page = MeetingPage {
        page: PageContext::for_user(&current, loaded.title(), "/moeder").await?,
        href: loaded.href(),
        title: loaded.title(),
        forum: loaded.forum.clone(),
        place: m.place.clone(),
        chair: m.chair_name.clone(),
        status: m.status.label(),
        version: m.version,
        next_status: m.status.next_label().filter(|_| loaded.is_organiser()),
        organiser: loaded.is_organiser(),
        agenda_open: m.status.agenda_open(),
        minutes_open: m.status.minutes_open(),
        network: m.kind.is_network(),
        participants: participants.into_iter().map(|p| p.name).collect(),
        other_participants: m.other_participants.clone(),
        items,
        suggestions: suggestions.into_iter().map(suggestion_view).collect(),
        snapshot: snapshot(m.figures.as_ref()),
        has_case_items,
    };
    layout::ok(&page)
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct PrintQuery {
    /// An ad hoc participant: their printout holds only their case's item.
    #[serde(default)]
    gaest: String,
}

#[derive(Template)]
#[template(path = "meetings/print.html")]
struct PrintPage {
    page: PageContext,
    href: String,
    title: String,
    forum: String,
    place: String,
    chair: String,
    status: &'static str,
    minutes: bool,
    participants: Vec<String>,
    other_participants: Option<String>,
    /// The ad hoc participant the printout is for.
    guest: Option<String>,
    items: Vec<ItemView>,
}

/// The agenda (and, once the meeting is held, the minutes) on A4: one item per page, marked
/// confidential. With `?gaest=` the printout is for an ad hoc participant and holds only the
/// item of their own case.
pub(crate) async fn show_print(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Query(q): Query<PrintQuery>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let m = &loaded.meeting;
    let now = state.clock.now();
    let mut conn = state.db.acquire().await?;
    let guests = agenda::guests(&mut *conn, m.id).await?;
    let guest: Option<&Guest> = match q.gaest.trim() {
        "" => None,
        raw => {
            let id = parse_id(raw, MeetingGuestId)?;
            Some(
                guests
                    .iter()
                    .find(|g| g.id == id)
                    .ok_or(AppError::NotFound)?,
            )
        }
    };
    let mut items = agenda::items(&mut *conn, m.id, current.user.id).await?;
    if let Some(g) = guest {
        items.retain(|i| i.id == g.item_id);
    }
    let actions = agenda::actions(&mut *conn, Some(m.id), None).await?;
    let participants = store::participants(&mut *conn, m.id).await?;
    let (items, shown) = item_views(
        &loaded,
        &current,
        items,
        &guests,
        &actions,
        today_copenhagen(now),
    );
    audit::record(
        &mut *conn,
        &loaded
            .event(AuditAction::MeetingPrinted, &current)
            .showing(shown)
            .detail(serde_json::json!({ "for_guest": guest.map(|g| g.id.0) })),
        now,
    )
    .await?;
    drop(conn);
    let page = PrintPage {
        page: PageContext::for_user(&current, format!("Udskrift: {}", loaded.title()), "/moeder")
            .await?,
        href: loaded.href(),
        title: loaded.title(),
        forum: loaded.forum.clone(),
        place: m.place.clone(),
        chair: m.chair_name.clone(),
        status: m.status.label(),
        minutes: m.status != MeetingStatus::Planned,
        participants: participants.into_iter().map(|p| p.name).collect(),
        other_participants: m.other_participants.clone().filter(|_| guest.is_none()),
        guest: guest.map(|g| format!("{}, {}", g.name, g.organisation)),
        items,
    };
    layout::ok(&page)
}
