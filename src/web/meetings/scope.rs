//! Where a meeting belongs and who reaches it: the district and forum of a municipality's
//! meetings or a district's network, the viewer's relation to them (the meeting policy asked
//! with the viewer's district), who may take part, and which meetings a viewer's list holds.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::domain::ids::{MunicipalityId, PoliceDistrictId};
use crate::domain::policy::{self, MeetingAccess, MeetingScope, Role};
use crate::store::meetings::{self as store, Reach};

use super::Loaded;

/// The district a meeting of this municipality (or of this district's network) belongs to,
/// and the name of its forum.
pub(super) fn district_and_forum(
    state: &AppState,
    municipality: Option<MunicipalityId>,
    district: Option<PoliceDistrictId>,
) -> Option<(PoliceDistrictId, String)> {
    match (municipality, district) {
        (Some(m), _) => {
            let m = state.tenants.by_id(m)?;
            Some((m.police_district_id, m.infohus_name().to_owned()))
        }
        (None, Some(d)) => Some((d, network_name(state, d))),
        (None, None) => None,
    }
}

/// The name of the forum a meeting of this municipality (or this district's network) is held
/// in, for lists and forms.
pub(crate) fn forum_name(
    state: &AppState,
    municipality: Option<MunicipalityId>,
    district: Option<PoliceDistrictId>,
) -> String {
    district_and_forum(state, municipality, district)
        .map(|(_, forum)| forum)
        .unwrap_or_default()
}

/// The district's network (Infohus Østjylland, Infohus Netværk), as its municipalities'
/// profiles name it.
fn network_name(state: &AppState, district: PoliceDistrictId) -> String {
    state
        .tenants
        .in_district(district)
        .find_map(|m| m.profile.police_district.network_name.clone())
        .or_else(|| {
            state
                .tenants
                .district_name(district)
                .map(|d| format!("Infohus-netværket i {d}"))
        })
        .unwrap_or_else(|| "Infohus-netværket".to_owned())
}

/// The district of the actor's own municipality, for a coordinator at the network.
fn own_district(state: &AppState, current: &CurrentUser) -> Option<PoliceDistrictId> {
    current
        .user
        .municipality_id
        .and_then(|m| state.tenants.by_id(m))
        .map(|m| m.police_district_id)
}

/// The viewer's relation to a meeting of this municipality or this district's network.
pub(crate) fn access_at(
    state: &AppState,
    current: &CurrentUser,
    municipality: Option<MunicipalityId>,
    district: Option<PoliceDistrictId>,
) -> MeetingAccess {
    let Some((district, _)) = district_and_forum(state, municipality, district) else {
        return MeetingAccess::None;
    };
    policy::meeting_access(
        &current.user.actor(),
        &MeetingScope {
            municipality_id: municipality,
            police_district_id: district,
            actor_municipality_in_district: own_district(state, current) == Some(district),
        },
    )
}

/// May this candidate take part in the meeting (or own an action under a general item)? What
/// the meeting policy says of them.
pub(crate) fn may_attend(state: &AppState, loaded: &Loaded, c: &store::Candidate) -> bool {
    let own = c
        .municipality_id
        .and_then(|m| state.tenants.by_id(m))
        .map(|m| m.police_district_id);
    policy::meeting_access(
        &c.actor(),
        &MeetingScope {
            municipality_id: loaded.meeting.municipality_id,
            police_district_id: loaded.district,
            actor_municipality_in_district: own == Some(loaded.district),
        },
    ) != MeetingAccess::None
}

/// Which meetings the viewer's list holds: their municipality's (the police: every
/// municipality of their district's) and their district's network meetings. The core group
/// is not at the network.
pub(crate) fn reach(state: &AppState, current: &CurrentUser) -> Reach {
    let user = &current.user;
    let mut reach = Reach::default();
    if let Some(d) = user.police_district_id.filter(|_| user.has(Role::Police)) {
        reach.municipalities = state.tenants.in_district(d).map(|m| m.id).collect();
        reach.districts.push(d);
    }
    if let Some(m) = user.municipality_id {
        if user.has(Role::Coordinator) || user.has(Role::CoreGroup) {
            reach.municipalities.push(m);
        }
        if user.has(Role::Coordinator) {
            reach.districts.extend(own_district(state, current));
        }
    }
    reach
}
