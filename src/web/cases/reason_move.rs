//! Moves that need nothing but a reason: sending a case back for a new assessment, and
//! reopening a closed case. One form, one submit path; the moves differ only in their words.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::workflow::Move;
use crate::error::AppResult;
use crate::web::extract::Form;
use crate::web::forms::FormState;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};

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
    notice: "Sagen er sendt til ny vurdering i kernegruppen.",
};

pub(crate) const REOPEN: ReasonMove = ReasonMove {
    mv: Move::Reopen,
    path: "genaabn",
    title: "Genåbn sagen",
    intro: "En genåbnet sag begynder forfra som modtaget: Infohus-tovholderen sender den til politiets screening igen. Alt, hvad der er registreret på sagen, bliver stående.",
    label: "Hvorfor genåbnes sagen?",
    button: "Genåbn sagen",
    notice: "Sagen er genåbnet og står som modtaget.",
};

impl ReasonMove {
    fn page(
        &self,
        page: PageContext,
        loaded: &Loaded,
        form: ReasonForm,
        errors: FieldErrors,
        form_state: FormState,
    ) -> ReasonPage {
        ReasonPage {
            page,
            head: CaseHeader::of(loaded),
            conflict: form_state.conflict(super::CONFLICT_MESSAGE),
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
        audit_view(state, current, &loaded).await?;
        self.render(current, &loaded, form, FieldErrors::new(), FormState::Fresh)
            .await
    }

    async fn render(
        &self,
        current: &CurrentUser,
        loaded: &Loaded,
        form: ReasonForm,
        errors: FieldErrors,
        form_state: FormState,
    ) -> AppResult<Response> {
        let page = PageContext::for_user(current, self.title, "/sager").await?;
        let page = self.page(page, loaded, form, errors, form_state);
        layout::render(form_state.status(), &page)
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
        if let Verdict::Stale = verdict(&loaded, self.mv)? {
            form.version = loaded.case.version.to_string();
            return self
                .render(current, &loaded, form, errors, FormState::Conflict)
                .await;
        }
        let Some(reason) = reason else {
            return self
                .render(current, &loaded, form, errors, FormState::Invalid)
                .await;
        };
        let step = Step::new(self.mv, &form.version, state.clock.now()).reason(Some(&reason));
        if let Taken::Conflict(fresh) =
            step::take(state, current, &loaded, step, step::nothing).await?
        {
            form.version = fresh.case.version.to_string();
            return self
                .render(current, &fresh, form, errors, FormState::Conflict)
                .await;
        }
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
