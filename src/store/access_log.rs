//! Who looked at what: the audit trail read back for one case, for coordinators and admins.

use sqlx::PgExecutor;
use time::OffsetDateTime;

use crate::domain::ids::{CaseId, MunicipalityId};
use crate::domain::lookup::Purpose;
use crate::store::audit::AuditAction;
use crate::store::paging::{self, Page};

/// The little of a case an access log needs: never the person.
#[derive(Debug, Clone)]
pub struct CaseLabel {
    pub municipality_id: MunicipalityId,
    pub reference: String,
}

pub async fn case_label(db: impl PgExecutor<'_>, id: CaseId) -> sqlx::Result<Option<CaseLabel>> {
    sqlx::query_as!(
        CaseLabel,
        r#"select municipality_id as "municipality_id: MunicipalityId", reference
           from cases where id = $1"#,
        id as CaseId,
    )
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// The audit row's id: where the next page starts.
    pub id: i64,
    pub occurred_at: OffsetDateTime,
    pub actor_name: Option<String>,
    pub actor_email: Option<String>,
    pub action: AuditAction,
    pub purpose: Option<Purpose>,
    /// A search's criterion: of the list that showed the case, or the search a look came from.
    pub search: Option<String>,
}

/// The audit rows about the case or one of its concerns, and the lists that showed one of them,
/// newest first, a page at a time: the page after the row `before` (an audit id), or the first.
pub async fn for_case(
    db: impl PgExecutor<'_>,
    id: CaseId,
    before: Option<i64>,
) -> sqlx::Result<Page<Entry>> {
    let rows = sqlx::query_as!(
        Entry,
        // Three branches, each an index range scan newest first with its own limit, instead of
        // one OR that PostgreSQL answers by reading the whole audit trail (173 ms against 15 ms
        // at 60,000 audit rows): the case's rows, its concerns' rows, and the lists that showed
        // one of them. `union` drops a row two branches both found.
        r#"with k as (
               select coalesce(array_agg(c.id), '{}') as ids from concerns c where c.case_id = $1
           ), cursor as (
               select b.occurred_at, b.id from audit_events b where b.id = $2
           ), found as (
               (select a.id from audit_events a
                where a.object_type = 'case' and a.object_id = $1
                  and ($2::int8 is null
                       or (a.occurred_at <= (select occurred_at from cursor)
                           and (a.occurred_at, a.id) < (select occurred_at, id from cursor)))
                order by a.occurred_at desc, a.id desc limit $3)
               union
               (select a.id from audit_events a, k
                where a.object_type = 'concern' and a.object_id = any (k.ids)
                  and ($2::int8 is null
                       or (a.occurred_at <= (select occurred_at from cursor)
                           and (a.occurred_at, a.id) < (select occurred_at, id from cursor)))
                order by a.occurred_at desc, a.id desc limit $3)
               union
               (select a.id from audit_events a, k
                where a.shown_ids && (k.ids || $1::uuid)
                  and ($2::int8 is null
                       or (a.occurred_at <= (select occurred_at from cursor)
                           and (a.occurred_at, a.id) < (select occurred_at, id from cursor)))
                order by a.occurred_at desc, a.id desc limit $3)
           )
           select a.id, a.occurred_at, u.name as "actor_name?", u.email as "actor_email?",
                  a.action as "action: AuditAction", a.purpose as "purpose: Purpose", a.search
           from found f
           join audit_events a on a.id = f.id
           left join users u on u.id = a.actor_user_id
           order by a.occurred_at desc, a.id desc
           limit $3"#,
        id as CaseId,
        before,
        paging::FETCH,
    )
    .fetch_all(db)
    .await?;
    Ok(Page::of(rows))
}

/// One look at or change of a person's case as the person may learn of it: when, what, in
/// which role and organisation, and why — not who (the employees are not the person's to know).
#[derive(Debug, Clone)]
pub struct PersonEntry {
    pub occurred_at: OffsetDateTime,
    pub action: AuditAction,
    pub purpose: Option<Purpose>,
    pub search: Option<String>,
    pub roles: Vec<String>,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<crate::domain::ids::PoliceDistrictId>,
}

/// Every audit row about the case or the person's concerns, newest first (at most `limit`).
pub async fn for_person(
    db: impl PgExecutor<'_>,
    case: Option<CaseId>,
    concerns: &[uuid::Uuid],
    limit: i64,
) -> sqlx::Result<Vec<PersonEntry>> {
    sqlx::query_as!(
        PersonEntry,
        r#"select a.occurred_at, a.action as "action: AuditAction", a.purpose as "purpose: Purpose",
                  a.search, coalesce(u.roles, '{}') as "roles!",
                  u.municipality_id as "municipality_id?: MunicipalityId",
                  u.police_district_id as "police_district_id?: crate::domain::ids::PoliceDistrictId"
           from audit_events a
           left join users u on u.id = a.actor_user_id
           where (a.object_type = 'case' and a.object_id = $1)
              or (a.object_type = 'concern' and a.object_id = any($2))
              or a.shown_ids && array_remove($2::uuid[] || $1::uuid, null)
           order by a.occurred_at desc, a.id desc
           limit $3"#,
        case.map(|c| c.0),
        concerns,
        limit,
    )
    .fetch_all(db)
    .await
}
