//! Alerts: raised in the transaction of the change that causes them ([`raise`]) or by the
//! deadline job ([`due`]), read on "Beskeder" and counted in the header, and sent from the
//! same rows, which are the mail outbox ([`outbox`]).

mod due;
mod outbox;

pub use due::{DueWindow, raise_due};
pub use outbox::{
    Claimed, Delivery, OutboxRow, claim_daily, claim_pending, outbox, record_delivery,
};

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::domain::alerts::{AlertKind, MailChoice};
use crate::domain::code::code_enum;
use crate::domain::ids::{CaseId, ConcernId, MunicipalityId, UnitId, UserId};
use crate::store::paging::{self, Page};

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

/// A page of the user's alerts, newest first, before alert `before`: keyset paging by the
/// alert's own ascending id, which orders them as they were raised.
pub async fn page_for(
    db: impl PgExecutor<'_>,
    user: UserId,
    before: Option<i64>,
) -> sqlx::Result<Page<AlertRow>> {
    let rows = sqlx::query_as!(
        AlertRow,
        r#"select id, kind as "kind: AlertKind", municipality_id as "municipality_id: MunicipalityId",
                  link, created_at, read_at is not null as "read!"
           from alerts
           where user_id = $1 and ($2::bigint is null or id < $2)
           order by id desc
           limit $3"#,
        user as UserId,
        before,
        paging::FETCH,
    )
    .fetch_all(db)
    .await?;
    Ok(Page::of(rows))
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
