//! Why someone looked at a case: the purpose of every read, which the person may ask for
//! (GDPR art. 15; the CJEU's C-579/21 gives the right to know the dates and purposes of the
//! lookups). Nobody is asked on every page: the purpose is where the look came from — the page
//! the link was followed from (the same-origin `Referer`) — read as a task, a queue, a search
//! with its criterion, the case list, an alert, a handover, or work on the case itself. A look
//! with no such page (a bookmark, a link in a mail) is a direct link.

use crate::domain::code::code_enum;
use crate::domain::search::CaseSearch;

code_enum! {
    /// Where a look at a case came from (`audit_events.purpose`).
    pub enum Purpose {
        Task => ("task", "Fra Mine opgaver"),
        IntakeQueue => ("intake_queue", "Fra indgangen"),
        ScreeningQueue => ("screening_queue", "Fra politiets screeningskø"),
        Search => ("search", "Søgning"),
        CaseList => ("case_list", "Fra sagslisten"),
        Alert => ("alert", "Fra en besked"),
        Handover => ("handover", "Ved en overdragelse af ansvar"),
        CaseWork => ("case_work", "Arbejde på sagen"),
        Concern => ("concern", "Fra en bekymring"),
        DirectLink => ("direct_link", "Direkte link eller bogmærke"),
    }
}

/// A look's purpose, and for a search what was searched for (as
/// [`CaseSearch::audit_criterion`] records it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub purpose: Purpose,
    pub criterion: Option<String>,
}

impl Lookup {
    /// The purpose of a look whose link was followed from `from`: the path and query of the
    /// page before (`None` when the browser sent none).
    pub fn from_page(from: Option<&str>) -> Lookup {
        let plain = |purpose| Lookup {
            purpose,
            criterion: None,
        };
        let Some(from) = from else {
            return plain(Purpose::DirectLink);
        };
        let (path, query) = from.split_once('?').unwrap_or((from, ""));
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        match path {
            "/" | "/opgaver" => plain(Purpose::Task),
            "/sager" => {
                let q = form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == "q")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                match CaseSearch::parse(&q) {
                    Some(search) => Lookup {
                        purpose: Purpose::Search,
                        criterion: Some(search.audit_criterion()),
                    },
                    None => plain(Purpose::CaseList),
                }
            }
            _ if under("/sager") => plain(Purpose::CaseWork),
            _ if under("/infohus/indgang") => plain(Purpose::IntakeQueue),
            _ if under("/politi/screening") => plain(Purpose::ScreeningQueue),
            _ if under("/beskeder") => plain(Purpose::Alert),
            _ if under("/overdragelse") => plain(Purpose::Handover),
            _ if under("/bekymringer") => plain(Purpose::Concern),
            _ => plain(Purpose::DirectLink),
        }
    }

    /// The purpose as the access log shows it, the search criterion in words (a CPR number
    /// masked, as everywhere else on the coordinator's pages).
    pub fn label(purpose: Purpose, criterion: Option<&str>) -> String {
        let Some(criterion) = criterion.filter(|_| purpose == Purpose::Search) else {
            return purpose.label().to_owned();
        };
        let (kind, value) = criterion.split_once(':').unwrap_or(("", criterion));
        let shown = match kind {
            "reference" => format!("sagsnummer {value}"),
            "cpr" => match crate::domain::cpr::parse(value) {
                Ok(c) => format!("CPR-nummer {}", c.masked()),
                Err(_) => "CPR-nummer".to_owned(),
            },
            "birth_date" => format!("fødselsdato {value}"),
            "name" => format!("navn «{value}»"),
            _ => value.to_owned(),
        };
        format!("Søgning efter {shown}")
    }
}

/// The path and query of a `Referer` header's URL; `None` for anything that is not one.
pub fn referer_path(referer: &str) -> Option<String> {
    let uri: axum::http::Uri = referer.parse().ok()?;
    uri.path_and_query().map(|p| p.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purpose(from: Option<&str>) -> Purpose {
        Lookup::from_page(from).purpose
    }

    #[test]
    fn the_page_before_names_the_purpose() {
        assert_eq!(purpose(None), Purpose::DirectLink);
        assert_eq!(purpose(Some("/")), Purpose::Task);
        assert_eq!(purpose(Some("/opgaver?art=review")), Purpose::Task);
        assert_eq!(purpose(Some("/sager")), Purpose::CaseList);
        assert_eq!(
            purpose(Some("/sager?niveau=preemptive&q=")),
            Purpose::CaseList
        );
        assert_eq!(purpose(Some("/sager/abc/screening")), Purpose::CaseWork);
        assert_eq!(purpose(Some("/infohus/indgang/abc")), Purpose::IntakeQueue);
        assert_eq!(purpose(Some("/politi/screening")), Purpose::ScreeningQueue);
        assert_eq!(purpose(Some("/beskeder?side=x")), Purpose::Alert);
        assert_eq!(purpose(Some("/overdragelse?fra=1")), Purpose::Handover);
        assert_eq!(purpose(Some("/bekymringer/abc")), Purpose::Concern);
        assert_eq!(purpose(Some("/statistik")), Purpose::DirectLink);
        assert_eq!(purpose(Some("/sagerne")), Purpose::DirectLink);
    }

    #[test]
    fn a_search_keeps_its_criterion_and_shows_a_cpr_number_masked() {
        let look = Lookup::from_page(Some("/sager?q=Asta+Lind&fase=alle"));
        assert_eq!(look.purpose, Purpose::Search);
        assert_eq!(look.criterion.as_deref(), Some("name:Asta Lind"));
        assert_eq!(
            Lookup::label(Purpose::Search, look.criterion.as_deref()),
            "Søgning efter navn «Asta Lind»"
        );
        let look = Lookup::from_page(Some("/sager?q=2412104321"));
        let label = Lookup::label(Purpose::Search, look.criterion.as_deref());
        assert!(
            label.starts_with("Søgning efter CPR-nummer 241210-"),
            "{label}"
        );
        assert!(!label.contains("4321"));
        assert_eq!(Lookup::label(Purpose::Task, None), "Fra Mine opgaver");
    }

    #[test]
    fn a_referer_is_read_for_its_path_only() {
        assert_eq!(
            referer_path("https://infohus.example/sager?q=x").as_deref(),
            Some("/sager?q=x")
        );
        assert_eq!(referer_path("/opgaver").as_deref(), Some("/opgaver"));
        assert_eq!(referer_path("not a url at all"), None);
    }
}
