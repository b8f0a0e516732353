//! The signed-in user's home: what waits for them and what they can do.

use askama::Template;
use axum::response::Response;
use axum::routing::get;

use crate::auth::CurrentUser;
use crate::domain::policy::{self, Capability};
use crate::error::AppResult;
use crate::web::cases::tasks;
use crate::web::filters;
use crate::web::layout::{self, PageContext};
use crate::web::paging::{self, Pager};
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .requires("/", Capability::SignedIn, get(show_home))
        .requires("/opgaver", Capability::SignedIn, get(show_tasks))
}

pub struct Action {
    pub href: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

/// What a user can do, by capability; only pages that exist are listed.
const ACTIONS: &[(Capability, &str, &str, &str)] = &[
    (
        Capability::IntakeQueue,
        "/infohus/indgang",
        "Indgang",
        "nye bekymringer, der venter på at blive registreret",
    ),
    (
        Capability::ScreeningQueue,
        "/politi/screening",
        "Politiets screening",
        "sager fra politikredsens kommuner, som venter på screening",
    ),
    (
        Capability::CaseList,
        "/sager",
        "Sager",
        "de sager, du har adgang til, med fase og næste frist",
    ),
    (
        Capability::Meetings,
        "/moeder",
        "Møder",
        "Infohus-møderne: dagsorden, deltagere, referat og hvem der gør hvad",
    ),
    (
        Capability::LeaderInbox,
        "/leder/indbakke",
        "Indbakke",
        "bekymringer fra dine medarbejdere, som venter på dig",
    ),
    (
        Capability::UnitConcerns,
        "/enhed/bekymringer",
        "Enhedens bekymringer",
        "bekymringer indberettet i din enhed",
    ),
    (
        Capability::FileConcern,
        "/bekymringer/ny",
        "Ny bekymring",
        "indberet en bekymring for radikalisering eller ekstremisme",
    ),
    (
        Capability::FollowOwnConcerns,
        "/bekymringer",
        "Mine bekymringer",
        "følg de bekymringer, du har indberettet",
    ),
    (
        Capability::ManageUsers,
        "/admin/brugere",
        "Brugere",
        "opret brugere, tildel roller og deaktivér konti",
    ),
    (
        Capability::HandOverWork,
        "/overdragelse",
        "Overdrag ansvar",
        "flyt en kollegas handleplaner, indsatser og teampladser til en anden, når de stopper",
    ),
    (
        Capability::QuarterlyStatistics,
        "/statistik",
        "Kvartalsstatistik",
        "kvartalets tal uden personoplysninger, med diagrammer og som CSV",
    ),
    (
        Capability::PlanRevision,
        "/beredskabsplan",
        "Beredskabsplanen",
        "hvornår planen sidst blev revideret, og hvornår styregruppen reviderer den igen",
    ),
    (
        Capability::AwarenessLog,
        "/oplysning",
        "Oplysning og undervisning",
        "de oplysningsmøder og undervisningsforløb, Infohus har holdt",
    ),
    (
        Capability::UnitCounts,
        "/enhed/tal",
        "Tal for enheden",
        "hvor mange bekymringer enheden har, og hvor de er nu",
    ),
];

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageContext,
    actions: Vec<Action>,
    unit_name: Option<String>,
    tasks: crate::web::cases::tasks::Tasks,
    next_meeting: Option<crate::web::meetings::NextMeeting>,
}

async fn show_home(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    current: CurrentUser,
) -> AppResult<Response> {
    let actor = current.user.actor();
    let actions = ACTIONS
        .iter()
        .filter(|(cap, ..)| policy::may(&actor, *cap))
        .map(|&(_, href, label, description)| Action {
            href,
            label,
            description,
        })
        .collect();
    let page = HomePage {
        page: PageContext::for_user(&current, "Forside", "/").await?,
        actions,
        unit_name: current.user.unit_name.clone(),
        tasks: tasks::for_user(&state, &current, tasks::ON_HOME).await?,
        next_meeting: crate::web::meetings::next_meeting(&state, &current).await?,
    };
    layout::ok(&page)
}

#[derive(Debug, Default, serde::Deserialize)]
struct TasksQuery {
    /// `ja`: only what is overdue.
    #[serde(default)]
    overskredne: String,
    /// A kind of task (`tasks::KINDS`); empty or unknown: all.
    #[serde(default)]
    art: String,
    /// The page, from 1.
    #[serde(default)]
    side: String,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    page: PageContext,
    tasks: tasks::Tasks,
    overdue_only: bool,
    /// (value, label) of the kinds to filter by, and the chosen one.
    kinds: Vec<(&'static str, &'static str)>,
    art: String,
    /// Which tasks of how many this page shows, when there is more than one page.
    range: Option<(usize, usize, usize)>,
    pager: Pager,
}

/// Tasks on one page of "Mine opgaver".
const TASKS_PER_PAGE: usize = 50;

/// "Mine opgaver" in full: everything the home page lists the first of, overdue first, by kind
/// and a page at a time. The tasks are computed in one query, bounded by `tasks::ON_PAGE`, so a
/// page is a slice of them.
async fn show_tasks(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    current: CurrentUser,
    crate::web::extract::Query(q): crate::web::extract::Query<TasksQuery>,
) -> AppResult<Response> {
    let overdue_only = q.overskredne.trim() == "ja";
    let kinds = tasks::kinds_of(&q.art);
    let art = if kinds.is_some() {
        q.art.trim().to_owned()
    } else {
        String::new()
    };
    let mut all = tasks::for_user(&state, &current, tasks::ON_PAGE).await?;
    all.items
        .retain(|t| (!overdue_only || t.overdue) && kinds.is_none_or(|k| k.contains(&t.kind)));
    if kinds.is_some() {
        // A kind of case task was asked for: the concerns before Infohus are not of it.
        all.returned.clear();
        all.inbox_waiting = 0;
        all.intake_waiting = 0;
    }
    let total = all.items.len();
    let pages = total.div_ceil(TASKS_PER_PAGE).max(1);
    let page_no = q
        .side
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|&n| n >= 1)
        .unwrap_or(1)
        .min(pages);
    let start = (page_no - 1) * TASKS_PER_PAGE;
    all.items = all
        .items
        .into_iter()
        .skip(start)
        .take(TASKS_PER_PAGE)
        .collect();
    let overskredne = if overdue_only { "ja" } else { "" };
    let filters = [("overskredne", overskredne), ("art", art.as_str())];
    let page_href = |n: usize| {
        let side = n.to_string();
        let mut with_page = filters.to_vec();
        if n > 1 {
            with_page.push(("side", side.as_str()));
        }
        paging::href("/opgaver", &with_page, None)
    };
    let pager = Pager {
        first: (page_no > 1).then(|| page_href(1)),
        next: (page_no < pages).then(|| page_href(page_no + 1)),
    };
    let page = TasksPage {
        page: PageContext::for_user(&current, "Mine opgaver", "/opgaver").await?,
        range: (pages > 1).then(|| (start + 1, start + all.items.len(), total)),
        tasks: all,
        overdue_only,
        kinds: tasks::KINDS.iter().map(|(n, l, _)| (*n, *l)).collect(),
        art,
        pager,
    };
    layout::ok(&page)
}
