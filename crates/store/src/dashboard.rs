//! The command dashboard's figures (一屏展示), read in one pass over the open work of the
//! database: open leads and cases by holder, clocks due soon and breached, open supervision
//! orders, transfers awaiting acceptance, disputes, operations running, today's intake by
//! channel and leads per day.

use crate::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeMap;
use xiezhi_domain::case::CaseStage;
use xiezhi_domain::lead::LeadStatus;

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

fn beijing_day(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// Lead statuses that are still open (not answered, not merged).
fn open_lead_statuses() -> String {
    LeadStatus::ALL
        .iter()
        .filter(|st| !st.is_closed() && **st != LeadStatus::Duplicate)
        .map(|st| format!("'{}'", st.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Case stages still in hand.
fn open_case_stages() -> String {
    CaseStage::ALL
        .iter()
        .filter(|st| !matches!(st, CaseStage::Closed | CaseStage::Archived))
        .map(|st| format!("'{}'", st.as_str()))
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
        // Org ids are numbers: inlined, so that a province's thousands need no parameters.
        let ids = orgs
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "SELECT COALESCE(holder_org_id, received_org_id) AS org, COUNT(*) AS n FROM leads \
             WHERE status IN ({}) AND COALESCE(holder_org_id, received_org_id) IN ({ids}) \
             GROUP BY COALESCE(holder_org_id, received_org_id)",
            open_lead_statuses()
        );
        for r in self.aggregate(&sql, vec![], &["org", "n"]).await? {
            f.open_leads.insert(r[0], r[1] as u64);
        }
        let sql = format!(
            "SELECT holder_org_id AS org, COUNT(*) AS n FROM cases \
             WHERE stage IN ({}) AND holder_org_id IN ({ids}) GROUP BY holder_org_id",
            open_case_stages()
        );
        for r in self.aggregate(&sql, vec![], &["org", "n"]).await? {
            f.open_cases.insert(r[0], r[1] as u64);
        }
        let sql = format!(
            "SELECT holder_org_id AS org, \
             SUM(CASE WHEN state = 'breached' THEN 1 ELSE 0 END) AS breached, \
             SUM(CASE WHEN state = 'running' AND warn_at <= $1 THEN 1 ELSE 0 END) AS soon \
             FROM clocks WHERE state IN ('running', 'breached') AND holder_org_id IN ({ids}) \
             GROUP BY holder_org_id"
        );
        for r in self
            .aggregate(&sql, vec![now.into()], &["org", "breached", "soon"])
            .await?
        {
            if r[1] > 0 {
                f.breached.insert(r[0], r[1] as u64);
            }
            if r[2] > 0 {
                f.due_soon.insert(r[0], r[2] as u64);
            }
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
        // Leads per Beijing day: day boundaries as parameters, one pass over the window's
        // index entries (`+` keeps SQLite off the org index, which would read every lead of
        // the orgs).
        let days = ((today - since).num_days() + 1).max(1);
        let mut bounds: Vec<sea_orm::Value> = vec![since.into()];
        let mut case = String::from("CASE");
        for d in 1..days {
            bounds.push((since + chrono::Duration::days(d)).into());
            case.push_str(&format!(" WHEN received_at < ${} THEN {}", d + 1, d - 1));
        }
        case.push_str(&format!(" ELSE {} END", days - 1));
        let sql = format!(
            "SELECT CAST({case} AS BIGINT) AS day, channel, COUNT(*) AS n FROM leads \
             WHERE received_at >= $1 AND +received_org_id IN ({ids}) GROUP BY 1, 2"
        );
        let rows = self
            .db()
            .query_all_raw(Statement::from_sql_and_values(
                self.db().get_database_backend(),
                &sql,
                bounds,
            ))
            .await?;
        for r in rows {
            let day = r.try_get::<i64>("", "day").unwrap_or_default();
            let channel = r.try_get::<String>("", "channel").unwrap_or_default();
            let n = r.try_get::<i64>("", "n").unwrap_or_default() as u64;
            *f.per_day
                .entry(beijing_day(since + chrono::Duration::days(day)))
                .or_default() += n;
            if day == days - 1 {
                *f.today_by_channel.entry(channel).or_default() += n;
            }
        }
        Ok(f)
    }
}
