//! The demo's meetings, as they would stand today in each municipality: last month's meeting
//! held, with minutes, an ad hoc participant and open actions (one of them overdue), and the
//! next meeting planned with its agenda; and in each police district a planned network meeting
//! with general items and the district's figures.

use anyhow::Context;
use sqlx::PgConnection;
use time::{Duration, OffsetDateTime};

use crate::AppState;
use crate::domain::calendar::{copenhagen_instant, format_datetime_da, today_copenhagen};
use crate::domain::ids::{CaseId, MeetingId, MunicipalityId, PoliceDistrictId, UserId};
use crate::domain::meeting::{Decision, MeetingKind, MeetingStatus};
use crate::domain::workflow::{CaseEvent, Stage};
use crate::store::meetings::agenda::{self, Minutes, NewAction, NewGuest, NewItem};
use crate::store::meetings::{self as store, NewMeeting};
use crate::store::users;

struct People {
    coordinator: UserId,
    police: UserId,
    core: UserId,
}

async fn id_of(conn: &mut PgConnection, email: &str) -> anyhow::Result<UserId> {
    Ok(users::credentials_by_email(&mut *conn, email)
        .await?
        .with_context(|| format!("demo user {email}"))?
        .id)
}

/// At 14.00 Copenhagen time, `days` from today.
fn at_two(now: OffsetDateTime, days: i64) -> anyhow::Result<OffsetDateTime> {
    copenhagen_instant(today_copenhagen(now) + Duration::days(days), 14, 0)
        .context("a meeting time")
}

/// The municipality's open cases in these stages, oldest first.
async fn cases_in(
    conn: &mut PgConnection,
    m: MunicipalityId,
    stages: &[Stage],
) -> anyhow::Result<Vec<CaseId>> {
    let stages: Vec<&str> = stages.iter().map(|s| s.as_str()).collect();
    Ok(sqlx::query_scalar!(
        r#"select id as "id: CaseId" from cases
           where municipality_id = $1 and stage = any ($2) order by opened_at"#,
        m as MunicipalityId,
        &stages as &[&str],
    )
    .fetch_all(&mut *conn)
    .await?)
}

#[allow(clippy::too_many_arguments)]
async fn plan(
    conn: &mut PgConnection,
    kind: MeetingKind,
    municipality: Option<MunicipalityId>,
    district: Option<PoliceDistrictId>,
    starts_at: OffsetDateTime,
    chair: UserId,
    others: Option<&str>,
    figures: Option<serde_json::Value>,
    people: &[UserId],
    now: OffsetDateTime,
) -> anyhow::Result<MeetingId> {
    let id = store::create(
        &mut *conn,
        &NewMeeting {
            kind,
            municipality_id: municipality,
            police_district_id: district,
            starts_at,
            place: if kind.is_network() {
                "Online"
            } else {
                "Rådhuset, mødelokale 2"
            },
            chair,
            other_participants: others,
            figures,
            created_by: chair,
        },
        now - Duration::days(30),
    )
    .await?;
    for p in people {
        store::add_participant(&mut *conn, id, *p).await?;
    }
    Ok(id)
}

/// A case on the agenda, noted on its timeline.
async fn put_case(
    conn: &mut PgConnection,
    meeting: MeetingId,
    title: &str,
    case: CaseId,
    by: UserId,
    at: OffsetDateTime,
) -> anyhow::Result<Option<crate::domain::ids::MeetingItemId>> {
    let item = agenda::add_item(
        &mut *conn,
        meeting,
        MeetingKind::Ordinary,
        NewItem::Case(case),
    )
    .await?;
    if item.is_some() {
        store::invite_team(&mut *conn, meeting, case).await?;
        agenda::record_on_case(
            conn,
            case,
            meeting,
            CaseEvent::MeetingScheduled,
            Some(title),
            by,
            at,
        )
        .await?;
    }
    Ok(item)
}

pub async fn seed(state: &AppState, conn: &mut PgConnection) -> anyhow::Result<()> {
    let now = state.clock.now();
    for m in &state.tenants.municipalities {
        if !matches!(m.slug.as_str(), "randers" | "ballerup") {
            continue;
        }
        let people = People {
            coordinator: id_of(conn, &format!("coordinator@{}.demo", m.slug)).await?,
            police: id_of(conn, &format!("police@{}.demo", m.police_district_slug)).await?,
            core: id_of(conn, &format!("core_group@{}.demo", m.slug)).await?,
        };
        let all = [people.coordinator, people.police, people.core];
        held(conn, m.id, &people, &all, now).await?;
        planned(conn, m.id, &people, &all, now).await?;
    }
    let mut districts: Vec<(PoliceDistrictId, String)> = state
        .tenants
        .municipalities
        .iter()
        .map(|m| (m.police_district_id, m.police_district_slug.clone()))
        .collect();
    districts.sort_by_key(|d| d.1.clone());
    districts.dedup();
    for (district, slug) in districts {
        network(state, conn, district, &slug, now).await?;
    }
    Ok(())
}

/// Last month's meeting: held, minutes written, actions given.
async fn held(
    conn: &mut PgConnection,
    m: MunicipalityId,
    p: &People,
    all: &[UserId],
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let starts = at_two(now, -14)?;
    let title = format!(
        "{} {}",
        MeetingKind::Ordinary.label(),
        format_datetime_da(starts)
    );
    let meeting = plan(
        conn,
        MeetingKind::Ordinary,
        Some(m),
        None,
        starts,
        p.coordinator,
        None,
        None,
        all,
        now,
    )
    .await?;
    let after = starts + Duration::hours(2);
    let cases = cases_in(conn, m, &[Stage::FollowUp, Stage::ActionPlan]).await?;
    let mut first = true;
    for case in cases.into_iter().take(2) {
        let Some(item) = put_case(
            conn,
            meeting,
            &title,
            case,
            p.coordinator,
            starts - Duration::days(7),
        )
        .await?
        else {
            continue;
        };
        let decision = if first {
            Decision::Act
        } else {
            Decision::MoreInformation
        };
        agenda::save_minutes(
            conn,
            item,
            1,
            &Minutes {
                summary: Some(if first {
                    "Skolen og mentoren ser fremgang. Familien deltager i møderne. Indsatsen fortsætter uændret."
                } else {
                    "Der mangler oplysninger fra fritidsklubben om, hvem personen er sammen med om aftenen."
                }),
                decision: Some(decision),
                referred_to: None,
            },
            p.coordinator,
            after,
        )
        .await?;
        agenda::record_on_case(
            conn,
            case,
            meeting,
            CaseEvent::MeetingMinuted,
            Some(decision.label()),
            p.coordinator,
            after,
        )
        .await?;
        let (text, owner, due) = if first {
            (
                "Tal med skolen om fraværet og meld tilbage til næste møde",
                p.core,
                7,
            )
        } else {
            ("Indhent oplysninger fra fritidsklubben", p.police, -3)
        };
        agenda::add_action(
            conn,
            meeting,
            &NewAction {
                item,
                description: text,
                owner,
                due_date: today_copenhagen(now) + Duration::days(due),
            },
            p.coordinator,
            after,
        )
        .await?;
        agenda::record_on_case(
            conn,
            case,
            meeting,
            CaseEvent::MeetingActionAdded,
            Some(text),
            p.coordinator,
            after,
        )
        .await?;
        if first {
            agenda::add_guest(
                conn,
                meeting,
                &NewGuest {
                    item,
                    case,
                    name: "Lise Holm",
                    organisation: "Skoleområdet",
                    function: "Klasselærer",
                },
                p.coordinator,
                starts,
            )
            .await?;
        }
        first = false;
    }
    let general = agenda::add_item(
        conn,
        meeting,
        MeetingKind::Ordinary,
        NewItem::General("Den lokale situation: uro i ungdomsmiljøet efter sommerferien"),
    )
    .await?
    .context("a general item")?;
    agenda::save_minutes(
        conn,
        general,
        1,
        &Minutes {
            summary: Some("SSP oplever flere unge samlet sent om aftenen. Ingen konkrete bekymringer for enkeltpersoner."),
            decision: Some(Decision::NotAct),
            referred_to: None,
        },
        p.coordinator,
        after,
    )
    .await?;
    anyhow::ensure!(
        store::advance(
            &mut *conn,
            meeting,
            1,
            MeetingStatus::Planned,
            MeetingStatus::Held,
            after
        )
        .await?,
        "the demo meeting moved under us"
    );
    Ok(())
}

/// The next meeting, planned with its agenda.
async fn planned(
    conn: &mut PgConnection,
    m: MunicipalityId,
    p: &People,
    all: &[UserId],
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let starts = at_two(now, 14)?;
    let title = format!(
        "{} {}",
        MeetingKind::Ordinary.label(),
        format_datetime_da(starts)
    );
    let meeting = plan(
        conn,
        MeetingKind::Ordinary,
        Some(m),
        None,
        starts,
        p.coordinator,
        None,
        None,
        all,
        now,
    )
    .await?;
    for case in cases_in(conn, m, &[Stage::Triage, Stage::Assessment])
        .await?
        .into_iter()
        .take(3)
    {
        put_case(
            conn,
            meeting,
            &title,
            case,
            p.coordinator,
            now - Duration::days(1),
        )
        .await?;
    }
    agenda::add_item(
        conn,
        meeting,
        MeetingKind::Ordinary,
        NewItem::General("Orientering fra kredsens netværksmøde"),
    )
    .await?;
    Ok(())
}

/// The district's network meeting, planned: general items only, with the district's figures.
async fn network(
    state: &AppState,
    conn: &mut PgConnection,
    district: PoliceDistrictId,
    slug: &str,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let police = id_of(conn, &format!("police@{slug}.demo")).await?;
    let coordinators: Vec<UserId> = sqlx::query_scalar!(
        r#"select u.id as "id: UserId" from users u join municipalities m on m.id = u.municipality_id
           where m.police_district_id = $1 and 'coordinator' = any (u.roles) and u.active"#,
        district as PoliceDistrictId,
    )
    .fetch_all(&mut *conn)
    .await?;
    let figures = crate::web::stats::district_snapshot(conn, state, district, now).await?;
    let mut people = vec![police];
    people.extend(coordinators);
    let meeting = plan(
        conn,
        MeetingKind::Network,
        None,
        Some(district),
        at_two(now, 33)?,
        police,
        Some("Kriminalforsorgen\nPET's Center for Forebyggelse"),
        Some(figures),
        &people,
        now,
    )
    .await?;
    for title in [
        "Kvartalets tal og tendenser i kredsen",
        "Erfaringer med samarbejdet med psykiatrien",
    ] {
        agenda::add_item(conn, meeting, MeetingKind::Network, NewItem::General(title)).await?;
    }
    Ok(())
}
