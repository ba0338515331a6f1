//! Pages: instructions (指令) — the composer and receipts for leaders and the office, the
//! received list with acknowledge and report for everyone addressed.

use super::*;
use crate::ops::instructions::{self as iops, InstructionInput, InstructionLists, InstructionView};
use xiezhi_domain::instruction::ReceiptCommand;

page!(InstructionListPage, "instructions.html" {
    lists: InstructionLists,
    can_send: bool,
    orgs: Vec<(i64, String)>,
    people: Vec<PersonChoice>,
});
page!(InstructionPage, "instruction_detail.html" { i: InstructionView });

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/instructions", get(list_page).post(send))
        .route("/instructions/{id}", get(detail_page))
        .route("/instructions/{id}/acknowledge", post(acknowledge))
        .route("/instructions/{id}/complete", post(complete))
}

async fn list_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    let lists = iops::list(&s, &ctx).await?;
    let can_send = ctx.can(Action::Instruct, &Target::org(ctx.actor.org_path.clone()));
    let orgs = if can_send {
        government_orgs(&s, &ctx, false).await
    } else {
        vec![]
    };
    ok(&InstructionListPage {
        layout: Layout::new(&s, &ctx, &headers, "指令", "/instructions").await,
        lists,
        people: if can_send {
            people_for_select(&s, &ctx).await
        } else {
            vec![]
        },
        can_send,
        orgs,
    })
}

/// The composer as filled in: orgs and people ticked, the due time from a `datetime-local`
/// field.
#[derive(Debug, Clone, Default, Deserialize)]
struct SendForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    to_orgs: Vec<String>,
    #[serde(default)]
    to_people: Vec<String>,
    #[serde(default)]
    due_at: String,
    #[serde(default)]
    attachment: String,
}

async fn send(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    CsrfForm(f): CsrfForm<SendForm>,
) -> UiResult {
    let to_people = picked_ids(&f.to_people, "to_people")?;
    let input = InstructionInput {
        body: f.body.clone(),
        to_orgs: f.to_orgs.iter().filter_map(|o| o.parse().ok()).collect(),
        to_people,
        due_at: Some(f.due_at.clone()).filter(|d| !d.trim().is_empty()),
        attachments: Some(f.attachment.trim().to_owned())
            .filter(|d| !d.is_empty())
            .into_iter()
            .collect(),
    };
    let i = iops::send(&s, &ctx, &input).await?;
    Ok(flash_redirect(
        &format!("/instructions/{}", i.id),
        "指令已下达",
        &ctx.meta,
    ))
}

async fn detail_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let i = iops::get(&s, &ctx, id).await?;
    ok(&InstructionPage {
        layout: Layout::new(&s, &ctx, &headers, &format!("指令 {id}"), "/instructions").await,
        i,
    })
}

async fn acknowledge(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<iops::ReportInput>,
) -> UiResult {
    let r = iops::answer(&s, &ctx, id, ReceiptCommand::Acknowledge, None).await;
    done(&ctx, r, &format!("/instructions/{id}"), "已签收")
}

async fn complete(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<iops::ReportInput>,
) -> UiResult {
    let r = iops::answer(&s, &ctx, id, ReceiptCommand::Complete, Some(&f.report)).await;
    done(&ctx, r, &format!("/instructions/{id}"), "已反馈办结情况")
}
