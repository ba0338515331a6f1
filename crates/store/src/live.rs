//! Live notices (实时推送): what a committed write tells the browsers watching. A write
//! announces notices ([`crate::Writer::announce`]); besides, every commit announces a
//! `record` notice naming the kinds of its events (for dashboards). On PostgreSQL the notices
//! go out with `pg_notify` inside the write's transaction, so they are delivered exactly when
//! it commits and never when it rolls back, to every instance listening on the same database
//! (LISTEN/NOTIFY fan-out); on SQLite (one instance) they go to this process's subscribers
//! after the commit.

use crate::{Engine, Store};
use chrono::{DateTime, Utc};
use sea_orm::sqlx::postgres::PgListener;
use serde::{Deserialize, Serialize};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Once};
use tokio::sync::broadcast;

/// The PostgreSQL channel.
pub const CHANNEL: &str = "xiezhi_live";

/// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD: usize = 7_000;

/// One notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// What it is about: `instruction`, `record`, …
    pub topic: String,
    /// The subject's id (for `record`: the last sequence number of the write).
    pub id: i64,
    /// Orgs it is addressed to (all their people see it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orgs: Vec<i64>,
    /// People it is addressed to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<i64>,
    /// A short text to show.
    #[serde(default)]
    pub text: String,
    /// When it was announced (the write's time).
    pub at: DateTime<Utc>,
}

impl Notice {
    /// Split into notices whose payload fits a NOTIFY (long address lists), as JSON.
    pub(crate) fn payloads(&self) -> Vec<String> {
        let mut n = self.clone();
        n.text = n.text.chars().take(300).collect();
        let whole = serde_json::to_string(&n).unwrap_or_default();
        if whole.len() <= MAX_PAYLOAD {
            return vec![whole];
        }
        let mut out = vec![];
        let ids: Vec<(bool, i64)> = n
            .orgs
            .iter()
            .map(|&o| (true, o))
            .chain(n.people.iter().map(|&p| (false, p)))
            .collect();
        for chunk in ids.chunks(400) {
            let part = Notice {
                orgs: chunk.iter().filter(|c| c.0).map(|c| c.1).collect(),
                people: chunk.iter().filter(|c| !c.0).map(|c| c.1).collect(),
                ..n.clone()
            };
            out.push(serde_json::to_string(&part).unwrap_or_default());
        }
        out
    }
}

/// The process's side of the fan-out: a broadcast channel, fed by this process's commits
/// (SQLite) or by one LISTEN connection (PostgreSQL), started on the first subscriber.
#[derive(Clone)]
pub(crate) struct Live {
    pub(crate) tx: broadcast::Sender<Notice>,
    listening: Arc<Once>,
    ready: Arc<AtomicBool>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            tx: broadcast::channel(4096).0,
            listening: Arc::new(Once::new()),
            ready: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("subscribers", &self.tx.receiver_count())
            .finish()
    }
}

impl Store {
    /// Receive the notices of every commit from now on (on PostgreSQL: of every instance).
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        let rx = self.live.tx.subscribe();
        if self.engine() == Engine::Postgres {
            let store = self.clone();
            self.live.listening.call_once(move || {
                tokio::spawn(listen(store));
            });
        }
        rx
    }

    /// Wait until this instance is listening (PostgreSQL), so a notice committed after it
    /// returns is not missed; at once on SQLite.
    pub async fn listening(&self) {
        let _ = self.subscribe();
        if self.engine() == Engine::Postgres {
            for _ in 0..200 {
                if self.live.ready.load(std::sync::atomic::Ordering::Acquire) {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    }
}

/// The LISTEN loop: reconnects after a lost connection (notices in the gap are lost; pages
/// reload their figures when they reconnect).
async fn listen(store: Store) {
    let tx = store.live.tx.clone();
    loop {
        let pool = store.db().get_postgres_connection_pool().clone();
        match PgListener::connect_with(&pool).await {
            Ok(mut l) => {
                if let Err(e) = l.listen(CHANNEL).await {
                    tracing::warn!(error = %e, "LISTEN failed");
                } else {
                    store
                        .live
                        .ready
                        .store(true, std::sync::atomic::Ordering::Release);
                    loop {
                        match l.recv().await {
                            Ok(n) => {
                                if let Ok(notice) = serde_json::from_str::<Notice>(n.payload()) {
                                    let _ = tx.send(notice);
                                }
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "LISTEN connection lost");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot LISTEN"),
        }
        store
            .live
            .ready
            .store(false, std::sync::atomic::Ordering::Release);
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn long_address_lists_split_to_fit_a_notify() {
        let n = Notice {
            topic: "instruction".into(),
            id: 7,
            orgs: vec![1, 2],
            people: (1_000_000..1_002_000).collect(),
            text: "指令".repeat(1000),
            at: DateTime::<Utc>::UNIX_EPOCH,
        };
        let parts = n.payloads();
        assert!(parts.len() > 1);
        let back: Vec<Notice> = parts
            .iter()
            .map(|p| serde_json::from_str(p).unwrap())
            .collect();
        assert!(parts.iter().all(|p| p.len() <= MAX_PAYLOAD));
        let people: usize = back.iter().map(|b| b.people.len()).sum();
        assert_eq!(people, 2000);
        assert_eq!(back.iter().map(|b| b.orgs.len()).sum::<usize>(), 2);
        assert!(
            back.iter()
                .all(|b| b.text.chars().count() == 300 && b.id == 7)
        );
    }
}
