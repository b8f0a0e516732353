//! The alerts deadlines cause, raised by the half-hourly job: screenings due soon or overdue,
//! interventions' reviews due or overdue, reviews after closing due. Each deadline is
//! announced once to each recipient (its `dedupe_key` names it).

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

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
