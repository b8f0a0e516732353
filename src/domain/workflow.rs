//! The stages of a case and the moves between them.

use serde::{Deserialize, Serialize};

/// Where a case stands. A concern waiting for the leader (`awaiting_leader`) is not yet a case;
/// see `ConcernStatus` for that part of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Received,
    Screening,
    Triage,
    Assessment,
    ActionPlan,
    FollowUp,
    Closed,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Received,
        Stage::Screening,
        Stage::Triage,
        Stage::Assessment,
        Stage::ActionPlan,
        Stage::FollowUp,
        Stage::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Received => "received",
            Stage::Screening => "screening",
            Stage::Triage => "triage",
            Stage::Assessment => "assessment",
            Stage::ActionPlan => "action_plan",
            Stage::FollowUp => "follow_up",
            Stage::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Received => "Modtaget",
            Stage::Screening => "Politiets screening",
            Stage::Triage => "Fælles vurdering",
            Stage::Assessment => "Analyse og vurdering",
            Stage::ActionPlan => "Handleplan",
            Stage::FollowUp => "Opfølgning",
            Stage::Closed => "Afsluttet",
        }
    }
}

/// Where a concern stands before it joins a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernStatus {
    /// Randers: with the nearest leader of the reporter's unit.
    AwaitingLeader,
    /// Sent back to the reporter with a question.
    Returned,
    /// In the coordinator's intake queue.
    Received,
    /// Part of a case; the case's stage says the rest.
    Linked,
}

impl ConcernStatus {
    pub const ALL: [ConcernStatus; 4] = [
        ConcernStatus::AwaitingLeader,
        ConcernStatus::Returned,
        ConcernStatus::Received,
        ConcernStatus::Linked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConcernStatus::AwaitingLeader => "awaiting_leader",
            ConcernStatus::Returned => "returned",
            ConcernStatus::Received => "received",
            ConcernStatus::Linked => "linked",
        }
    }

    pub fn parse(s: &str) -> Option<ConcernStatus> {
        ConcernStatus::ALL.into_iter().find(|st| st.as_str() == s)
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
