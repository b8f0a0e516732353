//! The core group's assessment (vurderingsværktøj): every factor rated, four analyses and a
//! conclusion; and sending a case with a plan back for a new assessment.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::settle::{self, Answers, FATES, OpenRow};
use super::show::{CaseHeader, audit_view};
use super::step::{self, Step, Taken};
use super::{Loaded, Verdict, date_field, load, not_now, verdict};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::calendar::{format_date_da, today_copenhagen};
use crate::domain::catalogue::{ASSESSMENT_FACTORS, Dimension, FactorKind, Level, Rating};
use crate::domain::workflow::{Conclusion, Move};
use crate::error::AppResult;
use crate::store::cases::{assessment, plan};
use crate::web::extract::Form;
use crate::web::forms::FormState;
use crate::web::forms::{self, FieldErrors};
use crate::web::layout::{self, PageContext, set_notice};

const ANALYSIS_MAX: usize = 8000;

/// The form as typed; factor ratings arrive as `rating_<factor id>`.
#[derive(Debug, Default, Clone)]
struct AssessmentInput {
    version: String,
    meeting_date: String,
    analysis_person: String,
    analysis_network: String,
    analysis_ideology: String,
    analysis_intent_capability: String,
    conclusion: String,
    level: String,
    ratings: Vec<(&'static str, String)>,
    /// What becomes of each open intervention if the conclusion closes the case.
    answers: Answers,
}

impl AssessmentInput {
    fn from_pairs(pairs: Vec<(String, String)>, open: &[plan::Intervention]) -> AssessmentInput {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        AssessmentInput {
            version: get("version"),
            meeting_date: get("meeting_date"),
            analysis_person: get("analysis_person"),
            analysis_network: get("analysis_network"),
            analysis_ideology: get("analysis_ideology"),
            analysis_intent_capability: get("analysis_intent_capability"),
            conclusion: get("conclusion"),
            level: get("level"),
            ratings: ASSESSMENT_FACTORS
                .iter()
                .map(|f| (f.id, get(&format!("rating_{}", f.id))))
                .collect(),
            answers: settle::answers(&pairs, open),
        }
    }

    fn rating(&self, id: &str) -> &str {
        self.ratings
            .iter()
            .find(|(f, _)| *f == id)
            .map_or("", |(_, v)| v.as_str())
    }
}

struct FactorRow {
    field: String,
    label: &'static str,
    value: String,
    previous: Option<&'static str>,
}

struct FactorGroup {
    label: &'static str,
    factors: Vec<FactorRow>,
}

struct AnalysisField {
    name: &'static str,
    label: &'static str,
    /// With "copied from the previous assessment" while the text is still that one.
    hint: String,
    value: String,
}

#[derive(Template)]
#[template(path = "cases/assessment.html")]
struct AssessmentPage {
    page: PageContext,
    head: CaseHeader,
    conflict: Option<&'static str>,
    errors: FieldErrors,
    version: String,
    meeting_date: String,
    groups: Vec<FactorGroup>,
    ratings: Vec<(&'static str, &'static str)>,
    analyses: Vec<AnalysisField>,
    conclusion: String,
    level: String,
    reassessment: bool,
    /// The open interventions (after a reassessment): asked about in case "no basis" closes it.
    open: Vec<OpenRow>,
}

async fn render(
    state: &AppState,
    current: &CurrentUser,
    loaded: &Loaded,
    input: AssessmentInput,
    errors: FieldErrors,
    form_state: FormState,
) -> AppResult<Response> {
    let previous = assessment::latest_ratings(&state.db, loaded.case.id).await?;
    let earlier_texts = assessment::latest_analyses(&state.db, loaded.case.id).await?;
    let prev = |id: &str| {
        previous
            .iter()
            .find(|(f, _)| f == id)
            .map(|&(_, r)| r.label())
    };
    let groups = FactorKind::ALL
        .iter()
        .map(|kind| FactorGroup {
            label: kind.label(),
            factors: ASSESSMENT_FACTORS
                .iter()
                .filter(|f| f.kind == *kind)
                .map(|f| FactorRow {
                    field: format!("rating_{}", f.id),
                    label: f.label,
                    value: input.rating(f.id).to_owned(),
                    previous: prev(f.id),
                })
                .collect(),
        })
        .collect();
    let analyses = vec![
        (
            Dimension::Person,
            "analysis_person",
            input.analysis_person.clone(),
        ),
        (
            Dimension::Network,
            "analysis_network",
            input.analysis_network.clone(),
        ),
        (
            Dimension::Ideology,
            "analysis_ideology",
            input.analysis_ideology.clone(),
        ),
        (
            Dimension::IntentCapability,
            "analysis_intent_capability",
            input.analysis_intent_capability.clone(),
        ),
    ]
    .into_iter()
    .zip(0..)
    .map(|((d, name, value), i)| {
        let copied = earlier_texts
            .as_ref()
            .is_some_and(|t: &[String; 4]| !value.trim().is_empty() && t[i] == value);
        AnalysisField {
            name,
            label: d.label(),
            hint: if copied {
                format!(
                    "Kopieret fra sidste vurdering: ret det, der har ændret sig. {}",
                    d.hint()
                )
            } else {
                d.hint().to_owned()
            },
            value,
        }
    })
    .collect();
    let page = AssessmentPage {
        page: PageContext::for_user(current, "Analyse og vurdering", "/sager").await?,
        head: CaseHeader::of(loaded),
        conflict: form_state.conflict(super::CONFLICT_MESSAGE),
        errors,
        version: input.version,
        meeting_date: input.meeting_date,
        groups,
        ratings: Rating::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        analyses,
        conclusion: input.conclusion,
        level: input.level,
        reassessment: !previous.is_empty(),
        open: settle::rows(
            &settle::open_interventions(state, loaded).await?,
            &input.answers,
            today_copenhagen(state.clock.now()),
        ),
    };
    layout::render(form_state.status(), &page)
}

pub(crate) async fn show_assessment_form(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    if let Verdict::Stale = verdict(&loaded, Move::AssessmentBasis)? {
        return not_now(&current, &loaded).await;
    }
    // A reassessment starts from the previous ratings, so the group changes what changed.
    let previous = assessment::latest_ratings(&state.db, loaded.case.id).await?;
    let input = AssessmentInput {
        version: loaded.case.version.to_string(),
        meeting_date: format_date_da(today_copenhagen(state.clock.now())),
        ratings: ASSESSMENT_FACTORS
            .iter()
            .map(|f| {
                let value = previous
                    .iter()
                    .find(|(id, _)| id == f.id)
                    .map(|(_, r)| r.as_str().to_owned())
                    .unwrap_or_default();
                (f.id, value)
            })
            .collect(),
        ..AssessmentInput::default()
    };
    // And from the previous analysis texts, marked as copied, to be edited rather than retyped.
    let input = match assessment::latest_analyses(&state.db, loaded.case.id).await? {
        Some([person, network, ideology, intent_capability]) => AssessmentInput {
            analysis_person: person,
            analysis_network: network,
            analysis_ideology: ideology,
            analysis_intent_capability: intent_capability,
            ..input
        },
        None => input,
    };
    audit_view(&state, &current, &loaded).await?;
    render(
        &state,
        &current,
        &loaded,
        input,
        FieldErrors::new(),
        FormState::Fresh,
    )
    .await
}

pub(crate) async fn submit_assessment(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let loaded = load(&state, &current, &raw).await?;
    let open = settle::open_interventions(&state, &loaded).await?;
    let mut input = AssessmentInput::from_pairs(pairs, &open);
    let mut errors = FieldErrors::new();
    let meeting_date = date_field(&mut errors, "meeting_date", &input.meeting_date);
    let mut ratings: Vec<(&'static str, Rating)> = Vec::new();
    for (id, value) in &input.ratings {
        match Rating::parse(value.trim()) {
            Some(r) => ratings.push((id, r)),
            None => errors.add(
                &format!("rating_{id}"),
                format!(
                    "Vurdér faktoren «{}».",
                    crate::domain::catalogue::assessment_factor(id).map_or(*id, |f| f.label)
                ),
            ),
        }
    }
    let person = forms::text(
        &mut errors,
        "analysis_person",
        &input.analysis_person,
        true,
        ANALYSIS_MAX,
    );
    let network = forms::text(
        &mut errors,
        "analysis_network",
        &input.analysis_network,
        true,
        ANALYSIS_MAX,
    );
    let ideology = forms::text(
        &mut errors,
        "analysis_ideology",
        &input.analysis_ideology,
        true,
        ANALYSIS_MAX,
    );
    let intent = forms::text(
        &mut errors,
        "analysis_intent_capability",
        &input.analysis_intent_capability,
        true,
        ANALYSIS_MAX,
    );
    let conclusion = Conclusion::parse(input.conclusion.trim());
    if conclusion.is_none() {
        errors.add("conclusion", "Vælg kernegruppens konklusion.");
    }
    let level = match conclusion {
        Some(Conclusion::Basis) => {
            let level = Level::parse(input.level.trim())
                .filter(|l| matches!(l, Level::Preemptive | Level::Intervening));
            if level.is_none() {
                errors.add("level", "Vælg foregribende eller indgribende niveau.");
            }
            level
        }
        _ => None,
    };
    // "No basis" closes the case: the open interventions are settled as on the closing form.
    let settled = match conclusion {
        Some(Conclusion::NoBasis) => settle::settlements(
            &mut errors,
            &input.answers,
            &open,
            today_copenhagen(state.clock.now()),
        ),
        _ => Vec::new(),
    };
    let mv = conclusion.map_or(Move::AssessmentBasis, Conclusion::as_move);
    let verdict = verdict(&loaded, mv)?;
    if let Verdict::Stale = verdict {
        input.version = loaded.case.version.to_string();
        return render(
            &state,
            &current,
            &loaded,
            input,
            errors,
            FormState::Conflict,
        )
        .await;
    }
    let (
        Verdict::Allowed,
        Some(conclusion),
        Some(meeting_date),
        Some(person),
        Some(network),
        Some(ideology),
        Some(intent),
        true,
    ) = (
        verdict,
        conclusion,
        meeting_date,
        person,
        network,
        ideology,
        intent,
        errors.is_empty(),
    )
    else {
        return render(&state, &current, &loaded, input, errors, FormState::Invalid).await;
    };
    let now = state.clock.now();
    let step = Step::new(mv, &input.version, now).level(level);
    let new = assessment::NewAssessment {
        case: loaded.case.id,
        assessed_by: current.user.id,
        meeting_date,
        analysis_person: &person,
        analysis_network: &network,
        analysis_ideology: &ideology,
        analysis_intent_capability: &intent,
        conclusion,
        level,
        ratings: &ratings,
        at: now,
    };
    let case = loaded.case.id;
    let taken = step::take(&state, &current, &loaded, step, async |conn| {
        assessment::record(conn, &new).await?;
        Ok(settle::settle_all(conn, case, &settled, now).await?)
    })
    .await?;
    if let Taken::Conflict(fresh) = taken {
        input.version = fresh.case.version.to_string();
        return render(&state, &current, &fresh, input, errors, FormState::Conflict).await;
    }
    set_notice(
        &current.session,
        match conclusion {
            Conclusion::NoBasis => {
                "Vurderingen er registreret: intet grundlag for bekymring, og sagen er lukket."
            }
            Conclusion::Basis => "Vurderingen er registreret: sagen går videre til handleplan.",
        },
    )
    .await?;
    Ok(Redirect::to(&loaded.href()).into_response())
}
