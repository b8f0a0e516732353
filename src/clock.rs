//! The time source. Tests replace it so that timeouts and deadlines are tested without sleeping.

use std::sync::{Arc, Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<OffsetDateTime>>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock that stands still until [`Clock::advance`] moves it.
    pub fn fixed(at: OffsetDateTime) -> Clock {
        Clock {
            fixed: Some(Arc::new(Mutex::new(at))),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        match &self.fixed {
            // Microseconds, as PostgreSQL stores them, so a value read back compares equal.
            None => truncate_to_micros(OffsetDateTime::now_utc()),
            Some(t) => *t.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Moves a fixed clock forward; a system clock cannot be moved.
    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.fixed {
            let mut t = t.lock().unwrap_or_else(PoisonError::into_inner);
            *t += by;
        }
    }
}

fn truncate_to_micros(t: OffsetDateTime) -> OffsetDateTime {
    let micros = t.microsecond();
    t.replace_microsecond(micros).unwrap_or(t)
}
