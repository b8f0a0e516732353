//! Passwords, sessions, the current user and CSRF protection.

pub mod csrf;
pub mod lockout;
pub mod oidc;
pub mod password;
pub mod second_factor;
pub mod session;

pub use session::{CurrentUser, MaybeUser, SignInStep};
