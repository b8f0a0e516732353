//! The route table: every route is mounted with the access it needs, so that no route can
//! exist without a declared capability, and the table itself can be tested.

use axum::Router;
use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;

use crate::AppState;
use crate::auth::{MaybeUser, SignInStep};
use crate::domain::policy::{self, Capability};
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (the public pages, login, health checks).
    Public,
    /// A signed-in user holding the capability.
    Requires(Capability),
    /// Any live session, also one whose second factor is still to come: the second-factor
    /// pages and logout.
    SignInStep,
}

#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub path: &'static str,
    pub access: Access,
}

pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    pub fn new() -> Routes {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    pub fn public(mut self, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, route);
        self.table.push(RouteInfo {
            path,
            access: Access::Public,
        });
        self
    }

    pub fn requires(
        mut self,
        path: &'static str,
        capability: Capability,
        route: MethodRouter<AppState>,
    ) -> Self {
        let guarded = route.route_layer(middleware::from_fn(move |req: Request, next: Next| {
            guard(capability, req, next)
        }));
        self.router = self.router.route(path, guarded);
        self.table.push(RouteInfo {
            path,
            access: Access::Requires(capability),
        });
        self
    }

    /// A page on the way in: reached by a session still waiting for its second factor as well
    /// as by a signed-in one; anonymous visitors go to the login page.
    pub fn sign_in_step(mut self, path: &'static str, route: MethodRouter<AppState>) -> Self {
        let guarded = route.route_layer(middleware::from_fn(|req: Request, next: Next| async {
            if req.extensions().get::<SignInStep>().is_some() {
                next.run(req).await
            } else {
                Redirect::to(&login_url(req.uri())).into_response()
            }
        }));
        self.router = self.router.route(path, guarded);
        self.table.push(RouteInfo {
            path,
            access: Access::SignInStep,
        });
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteInfo>) {
        (self.router, self.table)
    }
}

/// Anonymous → the login page (returning here afterwards); a session still waiting for its
/// second factor → that step; signed in without the capability → 403.
async fn guard(capability: Capability, request: Request, next: Next) -> Response {
    let user = request
        .extensions()
        .get::<MaybeUser>()
        .and_then(|m| m.0.as_ref());
    match user {
        None => match request.extensions().get::<SignInStep>() {
            Some(step) => {
                let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
                Redirect::to(&crate::web::second_factor::step_url(step.factor, target))
                    .into_response()
            }
            None => Redirect::to(&login_url(request.uri())).into_response(),
        },
        Some(current) if policy::may(&current.user.actor(), capability) => next.run(request).await,
        Some(_) => AppError::Forbidden.into_response(),
    }
}

fn login_url(uri: &Uri) -> String {
    let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let encoded: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!("/login?next={encoded}")
}

/// Only a path on this site is an acceptable place to return to after login: one leading `/`,
/// not followed by `/` or `\` (which browsers read as another host), and no backslash, control
/// or whitespace character anywhere, before or after percent-decoding (a browser strips a tab
/// from `/\t/evil.example` and lands on `//evil.example`). Anything else returns to `/`.
pub fn safe_return_path(next: Option<&str>) -> String {
    fn acceptable(path: &str) -> bool {
        let mut chars = path.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/' | '\\'))
            && !path
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    }
    match next {
        Some(p) if p.len() <= 2000 && acceptable(p) => {
            let decoded = percent_encoding::percent_decode_str(p).decode_utf8_lossy();
            if acceptable(&decoded) {
                p.to_owned()
            } else {
                "/".to_owned()
            }
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_return_path(Some("/sager?x=1")), "/sager?x=1");
        assert_eq!(safe_return_path(Some("//evil.example")), "/");
        assert_eq!(safe_return_path(Some("/\\evil.example")), "/");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/");
        assert_eq!(safe_return_path(None), "/");
        for hostile in [
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/\\/evil.example",
            "/ /evil.example",
            "/a\u{0}b",
            "/a%00b",
            "/a\r\nSet-Cookie: x=1",
            "/a%0d%0aSet-Cookie:%20x=1",
            "\t/evil.example",
            "",
        ] {
            assert_eq!(safe_return_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(
            safe_return_path(Some("/sager/2f1c?kvartal=2026-3")),
            "/sager/2f1c?kvartal=2026-3"
        );
    }
}
