//! Pages: the inbox, clocks, rules in force, the calendar.

use super::*;
use crate::ops::clocks::{self as cops, *};

page!(InboxPage, "inbox.html" { clocks: Vec<ClockView>, orgs: Vec<OrgView>, org_id: i64 });
page!(ClocksPage, "clocks.html" {
    page: Page_<ClockView>, pager: Pager, q: ClockQuery, orgs: Vec<OrgView>, states: Vec<(&'static str, &'static str)>,
});
page!(ClockPage, "clock_detail.html" { c: ClockView, order: Option<OrderView>, can_manage: bool, can_extend: bool, can_cancel: bool, can_audit: bool });
page!(RulesPage, "rules.html" { r: RulesInForce, orgs: Vec<OrgView>, profiles: Vec<ProfileView>, can_manage: bool });
page!(CalendarPage, "calendar.html" {
    years: CalendarYears, can_manage: bool, text: String, year: String, replace: bool,
    error: Option<String>, preview: Option<CalendarLoadView>,
});

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/inbox", get(inbox_page))
        .route("/clocks", get(clocks_page))
        .route("/clocks/recompute", post(recompute))
        .route("/clocks/{id}", get(clock_page))
        .route("/clocks/{id}/commands", post(command))
        .route("/clocks/{id}/answer", post(answer))
        .route("/rules", get(rules_page))
        .route("/rules/assign", post(assign))
        .route("/calendar", get(calendar_page))
        .route("/calendar/years", post(load_year))
}

async fn visible_orgs(s: &AppState, ctx: &Ctx) -> Vec<OrgView> {
    ops::list_orgs(s, ctx)
        .await
        .map(|o| o.iter().map(OrgView::from).collect())
        .unwrap_or_default()
}

async fn inbox_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiQuery(q): UiQuery<InboxQuery>,
) -> UiResult {
    let org_id = q.org_id.unwrap_or(ctx.actor.org_id);
    let clocks = cops::inbox(
        &s,
        &ctx,
        &InboxQuery {
            org_id: Some(org_id),
        },
    )
    .await?;
    ok(&InboxPage {
        layout: Layout::new(&s, &ctx, &headers, "机构待办", "/clocks").await,
        clocks,
        orgs: visible_orgs(&s, &ctx).await,
        org_id,
    })
}

async fn clocks_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<ClockQuery>,
) -> UiResult {
    let mut q = q;
    if q.state.is_none() {
        q.state = Some("open".into());
    }
    let page = cops::list_clocks(&s, &ctx, &q).await?;
    ok(&ClocksPage {
        layout: Layout::new(&s, &ctx, &headers, "时限监控", "/clocks").await,
        pager: Pager::new(&page, uri.query().unwrap_or_default()),
        page,
        q,
        orgs: visible_orgs(&s, &ctx).await,
        states: vec![
            ("open", "未办结（含超时）"),
            ("running", "计时中"),
            ("paused", "已暂停"),
            ("breached", "已超时"),
            ("satisfied", "已办结"),
            ("cancelled", "已撤销"),
        ],
    })
}

async fn clock_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let c = cops::get_clock(&s, &ctx, id).await?;
    let path = s.store.org(c.holder_org_id).await?.path;
    let t = Target::org(path);
    let order = cops::order_of(&s, &c).await?;
    ok(&ClockPage {
        order,
        layout: Layout::new(
            &s,
            &ctx,
            &headers,
            &format!("时限：{}", c.rule_name),
            "/clocks",
        )
        .await,
        can_manage: ctx.can(Action::ManageClock, &t),
        can_extend: ctx.can(Action::ExtendClock, &t),
        can_cancel: ctx.can(Action::CancelClock, &t),
        can_audit: ctx.can(
            Action::ViewEvents,
            &Target::org(ctx.actor.government_path.clone()),
        ),
        c,
    })
}

async fn command(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<ClockCommandInput>,
) -> UiResult {
    let r = cops::command_clock(&s, &ctx, id, &f).await;
    done(&ctx, r, &format!("/clocks/{id}"), "已保存")
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
}

async fn answer(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> UiResult {
    let r = cops::answer_order(&s, &ctx, id, &f.answer).await;
    done(&ctx, r, &format!("/clocks/{id}"), "已答复督办，督办办结")
}

async fn rules_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiQuery(q): UiQuery<OrgQuery>,
) -> UiResult {
    let r = cops::rules_for(&s, &ctx, &q).await?;
    let profiles = cops::profiles(&s, &ctx).await?;
    let can_manage = match s.store.org(r.org_id).await {
        Ok(o) => ctx.can(Action::ManageRules, &Target::org(o.path)),
        Err(_) => false,
    };
    ok(&RulesPage {
        layout: Layout::new(&s, &ctx, &headers, "时限规则", "/rules").await,
        r,
        orgs: visible_orgs(&s, &ctx).await,
        profiles,
        can_manage,
    })
}

#[derive(Deserialize)]
struct AssignForm {
    org_id: i64,
    profile_id: String,
}

async fn assign(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    CsrfForm(f): CsrfForm<AssignForm>,
) -> UiResult {
    let r = cops::assign_profile(
        &s,
        &ctx,
        f.org_id,
        &ProfileInput {
            profile_id: f.profile_id,
        },
    )
    .await;
    done(
        &ctx,
        r,
        &format!("/rules?org_id={}", f.org_id),
        "规则配置已选用",
    )
}

/// The calendar form as typed.
#[derive(Debug, Default, Deserialize)]
struct CalendarForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    year: String,
    replace: Option<String>,
    confirm: Option<String>,
}

async fn calendar_view(
    s: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    form: CalendarForm,
    error: Option<String>,
    preview: Option<CalendarLoadView>,
) -> UiResult {
    let top = s
        .store
        .top_org()
        .await
        .ok()
        .flatten()
        .map(|o| o.path)
        .unwrap_or_else(|| "/".into());
    let years = cops::calendar_years(s, ctx).await?;
    Ok(render(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &CalendarPage {
            layout: Layout::new(s, ctx, headers, "工作日历", "/calendar").await,
            years,
            can_manage: ctx.can(Action::ManageRules, &Target::org(top)),
            text: form.text,
            year: form.year,
            replace: form.replace.is_some(),
            error,
            preview,
        },
    ))
}

async fn calendar_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
) -> UiResult {
    calendar_view(&s, &ctx, &headers, CalendarForm::default(), None, None).await
}

/// Read the notice and show it for confirmation; load it once confirmed.
async fn load_year(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<CalendarForm>,
) -> UiResult {
    let year = match f.year.trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                let e = format!("年份应为四位数字，如 2027，而不是“{y}”");
                return calendar_view(&s, &ctx, &headers, f, Some(e), None).await;
            }
        },
    };
    let q = CalendarLoadQuery {
        year,
        replace: f.replace.is_some(),
        preview: f.confirm.is_none(),
    };
    match cops::load_calendar_year(&s, &ctx, &f.text, &q).await {
        Ok(view) if !view.loaded => calendar_view(&s, &ctx, &headers, f, None, Some(view)).await,
        Ok(view) => {
            let moved = match view.moved.len() {
                0 => "没有计时中的时限因此改变期限".to_owned(),
                n => format!("{n} 个计时中的时限期限随之调整，已在承办人的待办中注明"),
            };
            Ok(flash_redirect(
                "/calendar",
                &format!("已导入 {} 年放假安排；{moved}", view.year),
                &ctx.meta,
            ))
        }
        Err(e @ AppError::Invalid { .. }) => {
            let message = match &e {
                AppError::Invalid { message, .. } => message.clone(),
                _ => e.to_string(),
            };
            calendar_view(&s, &ctx, &headers, f, Some(message), None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn recompute(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    let n = cops::recompute(&s, &ctx).await?;
    Ok(flash_redirect(
        "/calendar",
        &format!("已重新计算，{n} 个时限的期限有变化"),
        &ctx.meta,
    ))
}
