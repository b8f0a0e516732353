//! A concern as every page that shows one reads it: the concern page, the coordinator's
//! intake page and the case page's concerns share these views, the addenda the reader may see,
//! the history, and the audit row of a look at a concern.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::catalogue::{self, SignGroup};
use crate::domain::ids::ConcernId;
use crate::domain::intake::{self, AddendumReader};
use crate::error::AppResult;
use crate::store::audit::{AuditAction, AuditEvent, ObjectType};
use crate::store::concerns::{self, Concern};
use time::{Date, OffsetDateTime};

/// The person's address as one reader may see it. With name and address protection the page
/// says "Beskyttet adresse"; a coordinator of the municipality also sees the address on screen,
/// never on paper (`no-print`).
pub(crate) struct AddressView {
    pub text: Option<String>,
    pub protected: bool,
}

impl AddressView {
    /// `may_see_protected` is [`crate::domain::policy::may_see_protected_address`].
    pub(crate) fn new(address: Option<&str>, protected: bool, may_see_protected: bool) -> Self {
        AddressView {
            text: address
                .filter(|_| !protected || may_see_protected)
                .map(str::to_owned),
            protected,
        }
    }
}

/// A concern ready for the page: every value already in Danish.
pub(crate) struct ConcernView {
    pub id: String,
    pub version: i32,
    pub filed: OffsetDateTime,
    pub source: &'static str,
    pub unit_name: Option<String>,
    pub status: &'static str,
    pub public_status: &'static str,
    pub step_note: Option<&'static str>,
    pub subject_name: String,
    pub birth_date: Option<Date>,
    pub approx_age: Option<i16>,
    pub minor: &'static str,
    pub cpr: Option<String>,
    pub address: AddressView,
    pub connection: Option<String>,
    pub observation: String,
    pub observed_when: Option<String>,
    pub observed_where: Option<String>,
    pub signs_individual: Vec<&'static str>,
    pub signs_social: Vec<&'static str>,
    pub kind: &'static str,
    pub leader_informed: &'static str,
    pub parents_informed: &'static str,
    pub key_employee_involved: &'static str,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_phone: Option<String>,
    pub direct_to_infohus: bool,
    pub direct_reason: Option<String>,
    pub received: Option<OffsetDateTime>,
    pub read_by_coordinator: Option<OffsetDateTime>,
    pub case_reference: Option<String>,
    pub case_id: Option<String>,
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "Ja",
        Some(false) => "Nej",
        None => "Ikke oplyst",
    }
}

impl ConcernView {
    /// `full_cpr` only for the coordinator registering the person; everyone else sees it masked.
    /// `may_see_protected`: see [`AddressView::new`].
    pub(crate) fn new(c: &Concern, full_cpr: bool, may_see_protected: bool) -> ConcernView {
        let signs = |group: SignGroup| {
            c.draft
                .warning_signs
                .iter()
                .filter_map(|id| catalogue::warning_sign(id))
                .filter(|s| s.group == group)
                .map(|s| s.label)
                .collect()
        };
        ConcernView {
            id: c.id.to_string(),
            version: c.version,
            filed: c.filed_at,
            source: c.source.label(),
            unit_name: c.unit_name.clone(),
            status: intake::status_label(c.status),
            public_status: c.public_status().label(),
            step_note: intake::unit_step_note(c.status),
            subject_name: c.draft.subject.name.clone(),
            birth_date: c.draft.subject.birth_date,
            approx_age: c.draft.subject.approx_age,
            minor: if c.draft.subject.is_minor {
                "Ja"
            } else {
                "Nej"
            },
            cpr: if full_cpr {
                c.draft.subject.cpr.clone()
            } else {
                c.cpr_masked()
            },
            address: AddressView::new(
                c.draft.subject.address.as_deref(),
                c.address_protected,
                may_see_protected,
            ),
            connection: c.draft.connection.clone(),
            observation: c.draft.observation.clone(),
            observed_when: c.draft.observed_when.clone(),
            observed_where: c.draft.observed_where.clone(),
            signs_individual: signs(SignGroup::Individual),
            signs_social: signs(SignGroup::Social),
            kind: c.draft.kind.label(),
            leader_informed: yes_no(c.draft.leader_informed),
            parents_informed: yes_no(c.draft.parents_informed),
            key_employee_involved: yes_no(c.draft.key_employee_involved),
            reporter_name: c.draft.reporter_name.clone(),
            reporter_email: c.draft.reporter_email.clone(),
            reporter_phone: c.draft.reporter_phone.clone(),
            direct_to_infohus: c.draft.direct_to_infohus,
            direct_reason: c.draft.direct_reason.clone(),
            received: c.received_at,
            read_by_coordinator: c.read_by_coordinator_at,
            case_reference: c.case_reference.clone(),
            case_id: c.case_id.map(|id| id.to_string()),
        }
    }
}

pub(crate) struct AddendumView {
    pub kind: &'static str,
    pub author: String,
    pub at: OffsetDateTime,
    pub body: String,
}

pub(crate) struct HistoryView {
    pub at: OffsetDateTime,
    pub actor: String,
    pub action: &'static str,
    pub reason: Option<String>,
}

/// The addenda a reader may see, oldest first. A reporter who also holds another relation to
/// the concern (a key employee who filed it) sees both shares.
pub(crate) async fn visible_addenda(
    db: &sqlx::PgPool,
    concern: ConcernId,
    reader: AddendumReader,
) -> AppResult<Vec<AddendumView>> {
    Ok(concerns::addenda(db, concern, reader)
        .await?
        .into_iter()
        .map(|a| AddendumView {
            kind: a.kind.label(),
            author: a.author_name,
            at: a.created_at,
            body: a.body,
        })
        .collect())
}

pub(crate) async fn history_views(
    db: &sqlx::PgPool,
    concern: ConcernId,
) -> AppResult<Vec<HistoryView>> {
    Ok(concerns::history(db, concern)
        .await?
        .into_iter()
        .map(|h| HistoryView {
            at: h.occurred_at,
            actor: h
                .actor_name
                .unwrap_or_else(|| "Borger (uden konto)".to_owned()),
            action: h.action.label(),
            reason: h.reason,
        })
        .collect())
}

/// The audit row for something done to or seen of a concern, by the signed-in user.
pub(crate) fn concern_event(
    state: &AppState,
    current: &CurrentUser,
    action: AuditAction,
    concern: &concerns::Concern,
) -> AuditEvent {
    current
        .audit(action)
        .on(ObjectType::Concern, concern.id.0)
        .in_municipality(Some(concern.municipality_id))
        .in_district(
            state
                .tenants
                .by_id(concern.municipality_id)
                .map(|m| m.police_district_id),
        )
}
