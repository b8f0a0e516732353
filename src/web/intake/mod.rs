//! The coordinator's intake queue: concerns that have reached Infohus, oldest first, each opened
//! in full and either joined to the person's existing case or made into a new one.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, today_copenhagen};
use crate::domain::policy::Capability;
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::concerns::{self};
use crate::store::paging::After;
use crate::store::tenants::Municipality;
use crate::web::extract::Query;
use crate::web::filters;
use crate::web::layout::{self, PageContext};
use crate::web::paging::{PageQuery, Pager};
use crate::web::routes::Routes;

mod concern;
mod decide;

use concern::show_intake_concern;
use decide::{submit_link_case, submit_open_case};

pub fn routes() -> Routes {
    Routes::new()
        .requires(
            "/infohus/indgang",
            Capability::IntakeQueue,
            get(show_intake_queue),
        )
        .requires(
            "/infohus/indgang/{id}",
            Capability::IntakeQueue,
            get(show_intake_concern),
        )
        .requires(
            "/infohus/indgang/{id}/tilknyt",
            Capability::IntakeQueue,
            post(submit_link_case),
        )
        .requires(
            "/infohus/indgang/{id}/opret-sag",
            Capability::IntakeQueue,
            post(submit_open_case),
        )
}

pub(super) const CONFLICT: &str =
    "Bekymringen er blevet behandlet af en anden, mens du havde den åben. Se den, som den er nu.";

/// The person's age as the queue shows it.
pub(super) fn age_text(
    birth: Option<time::Date>,
    approx: Option<i16>,
    minor: bool,
    today: time::Date,
) -> String {
    match (birth, approx) {
        (Some(b), _) => format!(
            "{} år (født {})",
            crate::domain::intake::age_on(b, today),
            format_date_da(b)
        ),
        (None, Some(a)) => format!("ca. {a} år"),
        (None, None) if minor => "under 18 år".to_owned(),
        (None, None) => "18 år eller derover".to_owned(),
    }
}

pub(super) struct QueueLine {
    pub(super) id: String,
    pub(super) received: time::OffsetDateTime,
    pub(super) days: i64,
    pub(super) source: &'static str,
    pub(super) subject_name: String,
    pub(super) age: String,
    pub(super) kind: &'static str,
    pub(super) read: bool,
    pub(super) direct: bool,
    pub(super) repeat: bool,
}

#[derive(Template)]
#[template(path = "intake/queue.html")]
pub(super) struct QueuePage {
    pub(super) page: PageContext,
    pub(super) infohus_name: String,
    pub(super) rows: Vec<QueueLine>,
    pub(super) pager: Pager,
}

pub(super) fn own_municipality<'a>(
    state: &'a AppState,
    current: &CurrentUser,
) -> Option<&'a Municipality> {
    current
        .user
        .municipality_id
        .and_then(|m| state.tenants.by_id(m))
}

pub(super) async fn show_intake_queue(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let today = today_copenhagen(now);
    let municipality = own_municipality(&state, &current);
    let after = q.after();
    let (rows, pager) = match municipality {
        Some(m) => {
            let found = concerns::intake_queue(&state.db, m.id, after).await?;
            audit::record(
                &state.db,
                &current
                    .audit(AuditAction::QueueViewed)
                    .showing(found.rows.iter().map(|r| r.id.0))
                    .on(ObjectType::Municipality, m.id.0)
                    .in_municipality(Some(m.id))
                    .in_district(Some(m.police_district_id)),
                now,
            )
            .await?;
            let next = found.next(|r| After {
                at: r.received_at,
                id: r.id.0,
            });
            (found.rows, Pager::new("/infohus/indgang", &[], after, next))
        }
        None => (Vec::new(), Pager::default()),
    };
    let rows = rows
        .into_iter()
        .map(|r| QueueLine {
            id: r.id.to_string(),
            received: r.received_at,
            days: (today - today_copenhagen(r.received_at)).whole_days(),
            source: r.source.label(),
            age: age_text(
                r.subject_birth_date,
                r.subject_approx_age,
                r.subject_is_minor,
                today,
            ),
            subject_name: r.subject_name,
            kind: r.kind.label(),
            read: r.read_by_coordinator_at.is_some(),
            direct: r.direct_to_infohus,
            repeat: r.repeat,
        })
        .collect();
    let page = QueuePage {
        page: PageContext::for_user(&current, "Indgang", "/infohus/indgang").await?,
        infohus_name: municipality
            .map(|m| m.infohus_name().to_owned())
            .unwrap_or_else(|| "Infohus".to_owned()),
        rows,
        pager,
    };
    layout::ok(&page)
}
