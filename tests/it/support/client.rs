//! A browser stand-in for the tests: the responses it gets, and the client that keeps the
//! session cookie and the CSRF token it last saw.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The text of every element matching a CSS selector.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let html = self.html();
        let sel = scraper::Selector::parse(selector).expect("selector");
        html.select(&sel)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The value of an input (or the text of a textarea) by name.
    pub fn field_value(&self, name: &str) -> Option<String> {
        let html = self.html();
        let input = scraper::Selector::parse(&format!("input[name=\"{name}\"]")).expect("selector");
        if let Some(e) = html.select(&input).next() {
            return e.value().attr("value").map(str::to_owned);
        }
        let area =
            scraper::Selector::parse(&format!("textarea[name=\"{name}\"]")).expect("selector");
        html.select(&area).next().map(|e| e.text().collect())
    }
}

/// A browser stand-in: keeps the session cookie and the latest CSRF token it saw.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Client {
    pub fn new(router: Router) -> Client {
        Client {
            router,
            cookie: None,
            csrf: None,
        }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        let request = self
            .request("GET", path)
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }

    /// Follows a link on `from` (a path of ours) to `path`: the browser names the page before in
    /// `Referer`, as our `Referrer-Policy: same-origin` lets it.
    pub async fn follow_from(&mut self, from: &str, path: &str) -> TestResponse {
        let request = self
            .request("GET", path)
            .header(header::REFERER, format!("http://localhost{from}"))
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }

    /// Posts a form, adding the CSRF token this client last saw (fetching one if it has none).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        if self.csrf.is_none() {
            let page = if self.cookie.is_some() { "/" } else { "/login" };
            self.get(page).await;
        }
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(all)
            .finish();
        self.post_raw(path, body).await
    }

    /// Posts exactly this body (no token added).
    pub async fn post_raw(&mut self, path: &str, body: String) -> TestResponse {
        let request = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> TestResponse {
        self.get("/login").await;
        let response = self
            .post(
                "/login",
                &[("email", email), ("password", password), ("next", "/")],
            )
            .await;
        // Login renews the token; the next form fetches the new one.
        self.csrf = None;
        response
    }

    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(c) = &self.cookie {
            builder = builder.header(header::COOKIE, c);
        }
        builder
    }

    pub async fn send(&mut self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let Ok(v) = value.to_str() else { continue };
            let pair = v.split(';').next().unwrap_or("").trim().to_owned();
            let removed = v.contains("Max-Age=0") || pair.ends_with('=');
            if removed {
                self.cookie = None;
            } else {
                self.cookie = Some(pair);
            }
        }
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(token) = find_csrf(&body) {
            self.csrf = Some(token);
        }
        TestResponse {
            status,
            headers,
            body,
        }
    }
}

fn find_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_owned())
}
