//! Pages: the assessment ranking (考核排名) of a period and one org's drill-down with the
//! items behind each figure.

use super::*;
use crate::ops::assessment::{
    self as aops, AssessmentQuery, AssessmentView, Figure, OrgAssessment,
};

page!(AssessmentPage, "assessment.html" {
    v: AssessmentView,
    query: String,
    sections: Vec<(&'static str, Vec<OrgAssessment>)>,
});
page!(AssessmentOrgPage, "assessment_org.html" {
    o: OrgAssessment,
    query: String,
    from: String,
    to: String,
    figures: Vec<(&'static str, Figure, &'static str)>,
});

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/assessment", get(ranking))
        .route("/assessment/orgs/{id}", get(org))
}

fn query_string(q: &AssessmentQuery) -> String {
    let mut parts = vec![];
    for (k, v) in [("from", &q.from), ("to", &q.to), ("by", &q.by)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", urlencoding::encode(v)));
        }
    }
    if let Some(m) = q.min {
        parts.push(format!("min={m}"));
    }
    parts.join("&")
}

async fn ranking(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiQuery(q): UiQuery<AssessmentQuery>,
) -> UiResult {
    let v = aops::assess(&s, &ctx, &q).await?;
    ok(&AssessmentPage {
        layout: Layout::new(&s, &ctx, &headers, "考核评价", "/assessment").await,
        query: query_string(&q),
        sections: vec![
            ("排名", v.ranked.clone()),
            ("样本不足，不参与排名", v.small.clone()),
        ],
        v,
    })
}

async fn org(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
    UiQuery(q): UiQuery<AssessmentQuery>,
) -> UiResult {
    let (from, to, _) = aops::period(&ctx, &q)?;
    let (from, to) = (from.to_string(), to.to_string());
    let o = aops::drill(&s, &ctx, id, &q).await?;
    ok(&AssessmentOrgPage {
        layout: Layout::new(
            &s,
            &ctx,
            &headers,
            &format!("考核评价：{}", o.org_name),
            "/assessment",
        )
        .await,
        query: query_string(&q),
        from,
        to,
        figures: vec![
            ("按时响应率（响应类时限）", o.response.clone(), "/clocks/"),
            (
                "按期处置率（处置类时限，不含缓办）",
                o.handling.clone(),
                "/clocks/",
            ),
            ("延期率", o.extension.clone(), "/clocks/"),
            ("案件结案率", o.case_closure.clone(), "/cases/"),
            ("线索办结率", o.lead_closure.clone(), "/leads/"),
            ("满意率（举报人评价）", o.satisfaction.clone(), "/leads/"),
            (
                "协助满意率（请求单位对本单位答复的评价）",
                o.assistance_satisfaction.clone(),
                "/assistance/",
            ),
        ],
        o,
    })
}
