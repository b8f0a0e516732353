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
use crate::web::paging::{self, Pager};

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
    /// `ja`: only the viewer's own cases; `nej`: every case they may see. Empty: their own,
    /// unless they search for a person (`mine_by_default`).
    #[serde(default)]
    mine: String,
    /// `ja`: only cases past their next deadline.
    #[serde(default)]
    overskredne: String,
    /// `aeldste`: the case longest in its stage first.
    #[serde(default)]
    sorter: String,
}

/// The list opens on the viewer's own cases: the ones they coordinate, own an intervention in
/// or are on the team of. Whoever searches for a person wants every case they may see.
fn mine_by_default(search: Option<&CaseSearch>) -> bool {
    search.is_none()
}

fn filter_of(raw: &str) -> CaseFilter {
    match raw.trim() {
        "" => CaseFilter::Open,
        "alle" => CaseFilter::All,
        code => Stage::parse(code).map_or(CaseFilter::Open, CaseFilter::Stage),
    }
}

/// What the list shows, in words: its caption, and (with "ingen") what an empty list says.
fn caption(filter: CaseFilter, mine: bool) -> String {
    match (filter, mine) {
        (CaseFilter::Open, true) => "Dine åbne sager".to_owned(),
        (CaseFilter::Open, false) => "Åbne sager, du har adgang til".to_owned(),
        (CaseFilter::All, true) => "Alle dine sager".to_owned(),
        (CaseFilter::All, false) => "Alle sager, du har adgang til".to_owned(),
        (CaseFilter::Stage(s), true) => format!("Dine sager i fasen «{}»", s.label()),
        (CaseFilter::Stage(s), false) => format!("Sager i fasen «{}»", s.label()),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
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
    /// On the viewer's own cases: the same list of every case they may see, and its caption.
    everyones: Option<(String, String)>,
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
    let mine = match q.mine.trim() {
        "ja" => true,
        "nej" => false,
        _ => mine_by_default(search.as_ref()),
    };
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
    let filters = |mine: bool| {
        [
            ("fase", fase.clone()),
            ("q", typed.clone()),
            ("niveau", level.map_or("", |l| l.as_str()).to_owned()),
            ("mine", if mine { "ja" } else { "nej" }.to_owned()),
            ("overskredne", if overdue { "ja" } else { "" }.to_owned()),
            (
                "sorter",
                if oldest_first { "aeldste" } else { "" }.to_owned(),
            ),
        ]
    };
    let these = filters(mine);
    let these: Vec<(&str, &str)> = these.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let pager = Pager::new(
        "/sager",
        &these,
        after,
        found.next(|r| After {
            at: r.stage_changed_at,
            id: r.id.0,
        }),
    );
    // From the viewer's own cases, the same list of every case they may see is one link away.
    let everyones = mine.then(|| {
        let all = filters(false);
        let all: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
        (
            paging::href("/sager", &all, None),
            lowercase_first(&caption(filter, false)),
        )
    });
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
        caption: caption(filter, mine),
        show_municipality: distinct.len() > 1,
        levels: Level::ALL
            .iter()
            .map(|l| (l.as_str(), l.label(), level == Some(*l)))
            .collect(),
        mine,
        everyones,
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
