//! `/sager`: the cases the viewer may see, with stage, next deadline and badges.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use time::Date;

use super::reach_of;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::today_copenhagen;
use crate::domain::catalogue::Level;
use crate::domain::search::{self, CaseSearch};
use crate::domain::workflow::Stage;
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction};
use crate::store::cases::{self as store, CaseFilter, CaseQuery};
use crate::store::paging::After;
use crate::web::extract::Query;
use crate::web::filters;
use crate::web::layout::{self, PageContext};
use crate::web::paging::Pager;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    /// Empty: the open cases; `alle`: every case; a stage's code: that stage.
    #[serde(default)]
    fase: String,
    /// Where the page starts (`After::encode`).
    #[serde(default)]
    efter: String,
    /// A reference, CPR number, birth date or name (`CaseSearch`).
    #[serde(default)]
    q: String,
    /// A prevention level's code: only cases at that level.
    #[serde(default)]
    niveau: String,
    /// `ja`: only the viewer's own cases.
    #[serde(default)]
    mine: String,
    /// `ja`: only cases past their next deadline.
    #[serde(default)]
    overskredne: String,
    /// `aeldste`: the case longest in its stage first.
    #[serde(default)]
    sorter: String,
}

fn filter_of(raw: &str) -> CaseFilter {
    match raw.trim() {
        "" => CaseFilter::Open,
        "alle" => CaseFilter::All,
        code => Stage::parse(code).map_or(CaseFilter::Open, CaseFilter::Stage),
    }
}

struct Row {
    href: String,
    reference: String,
    subject_name: String,
    municipality: String,
    stage: &'static str,
    deadline: Option<Date>,
    overdue: bool,
    repeat: bool,
    closed: bool,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct CaseListPage {
    page: PageContext,
    rows: Vec<Row>,
    /// (value, label, selected) of the filter's choices.
    stages: Vec<(&'static str, &'static str, bool)>,
    /// What the page lists, for its caption.
    caption: String,
    show_municipality: bool,
    /// (value, label, selected) of the prevention levels.
    levels: Vec<(&'static str, &'static str, bool)>,
    mine: bool,
    overdue: bool,
    oldest_first: bool,
    pager: Pager,
    /// The search as typed, to show it again.
    q: String,
    searched: bool,
}

pub(crate) async fn show_cases(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let reach = reach_of(&state, &current);
    let search = CaseSearch::parse(&q.q);
    // Whoever searches for a person wants their closed cases too, unless they chose otherwise.
    let filter = match (q.fase.trim(), &search) {
        ("", Some(_)) => CaseFilter::All,
        (fase, _) => filter_of(fase),
    };
    let typed: String = q.q.trim().chars().take(search::MAX_CHARS).collect();
    let after = After::decode(&q.efter);
    let today = today_copenhagen(state.clock.now());
    let level = Level::parse(q.niveau.trim());
    let mine = q.mine.trim() == "ja";
    let overdue = q.overskredne.trim() == "ja";
    let oldest_first = q.sorter.trim() == "aeldste";
    let which = CaseQuery {
        filter,
        search: search.clone(),
        level,
        mine,
        due_before: overdue.then_some(today),
        oldest_first,
    };
    let found = store::visible_cases(
        &state.db,
        &reach.whole(),
        &reach.as_team,
        current.user.id,
        &which,
        after,
    )
    .await?;
    let fase = match filter {
        CaseFilter::Open => String::new(),
        CaseFilter::All => "alle".to_owned(),
        CaseFilter::Stage(s) => s.as_str().to_owned(),
    };
    let pager = Pager::new(
        "/sager",
        &[
            ("fase", &fase),
            ("q", &typed),
            ("niveau", level.map_or("", |l| l.as_str())),
            ("mine", if mine { "ja" } else { "" }),
            ("overskredne", if overdue { "ja" } else { "" }),
            ("sorter", if oldest_first { "aeldste" } else { "" }),
        ],
        after,
        found.next(|r| After {
            at: r.stage_changed_at,
            id: r.id.0,
        }),
    );
    let rows = found.rows;
    let municipalities: Vec<_> = reach
        .whole()
        .into_iter()
        .chain(reach.as_team.iter().copied())
        .collect();
    let mut distinct = municipalities.clone();
    distinct.sort();
    distinct.dedup();
    let shown: Vec<uuid::Uuid> = rows.iter().map(|r| r.id.0).collect();
    let rows = rows
        .into_iter()
        .map(|r| Row {
            href: format!("/sager/{}", r.id),
            municipality: state
                .tenants
                .by_id(r.municipality_id)
                .map(|m| m.name().to_owned())
                .unwrap_or_default(),
            reference: r.reference,
            subject_name: r.subject_name,
            stage: r.stage.label(),
            deadline: r.next_deadline,
            overdue: r.next_deadline.is_some_and(|d| d < today),
            repeat: r.repeat,
            closed: r.stage == Stage::Closed,
        })
        .collect();
    let page = CaseListPage {
        page: PageContext::for_user(&current, "Sager", "/sager").await?,
        rows,
        stages: std::iter::once(("", "Åbne sager", filter == CaseFilter::Open))
            .chain(
                Stage::ALL
                    .iter()
                    .map(|s| (s.as_str(), s.label(), filter == CaseFilter::Stage(*s))),
            )
            .chain(std::iter::once((
                "alle",
                "Alle sager",
                filter == CaseFilter::All,
            )))
            .collect(),
        caption: match filter {
            CaseFilter::Open => "Åbne sager, du har adgang til".to_owned(),
            CaseFilter::All => "Alle sager, du har adgang til".to_owned(),
            CaseFilter::Stage(s) => format!("Sager i fasen «{}»", s.label()),
        },
        show_municipality: distinct.len() > 1,
        levels: Level::ALL
            .iter()
            .map(|l| (l.as_str(), l.label(), level == Some(*l)))
            .collect(),
        mine,
        overdue,
        oldest_first,
        pager,
        searched: search.is_some(),
        q: typed,
    };
    audit::record(
        &state.db,
        &current
            .audit(AuditAction::CaseListViewed)
            .showing(shown)
            .searching(search.as_ref().map(CaseSearch::audit_criterion))
            .in_municipality(current.user.municipality_id)
            .in_district(current.user.police_district_id),
        state.clock.now(),
    )
    .await?;
    layout::ok(&page)
}
