//! The case's register of disclosures: whoever works the case (coordinator, police, the case
//! team) enters what they disclosed, to whom, on which legal basis and when. A step like any
//! other ([`step::take`]), with its history and audit rows.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::today_copenhagen;
use crate::domain::disclosure::{self, DisclosureBasis, DisclosureInput};
use crate::domain::workflow::Move;
use crate::error::AppResult;
use crate::store::cases::disclosures;
use crate::web::extract::Form;
use crate::web::forms::{FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DisclosureForm {
    version: String,
    disclosed_on: String,
    recipient: String,
    content: String,
    legal_basis: String,
    legal_basis_other: String,
}

#[derive(Template)]
#[template(path = "cases/disclosure.html")]
struct DisclosurePage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: DisclosureForm,
    bases: Vec<(&'static str, &'static str)>,
}

async fn render(
    current: &CurrentUser,
    loaded: &Loaded,
    form: DisclosureForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let page = DisclosurePage {
        page: PageContext::for_user(current, "Registrér en videregivelse", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        form,
        bases: DisclosureBasis::ALL
            .iter()
            .map(|b| (b.as_str(), b.label()))
            .collect(),
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_disclosure_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::RecordDisclosure)? {
        return not_now(&current, &loaded).await;
    }
    audit_view(&state, &current, &loaded).await?;
    let form = DisclosureForm {
        version: loaded.case.version.to_string(),
        ..DisclosureForm::default()
    };
    render(
        &current,
        &loaded,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_disclosure(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(mut form): Form<DisclosureForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::RecordDisclosure)? {
        form.version = loaded.case.version.to_string();
        return render(
            &current,
            &loaded,
            form,
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    let now = state.clock.now();
    let mut errors = FieldErrors::new();
    let checked = disclosure::check(
        DisclosureInput {
            disclosed_on: &form.disclosed_on,
            recipient: &form.recipient,
            content: &form.content,
            legal_basis: &form.legal_basis,
            legal_basis_other: &form.legal_basis_other,
        },
        today_copenhagen(now),
        &mut errors,
    );
    let Some(d) = checked.filter(|_| errors.is_empty()) else {
        return render(&current, &loaded, form, errors, FormState::Invalid).await;
    };
    // The history names the recipient, not what was given: the register holds that.
    let text = format!("Til {}", d.recipient);
    let step = Step::new(Move::RecordDisclosure, &form.version, now).reason(Some(&text));
    let (case, by) = (loaded.case.id, current.user.id);
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        disclosures::record(conn, case, &d, by, now).await?;
        Ok(true)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render(&current, &fresh, form, errors, FormState::Conflict).await;
    }
    set_notice(&current.session, "Videregivelsen er registreret.").await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}
