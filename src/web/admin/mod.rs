//! User administration: admins create accounts, change roles and disable them. Admins see no
//! case content and never learn a password: an account gets a one-time link on which its user
//! sets one, and a role that sees cases waits for a second person's approval.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CurrentUser, password};
use crate::domain::ids::UserId;
use crate::domain::policy::{self, Capability, Role};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::store::{accounts, tenants, users};
use crate::web::extract::{Form, parse_id};
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};
use crate::web::routes::Routes;

mod belonging;
mod factor;
mod roles;

pub fn routes() -> Routes {
    Routes::new()
        .requires(
            "/admin/brugere",
            Capability::ManageUsers,
            get(list_users).post(create_user),
        )
        .requires(
            "/admin/brugere/{id}/aktiv",
            Capability::ManageUsers,
            post(roles::toggle_user),
        )
        .requires(
            "/admin/brugere/{id}/roller",
            Capability::ManageUsers,
            post(roles::change_roles),
        )
        .requires(
            "/admin/brugere/{id}/link",
            Capability::ManageUsers,
            post(issue_password_link),
        )
        .requires(
            "/admin/brugere/{id}/tilhoersforhold",
            Capability::ManageUsers,
            post(belonging::change_belonging),
        )
        .requires(
            "/admin/brugere/{id}/sessioner",
            Capability::ManageUsers,
            post(end_sessions),
        )
        .requires(
            "/admin/brugere/{id}/anden-faktor",
            Capability::ManageUsers,
            post(factor::reset_second_factor),
        )
}

pub struct UserRow {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub role_labels: String,
    pub belongs_to: String,
    pub unit: String,
    pub active: bool,
    /// Roles that see cases, waiting for a second person's approval.
    pub pending: String,
    /// A municipal coordinator or core-group member, who may hold plans, interventions and
    /// team places to hand over.
    pub can_hold_work: bool,
    /// The ids of where they belong, to preselect in the form that moves them.
    pub municipality_value: String,
    pub district_value: String,
    pub unit_value: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    police_district: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: PageContext,
    users: Vec<UserRow>,
    all_roles: Vec<(Role, bool)>,
    municipalities: Vec<Choice>,
    units: Vec<Choice>,
    districts: Vec<Choice>,
    form: NewUserForm,
    errors: FieldErrors,
}

async fn render_users(
    state: &AppState,
    current: &CurrentUser,
    form: NewUserForm,
    errors: FieldErrors,
) -> AppResult<UsersPage> {
    let tenants = &state.tenants;
    let all = users::list(&state.db).await?;
    let pending = accounts::pending_roles_by_user(&state.db).await?;
    let unit_choices = tenants::all_units(&state.db)
        .await?
        .into_iter()
        .map(|u| Choice {
            label: format!(
                "{} – {}",
                tenants.by_id(u.municipality_id).map_or("", |m| m.name()),
                u.name
            ),
            selected: form.unit == u.id.to_string(),
            value: u.id.to_string(),
        })
        .collect();
    let rows = all
        .into_iter()
        .map(|u| {
            let waiting: Vec<&str> = pending
                .iter()
                .filter(|(user, _)| *user == u.id)
                .map(|(_, role)| role.label())
                .collect();
            let belongs_to = match (u.municipality_id, u.police_district_id) {
                (Some(m), _) => tenants.by_id(m).map(|m| m.name().to_owned()),
                (None, Some(d)) => tenants.district_name(d).map(str::to_owned),
                (None, None) => Some("Hele installationen".to_owned()),
            }
            .unwrap_or_default();
            UserRow {
                municipality_value: u.municipality_id.map(|m| m.to_string()).unwrap_or_default(),
                district_value: u
                    .police_district_id
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                unit_value: u.unit_id.map(|x| x.to_string()).unwrap_or_default(),
                can_hold_work: u.municipality_id.is_some()
                    && u.roles
                        .iter()
                        .any(|r| matches!(r, Role::Coordinator | Role::CoreGroup)),
                id: u.id,
                role_labels: u
                    .roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                roles: u.roles,
                name: u.name,
                email: u.email,
                belongs_to,
                unit: u.unit_name.unwrap_or_default(),
                active: u.active,
                pending: waiting.join(", "),
            }
        })
        .collect();
    let mut districts: Vec<Choice> = Vec::new();
    for m in &tenants.municipalities {
        let value = m.police_district_id.to_string();
        if !districts.iter().any(|d| d.value == value) {
            districts.push(Choice {
                selected: form.police_district == value,
                value,
                label: m.police_district_name().to_owned(),
            });
        }
    }
    Ok(UsersPage {
        page: PageContext::for_user(current, "Brugere", "/admin/brugere").await?,
        users: rows,
        all_roles: Role::ALL
            .iter()
            .map(|r| (*r, form.roles.iter().any(|n| n == r.as_str())))
            .collect(),
        municipalities: tenants
            .municipalities
            .iter()
            .map(|m| Choice {
                value: m.id.to_string(),
                label: m.name().to_owned(),
                selected: form.municipality == m.id.to_string(),
            })
            .collect(),
        units: unit_choices,
        districts,
        form,
        errors,
    })
}

async fn list_users(State(state): State<AppState>, current: CurrentUser) -> AppResult<Response> {
    audit::record(
        &state.db,
        &current.audit(AuditAction::UserListViewed),
        state.clock.now(),
    )
    .await?;
    let page = render_users(&state, &current, NewUserForm::default(), FieldErrors::new()).await?;
    layout::ok(&page)
}

async fn create_user(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<NewUserForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let email = forms::text(&mut errors, "email", &form.email, true, 320).map(|e| e.to_lowercase());
    if email.as_deref().is_some_and(|e| !forms::is_email(e)) {
        errors.add("email", "Skriv en gyldig e-mailadresse.");
    }
    let name = forms::text(&mut errors, "name", &form.name, true, 200);
    let mut roles = Vec::new();
    for r in &form.roles {
        match Role::parse(r) {
            Some(role) if !roles.contains(&role) => roles.push(role),
            Some(_) => {}
            None => errors.add("roles", "Vælg kun roller fra listen."),
        }
    }
    if roles.is_empty() {
        errors.add("roles", "Vælg mindst én rolle.");
    } else if !policy::roles_combine(&roles) {
        errors.add("roles", COMBINATION_REFUSED);
    }
    let place = belonging::check(
        &state,
        &mut errors,
        &roles,
        &form.municipality,
        &form.police_district,
        &form.unit,
    )
    .await?;
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return rejected(&state, &current, form, errors).await;
    };
    let hash = password::unusable_hash().await?;
    let now = state.clock.now();
    let (granted, awaiting): (Vec<Role>, Vec<Role>) = roles.iter().partition(|r| !r.sees_cases());
    let mut tx = state.db.begin().await?;
    let new = users::NewUser {
        email,
        name,
        roles: granted,
        municipality_id: place.municipality,
        police_district_id: place.district,
        unit_id: place.unit,
        password_hash: Some(hash),
    };
    let id = match users::insert(&mut *tx, &new, now).await {
        Ok(id) => id,
        Err(users::InsertUserError::EmailTaken) => {
            errors.add(
                "email",
                "Der findes allerede en bruger med denne e-mailadresse.",
            );
            return rejected(&state, &current, form, errors).await;
        }
        Err(users::InsertUserError::Db(e)) => return Err(e.into()),
    };
    let event = |action| {
        current
            .audit(action)
            .on(ObjectType::User, id.0)
            .in_municipality(new.municipality_id)
            .in_district(new.police_district_id)
    };
    audit::record(&mut *tx, &event(AuditAction::UserCreated), now).await?;
    for role in &awaiting {
        accounts::request_grant(&mut tx, id, *role, current.user.id, now).await?;
        audit::record(&mut *tx, &event(AuditAction::RoleGrantRequested), now).await?;
    }
    let link = new_link(&state, &mut tx, id, current.user.id, now).await?;
    audit::record(&mut *tx, &event(AuditAction::PasswordLinkIssued), now).await?;
    tx.commit().await?;
    let waiting = if awaiting.is_empty() {
        String::new()
    } else {
        format!(
            " Rollen {} træder i kraft, når en anden administrator eller en tovholder i kommunen har godkendt den.",
            labels(&awaiting)
        )
    };
    set_notice(
        &current.session,
        &format!(
            "Brugeren {} er oprettet. Giv brugeren dette link, som gælder i {} timer og kun kan bruges én gang, til at vælge sin adgangskode: {link}{waiting}",
            new.name,
            accounts::LINK_LIFETIME.whole_hours(),
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}

const COMBINATION_REFUSED: &str =
    "En konto kan ikke både have en kommunal rolle og politiets rolle. Opret to konti.";

fn labels(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(" og ")
}

/// A fresh set-password link for the user (older ones end), as the address to hand over.
async fn new_link(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    user: UserId,
    by: UserId,
    now: time::OffsetDateTime,
) -> AppResult<String> {
    let (token, hash) = password::new_link_token();
    accounts::issue_link(conn, user, &hash, Some(by), now).await?;
    Ok(format!(
        "{}/adgangskode/{token}",
        state.settings.server.public_url.trim_end_matches('/')
    ))
}

/// A new one-time link, e.g. when the first one expired or the user forgot the password.
async fn issue_password_link(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw, UserId)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(user) = users::by_id(&mut *tx, id).await? else {
        return Err(AppError::NotFound);
    };
    let link = new_link(&state, &mut tx, id, current.user.id, now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::on_user(
            AuditAction::PasswordLinkIssued,
            current.user.id,
            &user,
            &current.request_id,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(
        &current.session,
        &format!(
            "Nyt link til {}, som gælder i {} timer og kun kan bruges én gang (ældre links virker ikke længere): {link}",
            user.name,
            accounts::LINK_LIFETIME.whole_hours(),
        ),
    )
    .await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}

/// Ends every session of the user at once, e.g. for a lost laptop; the account stays active.
async fn end_sessions(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw, UserId)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(user) = users::by_id(&mut *tx, id).await? else {
        return Err(AppError::NotFound);
    };
    crate::store::sessions::revoke_all_for_user(&mut *tx, id, "ended_by_admin", now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::on_user(
            AuditAction::SessionEnded,
            current.user.id,
            &user,
            &current.request_id,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(
        &current.session,
        &format!("{} er logget ud alle steder.", user.name),
    )
    .await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}

async fn rejected(
    state: &AppState,
    current: &CurrentUser,
    form: NewUserForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = render_users(state, current, form, errors).await?;
    layout::render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

fn parse_choice(value: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(value.trim()).ok()
}
