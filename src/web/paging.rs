//! The links between the pages of a list (`store::paging`): "Første side" on a later page,
//! "Næste side" while more follow, each keeping the list's filters. `templates/pager.html`
//! shows them.

use crate::store::paging::After;

/// The query key that carries where a page starts.
pub const KEY: &str = "efter";

/// The query of a list with no filters of its own: where the page starts (`After::encode`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub efter: String,
}

impl PageQuery {
    /// Where the page starts; anything forged or stale is the first page.
    pub fn after(&self) -> Option<After> {
        After::decode(&self.efter)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Pager {
    pub first: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The links of a page at `path` with the list's `filters` (empty values left out), which
    /// started `after` a row (`None`: the first page) and is followed by a page after `next`.
    pub fn new(
        path: &str,
        filters: &[(&str, &str)],
        after: Option<After>,
        next: Option<After>,
    ) -> Pager {
        Pager {
            first: after.map(|_| href(path, filters, None)),
            next: next.map(|n| href(path, filters, Some(n))),
        }
    }

    pub fn is_paged(&self) -> bool {
        self.first.is_some() || self.next.is_some()
    }
}

/// The address of one page of a list.
pub fn href(path: &str, filters: &[(&str, &str)], after: Option<After>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in filters.iter().filter(|(_, v)| !v.is_empty()) {
        query.append_pair(key, value);
    }
    if let Some(after) = after {
        query.append_pair(KEY, &after.encode());
    }
    let query = query.finish();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;
    use uuid::Uuid;

    #[test]
    fn links_keep_the_filters_and_leave_out_empty_ones() {
        let after = After {
            at: OffsetDateTime::UNIX_EPOCH,
            id: Uuid::nil(),
        };
        let pager = Pager::new(
            "/sager",
            &[("fase", ""), ("q", "Møller & co")],
            Some(after),
            Some(after),
        );
        assert_eq!(pager.first.as_deref(), Some("/sager?q=M%C3%B8ller+%26+co"));
        assert_eq!(
            pager.next.as_deref(),
            Some("/sager?q=M%C3%B8ller+%26+co&efter=0.00000000-0000-0000-0000-000000000000")
        );
        assert!(!Pager::new("/sager", &[], None, None).is_paged());
    }
}
