//! Planning a meeting: its kind, when and where, and its chair. The police coordinator plans
//! the district's network meeting, which takes the district's figures for the last quarter
//! along as a snapshot.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{copenhagen_instant, parse_time, today_copenhagen};
use crate::domain::ids::UserId;
use crate::domain::meeting::{self, MeetingKind};
use crate::domain::policy::{self, MeetingHome as Home, Role};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, ObjectType};
use crate::store::meetings::{self as store, NewMeeting};
use crate::store::users;
use crate::web::cases::date_field;
use crate::web::extract::Form;
use crate::web::forms::{self, FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};

/// Where the organiser's new meeting belongs, as the policy says.
fn home_of(current: &CurrentUser) -> Option<Home> {
    policy::meeting_home(&current.user.actor())
}

/// The kinds a new meeting of this home may have.
pub(crate) fn kinds_for(home: &Home) -> &'static [MeetingKind] {
    match home {
        Home::Municipality(_) => &MeetingKind::MUNICIPAL,
        Home::Network(_) => &[MeetingKind::Network],
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewMeetingForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    other_participants: String,
}

#[derive(Template)]
#[template(path = "meetings/new.html")]
struct NewMeetingPage {
    page: PageContext,
    errors: FieldErrors,
    form: NewMeetingForm,
    kinds: Vec<(&'static str, &'static str)>,
    chairs: Vec<(String, String)>,
    network: bool,
    forum: String,
}

/// Who may chair: the municipality's coordinators, or the district's police.
async fn chairs(state: &AppState, home: &Home) -> AppResult<Vec<(UserId, String)>> {
    let people = match home {
        Home::Municipality(m) => {
            users::with_role_in_municipality(&state.db, *m, Role::Coordinator).await?
        }
        Home::Network(d) => users::police_in_district(&state.db, *d).await?,
    };
    Ok(people)
}

fn forum(state: &AppState, home: &Home) -> String {
    match home {
        Home::Municipality(m) => super::forum_name(state, Some(*m), None),
        Home::Network(d) => super::forum_name(state, None, Some(*d)),
    }
}

async fn render(
    state: &AppState,
    current: &CurrentUser,
    home: &Home,
    form: NewMeetingForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let page = NewMeetingPage {
        page: PageContext::for_user(current, "Nyt møde", "/moeder").await?,
        errors,
        form,
        kinds: kinds_for(home)
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        chairs: chairs(state, home)
            .await?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        network: matches!(home, Home::Network(_)),
        forum: forum(state, home),
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_new(
    State(state): State<AppState>,
    current: CurrentUser,
) -> AppResult<Response> {
    let home = home_of(&current).ok_or(AppError::Forbidden)?;
    let form = NewMeetingForm {
        kind: kinds_for(&home)[0].as_str().to_owned(),
        time: "14.00".to_owned(),
        chair: current.user.id.to_string(),
        ..NewMeetingForm::default()
    };
    render(
        &state,
        &current,
        &home,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_new(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<NewMeetingForm>,
) -> AppResult<Response> {
    let home = home_of(&current).ok_or(AppError::Forbidden)?;
    let mut errors = FieldErrors::new();
    let kind = MeetingKind::parse(form.kind.trim()).filter(|k| kinds_for(&home).contains(k));
    if kind.is_none() {
        errors.add("kind", "Vælg mødets art.");
    }
    let now = state.clock.now();
    let date = date_field(&mut errors, "date", &form.date);
    if date.is_some_and(|d| d < today_copenhagen(now) - time::Duration::days(365)) {
        errors.add("date", "Datoen ligger mere end et år tilbage.");
    }
    let time = parse_time(&form.time);
    if time.is_none() {
        errors.add("time", "Skriv tidspunktet som tt.mm, fx 14.00.");
    }
    let place = forms::text(&mut errors, "place", &form.place, true, meeting::PLACE_MAX);
    let chairs = chairs(&state, &home).await?;
    let chair = UserId::parse(form.chair.trim()).filter(|id| chairs.iter().any(|(c, _)| c == id));
    if chair.is_none() {
        errors.add("chair", "Vælg mødelederen på listen.");
    }
    let network = matches!(home, Home::Network(_));
    let other = if network {
        forms::text(
            &mut errors,
            "other_participants",
            &form.other_participants,
            false,
            meeting::OTHER_PARTICIPANTS_MAX,
        )
    } else {
        None
    };
    let starts_at = match (date, time) {
        (Some(d), Some((h, m))) => copenhagen_instant(d, h, m),
        _ => None,
    };
    let (Some(kind), Some(starts_at), Some(place), Some(chair), true) =
        (kind, starts_at, place, chair, errors.is_empty())
    else {
        return render(&state, &current, &home, form, errors, FormState::Invalid).await;
    };
    let (municipality_id, police_district_id) = match home {
        Home::Municipality(m) => (Some(m), None),
        Home::Network(d) => (None, Some(d)),
    };
    let mut tx = state.db.begin().await?;
    let figures = match police_district_id {
        Some(d) => Some(crate::web::stats::district_snapshot(&mut tx, &state, d, now).await?),
        None => None,
    };
    let new = NewMeeting {
        kind,
        municipality_id,
        police_district_id,
        starts_at,
        place: &place,
        chair,
        other_participants: other.as_deref().filter(|s| !s.is_empty()),
        figures,
        created_by: current.user.id,
    };
    let id = store::create(&mut tx, &new, now).await?;
    let district = police_district_id.or(municipality_id
        .and_then(|m| state.tenants.by_id(m))
        .map(|m| m.police_district_id));
    audit::record(
        &mut *tx,
        &current
            .audit(AuditAction::MeetingChanged)
            .on(ObjectType::Meeting, id.0)
            .in_municipality(municipality_id)
            .in_district(district)
            .detail(serde_json::json!({ "change": "planned" })),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(&current.session, "Mødet er planlagt. Byg nu dagsordenen.").await?;
    Ok(Redirect::to(&format!("/moeder/{id}")).into_response())
}
