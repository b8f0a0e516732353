//! The access log of a case: who opened or changed it, and when.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::CaseId;
use crate::domain::lookup::{Lookup, Purpose};
use crate::domain::policy::{self, Capability};
use crate::error::{AppError, AppResult};
use crate::store::access_log;
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::web::extract::{Query, parse_id};
use crate::web::filters;
use crate::web::layout::{self, PageContext};
use crate::web::paging::Pager;
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new().requires(
        "/sager/{id}/adgangslog",
        Capability::AccessLog,
        get(show_access_log),
    )
}

pub struct Row {
    pub when: time::OffsetDateTime,
    pub who: String,
    pub what: &'static str,
    /// Why: where a look came from, or the search of a list that showed the case.
    pub why: String,
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    page: PageContext,
    case_id: CaseId,
    reference: String,
    rows: Vec<Row>,
    pager: Pager,
    show_case_link: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
struct LogQuery {
    /// Rows older than this audit row (`cursor`); anything unreadable is the first page.
    #[serde(default)]
    foer: String,
}

/// The cursor of the next page: the last row's instant (Unix nanoseconds: the column is
/// microsecond-precise, so it survives the round trip) and id.
fn cursor(at: time::OffsetDateTime, id: i64) -> String {
    format!("{}.{id}", at.unix_timestamp_nanos())
}

fn read_cursor(raw: &str) -> Option<access_log::Cursor> {
    let (nanos, id) = raw.trim().split_once('.')?;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
    Some((at, id.parse::<i64>().ok().filter(|&n| n > 0)?))
}

async fn show_access_log(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Query(query): Query<LogQuery>,
) -> AppResult<Response> {
    let id = parse_id(&raw, CaseId)?;
    let before = read_cursor(&query.foer);
    let actor = current.user.actor();
    let label = access_log::case_label(&state.db, id)
        .await?
        .filter(|c| policy::may_view_access_log(&actor, c.municipality_id))
        .ok_or(AppError::NotFound)?;
    let until = state.clock.now() + time::Duration::days(1);
    let found = access_log::for_case(&state.db, id, label.since, until, before).await?;
    let path = format!("/sager/{id}/adgangslog");
    let pager = Pager {
        first: before.map(|_| path.clone()),
        next: found
            .rows
            .last()
            .filter(|_| found.more)
            .map(|r| format!("{path}?foer={}", cursor(r.occurred_at, r.id))),
    };
    audit::record(
        &state.db,
        &current
            .audit(AuditAction::AccessLogViewed)
            .on(ObjectType::Case, id.0)
            .in_municipality(Some(label.municipality_id)),
        state.clock.now(),
    )
    .await?;
    let rows = found
        .rows
        .into_iter()
        .map(|e| Row {
            when: e.occurred_at,
            who: match (e.actor_name, e.actor_email) {
                (Some(n), Some(m)) => format!("{n} ({m})"),
                _ => "System".to_owned(),
            },
            what: action_label(e.action),
            why: purpose_text(e.purpose, e.action, e.search.as_deref()),
        })
        .collect();
    let page = AccessLogPage {
        page: PageContext::for_user(
            &current,
            format!("Adgangslog for {}", label.reference),
            "/sager",
        )
        .await?,
        case_id: id,
        reference: label.reference,
        rows,
        pager,
        // Admins see the log but never the case itself.
        show_case_link: policy::may(&actor, Capability::CaseList),
    };
    layout::ok(&page)
}

/// Why a row of the access log happened: where a look came from, or the search of a list that
/// showed the case; empty for a change, which says what it is itself.
pub(crate) fn purpose_text(
    purpose: Option<Purpose>,
    action: AuditAction,
    search: Option<&str>,
) -> String {
    match (purpose, action) {
        (Some(p), _) => Lookup::label(p, search),
        (None, AuditAction::CaseListViewed) if search.is_some() => {
            Lookup::label(Purpose::Search, search)
        }
        _ => String::new(),
    }
}

pub(crate) fn action_label(action: AuditAction) -> &'static str {
    match action {
        AuditAction::CaseViewed => "Åbnede sagen",
        AuditAction::CaseOpened => "Oprettede sagen",
        AuditAction::CaseMoved => "Flyttede sagen til et nyt trin",
        AuditAction::CaseTeamChanged => "Ændrede sagens team",
        AuditAction::CaseReopened => "Genåbnede sagen",
        AuditAction::CaseClosed => "Afsluttede sagen",
        AuditAction::ScreeningRecorded => "Registrerede politiets screening",
        AuditAction::TriageRecorded => "Registrerede den fælles vurdering",
        AuditAction::TriageProposed => "Foreslog en fælles vurdering",
        AuditAction::TriageConfirmed => "Bekræftede den telefonisk aftalte vurdering",
        AuditAction::TriageObjected => "Gjorde indsigelse mod den fælles vurdering",
        AuditAction::AssessmentRecorded => "Registrerede en vurdering",
        AuditAction::ActionPlanSaved => "Gemte handleplanen",
        AuditAction::InterventionSaved => "Gemte en indsats",
        AuditAction::ReviewRecorded => "Registrerede en opfølgning",
        AuditAction::PostClosureReviewDone => "Registrerede opfølgning efter afslutning",
        AuditAction::ConcernViewed => "Åbnede en bekymring",
        AuditAction::ConcernFiled => "Indsendte en bekymring",
        AuditAction::ConcernForwarded => "Videresendte en bekymring",
        AuditAction::ConcernReturned => "Sendte en bekymring retur",
        AuditAction::ConcernResubmitted => "Indsendte en bekymring igen",
        AuditAction::ConcernAddendumAdded => "Tilføjede en bemærkning",
        AuditAction::ConcernLinked => "Knyttede en bekymring til sagen",
        AuditAction::ConcernStatusLookedUp => "Borgeren slog status op",
        AuditAction::AccessLogViewed => "Så adgangsloggen",
        AuditAction::CaseListViewed => "Så sagen i sagslisten",
        AuditAction::QueueViewed => "Så sagen i en kø eller indbakke",
        AuditAction::OwnConcernsViewed => "Så bekymringen på sin liste over indsendte",
        AuditAction::WorkHandedOver => "Overdrog en kollegas ansvar på sagen",
        AuditAction::WorkTakenOver => "Gav en kollega ansvar på sagen ved en overdragelse",
        AuditAction::RetentionExtended => "Udskød sagens sletning",
        AuditAction::NotificationReceiptConfirmed => "Bekræftede, at underretningen er modtaget",
        AuditAction::DisclosureRecorded => "Registrerede en videregivelse af oplysninger",
        AuditAction::AccessRequestSearched => "Fandt sagen ved en anmodning om indsigt",
        AuditAction::AccessRequestExported => "Hentede sagen som fil ved en anmodning om indsigt",
        AuditAction::CaseDetailsChanged => {
            "Rettede sagens oplysninger (adressebeskyttelse, journalnummer)"
        }
        AuditAction::MeetingViewed => "Så sagens punkt på et Infohus-møde",
        AuditAction::MeetingPrinted => "Udskrev sagens punkt på et Infohus-møde",
        AuditAction::MeetingChanged => "Skrev referat eller opgaver til sagens punkt på et møde",
        _ => "Anden handling",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_written_and_anything_else_is_the_first_page() {
        let at = time::macros::datetime!(2026-11-20 10:00:00.123456 UTC);
        assert_eq!(read_cursor(&cursor(at, 42)), Some((at, 42)));
        for odd in [
            "",
            "abc",
            "42",
            "1.0",
            "1.-3",
            "x.5",
            "99999999999999999999999999.1",
        ] {
            assert_eq!(read_cursor(odd), None, "{odd}");
        }
    }
}
