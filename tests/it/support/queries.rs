//! Counts the SQL statements a piece of work sends, deterministically: sqlx reports every
//! statement it finishes as a `sqlx::query` event, and a subscriber installed for the test's
//! own thread counts them. A `#[tokio::test]` runs on one thread and the app is called in
//! process, so what is counted is exactly this test's requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tracing::Subscriber;
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

struct Counter(Arc<AtomicUsize>);

impl<S: Subscriber> Layer<S> for Counter {
    fn on_event(&self, _: &tracing::Event<'_>, _: Context<'_, S>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Counts statements while it lives.
pub struct QueryCounter {
    count: Arc<AtomicUsize>,
    _guard: DefaultGuard,
}

impl QueryCounter {
    pub fn start() -> QueryCounter {
        let count = Arc::new(AtomicUsize::new(0));
        let only_queries = Targets::new().with_target("sqlx::query", LevelFilter::TRACE);
        let subscriber =
            tracing_subscriber::registry().with(Counter(count.clone()).with_filter(only_queries));
        QueryCounter {
            count,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    /// The statements counted since the last call.
    pub fn take(&self) -> usize {
        self.count.swap(0, Ordering::SeqCst)
    }
}
