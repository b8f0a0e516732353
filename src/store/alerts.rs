//! Alerts: raised in the transaction of the change that causes them ([`raise`]) or by the
//! deadline job ([`raise_due`]), read on "Beskeder" and counted in the header, and sent from
//! the same rows, which are the mail outbox ([`claim_pending`], [`claim_daily`]).

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::domain::alerts::{AlertKind, MailChoice};
use crate::domain::code::code_enum;
use crate::domain::ids::{CaseId, ConcernId, MunicipalityId, UnitId, UserId};

code_enum! {
    /// Where an alert's mail stands (`alerts.mail_state`).
    pub enum MailState {
        /// To be mailed when its next try is due.
        Pending => "pending",
        /// Waits for the user's daily mail.
        Daily => "daily",
        /// Shown in the app only: the user wants no mail.
        None => "none",
        Sent => "sent",
        /// Given up after the last try; shown to the admins.
        Failed => "failed",
        /// Not sent: the user was deactivated first.
        Skipped => "skipped",
    }
}

/// Who is told. Only active users are; the one who made the change is never told of it.
#[derive(Debug, Clone, Copy)]
pub enum Recipients {
    User(UserId),
    /// The leaders of a unit (its inbox).
    Leaders(UnitId),
    /// The municipality's coordinators.
    Coordinators(MunicipalityId),
    /// The police of the municipality's district.
    Police(MunicipalityId),
}

/// The page an alert links to.
#[derive(Debug, Clone, Copy)]
pub enum Link {
    Case(CaseId),
    Concern(ConcernId),
    IntakeConcern(ConcernId),
}

impl Link {
    fn path(self) -> String {
        match self {
            Link::Case(id) => format!("/sager/{id}"),
            Link::Concern(id) => format!("/bekymringer/{id}"),
            Link::IntakeConcern(id) => format!("/infohus/indgang/{id}"),
        }
    }
}

/// Raises `kind` for `to`, about something in `municipality`, except for `actor`.
pub async fn raise(
    db: impl PgExecutor<'_>,
    to: Recipients,
    kind: AlertKind,
    municipality: MunicipalityId,
    link: Link,
    actor: Option<UserId>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let (user, unit, role) = match to {
        Recipients::User(u) => (Some(u), None, None),
        Recipients::Leaders(unit) => (None, Some(unit), Some("leader")),
        Recipients::Coordinators(_) => (None, None, Some("coordinator")),
        Recipients::Police(_) => (None, None, Some("police")),
    };
    sqlx::query!(
        r#"insert into alerts (user_id, municipality_id, kind, link, created_at, mail_state,
                               next_attempt_at)
           select u.id, $1, $2, $3, $4, alert_mail_state(u.alert_mail), $4
           from users u
           where u.active and u.id is distinct from $8
             and case when $5::uuid is not null then u.id = $5
                      when $6::uuid is not null then u.unit_id = $6 and $7 = any (u.roles)
                      when $7 = 'coordinator' then $7 = any (u.roles) and u.municipality_id = $1
                      when $7 = 'police' then $7 = any (u.roles) and u.police_district_id =
                          (select m.police_district_id from municipalities m where m.id = $1)
                      else false
                 end"#,
        municipality as MunicipalityId,
        kind.as_str(),
        link.path(),
        now,
        user as Option<UserId>,
        unit as Option<UnitId>,
        role,
        actor as Option<UserId>,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How far ahead the deadline job looks.
#[derive(Debug, Clone, Copy)]
pub struct DueWindow {
    pub today: Date,
    /// One working day ahead: the police are told a screening is due.
    pub screening_soon: Date,
    /// A review (of an intervention, or after closing) due by this day is announced.
    pub review_soon: Date,
    /// Deadlines missed before this day are not announced any more: they are on the tasks
    /// page, and a first run on years of data must not flood anyone.
    pub overdue_since: Date,
}

/// Raises the alerts that deadlines cause, each once (its `dedupe_key` names the deadline).
/// Returns how many were raised.
pub async fn raise_due(
    conn: &mut PgConnection,
    w: DueWindow,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let mut raised = 0;
    // Screenings: the police before and after the deadline, the coordinators after it.
    raised += sqlx::query!(
        r#"insert into alerts (user_id, municipality_id, kind, link, created_at, mail_state,
                               next_attempt_at, dedupe_key)
           select u.id, c.municipality_id, k.kind, '/sager/' || c.id, $1,
                  alert_mail_state(u.alert_mail), $1,
                  k.kind || ':' || c.id || ':' || c.screening_due
           from cases c
           join municipalities m on m.id = c.municipality_id
           cross join lateral (select case when c.screening_due < $2 then 'screening_overdue'
                                           else 'screening_due_soon' end as kind) k
           join users u on u.active
                and (('police' = any (u.roles) and u.police_district_id = m.police_district_id)
                     or (k.kind = 'screening_overdue' and 'coordinator' = any (u.roles)
                         and u.municipality_id = c.municipality_id))
           where c.stage = 'screening' and c.screening_due between $3 and $4
           on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing"#,
        now,
        w.today,
        w.overdue_since,
        w.screening_soon,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // Interventions' reviews: their owners.
    raised += sqlx::query!(
        r#"insert into alerts (user_id, municipality_id, kind, link, created_at, mail_state,
                               next_attempt_at, dedupe_key)
           select u.id, c.municipality_id, k.kind, '/sager/' || c.id, $1,
                  alert_mail_state(u.alert_mail), $1,
                  k.kind || ':' || i.id || ':' || i.next_review_date
           from interventions i
           join cases c on c.id = i.case_id and c.stage <> 'closed'
           join users u on u.id = i.owner_user_id and u.active
           cross join lateral (select case when i.next_review_date < $2 then 'review_overdue'
                                           else 'review_due' end as kind) k
           where i.status in ('planned', 'active') and i.next_review_date between $3 and $4
           on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing"#,
        now,
        w.today,
        w.overdue_since,
        w.review_soon,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // Reviews after closing: the plan's coordinator, or the coordinators where there was none.
    raised += sqlx::query!(
        r#"insert into alerts (user_id, municipality_id, kind, link, created_at, mail_state,
                               next_attempt_at, dedupe_key)
           select u.id, c.municipality_id, 'post_closure_review_due', '/sager/' || c.id, $1,
                  alert_mail_state(u.alert_mail), $1, 'post_closure_review_due:' || p.id
           from post_closure_reviews p
           join cases c on c.id = p.case_id
           left join action_plans ap on ap.case_id = c.id
           join users u on u.active
                and (u.id = ap.plan_coordinator_user_id
                     or (ap.case_id is null and 'coordinator' = any (u.roles)
                         and u.municipality_id = c.municipality_id))
           where p.done_at is null and p.cancelled_at is null
             and p.due_date between $2 and $3
           on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing"#,
        now,
        w.overdue_since,
        w.review_soon,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(raised)
}

/// One alert on the user's "Beskeder".
#[derive(Debug, Clone)]
pub struct AlertRow {
    pub id: i64,
    pub kind: AlertKind,
    pub municipality_id: MunicipalityId,
    pub link: String,
    pub created_at: OffsetDateTime,
    pub read: bool,
}

/// A page of the user's alerts, newest first, before alert `before` (keyset).
pub async fn page_for(
    db: impl PgExecutor<'_>,
    user: UserId,
    before: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<AlertRow>> {
    let rows = sqlx::query!(
        r#"select id, kind as "kind: AlertKind", municipality_id as "municipality_id: MunicipalityId",
                  link, created_at, read_at is not null as "read!"
           from alerts
           where user_id = $1 and ($2::bigint is null or id < $2)
           order by id desc
           limit $3"#,
        user as UserId,
        before,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AlertRow {
            id: r.id,
            kind: r.kind,
            municipality_id: r.municipality_id,
            link: r.link,
            created_at: r.created_at,
            read: r.read,
        })
        .collect())
}

/// Marks one of the user's alerts read and returns where it leads; `None` when it is not
/// theirs (or does not exist).
pub async fn open(
    db: impl PgExecutor<'_>,
    user: UserId,
    id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        r#"update alerts set read_at = coalesce(read_at, $3)
           where id = $1 and user_id = $2
           returning link"#,
        id,
        user as UserId,
        now,
    )
    .fetch_optional(db)
    .await
}

/// Marks every unread alert of the user read.
pub async fn mark_all_read(
    db: impl PgExecutor<'_>,
    user: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "update alerts set read_at = $2 where user_id = $1 and read_at is null",
        user as UserId,
        now,
    )
    .execute(db)
    .await?
    .rows_affected())
}

pub async fn mail_choice(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<MailChoice> {
    let raw = sqlx::query_scalar!("select alert_mail from users where id = $1", user as UserId)
        .fetch_optional(db)
        .await?;
    Ok(raw
        .as_deref()
        .and_then(MailChoice::parse)
        .unwrap_or(MailChoice::Immediate))
}

/// Sets how the user's alerts are mailed from now on. Alerts already waiting for a mail follow
/// the new choice too (none waits for mail any more after "none").
pub async fn set_mail_choice(
    conn: &mut PgConnection,
    user: UserId,
    choice: MailChoice,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set alert_mail = $2 where id = $1",
        user as UserId,
        choice.as_str(),
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"update alerts set mail_state = alert_mail_state($2)
           where user_id = $1 and mail_state in ('pending', 'daily', 'none')
             and mailed_at is null and read_at is null"#,
        user as UserId,
        choice.as_str(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An alert claimed for mailing, with its recipient as they are now.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub user_id: UserId,
    pub kind: AlertKind,
    pub municipality_id: MunicipalityId,
    pub link: String,
    pub attempts: i32,
    pub email: String,
    pub active: bool,
    pub created_at: OffsetDateTime,
}

/// Claims up to `limit` alerts whose mail is due, locking them for the transaction so that
/// another instance's sender skips them (`SKIP LOCKED`) instead of sending them again.
pub async fn claim_pending(
    conn: &mut PgConnection,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"select a.id, a.user_id as "user_id: UserId", a.kind as "kind: AlertKind",
                  a.municipality_id as "municipality_id: MunicipalityId", a.link, a.attempts,
                  u.email, u.active, a.created_at
           from alerts a join users u on u.id = a.user_id
           where a.mail_state = 'pending' and a.next_attempt_at <= $1
           order by a.next_attempt_at, a.id
           limit $2
           for update of a skip locked"#,
        now,
        limit,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Claims the alerts waiting for their users' daily mail, grouped by user (in order), locked
/// like [`claim_pending`].
pub async fn claim_daily(conn: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"select a.id, a.user_id as "user_id: UserId", a.kind as "kind: AlertKind",
                  a.municipality_id as "municipality_id: MunicipalityId", a.link, a.attempts,
                  u.email, u.active, a.created_at
           from alerts a join users u on u.id = a.user_id
           where a.mail_state = 'daily'
           order by a.user_id, a.id
           limit $1
           for update of a skip locked"#,
        limit,
    )
    .fetch_all(&mut *conn)
    .await
}

/// What became of one claimed alert's mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery<'a> {
    Sent,
    /// Not sent: the recipient was deactivated.
    Skipped,
    /// Failed this time; tried again at `retry_at`, or never when `None` (marked failed).
    Failed {
        error: &'a str,
        retry_at: Option<OffsetDateTime>,
    },
}

pub async fn record_delivery(
    db: impl PgExecutor<'_>,
    ids: &[i64],
    delivery: Delivery<'_>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    // `None` keeps the state: a failed try that will be tried again.
    let (state, error, retry_at) = match delivery {
        Delivery::Sent => (Some(MailState::Sent), None, None),
        Delivery::Skipped => (Some(MailState::Skipped), None, None),
        Delivery::Failed {
            error,
            retry_at: Some(at),
        } => (None, Some(error), Some(at)),
        Delivery::Failed {
            error,
            retry_at: None,
        } => (Some(MailState::Failed), Some(error), None),
    };
    // An error text is the mail server's answer; kept short, it holds no personal data.
    let error: Option<String> = error.map(|e| e.chars().take(300).collect());
    sqlx::query!(
        r#"update alerts
           set mail_state = coalesce($2, mail_state),
               mailed_at = case $2 when 'sent' then $3::timestamptz else mailed_at end,
               attempts = attempts + case when $4::text is null then 0 else 1 end,
               last_error = coalesce($4, last_error),
               next_attempt_at = coalesce($5, next_attempt_at)
           where id = any ($1)"#,
        ids,
        state.map(MailState::as_str),
        now,
        error,
        retry_at,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// One row of the admins' "Udgående post": no content, only what and to whom.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: AlertKind,
    pub user_name: String,
    pub mail_state: MailState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub next_attempt_at: OffsetDateTime,
}

/// The mails that failed or still wait, newest first.
pub async fn outbox(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<OutboxRow>> {
    let rows = sqlx::query!(
        r#"select a.id, a.kind as "kind: AlertKind", u.name as user_name,
                  a.mail_state as "mail_state: MailState",
                  a.attempts, a.last_error, a.created_at, a.next_attempt_at
           from alerts a join users u on u.id = a.user_id
           where a.mail_state in ('pending', 'failed')
           order by a.id desc
           limit $1"#,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxRow {
            id: r.id,
            kind: r.kind,
            user_name: r.user_name,
            mail_state: r.mail_state,
            attempts: r.attempts,
            last_error: r.last_error,
            created_at: r.created_at,
            next_attempt_at: r.next_attempt_at,
        })
        .collect())
}
