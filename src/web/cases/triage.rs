//! The joint triage: the coordinator records what they and the police decided together,
//! naming the police user who took part.

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
use crate::domain::workflow::{Move, TriageOutcome};
use crate::error::AppResult;
use crate::store::cases::screening;
use crate::store::users;
use crate::web::extract::Form;
use crate::web::forms::FormState;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TriageForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    police_user: String,
    #[serde(default)]
    referred_to: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "cases/triage.html")]
struct TriagePage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: TriageForm,
    police: Vec<(String, String)>,
}

async fn render(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    form: TriageForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let police = users::police_in_district(&state.db, loaded.district())
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let page = TriagePage {
        page: PageContext::for_user(current, "Fælles vurdering", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        form,
        police,
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_triage_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::TriageWithinRemit)? {
        return not_now(&current, &loaded).await;
    }
    let form = TriageForm {
        version: loaded.case.version.to_string(),
        ..TriageForm::default()
    };
    audit_view(&state, &current, &loaded).await?;
    render(
        &state,
        &current,
        &loaded,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_triage(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(mut form): Form<TriageForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let mut errors = FieldErrors::new();
    let outcome = TriageOutcome::parse(form.outcome.trim());
    if outcome.is_none() {
        errors.add("outcome", "Vælg jeres fælles vurdering.");
    }
    let police = users::police_in_district(&state.db, loaded.district()).await?;
    let police_user =
        UserId::parse(form.police_user.trim()).filter(|id| police.iter().any(|(p, _)| p == id));
    if police_user.is_none() {
        errors.add(
            "police_user",
            "Vælg den fra politiet, der deltog i vurderingen.",
        );
    }
    let outside = outcome == Some(TriageOutcome::OutsideRemit);
    let referred_to = forms::text(&mut errors, "referred_to", &form.referred_to, outside, 300);
    let note = forms::text(&mut errors, "note", &form.note, false, 4000);
    let mv = if outside {
        Move::TriageOutsideRemit
    } else {
        Move::TriageWithinRemit
    };
    let verdict = verdict(&loaded, mv)?;
    if let Verdict::Stale = verdict {
        form.version = loaded.case.version.to_string();
        return render(&state, &current, &loaded, form, errors, FormState::Conflict).await;
    }
    let (Verdict::Allowed, Some(outcome), Some(police_user), true) =
        (verdict, outcome, police_user, errors.is_empty())
    else {
        return render(&state, &current, &loaded, form, errors, FormState::Invalid).await;
    };
    let now = state.clock.now();
    let referred_to = if outside { referred_to } else { None };
    let step = Step::new(mv, &form.version, now)
        .reason(referred_to.as_deref())
        .closing_text(referred_to.as_deref());
    let triage = screening::NewTriage {
        case: loaded.case.id,
        coordinator: current.user.id,
        police_user,
        outcome,
        referred_to: referred_to.as_deref(),
        note: note.as_deref(),
        at: now,
    };
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        screening::record_triage(conn, &triage).await?;
        Ok(true)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render(&state, &current, &fresh, form, errors, FormState::Conflict).await;
    }
    set_notice(
        &current.session,
        if outside {
            "Den fælles vurdering er registreret: sagen er uden for Infohus' område og lukket."
        } else {
            "Den fælles vurdering er registreret: sagen går videre til analyse og vurdering."
        },
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}
