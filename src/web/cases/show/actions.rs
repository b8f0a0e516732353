//! The actions open to the viewer on the case page: one link or button per step the
//! workflow (and, for the joint triage, `JointTriage::allows`) lets them take now.

use time::Date;

use super::super::Loaded;
use crate::domain::workflow::{self, Move};
use crate::store::cases::closing;

/// One action on the case page: a link to its form, or a button posting a step that needs
/// nothing more than a click.
pub(super) struct ActionView {
    pub(super) label: &'static str,
    pub(super) href: String,
    pub(super) button: bool,
    pub(super) hint: Option<&'static str>,
}

/// The actions open to the viewer now, one per form.
pub(super) fn actions(
    loaded: &Loaded,
    today: Date,
    has_plan: bool,
    awaits_receipt: bool,
    has_open_intervention: bool,
    post_closure: &[closing::PostClosureReview],
) -> Vec<ActionView> {
    let base = loaded.href();
    let mut out: Vec<ActionView> = Vec::new();
    let mut push = |label, path: &str, button, hint| {
        if !out
            .iter()
            .any(|a: &ActionView| a.href == format!("{base}{path}"))
        {
            out.push(ActionView {
                label,
                href: format!("{base}{path}"),
                button,
                hint,
            });
        }
    };
    for mv in workflow::available_moves(loaded.case.stage, loaded.access) {
        match mv {
            Move::SendToScreening => push(mv.label(), "/send-til-screening", true, None),
            Move::ScreeningCleared | Move::ScreeningNotForInfohus => {
                push("Registrér politiets screening", "/screening", false, None)
            }
            Move::ProposeTriage => {
                let triage = &loaded.case.triage;
                let label = match (triage.pending, triage.to_confirm_by(loaded.access)) {
                    (_, Some(_)) => "Fælles vurdering: bekræft eller svar på forslaget",
                    (Some(_), None) => "Fælles vurdering: jeres forslag venter på den anden part",
                    (None, None) => "Fælles vurdering",
                };
                push(label, "/faelles-vurdering", false, None)
            }
            // Taken from the joint triage's own page, by confirming or by phone.
            Move::TriageWithinRemit | Move::TriageOutsideRemit => {}
            Move::ConfirmPhoneTriage | Move::ObjectToTriage => {
                let mine = loaded
                    .case
                    .triage
                    .allows(mv, loaded.access, workflow::Agreement::Confirm, today)
                    .is_ok();
                if mine {
                    push(
                        "Bekræft den telefonisk aftalte vurdering",
                        "/faelles-vurdering/bekraeft",
                        false,
                        None,
                    )
                }
            }
            Move::AssessmentBasis | Move::AssessmentNoBasis => push(
                "Analyse og vurdering (vurderingsværktøj)",
                "/vurdering",
                false,
                None,
            ),
            Move::Reassess => push("Send til ny vurdering", "/ny-vurdering", false, None),
            Move::SavePlan => push(
                if has_plan {
                    "Ret handleplanen"
                } else {
                    "Læg handleplan"
                },
                "/handleplan",
                false,
                None,
            ),
            Move::SaveIntervention => push("Tilføj indsats", "/indsatser/ny", false, None),
            Move::StartFollowUp => {
                if has_plan && has_open_intervention {
                    push(mv.label(), "/til-opfoelgning", true, None)
                } else {
                    push(
                        mv.label(),
                        "/til-opfoelgning",
                        false,
                        Some("Kræver en handleplan og mindst én planlagt eller aktiv indsats."),
                    )
                }
            }
            Move::RecordReview => push("Registrér opfølgning", "/opfoelgning", false, None),
            Move::ChangeTeam => push("Sagens team", "/team", false, None),
            Move::ExtendRetention => push("Udskyd sletningen", "/udskyd-sletning", false, None),
            Move::RecordDisclosure => push(mv.label(), "/videregivelser/ny", false, None),
            Move::ConfirmNotificationReceipt => {
                if awaits_receipt {
                    push(
                        "Bekræft, at underretningen er modtaget",
                        "/underretning-modtaget",
                        true,
                        None,
                    )
                }
            }
            Move::EditDetails => push(
                "Ret sagens oplysninger (adressebeskyttelse, journalnummer)",
                "/oplysninger",
                false,
                None,
            ),
            Move::Close(_) => push("Afslut sagen", "/afslut", false, None),
            Move::Reopen => push("Genåbn sagen", "/genaabn", false, None),
            Move::RecordPostClosureReview => {
                if let Some(p) = post_closure.iter().find(|p| p.done_at.is_none()) {
                    push(
                        "Registrér opfølgning efter afslutning",
                        &format!("/efter-afslutning/{}", p.id),
                        false,
                        None,
                    )
                }
            }
        }
    }
    out
}
