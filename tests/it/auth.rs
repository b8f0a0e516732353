//! Login, sessions, CSRF.
