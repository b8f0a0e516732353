//! Pure domain rules: no I/O.

pub mod alerts;
pub mod calendar;
pub mod catalogue;
pub mod code;
pub mod cpr;
pub mod disclosure;
pub mod fields;
pub mod ids;
pub mod intake;
pub mod lix;
pub mod lookup;
pub mod meeting;
pub mod notification;
pub mod policy;
pub mod search;
pub mod stats;
pub mod workflow;
