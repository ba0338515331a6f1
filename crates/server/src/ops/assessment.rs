//! Assessment (考核评价) of the orgs of the caller's government over a period: the indicators
//! of `docs/assessment.md`, a ranking by one of them (small samples listed apart), one org's
//! drill-down with the items behind each figure, and CSV/XLSX export.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiezhi_domain::assessment::{self as a, Measure, Period, Ratio};
use xiezhi_domain::{Action, OrgKind, Target};

/// A ratio as shown: numerator, denominator, rate (percent, one decimal), and the ids behind
/// it (drill-down only).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Figure {
    pub numerator: u64,
    pub denominator: u64,
    /// Left out of the denominator (approved deferrals).
    pub excluded: u64,
    /// Percent, when there is a denominator.
    pub percent: Option<f64>,
    /// Ids of the items counted (drill-down only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<i64>,
    /// Ids of the items in the numerator (drill-down only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hits: Vec<i64>,
}

impl Figure {
    fn of(r: Ratio, detail: bool) -> Figure {
        Figure {
            numerator: r.numerator,
            denominator: r.denominator,
            excluded: r.excluded,
            percent: r.rate().map(|x| (x * 1000.0).round() / 10.0),
            items: if detail { r.items } else { vec![] },
            hits: if detail { r.hits } else { vec![] },
        }
    }

    /// `20.0%（1/5）`, or `—` without a denominator.
    pub fn text(&self) -> String {
        match self.percent {
            Some(p) => format!("{p:.1}%（{}/{}）", self.numerator, self.denominator),
            None => "—".into(),
        }
    }
}

/// One org's indicators.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgAssessment {
    pub org_id: i64,
    pub org_name: String,
    /// Rank by the chosen indicator (none: too few items, listed apart).
    pub rank: Option<usize>,
    /// On-time response rate (按时响应率).
    pub response: Figure,
    /// On-time handling rate (按期处置率).
    pub handling: Figure,
    /// Extension (deferral) rate (延期率).
    pub extension: Figure,
    /// Clocks breached in the period (超时数).
    pub overdue: u64,
    /// Ids of those clocks (drill-down only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overdue_items: Vec<i64>,
    /// Supervision orders received (被督办数).
    pub orders: u64,
    /// Ids of those orders (drill-down only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order_items: Vec<i64>,
    /// Case closure rate (案件结案率).
    pub case_closure: Figure,
    /// Lead closure rate (线索办结率: answered).
    pub lead_closure: Figure,
    /// Satisfaction rate (满意率): reporters' ratings of the answers.
    pub satisfaction: Figure,
    /// The requesters' (townships') satisfaction with the org's answers to their assistance
    /// requests (协助满意率, seed 004 §三(三)3).
    pub assistance_satisfaction: Figure,
    /// Rework rate (返工率).
    pub rework: Figure,
}

/// The assessment of a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentView {
    /// First day (Beijing).
    pub from: String,
    /// Last day (Beijing), inclusive.
    pub to: String,
    /// The ranking indicator.
    pub by: String,
    /// Fewer items than this: listed apart, not ranked.
    pub min_sample: u64,
    pub ranked: Vec<OrgAssessment>,
    pub small: Vec<OrgAssessment>,
}

/// The period and ranking asked for.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, ToSchema)]
pub struct AssessmentQuery {
    /// First day, `YYYY-MM-DD` (Beijing); default the first of this month.
    pub from: Option<String>,
    /// Last day, inclusive; default today.
    pub to: Option<String>,
    /// `response`, `handling` (default), `case_closure`, `lead_closure` or `satisfaction`.
    pub by: Option<String>,
    /// Minimum items to be ranked (default 10).
    pub min: Option<u64>,
    /// `csv` or `xlsx` to download.
    pub format: Option<String>,
}

fn beijing_midnight(d: NaiveDate) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .and_then(|tz| {
            tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
                .single()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// A day of a query: `YYYY-MM-DD` in the years an assessment can be about (a far-future
/// date such as `+262142-12-01` is refused, not overflowed).
fn day(s: &Option<String>, field: &'static str, default: NaiveDate) -> Result<NaiveDate, AppError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .ok()
            .filter(|d| (2000..=2100).contains(&d.year()))
            .ok_or_else(|| AppError::invalid(field, "日期格式应为 2026-11-30（2000 至 2100 年）")),
    }
}

/// The period of a query: Beijing days, the last one included.
pub(crate) fn period(
    ctx: &Ctx,
    q: &AssessmentQuery,
) -> Result<(NaiveDate, NaiveDate, Period), AppError> {
    let today = xiezhi_domain::beijing::day(ctx.now());
    let first = today.with_day(1).unwrap_or(today);
    let from = day(&q.from, "from", first)?;
    let to = day(&q.to, "to", today)?;
    if to < from {
        return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
    }
    if (to - from).num_days() > 3700 {
        return Err(AppError::invalid("from", "考核期间不超过十年"));
    }
    Ok((
        from,
        to,
        Period {
            from: beijing_midnight(from),
            to: beijing_midnight(to + chrono::Duration::days(1)),
        },
    ))
}

/// One org's indicators with the items behind each (the drill-down).
fn org_figures(
    facts: &xiezhi_store::assessment::Facts,
    org: &xiezhi_store::entities::org::Model,
    p: Period,
) -> OrgAssessment {
    let f = |r: Ratio| Figure::of(r, true);
    let overdue = a::overdue(&facts.clocks, org.id, p);
    let orders: Vec<i64> = facts
        .orders
        .iter()
        .filter(|o| o.1 == org.id)
        .map(|o| o.0)
        .collect();
    OrgAssessment {
        org_id: org.id,
        org_name: org.name.clone(),
        rank: None,
        response: f(a::on_time(&facts.clocks, org.id, Measure::Response, p)),
        handling: f(a::on_time(&facts.clocks, org.id, Measure::Handling, p)),
        extension: f(a::extension_rate(&facts.clocks, org.id, p)),
        overdue: overdue.len() as u64,
        overdue_items: overdue,
        orders: orders.len() as u64,
        order_items: orders,
        case_closure: f(a::closure(&facts.cases, org.id, p)),
        lead_closure: f(a::closure(&facts.leads, org.id, p)),
        satisfaction: f(a::good_share(&facts.ratings, org.id, p)),
        assistance_satisfaction: f(a::good_share(&facts.assistance_ratings, org.id, p)),
        rework: f(a::bad_share(&facts.rework, org.id, p)),
    }
}

/// One org's indicators as counts (the ranking).
fn org_counts(
    c: xiezhi_store::assessment::Counts,
    org: &xiezhi_store::entities::org::Model,
) -> OrgAssessment {
    let f = |r: Ratio| Figure::of(r, false);
    OrgAssessment {
        org_id: org.id,
        org_name: org.name.clone(),
        rank: None,
        response: f(c.response),
        handling: f(c.handling),
        extension: f(c.extension),
        overdue: c.overdue,
        overdue_items: vec![],
        orders: c.orders,
        order_items: vec![],
        case_closure: f(c.case_closure),
        lead_closure: f(c.lead_closure),
        satisfaction: f(c.satisfaction),
        assistance_satisfaction: f(c.assistance_satisfaction),
        rework: f(c.rework),
    }
}

fn key<'a>(o: &'a OrgAssessment, by: &str) -> &'a Figure {
    match by {
        "response" => &o.response,
        "case_closure" => &o.case_closure,
        "lead_closure" => &o.lead_closure,
        "satisfaction" => &o.satisfaction,
        _ => &o.handling,
    }
}

/// Orgs assessed: the enforcement bodies of the government (not the government, its
/// leading group or its office).
async fn assessed_orgs(
    s: &AppState,
    ctx: &Ctx,
) -> Result<Vec<xiezhi_store::entities::org::Model>, AppError> {
    ctx.authorize(
        Action::ViewAssessment,
        &Target::org(ctx.actor.government_path.clone()),
    )?;
    Ok(s.store
        .orgs_under(&ctx.actor.government_path)
        .await?
        .into_iter()
        .filter(|o| {
            !matches!(
                OrgKind::parse(&o.kind),
                Some(OrgKind::Government | OrgKind::LeadingGroup | OrgKind::CoordinationOffice)
            )
        })
        .collect())
}

/// The assessment of the caller's government's orgs over a period, ranked.
pub async fn assess(
    s: &AppState,
    ctx: &Ctx,
    q: &AssessmentQuery,
) -> Result<AssessmentView, AppError> {
    let orgs = assessed_orgs(s, ctx).await?;
    let by = q.by.clone().unwrap_or_else(|| "handling".into());
    if ![
        "response",
        "handling",
        "case_closure",
        "lead_closure",
        "satisfaction",
    ]
    .contains(&by.as_str())
    {
        return Err(AppError::invalid(
            "by",
            "排名指标应为 response、handling、case_closure、lead_closure 或 satisfaction",
        ));
    }
    let min = q.min.unwrap_or(10);
    let (from, to, p) = period(ctx, q)?;
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let mut counts = s.store.assessment_counts(p, &ids).await?;
    let (mut ranked, small): (Vec<_>, Vec<_>) = orgs
        .iter()
        .map(|o| org_counts(counts.remove(&o.id).unwrap_or_default(), o))
        .partition(|o| key(o, &by).denominator >= min.max(1));
    ranked.sort_by(|x, y| {
        let (a, b) = (key(x, &by), key(y, &by));
        b.percent
            .partial_cmp(&a.percent)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.denominator.cmp(&a.denominator))
    });
    for (i, o) in ranked.iter_mut().enumerate() {
        o.rank = Some(i + 1);
    }
    Ok(AssessmentView {
        from: from.to_string(),
        to: to.to_string(),
        by,
        min_sample: min,
        ranked,
        small,
    })
}

/// One org's indicators with the items behind each.
pub async fn drill(
    s: &AppState,
    ctx: &Ctx,
    org_id: i64,
    q: &AssessmentQuery,
) -> Result<OrgAssessment, AppError> {
    let orgs = assessed_orgs(s, ctx).await?;
    let asked = s.store.org(org_id).await?;
    let org = orgs
        .iter()
        .find(|o| o.id == asked.id)
        .ok_or(AppError::Forbidden(xiezhi_domain::Refusal::OutOfScope))?;
    let (_, _, p) = period(ctx, q)?;
    let facts = s.store.assessment_facts(p, org.id).await?;
    Ok(org_figures(&facts, org, p))
}

/// The assessment as CSV (for the XLSX export too).
pub fn csv(v: &AssessmentView) -> String {
    let mut w = csv::Writer::from_writer(vec![]);
    let _ = w.write_record([
        "排名",
        "机构",
        "按时响应率",
        "按期处置率（不含缓办）",
        "缓办",
        "延期率",
        "超时数",
        "被督办数",
        "案件结案率",
        "线索办结率",
        "满意率",
        "协助满意率",
        "返工率",
    ]);
    for o in v.ranked.iter().chain(v.small.iter()) {
        let _ = w.write_record([
            o.rank
                .map(|r| r.to_string())
                .unwrap_or_else(|| "样本不足".into()),
            o.org_name.clone(),
            o.response.text(),
            o.handling.text(),
            o.handling.excluded.to_string(),
            o.extension.text(),
            o.overdue.to_string(),
            o.orders.to_string(),
            o.case_closure.text(),
            o.lead_closure.text(),
            o.satisfaction.text(),
            o.assistance_satisfaction.text(),
            o.rework.text(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
