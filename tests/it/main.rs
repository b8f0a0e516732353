//! Integration tests: the real router against real PostgreSQL, one database per test.

mod support;

mod access_log;
mod access_request;
mod accounts;
mod addenda;
mod admin_users;
mod alerts;
mod audit_trail;
mod auth;
mod backup;
mod codes;
mod foundation;
mod handover;
mod hostile;
mod instances;
mod intake;
mod meetings;
mod migrations;
mod my_account;
mod plain_language;
mod protection;
mod public;
mod query_budget;
mod retention;
mod second_factor;
mod sso;
mod stats;
mod workflow;
