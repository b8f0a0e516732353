//! Infohus meetings: the kinds, the statuses a meeting passes through, and the coded decision
//! on an item. Who may see and change a meeting is [`crate::domain::policy::meeting_access`].

use crate::domain::code::code_enum;

code_enum! {
    pub enum MeetingKind {
        Ordinary => ("ordinary", "Ordinært møde"),
        AdHoc => ("ad_hoc", "Ad hoc-møde"),
        Visitation => ("visitation", "Visitationsmøde"),
        /// The police district's network (Infohus Østjylland, Infohus Netværk): knowledge
        /// sharing across the district's municipalities, general items only.
        Network => ("network", "Netværksmøde"),
    }
}

impl MeetingKind {
    /// The kinds a municipality holds.
    pub const MUNICIPAL: [MeetingKind; 3] = [
        MeetingKind::Ordinary,
        MeetingKind::AdHoc,
        MeetingKind::Visitation,
    ];

    pub fn is_network(self) -> bool {
        self == MeetingKind::Network
    }
}

code_enum! {
    pub enum MeetingStatus {
        Planned => ("planned", "Planlagt"),
        Held => ("held", "Afholdt"),
        Approved => ("approved", "Referat godkendt"),
    }
}

impl MeetingStatus {
    /// The one status a meeting may move to from this one.
    pub fn next(self) -> Option<MeetingStatus> {
        match self {
            MeetingStatus::Planned => Some(MeetingStatus::Held),
            MeetingStatus::Held => Some(MeetingStatus::Approved),
            MeetingStatus::Approved => None,
        }
    }

    /// The button that takes the meeting on.
    pub fn next_label(self) -> Option<&'static str> {
        match self {
            MeetingStatus::Planned => Some("Markér mødet som afholdt"),
            MeetingStatus::Held => Some("Godkend referatet"),
            MeetingStatus::Approved => None,
        }
    }

    /// The agenda can change until the meeting is held.
    pub fn agenda_open(self) -> bool {
        self == MeetingStatus::Planned
    }

    /// Minutes and actions are written until the minutes are approved; an action can still be
    /// marked done after that.
    pub fn minutes_open(self) -> bool {
        self != MeetingStatus::Approved
    }
}

code_enum! {
    /// What the meeting decided on an item. It never moves the case by itself: the step that
    /// follows is taken on the case, by the person whose step it is.
    pub enum Decision {
        Act => ("act", "Der handles"),
        NotAct => ("not_act", "Der handles ikke"),
        MoreInformation => ("more_information", "Der skal flere oplysninger til"),
        Refer => ("refer", "Henvises til anden myndighed"),
    }
}

/// Texts the meeting forms accept, in characters (the columns' CHECKs say the same).
pub const PLACE_MAX: usize = 200;
pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 4000;
pub const ACTION_MAX: usize = 500;
pub const GUEST_FIELD_MAX: usize = 200;
pub const OTHER_PARTICIPANTS_MAX: usize = 2000;
