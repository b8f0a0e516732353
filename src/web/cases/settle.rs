//! What becomes of the open interventions when a case closes: each ended on a date, or
//! continues outside Infohus under a named authority. Asked by every form that can close a case
//! after a plan (the closing form, and an assessment concluding "no basis" after a
//! reassessment), so that no closed case keeps an intervention "active".

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use super::Loaded;
use super::show::intervention_label;
use crate::AppState;
use crate::domain::calendar::format_date_da;
use crate::domain::ids::{CaseId, InterventionId};
use crate::error::AppResult;
use crate::store::cases::plan::{self, Settled};
use crate::web::forms::{self, FieldErrors};

/// The two answers, for the radio group of each intervention.
pub(crate) const FATES: [(&str, &str); 2] = [
    ("ended", "Indsatsen er afsluttet"),
    ("continues", "Indsatsen fortsætter uden for Infohus"),
];

/// The answers as typed, per open intervention: (id, fate, end date, authority).
pub(crate) type Answers = Vec<(String, String, String, String)>;

/// One open intervention on a form, with what was typed for it.
pub(crate) struct OpenRow {
    pub label: String,
    pub owner: String,
    pub fate_field: String,
    pub ended_field: String,
    pub with_field: String,
    pub fate: String,
    pub ended_on: String,
    pub with: String,
}

/// The case's planned and active interventions.
pub(crate) async fn open_interventions(
    state: &AppState,
    loaded: &Loaded,
) -> AppResult<Vec<plan::Intervention>> {
    Ok(plan::interventions_of(&state.db, loaded.case.id)
        .await?
        .into_iter()
        .filter(plan::Intervention::is_open)
        .collect())
}

/// The answers among a form's fields.
pub(crate) fn answers(pairs: &[(String, String)], open: &[plan::Intervention]) -> Answers {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    open.iter()
        .map(|i| {
            let id = i.id.to_string();
            let fate = get(&format!("fate_{id}"));
            let ended_on = get(&format!("ended_on_{id}"));
            let with = get(&format!("continues_with_{id}"));
            (id, fate, ended_on, with)
        })
        .collect()
}

/// The rows to show: what was typed, or today and the intervention's own authority.
pub(crate) fn rows(open: &[plan::Intervention], answers: &Answers, today: Date) -> Vec<OpenRow> {
    open.iter()
        .map(|i| {
            let id = i.id.to_string();
            let typed = answers.iter().find(|a| a.0 == id);
            OpenRow {
                label: intervention_label(&i.type_id, i.type_other.as_deref()),
                owner: format!("{}, {}", i.owner_name, i.authority),
                fate_field: format!("fate_{id}"),
                ended_field: format!("ended_on_{id}"),
                with_field: format!("continues_with_{id}"),
                fate: typed.map(|a| a.1.clone()).unwrap_or_default(),
                ended_on: typed.map_or_else(|| format_date_da(today), |a| a.2.clone()),
                with: typed.map_or_else(|| i.authority.clone(), |a| a.3.clone()),
            }
        })
        .collect()
}

/// Reads each open intervention's answer; a Danish message at each field left wrong.
pub(crate) fn settlements(
    errors: &mut FieldErrors,
    answers: &Answers,
    open: &[plan::Intervention],
    today: Date,
) -> Vec<(InterventionId, Settled)> {
    let mut out = Vec::new();
    for (i, (id, fate, ended_on, with)) in open.iter().zip(answers) {
        let settled = match fate.as_str() {
            "ended" => {
                let field = format!("ended_on_{id}");
                match super::date_field(errors, &field, ended_on) {
                    Some(d) if d < i.start_date => {
                        errors.add(&field, "Slutdatoen kan ikke ligge før indsatsens start.");
                        None
                    }
                    Some(d) if d > today => {
                        errors.add(&field, "Slutdatoen kan ikke ligge efter i dag.");
                        None
                    }
                    d => d.map(Settled::Ended),
                }
            }
            "continues" => forms::text(errors, &format!("continues_with_{id}"), with, true, 300)
                .map(Settled::Continues),
            _ => {
                errors.add(
                    &format!("fate_{id}"),
                    "Svar, om indsatsen er afsluttet eller fortsætter uden for Infohus.",
                );
                None
            }
        };
        if let Some(s) = settled {
            out.push((i.id, s));
        }
    }
    out
}

/// Writes the answers in the closing step's transaction; `false` when an intervention changed
/// since the form was shown (the step rolls back and shows the conflict).
pub(crate) async fn settle_all(
    conn: &mut PgConnection,
    case: CaseId,
    settled: &[(InterventionId, Settled)],
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    for (id, s) in settled {
        if !plan::settle_at_closing(conn, case, *id, s, now).await? {
            return Ok(false);
        }
    }
    Ok(true)
}
