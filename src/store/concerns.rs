//! Concerns as filed, their addenda and history, and the lists intake works from: the reporter's
//! own, the leader's inbox, the unit's, the coordinator's queue, and a citizen's receipt.
//!
//! A filed concern never changes (a trigger refuses it); only its workflow columns move, each
//! move with a `concern_history` row in the same transaction.

use crate::domain::code::code_enum;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::ConcernKind;
use crate::domain::cpr;
use crate::domain::ids::{AddendumId, CaseId, ConcernId, MunicipalityId, UnitId, UserId};
use crate::domain::intake::{self, AddendumKind, AddendumReader, ConcernMove, ConcernSource};
use crate::domain::policy::ConcernScope;
use crate::domain::workflow::{ConcernStatus, PublicStatus, Stage};

/// A concern about to be filed, validated.
#[derive(Debug, Clone)]
pub struct NewConcern {
    pub municipality_id: MunicipalityId,
    pub status: ConcernStatus,
    pub source: ConcernSource,
    pub reporter_user_id: Option<UserId>,
    pub unit_id: Option<UnitId>,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_phone: Option<String>,
    pub subject_name: String,
    pub subject_birth_date: Option<Date>,
    pub subject_approx_age: Option<i16>,
    pub subject_is_minor: bool,
    pub subject_cpr: Option<String>,
    pub subject_address: Option<String>,
    pub subject_connection: Option<String>,
    pub observation: String,
    pub observed_when: Option<String>,
    pub observed_where: Option<String>,
    pub warning_signs: Vec<String>,
    pub kind: ConcernKind,
    pub leader_informed: Option<bool>,
    pub parents_informed: Option<bool>,
    pub key_employee_involved: Option<bool>,
    pub direct_to_infohus: bool,
    pub direct_reason: Option<String>,
    pub receipt_code_hash: Option<String>,
}

/// Files a concern and writes its first history row. `actor` is the signed-in reporter, or
/// `None` for a citizen.
pub async fn file(
    conn: &mut PgConnection,
    new: &NewConcern,
    now: OffsetDateTime,
) -> sqlx::Result<ConcernId> {
    let id = ConcernId::new();
    let received_at = intake::reached_infohus(new.status).then_some(now);
    sqlx::query!(
        r#"insert into concerns (
               id, municipality_id, status, source, reporter_user_id, unit_id, reporter_name,
               reporter_email, reporter_phone, subject_name, subject_birth_date,
               subject_approx_age, subject_is_minor, subject_cpr, subject_address,
               subject_connection, observation, observed_when, observed_where, warning_signs,
               kind, leader_informed, parents_informed, key_employee_involved,
               direct_to_infohus, direct_reason, receipt_code_hash, filed_at, received_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                   $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)"#,
        id as ConcernId,
        new.municipality_id as MunicipalityId,
        new.status.as_str(),
        new.source.as_str(),
        new.reporter_user_id as Option<UserId>,
        new.unit_id as Option<UnitId>,
        new.reporter_name,
        new.reporter_email,
        new.reporter_phone,
        new.subject_name,
        new.subject_birth_date,
        new.subject_approx_age,
        new.subject_is_minor,
        new.subject_cpr,
        new.subject_address,
        new.subject_connection,
        new.observation,
        new.observed_when,
        new.observed_where,
        &new.warning_signs,
        new.kind.as_str(),
        new.leader_informed,
        new.parents_informed,
        new.key_employee_involved,
        new.direct_to_infohus,
        new.direct_reason,
        new.receipt_code_hash,
        now,
        received_at,
    )
    .execute(&mut *conn)
    .await?;
    record_history(
        &mut *conn,
        id,
        new.reporter_user_id,
        None,
        new.status,
        HistoryAction::Filed,
        new.direct_reason.as_deref(),
        now,
    )
    .await?;
    if received_at.is_some() {
        mark_repeat(&mut *conn, id).await?;
    }
    Ok(id)
}

/// Marks repeats at the moment a concern reaches Infohus or joins a case: the concern itself
/// when one about the same person was filed in the 12 months before it, and those filed in the
/// 12 months after it (two filed at the same moment repeat each other). `infohus_concern_repeats` (migration `repeat_concern`) is the one
/// definition; every page and figure reads the stored answer. Once a repeat, always a repeat.
async fn mark_repeat(db: impl PgExecutor<'_>, id: ConcernId) -> sqlx::Result<()> {
    sqlx::query!(
        r#"with me as (select id, filed_at from concerns where id = $1),
                others as (select r.id, r.filed_at from infohus_concern_repeats($1) r)
           update concerns c set repeat = true
           from me
           where not c.repeat
             and ((c.id = me.id
                   and exists (select 1 from others o where o.filed_at <= me.filed_at))
                  or (c.id in (select o.id from others o where o.filed_at >= me.filed_at)))"#,
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

#[expect(
    clippy::too_many_arguments,
    reason = "one argument per column of the history row; a struct would only restate them"
)]
async fn record_history(
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

/// One concern in full, with the case it joined (if any).
#[derive(Debug, Clone)]
pub struct Concern {
    pub id: ConcernId,
    pub municipality_id: MunicipalityId,
    pub case_id: Option<CaseId>,
    pub case_reference: Option<String>,
    pub case_stage: Option<Stage>,
    pub status: ConcernStatus,
    pub version: i32,
    pub source: ConcernSource,
    pub reporter_user_id: Option<UserId>,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_phone: Option<String>,
    pub subject_name: String,
    pub subject_birth_date: Option<Date>,
    pub subject_approx_age: Option<i16>,
    pub subject_is_minor: bool,
    pub subject_cpr: Option<String>,
    pub subject_address: Option<String>,
    pub subject_connection: Option<String>,
    pub observation: String,
    pub observed_when: Option<String>,
    pub observed_where: Option<String>,
    pub warning_signs: Vec<String>,
    pub kind: ConcernKind,
    pub leader_informed: Option<bool>,
    pub parents_informed: Option<bool>,
    pub key_employee_involved: Option<bool>,
    pub direct_to_infohus: bool,
    pub direct_reason: Option<String>,
    pub filed_at: OffsetDateTime,
    pub received_at: Option<OffsetDateTime>,
    pub read_by_coordinator_at: Option<OffsetDateTime>,
    pub linked_at: Option<OffsetDateTime>,
    /// A repeat: see [`is_repeat_subject`].
    pub repeat: bool,
}

impl Concern {
    /// Where the concern belongs, for the policy. A concern sent directly to Infohus bypasses
    /// the unit on purpose (the leader may be part of it), so it is not the unit's to see.
    pub fn scope(&self) -> ConcernScope {
        ConcernScope {
            municipality_id: self.municipality_id,
            unit_id: self.unit_id,
            reporter_user_id: self.reporter_user_id,
            reached_infohus: intake::reached_infohus(self.status),
            sent_directly: self.direct_to_infohus,
        }
    }

    pub fn public_status(&self) -> PublicStatus {
        intake::public_status(self.status, self.case_stage)
    }

    /// "DDMMYY-xxxx", for every page but the coordinator's registration of the person.
    pub fn cpr_masked(&self) -> Option<String> {
        self.subject_cpr.as_deref().map(|c| {
            cpr::parse(c)
                .map(|p| p.masked())
                .unwrap_or_else(|_| "xxxxxx-xxxx".into())
        })
    }
}

pub async fn by_id(db: impl PgExecutor<'_>, id: ConcernId) -> sqlx::Result<Option<Concern>> {
    let row = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.municipality_id as "municipality_id: MunicipalityId",
                  c.case_id as "case_id: CaseId", k.reference as "case_reference?",
                  k.stage as "case_stage?: Stage", c.status as "status: ConcernStatus", c.version,
                  c.source as "source: ConcernSource",
                  c.reporter_user_id as "reporter_user_id: UserId", c.unit_id as "unit_id: UnitId",
                  u.name as "unit_name?", c.reporter_name, c.reporter_email, c.reporter_phone,
                  c.subject_name, c.subject_birth_date, c.subject_approx_age, c.subject_is_minor,
                  c.subject_cpr, c.subject_address, c.subject_connection, c.observation,
                  c.observed_when, c.observed_where, c.warning_signs, c.kind as "kind: ConcernKind",
                  c.leader_informed,
                  c.parents_informed, c.key_employee_involved, c.direct_to_infohus,
                  c.direct_reason, c.filed_at, c.received_at, c.read_by_coordinator_at,
                  c.linked_at, c.repeat
           from concerns c
           left join cases k on k.id = c.case_id
           left join units u on u.id = c.unit_id
           where c.id = $1"#,
        id as ConcernId,
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Concern {
        id: r.id,
        municipality_id: r.municipality_id,
        case_id: r.case_id,
        case_reference: r.case_reference,
        case_stage: r.case_stage,
        status: r.status,
        version: r.version,
        source: r.source,
        reporter_user_id: r.reporter_user_id,
        unit_id: r.unit_id,
        unit_name: r.unit_name,
        reporter_name: r.reporter_name,
        reporter_email: r.reporter_email,
        reporter_phone: r.reporter_phone,
        subject_name: r.subject_name,
        subject_birth_date: r.subject_birth_date,
        subject_approx_age: r.subject_approx_age,
        subject_is_minor: r.subject_is_minor,
        subject_cpr: r.subject_cpr,
        subject_address: r.subject_address,
        subject_connection: r.subject_connection,
        observation: r.observation,
        observed_when: r.observed_when,
        observed_where: r.observed_where,
        warning_signs: r.warning_signs,
        kind: r.kind,
        leader_informed: r.leader_informed,
        parents_informed: r.parents_informed,
        key_employee_involved: r.key_employee_involved,
        direct_to_infohus: r.direct_to_infohus,
        direct_reason: r.direct_reason,
        filed_at: r.filed_at,
        received_at: r.received_at,
        read_by_coordinator_at: r.read_by_coordinator_at,
        linked_at: r.linked_at,
        repeat: r.repeat,
    }))
}

/// One addition under a concern.
#[derive(Debug, Clone)]
pub struct Addendum {
    pub id: AddendumId,
    pub kind: AddendumKind,
    pub author_name: String,
    pub body: String,
    pub created_at: OffsetDateTime,
}

/// The addenda of a concern that the reader may see, in the order they were written.
pub async fn addenda(
    db: impl PgExecutor<'_>,
    concern: ConcernId,
    reader: AddendumReader,
) -> sqlx::Result<Vec<Addendum>> {
    let rows = sqlx::query!(
        r#"select a.id as "id: AddendumId", a.kind as "kind: AddendumKind", u.name as author_name, a.body, a.created_at
           from concern_addenda a
           join users u on u.id = a.author_user_id
           where a.concern_id = $1 and a.kind = any($2)
           order by a.created_at, a.id"#,
        concern as ConcernId,
        &reader.visible_kinds(),
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Addendum {
                id: r.id,
                kind: r.kind,
                author_name: r.author_name,
                body: r.body,
                created_at: r.created_at,
            })
        })
        .collect()
}

pub async fn add_addendum(
    db: impl PgExecutor<'_>,
    concern: ConcernId,
    author: UserId,
    kind: AddendumKind,
    body: &str,
    now: OffsetDateTime,
) -> sqlx::Result<AddendumId> {
    let id = AddendumId::new();
    sqlx::query!(
        r#"insert into concern_addenda (id, concern_id, author_user_id, kind, body, created_at)
           values ($1, $2, $3, $4, $5, $6)"#,
        id as AddendumId,
        concern as ConcernId,
        author as UserId,
        kind.as_str(),
        body,
        now,
    )
    .execute(db)
    .await?;
    Ok(id)
}

/// One entry of a concern's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub occurred_at: OffsetDateTime,
    pub actor_name: Option<String>,
    pub action: HistoryAction,
    pub reason: Option<String>,
}

pub async fn history(
    db: impl PgExecutor<'_>,
    concern: ConcernId,
) -> sqlx::Result<Vec<HistoryEntry>> {
    sqlx::query_as!(
        HistoryEntry,
        r#"select h.occurred_at, u.name as "actor_name?", h.action as "action: HistoryAction", h.reason
           from concern_history h
           left join users u on u.id = h.actor_user_id
           where h.concern_id = $1
           order by h.occurred_at, h.id"#,
        concern as ConcernId,
    )
    .fetch_all(db)
    .await
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
    let done = sqlx::query!(
        r#"update concerns
           set status = $4, version = version + 1,
               received_at = coalesce(received_at, $5)
           where id = $1 and version = $2 and status = $3"#,
        id as ConcernId,
        version,
        from.as_str(),
        to.as_str(),
        received_at,
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
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
           set status = 'linked', case_id = $3, linked_at = $4, version = version + 1
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

/// A row of "Mine bekymringer".
#[derive(Debug, Clone)]
pub struct OwnRow {
    pub id: ConcernId,
    pub filed_at: OffsetDateTime,
    pub subject_name: String,
    pub kind: ConcernKind,
    pub status: ConcernStatus,
    pub case_stage: Option<Stage>,
    pub read_by_coordinator_at: Option<OffsetDateTime>,
}

impl OwnRow {
    pub fn public_status(&self) -> PublicStatus {
        intake::public_status(self.status, self.case_stage)
    }
}

/// What a user filed, newest first.
pub async fn filed_by(db: impl PgExecutor<'_>, reporter: UserId) -> sqlx::Result<Vec<OwnRow>> {
    let rows = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.filed_at, c.subject_name, c.kind as "kind: ConcernKind",
                  c.status as "status: ConcernStatus",
                  k.stage as "case_stage?: Stage", c.read_by_coordinator_at
           from concerns c
           left join cases k on k.id = c.case_id
           where c.reporter_user_id = $1
           order by c.filed_at desc, c.id
           limit 500"#,
        reporter as UserId,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(OwnRow {
                id: r.id,
                filed_at: r.filed_at,
                subject_name: r.subject_name,
                kind: r.kind,
                status: r.status,
                case_stage: r.case_stage,
                read_by_coordinator_at: r.read_by_coordinator_at,
            })
        })
        .collect()
}

/// A row of a unit's list (the leader's inbox, the key employee's overview).
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub id: ConcernId,
    pub filed_at: OffsetDateTime,
    pub reporter_name: Option<String>,
    pub subject_name: String,
    pub subject_is_minor: bool,
    pub kind: ConcernKind,
    pub status: ConcernStatus,
    pub case_stage: Option<Stage>,
}

impl UnitRow {
    pub fn public_status(&self) -> PublicStatus {
        intake::public_status(self.status, self.case_stage)
    }
}

/// The concerns of a unit; with `waiting_only`, just those with the leader or back with the
/// reporter, oldest first (the leader's inbox); otherwise all, newest first. Concerns sent
/// directly to Infohus are not the unit's.
pub async fn in_unit(
    db: impl PgExecutor<'_>,
    unit: UnitId,
    waiting_only: bool,
) -> sqlx::Result<Vec<UnitRow>> {
    let rows = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.filed_at, c.reporter_name, c.subject_name,
                  c.subject_is_minor, c.kind as "kind: ConcernKind", c.status as "status: ConcernStatus",
                  k.stage as "case_stage?: Stage"
           from concerns c
           left join cases k on k.id = c.case_id
           where c.unit_id = $1 and not c.direct_to_infohus
             and (not $2 or c.status in ('awaiting_leader', 'returned'))
           order by case when $2 then c.filed_at end asc,
                    case when not $2 then c.filed_at end desc,
                    c.id
           limit 500"#,
        unit as UnitId,
        waiting_only,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(UnitRow {
                id: r.id,
                filed_at: r.filed_at,
                reporter_name: r.reporter_name,
                subject_name: r.subject_name,
                subject_is_minor: r.subject_is_minor,
                kind: r.kind,
                status: r.status,
                case_stage: r.case_stage,
            })
        })
        .collect()
}

/// A row of the coordinator's intake queue.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub id: ConcernId,
    pub received_at: OffsetDateTime,
    pub source: ConcernSource,
    pub subject_name: String,
    pub subject_birth_date: Option<Date>,
    pub subject_approx_age: Option<i16>,
    pub subject_is_minor: bool,
    pub kind: ConcernKind,
    pub read_by_coordinator_at: Option<OffsetDateTime>,
    pub direct_to_infohus: bool,
    /// Another concern about the same person within 12 months.
    pub repeat: bool,
}

/// The concerns waiting in a municipality's intake queue, oldest first.
pub async fn intake_queue(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
) -> sqlx::Result<Vec<QueueRow>> {
    let rows = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.received_at as "received_at!",
                  c.source as "source: ConcernSource",
                  c.subject_name, c.subject_birth_date, c.subject_approx_age,
                  c.subject_is_minor, c.kind as "kind: ConcernKind", c.read_by_coordinator_at, c.direct_to_infohus,
                  c.repeat
           from concerns c
           where c.municipality_id = $1 and c.status = 'received'
           order by c.received_at, c.filed_at, c.id
           limit 1000"#,
        municipality as MunicipalityId,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(QueueRow {
                id: r.id,
                received_at: r.received_at,
                source: r.source,
                subject_name: r.subject_name,
                subject_birth_date: r.subject_birth_date,
                subject_approx_age: r.subject_approx_age,
                subject_is_minor: r.subject_is_minor,
                kind: r.kind,
                read_by_coordinator_at: r.read_by_coordinator_at,
                direct_to_infohus: r.direct_to_infohus,
                repeat: r.repeat,
            })
        })
        .collect()
}

/// Is the concern a repeat: another concern in Infohus about the same person (or in the same
/// case) filed in the 12 months before it?
pub async fn is_repeat_subject(db: impl PgExecutor<'_>, concern: ConcernId) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select coalesce((select repeat from concerns where id = $1), false) as "repeat!""#,
        concern as ConcernId,
    )
    .fetch_one(db)
    .await
}

/// Is the case about a repeat concern: is one of its concerns a repeat?
pub async fn case_is_repeat(db: impl PgExecutor<'_>, case: CaseId) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from concerns c where c.case_id = $1 and c.repeat)
               as "repeat!""#,
        case as CaseId,
    )
    .fetch_one(db)
    .await
}

/// What a citizen's receipt code tells: which concern, and how far it has come.
#[derive(Debug, Clone)]
pub struct ReceiptStatus {
    pub id: ConcernId,
    pub municipality_id: MunicipalityId,
    pub status: PublicStatus,
}

pub async fn by_receipt(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    code_hash: &str,
) -> sqlx::Result<Option<ReceiptStatus>> {
    let row = sqlx::query!(
        r#"select c.id as "id: ConcernId", c.municipality_id as "municipality_id: MunicipalityId",
                  c.status as "status: ConcernStatus", k.stage as "case_stage?: Stage"
           from concerns c
           left join cases k on k.id = c.case_id
           where c.receipt_code_hash = $1 and c.municipality_id = $2"#,
        code_hash,
        municipality as MunicipalityId,
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(ReceiptStatus {
        id: r.id,
        municipality_id: r.municipality_id,
        status: intake::public_status(r.status, r.case_stage),
    }))
}
