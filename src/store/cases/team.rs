//! The case team, and who holds responsibility on the case.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::domain::alerts::AlertKind;
use crate::domain::ids::{CaseId, MunicipalityId, UserId};
use crate::store::alerts::{self, Link, Recipients};

#[derive(Debug, Clone, serde::Deserialize)]
pub struct TeamMember {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    #[serde(with = "crate::store::json::instant")]
    pub added_at: OffsetDateTime,
}

pub async fn team(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<Vec<TeamMember>> {
    sqlx::query_as!(
        TeamMember,
        r#"select u.id as "user_id: UserId", u.name, u.email, t.added_at
           from case_team t join users u on u.id = t.user_id
           where t.case_id = $1
           order by u.name"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await
}

/// Adds a member and tells them (unless they added themselves); `false` when they were
/// already on the team.
pub async fn add_to_team(
    conn: &mut PgConnection,
    case: CaseId,
    user: UserId,
    added_by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let municipality = sqlx::query_scalar!(
        r#"insert into case_team (case_id, user_id, added_by, added_at) values ($1, $2, $3, $4)
           on conflict (case_id, user_id) do nothing
           returning (select c.municipality_id from cases c where c.id = $1)
               as "municipality!: MunicipalityId""#,
        case as CaseId,
        user as UserId,
        added_by as UserId,
        now,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(municipality) = municipality else {
        return Ok(false);
    };
    alerts::raise(
        &mut *conn,
        Recipients::User(user),
        AlertKind::AddedToTeam,
        municipality,
        Link::Case(case),
        Some(added_by),
        now,
    )
    .await?;
    Ok(true)
}

/// Removes a member; `false` when they were not on the team.
pub async fn remove_from_team(
    db: impl PgExecutor<'_>,
    case: CaseId,
    user: UserId,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "delete from case_team where case_id = $1 and user_id = $2",
        case as CaseId,
        user as UserId,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the user coordinates the case's plan or owns one of its open interventions: they
/// must hand that over before they leave the team.
pub async fn holds_responsibility(
    db: impl PgExecutor<'_>,
    case: CaseId,
    user: UserId,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select (exists (select 1 from action_plans p
                           where p.case_id = $1 and p.plan_coordinator_user_id = $2)
                   or exists (select 1 from interventions i
                              where i.case_id = $1 and i.owner_user_id = $2
                                and i.status in ('planned', 'active'))) as "held!""#,
        case as CaseId,
        user as UserId,
    )
    .fetch_one(db)
    .await
}

/// The people who may coordinate the plan or own an intervention: the municipality's active
/// coordinators and the case team, each of whom can open the case.
pub async fn case_workers(
    db: impl PgExecutor<'_>,
    case: CaseId,
    municipality: MunicipalityId,
) -> sqlx::Result<Vec<(UserId, String)>> {
    let rows = sqlx::query!(
        r#"select u.id as "id: UserId", u.name from users u
           where u.active
             and ((u.municipality_id = $2 and 'coordinator' = any (u.roles))
                  or exists (select 1 from case_team t where t.case_id = $1 and t.user_id = u.id))
           order by u.name"#,
        case as CaseId,
        municipality as MunicipalityId,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}
