//! Every request runs to its end, even when nobody waits for the answer any more.
//!
//! A request future is dropped when the client goes away or the request timeout fires. Dropped
//! between queries, its transaction is rolled back as it should be; dropped while sqlx's
//! `BEGIN` is in flight, it leaves the pooled connection inside a transaction that nothing ends
//! (sqlx 0.8.6, launchbadge/sqlx#4393). The next requests on that connection then run inside it:
//! their writes wait for someone else's commit, and the row locks they take (a session's
//! last-seen time) stall every other request of that session until the statement timeout.
//! Seen under the load benchmark as sixteen requests timing out together.
//!
//! So the handler runs in a task of its own, and the request future only waits for it: what
//! is dropped is the waiting, never the work. A panicking handler becomes the 500 page instead
//! of a closed connection.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::error::error_page;

pub async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request).in_current_span()).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(
                panic = e.is_panic(),
                "a request's task ended without an answer"
            );
            error_page(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::Router;
    use axum::body::Body;
    use axum::middleware;
    use axum::routing::get;
    use tokio::sync::{Notify, oneshot};
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_request_dropped_by_its_client_still_runs_to_its_end() {
        let go_on = Arc::new(Notify::new());
        let (started_tx, started_rx) = oneshot::channel::<()>();
        let (done_tx, done_rx) = oneshot::channel::<()>();
        let started = Arc::new(std::sync::Mutex::new(Some(started_tx)));
        let done = Arc::new(std::sync::Mutex::new(Some(done_tx)));
        let app = Router::new()
            .route(
                "/",
                get({
                    let go_on = go_on.clone();
                    move || async move {
                        if let Some(tx) = started.lock().ok().and_then(|mut s| s.take()) {
                            let _ = tx.send(());
                        }
                        go_on.notified().await;
                        if let Some(tx) = done.lock().ok().and_then(|mut d| d.take()) {
                            let _ = tx.send(());
                        }
                        "ok"
                    }
                }),
            )
            .layer(middleware::from_fn(run_to_completion));

        let request = Request::builder()
            .uri("/")
            .body(Body::empty())
            .expect("request");
        let waiting = tokio::spawn(app.oneshot(request));
        started_rx.await.expect("the handler started");
        // The client goes away: its future is dropped while the handler is mid-way.
        waiting.abort();
        assert!(waiting.await.is_err_and(|e| e.is_cancelled()));
        go_on.notify_one();
        done_rx.await.expect("the handler ran to its end");
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_with_the_error_page() {
        let app = Router::new()
            .route(
                "/",
                get(|| async {
                    if true {
                        panic!("a bug");
                    }
                    "never"
                }),
            )
            .layer(middleware::from_fn(run_to_completion));
        let request = Request::builder()
            .uri("/")
            .body(Body::empty())
            .expect("request");
        let response = app.oneshot(request).await.expect("a response");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
