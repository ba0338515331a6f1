//! The command dashboard (一屏展示) for the coordination office and leaders: the figures of
//! their government's open work, with charts drawn as SVG on the server (no chart service,
//! no CDN), each figure linking to the list behind it.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use xiezhi_domain::{Action, Target};

/// A figure: its label, value and the list behind it.
#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    pub label: &'static str,
    pub value: u64,
    pub href: String,
    /// Shown in warning colours when not zero.
    pub alarm: bool,
}

/// The dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub tiles: Vec<Tile>,
    /// Open leads and cases by org (SVG).
    pub by_org_svg: String,
    /// Leads per day over 30 days (SVG).
    pub trend_svg: String,
    /// Today's intake by channel.
    pub today: Vec<(String, u64)>,
    /// When it was computed (Beijing time).
    pub at: String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal stacked bars (two series) with a link per row.
pub fn bars_svg(rows: &[(String, u64, u64, String)], a: &str, b: &str) -> String {
    let row_h = 26;
    let label_w = 190;
    let bar_w = 360.0;
    let max = rows.iter().map(|r| r.1 + r.2).max().unwrap_or(0).max(1) as f64;
    let h = 30 + rows.len() as i32 * row_h;
    let mut svg = format!(
        r##"<svg viewBox="0 0 {} {h}" width="100%" role="img" aria-label="{} / {}" xmlns="http://www.w3.org/2000/svg" font-size="13">"##,
        label_w + 420,
        esc(a),
        esc(b)
    );
    let _ = write!(
        svg,
        r##"<rect x="{label_w}" y="4" width="12" height="12" fill="#2563eb"/><text x="{}" y="15">{}</text><rect x="{}" y="4" width="12" height="12" fill="#f97316"/><text x="{}" y="15">{}</text>"##,
        label_w + 16,
        esc(a),
        label_w + 110,
        label_w + 126,
        esc(b)
    );
    for (i, (label, x, y, href)) in rows.iter().enumerate() {
        let top = 26 + i as i32 * row_h;
        let wx = *x as f64 / max * bar_w;
        let wy = *y as f64 / max * bar_w;
        let _ = write!(
            svg,
            r##"<a href="{}"><text x="{}" y="{}" text-anchor="end">{}</text><rect x="{label_w}" y="{}" width="{wx:.1}" height="16" fill="#2563eb"/><rect x="{:.1}" y="{}" width="{wy:.1}" height="16" fill="#f97316"/><text x="{:.1}" y="{}">{x} / {y}</text></a>"##,
            esc(href),
            label_w - 8,
            top + 13,
            esc(label),
            top,
            label_w as f64 + wx,
            top,
            label_w as f64 + wx + wy + 6.0,
            top + 13,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Columns per day.
pub fn columns_svg(days: &[(NaiveDate, u64)]) -> String {
    let w = 640.0;
    let h = 180.0;
    let max = days.iter().map(|d| d.1).max().unwrap_or(0).max(1) as f64;
    let n = days.len().max(1) as f64;
    let col = (w - 40.0) / n;
    let mut svg = format!(
        r##"<svg viewBox="0 0 {w} {}" width="100%" role="img" aria-label="近30日线索量" xmlns="http://www.w3.org/2000/svg" font-size="11">"##,
        h + 30.0
    );
    let _ = write!(
        svg,
        r##"<line x1="30" y1="{h}" x2="{w}" y2="{h}" stroke="#9ca3af"/><text x="0" y="12">{max}</text>"##
    );
    for (i, (d, v)) in days.iter().enumerate() {
        let bh = *v as f64 / max * (h - 20.0);
        let x = 34.0 + i as f64 * col;
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#0891b2"><title>{} {v}</title></rect>"##,
            h - bh,
            (col - 3.0).max(1.0),
            d.format("%m-%d")
        );
        if i % 5 == 0 || i + 1 == days.len() {
            let _ = write!(
                svg,
                r##"<text x="{x:.1}" y="{}">{}</text>"##,
                h + 16.0,
                d.format("%m-%d")
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The dashboard of the caller's government (leaders, the office, auditors).
pub async fn dashboard(s: &AppState, ctx: &Ctx) -> Result<Dashboard, AppError> {
    ctx.authorize(
        Action::ViewCommand,
        &Target::org(ctx.actor.government_path.clone()),
    )?;
    let orgs = s.store.orgs_under(&ctx.actor.government_path).await?;
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let now = ctx.now();
    let today = xiezhi_domain::beijing::day(now);
    let midnight = |d: NaiveDate| {
        chrono::FixedOffset::east_opt(8 * 3600)
            .and_then(|tz| tz.from_local_datetime(&d.and_time(NaiveTime::MIN)).single())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now)
    };
    let first = today - Duration::days(29);
    let f = s
        .store
        .dashboard_facts(&ids, now, midnight(today), midnight(first))
        .await?;
    let sum = |m: &BTreeMap<i64, u64>| m.values().sum::<u64>();
    let tiles = vec![
        Tile {
            label: "未办结线索",
            value: sum(&f.open_leads),
            href: "/leads?open=true".into(),
            alarm: false,
        },
        Tile {
            label: "在办案件",
            value: sum(&f.open_cases),
            href: "/cases?open=true".into(),
            alarm: false,
        },
        Tile {
            label: "临期时限",
            value: sum(&f.due_soon),
            href: "/clocks?soon=true".into(),
            alarm: sum(&f.due_soon) > 0,
        },
        Tile {
            label: "超时时限",
            value: sum(&f.breached),
            href: "/clocks?state=breached".into(),
            alarm: sum(&f.breached) > 0,
        },
        Tile {
            label: "督办中",
            value: f.orders_open,
            href: "/clocks?rule=supervision_order.respond".into(),
            alarm: f.orders_open > 0,
        },
        Tile {
            label: "移送待受理",
            value: f.transfers_waiting,
            href: "/transfers?status=sent".into(),
            alarm: false,
        },
        Tile {
            label: "管辖争议",
            value: f.disputes_open,
            href: "/transfers#disputes".into(),
            alarm: f.disputes_open > 0,
        },
        Tile {
            label: "联合执法实施中",
            value: f.operations_running,
            href: "/operations".into(),
            alarm: false,
        },
    ];
    let mut rows: Vec<(String, u64, u64, String)> = orgs
        .iter()
        .filter_map(|o| {
            let l = f.open_leads.get(&o.id).copied().unwrap_or(0);
            let c = f.open_cases.get(&o.id).copied().unwrap_or(0);
            (l + c > 0).then(|| {
                (
                    o.name.clone(),
                    l,
                    c,
                    format!("/leads?org={}&open=true", o.id),
                )
            })
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1 + r.2));
    rows.truncate(20);
    let days: Vec<(NaiveDate, u64)> = (0..30)
        .map(|i| {
            let d = first + Duration::days(i);
            (d, f.per_day.get(&d).copied().unwrap_or(0))
        })
        .collect();
    let channel = |c: &str| {
        xiezhi_domain::lead::Channel::parse(c)
            .map(|x| x.label().to_owned())
            .unwrap_or_else(|| c.to_owned())
    };
    Ok(Dashboard {
        tiles,
        by_org_svg: bars_svg(&rows, "未办结线索", "在办案件"),
        trend_svg: columns_svg(&days),
        today: f
            .today_by_channel
            .iter()
            .map(|(c, n)| (channel(c), *n))
            .collect(),
        at: crate::beijing_time(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_scale_to_the_largest_value() {
        let svg = bars_svg(
            &[
                ("城东<街道>".into(), 3, 1, "/x?a=1&b=2".into()),
                ("市场监管".into(), 1, 0, "/y".into()),
            ],
            "线索",
            "案件",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("城东&lt;街道&gt;") && svg.contains("/x?a=1&amp;b=2"));
        assert!(
            svg.contains(r#"width="270.0""#),
            "3 of 4 on a 360 scale: {svg}"
        );
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let cols = columns_svg(&[(day, 0), (day + Duration::days(1), 4)]);
        assert!(cols.contains("12-02 4") && cols.contains(r#"height="160.0""#));
        assert!(columns_svg(&[]).ends_with("</svg>"));
    }
}
