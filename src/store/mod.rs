//! All SQL lives here, as free functions per aggregate. A single statement takes
//! `impl PgExecutor`, several take `&mut PgConnection`; the handler owns the transaction.

pub mod access_log;
pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod cases;
pub mod concerns;
pub mod handover;
pub mod identities;
pub mod json;
pub mod meetings;
pub mod paging;
pub mod plans;
pub mod rate_limits;
pub mod retention;
pub mod second_factor;
pub mod sessions;
pub mod stats;
pub mod tenants;
pub mod users;
