//! Page: the command dashboard (一屏展示), live: it refreshes its figures when the record
//! changes (SSE `record` events), readable on a wall screen and on a phone; leaders and the
//! office send an instruction from it.

use super::*;
use crate::ops::dashboard::{self as dops, Dashboard};

page!(DashboardPage, "dashboard.html" {
    d: Dashboard,
    can_instruct: bool,
    orgs: Vec<(i64, String)>,
});

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/dashboard", get(page))
}

async fn page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    let d = dops::dashboard(&s, &ctx).await?;
    let can_instruct = ctx.can(Action::Instruct, &Target::org(ctx.actor.org_path.clone()));
    let orgs = if can_instruct {
        government_orgs(&s, &ctx, false).await
    } else {
        vec![]
    };
    ok(&DashboardPage {
        layout: Layout::new(&s, &ctx, &headers, "指挥大屏", "/dashboard").await,
        d,
        can_instruct,
        orgs,
    })
}
