//! The case team: the coordinator adds and removes the municipality's core-group members, who
//! can then open the case.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::UserId;
use crate::domain::policy::Role;
use crate::domain::workflow::CaseEvent;
use crate::domain::workflow::Move;
use crate::error::AppResult;
use crate::store::cases::{self as store};
use crate::store::users;
use crate::web::extract::Form;
use crate::web::forms::FieldErrors;
use crate::web::forms::FormState;
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TeamForm {
    #[serde(default)]
    version: String,
    /// `add` or `remove`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    user: String,
}

struct Member {
    id: String,
    name: String,
    email: String,
}

#[derive(Template)]
#[template(path = "cases/team.html")]
struct TeamPage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    version: String,
    selected: String,
    members: Vec<Member>,
    candidates: Vec<(String, String)>,
}

async fn render(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    selected: String,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let members = store::team(&state.db, loaded.case.id).await?;
    let core =
        users::with_role_in_municipality(&state.db, loaded.case.municipality_id, Role::CoreGroup)
            .await?;
    let page = TeamPage {
        page: PageContext::for_user(current, "Sagens team", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        version: loaded.case.version.to_string(),
        selected,
        candidates: core
            .into_iter()
            .filter(|(id, _)| !members.iter().any(|m| m.user_id == *id))
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        members: members
            .into_iter()
            .map(|m| Member {
                id: m.user_id.to_string(),
                name: m.name,
                email: m.email,
            })
            .collect(),
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_team(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::ChangeTeam)? {
        return not_now(&current, &loaded).await;
    }
    audit_view(&state, &current, &loaded).await?;
    render(
        &state,
        &current,
        &loaded,
        String::new(),
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_team_change(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<TeamForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let verdict = verdict(&loaded, Move::ChangeTeam)?;
    if let Verdict::Stale = verdict {
        return render(
            &state,
            &current,
            &loaded,
            form.user,
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    let adding = match form.action.as_str() {
        "add" => true,
        "remove" => false,
        _ => return Err(crate::error::AppError::BadRequest),
    };
    let mut errors = FieldErrors::new();
    let user = UserId::parse(form.user.trim());
    let name = if adding {
        let core = users::with_role_in_municipality(
            &state.db,
            loaded.case.municipality_id,
            Role::CoreGroup,
        )
        .await?;
        core.into_iter()
            .find(|(id, _)| Some(*id) == user)
            .map(|(_, n)| n)
    } else {
        store::team(&state.db, loaded.case.id)
            .await?
            .into_iter()
            .find(|m| Some(m.user_id) == user)
            .map(|m| m.name)
    };
    let (Some(user), Some(name)) = (user, name) else {
        errors.add("user", "Vælg et medlem af kommunens kernegruppe.");
        return render(
            &state,
            &current,
            &loaded,
            form.user,
            errors,
            FormState::Invalid,
        )
        .await;
    };
    if !adding && store::holds_responsibility(&state.db, loaded.case.id, user).await? {
        errors.add(
            "user",
            format!(
                "{name} er plankoordinator eller ansvarlig for en indsats på sagen. Giv ansvaret videre, før {name} fjernes fra teamet."
            ),
        );
        return render(
            &state,
            &current,
            &loaded,
            String::new(),
            errors,
            FormState::Invalid,
        )
        .await;
    }
    let now = state.clock.now();
    let step = Step::new(Move::ChangeTeam, &form.version, now)
        .history_code(if adding {
            CaseEvent::TeamAdded
        } else {
            CaseEvent::TeamRemoved
        })
        .reason(Some(&name));
    let (case, by) = (loaded.case.id, current.user.id);
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        if adding {
            store::add_to_team(conn, case, user, by, now).await?;
        } else {
            store::remove_from_team(conn, case, user).await?;
        }
        Ok(true)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        return render(
            &state,
            &current,
            &fresh,
            form.user,
            errors,
            FormState::Conflict,
        )
        .await;
    }
    set_notice(
        &current.session,
        &if adding {
            format!("{name} er tilføjet til sagens team.")
        } else {
            format!("{name} er fjernet fra sagens team.")
        },
    )
    .await?;
    Ok(Redirect::to(&format!("{}/team", loaded.href())).into_response())
}
