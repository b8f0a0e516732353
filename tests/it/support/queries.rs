//! Counts the SQL statements a piece of work sends, deterministically: sqlx reports every
//! statement it finishes as a `sqlx::query` event. One subscriber for the whole test binary,
//! installed once, counts them for the thread that asked: a `#[tokio::test]` runs on its own
//! thread and the app is called in process, so what is counted is exactly this test's requests.
//! (A subscriber per test, `set_default`, lost events when tests registered theirs at the same
//! moment: callsite interest is shared by the whole process.)

use std::cell::Cell;
use std::sync::OnceLock;

use tracing::Subscriber;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

thread_local! {
    /// `Some(n)` while this thread counts.
    static COUNT: Cell<Option<usize>> = const { Cell::new(None) };
}

struct Counter;

impl<S: Subscriber> Layer<S> for Counter {
    fn on_event(&self, _: &tracing::Event<'_>, _: Context<'_, S>) {
        COUNT.with(|c| c.set(c.get().map(|n| n + 1)));
    }
}

fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let only_queries = Targets::new().with_target("sqlx::query", LevelFilter::TRACE);
        let subscriber = tracing_subscriber::registry().with(Counter.with_filter(only_queries));
        // Nothing else in the test binary sets a global subscriber.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// Counts this thread's statements while it lives.
pub struct QueryCounter;

impl QueryCounter {
    pub fn start() -> QueryCounter {
        install();
        COUNT.with(|c| c.set(Some(0)));
        QueryCounter
    }

    /// The statements counted since the last call.
    pub fn take(&self) -> usize {
        COUNT.with(|c| c.replace(Some(0)).unwrap_or(0))
    }
}

impl Drop for QueryCounter {
    fn drop(&mut self) {
        COUNT.with(|c| c.set(None));
    }
}
