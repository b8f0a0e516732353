//! The police user named in a joint decision agreed by phone: confirms it, or objects to it
//! with a reason while the profile's working days last and the case is still where the
//! decision left it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::show::{CaseHeader, audit_view};
use super::super::step::{self, Step, Taken};
use super::super::{Loaded, Verdict, load, not_now};
use super::joint_verdict;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::today_copenhagen;
use crate::domain::workflow::{Agreement, Move};
use crate::error::AppResult;
use crate::store::cases::screening;
use crate::web::extract::Form;
use crate::web::filters;
use crate::web::forms::{self, FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AnswerForm {
    #[serde(default)]
    version: String,
    /// `confirm` or `object`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "cases/triage_answer.html")]
struct AnswerPage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: AnswerForm,
    decision: Option<screening::Triage>,
    /// The last day to object, while it has not passed.
    object_by: Option<time::Date>,
}

async fn render_answer(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    form: AnswerForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let today = today_copenhagen(state.clock.now());
    let decision = screening::triages_of(&state.db, loaded.case.id)
        .await?
        .into_iter()
        .rev()
        .find(|t| t.by_phone && t.confirmed_at.is_none() && t.objected_at.is_none());
    let may_object = joint_verdict(state, loaded, Move::ObjectToTriage, Agreement::Confirm)
        .is_ok_and(|v| matches!(v, Verdict::Allowed));
    let page = AnswerPage {
        page: PageContext::for_user(current, "Bekræft den fælles vurdering", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::super::CONFLICT_MESSAGE),
        errors,
        form,
        decision,
        object_by: loaded
            .case
            .triage
            .viewer_to_confirm
            .filter(|&d| may_object && today <= d),
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_answer_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = joint_verdict(
        &state,
        &loaded,
        Move::ConfirmPhoneTriage,
        Agreement::Confirm,
    )? {
        return not_now(&current, &loaded).await;
    }
    let form = AnswerForm {
        version: loaded.case.version.to_string(),
        ..AnswerForm::default()
    };
    audit_view(&state, &current, &loaded).await?;
    render_answer(
        &state,
        &current,
        &loaded,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

/// The named police user confirms a decision agreed by phone, or objects to it with a reason.
pub(crate) async fn submit_answer(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(mut form): Form<AnswerForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let mut errors = FieldErrors::new();
    let object = form.action == "object";
    let mv = if object {
        Move::ObjectToTriage
    } else {
        Move::ConfirmPhoneTriage
    };
    let reason = forms::text(&mut errors, "reason", &form.reason, object, 4000);
    if let Verdict::Stale = joint_verdict(&state, &loaded, mv, Agreement::Confirm)? {
        form.version = loaded.case.version.to_string();
        return render_answer(&state, &current, &loaded, form, errors, FormState::Conflict).await;
    }
    if !errors.is_empty() {
        return render_answer(&state, &current, &loaded, form, errors, FormState::Invalid).await;
    }
    let now = state.clock.now();
    let objection = if object { reason.as_deref() } else { None };
    let step = Step::new(mv, &form.version, now).reason(objection);
    let (case, police_user) = (loaded.case.id, current.user.id);
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        Ok(screening::answer_phone_triage(conn, case, police_user, objection, now).await?)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render_answer(&state, &current, &fresh, form, errors, FormState::Conflict).await;
    }
    set_notice(
        &current.session,
        if object {
            "Din indsigelse er registreret: sagen er tilbage til den fælles vurdering."
        } else {
            "Du har bekræftet den fælles vurdering."
        },
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}
