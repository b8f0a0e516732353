//! The concern lists staff work from: the reporter's own ("Mine bekymringer"), the leader's
//! inbox and the unit's list for the key employee.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::today_copenhagen;
use crate::domain::intake::{self};
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::concerns::{self, UnitRow};
use crate::store::paging::After;
use crate::web::extract::Query;
use crate::web::filters;
use crate::web::layout::{self, PageContext};
use crate::web::paging::{PageQuery, Pager};

/// One line of "Mine bekymringer".
pub(super) struct OwnLine {
    pub(super) id: String,
    pub(super) filed: time::OffsetDateTime,
    pub(super) subject_name: String,
    pub(super) kind: &'static str,
    pub(super) status: &'static str,
    pub(super) step: Option<&'static str>,
    pub(super) read: Option<time::Date>,
}

#[derive(Template)]
#[template(path = "concerns/mine.html")]
pub(super) struct OwnConcernsPage {
    pub(super) page: PageContext,
    pub(super) rows: Vec<OwnLine>,
    pub(super) pager: Pager,
    /// What the municipality calls its Infohus (Ballerup: Den Lille Enhed).
    pub(super) infohus_name: String,
}

pub(super) async fn list_own_concerns(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let after = q.after();
    let filed = concerns::filed_by(&state.db, current.user.id, after).await?;
    let pager = Pager::new(
        "/bekymringer",
        &[],
        after,
        filed.next(|r| After {
            at: r.filed_at,
            id: r.id.0,
        }),
    );
    // The reporter's own list is a read of each concern on it, like any other list.
    audit::record(
        &state.db,
        &current
            .audit(AuditAction::OwnConcernsViewed)
            .showing(filed.rows.iter().map(|r| r.id.0))
            .in_municipality(current.user.municipality_id)
            .in_district(current.user.police_district_id),
        state.clock.now(),
    )
    .await?;
    let rows = filed
        .rows
        .into_iter()
        .map(|r| OwnLine {
            id: r.id.to_string(),
            filed: r.filed_at,
            subject_name: r.subject_name.clone(),
            kind: r.kind.label(),
            status: r.public_status().label(),
            step: intake::unit_step_note(r.status),
            read: r.read_by_coordinator_at.map(today_copenhagen),
        })
        .collect();
    let page = OwnConcernsPage {
        page: PageContext::for_user(&current, "Mine bekymringer", "/bekymringer").await?,
        rows,
        pager,
        infohus_name: current
            .user
            .municipality_id
            .and_then(|m| state.tenants.by_id(m))
            .map_or_else(|| "Infohus".to_owned(), |m| m.infohus_name().to_owned()),
    };
    layout::ok(&page)
}

/// One line of a unit's list.
pub(super) struct UnitLine {
    pub(super) id: String,
    pub(super) filed: time::OffsetDateTime,
    pub(super) days: i64,
    pub(super) reporter: String,
    pub(super) subject_name: String,
    pub(super) minor: bool,
    pub(super) kind: &'static str,
    pub(super) status: &'static str,
    pub(super) stage: &'static str,
}

pub(super) fn unit_lines(rows: Vec<UnitRow>, now: time::OffsetDateTime) -> Vec<UnitLine> {
    let today = today_copenhagen(now);
    rows.into_iter()
        .map(|r| UnitLine {
            id: r.id.to_string(),
            filed: r.filed_at,
            days: (today - today_copenhagen(r.filed_at)).whole_days(),
            reporter: r.reporter_name.clone().unwrap_or_default(),
            subject_name: r.subject_name.clone(),
            minor: r.subject_is_minor,
            kind: r.kind.label(),
            status: intake::status_label(r.status),
            stage: r.public_status().label(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "concerns/unit_list.html")]
pub(super) struct UnitListPage {
    pub(super) page: PageContext,
    pub(super) heading: &'static str,
    pub(super) intro: &'static str,
    pub(super) caption: &'static str,
    pub(super) empty: &'static str,
    pub(super) has_unit: bool,
    pub(super) unit_name: String,
    pub(super) inbox: bool,
    pub(super) rows: Vec<UnitLine>,
    pub(super) pager: Pager,
}

pub(super) async fn unit_list(
    state: &AppState,
    current: &CurrentUser,
    inbox: bool,
    after: Option<After>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let (title, path) = if inbox {
        ("Indbakke", "/leder/indbakke")
    } else {
        ("Enhedens bekymringer", "/enhed/bekymringer")
    };
    let (rows, pager) = match current.user.unit_id {
        Some(unit) => {
            let found = concerns::in_unit(&state.db, unit, inbox, after).await?;
            audit::record(
                &state.db,
                &current
                    .audit(AuditAction::QueueViewed)
                    .showing(found.rows.iter().map(|r| r.id.0))
                    .on(ObjectType::Unit, unit.0)
                    .in_municipality(current.user.municipality_id),
                now,
            )
            .await?;
            let next = found.next(|r| After {
                at: r.filed_at,
                id: r.id.0,
            });
            (found.rows, Pager::new(path, &[], after, next))
        }
        None => (Vec::new(), Pager::default()),
    };
    let page = UnitListPage {
        page: PageContext::for_user(current, title, path).await?,
        heading: if inbox {
            "Lederens indbakke"
        } else {
            "Bekymringer fra enheden"
        },
        intro: if inbox {
            "Bekymringer fra dine medarbejdere, som venter på dig, ældste først. Læs bekymringen, tilføj det, du ved, og send den videre til Infohus – eller send den tilbage med et spørgsmål."
        } else {
            "Bekymringer indberettet i din enhed, som de blev indberettet, nyeste først. Du kan tilføje en note på den enkelte bekymring."
        },
        caption: if inbox {
            "Venter på dig"
        } else {
            "Indberettet i enheden"
        },
        empty: if inbox {
            "Der er ingen bekymringer, som venter på dig."
        } else {
            "Der er ikke indberettet bekymringer i enheden."
        },
        has_unit: current.user.unit_id.is_some(),
        unit_name: current.user.unit_name.clone().unwrap_or_default(),
        inbox,
        rows: unit_lines(rows, now),
        pager,
    };
    layout::ok(&page)
}

pub(super) async fn show_leader_inbox(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    unit_list(&state, &current, true, q.after()).await
}

pub(super) async fn show_unit_concerns(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    unit_list(&state, &current, false, q.after()).await
}
