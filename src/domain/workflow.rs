//! The stages of a case and the moves between them: one pure function, [`decide`], says whether
//! a move is allowed from a stage for a viewer's relation to the case, and where it leads.

use crate::domain::code::code_enum;

use super::catalogue::{self, CloseReason, Factor, Rating};
use super::ids::{MunicipalityId, PoliceDistrictId};
use super::policy::{Actor, CaseAccess, CaseScope, case_access};

code_enum! {
    /// Where a case stands. A concern waiting for the leader (`awaiting_leader`) is not yet a case;
    /// see `ConcernStatus` for that part of the flow.
    #[derive(PartialOrd, Ord)]
    pub enum Stage {
        Received => ("received", "Modtaget"),
        Screening => ("screening", "Politiets screening"),
        Triage => ("triage", "Fælles vurdering"),
        Assessment => ("assessment", "Analyse og vurdering"),
        ActionPlan => ("action_plan", "Handleplan"),
        FollowUp => ("follow_up", "Opfølgning"),
        Closed => ("closed", "Afsluttet"),
    }
}

impl Stage {
    /// Every stage but `closed`: the case is still being handled.
    pub fn is_open(self) -> bool {
        self != Stage::Closed
    }
}

code_enum! {
    /// Where a concern stands before it joins a case.
    pub enum ConcernStatus {
        /// Randers: with the nearest leader of the reporter's unit.
        AwaitingLeader => "awaiting_leader",
        /// Sent back to the reporter with a question.
        Returned => "returned",
        /// In the coordinator's intake queue.
        Received => "received",
        /// Part of a case; the case's stage says the rest.
        Linked => "linked",
    }
}

/// What a reporter (or a citizen with a receipt code) is told: nothing more than this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicStatus {
    Received,
    BeingHandled,
    Closed,
}

impl PublicStatus {
    pub fn of(concern: ConcernStatus, case_stage: Option<Stage>) -> PublicStatus {
        match (concern, case_stage) {
            (_, Some(Stage::Closed)) => PublicStatus::Closed,
            (ConcernStatus::Linked, Some(_)) => PublicStatus::BeingHandled,
            _ => PublicStatus::Received,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PublicStatus::Received => "Modtaget",
            PublicStatus::BeingHandled => "Under behandling",
            PublicStatus::Closed => "Afsluttet",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Moves
// ---------------------------------------------------------------------------------------------

/// A step someone takes on a case. Most steps move the case to another stage; a few record work
/// within the stage (the plan, an intervention, a review, the team) and leave it where it is, so
/// that the case page asks one function for every action it may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Move {
    /// The coordinator sends a received case to the police for screening.
    SendToScreening,
    /// Police: no criminal or acute security matter keeps the case out of Infohus.
    ScreeningCleared,
    /// Police: they handle it on criminal or security grounds; the case closes for Infohus.
    ScreeningNotForInfohus,
    /// Coordinator or police propose the joint decision; it waits for the other side.
    ProposeTriage,
    /// The joint decision takes effect: within Infohus' remit. Taken by the side that confirms
    /// the other's proposal, or by the coordinator who agreed it with the police by phone
    /// ([`JointTriage`] says which).
    TriageWithinRemit,
    /// The joint decision takes effect: outside the remit; another authority should act.
    TriageOutsideRemit,
    /// The police user named in a decision agreed by phone confirms it.
    ConfirmPhoneTriage,
    /// The police user named in a decision agreed by phone objects in time; the case goes
    /// back to the joint triage.
    ObjectToTriage,
    /// The core group finds no basis for concern; the case closes.
    AssessmentNoBasis,
    /// The core group finds a basis and sets a level; a plan follows.
    AssessmentBasis,
    /// The plan or its follow-up calls for a new assessment.
    Reassess,
    /// Save the action plan (plan coordinator, goals, notification under Barnets lov).
    SavePlan,
    /// Add or change an intervention of the plan.
    SaveIntervention,
    /// The plan is in place; follow it up.
    StartFollowUp,
    /// A scheduled review of the plan's interventions.
    RecordReview,
    /// The coordinator adds or removes core-group members of the case team.
    ChangeTeam,
    /// Close with a coded reason (the reasons that belong to screening, triage and assessment
    /// are closed by those steps instead).
    Close(CloseReason),
    /// The coordinator reopens a closed case, with a reason; it starts again at intake.
    Reopen,
    /// A review after closing (the profile's 6 and 12 months).
    RecordPostClosureReview,
    /// The coordinator records facts about the case outside the flow: the person's name and
    /// address protection, the authority's journal number. Possible in every stage, closed too.
    EditDetails,
    /// The coordinator postpones the deletion of a closed case, with a reason.
    ExtendRetention,
    /// The receipt of the plan's notification under Barnets lov is confirmed.
    ConfirmNotificationReceipt,
    /// A disclosure from the case is entered in its register: what, to whom, on which basis.
    RecordDisclosure,
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The actor has no relation to the case and must not learn that it exists (404).
    NoAccess,
    /// The actor may see the case, but this step belongs to someone else (403).
    NotTheirs,
    /// Not possible from the case's current stage, typically a form left open while someone
    /// else moved the case (409).
    WrongStage,
    /// This closing reason is recorded by its own step: screening, triage or assessment.
    ReasonHasOwnStep,
}

/// What a move needs besides permission; handlers validate these fields for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// The police's note on why the police handle it themselves.
    PoliceNote,
    /// A proposal from the other side to confirm, or (coordinator) the police user it was
    /// agreed with by phone.
    JointAgreement,
    /// The authority that should act instead.
    ReferredAuthority,
    /// A completed assessment: every factor rated, every dimension analysed.
    Assessment,
    /// A prevention level (foregribende or indgribende).
    Level,
    /// A free-text reason, kept in the history.
    Reason,
    /// An action plan with a plan coordinator and goals.
    ActionPlan,
    /// At least one planned or active intervention.
    Intervention,
    /// A closing evaluation.
    Evaluation,
    /// A core-group member of the municipality.
    TeamMember,
    /// Overall progress and the next review date.
    Progress,
}

/// Where a move leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    To(Stage),
    /// Work within the stage.
    Stay,
}

const OPEN: &[Stage] = &[
    Stage::Received,
    Stage::Screening,
    Stage::Triage,
    Stage::Assessment,
    Stage::ActionPlan,
    Stage::FollowUp,
];
const PLAN_STAGES: &[Stage] = &[Stage::ActionPlan, Stage::FollowUp];
/// A plan's notification may be confirmed received while the plan runs and after closing.
const AFTER_PLAN: &[Stage] = &[Stage::ActionPlan, Stage::FollowUp, Stage::Closed];
const COORDINATOR: &[CaseAccess] = &[CaseAccess::Coordinator];
const POLICE: &[CaseAccess] = &[CaseAccess::Police];
/// The core group works the case from the assessment on: the municipality's coordinators
/// and the core-group members on the team.
const CORE: &[CaseAccess] = &[CaseAccess::Coordinator, CaseAccess::Team];
/// Everyone who works the case: what each of them discloses goes in the same register.
const ANYONE_ON_IT: &[CaseAccess] = &[
    CaseAccess::Coordinator,
    CaseAccess::Police,
    CaseAccess::Team,
];
/// The joint triage belongs to both.
const JOINT: &[CaseAccess] = &[CaseAccess::Coordinator, CaseAccess::Police];
/// Where a decision agreed by phone leaves the case: objecting is possible only from there.
const AFTER_TRIAGE: &[Stage] = &[Stage::Assessment, Stage::Closed];
const ANY: &[Stage] = &[
    Stage::Received,
    Stage::Screening,
    Stage::Triage,
    Stage::Assessment,
    Stage::ActionPlan,
    Stage::FollowUp,
    Stage::Closed,
];

/// The rule of a move: from which stages, by whom, to where. `None` for a closing reason that
/// belongs to another step.
fn rule(mv: Move) -> Option<(&'static [Stage], &'static [CaseAccess], Target)> {
    use Move::*;
    use Target::{Stay, To};
    Some(match mv {
        SendToScreening => (&[Stage::Received], COORDINATOR, To(Stage::Screening)),
        ScreeningCleared => (&[Stage::Screening], POLICE, To(Stage::Triage)),
        ScreeningNotForInfohus => (&[Stage::Screening], POLICE, To(Stage::Closed)),
        ProposeTriage => (&[Stage::Triage], JOINT, Stay),
        TriageWithinRemit => (&[Stage::Triage], JOINT, To(Stage::Assessment)),
        TriageOutsideRemit => (&[Stage::Triage], JOINT, To(Stage::Closed)),
        ConfirmPhoneTriage => (ANY, POLICE, Stay),
        ObjectToTriage => (AFTER_TRIAGE, POLICE, To(Stage::Triage)),
        AssessmentNoBasis => (&[Stage::Assessment], CORE, To(Stage::Closed)),
        AssessmentBasis => (&[Stage::Assessment], CORE, To(Stage::ActionPlan)),
        Reassess => (PLAN_STAGES, CORE, To(Stage::Assessment)),
        SavePlan | SaveIntervention => (PLAN_STAGES, CORE, Stay),
        StartFollowUp => (&[Stage::ActionPlan], CORE, To(Stage::FollowUp)),
        RecordReview => (&[Stage::FollowUp], CORE, Stay),
        ChangeTeam => (OPEN, COORDINATOR, Stay),
        Close(CloseReason::GoalsMet) => (&[Stage::FollowUp], COORDINATOR, To(Stage::Closed)),
        Close(CloseReason::EndedOtherwise | CloseReason::Moved | CloseReason::Duplicate) => {
            (OPEN, COORDINATOR, To(Stage::Closed))
        }
        Close(CloseReason::NoBasis | CloseReason::NotForInfohus | CloseReason::OutsideRemit) => {
            return None;
        }
        Reopen => (&[Stage::Closed], COORDINATOR, To(Stage::Received)),
        RecordPostClosureReview => (&[Stage::Closed], COORDINATOR, Stay),
        EditDetails => (ANY, COORDINATOR, Stay),
        ExtendRetention => (&[Stage::Closed], COORDINATOR, Stay),
        ConfirmNotificationReceipt => (AFTER_PLAN, CORE, Stay),
        RecordDisclosure => (ANY, ANYONE_ON_IT, Stay),
    })
}

/// Whether `relation` may take `mv` on a case in `stage`, and the stage it leads to.
///
/// The relation is [`crate::domain::policy::case_access`] of the actor and the case: the
/// municipality's coordinators, the district's police, or a core-group member on the team.
/// Checked in this order: no relation at all, a reason that has its own step, a step that
/// belongs to someone else, a stage the step cannot be taken from.
pub fn decide(stage: Stage, mv: Move, relation: CaseAccess) -> Result<Stage, Refusal> {
    if relation == CaseAccess::None {
        return Err(Refusal::NoAccess);
    }
    let (from, by, target) = rule(mv).ok_or(Refusal::ReasonHasOwnStep)?;
    if !by.contains(&relation) {
        return Err(Refusal::NotTheirs);
    }
    if !from.contains(&stage) {
        return Err(Refusal::WrongStage);
    }
    Ok(match target {
        Target::To(to) => to,
        Target::Stay => stage,
    })
}

impl Move {
    /// Every move, each closing reason on its own.
    pub fn all() -> Vec<Move> {
        let mut all = vec![
            Move::SendToScreening,
            Move::ScreeningCleared,
            Move::ScreeningNotForInfohus,
            Move::ProposeTriage,
            Move::TriageWithinRemit,
            Move::TriageOutsideRemit,
            Move::ConfirmPhoneTriage,
            Move::ObjectToTriage,
            Move::AssessmentNoBasis,
            Move::AssessmentBasis,
            Move::Reassess,
            Move::SavePlan,
            Move::SaveIntervention,
            Move::StartFollowUp,
            Move::RecordReview,
            Move::ChangeTeam,
        ];
        all.extend(CloseReason::ALL.iter().map(|&r| Move::Close(r)));
        all.push(Move::Reopen);
        all.push(Move::RecordPostClosureReview);
        all.push(Move::EditDetails);
        all.push(Move::ExtendRetention);
        all.push(Move::ConfirmNotificationReceipt);
        all.push(Move::RecordDisclosure);
        all
    }

    /// The entry written to the case's history.
    pub fn event(self) -> CaseEvent {
        match self {
            Move::SendToScreening => CaseEvent::SendToScreening,
            Move::ScreeningCleared => CaseEvent::ScreeningCleared,
            Move::ScreeningNotForInfohus => CaseEvent::ScreeningNotForInfohus,
            Move::ProposeTriage => CaseEvent::TriageProposed,
            Move::TriageWithinRemit => CaseEvent::TriageWithinRemit,
            Move::TriageOutsideRemit => CaseEvent::TriageOutsideRemit,
            Move::ConfirmPhoneTriage => CaseEvent::TriageConfirmed,
            Move::ObjectToTriage => CaseEvent::TriageObjected,
            Move::AssessmentNoBasis => CaseEvent::AssessmentNoBasis,
            Move::AssessmentBasis => CaseEvent::AssessmentBasis,
            Move::Reassess => CaseEvent::Reassess,
            Move::SavePlan => CaseEvent::PlanSaved,
            Move::SaveIntervention => CaseEvent::InterventionSaved,
            Move::StartFollowUp => CaseEvent::StartFollowUp,
            Move::RecordReview => CaseEvent::ReviewRecorded,
            Move::ChangeTeam => CaseEvent::TeamChanged,
            Move::Close(CloseReason::GoalsMet) => CaseEvent::CloseGoalsMet,
            Move::Close(CloseReason::EndedOtherwise) => CaseEvent::CloseEndedOtherwise,
            Move::Close(CloseReason::Moved) => CaseEvent::CloseMoved,
            Move::Close(CloseReason::NoBasis) => CaseEvent::CloseNoBasis,
            Move::Close(CloseReason::NotForInfohus) => CaseEvent::CloseNotForInfohus,
            Move::Close(CloseReason::OutsideRemit) => CaseEvent::CloseOutsideRemit,
            Move::Close(CloseReason::Duplicate) => CaseEvent::CloseDuplicate,
            Move::Reopen => CaseEvent::Reopen,
            Move::RecordPostClosureReview => CaseEvent::PostClosureReview,
            Move::EditDetails => CaseEvent::DetailsChanged,
            Move::ExtendRetention => CaseEvent::RetentionExtended,
            Move::ConfirmNotificationReceipt => CaseEvent::NotificationReceiptConfirmed,
            Move::RecordDisclosure => CaseEvent::DisclosureRecorded,
        }
    }

    /// The code written to the case's history.
    pub fn code(self) -> &'static str {
        self.event().as_str()
    }

    /// The reason the case is closed with, for the moves that close it. Taking such a move
    /// writes the closing row and its audit row (`web::cases::step`), so neither can be left out.
    pub fn closes_with(self) -> Option<CloseReason> {
        match self {
            Move::ScreeningNotForInfohus => Some(CloseReason::NotForInfohus),
            Move::TriageOutsideRemit => Some(CloseReason::OutsideRemit),
            Move::AssessmentNoBasis => Some(CloseReason::NoBasis),
            Move::Close(reason) => Some(reason),
            _ => None,
        }
    }

    /// What the move needs besides permission.
    pub fn requires(self) -> &'static [Requirement] {
        use Requirement as R;
        match self {
            Move::SendToScreening | Move::ScreeningCleared | Move::SaveIntervention => &[],
            Move::ScreeningNotForInfohus => &[R::PoliceNote],
            Move::ProposeTriage | Move::ConfirmPhoneTriage => &[],
            Move::TriageWithinRemit => &[R::JointAgreement],
            Move::TriageOutsideRemit => &[R::JointAgreement, R::ReferredAuthority],
            Move::ObjectToTriage => &[R::Reason],
            Move::AssessmentNoBasis => &[R::Assessment],
            Move::AssessmentBasis => &[R::Assessment, R::Level],
            Move::Reassess
            | Move::Reopen
            | Move::RecordPostClosureReview
            | Move::ExtendRetention => &[R::Reason],
            Move::SavePlan => &[R::ActionPlan],
            Move::StartFollowUp => &[R::ActionPlan, R::Intervention],
            Move::RecordReview => &[R::Progress],
            Move::ChangeTeam => &[R::TeamMember],
            Move::EditDetails | Move::ConfirmNotificationReceipt | Move::RecordDisclosure => &[],
            Move::Close(CloseReason::GoalsMet | CloseReason::EndedOtherwise) => &[R::Evaluation],
            Move::Close(_) => &[R::Reason],
        }
    }

    /// The Danish label of the action, as a button or link on the case page.
    pub fn label(self) -> &'static str {
        match self {
            Move::SendToScreening => "Send til politiets screening",
            Move::ScreeningCleared => "Screening: kan behandles i Infohus",
            Move::ScreeningNotForInfohus => "Screening: ikke til Infohus",
            Move::ProposeTriage => "Fælles vurdering",
            Move::TriageWithinRemit => "Fælles vurdering: inden for Infohus' område",
            Move::TriageOutsideRemit => "Fælles vurdering: uden for Infohus' område",
            Move::ConfirmPhoneTriage => "Bekræft den fælles vurdering",
            Move::ObjectToTriage => "Gør indsigelse mod den fælles vurdering",
            Move::AssessmentNoBasis => "Vurdering: intet grundlag for bekymring",
            Move::AssessmentBasis => "Vurdering: grundlag for bekymring",
            Move::Reassess => "Ny vurdering",
            Move::SavePlan => "Handleplan",
            Move::SaveIntervention => "Indsats",
            Move::StartFollowUp => "Planen er lagt: gå til opfølgning",
            Move::RecordReview => "Opfølgning",
            Move::ChangeTeam => "Sagens team",
            Move::Close(_) => "Afslut sagen",
            Move::Reopen => "Genåbn sagen",
            Move::RecordPostClosureReview => "Opfølgning efter afslutning",
            Move::EditDetails => "Sagens oplysninger",
            Move::ExtendRetention => "Udskyd sletningen",
            Move::ConfirmNotificationReceipt => "Underretningen er modtaget",
            Move::RecordDisclosure => "Registrér en videregivelse",
        }
    }
}

/// The moves open to `relation` on a case in `stage`, in the order the case page lists them.
pub fn available_moves(stage: Stage, relation: CaseAccess) -> Vec<Move> {
    Move::all()
        .into_iter()
        .filter(|&mv| decide(stage, mv, relation).is_ok())
        .collect()
}

/// The reasons a coordinator may choose on the closing form for a case in `stage`.
pub fn closing_reasons(stage: Stage, relation: CaseAccess) -> Vec<CloseReason> {
    CloseReason::ALL
        .iter()
        .copied()
        .filter(|&r| decide(stage, Move::Close(r), relation).is_ok())
        .collect()
}

/// A case closed after a plan was made gets the profile's reviews after closing; a case that
/// never got that far has nothing to follow up.
pub fn schedules_post_closure_reviews(closed_from: Stage) -> bool {
    matches!(closed_from, Stage::ActionPlan | Stage::FollowUp)
}

/// The standard note on a case the police keep (screening: not for Infohus).
pub const NOT_FOR_INFOHUS_NOTE: &str = "Politiet håndterer sagen af kriminelle eller \
sikkerhedsmæssige grunde, og den lukkes i Infohus. Andre myndigheder kan fortsat have pligt til \
at handle efter deres egen lovgivning, f.eks. underretningspligten efter Barnets lov.";

/// Shown to police users on every case page (Retsplejeloven § 115, stk. 2).
pub const SECTION_115_REMINDER: &str = "Oplysninger udvekslet i Infohus efter retsplejelovens \
§ 115 må ikke videregives eller bruges med henblik på efterforskning af straffesager.";

code_enum! {
    /// An entry in a case's history (`case_history.move`): every move, and the entries written
    /// by opening a case, linking a concern and changes to the team and the interventions.
    pub enum CaseEvent {
        Open => ("open", "Sagen er oprettet"),
        ConcernLinked => ("concern_linked", "Bekymring knyttet til sagen"),
        TeamAdded => ("team_added", "Tilføjet til sagens team"),
        TeamRemoved => ("team_removed", "Fjernet fra sagens team"),
        InterventionAdded => ("intervention_added", "Indsats tilføjet"),
        InterventionUpdated => ("intervention_updated", "Indsats ændret"),
        SendToScreening => ("send_to_screening", "Sendt til politiets screening"),
        ScreeningCleared => ("screening_cleared", "Politiets screening: kan behandles i Infohus"),
        ScreeningNotForInfohus => ("screening_not_for_infohus", "Politiets screening: ikke til Infohus"),
        TriageProposed => ("triage_proposed", "Forslag til fælles vurdering"),
        TriageWithinRemit => ("triage_within_remit", "Fælles vurdering: inden for Infohus' område"),
        TriageOutsideRemit => ("triage_outside_remit", "Fælles vurdering: uden for Infohus' område"),
        TriageConfirmed => ("triage_confirmed", "Politiet har bekræftet den telefonisk aftalte vurdering"),
        TriageObjected => ("triage_objected", "Politiet har gjort indsigelse mod den fælles vurdering"),
        AssessmentNoBasis => ("assessment_no_basis", "Analyse og vurdering: intet grundlag for bekymring"),
        AssessmentBasis => ("assessment_basis", "Analyse og vurdering: grundlag for bekymring"),
        Reassess => ("reassess", "Sendt til ny vurdering"),
        PlanSaved => ("plan_saved", "Handleplanen er gemt"),
        InterventionSaved => ("intervention_saved", "Indsats gemt"),
        StartFollowUp => ("start_follow_up", "Handleplanen er lagt; opfølgning begynder"),
        ReviewRecorded => ("review_recorded", "Opfølgning registreret"),
        TeamChanged => ("team_changed", "Sagens team ændret"),
        CloseGoalsMet => ("close_goals_met", "Afsluttet: mål nået"),
        CloseEndedOtherwise => ("close_ended_otherwise", "Afsluttet af anden grund"),
        CloseMoved => ("close_moved", "Afsluttet: flyttet til anden kommune"),
        CloseNoBasis => ("close_no_basis", "Afsluttet: intet grundlag for bekymring"),
        CloseNotForInfohus => ("close_not_for_infohus", "Afsluttet: ikke til Infohus"),
        CloseOutsideRemit => ("close_outside_remit", "Afsluttet: uden for Infohus' område"),
        CloseDuplicate => ("close_duplicate", "Afsluttet: dublet"),
        Reopen => ("reopen", "Sagen er genåbnet"),
        PostClosureReview => ("post_closure_review", "Opfølgning efter afslutning registreret"),
        HandedOver => ("handed_over", "Ansvar overdraget til en kollega"),
        DetailsChanged => ("details_changed", "Sagens oplysninger ændret"),
        AddressProtectionSet => ("address_protection_set", "Navne- og adressebeskyttelse registreret"),
        AddressProtectionLifted => ("address_protection_lifted", "Navne- og adressebeskyttelse ophævet"),
        JournalNumberSet => ("journal_number_set", "Journalnummer registreret"),
        RetentionExtended => ("retention_extended", "Sletningen er udskudt"),
        NotificationReceiptConfirmed => ("notification_receipt_confirmed", "Modtagelsen af underretningen er bekræftet"),
        DisclosureRecorded => ("disclosure_recorded", "Videregivelse registreret"),
        MeetingScheduled => ("meeting_scheduled", "Sat på dagsordenen til et Infohus-møde"),
        MeetingMinuted => ("meeting_minuted", "Drøftet på Infohus-mødet"),
        MeetingActionAdded => ("meeting_action_added", "Opgave fra Infohus-mødet"),
        MeetingActionDone => ("meeting_action_done", "Opgave fra Infohus-mødet løst"),
    }
}

code_enum! {
    /// What the police found.
    pub enum ScreeningOutcome {
        Cleared => ("cleared", "Kan behandles i Infohus"),
        NotForInfohus => ("not_for_infohus", "Ikke til Infohus: politiet håndterer sagen"),
    }
}

code_enum! {
    /// The joint decision of coordinator and police.
    pub enum TriageOutcome {
        WithinRemit => ("within_remit", "Inden for Infohus' område"),
        OutsideRemit => ("outside_remit", "Uden for Infohus' område"),
    }
}

code_enum! {
    /// The two parties of the joint triage.
    pub enum TriageSide {
        Coordinator => ("coordinator", "Infohus-tovholderen"),
        Police => ("police", "Politiet"),
    }
}

impl TriageSide {
    /// The side a relation to the case speaks for in the joint triage, if any.
    pub fn of(relation: CaseAccess) -> Option<TriageSide> {
        match relation {
            CaseAccess::Coordinator => Some(TriageSide::Coordinator),
            CaseAccess::Police => Some(TriageSide::Police),
            CaseAccess::Team | CaseAccess::None => None,
        }
    }
}

/// How a joint decision is made to take effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// The other side's pending proposal is confirmed as it stands.
    Confirm,
    /// The coordinator records that it was agreed with a named police user by phone; that user
    /// confirms it afterwards or objects within the profile's working days.
    ByPhone,
}

/// The joint triage of one case as one viewer meets it, read with the case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JointTriage {
    /// The proposal waiting for the other side: who proposed, and what.
    pub pending: Option<(TriageSide, TriageOutcome)>,
    /// The viewer is the police user named in a decision agreed by phone that they have neither
    /// confirmed nor objected to: the last day they may object.
    pub viewer_to_confirm: Option<time::Date>,
    /// The case has moved to another stage since that decision: objecting would undo work
    /// done on it, so only confirming remains.
    pub moved_since: bool,
}

impl JointTriage {
    /// The part of the rule that depends on the triage itself, after [`decide`] has allowed
    /// the move by stage and relation. Confirming needs the other side's proposal with the same
    /// outcome; by phone is the coordinator's; confirming or objecting to a phone decision is
    /// the named police user's, objecting only until the deadline.
    pub fn allows(
        &self,
        mv: Move,
        relation: CaseAccess,
        agreement: Agreement,
        today: time::Date,
    ) -> Result<(), Refusal> {
        let outcome = match mv {
            Move::TriageWithinRemit => TriageOutcome::WithinRemit,
            Move::TriageOutsideRemit => TriageOutcome::OutsideRemit,
            Move::ConfirmPhoneTriage => {
                return self.viewer_to_confirm.map(|_| ()).ok_or(Refusal::NotTheirs);
            }
            Move::ObjectToTriage => {
                return match self.viewer_to_confirm {
                    Some(last) if today <= last && !self.moved_since => Ok(()),
                    Some(_) => Err(Refusal::WrongStage),
                    None => Err(Refusal::NotTheirs),
                };
            }
            _ => return Ok(()),
        };
        let side = TriageSide::of(relation).ok_or(Refusal::NotTheirs)?;
        match agreement {
            Agreement::ByPhone if side == TriageSide::Coordinator => Ok(()),
            Agreement::ByPhone => Err(Refusal::NotTheirs),
            Agreement::Confirm => match self.pending {
                Some((by, proposed)) if by != side && proposed == outcome => Ok(()),
                // Proposed by the viewer's own side, changed, or withdrawn: the form is stale.
                _ => Err(Refusal::WrongStage),
            },
        }
    }

    /// Whether the viewer has a proposal of the other side to confirm.
    pub fn to_confirm_by(&self, relation: CaseAccess) -> Option<TriageOutcome> {
        let side = TriageSide::of(relation)?;
        self.pending
            .filter(|&(by, _)| by != side)
            .map(|(_, outcome)| outcome)
    }
}

code_enum! {
    /// The core group's conclusion of an assessment.
    pub enum Conclusion {
        NoBasis => ("no_basis", "Intet grundlag for bekymring"),
        Basis => ("basis", "Grundlag for bekymring"),
    }
}

impl Conclusion {
    /// The move the conclusion makes.
    pub fn as_move(self) -> Move {
        match self {
            Conclusion::NoBasis => Move::AssessmentNoBasis,
            Conclusion::Basis => Move::AssessmentBasis,
        }
    }
}

/// Which municipalities' cases an actor sees, and as what. Derived from [`case_access`] so that
/// a list or a queue can never show a case its page would refuse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// Every case of these municipalities, as their coordinator.
    pub as_coordinator: Vec<MunicipalityId>,
    /// Every case of these municipalities, as the police of their district.
    pub as_police: Vec<MunicipalityId>,
    /// Only the cases whose team the actor is on, in these municipalities.
    pub as_team: Vec<MunicipalityId>,
}

impl Reach {
    /// Municipalities whose every case the actor sees.
    pub fn whole(&self) -> Vec<MunicipalityId> {
        let mut all = self.as_coordinator.clone();
        all.extend(self.as_police.iter().copied());
        all
    }

    pub fn is_empty(&self) -> bool {
        self.as_coordinator.is_empty() && self.as_police.is_empty() && self.as_team.is_empty()
    }
}

pub fn reach(actor: &Actor, municipalities: &[(MunicipalityId, PoliceDistrictId)]) -> Reach {
    let mut r = Reach::default();
    for &(municipality_id, police_district_id) in municipalities {
        let scope = |actor_on_team| CaseScope {
            municipality_id,
            police_district_id,
            actor_on_team,
        };
        match case_access(actor, &scope(false)) {
            CaseAccess::Coordinator => r.as_coordinator.push(municipality_id),
            CaseAccess::Police => r.as_police.push(municipality_id),
            CaseAccess::Team => r.as_team.push(municipality_id),
            CaseAccess::None => {
                if case_access(actor, &scope(true)) == CaseAccess::Team {
                    r.as_team.push(municipality_id);
                }
            }
        }
    }
    r
}

/// One factor whose rating differs from the previous assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingChange {
    pub factor: &'static Factor,
    /// `None` when the factor was not rated last time (a factor added to the catalogue since).
    pub before: Option<Rating>,
    pub after: Option<Rating>,
}

/// What changed between two assessments' ratings, in catalogue order. Factors no longer in the
/// catalogue are ignored: the page cannot name them.
pub fn rating_changes(
    before: &[(String, Rating)],
    after: &[(String, Rating)],
) -> Vec<RatingChange> {
    let find =
        |list: &[(String, Rating)], id: &str| list.iter().find(|(f, _)| f == id).map(|&(_, r)| r);
    catalogue::ASSESSMENT_FACTORS
        .iter()
        .filter_map(|factor| {
            let (b, a) = (find(before, factor.id), find(after, factor.id));
            (b != a).then_some(RatingChange {
                factor,
                before: b,
                after: a,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::UserId;
    use crate::domain::policy::Role;
    use CaseAccess as A;
    use Stage as S;

    const RELATIONS: [CaseAccess; 4] = [A::None, A::Team, A::Police, A::Coordinator];

    /// The move table written out by hand, independently of `rule`: every allowed
    /// (stage, move, relation) and where it leads. Everything not listed is refused.
    fn allowed() -> Vec<(Stage, Move, CaseAccess, Stage)> {
        let mut t = vec![
            (S::Triage, Move::ProposeTriage, A::Coordinator, S::Triage),
            (S::Triage, Move::ProposeTriage, A::Police, S::Triage),
            (
                S::Triage,
                Move::TriageWithinRemit,
                A::Coordinator,
                S::Assessment,
            ),
            (S::Triage, Move::TriageWithinRemit, A::Police, S::Assessment),
            (
                S::Triage,
                Move::TriageOutsideRemit,
                A::Coordinator,
                S::Closed,
            ),
            (S::Triage, Move::TriageOutsideRemit, A::Police, S::Closed),
            (
                S::Received,
                Move::SendToScreening,
                A::Coordinator,
                S::Screening,
            ),
            (S::Screening, Move::ScreeningCleared, A::Police, S::Triage),
            (
                S::Screening,
                Move::ScreeningNotForInfohus,
                A::Police,
                S::Closed,
            ),
            (S::Assessment, Move::ObjectToTriage, A::Police, S::Triage),
            (S::Closed, Move::ObjectToTriage, A::Police, S::Triage),
            (
                S::FollowUp,
                Move::Close(CloseReason::GoalsMet),
                A::Coordinator,
                S::Closed,
            ),
            (S::Closed, Move::Reopen, A::Coordinator, S::Received),
            (S::Closed, Move::ExtendRetention, A::Coordinator, S::Closed),
            (
                S::Closed,
                Move::ConfirmNotificationReceipt,
                A::Coordinator,
                S::Closed,
            ),
            (
                S::Closed,
                Move::ConfirmNotificationReceipt,
                A::Team,
                S::Closed,
            ),
            (
                S::Closed,
                Move::RecordPostClosureReview,
                A::Coordinator,
                S::Closed,
            ),
        ];
        for who in [A::Coordinator, A::Team] {
            t.push((S::Assessment, Move::AssessmentNoBasis, who, S::Closed));
            t.push((S::Assessment, Move::AssessmentBasis, who, S::ActionPlan));
            t.push((S::ActionPlan, Move::StartFollowUp, who, S::FollowUp));
            t.push((S::FollowUp, Move::RecordReview, who, S::FollowUp));
            for stage in [S::ActionPlan, S::FollowUp] {
                t.push((stage, Move::Reassess, who, S::Assessment));
                t.push((stage, Move::SavePlan, who, stage));
                t.push((stage, Move::SaveIntervention, who, stage));
                t.push((stage, Move::ConfirmNotificationReceipt, who, stage));
            }
        }
        for stage in Stage::ALL {
            for who in [A::Coordinator, A::Police, A::Team] {
                t.push((stage, Move::RecordDisclosure, who, stage));
            }
            t.push((stage, Move::ConfirmPhoneTriage, A::Police, stage));
            t.push((stage, Move::EditDetails, A::Coordinator, stage));
        }
        for stage in Stage::ALL.into_iter().filter(|s| s.is_open()) {
            t.push((stage, Move::ChangeTeam, A::Coordinator, stage));
            for reason in [
                CloseReason::EndedOtherwise,
                CloseReason::Moved,
                CloseReason::Duplicate,
            ] {
                t.push((stage, Move::Close(reason), A::Coordinator, S::Closed));
            }
        }
        t
    }

    #[test]
    fn every_stage_move_and_relation_follows_the_table() {
        let table = allowed();
        let mut checked = 0;
        for stage in Stage::ALL {
            for mv in Move::all() {
                for relation in RELATIONS {
                    let expected = table
                        .iter()
                        .find(|(s, m, r, _)| *s == stage && *m == mv && *r == relation)
                        .map(|t| t.3);
                    let got = decide(stage, mv, relation);
                    match expected {
                        Some(to) => assert_eq!(got, Ok(to), "{stage:?} {mv:?} {relation:?}"),
                        None => assert!(
                            got.is_err(),
                            "{stage:?} {mv:?} {relation:?} must be refused"
                        ),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * Move::all().len() * 4);
    }

    #[test]
    fn refusals_say_why() {
        // No relation: nothing, whatever the move; the case stays invisible.
        for stage in Stage::ALL {
            for mv in Move::all() {
                assert_eq!(decide(stage, mv, A::None), Err(Refusal::NoAccess));
            }
        }
        // The closing reasons of screening, triage and assessment have their own steps.
        for reason in [
            CloseReason::NoBasis,
            CloseReason::NotForInfohus,
            CloseReason::OutsideRemit,
        ] {
            for stage in Stage::ALL {
                assert_eq!(
                    decide(stage, Move::Close(reason), A::Coordinator),
                    Err(Refusal::ReasonHasOwnStep)
                );
            }
        }
        // Another's step is refused as such, whatever the stage.
        assert_eq!(
            decide(S::Screening, Move::ScreeningCleared, A::Coordinator),
            Err(Refusal::NotTheirs)
        );
        assert_eq!(
            decide(S::Triage, Move::TriageWithinRemit, A::Team),
            Err(Refusal::NotTheirs)
        );
        assert_eq!(
            decide(S::Received, Move::SendToScreening, A::Team),
            Err(Refusal::NotTheirs)
        );
        assert_eq!(
            decide(S::Closed, Move::Reopen, A::Team),
            Err(Refusal::NotTheirs)
        );
        // The right person on a stale stage: a conflict, not a permission problem.
        assert_eq!(
            decide(S::Triage, Move::SendToScreening, A::Coordinator),
            Err(Refusal::WrongStage)
        );
        assert_eq!(
            decide(S::Triage, Move::ScreeningCleared, A::Police),
            Err(Refusal::WrongStage)
        );
        assert_eq!(
            decide(
                S::ActionPlan,
                Move::Close(CloseReason::GoalsMet),
                A::Coordinator
            ),
            Err(Refusal::WrongStage)
        );
    }

    fn actor(role: Role, m: Option<MunicipalityId>, d: Option<PoliceDistrictId>) -> Actor {
        Actor {
            user_id: UserId::new(),
            roles: vec![role],
            municipality_id: m,
            police_district_id: d,
            unit_id: None,
            leader_routing: true,
        }
    }

    /// Every role, in and outside the case's municipality and district, on and off the team,
    /// through the policy's relation into the move table.
    #[test]
    fn every_role_and_relation_gets_exactly_the_moves_of_its_relation() {
        let m = MunicipalityId::new();
        let d = PoliceDistrictId::new();
        let other_m = MunicipalityId::new();
        let other_d = PoliceDistrictId::new();
        let table = allowed();
        for role in Role::ALL {
            for (home_m, home_d) in [
                (Some(m), Some(d)),
                (Some(m), None),
                (None, Some(d)),
                (Some(other_m), Some(other_d)),
                (None, None),
            ] {
                for on_team in [false, true] {
                    let a = actor(role, home_m, home_d);
                    let scope = CaseScope {
                        municipality_id: m,
                        police_district_id: d,
                        actor_on_team: on_team,
                    };
                    let relation = case_access(&a, &scope);
                    let expected_relation = match role {
                        Role::Coordinator if home_m == Some(m) => A::Coordinator,
                        Role::Police if home_d == Some(d) => A::Police,
                        Role::CoreGroup if home_m == Some(m) && on_team => A::Team,
                        _ => A::None,
                    };
                    assert_eq!(
                        relation, expected_relation,
                        "{role:?} {home_m:?} {home_d:?} {on_team}"
                    );
                    for stage in Stage::ALL {
                        for mv in Move::all() {
                            let allowed = table
                                .iter()
                                .any(|(s, mm, r, _)| *s == stage && *mm == mv && *r == relation);
                            assert_eq!(
                                decide(stage, mv, relation).is_ok(),
                                allowed,
                                "{role:?} {stage:?} {mv:?} on_team={on_team}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn staff_leaders_key_employees_steering_group_and_admins_never_move_a_case() {
        let m = MunicipalityId::new();
        let d = PoliceDistrictId::new();
        for role in [
            Role::Staff,
            Role::Leader,
            Role::KeyEmployee,
            Role::SteeringGroup,
            Role::Admin,
        ] {
            let a = actor(role, Some(m), Some(d));
            let relation = case_access(
                &a,
                &CaseScope {
                    municipality_id: m,
                    police_district_id: d,
                    actor_on_team: true,
                },
            );
            for stage in Stage::ALL {
                assert!(
                    available_moves(stage, relation).is_empty(),
                    "{role:?} {stage:?}"
                );
            }
        }
    }

    #[test]
    fn the_happy_path_runs_from_received_to_closed() {
        let steps = [
            (Move::SendToScreening, A::Coordinator),
            (Move::ScreeningCleared, A::Police),
            (Move::TriageWithinRemit, A::Coordinator),
            (Move::AssessmentBasis, A::Team),
            (Move::StartFollowUp, A::Team),
            (Move::Close(CloseReason::GoalsMet), A::Coordinator),
        ];
        let mut stage = S::Received;
        let mut seen = vec![stage];
        for (mv, who) in steps {
            stage = decide(stage, mv, who).expect("allowed");
            seen.push(stage);
        }
        assert_eq!(seen, Stage::ALL.to_vec());
        assert_eq!(decide(stage, Move::Reopen, A::Coordinator), Ok(S::Received));
    }

    #[test]
    fn a_joint_decision_takes_effect_only_when_the_other_side_confirms() {
        let today = time::macros::date!(2026 - 12 - 03);
        let within = Move::TriageWithinRemit;
        let proposed = |side| JointTriage {
            pending: Some((side, TriageOutcome::WithinRemit)),
            ..JointTriage::default()
        };
        let by_coordinator = proposed(TriageSide::Coordinator);
        // The proposer cannot confirm their own proposal; the other side can.
        assert_eq!(
            by_coordinator.allows(within, A::Coordinator, Agreement::Confirm, today),
            Err(Refusal::WrongStage)
        );
        assert_eq!(
            by_coordinator.allows(within, A::Police, Agreement::Confirm, today),
            Ok(())
        );
        // Only what was proposed can be confirmed.
        assert_eq!(
            by_coordinator.allows(
                Move::TriageOutsideRemit,
                A::Police,
                Agreement::Confirm,
                today
            ),
            Err(Refusal::WrongStage)
        );
        assert_eq!(
            proposed(TriageSide::Police).allows(within, A::Coordinator, Agreement::Confirm, today),
            Ok(())
        );
        // Nothing proposed: nothing to confirm.
        let none = JointTriage::default();
        assert_eq!(
            none.allows(within, A::Police, Agreement::Confirm, today),
            Err(Refusal::WrongStage)
        );
        // By phone is the coordinator's.
        assert_eq!(
            none.allows(within, A::Coordinator, Agreement::ByPhone, today),
            Ok(())
        );
        assert_eq!(
            none.allows(within, A::Police, Agreement::ByPhone, today),
            Err(Refusal::NotTheirs)
        );
        assert_eq!(
            by_coordinator.to_confirm_by(A::Police),
            Some(TriageOutcome::WithinRemit)
        );
        assert_eq!(by_coordinator.to_confirm_by(A::Coordinator), None);
    }

    #[test]
    fn only_the_named_police_user_confirms_or_objects_to_a_phone_decision_in_time() {
        let today = time::macros::date!(2026 - 12 - 03);
        let named = JointTriage {
            viewer_to_confirm: Some(today),
            ..JointTriage::default()
        };
        for mv in [Move::ConfirmPhoneTriage, Move::ObjectToTriage] {
            assert_eq!(
                named.allows(mv, A::Police, Agreement::Confirm, today),
                Ok(())
            );
            assert_eq!(
                JointTriage::default().allows(mv, A::Police, Agreement::Confirm, today),
                Err(Refusal::NotTheirs)
            );
        }
        let late = today.next_day().expect("a day");
        assert_eq!(
            named.allows(Move::ObjectToTriage, A::Police, Agreement::Confirm, late),
            Err(Refusal::WrongStage)
        );
        assert_eq!(
            named.allows(
                Move::ConfirmPhoneTriage,
                A::Police,
                Agreement::Confirm,
                late
            ),
            Ok(())
        );
    }

    #[test]
    fn each_closing_path_has_its_reason_and_requirements() {
        assert_eq!(closing_reasons(S::FollowUp, A::Coordinator).len(), 4);
        assert_eq!(
            closing_reasons(S::Assessment, A::Coordinator),
            vec![
                CloseReason::EndedOtherwise,
                CloseReason::Moved,
                CloseReason::Duplicate
            ]
        );
        assert!(closing_reasons(S::FollowUp, A::Team).is_empty());
        assert!(closing_reasons(S::Closed, A::Coordinator).is_empty());
        assert!(
            Move::Close(CloseReason::GoalsMet)
                .requires()
                .contains(&Requirement::Evaluation)
        );
        assert!(
            Move::TriageOutsideRemit
                .requires()
                .contains(&Requirement::ReferredAuthority)
        );
        assert!(
            Move::TriageWithinRemit
                .requires()
                .contains(&Requirement::JointAgreement)
        );
        assert!(
            Move::StartFollowUp
                .requires()
                .contains(&Requirement::Intervention)
        );
        assert!(Move::Reopen.requires().contains(&Requirement::Reason));
        assert!(schedules_post_closure_reviews(S::FollowUp));
        assert!(!schedules_post_closure_reviews(S::Screening));
    }

    #[test]
    fn a_move_closes_exactly_when_it_leads_an_open_case_to_closed() {
        for stage in Stage::ALL {
            for mv in Move::all() {
                for relation in RELATIONS {
                    if let (true, Ok(to)) = (stage.is_open(), decide(stage, mv, relation)) {
                        assert_eq!(to == S::Closed, mv.closes_with().is_some(), "{mv:?}");
                    }
                }
            }
        }
        assert_eq!(
            Move::AssessmentNoBasis.closes_with(),
            Some(CloseReason::NoBasis)
        );
    }

    #[test]
    fn every_move_has_a_distinct_history_code_and_label() {
        let all = Move::all();
        let mut codes: Vec<_> = all.iter().map(|m| m.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for mv in all {
            assert_eq!(CaseEvent::parse(mv.code()), Some(mv.event()));
        }
        assert_eq!(CaseEvent::Open.label(), "Sagen er oprettet");
        assert_eq!(CaseEvent::parse("something_new"), None);
    }

    #[test]
    fn reach_follows_the_case_access_of_each_municipality() {
        let (randers, ballerup) = (MunicipalityId::new(), MunicipalityId::new());
        let (east, west) = (PoliceDistrictId::new(), PoliceDistrictId::new());
        let all = [(randers, east), (ballerup, west)];
        let coordinator = actor(Role::Coordinator, Some(randers), None);
        assert_eq!(reach(&coordinator, &all).as_coordinator, vec![randers]);
        let police = actor(Role::Police, None, Some(east));
        let r = reach(&police, &all);
        assert_eq!(
            (r.as_police.clone(), r.whole()),
            (vec![randers], vec![randers])
        );
        let core = actor(Role::CoreGroup, Some(ballerup), None);
        let r = reach(&core, &all);
        assert_eq!((r.as_team.clone(), r.whole()), (vec![ballerup], vec![]));
        assert!(reach(&actor(Role::Staff, Some(randers), None), &all).is_empty());
        assert!(reach(&actor(Role::Admin, None, None), &all).is_empty());
    }

    #[test]
    fn a_reassessment_lists_only_the_factors_that_changed() {
        let first = vec![
            ("violence_readiness".to_owned(), Rating::Some),
            ("trusted_adult".to_owned(), Rating::NotSeen),
            ("gone_from_the_catalogue".to_owned(), Rating::Marked),
        ];
        let second = vec![
            ("violence_readiness".to_owned(), Rating::Marked),
            ("trusted_adult".to_owned(), Rating::NotSeen),
            ("isolation".to_owned(), Rating::Unknown),
        ];
        let changes = rating_changes(&first, &second);
        let ids: Vec<_> = changes.iter().map(|c| c.factor.id).collect();
        assert_eq!(ids, vec!["violence_readiness", "isolation"]);
        assert_eq!(changes[0].before, Some(Rating::Some));
        assert_eq!(changes[0].after, Some(Rating::Marked));
        assert_eq!(changes[1].before, None);
        assert!(rating_changes(&second, &second).is_empty());
    }
}
