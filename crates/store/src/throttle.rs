//! Throttles (频率限制): how often one client may do something public — file a complaint,
//! look one up, fail a sign-in. Counters live in the database (`throttle_hits`), so every
//! instance sees the same counts, and a window's row is deleted once the window has passed,
//! so the table stays as small as the clients of one window. Counters are operational state,
//! not business facts: they are not in the event record (the acts they count are).

use crate::Store;
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};

/// One kind of throttled act, with its window and the number of acts a client may do in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// The bucket's name (`complaint`, `lookup`…), at most 32 characters.
    pub bucket: &'static str,
    /// Acts allowed per client in one window.
    pub limit: u32,
    /// The window, in seconds.
    pub window_secs: i64,
}

/// Whether an act may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within the limit.
    Allowed,
    /// Over the limit until the window ends.
    Refused {
        /// When the client may try again.
        retry_at: DateTime<Utc>,
    },
}

fn table() -> Alias {
    Alias::new("throttle_hits")
}

fn window_start(t: Throttle, now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(t.window_secs) * t.window_secs
}

/// The client as kept: a digest, not the address or number it names.
fn client_key(client: &str) -> String {
    crate::auth::digest(client)
}

/// The verdict for a window that already holds `hits` acts.
fn verdict(t: Throttle, start: i64, hits: i32, now: DateTime<Utc>) -> Verdict {
    if u32::try_from(hits).unwrap_or(0) >= t.limit {
        Verdict::Refused {
            retry_at: DateTime::from_timestamp(start + t.window_secs, 0).unwrap_or(now),
        }
    } else {
        Verdict::Allowed
    }
}

impl Store {
    /// Count one act of `client` against `t` at `now`. The client is kept as a digest, not
    /// as the address it names.
    pub async fn throttle(
        &self,
        t: Throttle,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<Verdict, StoreError> {
        let start = window_start(t, now);
        let client = client_key(client);
        let db = self.db();
        let backend = db.get_database_backend();
        let insert = Query::insert()
            .into_table(table())
            .columns([
                Alias::new("bucket"),
                Alias::new("client"),
                Alias::new("window_start"),
                Alias::new("hits"),
            ])
            .values_panic([t.bucket.into(), client.into(), start.into(), 1.into()])
            .on_conflict(
                OnConflict::columns([
                    Alias::new("bucket"),
                    Alias::new("client"),
                    Alias::new("window_start"),
                ])
                .value(
                    Alias::new("hits"),
                    Expr::col((table(), Alias::new("hits"))).add(1),
                )
                .to_owned(),
            )
            .returning_col(Alias::new("hits"))
            .to_owned();
        let row = db
            .query_one_raw(backend.build(&insert))
            .await?
            .ok_or(StoreError::NotFound("频率计数"))?;
        let hits: i32 = row.try_get("", "hits")?;
        if hits == 1 {
            // A window opened: the bucket's passed windows go.
            let sweep = Query::delete()
                .from_table(table())
                .and_where(Expr::col(Alias::new("bucket")).eq(t.bucket))
                .and_where(Expr::col(Alias::new("window_start")).lt(start))
                .to_owned();
            db.execute_raw(backend.build(&sweep)).await?;
        }
        // This act counted: refused once it goes past the limit.
        Ok(verdict(t, start, hits - 1, now))
    }

    /// Whether `client` is over `t` now, without counting an act.
    pub async fn throttle_peek(
        &self,
        t: Throttle,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<Verdict, StoreError> {
        let start = window_start(t, now);
        let db = self.db();
        let q = Query::select()
            .column(Alias::new("hits"))
            .from(table())
            .and_where(Expr::col(Alias::new("bucket")).eq(t.bucket))
            .and_where(Expr::col(Alias::new("client")).eq(client_key(client)))
            .and_where(Expr::col(Alias::new("window_start")).eq(start))
            .to_owned();
        let hits: i32 = match db
            .query_one_raw(db.get_database_backend().build(&q))
            .await?
        {
            Some(row) => row.try_get("", "hits")?,
            None => 0,
        };
        Ok(verdict(t, start, hits, now))
    }

    /// Rows the throttles hold now (for tests and the health page).
    pub async fn throttle_rows(&self) -> Result<u64, StoreError> {
        let db = self.db();
        let q = Query::select()
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .from(table())
            .to_owned();
        let row = db
            .query_one_raw(db.get_database_backend().build(&q))
            .await?
            .ok_or(StoreError::NotFound("频率计数"))?;
        let n: i64 = row.try_get("", "n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
