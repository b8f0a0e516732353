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
    /// A day before anything about the case was recorded: its first concern, or its opening.
    /// Nothing in the audit trail about the case is older, so the reads start there and leave
    /// the older months of the trail alone (neither planned, locked nor read).
    pub since: OffsetDateTime,
}

pub async fn case_label(db: impl PgExecutor<'_>, id: CaseId) -> sqlx::Result<Option<CaseLabel>> {
    sqlx::query_as!(
        CaseLabel,
        r#"select c.municipality_id as "municipality_id: MunicipalityId", c.reference,
                  least(c.opened_at, (select min(k.filed_at) from concerns k where k.case_id = c.id))
                      - interval '1 day' as "since!"
           from cases c where c.id = $1"#,
        id as CaseId,
    )
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
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

/// Where a page of the access log starts: after the row at this instant with this id.
pub type Cursor = (OffsetDateTime, i64);

/// The audit rows about the case or one of its concerns, and the lists that showed one of them,
/// newest first, a page at a time: the page after `before`, or the first. Only the months from
/// `since` (`CaseLabel::since`) until `until` (now, and a day) are read.
pub async fn for_case(
    db: impl PgExecutor<'_>,
    id: CaseId,
    since: OffsetDateTime,
    until: OffsetDateTime,
    before: Option<Cursor>,
) -> sqlx::Result<Page<Entry>> {
    let (before_at, before_id) = before.unzip();
    // Not the checked macro: the statement is sent unnamed (`persistent(false)`), so that it is
    // planned afresh with its bounds each time. A cached generic plan is made once per
    // connection over every month of the trail (80 ms at ten years) and then locks every month
    // and its indexes on each run (hundreds of locks, contended under load: the page's p99);
    // a plan for the case's own months costs half a millisecond. The tests read every column.
    let rows = sqlx::query_as::<_, Entry>(
        // Three branches, each an index range scan newest first with its own limit, instead of
        // one OR that PostgreSQL answers by reading the whole audit trail (173 ms against 15 ms
        // at 60,000 audit rows): the case's rows, its concerns' rows, and the lists that showed
        // one of them (`audit_shown`, newest first per id shown, each joined back to its audit
        // row by its full key). `union` drops a row two branches both found. The first two
        // carry the columns shown, so that no row is looked up again by its id alone, which the
        // monthly partitions could only answer by asking every month; the bounds on
        // `occurred_at` keep the months before the case and after the cursor out of the plan.
        r#"with k as (
               select coalesce(array_agg(c.id), '{}') as ids from concerns c where c.case_id = $1
           ), found as (
               (select a.id, a.occurred_at, a.actor_user_id, a.action, a.purpose, a.search
                from audit_events a
                where a.object_type = 'case' and a.object_id = $1
                  and a.occurred_at >= $2 and a.occurred_at < $3
                  and ($4::timestamptz is null
                       or (a.occurred_at <= $4 and (a.occurred_at, a.id) < ($4, $5::int8)))
                order by a.occurred_at desc, a.id desc limit $6)
               union
               (select a.id, a.occurred_at, a.actor_user_id, a.action, a.purpose, a.search
                from audit_events a, k
                where a.object_type = 'concern' and a.object_id = any (k.ids)
                  and a.occurred_at >= $2 and a.occurred_at < $3
                  and ($4::timestamptz is null
                       or (a.occurred_at <= $4 and (a.occurred_at, a.id) < ($4, $5::int8)))
                order by a.occurred_at desc, a.id desc limit $6)
               union
               (select a.id, a.occurred_at, a.actor_user_id, a.action, a.purpose, a.search
                from k, unnest(k.ids || $1::uuid) as x(id)
                cross join lateral (
                    select s.occurred_at, s.audit_id
                    from audit_shown s
                    where s.shown_id = x.id
                      and s.occurred_at >= $2 and s.occurred_at < $3
                      and ($4::timestamptz is null
                           or (s.occurred_at <= $4 and (s.occurred_at, s.audit_id) < ($4, $5::int8)))
                    order by s.occurred_at desc, s.audit_id desc limit $6) s
                join audit_events a on a.id = s.audit_id and a.occurred_at = s.occurred_at
                where a.occurred_at >= $2 and a.occurred_at < $3
                order by a.occurred_at desc, a.id desc limit $6)
           )
           select f.id, f.occurred_at, u.name as actor_name,
                  u.email as actor_email, f.action,
                  f.purpose, f.search
           from found f
           left join users u on u.id = f.actor_user_id
           order by f.occurred_at desc, f.id desc
           limit $6"#,
    )
    .bind(id)
    .bind(since)
    .bind(until)
    .bind(before_at)
    .bind(before_id)
    .bind(paging::FETCH)
    .persistent(false)
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

/// Every audit row about the case or the person's concerns, newest first (at most `limit`),
/// from `since` (a day before the first of them was filed or opened: the older months of the
/// trail are left alone; `None` reads them all).
pub async fn for_person(
    db: impl PgExecutor<'_>,
    case: Option<CaseId>,
    concerns: &[uuid::Uuid],
    since: Option<OffsetDateTime>,
    limit: i64,
) -> sqlx::Result<Vec<PersonEntry>> {
    // The rows about the case or the concerns, and the lists that showed one of them
    // (`audit_shown`, joined back to their audit rows by the full key); `union` keeps a row
    // both found once.
    sqlx::query_as!(
        PersonEntry,
        r#"with found as (
               select a.id, a.occurred_at, a.actor_user_id, a.action, a.purpose, a.search
               from audit_events a
               where ((a.object_type = 'case' and a.object_id = $1)
                      or (a.object_type = 'concern' and a.object_id = any($2)))
                 and ($4::timestamptz is null or a.occurred_at >= $4)
               union
               select a.id, a.occurred_at, a.actor_user_id, a.action, a.purpose, a.search
               from audit_shown s
               join audit_events a on a.id = s.audit_id and a.occurred_at = s.occurred_at
               where s.shown_id = any(array_remove($2::uuid[] || $1::uuid, null))
                 and ($4::timestamptz is null or s.occurred_at >= $4)
           )
           select f.occurred_at as "occurred_at!", f.action as "action!: AuditAction",
                  f.purpose as "purpose: Purpose", f.search,
                  coalesce(u.roles, '{}') as "roles!",
                  u.municipality_id as "municipality_id?: MunicipalityId",
                  u.police_district_id as "police_district_id?: crate::domain::ids::PoliceDistrictId"
           from found f
           left join users u on u.id = f.actor_user_id
           order by f.occurred_at desc, f.id desc
           limit $3"#,
        case.map(|c| c.0),
        concerns,
        limit,
        since,
    )
    .fetch_all(db)
    .await
}
