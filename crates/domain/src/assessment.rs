//! Assessment (考核评价): per-org indicators over any period, each a ratio that keeps the ids
//! of the items behind it, so that a figure can be traced to its clocks, leads or cases and
//! from them to the events of the record. Definitions: `docs/assessment.md`.
//!
//! On-time rates follow the digital city-management standard's practice (按期结案率 = 按期结案数
//! ÷ (应结案数 − 缓办数)): a clock with an approved extension is a deferral and leaves the
//! denominator.

use crate::clock::ClockState;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A half-open period `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First instant in.
    pub from: DateTime<Utc>,
    /// First instant out.
    pub to: DateTime<Utc>,
}

impl Period {
    /// Whether an instant falls in the period.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }
}

/// Rules whose clocks measure a response (响应: signing for, replying, acknowledging,
/// sending officers); every other clock measures handling (处置).
pub const RESPONSE_RULES: &[&str] = &[
    "lead.sign_for",
    "transfer.accept_reply",
    "transfer.on_site_dispatch",
    "assistance_request.written_opinion",
    "assistance_request.urgent_on_site",
    "assistance_request.evidence_support",
    "supervision_order.respond",
    "instruction.acknowledge",
    "joint_operation.notified_unit_dispatch",
    "transfer.judicial_decide",
    "transfer.judicial_police_decide",
];

/// What a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Responding (响应).
    Response,
    /// Handling (处置).
    Handling,
}

/// What a clock's rule measures.
pub fn measure_of(rule_id: &str) -> Measure {
    if RESPONSE_RULES.contains(&rule_id) {
        Measure::Response
    } else {
        Measure::Handling
    }
}

/// A clock as assessment sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockFact {
    /// Clock id.
    pub id: i64,
    /// The org that had to act.
    pub holder_org_id: i64,
    /// Its rule.
    pub rule_id: String,
    /// The due time it was started with (before any extension).
    pub first_due: DateTime<Utc>,
    /// The due time now (after pauses and extensions).
    pub due_at: DateTime<Utc>,
    /// When it was satisfied or cancelled.
    pub closed_at: Option<DateTime<Utc>>,
    /// When it was marked breached.
    pub breached_at: Option<DateTime<Utc>>,
    /// Its state.
    pub state: ClockState,
    /// An extension was approved (a deferral, 缓办).
    pub extended: bool,
}

/// A ratio and the items behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ratio {
    /// Items counted in the numerator.
    pub numerator: u64,
    /// Items counted in the denominator.
    pub denominator: u64,
    /// Items that came due but were left out (approved deferrals).
    pub excluded: u64,
    /// Ids of the denominator's items.
    pub items: Vec<i64>,
    /// Ids of the numerator's items.
    pub hits: Vec<i64>,
}

impl Ratio {
    /// The rate, when there is a denominator.
    pub fn rate(&self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    fn count(&mut self, id: i64, hit: bool) {
        self.denominator += 1;
        self.items.push(id);
        if hit {
            self.numerator += 1;
            self.hits.push(id);
        }
    }
}

/// On-time rate (按期率) of an org's clocks of one measure: the clocks whose first due time
/// falls in the period, less cancelled ones and approved deferrals; on time = satisfied no
/// later than the due time.
pub fn on_time(facts: &[ClockFact], org: i64, measure: Measure, p: Period) -> Ratio {
    let mut r = Ratio::default();
    for c in facts.iter().filter(|c| {
        c.holder_org_id == org
            && measure_of(&c.rule_id) == measure
            && p.contains(c.first_due)
            && c.state != ClockState::Cancelled
    }) {
        if c.extended {
            r.excluded += 1;
            continue;
        }
        let on_time =
            c.state == ClockState::Satisfied && c.closed_at.is_some_and(|t| t <= c.due_at);
        r.count(c.id, on_time);
    }
    r
}

/// Extension (deferral) rate (延期率): of the org's clocks first due in the period (not
/// cancelled), those with an approved extension.
pub fn extension_rate(facts: &[ClockFact], org: i64, p: Period) -> Ratio {
    let mut r = Ratio::default();
    for c in facts.iter().filter(|c| {
        c.holder_org_id == org && p.contains(c.first_due) && c.state != ClockState::Cancelled
    }) {
        r.count(c.id, c.extended);
    }
    r
}

/// Overdue count (超时数): the org's clocks marked breached in the period.
pub fn overdue(facts: &[ClockFact], org: i64, p: Period) -> Vec<i64> {
    facts
        .iter()
        .filter(|c| c.holder_org_id == org && c.breached_at.is_some_and(|t| p.contains(t)))
        .map(|c| c.id)
        .collect()
}

/// Something filed or received, and whether it was finished, as the closure rate sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// Id (a case or a lead).
    pub id: i64,
    /// The org holding it.
    pub holder_org_id: i64,
    /// Filed or received.
    pub opened_at: DateTime<Utc>,
    /// Closed or finished.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Closure rate (结案率): of the org's items opened in the period, those closed by its end.
pub fn closure(items: &[Opened], org: i64, p: Period) -> Ratio {
    let mut r = Ratio::default();
    for i in items
        .iter()
        .filter(|i| i.holder_org_id == org && p.contains(i.opened_at))
    {
        r.count(i.id, i.closed_at.is_some_and(|t| t < p.to));
    }
    r
}

/// An outcome that counts for or against an org at a time: a rating (satisfied or not), a
/// legal review (passed or returned), a reply (standing or reopened as not fixed).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The item (lead, case, assistance request).
    pub id: i64,
    /// The org it is about.
    pub org_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Good (satisfied, passed, standing) or not.
    pub good: bool,
}

/// Share of good outcomes of an org in the period (satisfaction: satisfied or basically
/// satisfied ÷ rated).
pub fn good_share(outcomes: &[Outcome], org: i64, p: Period) -> Ratio {
    let mut r = Ratio::default();
    for o in outcomes
        .iter()
        .filter(|o| o.org_id == org && p.contains(o.at))
    {
        r.count(o.id, o.good);
    }
    r
}

/// Share of bad outcomes (rework rate: returned by legal review or reopened as not fixed ÷
/// reviewed or replied).
pub fn bad_share(outcomes: &[Outcome], org: i64, p: Period) -> Ratio {
    let mut r = Ratio::default();
    for o in outcomes
        .iter()
        .filter(|o| o.org_id == org && p.contains(o.at))
    {
        r.count(o.id, !o.good);
    }
    r
}

/// Whether a ratio has enough items to rank by (small samples mislead: they are listed
/// apart, not ranked).
pub fn rankable(r: &Ratio, min_items: u64) -> bool {
    r.denominator >= min_items.max(1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn clock(id: i64, rule: &str, due: DateTime<Utc>, closed: Option<DateTime<Utc>>) -> ClockFact {
        ClockFact {
            id,
            holder_org_id: 7,
            rule_id: rule.into(),
            first_due: due,
            due_at: due,
            closed_at: closed,
            breached_at: None,
            state: if closed.is_some() {
                ClockState::Satisfied
            } else {
                ClockState::Running
            },
            extended: false,
        }
    }

    /// November 2026 (UTC).
    fn nov() -> Period {
        Period {
            from: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn on_time_rates_are_net_of_deferrals_and_split_by_measure() {
        let mut facts = vec![
            // Responses: 1 on time, 1 late (breached then done), 1 still open past due.
            clock(1, "transfer.accept_reply", t(3, 9), Some(t(2, 9))),
            clock(2, "transfer.accept_reply", t(4, 9), Some(t(5, 9))),
            clock(3, "lead.sign_for", t(6, 9), None),
            // Handling: 1 on time, 1 deferred (extended), 1 cancelled, 1 due next month.
            clock(4, "transfer.send", t(10, 9), Some(t(10, 8))),
            clock(5, "transfer.send", t(11, 9), Some(t(20, 9))),
            clock(6, "transfer.send", t(12, 9), None),
            clock(
                7,
                "transfer.send",
                Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap(),
                None,
            ),
            // Another org's.
            ClockFact {
                holder_org_id: 8,
                ..clock(8, "transfer.send", t(10, 9), Some(t(10, 8)))
            },
        ];
        facts[1].breached_at = Some(t(4, 10));
        facts[1].state = ClockState::Satisfied;
        facts[2].breached_at = Some(t(6, 10));
        facts[2].state = ClockState::Breached;
        facts[4].extended = true;
        facts[4].due_at = t(25, 9);
        facts[5].state = ClockState::Cancelled;
        let r = on_time(&facts, 7, Measure::Response, nov());
        assert_eq!((r.numerator, r.denominator, r.excluded), (1, 3, 0));
        assert_eq!((r.items.clone(), r.hits.clone()), (vec![1, 2, 3], vec![1]));
        let h = on_time(&facts, 7, Measure::Handling, nov());
        assert_eq!((h.numerator, h.denominator, h.excluded), (1, 1, 1));
        assert_eq!(h.rate(), Some(1.0));
        let e = extension_rate(&facts, 7, nov());
        assert_eq!((e.numerator, e.denominator), (1, 5));
        assert_eq!(overdue(&facts, 7, nov()), vec![2, 3]);
        assert_eq!(on_time(&facts, 9, Measure::Handling, nov()).rate(), None);
    }

    #[test]
    fn closure_satisfaction_rework_and_small_samples() {
        let items = vec![
            Opened {
                id: 1,
                holder_org_id: 7,
                opened_at: t(2, 9),
                closed_at: Some(t(20, 9)),
            },
            Opened {
                id: 2,
                holder_org_id: 7,
                opened_at: t(3, 9),
                closed_at: Some(Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()),
            },
            Opened {
                id: 3,
                holder_org_id: 7,
                opened_at: t(4, 9),
                closed_at: None,
            },
            Opened {
                id: 4,
                holder_org_id: 7,
                opened_at: Utc.with_ymd_and_hms(2026, 10, 30, 9, 0, 0).unwrap(),
                closed_at: Some(t(2, 9)),
            },
        ];
        let c = closure(&items, 7, nov());
        assert_eq!(
            (c.numerator, c.denominator),
            (1, 3),
            "closed after the period does not count"
        );
        let ratings = vec![
            Outcome {
                id: 1,
                org_id: 7,
                at: t(5, 9),
                good: true,
            },
            Outcome {
                id: 2,
                org_id: 7,
                at: t(6, 9),
                good: false,
            },
            Outcome {
                id: 3,
                org_id: 7,
                at: t(7, 9),
                good: true,
            },
            Outcome {
                id: 4,
                org_id: 8,
                at: t(7, 9),
                good: false,
            },
        ];
        let s = good_share(&ratings, 7, nov());
        assert_eq!((s.numerator, s.denominator), (2, 3));
        let w = bad_share(&ratings, 7, nov());
        assert_eq!((w.numerator, w.hits.clone()), (1, vec![2]));
        assert!(rankable(&s, 3) && !rankable(&s, 4));
        assert!(!rankable(&Ratio::default(), 0), "nothing to rank by");
    }
}
