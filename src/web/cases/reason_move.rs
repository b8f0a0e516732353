//! Moves that need nothing but a reason: sending a case back for a new assessment, and
//! reopening a closed case. One form, one submit path; the moves differ only in their words.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::show::{CaseHeader, audit_view};
use super::{CONFLICT_MESSAGE, Loaded, Verdict, form_status, form_version, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::workflow::Move;
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction};
use crate::store::workflow::{self as store, Change};
use crate::web::extract::Form;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{PageContext, set_notice};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReasonForm {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Template)]
#[template(path = "cases/reason.html")]
pub(crate) struct ReasonPage {
    pub page: PageContext,
    pub head: CaseHeader,
    pub conflict: Option<&'static str>,
    pub errors: FieldErrors,
    pub form: ReasonForm,
    pub heading: &'static str,
    pub intro: &'static str,
    pub action: String,
    pub label: &'static str,
    pub hint: &'static str,
    pub button: &'static str,
}

/// What makes one reason-only move: the move, its address under the case, and its words.
pub(crate) struct ReasonMove {
    mv: Move,
    path: &'static str,
    title: &'static str,
    intro: &'static str,
    label: &'static str,
    button: &'static str,
    audit: AuditAction,
    notice: &'static str,
}

const REASON_MAX: usize = 4000;

pub(crate) const REASSESS: ReasonMove = ReasonMove {
    mv: Move::Reassess,
    path: "ny-vurdering",
    title: "Send sagen til ny vurdering",
    intro: "Sagen går tilbage til analyse og vurdering i kernegruppen. Handleplanen og indsatserne bliver stående, og den nye vurdering viser, hvad der har ændret sig siden sidst.",
    label: "Hvorfor skal sagen vurderes igen?",
    button: "Send til ny vurdering",
    audit: AuditAction::CaseMoved,
    notice: "Sagen er sendt til ny vurdering i kernegruppen.",
};

pub(crate) const REOPEN: ReasonMove = ReasonMove {
    mv: Move::Reopen,
    path: "genaabn",
    title: "Genåbn sagen",
    intro: "En genåbnet sag begynder forfra som modtaget: Infohus-tovholderen sender den til politiets screening igen. Alt, hvad der er registreret på sagen, bliver stående.",
    label: "Hvorfor genåbnes sagen?",
    button: "Genåbn sagen",
    audit: AuditAction::CaseReopened,
    notice: "Sagen er genåbnet og står som modtaget.",
};

impl ReasonMove {
    fn page(
        &self,
        page: PageContext,
        loaded: &Loaded,
        form: ReasonForm,
        errors: FieldErrors,
        conflict: bool,
    ) -> ReasonPage {
        ReasonPage {
            page,
            head: CaseHeader::of(loaded),
            conflict: conflict.then_some(CONFLICT_MESSAGE),
            errors,
            form,
            heading: self.title,
            intro: self.intro,
            action: format!("{}/{}", loaded.href(), self.path),
            label: self.label,
            hint: "Begrundelsen står i sagens forløb.",
            button: self.button,
        }
    }

    async fn show(
        &self,
        state: &AppState,
        current: &CurrentUser,
        raw: &str,
    ) -> AppResult<Response> {
        let loaded = load(state, current, raw).await?;
        if let Verdict::Stale = verdict(&loaded, self.mv)? {
            return not_now(current, &loaded).await;
        }
        let form = ReasonForm {
            version: loaded.case.version.to_string(),
            reason: String::new(),
        };
        let page = PageContext::for_user(current, self.title, "/sager").await?;
        let body = self
            .page(page, &loaded, form, FieldErrors::new(), false)
            .render()?;
        audit_view(state, current, &loaded).await?;
        Ok(Html(body).into_response())
    }

    async fn submit(
        &self,
        state: &AppState,
        current: &CurrentUser,
        raw: &str,
        mut form: ReasonForm,
    ) -> AppResult<Response> {
        let loaded = load(state, current, raw).await?;
        let mut errors = FieldErrors::new();
        let reason = forms::text(&mut errors, "reason", &form.reason, true, REASON_MAX);
        let verdict = verdict(&loaded, self.mv)?;
        let page = PageContext::for_user(current, self.title, "/sager").await?;
        if let Verdict::Stale = verdict {
            form.version = loaded.case.version.to_string();
            let body = self.page(page, &loaded, form, errors, true).render()?;
            return Ok((form_status(true), Html(body)).into_response());
        }
        let (Verdict::Allowed(to), Some(reason)) = (verdict, reason) else {
            let body = self.page(page, &loaded, form, errors, false).render()?;
            return Ok((form_status(false), Html(body)).into_response());
        };
        let now = state.clock.now();
        let mut change = Change::new(
            &loaded.case,
            form_version(&form.version),
            to,
            self.mv.code(),
            current.user.id,
            now,
        );
        change.reason = Some(&reason);
        let mut tx = state.db.begin().await?;
        if !store::apply(&mut tx, &change).await? {
            tx.rollback().await?;
            let fresh = load(state, current, raw).await?;
            form.version = fresh.case.version.to_string();
            let body = self.page(page, &fresh, form, errors, true).render()?;
            return Ok((form_status(true), Html(body)).into_response());
        }
        audit::record(&mut *tx, &loaded.event(self.audit, current), now).await?;
        tx.commit().await?;
        set_notice(&current.session, self.notice).await?;
        Ok(Redirect::to(&loaded.href()).into_response())
    }
}

pub(crate) async fn show_reassess_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    REASSESS.show(&state, &current, &raw).await
}

pub(crate) async fn submit_reassess(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<ReasonForm>,
) -> AppResult<Response> {
    REASSESS.submit(&state, &current, &raw, form).await
}

pub(crate) async fn show_reopen_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    REOPEN.show(&state, &current, &raw).await
}

pub(crate) async fn submit_reopen(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<ReasonForm>,
) -> AppResult<Response> {
    REOPEN.submit(&state, &current, &raw, form).await
}
