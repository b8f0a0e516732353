//! Demo data, only when asked for (`serve --demo` or `demo`): one user per role in each
//! municipality, and a living set of concerns and cases.

pub mod cases;
pub mod history;
pub mod intake;
pub mod meetings;

use crate::AppState;
use crate::domain::ids::UnitId;
use crate::domain::policy::Role;
use crate::store::{tenants::Municipality, users};

pub const DEMO_PASSWORD: &str = "infohus-demo-2026";

/// One demo login, for printing.
pub struct DemoLogin {
    pub email: String,
    pub role: Role,
    pub municipality: String,
}

/// Seeds an empty database with the demo users and data. Returns `None` (and changes nothing)
/// when users already exist.
pub async fn demo(state: &AppState) -> anyhow::Result<Option<Vec<DemoLogin>>> {
    let Some(logins) = demo_users(state).await? else {
        return Ok(None);
    };
    let mut tx = state.db.begin().await?;
    // Each area seeds its own part of the story, in the order a case lives it.
    history::seed(state, &mut tx).await?;
    intake::seed(state, &mut tx).await?;
    cases::seed(state, &mut tx).await?;
    meetings::seed(state, &mut tx).await?;
    alerts(state, &mut tx).await?;
    tx.commit().await?;
    Ok(Some(logins))
}

/// The alerts the story raised as it was seeded, as they would stand today: those older than
/// two days mailed and read, the recent ones waiting (for a mail server, when none is set up)
/// and unread, the deadlines' alerts raised, and one mail that failed, for "Udgående post".
async fn alerts(state: &AppState, conn: &mut sqlx::PgConnection) -> anyhow::Result<()> {
    let now = state.clock.now();
    let today = crate::domain::calendar::today_copenhagen(now);
    let window = crate::store::alerts::DueWindow {
        today,
        screening_soon: crate::domain::calendar::add_working_days(today, 1),
        review_soon: today + time::Duration::days(7),
        overdue_since: today - time::Duration::days(14),
    };
    crate::store::alerts::raise_due(&mut *conn, window, now).await?;
    sqlx::query!(
        r#"update alerts
           set mail_state = 'sent', mailed_at = created_at + interval '1 minute',
               read_at = created_at + interval '3 hours'
           where created_at < $1 and mail_state = 'pending'"#,
        now - time::Duration::days(2),
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"update alerts
           set mail_state = 'failed', attempts = $2,
               last_error = 'permanent error (550): 5.1.1 mailbox unavailable'
           where id = (select min(id) from alerts where mail_state = 'pending'
                       and created_at >= $1)"#,
        now - time::Duration::days(2),
        crate::domain::alerts::MAX_ATTEMPTS,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Only the demo users, one per role and municipality (and police district), into an empty
/// database.
pub async fn demo_users(state: &AppState) -> anyhow::Result<Option<Vec<DemoLogin>>> {
    if users::count(&state.db).await? > 0 {
        return Ok(None);
    }
    let hash = crate::auth::password::hash(DEMO_PASSWORD.to_owned()).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let mut logins = Vec::new();
    for m in &state.tenants.municipalities {
        let units = crate::store::tenants::units(&mut *tx, m.id).await?;
        let first_unit = units.first().map(|u| u.id);
        let second_unit = units.get(1).map(|u| u.id);
        for (local, role, name, unit) in demo_people(m, first_unit, second_unit) {
            let email = format!("{local}@{}.demo", m.slug);
            users::insert(
                &mut *tx,
                &users::NewUser {
                    email: email.clone(),
                    name: name.to_owned(),
                    roles: vec![role],
                    municipality_id: Some(m.id),
                    police_district_id: None,
                    unit_id: unit,
                    password_hash: Some(hash.clone()),
                },
                now,
            )
            .await?;
            logins.push(DemoLogin {
                email,
                role,
                municipality: m.name().to_owned(),
            });
        }
    }
    let mut districts: Vec<&Municipality> = Vec::new();
    for m in &state.tenants.municipalities {
        if !districts
            .iter()
            .any(|d| d.police_district_id == m.police_district_id)
        {
            districts.push(m);
        }
    }
    for m in districts {
        let email = format!("police@{}.demo", m.police_district_slug);
        users::insert(
            &mut *tx,
            &users::NewUser {
                email: email.clone(),
                name: format!("Politiets tovholder, {}", m.police_district_name()),
                roles: vec![Role::Police],
                municipality_id: None,
                police_district_id: Some(m.police_district_id),
                unit_id: None,
                password_hash: Some(hash.clone()),
            },
            now,
        )
        .await?;
        logins.push(DemoLogin {
            email,
            role: Role::Police,
            municipality: m.police_district_name().to_owned(),
        });
    }
    users::insert(
        &mut *tx,
        &users::NewUser {
            email: "admin@infohus.demo".to_owned(),
            name: "Infohus Administrator".to_owned(),
            roles: vec![Role::Admin],
            municipality_id: None,
            police_district_id: None,
            unit_id: None,
            password_hash: Some(hash),
        },
        now,
    )
    .await?;
    logins.push(DemoLogin {
        email: "admin@infohus.demo".to_owned(),
        role: Role::Admin,
        municipality: "Hele installationen".to_owned(),
    });
    tx.commit().await?;
    Ok(Some(logins))
}

/// The demo people of a municipality: (e-mail local part, role, name, unit).
fn demo_people(
    m: &Municipality,
    first_unit: Option<UnitId>,
    second_unit: Option<UnitId>,
) -> Vec<(&'static str, Role, &'static str, Option<UnitId>)> {
    let mut people = if m.slug == "randers" {
        vec![
            ("staff", Role::Staff, "Sofie Lund", first_unit),
            ("leader", Role::Leader, "Henrik Mølgaard", first_unit),
            ("key_employee", Role::KeyEmployee, "Anne Kjær", first_unit),
            ("staff2", Role::Staff, "Jonas Bach", second_unit),
            ("leader2", Role::Leader, "Lene Vestergaard", second_unit),
            ("coordinator", Role::Coordinator, "Maria Krogh Degn", None),
            ("core_group", Role::CoreGroup, "Peter Skov", None),
            ("steering_group", Role::SteeringGroup, "Birgitte Holm", None),
        ]
    } else {
        vec![
            ("staff", Role::Staff, "Emil Nørgaard", first_unit),
            ("leader", Role::Leader, "Karen Dahl", first_unit),
            ("key_employee", Role::KeyEmployee, "Mads Friis", first_unit),
            ("coordinator", Role::Coordinator, "Fatima Yilmaz", None),
            ("core_group", Role::CoreGroup, "Thomas Riis", None),
            ("steering_group", Role::SteeringGroup, "Susanne Juhl", None),
        ]
    };
    people.sort_by_key(|p| p.1);
    people
}
