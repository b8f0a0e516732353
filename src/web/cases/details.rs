//! "Sagens oplysninger": what the coordinator records about the case outside the flow — the
//! person's name and address protection (navne- og adressebeskyttelse) and the authority's own
//! journal number (ESDH), so that Infohus refers to the municipality's records instead of
//! copying them. A step like any other ([`step::take`]): version-checked, with its history
//! and audit rows.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::intake::subject::PROTECTION_TICK;
use crate::domain::workflow::{CaseEvent, Move};
use crate::error::AppResult;
use crate::store::cases as store;
use crate::web::extract::Form;
use crate::web::forms::{self, FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};

/// The journal numbers of ESDH systems are short ("27.00.00-G01-123-26"); the column allows 60.
const JOURNAL_MAX: usize = 60;
const REASON_MAX: usize = 2000;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DetailsForm {
    version: String,
    journal_number: String,
    /// "ja" or empty.
    subject_address_protected: String,
    /// Why the protection is lifted; asked only then.
    reason: String,
}

#[derive(Template)]
#[template(path = "cases/details.html")]
struct DetailsPage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: DetailsForm,
    /// Protected now, so that unticking asks for a reason.
    protected_now: bool,
}

fn render(
    page: PageContext,
    loaded: &Loaded,
    form: DetailsForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let page = DetailsPage {
        page,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        form,
        protected_now: loaded.case.subject_address_protected,
    };
    layout::render(form_state.status(), &page)
}

async fn page(current: &CurrentUser) -> AppResult<PageContext> {
    PageContext::for_user(current, "Sagens oplysninger", "/sager").await
}

pub(crate) async fn show_details(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::EditDetails)? {
        return not_now(&current, &loaded).await;
    }
    let case = &loaded.case;
    let form = DetailsForm {
        version: case.version.to_string(),
        journal_number: case.journal_number.clone().unwrap_or_default(),
        subject_address_protected: if case.subject_address_protected {
            "ja".to_owned()
        } else {
            String::new()
        },
        reason: String::new(),
    };
    audit_view(&state, &current, &loaded).await?;
    render(
        page(&current).await?,
        &loaded,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
}

/// What a valid form changes, as the history tells it.
fn history_entry(
    protection: Option<bool>,
    journal: Option<&Option<String>>,
    reason: Option<&str>,
) -> (CaseEvent, String) {
    let journal_text = |j: &Option<String>| match j {
        Some(n) => format!("Journalnummer: {n}"),
        None => "Journalnummeret er fjernet".to_owned(),
    };
    match (protection, journal) {
        (Some(true), None) => (CaseEvent::AddressProtectionSet, String::new()),
        (Some(false), None) => (
            CaseEvent::AddressProtectionLifted,
            reason.unwrap_or_default().to_owned(),
        ),
        (None, Some(j)) => (CaseEvent::JournalNumberSet, journal_text(j)),
        (Some(p), Some(j)) => {
            let protection = if p {
                "Navne- og adressebeskyttelse registreret".to_owned()
            } else {
                format!(
                    "Navne- og adressebeskyttelse ophævet: {}",
                    reason.unwrap_or_default()
                )
            };
            (
                CaseEvent::DetailsChanged,
                format!("{protection}. {}", journal_text(j)),
            )
        }
        (None, None) => (CaseEvent::DetailsChanged, String::new()),
    }
}

pub(crate) async fn submit_details(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(mut form): Form<DetailsForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::EditDetails)? {
        form.version = loaded.case.version.to_string();
        let page = page(&current).await?;
        return render(page, &loaded, form, FieldErrors::new(), FormState::Conflict);
    }
    let mut errors = FieldErrors::new();
    let journal = forms::text(
        &mut errors,
        "journal_number",
        &form.journal_number,
        false,
        JOURNAL_MAX,
    );
    let protected = forms::tick(
        &mut errors,
        "subject_address_protected",
        &form.subject_address_protected,
        PROTECTION_TICK,
    );
    let case = &loaded.case;
    let lifting = protected == Some(false) && case.subject_address_protected;
    let reason = forms::text(&mut errors, "reason", &form.reason, lifting, REASON_MAX);
    let (Some(protected), true) = (protected, errors.is_empty()) else {
        let page = page(&current).await?;
        return render(page, &loaded, form, errors, FormState::Invalid);
    };
    let protection_change = (protected != case.subject_address_protected).then_some(protected);
    let journal_change = (journal != case.journal_number).then_some(&journal);
    if protection_change.is_none() && journal_change.is_none() {
        set_notice(&current.session, "Der var ingen ændringer at gemme.").await?;
        return Ok(Redirect::to(&loaded.href()).into_response());
    }
    let (code, text) = history_entry(protection_change, journal_change, reason.as_deref());
    let step = Step::new(Move::EditDetails, &form.version, state.clock.now())
        .history_code(code)
        .reason(Some(&text).filter(|t| !t.is_empty()).map(String::as_str));
    let id = case.id;
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        store::set_details(conn, id, protected, journal.as_deref()).await?;
        Ok(true)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        let page = page(&current).await?;
        return render(page, &fresh, form, errors, FormState::Conflict);
    }
    set_notice(&current.session, "Sagens oplysninger er gemt.").await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_names_what_changed() {
        let number = Some("27.00.00-G01-1-26".to_owned());
        assert_eq!(
            history_entry(Some(true), None, None).0,
            CaseEvent::AddressProtectionSet
        );
        assert_eq!(
            history_entry(Some(false), None, Some("Ophævet af CPR")),
            (
                CaseEvent::AddressProtectionLifted,
                "Ophævet af CPR".to_owned()
            )
        );
        assert_eq!(
            history_entry(None, Some(&number), None),
            (
                CaseEvent::JournalNumberSet,
                "Journalnummer: 27.00.00-G01-1-26".to_owned()
            )
        );
        let (code, text) = history_entry(Some(true), Some(&None), None);
        assert_eq!(code, CaseEvent::DetailsChanged);
        assert!(text.contains("registreret") && text.contains("fjernet"));
    }
}
