//! The core group's assessments (vurderingsværktøj) and their factor ratings.

use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};

use crate::domain::catalogue::{Level, Rating};
use crate::domain::ids::{AssessmentId, CaseId, UserId};
use crate::domain::workflow::Conclusion;

pub struct NewAssessment<'a> {
    pub case: CaseId,
    pub assessed_by: UserId,
    pub meeting_date: Date,
    pub analysis_person: &'a str,
    pub analysis_network: &'a str,
    pub analysis_ideology: &'a str,
    pub analysis_intent_capability: &'a str,
    pub conclusion: Conclusion,
    pub level: Option<Level>,
    /// Every factor of the catalogue with its rating.
    pub ratings: &'a [(&'static str, Rating)],
    pub at: OffsetDateTime,
}

pub async fn record(conn: &mut PgConnection, a: &NewAssessment<'_>) -> sqlx::Result<AssessmentId> {
    let id = AssessmentId::new();
    sqlx::query!(
        r#"insert into assessments (id, case_id, assessed_by, meeting_date, analysis_person,
                                    analysis_network, analysis_ideology,
                                    analysis_intent_capability, conclusion, level, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"#,
        id as AssessmentId,
        a.case as CaseId,
        a.assessed_by as UserId,
        a.meeting_date,
        a.analysis_person,
        a.analysis_network,
        a.analysis_ideology,
        a.analysis_intent_capability,
        a.conclusion.as_str(),
        a.level.map(|l| l.as_str()),
        a.at,
    )
    .execute(&mut *conn)
    .await?;
    let factors: Vec<String> = a.ratings.iter().map(|(f, _)| (*f).to_owned()).collect();
    let ratings: Vec<String> = a
        .ratings
        .iter()
        .map(|(_, r)| r.as_str().to_owned())
        .collect();
    sqlx::query!(
        r#"insert into assessment_ratings (assessment_id, factor_id, rating)
           select $1, f, r from unnest($2::text[], $3::text[]) as x(f, r)"#,
        id as AssessmentId,
        &factors,
        &ratings,
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Assessment {
    pub id: AssessmentId,
    pub assessed_by_name: String,
    #[serde(with = "crate::store::json::day")]
    pub meeting_date: Date,
    pub analysis_person: String,
    pub analysis_network: String,
    pub analysis_ideology: String,
    pub analysis_intent_capability: String,
    pub conclusion: Conclusion,
    pub level: Option<Level>,
    #[serde(with = "crate::store::json::instant")]
    pub created_at: OffsetDateTime,
    pub ratings: Vec<(String, Rating)>,
}

/// The latest assessment's ratings, to start a reassessment from.
pub async fn latest_ratings(
    db: impl PgExecutor<'_>,
    case: CaseId,
) -> sqlx::Result<Vec<(String, Rating)>> {
    let rows = sqlx::query!(
        r#"select r.factor_id, r.rating as "rating: Rating" from assessment_ratings r
           where r.assessment_id = (select a.id from assessments a where a.case_id = $1
                                    order by a.created_at desc, a.seq desc limit 1)"#,
        case as CaseId,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.factor_id, r.rating)).collect())
}

/// The four analysis texts of the latest assessment (person, network, ideology, intent and
/// capability), which a reassessment starts from.
pub async fn latest_analyses(
    db: impl PgExecutor<'_>,
    case: CaseId,
) -> sqlx::Result<Option<[String; 4]>> {
    let row = sqlx::query!(
        r#"select a.analysis_person, a.analysis_network, a.analysis_ideology,
                  a.analysis_intent_capability
           from assessments a where a.case_id = $1
           order by a.created_at desc, a.seq desc limit 1"#,
        case as CaseId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        [
            r.analysis_person,
            r.analysis_network,
            r.analysis_ideology,
            r.analysis_intent_capability,
        ]
    }))
}
