//! Signing in through the municipality's or police district's identity provider.
//!
//! No account is made silently: the first login through a provider needs an account an admin
//! made with the same e-mail, which the provider must say is verified; that login links the
//! provider's subject to the account, and later logins match on issuer and subject only. A
//! provider may be set to make accounts just in time, with the roles its group claim maps to.
//! Every refusal shows the user one Danish message, is audited as a failed login with its
//! reason, and creates nothing.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::oidc::{Failure, Identity, Pending, Provider};
use crate::auth::second_factor::SessionFactor;
use crate::auth::session;
use crate::domain::ids::UserId;
use crate::domain::policy::{self, Role};
use crate::error::AppResult;
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::store::{identities, second_factor as second_factors, sessions, users};
use crate::web::client_ip::ClientIp;
use crate::web::extract::Query;
use crate::web::routes::{Routes, safe_return_path};
use crate::web::second_factor;

const PENDING: &str = "sso_pending";

const REFUSED: &str = "Du blev ikke logget ind. Din organisations login godkendte dig ikke til Infohus, eller din konto er ikke oprettet eller er spærret. Prøv igen, eller kontakt din administrator.";
const UNAVAILABLE: &str = "Din organisations login svarer ikke lige nu, så du blev ikke logget ind. Prøv igen om lidt, eller log ind med e-mail og adgangskode, hvis du har en.";

pub fn routes() -> Routes {
    Routes::new()
        .public("/login/sso/{provider}", get(begin))
        .public("/login/sso/{provider}/callback", get(callback))
}

#[derive(Deserialize)]
struct BeginQuery {
    next: Option<String>,
}

/// Why an account could not be found or made for a verified identity (for the audit row).
#[derive(Debug, Clone, Copy)]
enum Refusal {
    Protocol(Failure),
    UnverifiedEmail,
    /// The e-mail's account is linked to another subject at this provider.
    SubjectConflict,
    NoAccount,
    NoRole,
    Disabled,
}

impl Refusal {
    fn as_str(self) -> &'static str {
        match self {
            Refusal::Protocol(f) => f.as_str(),
            Refusal::UnverifiedEmail => "email_not_verified",
            Refusal::SubjectConflict => "subject_linked_to_another_account",
            Refusal::NoAccount => "no_account",
            Refusal::NoRole => "no_role_in_claims",
            Refusal::Disabled => "account_disabled_or_locked",
        }
    }
}

async fn begin(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
    Query(query): Query<BeginQuery>,
) -> AppResult<Response> {
    let next = safe_return_path(query.next.as_deref());
    let Some(provider) = state.oidc.get(&slug) else {
        return Err(crate::error::AppError::NotFound);
    };
    match state.oidc.begin(provider, next.clone()).await {
        Ok((url, pending)) => {
            // One login at a time per browser: a new start replaces an unfinished one.
            session.insert(PENDING, pending).await?;
            Ok(Redirect::to(&url).into_response())
        }
        Err(failure) => {
            refuse(
                &state,
                &session,
                provider,
                None,
                Refusal::Protocol(failure),
                next,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    Path(slug): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> AppResult<Response> {
    let Some(provider) = state.oidc.get(&slug) else {
        return Err(crate::error::AppError::NotFound);
    };
    // Taken out at once: a `state` is good for one answer only.
    let pending: Option<Pending> = session.remove(PENDING).await?;
    let Some(pending) = pending else {
        return refuse(
            &state,
            &session,
            provider,
            None,
            Refusal::Protocol(Failure::State),
            "/".to_owned(),
        )
        .await;
    };
    let next = safe_return_path(Some(&pending.next));
    if query.error.is_some() {
        return refuse(
            &state,
            &session,
            provider,
            None,
            Refusal::Protocol(Failure::Refused),
            next,
        )
        .await;
    }
    let identity = match state
        .oidc
        .complete(
            provider,
            pending,
            query.code.as_deref().unwrap_or(""),
            query.state.as_deref().unwrap_or(""),
        )
        .await
    {
        Ok(identity) => identity,
        Err(failure) => {
            return refuse(
                &state,
                &session,
                provider,
                None,
                Refusal::Protocol(failure),
                next,
            )
            .await;
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let user = match account_for(&mut tx, &state, provider, &identity).await? {
        Ok(user) => user,
        Err((refusal, user)) => {
            tx.rollback().await?;
            return refuse(&state, &session, provider, user, refusal, next).await;
        }
    };
    let Some(c) = users::credentials_by_id(&mut *tx, user).await? else {
        tx.rollback().await?;
        return refuse(&state, &session, provider, None, Refusal::NoAccount, next).await;
    };
    if !c.active || c.locked_until.is_some_and(|until| until > now) {
        tx.rollback().await?;
        return refuse(
            &state,
            &session,
            provider,
            Some(user),
            Refusal::Disabled,
            next,
        )
        .await;
    }
    identities::touch(&mut *tx, &identity.issuer, &identity.subject, now).await?;
    // The provider's second factor counts; without one, ours is asked as for a password login.
    let provider_did_mfa = identity
        .methods
        .iter()
        .any(|m| provider.config.mfa_amr.contains(m));
    let factor = SessionFactor::after_first_factor(
        provider_did_mfa,
        second_factors::is_enrolled(&mut *tx, user).await?,
        state.settings.second_factor.required_for(&c.roles),
    );
    let mut origin = sessions::Origin::of_request(&ip, &headers);
    origin.provider = Some((provider.config.slug.clone(), identity.id_token.clone()));
    session::begin(&session, &mut tx, user, &origin, factor, now).await?;
    if factor.is_pending() {
        tx.commit().await?;
        return Ok(Redirect::to(&second_factor::step_url(factor, &next)).into_response());
    }
    users::record_successful_login(&mut *tx, user).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::new(AuditAction::Login)
            .by(user)
            .on(ObjectType::User, user.0)
            .in_municipality(c.municipality_id)
            .in_district(c.police_district_id)
            .detail(serde_json::json!({"method": "sso", "provider": provider.config.slug})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&next).into_response())
}

/// The account a verified identity signs in to: linked before, or linked now by its verified
/// e-mail, or (where the provider is set to) made now. The caller's transaction holds the link.
async fn account_for(
    tx: &mut sqlx::PgConnection,
    state: &AppState,
    provider: &Provider,
    identity: &Identity,
) -> AppResult<Result<UserId, (Refusal, Option<UserId>)>> {
    if let Some(user) =
        identities::linked_user(&mut *tx, &identity.issuer, &identity.subject).await?
    {
        return Ok(Ok(user));
    }
    let now = state.clock.now();
    let email = match (&identity.email, identity.email_verified) {
        (Some(email), true) if email.len() <= 320 && email.contains('@') => {
            email.trim().to_lowercase()
        }
        _ => return Ok(Err((Refusal::UnverifiedEmail, None))),
    };
    let user = match identities::candidate_by_email(&mut *tx, &email, &identity.issuer).await? {
        // Linked to another subject at this provider: a second person with the same address
        // must not take the account over.
        Some(c) if c.linked_subject.is_some() => {
            return Ok(Err((Refusal::SubjectConflict, Some(c.id))));
        }
        Some(c) => c.id,
        None if provider.config.just_in_time => {
            match create_account(&mut *tx, state, provider, identity, &email).await? {
                Some(id) => id,
                None => return Ok(Err((Refusal::NoRole, None))),
            }
        }
        None => return Ok(Err((Refusal::NoAccount, None))),
    };
    if !identities::link(
        &mut *tx,
        &identity.issuer,
        &identity.subject,
        user,
        &provider.config.slug,
        now,
    )
    .await?
    {
        return Ok(Err((Refusal::SubjectConflict, Some(user))));
    }
    audit::record(
        &mut *tx,
        &AuditEvent::new(AuditAction::IdentityLinked)
            .by(user)
            .on(ObjectType::User, user.0)
            .detail(serde_json::json!({"provider": provider.config.slug})),
        now,
    )
    .await?;
    Ok(Ok(user))
}

/// A just-in-time account with the roles the group claim maps to; `None` when it maps to none,
/// or to a combination no account may hold.
async fn create_account(
    tx: &mut sqlx::PgConnection,
    state: &AppState,
    provider: &Provider,
    identity: &Identity,
    email: &str,
) -> AppResult<Option<UserId>> {
    let mut roles: Vec<Role> = identity
        .groups
        .iter()
        .filter_map(|g| provider.config.roles.get(g).copied())
        .collect();
    roles.sort();
    roles.dedup();
    let municipality = provider
        .config
        .municipality
        .as_deref()
        .and_then(|slug| state.tenants.by_slug(slug))
        .map(|m| m.id);
    let district = provider
        .config
        .police_district
        .as_deref()
        .and_then(|slug| state.tenants.district_by_slug(slug))
        .map(|d| d.0);
    if roles.is_empty()
        || !policy::belonging_gaps(&roles, municipality.is_some(), district.is_some()).is_empty()
    {
        return Ok(None);
    }
    let now = state.clock.now();
    let name = identity
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| email.to_owned());
    let id = users::insert(
        &mut *tx,
        &users::NewUser {
            email: email.to_owned(),
            name: name.chars().take(200).collect(),
            roles,
            municipality_id: municipality,
            police_district_id: district,
            unit_id: None,
            password_hash: None,
        },
        now,
    )
    .await
    .map_err(|e| crate::error::AppError::Internal(e.into()))?;
    audit::record(
        &mut *tx,
        &AuditEvent::new(AuditAction::UserCreated)
            .on(ObjectType::User, id.0)
            .in_municipality(municipality)
            .in_district(district)
            .detail(serde_json::json!({"provider": provider.config.slug, "just_in_time": true})),
        now,
    )
    .await?;
    Ok(Some(id))
}

async fn refuse(
    state: &AppState,
    session: &Session,
    provider: &Provider,
    user: Option<UserId>,
    refusal: Refusal,
    next: String,
) -> AppResult<Response> {
    let mut event = AuditEvent::new(AuditAction::LoginFailed).detail(serde_json::json!({
        "method": "sso",
        "provider": provider.config.slug,
        "reason": refusal.as_str(),
    }));
    if let Some(user) = user {
        event = event.on(ObjectType::User, user.0);
    }
    audit::record(&state.db, &event, state.clock.now()).await?;
    let message = match refusal {
        Refusal::Protocol(Failure::Unavailable) => UNAVAILABLE,
        _ => REFUSED,
    };
    crate::web::auth::refused(state, session, next, message).await
}
