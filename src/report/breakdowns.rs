//! The tables of the report, breakdown by breakdown: which rows each has, and their Danish
//! labels.

use crate::domain::catalogue::{CloseReason, ConcernKind, INTERVENTION_TYPES, Level};
use crate::domain::workflow::Stage;
use crate::store::stats::{Breakdown, DurationStep, QuarterlyFigures};

/// A breakdown's rows: the key in the figures and the label on the page.
pub(super) struct Spec {
    pub(super) key: &'static str,
    pub(super) dimension: Breakdown,
    pub(super) title: &'static str,
    pub(super) description: &'static str,
    pub(super) row_heading: &'static str,
    pub(super) rows: Vec<(String, String)>,
    pub(super) total: Option<&'static str>,
}

pub(super) fn source_rows(sectors: &[String], seen: &[String]) -> Vec<(String, String)> {
    let mut staff: Vec<String> = sectors
        .iter()
        .cloned()
        .chain(
            seen.iter()
                .filter_map(|k| k.strip_prefix("staff:"))
                .map(str::to_owned),
        )
        .collect();
    staff.sort();
    staff.dedup();
    let mut rows: Vec<(String, String)> = staff
        .into_iter()
        .map(|sector| {
            let label = if sector.is_empty() {
                "Medarbejdere uden enhed".to_owned()
            } else {
                format!("Medarbejdere: {sector}")
            };
            (format!("staff:{sector}"), label)
        })
        .collect();
    for (key, label) in [
        ("leader", "Ledere"),
        ("citizen", "Borgere"),
        ("police", "Politiet"),
        ("other_authority", "Andre myndigheder"),
        ("infohus", "Infohus og kernegruppen"),
    ] {
        rows.push((key.to_owned(), label.to_owned()));
    }
    rows
}

pub(super) fn with_unknown(
    mut rows: Vec<(String, String)>,
    seen: &[String],
) -> Vec<(String, String)> {
    for key in seen {
        if !rows.iter().any(|(k, _)| k == key) {
            rows.push((key.clone(), format!("Andet ({key})")));
        }
    }
    rows
}

pub(super) fn specs(figures: &QuarterlyFigures, sectors: &[String]) -> Vec<Spec> {
    let seen = |d: Breakdown| figures.keys(d);
    let intervention_rows = INTERVENTION_TYPES
        .iter()
        .map(|t| {
            let label = t.label.trim_end_matches(" (angiv)");
            (
                t.id.to_owned(),
                format!("{label} ({})", t.age.label().to_lowercase()),
            )
        })
        .collect();
    vec![
        Spec {
            key: "kilde",
            dimension: Breakdown::Source,
            title: "Nye bekymringer efter indberetter",
            description: "Bekymringer indgivet i kvartalet, efter hvem der indgav dem; medarbejdere efter deres enheds sektor.",
            row_heading: "Indberetter",
            rows: source_rows(sectors, &seen(Breakdown::Source)),
            total: Some("Nye bekymringer i alt"),
        },
        Spec {
            key: "type",
            dimension: Breakdown::Kind,
            title: "Nye bekymringer efter type",
            description: "Bekymringer indgivet i kvartalet, efter hvad bekymringen handler om.",
            row_heading: "Type",
            rows: with_unknown(
                ConcernKind::ALL
                    .iter()
                    .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
                    .collect(),
                &seen(Breakdown::Kind),
            ),
            total: Some("Nye bekymringer i alt"),
        },
        Spec {
            key: "alder",
            dimension: Breakdown::Age,
            title: "Nye bekymringer efter alder",
            description: "Bekymringer indgivet i kvartalet, efter om personen var under eller over 18 år.",
            row_heading: "Aldersgruppe",
            rows: with_unknown(
                vec![
                    ("under_18".to_owned(), "Under 18 år".to_owned()),
                    ("adult".to_owned(), "18 år og derover".to_owned()),
                ],
                &seen(Breakdown::Age),
            ),
            total: Some("Nye bekymringer i alt"),
        },
        Spec {
            key: "niveau",
            dimension: Breakdown::Level,
            title: "Nye bekymringer efter forebyggelsesniveau",
            description: "Bekymringer indgivet i kvartalet, efter det niveau i forebyggelsestrekanten, som sagen er vurderet på.",
            row_heading: "Niveau",
            rows: with_unknown(
                Level::ALL
                    .iter()
                    .map(|l| (l.as_str().to_owned(), l.label().to_owned()))
                    .chain(std::iter::once((
                        "none".to_owned(),
                        "Ikke vurderet (endnu)".to_owned(),
                    )))
                    .collect(),
                &seen(Breakdown::Level),
            ),
            total: Some("Nye bekymringer i alt"),
        },
        Spec {
            key: "gentagne",
            dimension: Breakdown::Repeat,
            title: "Gentagne bekymringer",
            description: "Bekymringer indgivet i kvartalet om en person, der havde en anden bekymring i samme sag inden for de 12 måneder før.",
            row_heading: "Bekymringer",
            rows: vec![("repeat".to_owned(), "Gentagne bekymringer".to_owned())],
            total: None,
        },
        Spec {
            key: "aabne",
            dimension: Breakdown::OpenStage,
            title: "Åbne sager ved kvartalets udgang, efter fase",
            description: "Sager, der var åbne ved kvartalets sidste dag, efter den fase de var i da.",
            row_heading: "Fase",
            rows: with_unknown(
                Stage::ALL
                    .iter()
                    .filter(|s| s.is_open())
                    .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
                    .collect(),
                &seen(Breakdown::OpenStage),
            ),
            total: Some("Åbne sager i alt"),
        },
        Spec {
            key: "afsluttede",
            dimension: Breakdown::CloseReason,
            title: "Afsluttede sager efter årsag",
            description: "Sager afsluttet i kvartalet, efter årsag. En genåbnet sag, der afsluttes igen, tæller igen.",
            row_heading: "Årsag",
            rows: with_unknown(
                CloseReason::ALL
                    .iter()
                    .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
                    .collect(),
                &seen(Breakdown::CloseReason),
            ),
            total: Some("Afsluttede sager i alt"),
        },
        Spec {
            key: "indsatser",
            dimension: Breakdown::Intervention,
            title: "Igangsatte indsatser efter type",
            description: "Indsatser med startdato i kvartalet, efter type.",
            row_heading: "Indsats",
            rows: with_unknown(intervention_rows, &seen(Breakdown::Intervention)),
            total: Some("Indsatser i alt"),
        },
    ]
}

/// The steps of the durations table: key and label.
pub(super) const STEPS: &[(DurationStep, &str)] = &[
    (
        DurationStep::FilingToScreening,
        "Fra indgivet til screenet af politiet",
    ),
    (
        DurationStep::ScreeningToTriage,
        "Fra screening til fælles vurdering",
    ),
    (
        DurationStep::TriageToPlan,
        "Fra fælles vurdering til handleplan",
    ),
    (DurationStep::FilingToClosing, "Fra indgivet til afsluttet"),
];
