//! Who is at the meeting: the users present, and the ad hoc participants who are not users,
//! each attached to the item of their own case and told of their duty of confidentiality.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{CONFLICT_MESSAGE, Loaded, VersionForm, back, change, load_as_organiser};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::{CaseId, MeetingGuestId, MeetingItemId, UserId};
use crate::domain::meeting;
use crate::error::{AppError, AppResult};
use crate::store::meetings::agenda::{self, NewGuest};
use crate::store::meetings::{self as store, Candidate};
use crate::web::extract::{Form, parse_id};
use crate::web::forms::{self, FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};

/// Who may be at the meeting: everyone the policy gives access to it.
async fn eligible(state: &AppState, loaded: &Loaded) -> AppResult<Vec<Candidate>> {
    let municipalities = loaded.municipalities(state);
    let all = store::candidates(&state.db, &municipalities, loaded.district, None).await?;
    Ok(all
        .into_iter()
        .filter(|c| super::may_attend(state, loaded, c))
        .collect())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ParticipantsForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    users: Vec<String>,
}

pub(crate) struct Choice {
    pub id: String,
    pub name: String,
    pub roles: String,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "meetings/participants.html")]
struct ParticipantsPage {
    page: PageContext,
    href: String,
    title: String,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    version: String,
    choices: Vec<Choice>,
}

async fn render_participants(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    version: String,
    chosen: &[UserId],
    form_state: FormState,
) -> AppResult<Response> {
    let choices = eligible(state, loaded)
        .await?
        .into_iter()
        .map(|c| Choice {
            id: c.id.to_string(),
            roles: c
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            chosen: chosen.contains(&c.id),
            name: c.name,
        })
        .collect();
    let page = ParticipantsPage {
        page: PageContext::for_user(current, "Mødets deltagere", "/moeder").await?,
        href: loaded.href(),
        title: loaded.title(),
        conflict: form_state.conflict(CONFLICT_MESSAGE),
        errors: FieldErrors::new(),
        version,
        choices,
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_participants(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let present: Vec<UserId> = store::participants(&state.db, loaded.meeting.id)
        .await?
        .into_iter()
        .map(|p| p.user_id)
        .collect();
    let version = loaded.meeting.version.to_string();
    render_participants(
        &state,
        &current,
        &loaded,
        version,
        &present,
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_participants(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<ParticipantsForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let eligible: Vec<UserId> = eligible(&state, &loaded)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut chosen = Vec::new();
    for raw_user in &form.users {
        // Someone the policy keeps out of the meeting is not a choice the page offered.
        let user = UserId::parse(raw_user.trim())
            .filter(|u| eligible.contains(u))
            .ok_or(AppError::BadRequest)?;
        if !chosen.contains(&user) {
            chosen.push(user);
        }
    }
    let meeting = loaded.meeting.id;
    let done = change(
        &state,
        &current,
        &loaded,
        &form.version,
        "participants",
        async |conn| {
            let before = store::participants(&mut *conn, meeting).await?;
            for p in before.iter().filter(|p| !chosen.contains(&p.user_id)) {
                store::remove_participant(&mut *conn, meeting, p.user_id).await?;
            }
            for user in &chosen {
                store::add_participant(&mut *conn, meeting, *user).await?;
            }
            Ok(true)
        },
    )
    .await?;
    if !done {
        let fresh = super::load(&state, &current, &raw).await?;
        let version = fresh.meeting.version.to_string();
        return render_participants(
            &state,
            &current,
            &fresh,
            version,
            &chosen,
            FormState::Conflict,
        )
        .await;
    }
    set_notice(&current.session, "Mødets deltagere er gemt.").await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct GuestForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    function: String,
    /// `ja`: told of the duty of confidentiality.
    #[serde(default)]
    confidentiality: String,
}

#[derive(Template)]
#[template(path = "meetings/guest_new.html")]
struct GuestPage {
    page: PageContext,
    href: String,
    title: String,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: GuestForm,
    items: Vec<(String, String)>,
}

/// The case items the organiser may attach a guest to, with the case of each.
async fn case_items(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
) -> AppResult<Vec<(MeetingItemId, CaseId, String)>> {
    let items = agenda::items(&state.db, loaded.meeting.id, current.user.id).await?;
    Ok(items
        .into_iter()
        .filter(|i| loaded.sees_case(current, i.viewer_on_team))
        .filter_map(|i| {
            let case = i.case_id?;
            let label = format!(
                "Punkt {}: sag {} – {}",
                i.position,
                i.reference.unwrap_or_default(),
                i.subject_name.unwrap_or_default()
            );
            Some((i.id, case, label))
        })
        .collect())
}

async fn render_guest(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    form: GuestForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let items = case_items(state, current, loaded)
        .await?
        .into_iter()
        .map(|(id, _, label)| (id.to_string(), label))
        .collect();
    let page = GuestPage {
        page: PageContext::for_user(current, "Ad hoc-deltager", "/moeder").await?,
        href: loaded.href(),
        title: loaded.title(),
        conflict: form_state.conflict(CONFLICT_MESSAGE),
        errors,
        form,
        items,
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_new_guest(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    if loaded.meeting.kind.is_network() {
        return Err(AppError::NotFound);
    }
    let form = GuestForm {
        version: loaded.meeting.version.to_string(),
        ..GuestForm::default()
    };
    render_guest(
        &state,
        &current,
        &loaded,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_new_guest(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(mut form): Form<GuestForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    if loaded.meeting.kind.is_network() {
        return Err(AppError::NotFound);
    }
    let mut errors = FieldErrors::new();
    let items = case_items(&state, &current, &loaded).await?;
    let item = MeetingItemId::parse(form.item.trim())
        .and_then(|id| items.iter().find(|(i, ..)| *i == id))
        .map(|(i, c, _)| (*i, *c));
    if item.is_none() {
        errors.add(
            "item",
            "Vælg den sag på dagsordenen, deltageren kommer for.",
        );
    }
    let name = forms::text(
        &mut errors,
        "name",
        &form.name,
        true,
        meeting::GUEST_FIELD_MAX,
    );
    let organisation = forms::text(
        &mut errors,
        "organisation",
        &form.organisation,
        true,
        meeting::GUEST_FIELD_MAX,
    );
    let function = forms::text(
        &mut errors,
        "function",
        &form.function,
        true,
        meeting::GUEST_FIELD_MAX,
    );
    let told = forms::tick(
        &mut errors,
        "confidentiality",
        form.confidentiality.trim(),
        "Svaret kan ikke læses.",
    );
    if told == Some(false) {
        errors.add(
            "confidentiality",
            "Deltageren skal være orienteret om sin tavshedspligt, før de deltager.",
        );
    }
    let (Some((item, case)), Some(name), Some(organisation), Some(function), true) =
        (item, name, organisation, function, errors.is_empty())
    else {
        return render_guest(&state, &current, &loaded, form, errors, FormState::Invalid).await;
    };
    let (meeting, by, now) = (loaded.meeting.id, current.user.id, state.clock.now());
    let guest = NewGuest {
        item,
        case,
        name: &name,
        organisation: &organisation,
        function: &function,
    };
    let done = change(
        &state,
        &current,
        &loaded,
        &form.version,
        "guest_added",
        async |conn| {
            agenda::add_guest(conn, meeting, &guest, by, now).await?;
            Ok(true)
        },
    )
    .await?;
    if !done {
        form.version = super::load(&state, &current, &raw)
            .await?
            .meeting
            .version
            .to_string();
        return render_guest(
            &state,
            &current,
            &loaded,
            form,
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    set_notice(
        &current.session,
        &format!("{name} deltager i punktet om sin sag og er orienteret om tavshedspligten."),
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

pub(crate) async fn submit_remove_guest(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_guest)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let guest = parse_id(&raw_guest, MeetingGuestId)?;
    let meeting = loaded.meeting.id;
    let done = change(
        &state,
        &current,
        &loaded,
        &form.version,
        "guest_removed",
        async |conn| Ok(agenda::remove_guest(conn, meeting, guest).await?),
    )
    .await?;
    back(&current, &loaded, done, "Deltageren er fjernet.").await
}
