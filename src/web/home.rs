//! The signed-in user's home: what waits for them and what they can do.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::auth::CurrentUser;
use crate::domain::policy::{self, Capability};
use crate::error::AppResult;
use crate::web::layout::PageContext;
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new().requires("/", Capability::SignedIn, get(show_home))
}

pub struct Action {
    pub href: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

/// What a user can do, by capability; only pages that exist are listed.
const ACTIONS: &[(Capability, &str, &str, &str)] = &[(
    Capability::ManageUsers,
    "/admin/brugere",
    "Brugere",
    "opret brugere, tildel roller og deaktivér konti",
)];

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageContext,
    actions: Vec<Action>,
    unit_name: Option<String>,
}

async fn show_home(current: CurrentUser) -> AppResult<Response> {
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
    };
    Ok(Html(page.render()?).into_response())
}
