//! The command dashboard's figures (一屏展示), read in one pass over the open work of the
//! database: open leads and cases by holder, clocks due soon and breached, open supervision
//! orders, transfers awaiting acceptance, disputes, operations running, today's intake by
//! channel and leads per day.

use crate::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeMap;

/// The figures.
#[derive(Debug, Clone, Default)]
pub struct DashboardFacts {
    /// Open leads per holding org.
    pub open_leads: BTreeMap<i64, u64>,
    /// Open cases per holding org.
    pub open_cases: BTreeMap<i64, u64>,
    /// Running clocks whose warning time has come, per holder.
    pub due_soon: BTreeMap<i64, u64>,
    /// Breached clocks not yet satisfied, per holder.
    pub breached: BTreeMap<i64, u64>,
    /// Open supervision orders.
    pub orders_open: u64,
    /// Transfers sent and not yet answered.
    pub transfers_waiting: u64,
    /// Disputes not yet settled or designated.
    pub disputes_open: u64,
    /// Joint operations running.
    pub operations_running: u64,
    /// Leads received since `today` began, by channel.
    pub today_by_channel: BTreeMap<String, u64>,
    /// Leads received per Beijing day over the window.
    pub per_day: BTreeMap<NaiveDate, u64>,
}

/// Org ids for `IN (…)`: numbers, inlined, so that a province's thousands need no
/// parameters.
pub(crate) fn id_list(orgs: &[i64]) -> String {
    orgs.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Store {
    /// Rows of an aggregate: named integer columns (missing or NULL: 0).
    pub(crate) async fn aggregate(
        &self,
        sql: &str,
        values: Vec<sea_orm::Value>,
        cols: &[&str],
    ) -> Result<Vec<Vec<i64>>, StoreError> {
        let rows = self
            .db()
            .query_all_raw(Statement::from_sql_and_values(
                self.db().get_database_backend(),
                sql,
                values,
            ))
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                cols.iter()
                    .map(|c| {
                        r.try_get::<Option<i64>>("", c)
                            .ok()
                            .flatten()
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect())
    }

    /// The dashboard's figures for the work of `orgs` at `now`, with the daily series
    /// starting at `since` (30 days) and today's intake from `today`; counted in the
    /// database, so that a province's board reads counts, not rows.
    pub async fn dashboard_facts(
        &self,
        orgs: &[i64],
        now: DateTime<Utc>,
        today: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<DashboardFacts, StoreError> {
        let mut f = DashboardFacts::default();
        if orgs.is_empty() {
            return Ok(f);
        }
        let ids = id_list(orgs);
        // What each org holds now, from the open-work tallies (`crate::tally`).
        let sql = format!(
            "SELECT org_id AS org, open_leads, open_cases, breached FROM open_work \
             WHERE org_id IN ({ids})"
        );
        let put = |m: &mut BTreeMap<i64, u64>, org: i64, n: i64| {
            if n > 0 {
                m.insert(org, n as u64);
            }
        };
        for r in self
            .aggregate(
                &sql,
                vec![],
                &["org", "open_leads", "open_cases", "breached"],
            )
            .await?
        {
            put(&mut f.open_leads, r[0], r[1]);
            put(&mut f.open_cases, r[0], r[2]);
            put(&mut f.breached, r[0], r[3]);
        }
        // Due soon: running and warned, or past the warning time and not yet warned by the
        // job (as `ClockFilter::due_soon_at` lists them).
        let sql = format!(
            "SELECT holder_org_id AS org, COUNT(*) AS n FROM clocks \
             WHERE state = 'running' AND (warned_at IS NOT NULL OR warn_at <= $1) \
             AND holder_org_id IN ({ids}) GROUP BY holder_org_id"
        );
        for r in self
            .aggregate(&sql, vec![now.into()], &["org", "n"])
            .await?
        {
            put(&mut f.due_soon, r[0], r[1]);
        }
        let count = async |sql: String| -> Result<u64, StoreError> {
            Ok(self
                .aggregate(&sql, vec![], &["n"])
                .await?
                .first()
                .map(|r| r[0] as u64)
                .unwrap_or_default())
        };
        f.orders_open = count(format!(
            "SELECT COUNT(*) AS n FROM supervision_orders WHERE closed_at IS NULL AND to_org_id IN ({ids})"
        ))
        .await?;
        f.transfers_waiting = count(format!(
            "SELECT COUNT(*) AS n FROM transfers WHERE status = 'sent' AND to_org_id IN ({ids})"
        ))
        .await?;
        f.disputes_open = count(format!(
            "SELECT COUNT(*) AS n FROM disputes WHERE status IN ('negotiating', 'escalated') \
             AND org_a_id IN ({ids})"
        ))
        .await?;
        f.operations_running = count(format!(
            "SELECT COUNT(*) AS n FROM operations WHERE status = 'running' AND lead_org_id IN ({ids})"
        ))
        .await?;
        // Leads per Beijing day from the daily tallies (`crate::tally`); today's by channel
        // from today's leads.
        let sql = format!(
            "SELECT day, CAST(SUM(intake) AS BIGINT) AS n FROM assessment_days \
             WHERE day >= $1 AND org_id IN ({ids}) GROUP BY day"
        );
        let rows = self
            .db()
            .query_all_raw(Statement::from_sql_and_values(
                self.db().get_database_backend(),
                &sql,
                vec![crate::tally::day_key(since).into()],
            ))
            .await?;
        for r in rows {
            let day = r.try_get::<String>("", "day").unwrap_or_default();
            let n = r.try_get::<i64>("", "n").unwrap_or_default();
            if let Ok(d) = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                && n > 0
            {
                f.per_day.insert(d, n as u64);
            }
        }
        let sql = format!(
            "SELECT channel, COUNT(*) AS n FROM leads \
             WHERE received_at >= $1 AND +received_org_id IN ({ids}) GROUP BY channel"
        );
        let rows = self
            .db()
            .query_all_raw(Statement::from_sql_and_values(
                self.db().get_database_backend(),
                &sql,
                vec![today.into()],
            ))
            .await?;
        for r in rows {
            let channel = r.try_get::<String>("", "channel").unwrap_or_default();
            let n = r.try_get::<i64>("", "n").unwrap_or_default() as u64;
            f.today_by_channel.insert(channel, n);
        }
        Ok(f)
    }
}
