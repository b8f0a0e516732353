//! One change to a case: the version-checked stage change with its history row.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::{CloseReason, Level};
use crate::domain::ids::{CaseId, UserId};
use crate::domain::workflow::Stage;

/// How a change treats the case's prevention level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelChange {
    Keep,
    Set(Option<Level>),
}

/// One change to a case: a move to another stage, or work within the stage. Every change bumps
/// the version, so that a form opened before it is refused instead of overwriting it.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub case_id: CaseId,
    /// The version the user's form was based on.
    pub version: i32,
    pub from: Stage,
    pub to: Stage,
    /// The history code (a `Move::code()`, or `team_added` and the like).
    pub code: &'a str,
    pub reason: Option<&'a str>,
    pub actor: UserId,
    pub at: OffsetDateTime,
    /// Set when the case is sent to screening.
    pub screening_due: Option<Date>,
    pub level: LevelChange,
    /// Required when `to` is `closed`.
    pub close_reason: Option<CloseReason>,
}

/// Applies a change if the case is still at `version` and in `from`, and writes its history
/// row. `false` when someone else changed the case first: nothing has been written, and the
/// caller rolls back whatever else it wrote in the transaction.
pub async fn apply(conn: &mut PgConnection, change: &Change<'_>) -> sqlx::Result<bool> {
    let (set_level, level) = match change.level {
        LevelChange::Keep => (false, None),
        LevelChange::Set(l) => (true, l.map(|l| l.as_str())),
    };
    let done = sqlx::query!(
        r#"update cases set
               stage = $4,
               version = version + 1,
               updated_at = $5,
               stage_changed_at = case when stage = $4 then stage_changed_at else $5 end,
               screening_due = coalesce($6, screening_due),
               level = case when $7 then $8 else level end,
               close_reason = case when $4 = 'closed' then coalesce($9, close_reason) end,
               closed_at = case when $4 <> 'closed' then null
                                when stage = 'closed' then closed_at
                                else $5 end
           where id = $1 and version = $2 and stage = $3"#,
        change.case_id as CaseId,
        change.version,
        change.from.as_str(),
        change.to.as_str(),
        change.at,
        change.screening_due,
        set_level,
        level,
        change.close_reason.map(|r| r.as_str()),
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query!(
        r#"insert into case_history (case_id, occurred_at, actor_user_id, from_stage, to_stage,
                                     move, reason)
           values ($1, $2, $3, $4, $5, $6, $7)"#,
        change.case_id as CaseId,
        change.at,
        change.actor as UserId,
        change.from.as_str(),
        change.to.as_str(),
        change.code,
        change.reason,
    )
    .execute(&mut *conn)
    .await?;
    Ok(true)
}
