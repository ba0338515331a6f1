//! The command dashboard's figures (一屏展示), read in one pass over the open work of the
//! database: open leads and cases by holder, clocks due soon and breached, open supervision
//! orders, transfers awaiting acceptance, disputes, operations running, today's intake by
//! channel and leads per day.

use crate::entities::{case, clock, dispute, lead, operation, supervision_order, transfer};
use crate::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
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

fn beijing_day(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

impl Store {
    /// The dashboard's figures for the work of `orgs` at `now`, with the daily series
    /// starting at `since` and today's intake from `today`.
    pub async fn dashboard_facts(
        &self,
        orgs: &[i64],
        now: DateTime<Utc>,
        today: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<DashboardFacts, StoreError> {
        let mut f = DashboardFacts::default();
        let open: Vec<(i64, Option<i64>)> = lead::Entity::find()
            .select_only()
            .column(lead::Column::ReceivedOrgId)
            .column(lead::Column::HolderOrgId)
            .filter(lead::Column::Status.is_not_in(["no_violation", "finished", "duplicate"]))
            .filter(
                sea_orm::Condition::any()
                    .add(lead::Column::HolderOrgId.is_in(orgs.to_vec()))
                    .add(
                        sea_orm::Condition::all()
                            .add(lead::Column::HolderOrgId.is_null())
                            .add(lead::Column::ReceivedOrgId.is_in(orgs.to_vec())),
                    ),
            )
            .into_tuple()
            .all(self.db())
            .await?;
        for (received, holder) in open {
            *f.open_leads.entry(holder.unwrap_or(received)).or_default() += 1;
        }
        let cases: Vec<i64> = case::Entity::find()
            .select_only()
            .column(case::Column::HolderOrgId)
            .filter(case::Column::Stage.is_not_in(["closed", "archived", "terminated"]))
            .filter(case::Column::HolderOrgId.is_in(orgs.to_vec()))
            .into_tuple()
            .all(self.db())
            .await?;
        for holder in cases {
            *f.open_cases.entry(holder).or_default() += 1;
        }
        let clocks: Vec<(i64, String, Option<DateTime<Utc>>)> = clock::Entity::find()
            .select_only()
            .column(clock::Column::HolderOrgId)
            .column(clock::Column::State)
            .column(clock::Column::WarnAt)
            .filter(clock::Column::State.is_in(["running", "breached"]))
            .filter(clock::Column::HolderOrgId.is_in(orgs.to_vec()))
            .into_tuple()
            .all(self.db())
            .await?;
        for (holder, state, warn) in clocks {
            if state == "breached" {
                *f.breached.entry(holder).or_default() += 1;
            } else if warn.is_some_and(|w| w <= now) {
                *f.due_soon.entry(holder).or_default() += 1;
            }
        }
        use sea_orm::PaginatorTrait;
        f.orders_open = supervision_order::Entity::find()
            .filter(supervision_order::Column::ClosedAt.is_null())
            .filter(supervision_order::Column::ToOrgId.is_in(orgs.to_vec()))
            .count(self.db())
            .await?;
        f.transfers_waiting = transfer::Entity::find()
            .filter(transfer::Column::Status.eq("sent"))
            .filter(transfer::Column::ToOrgId.is_in(orgs.to_vec()))
            .count(self.db())
            .await?;
        f.disputes_open = dispute::Entity::find()
            .filter(dispute::Column::Status.is_in(["negotiating", "escalated"]))
            .filter(dispute::Column::OrgAId.is_in(orgs.to_vec()))
            .count(self.db())
            .await?;
        f.operations_running = operation::Entity::find()
            .filter(operation::Column::Status.eq("running"))
            .filter(operation::Column::LeadOrgId.is_in(orgs.to_vec()))
            .count(self.db())
            .await?;
        let recent: Vec<(String, DateTime<Utc>)> = lead::Entity::find()
            .select_only()
            .column(lead::Column::Channel)
            .column(lead::Column::ReceivedAt)
            .filter(lead::Column::ReceivedAt.gte(since))
            .filter(lead::Column::ReceivedOrgId.is_in(orgs.to_vec()))
            .into_tuple()
            .all(self.db())
            .await?;
        for (channel, at) in recent {
            *f.per_day.entry(beijing_day(at)).or_default() += 1;
            if at >= today {
                *f.today_by_channel.entry(channel).or_default() += 1;
            }
        }
        Ok(f)
    }
}
