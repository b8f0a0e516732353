//! The case workflow over HTTP: every stage from received to closed by the demo user of the
//! right role, each closing path, need to know per district and team, the version check, and
//! the deadlines (working days for screening, overdue reviews in the owner's tasks).

mod access;
mod conflicts;
mod deadlines;
mod disclosures;
mod flow;
mod notification;
mod screening_queue;
mod triage;
