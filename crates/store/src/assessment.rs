//! Facts for assessment (考核评价), read from the clocks, cases, leads, supervision orders and
//! the event record of a period; `domain::assessment` turns them into indicators.

use crate::entities::{case, clock, event, lead, supervision_order};
use crate::{Store, StoreError};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use xiezhi_domain::assessment::{ClockFact, Opened, Outcome, Period};
use xiezhi_domain::clock::{ClockState, Extension};

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

impl Store {
    /// The facts of a period.
    pub async fn assessment_facts(&self, p: Period) -> Result<Facts, StoreError> {
        let clocks = clock::Entity::find()
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
            .all(self.db())
            .await?
            .into_iter()
            .map(|c| {
                let ext: Vec<Extension> = serde_json::from_str(&c.extensions).unwrap_or_default();
                ClockFact {
                    id: c.id,
                    holder_org_id: c.holder_org_id,
                    rule_id: c.rule_id,
                    first_due: ext.first().map(|e| e.old_due).unwrap_or(c.due_at),
                    due_at: c.due_at,
                    closed_at: c.closed_at,
                    breached_at: c.breached_at,
                    state: ClockState::parse(&c.state).unwrap_or(ClockState::Running),
                    extended: !ext.is_empty(),
                }
            })
            .collect();
        let cases = case::Entity::find()
            .filter(case::Column::FiledAt.gte(p.from))
            .filter(case::Column::FiledAt.lt(p.to))
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
            .filter(lead::Column::DuplicateOf.is_null())
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
        let events = event::Entity::find()
            .filter(event::Column::At.gte(p.from))
            .filter(event::Column::At.lt(p.to))
            .filter(event::Column::Kind.is_in([
                "lead.rated",
                "assistance.rated",
                "case.legal_review_passed",
                "case.legal_review_failed",
            ]))
            .all(self.db())
            .await?;
        // The leads and cases the events are about, read once.
        let ids = |prefix: &str| -> Vec<i64> {
            events
                .iter()
                .filter(|e| e.kind.starts_with(prefix))
                .filter_map(|e| e.subject_id.parse().ok())
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
        let mut assistance_ratings = vec![];
        let mut rework = vec![];
        for e in events {
            let Ok(id) = e.subject_id.parse::<i64>() else {
                continue;
            };
            if e.kind == "lead.rated" {
                let Some(l) = rated.get(&id) else {
                    continue;
                };
                let org = l
                    .replied_by_org_id
                    .or(l.holder_org_id)
                    .unwrap_or(l.received_org_id);
                let rating = serde_json::from_str::<serde_json::Value>(&e.payload)
                    .ok()
                    .and_then(|v| v["satisfaction"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                ratings.push(Outcome {
                    id,
                    org_id: org,
                    at: e.at,
                    good: matches!(rating.as_str(), "satisfied" | "basic"),
                });
                rework.push(Outcome {
                    id,
                    org_id: org,
                    at: e.at,
                    good: rating != "not_fixed",
                });
            } else if e.kind == "assistance.rated" {
                let v = serde_json::from_str::<serde_json::Value>(&e.payload).unwrap_or_default();
                let (Some(org), Some(rating)) =
                    (v["to_org_id"].as_i64(), v["satisfaction"].as_str())
                else {
                    continue;
                };
                assistance_ratings.push(Outcome {
                    id,
                    org_id: org,
                    at: e.at,
                    good: matches!(rating, "satisfied" | "basic"),
                });
            } else if let Some(&holder) = reviewed.get(&id) {
                rework.push(Outcome {
                    id,
                    org_id: holder,
                    at: e.at,
                    good: e.kind == "case.legal_review_passed",
                });
            }
        }
        let orders = supervision_order::Entity::find()
            .filter(supervision_order::Column::IssuedAt.gte(p.from))
            .filter(supervision_order::Column::IssuedAt.lt(p.to))
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
