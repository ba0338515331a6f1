//! Pages: assistance requests (list with the form to send one, the request page with the
//! steps of each side).

use super::*;
use crate::ops::acting::may_act;
use crate::ops::assistance::{self as aops, AssistanceInput, AssistanceStepInput, AssistanceView};

page!(AssistanceListPage, "assistance.html" {
    items: Vec<AssistanceView>,
    orgs: Vec<(i64, String)>,
    can_send: bool,
    kinds: Vec<(&'static str, &'static str)>,
});
page!(AssistancePage, "assistance_detail.html" { a: AssistanceView });

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/assistance", get(list_page).post(send))
        .route("/assistance/{id}", get(detail_page))
        .route("/assistance/{id}/steps", post(step))
        .route("/assistance/{id}/rating", post(rate))
}

async fn list_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    let items = aops::list(&s, &ctx).await?;
    // A township asks any body of its county (乡镇吹哨、部门报到).
    let orgs = s
        .store
        .orgs_under(&ctx.tree_path())
        .await
        .unwrap_or_default();
    let own = orgs.iter().find(|o| o.id == ctx.actor.org_id).cloned();
    ok(&AssistanceListPage {
        layout: Layout::new(&s, &ctx, &headers, "协助请求", "/assistance").await,
        items,
        can_send: own.is_some_and(|o| may_act(&ctx, Action::HandleCase, &o)),
        orgs: orgs
            .iter()
            .filter(|o| o.active && o.id != ctx.actor.org_id && super::transfers::enforces(o))
            .map(|o| (o.id, o.name.clone()))
            .collect(),
        kinds: xiezhi_domain::assistance::AssistanceKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
    })
}

/// The send form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
struct SendForm {
    #[serde(default)]
    to_org_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    urgent: Option<String>,
}

async fn send(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    CsrfForm(f): CsrfForm<SendForm>,
) -> UiResult {
    let Ok(to) = f.to_org_id.trim().parse::<i64>() else {
        return Err(AppError::invalid("to_org_id", "请选择被请求机构").into());
    };
    let input = AssistanceInput {
        to_org_id: to,
        case_id: None,
        kind: f.kind.clone(),
        text: f.text.clone(),
        urgent: f.urgent.is_some(),
    };
    let a = aops::send(&s, &ctx, &input).await?;
    Ok(flash_redirect(
        &format!("/assistance/{}", a.id),
        "协助函已发出",
        &ctx.meta,
    ))
}

async fn detail_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let a = aops::get(&s, &ctx, id).await?;
    ok(&AssistancePage {
        layout: Layout::new(
            &s,
            &ctx,
            &headers,
            &format!("协助请求 {}", a.id),
            "/assistance",
        )
        .await,
        a,
    })
}

async fn step(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<AssistanceStepInput>,
) -> UiResult {
    let input = AssistanceStepInput {
        new_due: f.new_due.clone().filter(|d| !d.trim().is_empty()),
        ..f
    };
    let r = aops::step(&s, &ctx, id, &input).await;
    done(&ctx, r, &format!("/assistance/{id}"), "已办理")
}

async fn rate(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<aops::RatingInput>,
) -> UiResult {
    let r = aops::rate(&s, &ctx, id, &f).await;
    done(&ctx, r, &format!("/assistance/{id}"), "已评价")
}
