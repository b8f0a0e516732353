//! Municipalities, police districts and units, loaded from the profiles in config/.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::config::MunicipalityProfile;
use crate::domain::ids::{MunicipalityId, PoliceDistrictId, UnitId};

#[derive(Debug, Clone)]
pub struct Municipality {
    pub id: MunicipalityId,
    pub slug: String,
    pub police_district_id: PoliceDistrictId,
    pub police_district_slug: String,
    pub profile: MunicipalityProfile,
}

impl Municipality {
    pub fn name(&self) -> &str {
        &self.profile.name
    }

    pub fn infohus_name(&self) -> &str {
        &self.profile.infohus_name
    }

    pub fn police_district_name(&self) -> &str {
        &self.profile.police_district.name
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: UnitId,
    pub municipality_id: MunicipalityId,
    pub name: String,
    pub sector: String,
}

/// Writes the profiles into the database (insert or update by slug), so that every row of
/// data can belong to a municipality. Units are added, never removed: old concerns point at them.
pub async fn sync_profiles(
    conn: &mut PgConnection,
    profiles: &[MunicipalityProfile],
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    for profile in profiles {
        let district_id = sqlx::query_scalar!(
            r#"insert into police_districts (id, slug, name) values ($1, $2, $3)
               on conflict (slug) do update set name = excluded.name
               returning id as "id: PoliceDistrictId""#,
            PoliceDistrictId::new() as PoliceDistrictId,
            profile.police_district.slug,
            profile.police_district.name,
        )
        .fetch_one(&mut *conn)
        .await?;
        let municipality_id = sqlx::query_scalar!(
            r#"insert into municipalities
                   (id, slug, name, infohus_name, reference_prefix, police_district_id,
                    routes_via_leader, profile, updated_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               on conflict (slug) do update set
                   name = excluded.name, infohus_name = excluded.infohus_name,
                   reference_prefix = excluded.reference_prefix,
                   police_district_id = excluded.police_district_id,
                   routes_via_leader = excluded.routes_via_leader,
                   profile = excluded.profile, updated_at = excluded.updated_at
               returning id as "id: MunicipalityId""#,
            MunicipalityId::new() as MunicipalityId,
            profile.slug,
            profile.name,
            profile.infohus_name,
            profile.reference_prefix,
            district_id as PoliceDistrictId,
            profile.routes_via_leader,
            serde_json::to_value(profile)?,
            now,
        )
        .fetch_one(&mut *conn)
        .await?;
        // The plan's revision dates start from the profile; later revisions are Infohus's own.
        let revised = profile
            .plan
            .revised
            .as_deref()
            .and_then(crate::domain::calendar::parse_date);
        let next = crate::domain::calendar::add_months(
            revised.unwrap_or_else(|| crate::domain::calendar::today_copenhagen(now)),
            profile.plan.revision_months,
        );
        sqlx::query!(
            r#"insert into municipality_plans (municipality_id, last_revised, next_revision,
                                                updated_at)
               values ($1, $2, $3, $4)
               on conflict (municipality_id) do nothing"#,
            municipality_id as MunicipalityId,
            revised,
            next,
            now,
        )
        .execute(&mut *conn)
        .await?;
        for unit in &profile.units {
            sqlx::query!(
                r#"insert into units (id, municipality_id, name, sector) values ($1, $2, $3, $4)
                   on conflict (municipality_id, name) do update set sector = excluded.sector"#,
                UnitId::new() as UnitId,
                municipality_id as MunicipalityId,
                unit.name,
                unit.sector,
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

pub async fn all_municipalities(db: impl PgExecutor<'_>) -> anyhow::Result<Vec<Municipality>> {
    let rows = sqlx::query!(
        r#"select m.id as "id: MunicipalityId", m.slug, m.profile,
                  m.police_district_id as "police_district_id: PoliceDistrictId",
                  d.slug as police_district_slug
           from municipalities m
           join police_districts d on d.id = m.police_district_id
           order by m.name"#
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Municipality {
                id: r.id,
                slug: r.slug,
                police_district_id: r.police_district_id,
                police_district_slug: r.police_district_slug,
                profile: serde_json::from_value(r.profile)?,
            })
        })
        .collect()
}

pub async fn units(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
) -> sqlx::Result<Vec<Unit>> {
    sqlx::query_as!(
        Unit,
        r#"select id as "id: UnitId", municipality_id as "municipality_id: MunicipalityId",
                  name, sector
           from units where municipality_id = $1 order by name"#,
        municipality as MunicipalityId,
    )
    .fetch_all(db)
    .await
}

/// Every unit of the installation, by municipality and name: one query for a chooser.
pub async fn all_units(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Unit>> {
    sqlx::query_as!(
        Unit,
        r#"select u.id as "id: UnitId", u.municipality_id as "municipality_id: MunicipalityId",
                  u.name, u.sector
           from units u join municipalities m on m.id = u.municipality_id
           order by m.name, u.name"#,
    )
    .fetch_all(db)
    .await
}

pub async fn unit_by_name(
    db: impl PgExecutor<'_>,
    municipality: MunicipalityId,
    name: &str,
) -> sqlx::Result<Option<Unit>> {
    sqlx::query_as!(
        Unit,
        r#"select id as "id: UnitId", municipality_id as "municipality_id: MunicipalityId",
                  name, sector
           from units where municipality_id = $1 and lower(name) = lower($2)"#,
        municipality as MunicipalityId,
        name,
    )
    .fetch_optional(db)
    .await
}

/// The tenants of this installation, read once at start-up and shared by every request.
#[derive(Debug, Clone, Default)]
pub struct Tenants {
    pub municipalities: Vec<Municipality>,
}

impl Tenants {
    pub async fn load(db: impl PgExecutor<'_>) -> anyhow::Result<Tenants> {
        Ok(Tenants {
            municipalities: all_municipalities(db).await?,
        })
    }

    pub fn by_slug(&self, slug: &str) -> Option<&Municipality> {
        self.municipalities.iter().find(|m| m.slug == slug)
    }

    pub fn by_id(&self, id: MunicipalityId) -> Option<&Municipality> {
        self.municipalities.iter().find(|m| m.id == id)
    }

    pub fn district_by_slug(&self, slug: &str) -> Option<(PoliceDistrictId, &str)> {
        self.municipalities
            .iter()
            .find(|m| m.police_district_slug == slug)
            .map(|m| (m.police_district_id, m.police_district_name()))
    }

    pub fn district_name(&self, id: PoliceDistrictId) -> Option<&str> {
        self.municipalities
            .iter()
            .find(|m| m.police_district_id == id)
            .map(|m| m.police_district_name())
    }

    /// The municipalities a police district serves.
    pub fn in_district(&self, id: PoliceDistrictId) -> impl Iterator<Item = &Municipality> {
        self.municipalities
            .iter()
            .filter(move |m| m.police_district_id == id)
    }
}
