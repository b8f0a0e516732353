//! The rules of intake: where a new concern goes first, who raised it, which additions each
//! reader sees, how a citizen's receipt code is made and checked, and the plain words a reporter
//! is told about their concern. No I/O.

use crate::domain::code::code_enum;
pub mod concern;
pub mod subject;

use rand::Rng;
use sha2::{Digest, Sha256};
use time::Date;

use super::policy::{CaseAccess, ConcernAccess, Role};
use super::workflow::{ConcernStatus, PublicStatus, Stage};

code_enum! {
    /// Who raised a concern. Stored as its id; the figures count concerns by it.
    pub enum ConcernSource {
        Staff => ("staff", "Medarbejder"),
        Leader => ("leader", "Leder"),
        KeyEmployee => ("key_employee", "Nøglemedarbejder"),
        Coordinator => ("coordinator", "Infohus-tovholder"),
        Police => ("police", "Politiet"),
        CoreGroup => ("core_group", "Kernegruppen"),
        Citizen => ("citizen", "Borger"),
        OtherAuthority => ("other_authority", "Anden myndighed"),
    }
}

impl ConcernSource {
    /// The source of a signed-in user's concern. A user with several roles files in the most
    /// responsible one: a leader who is also staff files as the leader, so it is not routed
    /// to themselves.
    pub fn for_roles(roles: &[Role]) -> Option<ConcernSource> {
        const ORDER: [(Role, ConcernSource); 6] = [
            (Role::Coordinator, ConcernSource::Coordinator),
            (Role::Police, ConcernSource::Police),
            (Role::CoreGroup, ConcernSource::CoreGroup),
            (Role::Leader, ConcernSource::Leader),
            (Role::KeyEmployee, ConcernSource::KeyEmployee),
            (Role::Staff, ConcernSource::Staff),
        ];
        ORDER
            .into_iter()
            .find(|(role, _)| roles.contains(role))
            .map(|(_, source)| source)
    }

    /// Employees of a unit pass their concern through the nearest leader where the action
    /// card says so; leaders, coordinators, police and citizens do not.
    const fn passes_leader(self) -> bool {
        matches!(self, ConcernSource::Staff | ConcernSource::KeyEmployee)
    }
}

/// May this reporter choose "send directly to Infohus"? Only where the concern would
/// otherwise wait for the leader, because only there is there a leader to bypass.
pub fn offers_direct_choice(
    routes_via_leader: bool,
    source: ConcernSource,
    has_unit: bool,
) -> bool {
    routes_via_leader && source.passes_leader() && has_unit
}

/// Where a newly filed concern lands: with the leader of the reporter's unit (Randers'
/// action card) or straight in the coordinator's intake queue.
pub fn initial_status(
    routes_via_leader: bool,
    source: ConcernSource,
    has_unit: bool,
    direct_to_infohus: bool,
) -> ConcernStatus {
    if offers_direct_choice(routes_via_leader, source, has_unit) && !direct_to_infohus {
        ConcernStatus::AwaitingLeader
    } else {
        ConcernStatus::Received
    }
}

/// Has the concern reached Infohus (the coordinator's queue or a case)?
pub fn reached_infohus(status: ConcernStatus) -> bool {
    matches!(status, ConcernStatus::Received | ConcernStatus::Linked)
}

/// A move of a concern between the reporter and their leader before it reaches Infohus. Each
/// is a version-checked status change with the text that goes with it as an addendum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConcernMove {
    /// The leader sends it on to Infohus, with an optional remark.
    Forward,
    /// The leader sends it back to the reporter with a question.
    Return,
    /// The reporter answers the question, and it goes back to the leader.
    Resubmit,
}

impl ConcernMove {
    pub const fn from(self) -> ConcernStatus {
        match self {
            ConcernMove::Forward | ConcernMove::Return => ConcernStatus::AwaitingLeader,
            ConcernMove::Resubmit => ConcernStatus::Returned,
        }
    }

    pub const fn to(self) -> ConcernStatus {
        match self {
            ConcernMove::Forward => ConcernStatus::Received,
            ConcernMove::Return => ConcernStatus::Returned,
            ConcernMove::Resubmit => ConcernStatus::AwaitingLeader,
        }
    }

    /// The kind of addendum the move's text is kept as.
    pub const fn addendum(self) -> AddendumKind {
        match self {
            ConcernMove::Forward => AddendumKind::LeaderRemark,
            ConcernMove::Return => AddendumKind::QuestionToReporter,
            ConcernMove::Resubmit => AddendumKind::ReporterReply,
        }
    }

    /// Only the leader's remark on forwarding may be left out.
    pub const fn text_required(self) -> bool {
        !matches!(self, ConcernMove::Forward)
    }

    /// Who may take the move: the unit's leader forwards and returns, the reporter who filed
    /// the concern answers. Anyone else is told the concern does not exist.
    pub fn allowed(self, access: ConcernAccess, is_reporter: bool) -> bool {
        match self {
            ConcernMove::Forward | ConcernMove::Return => access == ConcernAccess::Leader,
            ConcernMove::Resubmit => is_reporter,
        }
    }
}

code_enum! {
    /// An addition to a filed concern; the concern itself never changes.
    pub enum AddendumKind {
        LeaderRemark => ("leader_remark", "Lederens bemærkning"),
        KeyEmployeeNote => ("key_employee_note", "Nøglemedarbejderens note"),
        Correction => ("correction", "Rettelse fra indberetter"),
        QuestionToReporter => ("question_to_reporter", "Spørgsmål til indberetter"),
        ReporterReply => ("reporter_reply", "Svar fra indberetter"),
        CoordinatorNote => ("coordinator_note", "Infohus-tovholderens note"),
    }
}

impl AddendumKind {
    /// The kind of a free note added by a reader with this access, if they may add one.
    pub const fn note_for(access: ConcernAccess) -> Option<AddendumKind> {
        match access {
            ConcernAccess::Leader => Some(AddendumKind::LeaderRemark),
            ConcernAccess::KeyEmployee => Some(AddendumKind::KeyEmployeeNote),
            ConcernAccess::Coordinator => Some(AddendumKind::CoordinatorNote),
            ConcernAccess::Reporter => Some(AddendumKind::Correction),
            ConcernAccess::None => None,
        }
    }

    /// Need to know for additions: the reporter sees what they added and the questions put
    /// to them, the key employee the concern as filed and the key employee's notes, the
    /// leader everything from the unit, the coordinator everything.
    pub const fn visible_to(self, access: ConcernAccess) -> bool {
        match access {
            ConcernAccess::None => false,
            ConcernAccess::Reporter => matches!(
                self,
                AddendumKind::Correction
                    | AddendumKind::QuestionToReporter
                    | AddendumKind::ReporterReply
            ),
            ConcernAccess::KeyEmployee => {
                matches!(
                    self,
                    AddendumKind::Correction | AddendumKind::KeyEmployeeNote
                )
            }
            ConcernAccess::Leader => !matches!(self, AddendumKind::CoordinatorNote),
            ConcernAccess::Coordinator => true,
        }
    }

    /// Need to know for additions read through the case: the police and the case team see
    /// the concern as it reached Infohus with everything added to it, except the coordinators'
    /// internal notes, which only the municipality's coordinators read.
    pub const fn visible_through_case(self, access: CaseAccess) -> bool {
        match access {
            CaseAccess::None => false,
            CaseAccess::Team | CaseAccess::Police => !matches!(self, AddendumKind::CoordinatorNote),
            CaseAccess::Coordinator => true,
        }
    }
}

/// Everything that decides which addenda a reader may see: their access to the concern, their
/// access to its case (police and the case team read a concern through its case), and whether
/// they filed it. Every query that reads addenda takes one, so that no page can show a kind the
/// reader may not see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddendumReader {
    pub concern: ConcernAccess,
    pub case: CaseAccess,
    pub is_reporter: bool,
}

impl AddendumReader {
    /// A reader of the concern itself (the concern page, the intake page).
    pub const fn of_concern(concern: ConcernAccess, is_reporter: bool) -> AddendumReader {
        AddendumReader {
            concern,
            case: CaseAccess::None,
            is_reporter,
        }
    }

    /// A reader of the case the concern belongs to (the case page and its print).
    pub const fn of_case(case: CaseAccess) -> AddendumReader {
        AddendumReader {
            concern: ConcernAccess::None,
            case,
            is_reporter: false,
        }
    }

    pub const fn may_see(self, kind: AddendumKind) -> bool {
        kind.visible_to(self.concern)
            || (self.is_reporter && kind.visible_to(ConcernAccess::Reporter))
            || kind.visible_through_case(self.case)
    }

    /// The stored ids of the kinds this reader may see, for the queries' `kind = any($n)`.
    pub fn visible_kinds(self) -> Vec<String> {
        AddendumKind::ALL
            .into_iter()
            .filter(|&k| self.may_see(k))
            .map(|k| k.as_str().to_owned())
            .collect()
    }
}

/// The one word a reporter is told about the concern's stage.
pub fn public_status(status: ConcernStatus, case_stage: Option<Stage>) -> PublicStatus {
    PublicStatus::of(status, case_stage)
}

/// What a staff reporter is told besides the stage while the concern is still in their unit.
pub fn unit_step_note(status: ConcernStatus) -> Option<&'static str> {
    match status {
        ConcernStatus::AwaitingLeader => Some("Venter på din nærmeste leder"),
        ConcernStatus::Returned => Some("Sendt tilbage til dig med et spørgsmål"),
        ConcernStatus::Received | ConcernStatus::Linked => None,
    }
}

/// The Danish word for a concern's intake status, for leaders, key employees and coordinators.
pub fn status_label(status: ConcernStatus) -> &'static str {
    match status {
        ConcernStatus::AwaitingLeader => "Venter på leder",
        ConcernStatus::Returned => "Sendt tilbage til indberetter",
        ConcernStatus::Received => "Modtaget i Infohus",
        ConcernStatus::Linked => "Tilknyttet en sag",
    }
}

/// Whole years between a birth date and a day.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let had_birthday = (u8::from(on.month()), on.day()) >= (u8::from(birth.month()), birth.day());
    on.year() - birth.year() - i32::from(!had_birthday)
}

/// Receipt codes for citizens' reports: shown once, only their hash is stored.
pub mod receipt {
    use super::*;

    /// Upper-case letters and digits without the look-alikes 0/O, 1/I/L, so a code read aloud
    /// or copied by hand survives.
    pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    /// 20 characters from 31: about 99 bits, beyond guessing even without the rate limit.
    pub const LENGTH: usize = 20;

    /// A new code, grouped in fours for reading: `ABCD-EFGH-JKMN-PQRS-TUVW`.
    pub fn generate(rng: &mut impl Rng) -> String {
        let raw: String = (0..LENGTH)
            .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
            .collect();
        group(&raw)
    }

    fn group(raw: &str) -> String {
        raw.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// The code as typed, without spaces and hyphens and in upper case; `None` when it cannot
    /// be a code at all (then there is nothing to look up).
    pub fn normalise(input: &str) -> Option<String> {
        let code: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b));
        valid.then_some(code)
    }

    /// What is stored: the SHA-256 of the normalised code, in hex. The code's own entropy makes
    /// a salt unnecessary, and a hash without salt can be looked up directly.
    pub fn hash(normalised: &str) -> String {
        let digest = Sha256::digest(normalised.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leader_forwards_and_returns_and_only_the_reporter_answers() {
        use ConcernAccess as A;
        for access in [
            A::None,
            A::Reporter,
            A::KeyEmployee,
            A::Leader,
            A::Coordinator,
        ] {
            assert_eq!(
                ConcernMove::Forward.allowed(access, false),
                access == A::Leader
            );
            assert_eq!(
                ConcernMove::Return.allowed(access, true),
                access == A::Leader
            );
            assert!(!ConcernMove::Resubmit.allowed(access, false));
        }
        assert!(ConcernMove::Resubmit.allowed(ConcernAccess::Leader, true));
    }
    use time::macros::date;

    #[test]
    fn staff_in_a_leader_routed_municipality_wait_for_the_leader() {
        use ConcernSource::*;
        assert_eq!(
            initial_status(true, Staff, true, false),
            ConcernStatus::AwaitingLeader
        );
        assert_eq!(
            initial_status(true, KeyEmployee, true, false),
            ConcernStatus::AwaitingLeader
        );
        assert_eq!(
            initial_status(true, Staff, true, true),
            ConcernStatus::Received
        );
        assert_eq!(
            initial_status(true, Staff, false, false),
            ConcernStatus::Received
        );
        assert_eq!(
            initial_status(true, Leader, true, false),
            ConcernStatus::Received
        );
        assert_eq!(
            initial_status(true, Citizen, false, false),
            ConcernStatus::Received
        );
        assert_eq!(
            initial_status(false, Staff, true, false),
            ConcernStatus::Received
        );
        assert!(!offers_direct_choice(false, Staff, true));
        assert!(!offers_direct_choice(true, Leader, true));
    }

    #[test]
    fn a_leader_who_is_also_staff_files_as_the_leader() {
        assert_eq!(
            ConcernSource::for_roles(&[Role::Staff, Role::Leader]),
            Some(ConcernSource::Leader)
        );
        assert_eq!(
            ConcernSource::for_roles(&[Role::Staff]),
            Some(ConcernSource::Staff)
        );
        assert_eq!(ConcernSource::for_roles(&[Role::SteeringGroup]), None);
        for s in ConcernSource::ALL {
            assert_eq!(ConcernSource::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn the_reporter_never_sees_the_others_notes() {
        use AddendumKind::*;
        for kind in AddendumKind::ALL {
            assert_eq!(AddendumKind::parse(kind.as_str()), Some(kind));
            assert!(kind.visible_to(ConcernAccess::Coordinator));
            assert!(!kind.visible_to(ConcernAccess::None));
        }
        assert!(!LeaderRemark.visible_to(ConcernAccess::Reporter));
        assert!(!KeyEmployeeNote.visible_to(ConcernAccess::Reporter));
        assert!(!CoordinatorNote.visible_to(ConcernAccess::Reporter));
        assert!(QuestionToReporter.visible_to(ConcernAccess::Reporter));
        assert!(!LeaderRemark.visible_to(ConcernAccess::KeyEmployee));
        assert!(!CoordinatorNote.visible_to(ConcernAccess::Leader));
    }

    #[test]
    fn receipt_codes_are_long_unambiguous_and_forgiving_to_type() {
        let mut rng = rand::thread_rng();
        let code = receipt::generate(&mut rng);
        assert_eq!(code.len(), 24);
        let normalised = receipt::normalise(&code).expect("own code");
        assert_eq!(normalised.len(), 20);
        assert!(!normalised.contains(['0', 'O', '1', 'I', 'L']));
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(receipt::normalise(&typed), Some(normalised.clone()));
        assert_eq!(receipt::normalise("ABCD"), None);
        assert_eq!(receipt::normalise("OOOO-OOOO-OOOO-OOOO-OOOO"), None);
        let hash = receipt::hash(&normalised);
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, normalised);
        assert_ne!(receipt::generate(&mut rng), code);
    }

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(age_on(date!(2008 - 11 - 21), date!(2026 - 11 - 20)), 17);
        assert_eq!(age_on(date!(2008 - 11 - 20), date!(2026 - 11 - 20)), 18);
    }
}
