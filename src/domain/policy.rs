//! Roles, capabilities and the one policy that decides who may do what.
//!
//! Handlers never compare role names: they ask [`may`] for a function of the system and
//! [`case_access`] / [`concern_access`] for an object, and the router refuses a route whose
//! capability the user lacks before the handler runs.

use crate::domain::code::code_enum;

use super::ids::{MunicipalityId, PoliceDistrictId, UnitId, UserId};

code_enum! {
    #[derive(PartialOrd, Ord)]
    pub enum Role {
        Staff => ("staff", "Medarbejder"),
        Leader => ("leader", "Leder"),
        KeyEmployee => ("key_employee", "Nøglemedarbejder"),
        Coordinator => ("coordinator", "Infohus-tovholder"),
        Police => ("police", "Politiets Infohus-tovholder"),
        CoreGroup => ("core_group", "Kernegruppe"),
        SteeringGroup => ("steering_group", "Styregruppe"),
        Admin => ("admin", "Administrator"),
    }
}

impl Role {
    /// Roles that open cases: granting one takes effect only when a second person approves it.
    pub fn sees_cases(self) -> bool {
        matches!(self, Role::Coordinator | Role::Police | Role::CoreGroup)
    }

    /// Roles whose users belong to a municipality (police belong to a district, admins to
    /// the installation).
    pub fn is_municipal(self) -> bool {
        !matches!(self, Role::Police | Role::Admin)
    }
}

/// A municipality's roles and the police's never meet in one account, so no one person holds
/// both sides of the § 115 exchange.
pub fn roles_combine(roles: &[Role]) -> bool {
    !(roles.contains(&Role::Police) && roles.iter().any(|r| r.is_municipal()))
}

/// What keeps an account with these roles from belonging where it is put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BelongingGap {
    /// A municipal role and the police role in one account.
    RolesClash,
    /// A municipal role without a municipality.
    NeedsMunicipality,
    /// The police role without a police district.
    NeedsDistrict,
}

/// The one rule for every way an account is made or moved (the admin's form, `user add`, a
/// provider's just-in-time login): every gap, so a form can say each at its field.
pub fn belonging_gaps(roles: &[Role], municipality: bool, district: bool) -> Vec<BelongingGap> {
    let mut gaps = Vec::new();
    if !roles_combine(roles) {
        gaps.push(BelongingGap::RolesClash);
    }
    if roles.iter().any(|r| r.is_municipal()) && !municipality {
        gaps.push(BelongingGap::NeedsMunicipality);
    }
    if roles.contains(&Role::Police) && !district {
        gaps.push(BelongingGap::NeedsDistrict);
    }
    gaps
}

/// A requested role that sees cases, as the policy needs it to say who may decide on it.
#[derive(Debug, Clone, Copy)]
pub struct GrantScope {
    pub user_id: UserId,
    pub requested_by: UserId,
    pub municipality_id: Option<MunicipalityId>,
}

/// A second person decides: another admin, or a coordinator of the user's municipality; never
/// the one who asked, nor the user themselves.
pub fn may_decide_grant(actor: &Actor, grant: &GrantScope) -> bool {
    actor.user_id != grant.requested_by
        && actor.user_id != grant.user_id
        && (actor.has(Role::Admin)
            || (actor.has(Role::Coordinator)
                && grant.municipality_id.is_some()
                && actor.municipality_id == grant.municipality_id))
}

/// Whose work an actor may hand over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverScope {
    /// Admins: anyone's, in every municipality.
    Everywhere,
    /// Coordinators: their own municipality's.
    Municipality(MunicipalityId),
}

pub fn handover_scope(actor: &Actor) -> Option<HandoverScope> {
    if actor.has(Role::Admin) {
        Some(HandoverScope::Everywhere)
    } else if actor.has(Role::Coordinator) {
        actor.municipality_id.map(HandoverScope::Municipality)
    } else {
        None
    }
}

/// May the actor hand over the work of a user of `from_municipality`? Always to a colleague of
/// the same municipality who may hold plans and interventions there (a coordinator or a
/// core-group member); police users hold none.
pub fn may_hand_over(actor: &Actor, from_municipality: Option<MunicipalityId>) -> bool {
    match (handover_scope(actor), from_municipality) {
        (Some(HandoverScope::Everywhere), Some(_)) => true,
        (Some(HandoverScope::Municipality(m)), Some(from)) => m == from,
        _ => false,
    }
}

/// The cases a leaver holds are named (by reference, linked) only to a coordinator of their
/// municipality, who may open them; an admin sees the counts.
pub fn may_see_held_cases(actor: &Actor, from_municipality: Option<MunicipalityId>) -> bool {
    actor.has(Role::Coordinator)
        && from_municipality.is_some()
        && actor.municipality_id == from_municipality
}

/// What a route or an action needs. Object-level rules (which case, which concern) are
/// [`case_access`] and [`concern_access`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Any signed-in user: the home page, logging out.
    SignedIn,
    FileConcern,
    FollowOwnConcerns,
    LeaderInbox,
    UnitConcerns,
    IntakeQueue,
    ScreeningQueue,
    CaseList,
    /// Move a case through the workflow (further checked per move and case).
    WorkCases,
    UnitCounts,
    QuarterlyStatistics,
    AccessLog,
    ManageUsers,
    /// Decide on a requested role that sees cases (further checked per grant).
    ApproveRoles,
    /// Move everything a user holds to a colleague (further checked per user).
    HandOverWork,
    /// See the municipality's cases due for deletion soon.
    RetentionList,
    /// Answer a person's access request: everything held about them in the municipality.
    AccessRequest,
    /// The meetings: the list, the agenda and minutes (further checked per meeting).
    Meetings,
    /// Plan a meeting (further checked per meeting: [`meeting_access`]).
    PlanMeetings,
    /// The municipality's plan: its revision dates, and recording a revision.
    PlanRevision,
    /// The log of awareness talks and training sessions held.
    AwarenessLog,
}

impl Capability {
    fn granted_to(self, role: Role) -> bool {
        use Capability::*;
        use Role::*;
        match self {
            SignedIn => true,
            FileConcern | FollowOwnConcerns => {
                matches!(
                    role,
                    Staff | Leader | KeyEmployee | Coordinator | Police | CoreGroup
                )
            }
            LeaderInbox => role == Leader,
            UnitConcerns => role == KeyEmployee,
            IntakeQueue => role == Coordinator,
            ScreeningQueue => role == Police,
            CaseList | WorkCases => matches!(role, Coordinator | Police | CoreGroup),
            UnitCounts => matches!(role, Leader | KeyEmployee | Coordinator | SteeringGroup),
            QuarterlyStatistics => matches!(role, Coordinator | Police | SteeringGroup),
            AccessLog => matches!(role, Coordinator | Admin),
            ManageUsers => role == Admin,
            ApproveRoles => matches!(role, Admin | Coordinator),
            HandOverWork => matches!(role, Admin | Coordinator),
            RetentionList | AccessRequest => role == Coordinator,
            Meetings => matches!(role, Coordinator | Police | CoreGroup),
            // Coordinators plan their municipality's meetings; the police coordinator the
            // district's network meeting.
            PlanMeetings => matches!(role, Coordinator | Police),
            // The steering group revises the plan; the coordinators hold the pen (Randers § 1.3).
            PlanRevision => matches!(role, Coordinator | SteeringGroup),
            AwarenessLog => role == Coordinator,
        }
    }
}

/// The signed-in user as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub roles: Vec<Role>,
    pub municipality_id: Option<MunicipalityId>,
    pub police_district_id: Option<PoliceDistrictId>,
    pub unit_id: Option<UnitId>,
    /// The actor's municipality routes staff concerns through the nearest leader; where it
    /// does not (Ballerup), leaders have no inbox.
    pub leader_routing: bool,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn in_municipality(&self, municipality: MunicipalityId) -> bool {
        self.municipality_id == Some(municipality)
    }

    fn in_district(&self, district: PoliceDistrictId) -> bool {
        self.police_district_id == Some(district)
    }
}

/// May the actor use this function of the system at all?
pub fn may(actor: &Actor, capability: Capability) -> bool {
    // A leader's inbox exists only where concerns pass through the leader.
    if capability == Capability::LeaderInbox && !actor.leader_routing {
        return false;
    }
    actor.roles.iter().any(|&role| capability.granted_to(role))
}

/// Where a case belongs and how the actor relates to it.
#[derive(Debug, Clone, Copy)]
pub struct CaseScope {
    pub municipality_id: MunicipalityId,
    pub police_district_id: PoliceDistrictId,
    pub actor_on_team: bool,
}

/// How much of a case the actor may see. Ordered: a later variant sees more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CaseAccess {
    None,
    /// A core-group member on the case team.
    Team,
    /// The district's police: everything but the coordinators' internal notes; reminded of
    /// Retsplejeloven § 115 on every page.
    Police,
    /// The municipality's coordinators.
    Coordinator,
}

pub fn case_access(actor: &Actor, case: &CaseScope) -> CaseAccess {
    if actor.has(Role::Coordinator) && actor.in_municipality(case.municipality_id) {
        CaseAccess::Coordinator
    } else if actor.has(Role::Police) && actor.in_district(case.police_district_id) {
        CaseAccess::Police
    } else if actor.has(Role::CoreGroup)
        && actor.in_municipality(case.municipality_id)
        && case.actor_on_team
    {
        CaseAccess::Team
    } else {
        CaseAccess::None
    }
}

/// May the actor read the police's screening note? Police and coordinators only.
pub fn may_read_police_note(access: CaseAccess) -> bool {
    matches!(access, CaseAccess::Police | CaseAccess::Coordinator)
}

/// Does the actor see the address of a person with name and address protection (navne- og
/// adressebeskyttelse)? The municipality's coordinators only, and never on paper; everyone else
/// sees "Beskyttet adresse".
pub fn may_see_protected_address(actor: &Actor, municipality: MunicipalityId) -> bool {
    actor.has(Role::Coordinator) && actor.in_municipality(municipality)
}

/// Who looked at a case: the municipality's coordinators, and admins (who see the log, never
/// the case's content).
pub fn may_view_access_log(actor: &Actor, case_municipality: MunicipalityId) -> bool {
    actor.has(Role::Admin)
        || (actor.has(Role::Coordinator) && actor.in_municipality(case_municipality))
}

/// Where a concern belongs and how far it has come.
#[derive(Debug, Clone, Copy)]
pub struct ConcernScope {
    pub municipality_id: MunicipalityId,
    pub unit_id: Option<UnitId>,
    pub reporter_user_id: Option<UserId>,
    /// Has it reached Infohus (forwarded by the leader, or sent directly)?
    pub reached_infohus: bool,
    /// Sent straight to Infohus past the unit, e.g. because the leader is part of the concern:
    /// the unit's leader and key employee are then kept out of it.
    pub sent_directly: bool,
}

/// How much of a concern the actor may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConcernAccess {
    None,
    /// The reporter: what they wrote, its stage, and questions put to them; not others' notes.
    Reporter,
    /// The unit's key employee: the concern as filed, and their own notes.
    KeyEmployee,
    /// The unit's leader: the concern and its addenda; may forward or return it.
    Leader,
    /// The municipality's coordinators, once it has reached Infohus.
    Coordinator,
}

/// Did the actor file the concern? A reporter who is also the unit's leader sees it as leader,
/// and still answers the questions put to them as its reporter.
pub fn is_reporter(actor: &Actor, concern: &ConcernScope) -> bool {
    concern.reporter_user_id == Some(actor.user_id)
}

pub fn concern_access(actor: &Actor, concern: &ConcernScope) -> ConcernAccess {
    let same_unit =
        !concern.sent_directly && concern.unit_id.is_some() && actor.unit_id == concern.unit_id;
    let same_municipality = actor.in_municipality(concern.municipality_id);
    if actor.has(Role::Coordinator) && same_municipality && concern.reached_infohus {
        ConcernAccess::Coordinator
    } else if actor.has(Role::Leader) && same_municipality && same_unit {
        ConcernAccess::Leader
    } else if actor.has(Role::KeyEmployee) && same_municipality && same_unit {
        ConcernAccess::KeyEmployee
    } else if is_reporter(actor, concern) {
        ConcernAccess::Reporter
    } else {
        ConcernAccess::None
    }
}

/// Where a meeting belongs, and where the actor does.
#[derive(Debug, Clone, Copy)]
pub struct MeetingScope {
    /// A municipality's meeting; `None` for the district's network meeting.
    pub municipality_id: Option<MunicipalityId>,
    /// The district of the municipality, or of the network.
    pub police_district_id: PoliceDistrictId,
    /// Is the actor's own municipality one of the district's?
    pub actor_municipality_in_district: bool,
}

/// How much of a meeting the actor may see and do. Ordered: a later variant may do more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MeetingAccess {
    None,
    /// Sees the meeting, its general items, and of each case item what [`case_access`]
    /// allows; marks their own actions done.
    Participant,
    /// Plans the meeting, builds the agenda, records who was there and writes the minutes: the
    /// municipality's coordinators, and for the network the district's police.
    Organiser,
}

pub fn meeting_access(actor: &Actor, meeting: &MeetingScope) -> MeetingAccess {
    let police_here = actor.has(Role::Police) && actor.in_district(meeting.police_district_id);
    match meeting.municipality_id {
        Some(m) if actor.has(Role::Coordinator) && actor.in_municipality(m) => {
            MeetingAccess::Organiser
        }
        Some(m) if police_here || (actor.has(Role::CoreGroup) && actor.in_municipality(m)) => {
            MeetingAccess::Participant
        }
        Some(_) => MeetingAccess::None,
        // The network: the district's police coordinator holds it, with the coordinators of
        // the district's municipalities.
        None if police_here => MeetingAccess::Organiser,
        None if actor.has(Role::Coordinator) && meeting.actor_municipality_in_district => {
            MeetingAccess::Participant
        }
        None => MeetingAccess::None,
    }
}

/// Where an actor plans meetings: a coordinator their municipality's, the police their
/// district's network meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingHome {
    Municipality(MunicipalityId),
    Network(PoliceDistrictId),
}

pub fn meeting_home(actor: &Actor) -> Option<MeetingHome> {
    if actor.has(Role::Coordinator) {
        return actor.municipality_id.map(MeetingHome::Municipality);
    }
    if actor.has(Role::Police) {
        return actor.police_district_id.map(MeetingHome::Network);
    }
    None
}

/// May the actor mark a meeting's action done? Its owner, or whoever organises the meeting.
pub fn may_finish_action(actor: &Actor, owner: UserId, access: MeetingAccess) -> bool {
    actor.user_id == owner || access == MeetingAccess::Organiser
}

/// Whose figures the quarterly statistics show an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatisticsArea {
    /// Coordinators and the steering group: their own municipality.
    Municipality(MunicipalityId),
    /// Police: every municipality of their district, one by one and in total.
    District(PoliceDistrictId),
}

pub fn statistics_area(actor: &Actor) -> Option<StatisticsArea> {
    if let Some(d) = actor.police_district_id.filter(|_| actor.has(Role::Police)) {
        return Some(StatisticsArea::District(d));
    }
    if actor.has(Role::Coordinator) || actor.has(Role::SteeringGroup) {
        return actor.municipality_id.map(StatisticsArea::Municipality);
    }
    None
}

/// Which units' counts an actor may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitCountsArea {
    /// Coordinators and the steering group: any unit of their municipality.
    Municipality(MunicipalityId),
    /// Leaders and key employees: their own unit.
    OwnUnit(MunicipalityId, UnitId),
}

pub fn unit_counts_area(actor: &Actor) -> Option<UnitCountsArea> {
    let municipality = actor.municipality_id?;
    if actor.has(Role::Coordinator) || actor.has(Role::SteeringGroup) {
        return Some(UnitCountsArea::Municipality(municipality));
    }
    if actor.has(Role::Leader) || actor.has(Role::KeyEmployee) {
        return actor
            .unit_id
            .map(|unit| UnitCountsArea::OwnUnit(municipality, unit));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role], m: Option<MunicipalityId>, d: Option<PoliceDistrictId>) -> Actor {
        Actor {
            user_id: UserId::new(),
            roles: roles.to_vec(),
            municipality_id: m,
            police_district_id: d,
            unit_id: None,
            leader_routing: true,
        }
    }

    #[test]
    fn a_leader_has_an_inbox_only_where_concerns_pass_through_the_leader() {
        let mut leader = actor(&[Role::Leader], Some(MunicipalityId::new()), None);
        assert!(may(&leader, Capability::LeaderInbox));
        leader.leader_routing = false;
        assert!(!may(&leader, Capability::LeaderInbox));
        assert!(may(&leader, Capability::FileConcern));
    }

    #[test]
    fn admins_and_the_steering_group_never_file_or_see_cases() {
        for role in [Role::Admin, Role::SteeringGroup] {
            let a = actor(&[role], Some(MunicipalityId::new()), None);
            assert!(!may(&a, Capability::FileConcern));
            assert!(!may(&a, Capability::CaseList));
            assert!(!may(&a, Capability::IntakeQueue));
        }
    }

    #[test]
    fn a_second_person_decides_on_a_role_that_sees_cases() {
        let m = MunicipalityId::new();
        let admin = actor(&[Role::Admin], None, None);
        let other_admin = actor(&[Role::Admin], None, None);
        let coordinator = actor(&[Role::Coordinator], Some(m), None);
        let elsewhere = actor(&[Role::Coordinator], Some(MunicipalityId::new()), None);
        let grant = GrantScope {
            user_id: UserId::new(),
            requested_by: admin.user_id,
            municipality_id: Some(m),
        };
        assert!(!may_decide_grant(&admin, &grant), "not the one who asked");
        assert!(may_decide_grant(&other_admin, &grant));
        assert!(may_decide_grant(&coordinator, &grant));
        assert!(!may_decide_grant(&elsewhere, &grant));
        let own = GrantScope {
            user_id: coordinator.user_id,
            ..grant
        };
        assert!(!may_decide_grant(&coordinator, &own), "not for oneself");
        assert!(!roles_combine(&[Role::Police, Role::Coordinator]));
        assert!(roles_combine(&[Role::Police]));
        assert!(roles_combine(&[Role::Coordinator, Role::CoreGroup]));
        assert_eq!(
            belonging_gaps(&[Role::Police, Role::Coordinator], false, true),
            vec![BelongingGap::RolesClash, BelongingGap::NeedsMunicipality]
        );
        assert_eq!(
            belonging_gaps(&[Role::Police], true, false),
            vec![BelongingGap::NeedsDistrict]
        );
        assert!(belonging_gaps(&[Role::Admin], false, false).is_empty());
    }

    #[test]
    fn only_admins_manage_users() {
        for role in Role::ALL {
            let a = actor(&[role], None, None);
            assert_eq!(may(&a, Capability::ManageUsers), role == Role::Admin);
        }
    }

    #[test]
    fn case_access_follows_tenant_and_team() {
        let m = MunicipalityId::new();
        let d = PoliceDistrictId::new();
        let scope = |team| CaseScope {
            municipality_id: m,
            police_district_id: d,
            actor_on_team: team,
        };
        let coordinator = actor(&[Role::Coordinator], Some(m), None);
        let other_coordinator = actor(&[Role::Coordinator], Some(MunicipalityId::new()), None);
        let police = actor(&[Role::Police], None, Some(d));
        let other_police = actor(&[Role::Police], None, Some(PoliceDistrictId::new()));
        let core = actor(&[Role::CoreGroup], Some(m), None);
        let admin = actor(&[Role::Admin], Some(m), None);
        assert_eq!(
            case_access(&coordinator, &scope(false)),
            CaseAccess::Coordinator
        );
        assert_eq!(
            case_access(&other_coordinator, &scope(true)),
            CaseAccess::None
        );
        assert_eq!(case_access(&police, &scope(false)), CaseAccess::Police);
        assert_eq!(case_access(&other_police, &scope(false)), CaseAccess::None);
        assert_eq!(case_access(&core, &scope(false)), CaseAccess::None);
        assert_eq!(case_access(&core, &scope(true)), CaseAccess::Team);
        assert_eq!(case_access(&admin, &scope(true)), CaseAccess::None);
        assert!(!may_read_police_note(CaseAccess::Team));
    }

    #[test]
    fn a_concern_reaches_the_coordinator_only_after_the_leader() {
        let m = MunicipalityId::new();
        let unit = UnitId::new();
        let reporter = UserId::new();
        let scope = |reached| ConcernScope {
            municipality_id: m,
            unit_id: Some(unit),
            reporter_user_id: Some(reporter),
            reached_infohus: reached,
            sent_directly: false,
        };
        let coordinator = actor(&[Role::Coordinator], Some(m), None);
        assert_eq!(
            concern_access(&coordinator, &scope(false)),
            ConcernAccess::None
        );
        assert_eq!(
            concern_access(&coordinator, &scope(true)),
            ConcernAccess::Coordinator
        );
        let mut leader = actor(&[Role::Leader], Some(m), None);
        assert_eq!(concern_access(&leader, &scope(false)), ConcernAccess::None);
        leader.unit_id = Some(unit);
        assert_eq!(
            concern_access(&leader, &scope(false)),
            ConcernAccess::Leader
        );
        let mut staff = actor(&[Role::Staff], Some(m), None);
        staff.unit_id = Some(unit);
        assert_eq!(concern_access(&staff, &scope(false)), ConcernAccess::None);
        staff.user_id = reporter;
        assert_eq!(
            concern_access(&staff, &scope(true)),
            ConcernAccess::Reporter
        );
    }

    #[test]
    fn a_concern_sent_directly_to_infohus_is_kept_from_the_units_leader_and_key_employee() {
        let m = MunicipalityId::new();
        let unit = UnitId::new();
        let direct = ConcernScope {
            municipality_id: m,
            unit_id: Some(unit),
            reporter_user_id: Some(UserId::new()),
            reached_infohus: true,
            sent_directly: true,
        };
        for role in [Role::Leader, Role::KeyEmployee] {
            let mut a = actor(&[role], Some(m), None);
            a.unit_id = Some(unit);
            assert_eq!(concern_access(&a, &direct), ConcernAccess::None, "{role:?}");
        }
        let coordinator = actor(&[Role::Coordinator], Some(m), None);
        assert_eq!(
            concern_access(&coordinator, &direct),
            ConcernAccess::Coordinator
        );
    }

    #[test]
    fn a_meeting_is_organised_by_its_municipalitys_coordinators_and_the_network_by_the_police() {
        let m = MunicipalityId::new();
        let d = PoliceDistrictId::new();
        let local = |in_district| MeetingScope {
            municipality_id: Some(m),
            police_district_id: d,
            actor_municipality_in_district: in_district,
        };
        let network = MeetingScope {
            municipality_id: None,
            ..local(true)
        };
        let coordinator = actor(&[Role::Coordinator], Some(m), None);
        let police = actor(&[Role::Police], None, Some(d));
        let core = actor(&[Role::CoreGroup], Some(m), None);
        let neighbour = actor(&[Role::Coordinator], Some(MunicipalityId::new()), None);
        let steering = actor(&[Role::SteeringGroup], Some(m), None);
        assert_eq!(
            meeting_access(&coordinator, &local(true)),
            MeetingAccess::Organiser
        );
        assert_eq!(
            meeting_access(&police, &local(false)),
            MeetingAccess::Participant
        );
        assert_eq!(
            meeting_access(&core, &local(true)),
            MeetingAccess::Participant
        );
        assert_eq!(
            meeting_access(&neighbour, &local(true)),
            MeetingAccess::None
        );
        assert_eq!(meeting_access(&steering, &local(true)), MeetingAccess::None);
        assert_eq!(meeting_access(&police, &network), MeetingAccess::Organiser);
        assert_eq!(
            meeting_access(&neighbour, &network),
            MeetingAccess::Participant
        );
        let far = MeetingScope {
            actor_municipality_in_district: false,
            ..network
        };
        assert_eq!(meeting_access(&neighbour, &far), MeetingAccess::None);
        assert_eq!(meeting_access(&core, &network), MeetingAccess::None);
        assert_eq!(
            meeting_home(&coordinator),
            Some(MeetingHome::Municipality(m))
        );
        assert_eq!(meeting_home(&police), Some(MeetingHome::Network(d)));
        assert_eq!(meeting_home(&core), None);
        assert!(may_finish_action(
            &core,
            core.user_id,
            MeetingAccess::Participant
        ));
        assert!(!may_finish_action(
            &core,
            UserId::new(),
            MeetingAccess::Participant
        ));
        assert!(may_finish_action(
            &coordinator,
            UserId::new(),
            MeetingAccess::Organiser
        ));
    }

    #[test]
    fn work_is_handed_over_by_an_admin_or_a_coordinator_of_the_same_municipality() {
        let m = MunicipalityId::new();
        assert!(may_hand_over(&actor(&[Role::Admin], None, None), Some(m)));
        assert!(may_hand_over(
            &actor(&[Role::Coordinator], Some(m), None),
            Some(m)
        ));
        let elsewhere = actor(&[Role::Coordinator], Some(MunicipalityId::new()), None);
        assert!(!may_hand_over(&elsewhere, Some(m)));
        assert!(!may_hand_over(
            &actor(&[Role::CoreGroup], Some(m), None),
            Some(m)
        ));
        // Police users hold no plans or interventions of a municipality.
        assert!(!may_hand_over(&actor(&[Role::Admin], None, None), None));
        // Only a coordinator of the municipality sees which cases.
        assert!(may_see_held_cases(
            &actor(&[Role::Coordinator], Some(m), None),
            Some(m)
        ));
        assert!(!may_see_held_cases(
            &actor(&[Role::Admin], None, None),
            Some(m)
        ));
        assert!(!may_see_held_cases(&elsewhere, Some(m)));
    }
}
