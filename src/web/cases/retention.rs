//! Deletion on schedule, as the coordinator meets it: the municipality's cases due for deletion
//! within 30 days ("Sletning"), and postponing one case's deletion with a reason and a new date
//! (a step on the closed case, in its history and the audit trail). Nobody else can stop it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::{Date, Duration};

use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{add_months, format_date_da, parse_date, today_copenhagen};
use crate::domain::workflow::Move;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction};
use crate::store::retention::{self, Due};
use crate::web::extract::Form;
use crate::web::filters;
use crate::web::forms::{self, FieldErrors, FormState};
use crate::web::layout::{self, PageContext, set_notice};

/// How far ahead the coordinator's list looks.
const NOTICE_DAYS: i64 = 30;
/// A bound on the page; the purge deletes the rest on its own all the same.
const LIST_MAX: i64 = 500;
const REASON_MAX: usize = 2000;

struct DueRow {
    href: String,
    reference: String,
    closed: Date,
    due: Date,
    extended: bool,
}

#[derive(Template)]
#[template(path = "cases/retention_list.html")]
struct DueListPage {
    page: PageContext,
    rows: Vec<DueRow>,
    until: Date,
}

pub(crate) async fn show_due_list(
    State(state): State<AppState>,
    current: CurrentUser,
) -> AppResult<Response> {
    let municipality = current.user.municipality_id.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let until = today_copenhagen(now) + Duration::days(NOTICE_DAYS);
    let shortest = state
        .tenants
        .by_id(municipality)
        .map_or(0, |m| m.profile.retention.shortest_months());
    let due = retention::due_by(&state.db, municipality, until, shortest, LIST_MAX).await?;
    audit::record(
        &state.db,
        &current
            .audit(AuditAction::RetentionListViewed)
            .in_municipality(Some(municipality))
            .showing(due.iter().map(|d| d.id.0)),
        now,
    )
    .await?;
    let page = DueListPage {
        page: PageContext::for_user(&current, "Sager, der snart slettes", "/sletning").await?,
        rows: due
            .into_iter()
            .map(|d| DueRow {
                href: format!("/sager/{}", d.id),
                reference: d.reference,
                closed: today_copenhagen(d.closed_at),
                due: d.due,
                extended: d.extended_until.is_some_and(|e| e >= d.due),
            })
            .collect(),
        until,
    };
    layout::ok(&page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ExtendForm {
    version: String,
    until: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "cases/retention_extend.html")]
struct ExtendPage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    form: ExtendForm,
    due: Date,
    latest: Date,
}

/// The latest date the profile allows the deletion to be postponed to.
fn latest(loaded: &Loaded, due: Due) -> Date {
    add_months(
        due.base,
        loaded.municipality.profile.retention.max_extension_months,
    )
}

async fn render(
    current: &CurrentUser,
    loaded: &Loaded,
    due: Due,
    form: ExtendForm,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let page = ExtendPage {
        page: PageContext::for_user(current, "Udskyd sletningen", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        form,
        due: due.due,
        latest: latest(loaded, due),
    };
    layout::render(form_state.status(), &page)
}

/// The case and when it is due; a case that is not closed (or already deleted) has nothing to
/// postpone.
async fn load_due(state: &AppState, current: &CurrentUser, raw: &str) -> AppResult<(Loaded, Due)> {
    let loaded = load(state, current, raw).await?;
    let due = retention::due_of(&state.db, loaded.case.id).await?;
    Ok((loaded, due.ok_or(AppError::NotFound)?))
}

pub(crate) async fn show_extend_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (loaded, due) = load_due(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::ExtendRetention)? {
        return not_now(&current, &loaded).await;
    }
    audit_view(&state, &current, &loaded).await?;
    let form = ExtendForm {
        version: loaded.case.version.to_string(),
        ..ExtendForm::default()
    };
    render(
        &current,
        &loaded,
        due,
        form,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

/// Checks the new date: after today and after the date the case is due now, and no later than
/// the profile allows.
fn check_until(
    errors: &mut FieldErrors,
    raw: &str,
    today: Date,
    due: Date,
    latest: Date,
) -> Option<Date> {
    let message = match parse_date(raw) {
        None if raw.trim().is_empty() => "Skriv datoen, sletningen skal udskydes til.".to_owned(),
        None => "Skriv datoen som dag.måned.år, f.eks. 24.12.2027, og kun en dato, der findes."
            .to_owned(),
        Some(d) if d <= today => "Datoen ligger ikke i fremtiden.".to_owned(),
        Some(d) if d <= due => format!(
            "Sagen slettes allerede {}; vælg en senere dato for at udskyde den.",
            format_date_da(due)
        ),
        Some(d) if d > latest => format!(
            "Sletningen kan højst udskydes til {} efter kommunens regler.",
            format_date_da(latest)
        ),
        Some(d) => return Some(d),
    };
    errors.add("until", message);
    None
}

pub(crate) async fn submit_extend(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(mut form): Form<ExtendForm>,
) -> AppResult<Response> {
    let (loaded, due) = load_due(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::ExtendRetention)? {
        form.version = loaded.case.version.to_string();
        return render(
            &current,
            &loaded,
            due,
            form,
            FieldErrors::new(),
            FormState::Conflict,
        )
        .await;
    }
    let now = state.clock.now();
    let mut errors = FieldErrors::new();
    let until = check_until(
        &mut errors,
        &form.until,
        today_copenhagen(now),
        due.due,
        latest(&loaded, due),
    );
    let reason = forms::text(&mut errors, "reason", &form.reason, true, REASON_MAX);
    let (Some(until), Some(reason)) = (until, reason) else {
        return render(&current, &loaded, due, form, errors, FormState::Invalid).await;
    };
    let text = format!("Til {}: {reason}", format_date_da(until));
    let step = Step::new(Move::ExtendRetention, &form.version, now).reason(Some(&text));
    let id = loaded.case.id;
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        retention::extend(conn, id, until).await?;
        Ok(true)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        form.version = fresh.case.version.to_string();
        return render(&current, &fresh, due, form, errors, FormState::Conflict).await;
    }
    set_notice(
        &current.session,
        &format!("Sletningen er udskudt til {}.", format_date_da(until)),
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_postponement_is_later_than_today_and_the_due_date_and_within_the_limit() {
        let (today, due, latest) = (
            date!(2031 - 11 - 01),
            date!(2031 - 11 - 20),
            date!(2033 - 11 - 20),
        );
        let check = |raw: &str| {
            let mut errors = FieldErrors::new();
            let d = check_until(&mut errors, raw, today, due, latest);
            (d, errors.get("until").map(str::to_owned))
        };
        assert_eq!(check("01.06.2032").0, Some(date!(2032 - 06 - 01)));
        assert_eq!(check("20.11.2033").0, Some(latest));
        assert!(check("").1.is_some_and(|m| m.contains("Skriv datoen")));
        assert!(
            check("31.02.2032")
                .1
                .is_some_and(|m| m.contains("dag.måned.år"))
        );
        assert!(
            check("01.10.2031")
                .1
                .is_some_and(|m| m.contains("fremtiden"))
        );
        assert!(
            check("15.11.2031")
                .1
                .is_some_and(|m| m.contains("slettes allerede"))
        );
        assert!(
            check("21.11.2033")
                .1
                .is_some_and(|m| m.contains("højst udskydes til 20.11.2033"))
        );
    }
}
