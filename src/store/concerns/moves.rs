//! A concern's moves: the version-checked status change with its history row, the moves
//! between reporter and leader, linking to a case, and marking repeats.

use crate::domain::code::code_enum;
use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::domain::alerts::AlertKind;
use crate::domain::ids::{CaseId, ConcernId, MunicipalityId, UnitId, UserId};
use crate::domain::intake::{self, ConcernMove};
use crate::domain::workflow::ConcernStatus;

use super::add_addendum;
use crate::store::alerts::{self, Link, Recipients};

/// Marks repeats at the moment a concern reaches Infohus or joins a case: the concern itself
/// when one about the same person was filed in the 12 months before it, and those filed in the
/// 12 months after it (two filed at the same moment repeat each other).
/// `infohus_concern_repeats` (migration `repeat_concern`) is the one definition; every page and
/// figure reads the stored answer. Once a repeat, always a repeat.
pub(super) async fn mark_repeat(db: impl PgExecutor<'_>, id: ConcernId) -> sqlx::Result<()> {
    // The concerns to mark are found first and updated by their keys: an `or` of the two
    // sides in the update's own condition made PostgreSQL read every concern of the
    // installation for each one that reached Infohus (2 s at a million concerns).
    sqlx::query!(
        r#"with me as (select id, filed_at from concerns where id = $1),
                others as (select r.id, r.filed_at from infohus_concern_repeats($1) r),
                marked as (
                    select me.id from me
                    where exists (select 1 from others o where o.filed_at <= me.filed_at)
                    union
                    select o.id from others o, me where o.filed_at >= me.filed_at
                )
           update concerns c set repeat = true
           from marked m
           where c.id = m.id and not c.repeat"#,
        id as ConcernId,
    )
    .execute(db)
    .await?;
    Ok(())
}

code_enum! {
    /// What happened to a concern, as stored in `concern_history.action`.
    pub enum HistoryAction {
        Filed => ("filed", "Indberettet"),
        Forwarded => ("forwarded", "Sendt videre til Infohus af lederen"),
        Returned => ("returned", "Sendt tilbage til indberetter med et spørgsmål"),
        Resubmitted => ("resubmitted", "Besvaret og sendt til lederen igen"),
        Linked => ("linked", "Tilknyttet en sag"),
    }
}

/// A concern that just reached a status, and where it belongs.
pub(super) struct Announced {
    pub id: ConcernId,
    pub municipality: MunicipalityId,
    pub unit: Option<UnitId>,
    pub reporter: Option<UserId>,
    pub status: ConcernStatus,
    pub action: HistoryAction,
    pub actor: Option<UserId>,
}

/// Tells whom a concern's new status concerns, in the transaction of the move: the unit's
/// leaders of a concern in their inbox (new, or answered), the reporter of a question or of
/// its arrival in Infohus, and the coordinators of a concern in their intake queue.
pub(super) async fn announce(
    conn: &mut PgConnection,
    a: &Announced,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let mut told: Vec<(Recipients, AlertKind, Link)> = Vec::new();
    match a.status {
        ConcernStatus::AwaitingLeader => {
            let kind = match a.action {
                HistoryAction::Resubmitted => AlertKind::ReporterReplied,
                _ => AlertKind::ConcernInInbox,
            };
            if let Some(unit) = a.unit {
                told.push((Recipients::Leaders(unit), kind, Link::Concern(a.id)));
            }
        }
        ConcernStatus::Returned => {
            if let Some(reporter) = a.reporter {
                told.push((
                    Recipients::User(reporter),
                    AlertKind::QuestionFromLeader,
                    Link::Concern(a.id),
                ));
            }
        }
        ConcernStatus::Received => {
            told.push((
                Recipients::Coordinators(a.municipality),
                AlertKind::ConcernInQueue,
                Link::IntakeConcern(a.id),
            ));
            if let Some(reporter) = a.reporter {
                told.push((
                    Recipients::User(reporter),
                    AlertKind::ConcernReceived,
                    Link::Concern(a.id),
                ));
            }
        }
        ConcernStatus::Linked => {}
    }
    for (to, kind, link) in told {
        // The reporter is told that Infohus has their concern even when they filed it
        // themselves; everyone else is not told of their own move.
        let actor = if kind == AlertKind::ConcernReceived {
            None
        } else {
            a.actor
        };
        alerts::raise(&mut *conn, to, kind, a.municipality, link, actor, now).await?;
    }
    Ok(())
}

#[expect(
    clippy::too_many_arguments,
    reason = "one argument per column of the history row; a struct would only restate them"
)]
pub(super) async fn record_history(
    db: impl PgExecutor<'_>,
    concern: ConcernId,
    actor: Option<UserId>,
    from: Option<ConcernStatus>,
    to: ConcernStatus,
    action: HistoryAction,
    reason: Option<&str>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into concern_history
               (concern_id, occurred_at, actor_user_id, from_status, to_status, action, reason)
           values ($1, $2, $3, $4, $5, $6, $7)"#,
        concern as ConcernId,
        now,
        actor as Option<UserId>,
        from.map(ConcernStatus::as_str),
        to.as_str(),
        action.as_str(),
        reason,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Moves a concern from one status to another if it is still where the mover saw it (status
/// and version), with the history row. `false` when someone else moved it first.
#[expect(
    clippy::too_many_arguments,
    reason = "the move's guard (status, version) and its history row; a struct would only restate them"
)]
async fn move_status(
    conn: &mut PgConnection,
    id: ConcernId,
    version: i32,
    from: ConcernStatus,
    to: ConcernStatus,
    action: HistoryAction,
    actor: UserId,
    reason: Option<&str>,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let received_at = intake::reached_infohus(to).then_some(now);
    let moved = sqlx::query!(
        r#"update concerns
           set status = $4, version = version + 1,
               received_at = coalesce(received_at, $5)
           where id = $1 and version = $2 and status = $3
           returning municipality_id as "municipality_id: MunicipalityId",
                     unit_id as "unit_id: UnitId", reporter_user_id as "reporter: UserId""#,
        id as ConcernId,
        version,
        from.as_str(),
        to.as_str(),
        received_at,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(moved) = moved else {
        return Ok(false);
    };
    announce(
        &mut *conn,
        &Announced {
            id,
            municipality: moved.municipality_id,
            unit: moved.unit_id,
            reporter: moved.reporter,
            status: to,
            action,
            actor: Some(actor),
        },
        now,
    )
    .await?;
    record_history(
        &mut *conn,
        id,
        Some(actor),
        Some(from),
        to,
        action,
        reason,
        now,
    )
    .await?;
    if received_at.is_some() {
        mark_repeat(&mut *conn, id).await?;
    }
    Ok(true)
}

/// Takes a move of the concern and keeps its text as an addendum. `false` when the concern
/// was no longer where the move starts at the version the user saw.
pub async fn take_move(
    conn: &mut PgConnection,
    id: ConcernId,
    version: i32,
    mv: ConcernMove,
    actor: UserId,
    text: Option<&str>,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let history = match mv {
        ConcernMove::Forward => HistoryAction::Forwarded,
        ConcernMove::Return => HistoryAction::Returned,
        ConcernMove::Resubmit => HistoryAction::Resubmitted,
    };
    let moved = move_status(
        conn,
        id,
        version,
        mv.from(),
        mv.to(),
        history,
        actor,
        None,
        now,
    )
    .await?;
    if let (true, Some(text)) = (moved, text) {
        add_addendum(&mut *conn, id, actor, mv.addendum(), text, now).await?;
    }
    Ok(moved)
}

/// Joins a received concern to a case. `false` when it was no longer waiting in the queue at
/// the version the coordinator saw.
pub async fn link(
    conn: &mut PgConnection,
    id: ConcernId,
    version: i32,
    case: CaseId,
    coordinator: UserId,
    reason: Option<&str>,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update concerns
           set status = 'linked', case_id = $3, linked_at = $4, version = version + 1,
               read_by_coordinator_at = coalesce(read_by_coordinator_at, $4)
           where id = $1 and version = $2 and status = 'received'"#,
        id as ConcernId,
        version,
        case as CaseId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    record_history(
        &mut *conn,
        id,
        Some(coordinator),
        Some(ConcernStatus::Received),
        ConcernStatus::Linked,
        HistoryAction::Linked,
        reason,
        now,
    )
    .await?;
    mark_repeat(&mut *conn, id).await?;
    Ok(true)
}

/// The first time a coordinator opens a concern; later openings leave the time alone.
pub async fn mark_read_by_coordinator(
    db: impl PgExecutor<'_>,
    id: ConcernId,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"update concerns set read_by_coordinator_at = $2
           where id = $1 and read_by_coordinator_at is null"#,
        id as ConcernId,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}
