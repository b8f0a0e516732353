//! The action plan ("én plan"): a plan coordinator, goals, the notification question for a
//! child, and the interventions, each with an owner, the deciding authority and a legal basis.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, today_copenhagen};
use crate::domain::ids::UserId;
use crate::domain::notification::{self, NotificationInput};
use crate::domain::workflow::Move;
use crate::error::AppResult;
use crate::store::cases::{self as store, plan};
use crate::web::extract::Form;
use crate::web::forms::FormState;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PlanForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    plan_coordinator: String,
    #[serde(default)]
    goals: String,
    /// `ja` or `nej`; asked only for a person under 18.
    #[serde(default)]
    notification_made: String,
    #[serde(default)]
    notification_date: String,
    /// With "ja": the authority it was sent to.
    #[serde(default)]
    notification_authority: String,
    /// With "nej": why not.
    #[serde(default)]
    notification_reason: String,
}

#[derive(Template)]
#[template(path = "cases/plan.html")]
struct PlanPage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: PlanForm,
    workers: Vec<(String, String)>,
    minor: bool,
}

async fn render_plan(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    form: PlanForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let workers = store::case_workers(&state.db, loaded.case.id, loaded.case.municipality_id)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let page = PlanPage {
        page: PageContext::for_user(current, "Handleplan", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        form,
        workers,
        minor: loaded.is_minor(today_copenhagen(state.clock.now())),
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_plan_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::SavePlan)? {
        return not_now(&current, &loaded).await;
    }
    let existing = plan::plan_of(&state.db, loaded.case.id).await?;
    let form = match existing {
        Some(p) => PlanForm {
            version: loaded.case.version.to_string(),
            plan_coordinator: p.plan_coordinator.to_string(),
            goals: p.goals,
            notification_made: match p.notification_made {
                Some(true) => "ja".to_owned(),
                Some(false) => "nej".to_owned(),
                None => String::new(),
            },
            notification_date: p.notification_date.map(format_date_da).unwrap_or_default(),
            notification_authority: p.notification_authority.unwrap_or_default(),
            notification_reason: p.notification_reason.unwrap_or_default(),
        },
        None => PlanForm {
            version: loaded.case.version.to_string(),
            ..PlanForm::default()
        },
    };
    audit_view(&state, &current, &loaded).await?;
    render_plan(
        &state,
        &current,
        &loaded,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_plan(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(mut form): Form<PlanForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let verdict = verdict(&loaded, Move::SavePlan)?;
    if let Verdict::Stale = verdict {
        form.version = loaded.case.version.to_string();
        return render_plan(
            &state,
            &current,
            &loaded,
            form,
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    let mut errors = FieldErrors::new();
    let workers =
        store::case_workers(&state.db, loaded.case.id, loaded.case.municipality_id).await?;
    let coordinator = UserId::parse(form.plan_coordinator.trim())
        .filter(|id| workers.iter().any(|(w, _)| w == id));
    if coordinator.is_none() {
        errors.add(
            "plan_coordinator",
            "Vælg plankoordinatoren blandt Infohus-tovholderne og sagens team.",
        );
    }
    let goals = forms::text(&mut errors, "goals", &form.goals, true, 8000);
    let minor = loaded.is_minor(today_copenhagen(state.clock.now()));
    let notification = if minor {
        notification::check(
            NotificationInput {
                made: &form.notification_made,
                date: &form.notification_date,
                authority: &form.notification_authority,
                reason: &form.notification_reason,
            },
            today_copenhagen(state.clock.now()),
            &mut errors,
        )
    } else {
        None
    };
    let (Some(coordinator), Some(goals), true) = (coordinator, goals, errors.is_empty()) else {
        return render_plan(&state, &current, &loaded, form, errors, FormState::Invalid).await;
    };
    let now = state.clock.now();
    let case = loaded.case.id;
    let input = plan::PlanInput {
        plan_coordinator: coordinator,
        goals: &goals,
        notification: notification.as_ref(),
    };
    let step = Step::new(Move::SavePlan, &form.version, now);
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        plan::save_plan(conn, case, &input, now).await?;
        Ok(true)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render_plan(&state, &current, &fresh, form, errors, FormState::Conflict).await;
    }
    set_notice(&current.session, "Handleplanen er gemt.").await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

/// The receipt of the plan's notification under Barnets lov is confirmed: a click on the case
/// page, which ends the plan coordinator's task.
pub(crate) async fn submit_notification_receipt(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<super::screening::VersionForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let now = state.clock.now();
    let step = Step::new(Move::ConfirmNotificationReceipt, &form.version, now);
    let (case, by) = (loaded.case.id, current.user.id);
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        Ok(plan::confirm_notification_receipt(conn, case, by, now).await?)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        return super::show::render(&state, &current, &fresh, Some(super::CONFLICT_MESSAGE)).await;
    }
    set_notice(
        &current.session,
        "Det er registreret, at underretningen er modtaget.",
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}
