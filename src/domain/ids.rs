//! Typed ids, so that a case id can never be passed where a user id belongs.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type)]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new() -> Self {
                $name(Uuid::new_v4())
            }

            /// Parses an id from a path segment; anything malformed is simply "not found".
            pub fn parse(s: &str) -> Option<Self> {
                Uuid::parse_str(s).ok().map($name)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    UserId,
    MunicipalityId,
    PoliceDistrictId,
    UnitId,
    AuthSessionId,
    ConcernId,
    CaseId,
    AddendumId,
    ScreeningId,
    TriageId,
    AssessmentId,
    InterventionId,
    ReviewId,
    ClosingId,
    PostClosureReviewId,
    MeetingId,
    MeetingItemId,
    MeetingGuestId,
    MeetingActionId,
);
