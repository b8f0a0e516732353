//! The document of a person's access request, as the page and the JSON file give it: labels in
//! Danish, dates as a Danish reader writes them, employees by role, not by name.

use serde::Serialize;

#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub generated_at: String,
    pub municipality: String,
    pub person: Person,
    pub case: Option<Case>,
    pub concerns: Vec<Concern>,
    pub screenings: Vec<Screening>,
    pub triages: Vec<Triage>,
    pub assessments: Vec<Assessment>,
    pub plan: Option<Plan>,
    pub interventions: Vec<Intervention>,
    pub reviews: Vec<Review>,
    pub closings: Vec<Closing>,
    pub disclosures: Vec<DisclosureEntry>,
    /// What Infohus meetings recorded about the case.
    pub meetings: Vec<MeetingEntry>,
    pub history: Vec<Event>,
    pub access_log: Vec<Look>,
    /// What the report leaves out, and why.
    pub withheld: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Person {
    pub name: String,
    pub cpr: String,
    pub birth_date: Option<String>,
    pub address: Option<String>,
    pub address_protected: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct Case {
    pub reference: String,
    pub stage: &'static str,
    pub opened: String,
    pub level: Option<&'static str>,
    pub close_reason: Option<&'static str>,
    pub journal_number: Option<String>,
    pub deletion_due: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Concern {
    pub filed: String,
    /// Where it came from (a unit, a citizen, the police), never the reporter's name.
    pub source: String,
    pub kind: &'static str,
    pub connection: Option<String>,
    pub observation: String,
    pub observed_when: Option<String>,
    pub observed_where: Option<String>,
    pub warning_signs: Vec<&'static str>,
    pub addenda: Vec<Addendum>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Addendum {
    pub written: String,
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Screening {
    pub decided: String,
    pub outcome: &'static str,
    pub police_note: Option<String>,
    /// Why the police's note is not given, when it is not.
    pub police_note_withheld: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Triage {
    pub decided: String,
    pub outcome: &'static str,
    pub referred_to: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Assessment {
    pub meeting_date: String,
    pub conclusion: &'static str,
    pub level: Option<&'static str>,
    pub analyses: Vec<(&'static str, String)>,
    pub ratings: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Plan {
    pub goals: String,
    pub notification: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Intervention {
    pub kind: String,
    pub authority: String,
    pub legal_basis: &'static str,
    pub start_date: String,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct Review {
    pub reviewed: String,
    pub progress: String,
    pub items: Vec<(String, &'static str, Option<String>)>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Closing {
    pub closed: String,
    pub reason: &'static str,
    pub evaluation: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct MeetingEntry {
    pub meeting: String,
    pub summary: Option<String>,
    pub decision: Option<String>,
    pub actions: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DisclosureEntry {
    pub disclosed_on: String,
    pub recipient: String,
    pub content: String,
    pub legal_basis: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Event {
    pub at: String,
    pub what: String,
    pub text: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Look {
    pub at: String,
    pub what: &'static str,
    /// The role or roles of who did it.
    pub role: String,
    /// Their municipality or police district.
    pub organisation: String,
    pub purpose: String,
}
