//! The minutes of one item: a short summary, the coded decision, and the actions — who does
//! what by when — each owned by a user who may see the item. Saving the minutes or an action of
//! a case item writes an entry on the case's timeline, linked to the meeting; the case itself
//! never moves here. The next step on the case is a link to that step's own form.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::show::{ActionView, action_view};
use super::{CONFLICT_MESSAGE, Loaded, load_as_organiser, note_item_change};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, today_copenhagen};
use crate::domain::ids::{MeetingItemId, UserId};
use crate::domain::meeting::{self, Decision};
use crate::domain::policy::{self, CaseAccess, CaseScope};
use crate::domain::workflow::{CaseEvent, Stage};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction};
use crate::store::meetings::agenda::{self, Item, Minutes, NewAction};
use crate::store::meetings::{self as store, Candidate};
use crate::web::cases::date_field;
use crate::web::extract::{Form, parse_id};
use crate::web::filters;
use crate::web::forms::{self, FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MinutesForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    referred_to: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    description: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due_date: String,
}

#[derive(Template)]
#[template(path = "meetings/minutes.html")]
struct MinutesPage {
    page: PageContext,
    href: String,
    action: String,
    title: String,
    heading: String,
    case_href: Option<String>,
    /// The step the case is waiting for, as a link to its own form.
    next_step: Option<(String, &'static str)>,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: MinutesForm,
    decisions: Vec<(&'static str, &'static str)>,
    action_errors: FieldErrors,
    action_form: ActionForm,
    owners: Vec<(String, String)>,
    actions: Vec<ActionView>,
    open: bool,
}

/// The item behind a path segment on this meeting, if the viewer may see its content.
async fn item_of(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    raw_item: &str,
) -> AppResult<Item> {
    let id = parse_id(raw_item, MeetingItemId)?;
    let item = agenda::items(&state.db, loaded.meeting.id, current.user.id)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)?;
    if item.case_id.is_some() && !loaded.sees_case(current, item.viewer_on_team) {
        return Err(AppError::NotFound);
    }
    Ok(item)
}

fn heading(item: &Item) -> String {
    match (&item.title, &item.reference) {
        (Some(t), _) => t.clone(),
        (None, Some(r)) => format!("Sag {r}: {}", item.subject_name.clone().unwrap_or_default()),
        _ => String::new(),
    }
}

/// The form of the step a case waits for, where a decision at the meeting leads.
fn next_step(item: &Item) -> Option<(String, &'static str)> {
    let case = item.case_id?;
    let (path, label) = match item.stage? {
        Stage::Triage => ("faelles-vurdering", "Gå til den fælles vurdering"),
        Stage::Assessment => ("vurdering", "Gå til analyse og vurdering"),
        Stage::ActionPlan => ("handleplan", "Gå til handleplanen"),
        Stage::FollowUp => ("opfoelgning", "Gå til opfølgningen"),
        _ => return None,
    };
    Some((format!("/sager/{case}/{path}"), label))
}

/// Who may own an action under the item: for a case item, those the case policy lets see the
/// case (its municipality's coordinators, the district's police, the case's team); for a
/// general item, those the meeting policy lets in.
async fn owners(state: &AppState, loaded: &Loaded, item: &Item) -> AppResult<Vec<Candidate>> {
    let municipalities = loaded.municipalities(state);
    let all = store::candidates(&state.db, &municipalities, loaded.district, item.case_id).await?;
    Ok(all
        .into_iter()
        .filter(|c| match (item.case_id, loaded.meeting.municipality_id) {
            (Some(_), Some(m)) => {
                policy::case_access(
                    &c.actor(),
                    &CaseScope {
                        municipality_id: m,
                        police_district_id: loaded.district,
                        actor_on_team: c.on_team,
                    },
                ) != CaseAccess::None
            }
            _ => super::may_attend(state, loaded, c),
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    item: &Item,
    form: MinutesForm,
    errors: FieldErrors,
    action_form: ActionForm,
    action_errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let today = today_copenhagen(state.clock.now());
    let actions = agenda::actions(&state.db, Some(loaded.meeting.id), None)
        .await?
        .into_iter()
        .filter(|a| a.item_id == item.id)
        .map(|a| action_view(&a, today, current, loaded.access))
        .collect();
    let owners = owners(state, loaded, item)
        .await?
        .into_iter()
        .map(|c| (c.id.to_string(), c.name))
        .collect();
    let href = format!("{}/punkter/{}", loaded.href(), item.id);
    let page = MinutesPage {
        page: PageContext::for_user(current, format!("Referat: {}", heading(item)), "/moeder")
            .await?,
        href: loaded.href(),
        action: href,
        title: loaded.title(),
        heading: heading(item),
        case_href: item.case_id.map(|c| format!("/sager/{c}")),
        next_step: next_step(item),
        conflict: form_state.conflict(CONFLICT_MESSAGE),
        errors,
        form,
        decisions: Decision::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
        action_errors,
        action_form,
        owners,
        actions,
        open: loaded.meeting.status.minutes_open(),
    };
    layout::render(form_state.status(), &page)
}

fn form_of(item: &Item) -> MinutesForm {
    MinutesForm {
        version: item.version.to_string(),
        summary: item.summary.clone().unwrap_or_default(),
        decision: item
            .decision
            .map(|d| d.as_str().to_owned())
            .unwrap_or_default(),
        referred_to: item.referred_to.clone().unwrap_or_default(),
    }
}

/// A read of the item's case, in its access log.
async fn audit_view(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    item: &Item,
) -> AppResult<()> {
    audit::record(
        &state.db,
        &loaded
            .event(AuditAction::MeetingViewed, current)
            .showing(item.case_id.map(|c| c.0)),
        state.clock.now(),
    )
    .await?;
    Ok(())
}

pub(crate) async fn show_minutes(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_item)): Path<(String, String)>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let item = item_of(&state, &current, &loaded, &raw_item).await?;
    audit_view(&state, &current, &loaded, &item).await?;
    let form = form_of(&item);
    render(
        &state,
        &current,
        &loaded,
        &item,
        form,
        FieldErrors::new(),
        ActionForm::default(),
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_minutes(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_item)): Path<(String, String)>,
    Form(mut form): Form<MinutesForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let item = item_of(&state, &current, &loaded, &raw_item).await?;
    let mut errors = FieldErrors::new();
    let summary = forms::text(
        &mut errors,
        "summary",
        &form.summary,
        false,
        meeting::SUMMARY_MAX,
    );
    let decision = match form.decision.trim() {
        "" => None,
        d => {
            let parsed = Decision::parse(d);
            if parsed.is_none() {
                errors.add("decision", "Vælg en af beslutningerne.");
            }
            parsed
        }
    };
    let referred_to = forms::text(
        &mut errors,
        "referred_to",
        &form.referred_to,
        decision == Some(Decision::Refer),
        meeting::TITLE_MAX,
    )
    .filter(|_| decision == Some(Decision::Refer));
    if decision == Some(Decision::Refer) && referred_to.is_none() && !errors.has("referred_to") {
        errors.add(
            "referred_to",
            "Skriv, hvilken myndighed sagen henvises til.",
        );
    }
    let version = form.version.trim().parse::<i32>().ok();
    if !errors.is_empty() || !loaded.meeting.status.minutes_open() {
        if errors.is_empty() {
            errors.add("summary", "Referatet er godkendt og kan ikke ændres.");
        }
        return render(
            &state,
            &current,
            &loaded,
            &item,
            form,
            errors,
            ActionForm::default(),
            FieldErrors::new(),
            FormState::Invalid,
        )
        .await;
    }
    let minutes = Minutes {
        summary: summary.as_deref(),
        decision,
        referred_to: referred_to.as_deref(),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let saved = match version {
        Some(v) => {
            agenda::save_minutes(&mut tx, item.id, v, &minutes, current.user.id, now).await?
        }
        None => false,
    };
    if !saved {
        tx.rollback().await?;
        let fresh = item_of(&state, &current, &loaded, &raw_item).await?;
        form.version = fresh.version.to_string();
        return render(
            &state,
            &current,
            &loaded,
            &fresh,
            form,
            FieldErrors::new(),
            ActionForm::default(),
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    let reason = match (decision, referred_to.as_deref()) {
        (Some(Decision::Refer), Some(to)) => Some(format!("{}: {to}", Decision::Refer.label())),
        (Some(d), _) => Some(d.label().to_owned()),
        (None, _) => None,
    };
    note_item_change(
        &mut tx,
        &current,
        &loaded,
        item.case_id,
        CaseEvent::MeetingMinuted,
        reason.as_deref(),
        serde_json::json!({ "change": "minutes", "item": item.id.0 }),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(&current.session, "Referatet af punktet er gemt.").await?;
    Ok(Redirect::to(&format!("{}/punkter/{}", loaded.href(), item.id)).into_response())
}

pub(crate) async fn submit_action(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_item)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let item = item_of(&state, &current, &loaded, &raw_item).await?;
    let mut errors = FieldErrors::new();
    let description = forms::text(
        &mut errors,
        "description",
        &form.description,
        true,
        meeting::ACTION_MAX,
    );
    let owners = owners(&state, &loaded, &item).await?;
    let owner = UserId::parse(form.owner.trim()).and_then(|id| owners.iter().find(|c| c.id == id));
    if owner.is_none() {
        errors.add(
            "owner",
            "Vælg den ansvarlige på listen: en, der må se punktet.",
        );
    }
    let due = date_field(&mut errors, "due_date", &form.due_date);
    let meeting_day = today_copenhagen(loaded.meeting.starts_at);
    if due.is_some_and(|d| d < meeting_day) {
        errors.add("due_date", "Fristen kan ikke ligge før mødet.");
    }
    if !loaded.meeting.status.minutes_open() {
        errors.add(
            "description",
            "Referatet er godkendt; der kan ikke tilføjes opgaver.",
        );
    }
    let (Some(description), Some(owner), Some(due), true) =
        (description, owner, due, errors.is_empty())
    else {
        let minutes = form_of(&item);
        return render(
            &state,
            &current,
            &loaded,
            &item,
            minutes,
            FieldErrors::new(),
            form,
            errors,
            FormState::Invalid,
        )
        .await;
    };
    let now = state.clock.now();
    let new = NewAction {
        item: item.id,
        description: &description,
        owner: owner.id,
        due_date: due,
    };
    let mut tx = state.db.begin().await?;
    agenda::add_action(&mut tx, loaded.meeting.id, &new, current.user.id, now).await?;
    let reason = format!(
        "{description} – {}, senest {}",
        owner.name,
        format_date_da(due)
    );
    note_item_change(
        &mut tx,
        &current,
        &loaded,
        item.case_id,
        CaseEvent::MeetingActionAdded,
        Some(&reason),
        serde_json::json!({ "change": "action_added", "item": item.id.0 }),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(
        &current.session,
        &format!(
            "Opgaven er givet til {} med frist {}.",
            owner.name,
            format_date_da(due)
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("{}/punkter/{}", loaded.href(), item.id)).into_response())
}
