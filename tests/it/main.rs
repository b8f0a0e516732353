//! Integration tests: the real router against real PostgreSQL, one database per test.

mod support;

mod access_log;
mod auth;
mod foundation;
mod intake;
mod public;
mod stats;
mod workflow;
