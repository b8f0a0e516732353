//! The second factor on the way in: entering the code after the password, and setting up an
//! authenticator app (at first login when the roles require one, or from "Min konto").
//!
//! A session waiting for its code reaches these pages and logout only (see
//! [`crate::web::routes::Access::SignInStep`]); every wrong code counts towards the account's
//! lock like a wrong password, and the account's failure count is reset only when the whole
//! login has succeeded, so a known password does not buy unlimited guesses at the code.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;
use crate::auth::second_factor::{self, SessionFactor};
use crate::auth::{MaybeUser, SignInStep};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction};
use crate::store::{second_factor as factors, sessions, users};
use crate::web::extract::{Form, Query};
use crate::web::layout::{self, PageContext};
use crate::web::routes::{Routes, safe_return_path};

pub const VERIFY_PATH: &str = "/login/anden-faktor";
pub const ENROL_PATH: &str = "/konto/anden-faktor";

/// The second-factor page a half-made session goes to, returning to `next` (a local path, or a
/// path and query) afterwards.
pub fn step_url(factor: SessionFactor, next: &str) -> String {
    let page = match factor {
        SessionFactor::Enrol => ENROL_PATH,
        _ => VERIFY_PATH,
    };
    let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("{page}?next={encoded}")
}

pub fn routes() -> Routes {
    Routes::new()
        .sign_in_step(VERIFY_PATH, get(show_verify).post(submit_verify))
        .sign_in_step(ENROL_PATH, get(show_enrol).post(submit_enrol))
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct CodeForm {
    code: String,
    next: String,
}

#[derive(Template)]
#[template(path = "second_factor/verify.html")]
struct VerifyPage {
    page: PageContext,
    next: String,
    error: Option<&'static str>,
}

const WRONG_CODE: &str = "Koden er forkert, for gammel eller allerede brugt. Skriv den kode, din app viser nu, eller en af dine gendannelseskoder.";

async fn show_verify(step: SignInStep, Query(query): Query<NextQuery>) -> AppResult<Response> {
    let next = safe_return_path(query.next.as_deref());
    if step.factor != SessionFactor::Verify {
        return Ok(Redirect::to(&next).into_response());
    }
    let page = VerifyPage {
        page: PageContext::anonymous("Kode fra din app", step.csrf_token().await?),
        next,
        error: None,
    };
    layout::ok(&page)
}

async fn submit_verify(
    State(state): State<AppState>,
    step: SignInStep,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let next = safe_return_path(Some(&form.next));
    if step.factor != SessionFactor::Verify {
        return Ok(Redirect::to(&next).into_response());
    }
    let now = state.clock.now();
    let user = step.user.id;
    match gate(&state, &step).await? {
        Gate::Closed => return end_locked(&state, &step).await,
        Gate::Wait => return verify_page(&step, next, WAIT).await,
        Gate::Open => {}
    }
    let stored = factors::load(&state.db, user).await?;
    let secret = stored
        .secret_sealed
        .as_deref()
        .and_then(|sealed| state.factor_keys.open(user, sealed));
    let code = form.code.trim();
    let mut tx = state.db.begin().await?;
    let accepted = if second_factor::looks_like_recovery_code(code) {
        let hash = state.factor_keys.recovery_code_hash(user, code);
        factors::use_recovery_code(&mut *tx, user, &hash, now)
            .await?
            .then_some(SessionFactor::RecoveryCode)
    } else {
        match secret.as_deref().and_then(|s| {
            second_factor::matching_step(s, code, now.unix_timestamp(), stored.last_step)
        }) {
            // The step is claimed in the database, so the same code sent twice at once wins once.
            Some(used) => factors::use_step(&mut *tx, user, used)
                .await?
                .then_some(SessionFactor::Totp),
            None => None,
        }
    };
    let Some(factor) = accepted else {
        tx.rollback().await?;
        return wrong_code(&state, &step, next).await;
    };
    signed_in(&mut tx, &state, &step, factor).await?;
    if factor == SessionFactor::RecoveryCode {
        audit::record(&mut *tx, &step.audit(AuditAction::RecoveryCodeUsed), now).await?;
    }
    tx.commit().await?;
    step.session.cycle_id().await?;
    Ok(Redirect::to(&next).into_response())
}

/// The session is signed in: its factor recorded, the account's failures cleared, the login
/// audited. The caller commits.
async fn signed_in(
    tx: &mut sqlx::PgConnection,
    state: &AppState,
    step: &SignInStep,
    factor: SessionFactor,
) -> AppResult<()> {
    let now = state.clock.now();
    sessions::set_factor(&mut *tx, step.auth_session_id, factor).await?;
    users::record_successful_login(&mut *tx, step.user.id).await?;
    audit::record(&mut *tx, &step.audit(AuditAction::Login), now).await?;
    Ok(())
}

/// Is the account inside a delay or lock from earlier failures (then the attempt is not even
/// checked, and does not count), or disabled (then the half-made session ends)?
enum Gate {
    Open,
    Wait,
    Closed,
}

async fn gate(state: &AppState, step: &SignInStep) -> AppResult<Gate> {
    let now = state.clock.now();
    Ok(
        match users::credentials_by_email(&state.db, &step.user.email).await? {
            Some(c) if !c.active => Gate::Closed,
            None => Gate::Closed,
            Some(c) if c.locked_until.is_some_and(|until| until > now) => Gate::Wait,
            Some(_) => Gate::Open,
        },
    )
}

const WAIT: &str = "For mange forkerte forsøg lige efter hinanden. Vent lidt, og prøv så igen med den kode, appen viser.";

/// A locked account's half-made session ends; the login page says why in the one message.
async fn end_locked(state: &AppState, step: &SignInStep) -> AppResult<Response> {
    sessions::revoke(&state.db, step.auth_session_id, "locked", state.clock.now()).await?;
    step.session.flush().await?;
    Ok(Redirect::to("/login?spaerret=1").into_response())
}

/// A wrong code at login counts like a wrong password; the lock it may cause ends this session.
async fn wrong_code(state: &AppState, step: &SignInStep, next: String) -> AppResult<Response> {
    if count_failure(state, step).await? {
        return end_locked(state, step).await;
    }
    verify_page(step, next, WRONG_CODE).await
}

/// A wrong code, at login or when setting up an app, counts like a wrong password and is
/// audited; `true` when it locked the account.
async fn count_failure(state: &AppState, step: &SignInStep) -> AppResult<bool> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let outcome =
        users::record_failed_login(&mut tx, step.user.id, now, state.settings.login.lockout())
            .await?;
    let action = if outcome.locked {
        AuditAction::LoginLocked
    } else {
        AuditAction::SecondFactorFailed
    };
    audit::record(&mut *tx, &step.audit(action), now).await?;
    tx.commit().await?;
    Ok(outcome.locked)
}

async fn verify_page(step: &SignInStep, next: String, error: &'static str) -> AppResult<Response> {
    let page = VerifyPage {
        page: PageContext::anonymous("Kode fra din app", step.csrf_token().await?),
        next,
        error: Some(error),
    };
    layout::render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "second_factor/enrol.html")]
struct EnrolPage {
    page: PageContext,
    next: String,
    qr_svg: String,
    secret_text: String,
    /// Setting up a new app replaces one that works today.
    replacing: bool,
    /// The roles require it: the user cannot go on without it.
    required: bool,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "second_factor/recovery_codes.html")]
struct RecoveryCodesPage {
    page: PageContext,
    next: String,
    codes: Vec<String>,
}

/// The page around the enrolment: with the signed-in user's header, or bare on the way in.
async fn page_for(maybe: &MaybeUser, step: &SignInStep, title: &str) -> AppResult<PageContext> {
    match &maybe.0 {
        Some(current) => PageContext::for_user(current, title, "/konto").await,
        None => Ok(PageContext::anonymous(title, step.csrf_token().await?)),
    }
}

async fn show_enrol(
    State(state): State<AppState>,
    maybe: MaybeUser,
    step: SignInStep,
    Query(query): Query<NextQuery>,
) -> AppResult<Response> {
    let next = safe_return_path(query.next.as_deref());
    render_enrol(&state, &maybe, &step, next, None, StatusCode::OK).await
}

async fn render_enrol(
    state: &AppState,
    maybe: &MaybeUser,
    step: &SignInStep,
    next: String,
    error: Option<&'static str>,
    status: StatusCode,
) -> AppResult<Response> {
    // A factor that works must be used before it can be replaced.
    if step.factor == SessionFactor::Verify {
        return Ok(Redirect::to(VERIFY_PATH).into_response());
    }
    let user = step.user.id;
    let stored = factors::load(&state.db, user).await?;
    // The same secret on every reload until it is confirmed, so the app scanned first works.
    let secret = match stored
        .pending_sealed
        .as_deref()
        .and_then(|sealed| state.factor_keys.open(user, sealed))
    {
        Some(secret) => secret,
        None => {
            let secret = second_factor::new_secret();
            let sealed = state.factor_keys.seal(user, &secret);
            factors::put_pending(&state.db, user, &sealed, state.clock.now()).await?;
            secret
        }
    };
    let settings = &state.settings.second_factor;
    let provisioning = second_factor::provisioning(&secret, &settings.issuer, &step.user.email)
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("a TOTP secret that cannot be provisioned"))
        })?;
    let page = EnrolPage {
        page: page_for(maybe, step, "Sæt anden faktor op").await?,
        next,
        qr_svg: second_factor::qr_svg(&provisioning.uri).unwrap_or_default(),
        secret_text: provisioning.secret_text,
        replacing: stored.confirmed_at.is_some(),
        required: step.factor == SessionFactor::Enrol,
        error,
    };
    layout::render(status, &page)
}

async fn submit_enrol(
    State(state): State<AppState>,
    maybe: MaybeUser,
    step: SignInStep,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let next = safe_return_path(Some(&form.next));
    if step.factor == SessionFactor::Verify {
        return Ok(Redirect::to(VERIFY_PATH).into_response());
    }
    let now = state.clock.now();
    let user = step.user.id;
    match gate(&state, &step).await? {
        Gate::Closed => return end_locked(&state, &step).await,
        Gate::Wait => {
            return render_enrol(
                &state,
                &maybe,
                &step,
                next,
                Some(WAIT),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Gate::Open => {}
    }
    let stored = factors::load(&state.db, user).await?;
    let pending = stored.pending_sealed.clone().unwrap_or_default();
    let matched = state.factor_keys.open(user, &pending).and_then(|secret| {
        second_factor::matching_step(&secret, &form.code, now.unix_timestamp(), None)
    });
    let Some(used) = matched else {
        if count_failure(&state, &step).await? {
            return end_locked(&state, &step).await;
        }
        return render_enrol(
            &state,
            &maybe,
            &step,
            next,
            Some("Koden passer ikke. Skriv den sekscifrede kode, som appen viser lige nu."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let codes = second_factor::new_recovery_codes();
    let hashes: Vec<Vec<u8>> = codes
        .iter()
        .map(|c| state.factor_keys.recovery_code_hash(user, c))
        .collect();
    let mut tx = state.db.begin().await?;
    if !factors::confirm(&mut tx, user, &pending, used, &hashes, now).await? {
        // Set up again in another tab meanwhile: show the current secret.
        tx.rollback().await?;
        return render_enrol(&state, &maybe, &step, next, None, StatusCode::CONFLICT).await;
    }
    let was_enrolling = step.factor == SessionFactor::Enrol;
    if was_enrolling {
        signed_in(&mut tx, &state, &step, SessionFactor::Totp).await?;
    } else {
        sessions::set_factor(&mut *tx, step.auth_session_id, SessionFactor::Totp).await?;
    }
    audit::record(
        &mut *tx,
        &step.audit(AuditAction::SecondFactorEnrolled),
        now,
    )
    .await?;
    tx.commit().await?;
    if was_enrolling {
        step.session.cycle_id().await?;
    }
    // The codes are shown here once, never stored readable, never shown again.
    let page = RecoveryCodesPage {
        page: page_for(&maybe, &step, "Dine gendannelseskoder").await?,
        next,
        codes,
    };
    layout::ok(&page)
}
