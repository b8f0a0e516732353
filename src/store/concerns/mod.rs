//! Concerns as filed, their addenda and history, and the lists intake works from: the reporter's
//! own, the leader's inbox, the unit's, the coordinator's queue, and a citizen's receipt.
//!
//! A filed concern never changes (a trigger refuses it); only its workflow columns move, each
//! move with a `concern_history` row in the same transaction.

mod filing;
mod lists;
mod moves;
mod receipts;
pub use filing::{NewConcern, case_is_repeat, file, is_repeat_subject};
pub use lists::{
    ConcernTasks, OwnRow, QueueRow, UnitRow, filed_by, in_unit, intake_queue, waiting_for,
};
pub use moves::{HistoryAction, link, mark_read_by_coordinator, take_move};
pub use receipts::{ReceiptStatus, by_receipt};

use sqlx::PgExecutor;
use time::OffsetDateTime;

use crate::domain::catalogue::ConcernKind;
use crate::domain::cpr;
use crate::domain::ids::{AddendumId, CaseId, ConcernId, MunicipalityId, UnitId, UserId};
use crate::domain::intake::concern::{Subject, ValidConcern};
use crate::domain::intake::{self, AddendumKind, AddendumReader, ConcernSource};
use crate::domain::policy::ConcernScope;
use crate::domain::workflow::{ConcernStatus, PublicStatus, Stage};

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
    /// What was filed, as it passed every check; it never changes.
    pub draft: ValidConcern,
    pub filed_at: OffsetDateTime,
    pub received_at: Option<OffsetDateTime>,
    pub read_by_coordinator_at: Option<OffsetDateTime>,
    pub linked_at: Option<OffsetDateTime>,
    /// A repeat: see [`is_repeat_subject`].
    pub repeat: bool,
    /// Protected as filed, or since by the coordinator on the person's case.
    pub address_protected: bool,
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
            sent_directly: self.draft.direct_to_infohus,
        }
    }

    pub fn public_status(&self) -> PublicStatus {
        intake::public_status(self.status, self.case_stage)
    }

    /// "DDMMYY-xxxx", for every page but the coordinator's registration of the person.
    pub fn cpr_masked(&self) -> Option<String> {
        self.draft.subject.cpr.as_deref().map(|c| {
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
                  c.subject_cpr, c.subject_address, c.subject_address_protected,
                  coalesce(k.subject_address_protected, false) as "case_address_protected!",
                  c.subject_connection, c.observation,
                  c.observed_when, c.observed_where, c.warning_signs, c.kind as "kind: ConcernKind",
                  c.leader_informed,
                  c.parents_informed, c.key_employee_involved, c.direct_to_infohus,
                  c.direct_reason, c.filed_at, c.received_at, coalesce(c.read_by_coordinator_at, c.linked_at) as "read_by_coordinator_at",
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
        draft: ValidConcern {
            subject: Subject {
                name: r.subject_name,
                birth_date: r.subject_birth_date,
                approx_age: r.subject_approx_age,
                is_minor: r.subject_is_minor,
                cpr: r.subject_cpr,
                address: r.subject_address,
                address_protected: r.subject_address_protected,
            },
            connection: r.subject_connection,
            observation: r.observation,
            observed_when: r.observed_when,
            observed_where: r.observed_where,
            warning_signs: r.warning_signs,
            kind: r.kind,
            leader_informed: r.leader_informed,
            parents_informed: r.parents_informed,
            key_employee_involved: r.key_employee_involved,
            reporter_name: r.reporter_name,
            reporter_email: r.reporter_email,
            reporter_phone: r.reporter_phone,
            direct_to_infohus: r.direct_to_infohus,
            direct_reason: r.direct_reason,
        },
        filed_at: r.filed_at,
        received_at: r.received_at,
        read_by_coordinator_at: r.read_by_coordinator_at,
        linked_at: r.linked_at,
        repeat: r.repeat,
        address_protected: r.subject_address_protected || r.case_address_protected,
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

/// The concerns about a person (by CPR number) in a municipality that never joined a case,
/// oldest first: part of the person's access request.
pub async fn unlinked_by_cpr(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    cpr: &str,
) -> sqlx::Result<Vec<ConcernId>> {
    sqlx::query_scalar!(
        r#"select id as "id: ConcernId" from concerns
           where municipality_id = $1 and subject_cpr = $2 and case_id is null
           order by filed_at, id"#,
        municipality as MunicipalityId,
        cpr,
    )
    .fetch_all(db)
    .await
}
