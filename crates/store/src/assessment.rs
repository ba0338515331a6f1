//! Facts for assessment (考核评价), read from the clocks, cases, leads, supervision orders and
//! the event record of a period; `domain::assessment` turns them into indicators.

use crate::dashboard::id_list;
use crate::entities::{case, clock, lead, supervision_order};
use crate::record::RecordedEvent;
use crate::{Store, StoreError};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use xiezhi_domain::EventKind;
use xiezhi_domain::assessment::{self as a, ClockFact, Opened, Outcome, Period, Ratio};
use xiezhi_domain::clock::{ClockState, Extension};
use xiezhi_domain::payload::{AssistanceRated, CaseStep, LeadRated};

/// Everything the indicators of a period need.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Clocks that may fall in the period.
    pub clocks: Vec<ClockFact>,
    /// Cases filed in the period.
    pub cases: Vec<Opened>,
    /// Leads received in the period (closed: the final reply).
    pub leads: Vec<Opened>,
    /// Ratings in the period: reporters' of leads (about the org that answered).
    pub ratings: Vec<Outcome>,
    /// Ratings in the period: requesters' (townships') of assistance answers (about the body
    /// that answered).
    pub assistance_ratings: Vec<Outcome>,
    /// Rework in the period: legal reviews (returned = bad) and ratings (not fixed = bad).
    pub rework: Vec<Outcome>,
    /// Supervision orders issued in the period: (order id, to org).
    pub orders: Vec<(i64, i64)>,
}

/// One org's indicators as counts only (the ranking), aggregated in SQL; the same
/// definitions as [`xiezhi_domain::assessment`], which the drill-down applies to the items.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// On-time response rate.
    pub response: Ratio,
    /// On-time handling rate.
    pub handling: Ratio,
    /// Extension rate.
    pub extension: Ratio,
    /// Clocks breached in the period.
    pub overdue: u64,
    /// Supervision orders received in the period.
    pub orders: u64,
    /// Case closure rate.
    pub case_closure: Ratio,
    /// Lead closure rate.
    pub lead_closure: Ratio,
    /// Reporters' satisfaction.
    pub satisfaction: Ratio,
    /// Requesters' satisfaction with assistance answers.
    pub assistance_satisfaction: Ratio,
    /// Rework rate.
    pub rework: Ratio,
}

fn ratio(denominator: i64, numerator: i64) -> Ratio {
    Ratio {
        numerator: numerator.max(0) as u64,
        denominator: denominator.max(0) as u64,
        ..Ratio::default()
    }
}

impl Store {
    /// Rows of a grouped count over a period (`$1`, `$2`): the org id (column `org`) and
    /// the counts in `cols`.
    async fn grouped(
        &self,
        sql: &str,
        p: Period,
        cols: &[&str],
    ) -> Result<Vec<(i64, Vec<i64>)>, StoreError> {
        let names: Vec<&str> = std::iter::once("org").chain(cols.iter().copied()).collect();
        Ok(self
            .aggregate(sql, vec![p.from.into(), p.to.into()], &names)
            .await?
            .into_iter()
            .map(|mut r| (r.remove(0), r))
            .collect())
    }

    /// The indicators of `orgs` over a period of whole Beijing days as counts: the sums of
    /// the daily tallies (`crate::tally`), less the cases and leads of the period closed only
    /// after it, plus the townships' ratings of assistance answers (few, read one by one).
    pub async fn assessment_counts(
        &self,
        p: Period,
        orgs: &[i64],
    ) -> Result<std::collections::HashMap<i64, Counts>, StoreError> {
        let mut out: std::collections::HashMap<i64, Counts> = Default::default();
        if orgs.is_empty() {
            return Ok(out);
        }
        let ids = id_list(orgs);
        let sums = crate::tally::COLUMNS
            .iter()
            .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT org_id AS org, {sums} FROM assessment_days \
             WHERE day >= $1 AND day < $2 AND org_id IN ({ids}) GROUP BY org_id"
        );
        let names: Vec<&str> = std::iter::once("org")
            .chain(crate::tally::COLUMNS.iter().copied())
            .collect();
        for r in self
            .aggregate(
                &sql,
                vec![
                    crate::tally::day_key(p.from).into(),
                    crate::tally::day_key(p.to).into(),
                ],
                &names,
            )
            .await?
        {
            let v = |c: &str| {
                names
                    .iter()
                    .position(|n| *n == c)
                    .map(|i| r[i])
                    .unwrap_or_default()
            };
            let on_time = |due: &str, hits: &str, deferred: &str| Ratio {
                excluded: v(deferred).max(0) as u64,
                ..ratio(v(due), v(hits))
            };
            let c = out.entry(r[0]).or_default();
            c.response = on_time("response_due", "response_on_time", "response_deferred");
            c.handling = on_time("handling_due", "handling_on_time", "handling_deferred");
            let deferred = v("response_deferred") + v("handling_deferred");
            c.extension = ratio(v("response_due") + v("handling_due") + deferred, deferred);
            c.overdue = v("overdue").max(0) as u64;
            c.orders = v("orders").max(0) as u64;
            c.case_closure = ratio(v("cases_filed"), v("cases_closed"));
            c.lead_closure = ratio(v("leads_received"), v("leads_replied"));
            c.satisfaction = ratio(v("rated"), v("rated_good"));
            c.rework = ratio(
                v("rated") + v("reviewed"),
                v("rated_not_fixed") + v("review_failed"),
            );
        }
        // The tallies count what is closed by now; the period counts what was closed by
        // its end. Few rows are closed after the period's end, so the closing-time indexes
        // (m0013) are the short read; SQLite's planner, without value statistics, prefers
        // the two-sided range on the opening time (1.3 M leads for a province's quarter), so
        // it is told which index to use.
        let cases_by = self.sqlite_index("cases_closed_at");
        let leads_by = self.sqlite_index("leads_replied_at");
        let sql = format!(
            "SELECT holder_org_id AS org, COUNT(*) AS n FROM cases{cases_by} \
             WHERE closed_at >= $2 AND filed_at >= $1 AND filed_at < $2 \
             AND holder_org_id IN ({ids}) GROUP BY holder_org_id"
        );
        for (org, v) in self.grouped(&sql, p, &["n"]).await? {
            let c = &mut out.entry(org).or_default().case_closure;
            c.numerator = c.numerator.saturating_sub(v[0].max(0) as u64);
        }
        let sql = format!(
            "SELECT COALESCE(holder_org_id, received_org_id) AS org, COUNT(*) AS n \
             FROM leads{leads_by} WHERE replied_at >= $2 AND received_at >= $1 AND received_at < $2 \
             AND duplicate_of IS NULL AND COALESCE(holder_org_id, received_org_id) IN ({ids}) \
             GROUP BY COALESCE(holder_org_id, received_org_id)"
        );
        for (org, v) in self.grouped(&sql, p, &["n"]).await? {
            let c = &mut out.entry(org).or_default().lead_closure;
            c.numerator = c.numerator.saturating_sub(v[0].max(0) as u64);
        }
        let assistance = self.assistance_ratings(p).await?;
        let answered: std::collections::BTreeSet<i64> = assistance
            .iter()
            .map(|o| o.org_id)
            .filter(|o| orgs.contains(o))
            .collect();
        for org in answered {
            out.entry(org).or_default().assistance_satisfaction =
                a::good_share(&assistance, org, p);
        }
        // Orgs whose tallies have come and gone (all zero) are not in the period.
        out.retain(|_, c| {
            c.response.denominator
                + c.response.excluded
                + c.handling.denominator
                + c.handling.excluded
                + c.overdue
                + c.orders
                + c.case_closure.denominator
                + c.lead_closure.denominator
                + c.satisfaction.denominator
                + c.assistance_satisfaction.denominator
                + c.rework.denominator
                > 0
        });
        Ok(out)
    }

    async fn clock_facts(
        &self,
        q: sea_orm::Select<clock::Entity>,
    ) -> Result<Vec<ClockFact>, StoreError> {
        q.all(self.db())
            .await?
            .into_iter()
            .map(|c| {
                let ext: Vec<Extension> = crate::stored(
                    serde_json::from_str(&c.extensions).ok(),
                    "clocks",
                    c.id,
                    "extensions",
                    &c.extensions,
                )?;
                let state = crate::stored(
                    ClockState::parse(&c.state),
                    "clocks",
                    c.id,
                    "state",
                    &c.state,
                )?;
                Ok(ClockFact {
                    id: c.id,
                    holder_org_id: c.holder_org_id,
                    rule_id: c.rule_id,
                    first_due: ext.first().map(|e| e.old_due).unwrap_or(c.due_at),
                    due_at: c.due_at,
                    closed_at: c.closed_at,
                    breached_at: c.breached_at,
                    state,
                    extended: !ext.is_empty(),
                })
            })
            .collect()
    }

    /// Requesters' ratings of assistance answers given in the period.
    async fn assistance_ratings(&self, p: Period) -> Result<Vec<Outcome>, StoreError> {
        Ok(self
            .events_between(&[EventKind::AssistanceRated], p.from, p.to)
            .await?
            .into_iter()
            .filter_map(|e| {
                let r = e.payload_as::<AssistanceRated>()?;
                Some(Outcome {
                    id: e.subject_id.parse().ok()?,
                    org_id: r.to_org_id,
                    at: e.at,
                    good: matches!(r.satisfaction.as_str(), "satisfied" | "basic"),
                })
            })
            .collect())
    }

    /// ` INDEXED BY {index}` on SQLite, whose planner has no value statistics to choose it
    /// by; nothing on PostgreSQL, which does.
    pub(crate) fn sqlite_index(&self, index: &str) -> String {
        match self.engine() {
            crate::Engine::Sqlite => format!(" INDEXED BY {index}"),
            crate::Engine::Postgres => String::new(),
        }
    }

    /// The facts of a period about one org (the drill-down), with the items behind each.
    pub async fn assessment_facts(&self, p: Period, org: i64) -> Result<Facts, StoreError> {
        let clocks = clock::Entity::find()
            .filter(clock::Column::HolderOrgId.eq(org))
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(clock::Column::DueAt.gte(p.from))
                            .add(clock::Column::StartedAt.lt(p.to)),
                    )
                    .add(
                        Condition::all()
                            .add(clock::Column::BreachedAt.gte(p.from))
                            .add(clock::Column::BreachedAt.lt(p.to)),
                    ),
            )
            .order_by_asc(clock::Column::Id);
        let clocks = self.clock_facts(clocks).await?;
        let cases = case::Entity::find()
            .filter(case::Column::HolderOrgId.eq(org))
            .filter(case::Column::FiledAt.gte(p.from))
            .filter(case::Column::FiledAt.lt(p.to))
            .order_by_asc(case::Column::Id)
            .all(self.db())
            .await?
            .into_iter()
            .map(|c| Opened {
                id: c.id,
                holder_org_id: c.holder_org_id,
                opened_at: c.filed_at,
                closed_at: c.closed_at,
            })
            .collect();
        let leads = lead::Entity::find()
            .filter(lead::Column::ReceivedAt.gte(p.from))
            .filter(lead::Column::ReceivedAt.lt(p.to))
            .order_by_asc(lead::Column::Id)
            .filter(lead::Column::DuplicateOf.is_null())
            .filter(
                Condition::any().add(lead::Column::HolderOrgId.eq(org)).add(
                    Condition::all()
                        .add(lead::Column::HolderOrgId.is_null())
                        .add(lead::Column::ReceivedOrgId.eq(org)),
                ),
            )
            .all(self.db())
            .await?
            .into_iter()
            .map(|l| Opened {
                id: l.id,
                holder_org_id: l.holder_org_id.unwrap_or(l.received_org_id),
                opened_at: l.received_at,
                closed_at: l.replied_at,
            })
            .collect();
        // The org's rating and legal-review events of the period, each read through its
        // subjects (the leads it answered, held, received or transferred on; its cases).
        let mut events = self
            .events_of_selected(
                "lead",
                &format!(
                    "SELECT CAST(id AS TEXT) FROM leads WHERE replied_by_org_id = {org} \
                     OR holder_org_id = {org} OR received_org_id = {org} \
                     UNION SELECT CAST(lead_id AS TEXT) FROM transfers WHERE from_org_id = {org}"
                ),
                &[EventKind::LeadRated],
                p.from,
                p.to,
            )
            .await?;
        events.extend(
            self.events_of_selected(
                "case",
                &format!("SELECT CAST(id AS TEXT) FROM cases WHERE holder_org_id = {org}"),
                &[
                    EventKind::CaseLegalReviewPassed,
                    EventKind::CaseLegalReviewFailed,
                ],
                p.from,
                p.to,
            )
            .await?,
        );
        events.sort_by_key(|e| e.seq);
        // Each event's rating and the org it names (absent when recorded before the tallies),
        // read once; the leads and cases of the events that do not name their org, read once.
        let events: Vec<(RecordedEvent, Option<LeadRated>, Option<i64>)> = events
            .into_iter()
            .map(|e| {
                let rating = e.payload_as::<LeadRated>();
                let named = match &rating {
                    Some(r) => r.org_id,
                    None => e.payload_as::<CaseStep>().and_then(|s| s.org_id),
                };
                (e, rating, named)
            })
            .collect();
        let ids = |prefix: &str| -> Vec<i64> {
            events
                .iter()
                .filter(|(e, _, named)| e.kind.starts_with(prefix) && named.is_none())
                .filter_map(|(e, _, _)| e.subject_id.parse().ok())
                .collect()
        };
        let rated: std::collections::HashMap<i64, lead::Model> = lead::Entity::find()
            .filter(lead::Column::Id.is_in(ids("lead.")))
            .all(self.db())
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        let reviewed: std::collections::HashMap<i64, i64> = case::Entity::find()
            .filter(case::Column::Id.is_in(ids("case.")))
            .all(self.db())
            .await?
            .into_iter()
            .map(|c| (c.id, c.holder_org_id))
            .collect();
        let mut ratings = vec![];
        let assistance_ratings = self.assistance_ratings(p).await?;
        let mut rework = vec![];
        for (e, rating, named) in events {
            let Ok(id) = e.subject_id.parse::<i64>() else {
                continue;
            };
            // The org the event names (recorded since the tallies), else the item's now.
            if e.kind == EventKind::LeadRated.as_str() {
                let Some(rating) = rating else {
                    continue;
                };
                let Some(org) = named.or_else(|| {
                    rated.get(&id).map(|l| {
                        l.replied_by_org_id
                            .or(l.holder_org_id)
                            .unwrap_or(l.received_org_id)
                    })
                }) else {
                    continue;
                };
                let rating = rating.satisfaction.as_str();
                ratings.push(Outcome {
                    id,
                    org_id: org,
                    at: e.at,
                    good: matches!(rating, "satisfied" | "basic"),
                });
                rework.push(Outcome {
                    id,
                    org_id: org,
                    at: e.at,
                    good: rating != "not_fixed",
                });
            } else if let Some(holder) = named.or_else(|| reviewed.get(&id).copied()) {
                rework.push(Outcome {
                    id,
                    org_id: holder,
                    at: e.at,
                    good: e.kind == "case.legal_review_passed",
                });
            }
        }
        let orders = supervision_order::Entity::find()
            .filter(supervision_order::Column::ToOrgId.eq(org))
            .filter(supervision_order::Column::IssuedAt.gte(p.from))
            .filter(supervision_order::Column::IssuedAt.lt(p.to))
            .order_by_asc(supervision_order::Column::Id)
            .all(self.db())
            .await?
            .into_iter()
            .map(|o| (o.id, o.to_org_id))
            .collect();
        Ok(Facts {
            clocks,
            cases,
            leads,
            ratings,
            assistance_ratings,
            rework,
            orders,
        })
    }
}
