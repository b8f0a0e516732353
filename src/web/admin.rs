//! User administration: admins create accounts, change roles and disable them. Admins see no
//! case content.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CurrentUser, password};
use crate::domain::ids::{MunicipalityId, PoliceDistrictId, UnitId, UserId};
use crate::domain::policy::{Capability, Role};
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditAction, AuditEvent, ObjectType};
use crate::store::{tenants, users};
use crate::web::extract::{Form, parse_id};
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{PageContext, set_notice};
use crate::web::routes::Routes;

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
            post(toggle_user),
        )
        .requires(
            "/admin/brugere/{id}/roller",
            Capability::ManageUsers,
            post(change_roles),
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
    #[serde(default)]
    password: String,
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
            let belongs_to = match (u.municipality_id, u.police_district_id) {
                (Some(m), _) => tenants.by_id(m).map(|m| m.name().to_owned()),
                (None, Some(d)) => tenants.district_name(d).map(str::to_owned),
                (None, None) => Some("Hele installationen".to_owned()),
            }
            .unwrap_or_default();
            UserRow {
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
        &AuditEvent::new(AuditAction::UserListViewed)
            .by(current.user.id)
            .request(&current.request_id),
        state.clock.now(),
    )
    .await?;
    let page = render_users(&state, &current, NewUserForm::default(), FieldErrors::new()).await?;
    Ok(Html(page.render()?).into_response())
}

async fn create_user(
    State(state): State<AppState>,
    current: CurrentUser,
    Form(form): Form<NewUserForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let email = forms::text(&mut errors, "email", &form.email, true, 320).map(|e| e.to_lowercase());
    if email.as_deref().is_some_and(|e| !looks_like_email(e)) {
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
    }
    let municipality = parse_choice(&form.municipality).map(MunicipalityId);
    let municipality = municipality.and_then(|id| state.tenants.by_id(id));
    if !form.municipality.is_empty() && municipality.is_none() {
        errors.add("municipality", "Vælg en kommune fra listen.");
    }
    if roles.iter().any(|r| r.is_municipal()) && municipality.is_none() {
        errors.add(
            "municipality",
            "Rollerne hører til en kommune: vælg kommunen.",
        );
    }
    let district = parse_choice(&form.police_district)
        .map(PoliceDistrictId)
        .filter(|d| state.tenants.district_name(*d).is_some());
    if roles.contains(&Role::Police) && district.is_none() {
        errors.add(
            "police_district",
            "Politibrugere hører til en politikreds: vælg kredsen.",
        );
    }
    let unit = match parse_choice(&form.unit).map(UnitId) {
        None if form.unit.is_empty() => None,
        None => {
            errors.add("unit", "Vælg en enhed fra listen.");
            None
        }
        Some(id) => {
            let units = match municipality {
                Some(m) => tenants::units(&state.db, m.id).await?,
                None => Vec::new(),
            };
            if units.iter().any(|u| u.id == id) {
                Some(id)
            } else {
                errors.add("unit", "Enheden skal høre til den valgte kommune.");
                None
            }
        }
    };
    if let Err(why) = password::check_strength(
        &form.password,
        email.as_deref().unwrap_or(""),
        name.as_deref().unwrap_or(""),
    ) {
        errors.add("password", why);
    }
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return rejected(&state, &current, form, errors).await;
    };
    let hash = password::hash(form.password.clone()).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let new = users::NewUser {
        email,
        name,
        roles,
        municipality_id: municipality.map(|m| m.id),
        police_district_id: district,
        unit_id: unit,
        password_hash: hash,
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
    audit::record(
        &mut *tx,
        &AuditEvent::new(AuditAction::UserCreated)
            .by(current.user.id)
            .on(ObjectType::User, id.0)
            .in_municipality(new.municipality_id)
            .in_district(new.police_district_id)
            .request(&current.request_id),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(
        &current.session,
        &format!("Brugeren {} er oprettet.", new.name),
    )
    .await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}

async fn rejected(
    state: &AppState,
    current: &CurrentUser,
    mut form: NewUserForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    // A password is never sent back to the browser.
    form.password.clear();
    let page = render_users(state, current, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
struct ToggleForm {
    active: String,
}

async fn toggle_user(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<ToggleForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw, UserId)?;
    let active = match form.active.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::BadRequest),
    };
    if id == current.user.id && !active {
        set_notice(&current.session, "Du kan ikke deaktivere din egen konto.").await?;
        return Ok(Redirect::to("/admin/brugere").into_response());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(user) = users::by_id(&mut *tx, id).await? else {
        return Err(AppError::NotFound);
    };
    users::set_active(&mut tx, id, active, now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::new(if active {
            AuditAction::UserEnabled
        } else {
            AuditAction::UserDisabled
        })
        .by(current.user.id)
        .on(ObjectType::User, id.0)
        .in_municipality(user.municipality_id)
        .in_district(user.police_district_id)
        .request(&current.request_id),
        now,
    )
    .await?;
    tx.commit().await?;
    let message = if active {
        format!("{} er aktiveret.", user.name)
    } else {
        format!("{} er deaktiveret og logget ud.", user.name)
    };
    set_notice(&current.session, &message).await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}

#[derive(Deserialize)]
struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

async fn change_roles(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(form): Form<RolesForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw, UserId)?;
    let mut roles: Vec<Role> = form.roles.iter().filter_map(|r| Role::parse(r)).collect();
    roles.sort();
    roles.dedup();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(user) = users::by_id(&mut *tx, id).await? else {
        return Err(AppError::NotFound);
    };
    let fits = !roles.is_empty()
        && (!roles.iter().any(|r| r.is_municipal()) || user.municipality_id.is_some())
        && (!roles.contains(&Role::Police) || user.police_district_id.is_some());
    if !fits {
        set_notice(
            &current.session,
            "Rollerne blev ikke ændret: vælg mindst én rolle, der passer til brugerens kommune eller politikreds.",
        )
        .await?;
        return Ok(Redirect::to("/admin/brugere").into_response());
    }
    users::set_roles(&mut tx, id, &roles, now).await?;
    audit::record(
        &mut *tx,
        &AuditEvent::new(AuditAction::UserUpdated)
            .by(current.user.id)
            .on(ObjectType::User, id.0)
            .in_municipality(user.municipality_id)
            .in_district(user.police_district_id)
            .request(&current.request_id),
        now,
    )
    .await?;
    tx.commit().await?;
    set_notice(
        &current.session,
        &format!("Rollerne for {} er ændret.", user.name),
    )
    .await?;
    Ok(Redirect::to("/admin/brugere").into_response())
}

fn parse_choice(value: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(value.trim()).ok()
}

fn looks_like_email(e: &str) -> bool {
    match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !e.contains(char::is_whitespace)
        }
        None => false,
    }
}
