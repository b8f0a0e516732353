//! The quarterly report, the unit counts and the CSV: exact figures on a fixture counted by
//! hand, small numbers hidden without a total giving them away, tenants kept apart, no person
//! on any page these roles can reach, and an audit row for every view and download.

mod access;
mod csv;
mod figures;
mod fixture;
mod pages;
mod summaries;
