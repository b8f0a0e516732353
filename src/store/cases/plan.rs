//! The action plan ("én plan") and its interventions.

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::{InterventionStatus, LegalBasis};
use crate::domain::ids::{CaseId, InterventionId, UserId};
use crate::domain::notification::{Notification, receipt_due};

#[derive(Debug, Clone, serde::Deserialize)]
pub struct ActionPlan {
    pub plan_coordinator: UserId,
    pub plan_coordinator_name: String,
    pub goals: String,
    pub notification_made: Option<bool>,
    #[serde(with = "crate::store::json::day::option")]
    pub notification_date: Option<Date>,
    pub notification_authority: Option<String>,
    pub notification_reason: Option<String>,
    #[serde(with = "crate::store::json::day::option")]
    pub notification_receipt_due: Option<Date>,
    #[serde(with = "crate::store::json::instant::option")]
    pub notification_confirmed_at: Option<OffsetDateTime>,
    #[serde(with = "crate::store::json::instant")]
    pub updated_at: OffsetDateTime,
}

impl ActionPlan {
    /// A notification was sent and its receipt is not yet confirmed.
    pub fn awaits_receipt(&self) -> bool {
        self.notification_made == Some(true) && self.notification_confirmed_at.is_none()
    }
}

pub async fn plan_of(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<Option<ActionPlan>> {
    sqlx::query_as!(
        ActionPlan,
        r#"select p.plan_coordinator_user_id as "plan_coordinator: UserId",
                  u.name as plan_coordinator_name, p.goals, p.notification_made,
                  p.notification_date, p.notification_authority, p.notification_reason,
                  p.notification_receipt_due, p.notification_confirmed_at, p.updated_at
           from action_plans p join users u on u.id = p.plan_coordinator_user_id
           where p.case_id = $1"#,
        case as CaseId,
    )
    .fetch_optional(db)
    .await
}

pub struct PlanInput<'a> {
    pub plan_coordinator: UserId,
    pub goals: &'a str,
    /// `None` for an adult.
    pub notification: Option<&'a Notification>,
}

/// Creates or replaces the plan. The case's version check guards it; the plan's own version
/// counts its revisions.
pub async fn save_plan(
    db: impl PgExecutor<'_>,
    case: CaseId,
    plan: &PlanInput<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let (made, sent, authority, reason) = match plan.notification {
        Some(Notification::Made { sent, authority }) => {
            (Some(true), Some(*sent), Some(authority.as_str()), None)
        }
        Some(Notification::NotMade { reason }) => (Some(false), None, None, Some(reason.as_str())),
        None => (None, None, None, None),
    };
    // A confirmed receipt stays confirmed while the plan is saved with the same notification.
    sqlx::query!(
        r#"insert into action_plans (case_id, plan_coordinator_user_id, goals, notification_made,
                                     notification_date, notification_authority,
                                     notification_reason, notification_receipt_due,
                                     created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
           on conflict (case_id) do update set
               plan_coordinator_user_id = excluded.plan_coordinator_user_id,
               goals = excluded.goals,
               notification_made = excluded.notification_made,
               notification_date = excluded.notification_date,
               notification_authority = excluded.notification_authority,
               notification_reason = excluded.notification_reason,
               notification_receipt_due = excluded.notification_receipt_due,
               notification_confirmed_at = case
                   when (action_plans.notification_made, action_plans.notification_date,
                         action_plans.notification_authority)
                        is not distinct from
                        (excluded.notification_made, excluded.notification_date,
                         excluded.notification_authority)
                   then action_plans.notification_confirmed_at end,
               notification_confirmed_by = case
                   when (action_plans.notification_made, action_plans.notification_date,
                         action_plans.notification_authority)
                        is not distinct from
                        (excluded.notification_made, excluded.notification_date,
                         excluded.notification_authority)
                   then action_plans.notification_confirmed_by end,
               updated_at = excluded.updated_at,
               version = action_plans.version + 1"#,
        case as CaseId,
        plan.plan_coordinator as UserId,
        plan.goals,
        made,
        sent,
        authority,
        reason,
        sent.map(receipt_due),
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Intervention {
    pub id: InterventionId,
    pub type_id: String,
    pub type_other: Option<String>,
    pub owner: UserId,
    pub owner_name: String,
    pub authority: String,
    pub legal_basis: LegalBasis,
    pub legal_basis_other: Option<String>,
    #[serde(with = "crate::store::json::day")]
    pub start_date: Date,
    #[serde(with = "crate::store::json::day")]
    pub next_review_date: Date,
    pub status: InterventionStatus,
    /// Set at closing: the day it ended, or the authority it continues under.
    #[serde(with = "crate::store::json::day::option")]
    pub ended_on: Option<Date>,
    pub continues_with: Option<String>,
}

impl Intervention {
    pub fn is_open(&self) -> bool {
        matches!(
            self.status,
            InterventionStatus::Planned | InterventionStatus::Active
        )
    }

    /// Open, and its review date has passed without a review.
    pub fn review_overdue(&self, today: Date) -> bool {
        self.is_open() && self.next_review_date < today
    }
}

/// Records that the notification's receipt is confirmed; `false` when there is none waiting
/// (confirmed meanwhile, or the plan changed).
pub async fn confirm_notification_receipt(
    conn: &mut PgConnection,
    case: CaseId,
    by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update action_plans
         set notification_confirmed_at = $3, notification_confirmed_by = $2
         where case_id = $1 and notification_made and notification_confirmed_at is null",
        case as CaseId,
        by as UserId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The case's interventions, in the order they were added.
pub async fn interventions_of(
    db: impl PgExecutor<'_>,
    case: CaseId,
) -> sqlx::Result<Vec<Intervention>> {
    let rows = sqlx::query!(
        r#"select i.id as "id: InterventionId", i.type_id, i.type_other,
                  i.owner_user_id as "owner: UserId", u.name as owner_name, i.authority,
                  i.legal_basis as "legal_basis: LegalBasis", i.legal_basis_other, i.start_date,
                  i.next_review_date, i.status as "status: InterventionStatus", i.ended_on,
                  i.continues_with
           from interventions i join users u on u.id = i.owner_user_id
           where i.case_id = $1 order by i.created_at, i.id"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Intervention {
                id: r.id,
                legal_basis: r.legal_basis,
                status: r.status,
                type_id: r.type_id,
                type_other: r.type_other,
                owner: r.owner,
                owner_name: r.owner_name,
                authority: r.authority,
                legal_basis_other: r.legal_basis_other,
                start_date: r.start_date,
                next_review_date: r.next_review_date,
                ended_on: r.ended_on,
                continues_with: r.continues_with,
            })
        })
        .collect()
}

/// What became of an open intervention when its case closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// It ended on this day.
    Ended(Date),
    /// It goes on outside Infohus, under this authority.
    Continues(String),
}

/// Settles an open intervention of the case at closing; `false` when it is no longer open
/// (someone changed it since the form was shown; the caller rolls back).
pub async fn settle_at_closing(
    conn: &mut PgConnection,
    case: CaseId,
    id: InterventionId,
    settled: &Settled,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let (status, ended_on, continues_with) = match settled {
        Settled::Ended(d) => (InterventionStatus::Completed, Some(*d), None),
        Settled::Continues(authority) => (
            InterventionStatus::ContinuesOutside,
            None,
            Some(authority.as_str()),
        ),
    };
    let done = sqlx::query!(
        r#"update interventions set status = $3, ended_on = $4, continues_with = $5,
                  updated_at = $6, version = version + 1
           where id = $1 and case_id = $2 and status in ('planned', 'active')"#,
        id as InterventionId,
        case as CaseId,
        status.as_str(),
        ended_on,
        continues_with,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct InterventionInput<'a> {
    pub type_id: &'a str,
    pub type_other: Option<&'a str>,
    pub owner: UserId,
    pub authority: &'a str,
    pub legal_basis: LegalBasis,
    pub legal_basis_other: Option<&'a str>,
    pub start_date: Date,
    pub next_review_date: Date,
    pub status: InterventionStatus,
}

pub async fn insert_intervention(
    db: impl PgExecutor<'_>,
    case: CaseId,
    i: &InterventionInput<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<InterventionId> {
    let id = InterventionId::new();
    let done = sqlx::query!(
        r#"insert into interventions (id, case_id, municipality_id, type_id, type_other,
                                      owner_user_id, authority, legal_basis, legal_basis_other,
                                      start_date, next_review_date, status, created_at, updated_at)
           select $1, c.id, c.municipality_id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12
           from cases c where c.id = $2"#,
        id as InterventionId,
        case as CaseId,
        i.type_id,
        i.type_other,
        i.owner as UserId,
        i.authority,
        i.legal_basis.as_str(),
        i.legal_basis_other,
        i.start_date,
        i.next_review_date,
        i.status.as_str(),
        now,
    )
    .execute(db)
    .await?;
    // The case gives the row its municipality; without the case there is nothing to add to.
    if done.rows_affected() != 1 {
        return Err(sqlx::Error::RowNotFound);
    }
    Ok(id)
}

/// Changes an intervention of this case; `false` when the case has no such intervention.
pub async fn update_intervention(
    db: impl PgExecutor<'_>,
    case: CaseId,
    id: InterventionId,
    i: &InterventionInput<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update interventions set type_id = $3, type_other = $4, owner_user_id = $5,
                  authority = $6, legal_basis = $7, legal_basis_other = $8, start_date = $9,
                  next_review_date = $10, status = $11, updated_at = $12, version = version + 1
           where id = $1 and case_id = $2"#,
        id as InterventionId,
        case as CaseId,
        i.type_id,
        i.type_other,
        i.owner as UserId,
        i.authority,
        i.legal_basis.as_str(),
        i.legal_basis_other,
        i.start_date,
        i.next_review_date,
        i.status.as_str(),
        now,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
