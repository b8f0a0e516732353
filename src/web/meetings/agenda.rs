//! Building the agenda: a case from the suggestions or by its reference, a general item, the
//! order of the items. Who is there is in [`super::people`].

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{CONFLICT_MESSAGE, Loaded, VersionForm, back, change, load_as_organiser};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::{CaseId, MeetingItemId};
use crate::domain::meeting;
use crate::domain::workflow::CaseEvent;
use crate::error::{AppError, AppResult};
use crate::store::cases as case_store;
use crate::store::meetings as store;
use crate::store::meetings::agenda::{self, NewItem};
use crate::web::extract::{Form, parse_id};
use crate::web::forms::{self, FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SuggestedForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    case_id: String,
}

/// The case an organiser puts on the agenda, if it is one of the meeting's municipality that
/// they may see; 404 otherwise, as for a case that does not exist.
async fn case_for_agenda(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    id: CaseId,
) -> AppResult<CaseId> {
    let case = crate::web::cases::load_id(state, current, id).await?;
    if Some(case.case.municipality_id) != loaded.meeting.municipality_id {
        return Err(AppError::NotFound);
    }
    Ok(case.case.id)
}

/// The agenda is built until the meeting is held; the network's only from general items.
fn agenda_closed(loaded: &Loaded) -> bool {
    !loaded.meeting.status.agenda_open()
}

pub(crate) async fn submit_suggested(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<SuggestedForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    if loaded.meeting.kind.is_network() {
        return Err(AppError::NotFound);
    }
    let case = case_for_agenda(&state, &current, &loaded, parse_id(&form.case_id, CaseId)?).await?;
    if agenda_closed(&loaded) {
        return back(&current, &loaded, false, "").await;
    }
    let done = change(
        &state,
        &current,
        &loaded,
        &form.version,
        "item_added",
        async |conn| schedule(conn, &state, &current, &loaded, NewItem::Case(case)).await,
    )
    .await?;
    back(&current, &loaded, done, "Sagen er sat på dagsordenen.").await
}

/// Puts the item on the agenda; a case's team joins the participants, and its timeline notes the
/// meeting it is on. `false` when the case is on the agenda already.
async fn schedule(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    item: NewItem<'_>,
) -> AppResult<bool> {
    let case = match item {
        NewItem::Case(c) => Some(c),
        NewItem::General(_) => None,
    };
    let (id, kind) = (loaded.meeting.id, loaded.meeting.kind);
    if agenda::add_item(&mut *conn, id, kind, item)
        .await?
        .is_none()
    {
        return Ok(false);
    }
    if let Some(case) = case {
        store::invite_team(&mut *conn, id, case).await?;
        agenda::record_on_case(
            conn,
            case,
            id,
            CaseEvent::MeetingScheduled,
            Some(&loaded.title()),
            current.user.id,
            state.clock.now(),
        )
        .await?;
    }
    Ok(true)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ItemForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    reference: String,
}

#[derive(Template)]
#[template(path = "meetings/item_new.html")]
struct NewItemPage {
    page: PageContext,
    href: String,
    title: String,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: ItemForm,
    network: bool,
}

async fn render_new_item(
    current: &CurrentUser,
    loaded: &Loaded,
    form: ItemForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let page = NewItemPage {
        page: PageContext::for_user(current, "Nyt punkt på dagsordenen", "/moeder").await?,
        href: loaded.href(),
        title: loaded.title(),
        conflict: form_state.conflict(CONFLICT_MESSAGE),
        errors,
        form,
        network: loaded.meeting.kind.is_network(),
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_new_item(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    if agenda_closed(&loaded) {
        return back(&current, &loaded, false, "").await;
    }
    let form = ItemForm {
        version: loaded.meeting.version.to_string(),
        ..ItemForm::default()
    };
    render_new_item(
        &current,
        &loaded,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_new_item(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(mut form): Form<ItemForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let mut errors = FieldErrors::new();
    let title = forms::text(&mut errors, "title", &form.title, false, meeting::TITLE_MAX);
    let reference = forms::text(&mut errors, "reference", &form.reference, false, 40);
    let network = loaded.meeting.kind.is_network();
    let mut case = None;
    match (&title, &reference) {
        (Some(_), Some(_)) => errors.add(
            "reference",
            "Et punkt er enten en sag eller et generelt punkt. Udfyld kun det ene felt.",
        ),
        (None, None) if errors.is_empty() => errors.add(
            if network { "title" } else { "reference" },
            if network {
                "Skriv punktets overskrift."
            } else {
                "Skriv sagsnummeret eller en overskrift på et generelt punkt."
            },
        ),
        (None, Some(_)) if network => errors.add(
            "reference",
            "Netværksmødet drøfter ikke sager: kun generelle punkter.",
        ),
        (None, Some(r)) => {
            let found = match loaded.meeting.municipality_id {
                Some(m) => case_store::brief_by_reference(&state.db, m, r).await?,
                None => None,
            };
            match found {
                Some(c) if c.is_open() => case = Some(c.id),
                Some(_) => errors.add("reference", "Sagen er afsluttet."),
                None => errors.add("reference", "Der er ingen sag med det nummer i kommunen."),
            }
        }
        _ => {}
    }
    if let Some(c) = case {
        case_for_agenda(&state, &current, &loaded, c).await?;
    }
    if !errors.is_empty() {
        return render_new_item(&current, &loaded, form, errors, FormState::Invalid).await;
    }
    let closed = agenda_closed(&loaded);
    let done = !closed
        && change(
            &state,
            &current,
            &loaded,
            &form.version,
            "item_added",
            async |conn| {
                let item = match (case, title.as_deref()) {
                    (Some(c), _) => NewItem::Case(c),
                    (None, Some(t)) => NewItem::General(t),
                    (None, None) => return Ok(false),
                };
                schedule(conn, &state, &current, &loaded, item).await
            },
        )
        .await?;
    if !done {
        form.version = super::load(&state, &current, &raw)
            .await?
            .meeting
            .version
            .to_string();
        return render_new_item(
            &current,
            &loaded,
            form,
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    set_notice(&current.session, "Punktet er sat på dagsordenen.").await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MoveForm {
    #[serde(default)]
    version: String,
    /// `op` or `ned`.
    #[serde(default)]
    retning: String,
}

pub(crate) async fn submit_move(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_item)): Path<(String, String)>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let item = parse_id(&raw_item, MeetingItemId)?;
    let up = match form.retning.trim() {
        "op" => true,
        "ned" => false,
        _ => return Err(AppError::BadRequest),
    };
    let id = loaded.meeting.id;
    let done = change(
        &state,
        &current,
        &loaded,
        &form.version,
        "item_moved",
        async |conn| Ok(agenda::move_item(conn, id, item, up).await?),
    )
    .await?;
    back(&current, &loaded, done, "Dagsordenen er ændret.").await
}

pub(crate) async fn submit_remove(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((raw, raw_item)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let loaded = load_as_organiser(&state, &current, &raw).await?;
    let item = parse_id(&raw_item, MeetingItemId)?;
    if agenda_closed(&loaded) {
        return back(&current, &loaded, false, "").await;
    }
    let id = loaded.meeting.id;
    let done = change(
        &state,
        &current,
        &loaded,
        &form.version,
        "item_removed",
        async |conn| Ok(agenda::remove_item(conn, id, item).await?),
    )
    .await?;
    back(&current, &loaded, done, "Punktet er taget af dagsordenen.").await
}
