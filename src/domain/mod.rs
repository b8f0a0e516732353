//! Pure domain rules: no I/O.

pub mod calendar;
pub mod catalogue;
pub mod cpr;
pub mod ids;
pub mod policy;
pub mod workflow;
