//! A meeting's agenda: its items in order, each a case or a general item, with the minutes
//! (summary and coded decision), the guests attached to a case item, and the actions decided.

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::domain::ids::{
    CaseId, MeetingActionId, MeetingGuestId, MeetingId, MeetingItemId, UserId,
};
use crate::domain::meeting::{Decision, MeetingKind};
use crate::domain::workflow::{CaseEvent, Stage};

/// One item as the meeting page reads it, with what the policy needs about its case.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: MeetingItemId,
    pub position: i32,
    pub title: Option<String>,
    pub case_id: Option<CaseId>,
    pub reference: Option<String>,
    pub subject_name: Option<String>,
    pub subject_birth_date: Option<Date>,
    pub stage: Option<Stage>,
    /// Is the viewer on the case's team?
    pub viewer_on_team: bool,
    pub summary: Option<String>,
    pub decision: Option<Decision>,
    pub referred_to: Option<String>,
    pub version: i32,
    pub minuted_by: Option<String>,
    pub minuted_at: Option<OffsetDateTime>,
}

pub async fn items(
    db: impl PgExecutor<'_>,
    meeting: MeetingId,
    viewer: UserId,
) -> sqlx::Result<Vec<Item>> {
    sqlx::query_as!(
        Item,
        r#"select i.id as "id: MeetingItemId", i.position, i.title,
                  i.case_id as "case_id: CaseId", c.reference as "reference?",
                  c.subject_name as "subject_name?", c.subject_birth_date,
                  c.stage as "stage?: Stage",
                  exists (select 1 from case_team t
                          where t.case_id = i.case_id and t.user_id = $2) as "viewer_on_team!",
                  i.summary, i.decision as "decision: Decision", i.referred_to, i.version,
                  u.name as "minuted_by?", i.minuted_at
           from meeting_items i
           left join cases c on c.id = i.case_id
           left join users u on u.id = i.minuted_by
           where i.meeting_id = $1
           order by i.position"#,
        meeting as MeetingId,
        viewer as UserId,
    )
    .fetch_all(db)
    .await
}

/// What goes on the agenda: a case, or a general item's title.
pub enum NewItem<'a> {
    Case(CaseId),
    General(&'a str),
}

/// Adds an item at the end of the agenda; `None` when the case is on it already.
pub async fn add_item(
    conn: &mut PgConnection,
    meeting: MeetingId,
    kind: MeetingKind,
    item: NewItem<'_>,
) -> sqlx::Result<Option<MeetingItemId>> {
    let id = MeetingItemId::new();
    let (case, title) = match item {
        NewItem::Case(c) => (Some(c), None),
        NewItem::General(t) => (None, Some(t)),
    };
    let done = sqlx::query!(
        r#"insert into meeting_items (id, meeting_id, meeting_kind, position, case_id, title)
           select $1, $2, $3, coalesce(max(position), 0) + 1, $4, $5
           from meeting_items where meeting_id = $2
           on conflict (meeting_id, case_id) do nothing"#,
        id as MeetingItemId,
        meeting as MeetingId,
        kind.as_str(),
        case.map(|c| c.0),
        title,
    )
    .execute(&mut *conn)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

/// Swaps the item with its neighbour above (`up`) or below; `false` when there is none.
pub async fn move_item(
    conn: &mut PgConnection,
    meeting: MeetingId,
    item: MeetingItemId,
    up: bool,
) -> sqlx::Result<bool> {
    // The positions are unique only at commit (deferred), so the two rows swap in one update.
    let done = sqlx::query!(
        r#"with this as (
               select id, position from meeting_items where id = $2 and meeting_id = $1
           ), other as (
               select o.id, o.position from meeting_items o, this
               where o.meeting_id = $1
                 and case when $3 then o.position < this.position else o.position > this.position end
               order by case when $3 then o.position end desc,
                        case when not $3 then o.position end asc
               limit 1
           )
           update meeting_items m
           set position = case when m.id = this.id then other.position else this.position end
           from this, other
           where m.id in (this.id, other.id)"#,
        meeting as MeetingId,
        item as MeetingItemId,
        up,
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 2)
}

/// Takes an item off the agenda with its guests and actions; `false` when it is not the
/// meeting's.
pub async fn remove_item(
    conn: &mut PgConnection,
    meeting: MeetingId,
    item: MeetingItemId,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "delete from meeting_items where id = $2 and meeting_id = $1",
        meeting as MeetingId,
        item as MeetingItemId,
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct Minutes<'a> {
    pub summary: Option<&'a str>,
    pub decision: Option<Decision>,
    pub referred_to: Option<&'a str>,
}

/// Writes an item's minutes if the item is still at `version`; `false` when someone else saved
/// first.
pub async fn save_minutes(
    conn: &mut PgConnection,
    item: MeetingItemId,
    version: i32,
    minutes: &Minutes<'_>,
    by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"update meeting_items
           set summary = $3, decision = $4, referred_to = $5, minuted_by = $6, minuted_at = $7,
               version = version + 1
           where id = $1 and version = $2"#,
        item as MeetingItemId,
        version,
        minutes.summary,
        minutes.decision.map(Decision::as_str),
        minutes.referred_to,
        by as UserId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An entry on the case's timeline, linked to the meeting; the case does not move.
pub async fn record_on_case(
    conn: &mut PgConnection,
    case: CaseId,
    meeting: MeetingId,
    event: CaseEvent,
    reason: Option<&str>,
    actor: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into case_history (case_id, occurred_at, actor_user_id, from_stage, to_stage,
                                     move, reason, meeting_id)
           select id, $2, $3, stage, stage, $4, $5, $6 from cases where id = $1"#,
        case as CaseId,
        now,
        actor as UserId,
        event.as_str(),
        reason,
        meeting as MeetingId,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Someone present who is not a user, for one case's item.
#[derive(Debug, Clone)]
pub struct Guest {
    pub id: MeetingGuestId,
    pub item_id: MeetingItemId,
    pub case_id: CaseId,
    pub name: String,
    pub organisation: String,
    pub function: String,
    pub told_by: String,
    pub told_at: OffsetDateTime,
}

pub async fn guests(db: impl PgExecutor<'_>, meeting: MeetingId) -> sqlx::Result<Vec<Guest>> {
    sqlx::query_as!(
        Guest,
        r#"select g.id as "id: MeetingGuestId", g.item_id as "item_id: MeetingItemId",
                  g.case_id as "case_id: CaseId", g.name, g.organisation, g.function,
                  u.name as told_by, g.confidentiality_told_at as told_at
           from meeting_guests g join users u on u.id = g.confidentiality_told_by
           where g.meeting_id = $1 order by g.name, g.id"#,
        meeting as MeetingId,
    )
    .fetch_all(db)
    .await
}

pub struct NewGuest<'a> {
    pub item: MeetingItemId,
    pub case: CaseId,
    pub name: &'a str,
    pub organisation: &'a str,
    pub function: &'a str,
}

/// Records a guest, and that `by` told them of their duty of confidentiality. The key refuses
/// an item that is not this meeting's item for this case.
pub async fn add_guest(
    conn: &mut PgConnection,
    meeting: MeetingId,
    guest: &NewGuest<'_>,
    by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<MeetingGuestId> {
    let id = MeetingGuestId::new();
    sqlx::query!(
        r#"insert into meeting_guests (id, meeting_id, item_id, case_id, name, organisation,
                                       function, confidentiality_told_by, confidentiality_told_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        id as MeetingGuestId,
        meeting as MeetingId,
        guest.item as MeetingItemId,
        guest.case as CaseId,
        guest.name,
        guest.organisation,
        guest.function,
        by as UserId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn remove_guest(
    conn: &mut PgConnection,
    meeting: MeetingId,
    guest: MeetingGuestId,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "delete from meeting_guests where id = $2 and meeting_id = $1",
        meeting as MeetingId,
        guest as MeetingGuestId,
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// "Who does what by when".
#[derive(Debug, Clone)]
pub struct Action {
    pub id: MeetingActionId,
    pub meeting_id: MeetingId,
    pub item_id: MeetingItemId,
    pub case_id: Option<CaseId>,
    pub description: String,
    pub owner: UserId,
    pub owner_name: String,
    pub due_date: Date,
    pub done_at: Option<OffsetDateTime>,
    pub done_by: Option<String>,
}

/// The actions of a meeting, or the one action `only` (for marking it done).
pub async fn actions(
    db: impl PgExecutor<'_>,
    meeting: Option<MeetingId>,
    only: Option<MeetingActionId>,
) -> sqlx::Result<Vec<Action>> {
    sqlx::query_as!(
        Action,
        r#"select a.id as "id: MeetingActionId", a.meeting_id as "meeting_id: MeetingId",
                  a.item_id as "item_id: MeetingItemId", i.case_id as "case_id: CaseId",
                  a.description, a.owner_user_id as "owner: UserId", o.name as owner_name,
                  a.due_date, a.done_at, d.name as "done_by?"
           from meeting_actions a
           join meeting_items i on i.id = a.item_id
           join users o on o.id = a.owner_user_id
           left join users d on d.id = a.done_by
           where ($1::uuid is null or a.meeting_id = $1) and ($2::uuid is null or a.id = $2)
             and ($1::uuid is not null or $2::uuid is not null)
           order by a.created_at, a.id"#,
        meeting.map(|m| m.0),
        only.map(|a| a.0),
    )
    .fetch_all(db)
    .await
}

pub struct NewAction<'a> {
    pub item: MeetingItemId,
    pub description: &'a str,
    pub owner: UserId,
    pub due_date: Date,
}

pub async fn add_action(
    conn: &mut PgConnection,
    meeting: MeetingId,
    action: &NewAction<'_>,
    by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<MeetingActionId> {
    let id = MeetingActionId::new();
    sqlx::query!(
        r#"insert into meeting_actions (id, meeting_id, item_id, description, owner_user_id,
                                        due_date, created_by, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        id as MeetingActionId,
        meeting as MeetingId,
        action.item as MeetingItemId,
        action.description,
        action.owner as UserId,
        action.due_date,
        by as UserId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Marks an action done; `false` when it already was.
pub async fn finish_action(
    conn: &mut PgConnection,
    action: MeetingActionId,
    by: UserId,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update meeting_actions set done_at = $2, done_by = $3 where id = $1 and done_at is null",
        action as MeetingActionId,
        now,
        by as UserId,
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What the meetings recorded about a case, for the person's access request: each item's
/// minutes and its actions (never the guests, who are third parties).
#[derive(Debug, Clone)]
pub struct CaseMinutes {
    pub starts_at: OffsetDateTime,
    pub kind: MeetingKind,
    pub summary: Option<String>,
    pub decision: Option<Decision>,
    pub referred_to: Option<String>,
    /// (description, due date, done) of each action.
    pub actions: Vec<(String, Date, bool)>,
}

pub async fn minutes_of_case(
    db: impl PgExecutor<'_>,
    case: CaseId,
) -> sqlx::Result<Vec<CaseMinutes>> {
    let rows = sqlx::query!(
        r#"select m.starts_at, m.kind as "kind: MeetingKind", i.summary,
                  i.decision as "decision: Decision", i.referred_to,
                  coalesce((select array_agg(a.description order by a.created_at, a.id)
                            from meeting_actions a where a.item_id = i.id), '{}')
                      as "descriptions!: Vec<String>",
                  coalesce((select array_agg(a.due_date order by a.created_at, a.id)
                            from meeting_actions a where a.item_id = i.id), '{}')
                      as "dues!: Vec<Date>",
                  coalesce((select array_agg(a.done_at is not null order by a.created_at, a.id)
                            from meeting_actions a where a.item_id = i.id), '{}')
                      as "done!: Vec<bool>"
           from meeting_items i join meetings m on m.id = i.meeting_id
           where i.case_id = $1
           order by m.starts_at"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CaseMinutes {
            starts_at: r.starts_at,
            kind: r.kind,
            summary: r.summary,
            decision: r.decision,
            referred_to: r.referred_to,
            actions: r
                .descriptions
                .into_iter()
                .zip(r.dues)
                .zip(r.done)
                .map(|((d, due), done)| (d, due, done))
                .collect(),
        })
        .collect())
}
