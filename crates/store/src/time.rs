//! The one source of the current time (时间源). The server and the command line read "now"
//! only through a [`TimeSource`]: the system clock in production, a pinned instant in tests
//! and dated scenario runs. Nothing else reads the wall clock (clippy's
//! `disallowed-methods` enforces it).

use chrono::{DateTime, Utc};
use std::sync::{Arc, RwLock};

/// Where "now" comes from.
#[derive(Clone, Debug, Default)]
pub enum TimeSource {
    /// The system clock.
    #[default]
    System,
    /// A pinned instant, movable by [`TimeSource::set`].
    Pinned(Arc<RwLock<DateTime<Utc>>>),
}

impl TimeSource {
    /// A source pinned at `t`.
    pub fn pinned(t: DateTime<Utc>) -> TimeSource {
        TimeSource::Pinned(Arc::new(RwLock::new(t)))
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            #[allow(clippy::disallowed_methods)] // the one place that reads the system clock
            TimeSource::System => Utc::now(),
            TimeSource::Pinned(t) => *t.read().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Move a pinned source to `t` (the system clock cannot be moved: ignored).
    pub fn set(&self, t: DateTime<Utc>) {
        if let TimeSource::Pinned(cell) = self {
            *cell.write().unwrap_or_else(|p| p.into_inner()) = t;
        }
    }
}
