//! The public pages of a municipality, no login: what to do if worried, the printable action
//! card, a citizen's report (anonymous allowed) with its receipt code, and the status lookup.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::domain::catalogue::{self, SignGroup};
use crate::error::{AppError, AppResult};
use crate::store::tenants::Municipality;
use crate::web::layout::{self, PageContext};
use crate::web::routes::Routes;

mod report;

use report::*;

pub fn routes() -> Routes {
    Routes::new()
        .public("/k/{kommune}", get(show_public_page))
        .public("/k/{kommune}/actioncard", get(show_action_card))
        .public(
            "/k/{kommune}/bekymring",
            get(show_citizen_report).post(submit_citizen_report),
        )
        .public("/k/{kommune}/kvittering", get(show_receipt))
        .public(
            "/k/{kommune}/status",
            get(show_status_lookup).post(submit_status_lookup),
        )
}

/// What every public page shows of the municipality, from its profile.
pub(super) struct Info {
    pub(super) slug: String,
    pub(super) name: String,
    pub(super) infohus_name: String,
    pub(super) emergency: String,
    pub(super) hotline: String,
    pub(super) hotline_hours: String,
    pub(super) contacts: Vec<ContactView>,
    pub(super) shared_email: Option<String>,
    pub(super) routes_via_leader: bool,
    pub(super) police_district: String,
    /// Where the public page is, printed on the action card.
    pub(super) page_url: String,
    /// The municipality's published plan against radicalisation and extremism.
    pub(super) plan_url: Option<String>,
}

impl Info {
    pub(super) fn of(m: &Municipality) -> Info {
        let p = &m.profile;
        Info {
            slug: m.slug.clone(),
            name: p.name.clone(),
            infohus_name: p.infohus_name.clone(),
            emergency: p.emergency.clone(),
            hotline: p.hotline.clone(),
            hotline_hours: p.hotline_hours.clone(),
            plan_url: p.plan.url.clone(),
            contacts: p
                .contacts
                .iter()
                .map(|c| ContactView {
                    name: c.name.clone(),
                    role: c.role.clone(),
                    tel: c.phone.as_deref().map(|p| {
                        p.chars()
                            .filter(|c| c.is_ascii_digit() || *c == '+')
                            .collect()
                    }),
                    phone: c.phone.clone(),
                    email: c.email.clone(),
                })
                .collect(),
            shared_email: p.shared_email.clone(),
            routes_via_leader: p.routes_via_leader,
            police_district: p.police_district.name.clone(),
            page_url: format!("/k/{}", m.slug),
        }
    }
}

/// A contact of the action card, with the number also in the form a `tel:` link needs.
pub(super) struct ContactView {
    pub(super) name: String,
    pub(super) role: String,
    pub(super) phone: Option<String>,
    pub(super) tel: Option<String>,
    pub(super) email: Option<String>,
}

/// The warning signs and definitions of both plans, in plain Danish for a worried citizen or a
/// new employee.
pub(super) struct Guidance {
    pub(super) definition_extremism: &'static str,
    pub(super) definition_radicalisation: &'static str,
    pub(super) caveat: &'static str,
    pub(super) signs_individual: Vec<&'static str>,
    pub(super) signs_social: Vec<&'static str>,
}

impl Guidance {
    pub(super) fn new() -> Guidance {
        let plain = |g: SignGroup| {
            catalogue::warning_signs_in(g)
                .map(|s| s.plain)
                .collect::<Vec<_>>()
        };
        Guidance {
            definition_extremism: catalogue::PLAIN_DEFINITION_EXTREMISM,
            definition_radicalisation: catalogue::PLAIN_DEFINITION_RADICALISATION,
            caveat: catalogue::PLAIN_WARNING_SIGNS_CAVEAT,
            signs_individual: plain(SignGroup::Individual),
            signs_social: plain(SignGroup::Social),
        }
    }
}

pub(super) fn municipality<'a>(state: &'a AppState, slug: &str) -> AppResult<&'a Municipality> {
    state.tenants.by_slug(slug).ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "public/index.html")]
pub(super) struct PublicPage {
    pub(super) page: PageContext,
    pub(super) m: Info,
    pub(super) g: Guidance,
}

pub(super) async fn show_public_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let page = PublicPage {
        page: PageContext::anonymous(
            format!("Bekymret for radikalisering – {}", m.name()),
            String::new(),
        ),
        m: Info::of(m),
        g: Guidance::new(),
    };
    layout::ok(&page)
}

#[derive(Template)]
#[template(path = "public/actioncard.html")]
pub(super) struct ActionCardPage {
    pub(super) page: PageContext,
    pub(super) m: Info,
    pub(super) g: Guidance,
}

pub(super) async fn show_action_card(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let m = municipality(&state, &slug)?;
    let mut info = Info::of(m);
    info.page_url = format!(
        "{}{}",
        state.settings.server.public_url.trim_end_matches('/'),
        info.page_url
    );
    let page = ActionCardPage {
        page: PageContext::anonymous(format!("Actioncard – {}", m.name()), String::new()),
        m: info,
        g: Guidance::new(),
    };
    layout::ok(&page)
}
