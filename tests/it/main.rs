//! Integration tests: the real router against real PostgreSQL, one database per test.

mod support;

mod auth;
mod foundation;
