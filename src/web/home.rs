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
    };
    layout::ok(&page)
}

#[derive(Debug, Default, serde::Deserialize)]
struct TasksQuery {
    /// `ja`: only what is overdue.
    #[serde(default)]
    overskredne: String,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    page: PageContext,
    tasks: tasks::Tasks,
    overdue_only: bool,
}

/// "Mine opgaver" in full: everything the home page lists the first of, overdue first.
async fn show_tasks(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    current: CurrentUser,
    crate::web::extract::Query(q): crate::web::extract::Query<TasksQuery>,
) -> AppResult<Response> {
    let overdue_only = q.overskredne.trim() == "ja";
    let mut all = tasks::for_user(&state, &current, tasks::ON_PAGE).await?;
    if overdue_only {
        all.items.retain(|t| t.overdue);
    }
    let page = TasksPage {
        page: PageContext::for_user(&current, "Mine opgaver", "/opgaver").await?,
        tasks: all,
        overdue_only,
    };
    layout::ok(&page)
}
