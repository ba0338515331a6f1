//! Pages: what happens to a lead after signing (verification outcomes, transfers, disputes),
//! and the coordination office's view of open transfers and disputes.

use super::*;
use crate::ops::transfers::{
    self as tops, CaseInput, ConflictInput, DesignateInput, DisputeQuery, DisputeView, LeadDetail,
    MaterialInput, NoteInput, OutcomeInput, ReasonInput, ReferInput, RefusalInput, ReplyInput,
    TransferInput, TransferQuery, TransferView, WrittenInput,
};
use xiezhi_store::entities::org;

page!(LeadPage, "lead_detail.html" {
    d: LeadDetail,
    holder_name: String,
    can_handle: bool,
    transfers: Vec<TransferView>,
    disputes: Vec<DisputeView>,
    orgs: Vec<(i64, String)>,
    townships: Vec<(i64, String)>,
    suggested: Option<i64>,
    outcomes: Vec<(&'static str, &'static str)>,
    items: Vec<(String, String)>,
    places: Vec<(String, String)>,
    place: Option<String>,
});
page!(CoordinationPage, "coordination.html" {
    transfers: Vec<TransferView>,
    disputes: Vec<DisputeView>,
    q: CoordinationQuery,
    statuses: Vec<(&'static str, &'static str)>,
});

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/leads/{id}", get(lead_page))
        .route("/leads/{id}/no-violation", post(no_violation))
        .route("/leads/{id}/case", post(file_case))
        .route("/leads/{id}/refer", post(refer))
        .route("/leads/{id}/reply", post(final_reply))
        .route("/leads/{id}/transfers", post(draft))
        .route("/leads/{id}/disputes", post(open_conflict))
        .route("/transfers", get(coordination_page))
        .route("/transfers/{id}", get(transfer_page))
        .route("/disputes/{id}", get(dispute_page))
        .route("/transfers/{id}/approve", post(approve))
        .route("/transfers/{id}/send", post(send))
        .route("/transfers/{id}/written", post(written))
        .route("/transfers/{id}/accept", post(accept))
        .route("/transfers/{id}/reject", post(reject))
        .route("/transfers/{id}/withdraw", post(withdraw))
        .route("/transfers/{id}/outcome", post(outcome))
        .route("/transfers/{id}/refusal", post(refusal))
        .route("/disputes/{id}/notes", post(note))
        .route("/disputes/{id}/escalate", post(escalate))
        .route("/disputes/{id}/designate", post(designate))
}

async fn lead_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let d = tops::detail(&s, &ctx, id).await?;
    // A township transfers to, and disputes with, any body of its county.
    let all = s.store.orgs_under(&ctx.tree_path()).await?;
    let find = |id: i64| all.iter().find(|o| o.id == id);
    let may = |action: Action, id: i64| {
        find(id).is_some_and(|o| crate::ops::acting::may_act(&ctx, action, o))
    };
    let holder = d.lead.holder_org_id;
    let transfers = d.transfers.clone();
    let disputes = d.disputes.clone();
    let active: Vec<&org::Model> = all.iter().filter(|o| o.active).collect();
    // The catalog's routing suggests the competent body (item + place).
    let suggested = match (&d.lead.item_code, &d.lead.division_code) {
        (Some(item), Some(div)) => match xiezhi_domain::DivisionCode::parse(div) {
            Ok(div) => s
                .store
                .resolve(item, &div, crate::ops::catalog::today_for(&ctx))
                .await
                .ok()
                .flatten()
                .map(|r| r.competent_org_id)
                .filter(|id| *id != holder),
            Err(_) => None,
        },
        _ => None,
    };
    // Filing picks the item among those the holder holds, and the place by name.
    let places = s.store.places().await.unwrap_or_default();
    let place = d.lead.division_code.as_ref().and_then(|code| {
        places
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| name.clone())
    });
    let items = if may(Action::HandleLead, holder) {
        let today = crate::ops::catalog::today_for(&ctx);
        s.store
            .items_held_by(holder, today)
            .await
            .unwrap_or_default()
    } else {
        vec![]
    };
    ok(&LeadPage {
        place,
        items,
        places,
        layout: Layout::new(
            &s,
            &ctx,
            &headers,
            &format!("线索 {}", d.lead.tracking_number),
            "/leads",
        )
        .await,
        holder_name: find(holder).map(|o| o.name.clone()).unwrap_or_default(),
        can_handle: may(Action::HandleLead, holder),
        transfers,
        disputes,
        orgs: active
            .iter()
            .filter(|o| o.id != holder && enforces(o))
            .map(|o| (o.id, o.name.clone()))
            .collect(),
        townships: active
            .iter()
            .filter(|o| o.kind == "township")
            .map(|o| (o.id, o.name.clone()))
            .collect(),
        suggested,
        outcomes: xiezhi_domain::lead::LeadOutcome::CLOSING
            .iter()
            .map(|o| (o.as_str(), o.label()))
            .collect(),
        d,
    })
}

/// Whether an org takes matters itself (not a government, its leading group or the
/// coordination office): the bodies a matter is transferred to, disputed with or asked for help.
pub(super) fn enforces(o: &org::Model) -> bool {
    !matches!(
        o.kind.as_str(),
        "government" | "leading_group" | "coordination_office"
    )
}

/// A transfer is shown on its lead's page.
async fn transfer_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let t = tops::get_transfer(&s, &ctx, id).await?;
    Ok(Redirect::to(&format!("/leads/{}#transfer-{id}", t.lead_id)).into_response())
}

/// A dispute is shown on its lead's page.
async fn dispute_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let d = tops::get_dispute(&s, &ctx, id).await?;
    Ok(Redirect::to(&format!("/leads/{}#dispute-{id}", d.lead_id)).into_response())
}

fn back(id: i64) -> String {
    format!("/leads/{id}")
}

async fn no_violation(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<ReplyInput>,
) -> UiResult {
    let r = tops::no_violation(&s, &ctx, id, &f).await;
    done(&ctx, r, &back(id), "已办结并答复举报人")
}

async fn final_reply(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<ReplyInput>,
) -> UiResult {
    let r = tops::final_reply(&s, &ctx, id, &f).await;
    done(&ctx, r, &back(id), "已答复举报人")
}

async fn file_case(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<CaseInput>,
) -> UiResult {
    let r = tops::file_case(&s, &ctx, id, &f).await;
    done(&ctx, r, &back(id), "已立案")
}

async fn refer(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<ReferInput>,
) -> UiResult {
    let l = tops::refer(&s, &ctx, id, &f).await?;
    Ok(flash_redirect(
        &back(id),
        &format!(
            "已告知举报人并通知乡镇（街道），乡镇受理编号 {}",
            l.tracking_number
        ),
        &ctx.meta,
    ))
}

/// The transfer form as typed: up to three materials, each a title and an uploaded file.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    to_org_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    facts: String,
    urgent: Option<String>,
    #[serde(default)]
    oral_told: String,
    #[serde(default)]
    oral_how: String,
    historical: Option<String>,
    #[serde(default)]
    consultation: String,
    #[serde(default)]
    letter_title: String,
    #[serde(default)]
    letter_digest: String,
    #[serde(default)]
    source_title: String,
    #[serde(default)]
    source_digest: String,
    #[serde(default)]
    evidence_title: String,
    #[serde(default)]
    evidence_digest: String,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl TransferForm {
    fn materials(&self) -> Vec<MaterialInput> {
        [
            ("letter", &self.letter_title, &self.letter_digest),
            ("source", &self.source_title, &self.source_digest),
            ("evidence", &self.evidence_title, &self.evidence_digest),
        ]
        .into_iter()
        .filter(|(_, t, _)| !t.trim().is_empty())
        .map(|(k, t, d)| MaterialInput {
            kind: k.into(),
            title: t.clone(),
            digest: opt(d),
        })
        .collect()
    }
}

async fn draft(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<TransferForm>,
) -> UiResult {
    let Ok(to) = f.to_org_id.trim().parse::<i64>() else {
        return Err(AppError::invalid("to_org_id", "请选择受移送机构").into());
    };
    let input = TransferInput {
        to_org_id: to,
        kind: opt(&f.kind),
        facts: f.facts.clone(),
        materials: f.materials(),
        urgent: f.urgent.is_some(),
        oral_told: opt(&f.oral_told),
        oral_how: opt(&f.oral_how),
        historical: f.historical.is_some(),
        consultation: opt(&f.consultation),
    };
    let r = tops::draft(&s, &ctx, id, &input).await;
    let msg = if input.oral_told.is_some() {
        "已口头移交，请在24小时内补齐书面移交手续"
    } else {
        "移送已起草，待负责人审批"
    };
    done(&ctx, r, &back(id), msg)
}

async fn open_conflict(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<ConflictInput>,
) -> UiResult {
    let r = tops::open_conflict(&s, &ctx, id, &f).await;
    done(&ctx, r, &back(id), "已提出管辖争议，请双方协商")
}

/// After acting on a transfer, back to its lead.
fn after(ctx: &Ctx, r: Result<TransferView, AppError>, msg: &str) -> UiResult {
    let t = r?;
    Ok(flash_redirect(&back(t.lead_id), msg, &ctx.meta))
}

async fn approve(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    after(&ctx, tops::approve(&s, &ctx, id).await, "已批准")
}

async fn send(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    after(&ctx, tops::send(&s, &ctx, id).await, "已移送公安机关")
}

async fn written(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<TransferForm>,
) -> UiResult {
    let input = WrittenInput {
        materials: f.materials(),
    };
    after(
        &ctx,
        tops::complete_written(&s, &ctx, id, &input).await,
        "书面移交手续已补齐",
    )
}

async fn accept(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    after(&ctx, tops::accept(&s, &ctx, id).await, "已受理")
}

async fn reject(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<ReasonInput>,
) -> UiResult {
    after(
        &ctx,
        tops::reject(&s, &ctx, id, &f).await,
        "已书面答复不予受理",
    )
}

async fn withdraw(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<ReasonInput>,
) -> UiResult {
    after(&ctx, tops::withdraw(&s, &ctx, id, &f).await, "已撤回")
}

async fn outcome(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<OutcomeInput>,
) -> UiResult {
    after(
        &ctx,
        tops::report_outcome(&s, &ctx, id, &f).await,
        "已反馈办理结果",
    )
}

/// The answer to a refused judicial transfer, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
struct RefusalForm {
    #[serde(default)]
    reconsider: String,
}

async fn refusal(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<RefusalForm>,
) -> UiResult {
    let input = RefusalInput {
        reconsider: f.reconsider == "true",
    };
    after(
        &ctx,
        tops::answer_refusal(&s, &ctx, id, &input).await,
        "已处理不予立案决定",
    )
}

/// After acting on a dispute, back to its lead.
fn after_dispute(ctx: &Ctx, r: Result<DisputeView, AppError>, msg: &str) -> UiResult {
    let d = r?;
    Ok(flash_redirect(&back(d.lead_id), msg, &ctx.meta))
}

async fn note(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<NoteInput>,
) -> UiResult {
    after_dispute(&ctx, tops::add_note(&s, &ctx, id, &f).await, "已记录")
}

async fn escalate(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    after_dispute(
        &ctx,
        tops::escalate(&s, &ctx, id).await,
        "已上报协调机构指定管辖",
    )
}

/// The designation form: a body chosen (no default) and the consequence confirmed.
#[derive(Debug, Default, Deserialize)]
struct DesignateForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    decision: String,
    confirm: Option<String>,
}

async fn designate(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<DesignateForm>,
) -> UiResult {
    tops::may_designate(&s, &ctx, id).await?;
    let input = match (f.org_id.trim().parse::<i64>(), f.confirm.is_some()) {
        (Err(_), _) => Err(AppError::invalid("org_id", "请选择指定管辖的机构")),
        (Ok(_), false) => Err(AppError::invalid(
            "confirm",
            "请勾选确认：指定管辖对争议双方均有约束力，指定后不能撤回",
        )),
        (Ok(org_id), true) => Ok(DesignateInput {
            org_id,
            decision: f.decision,
        }),
    }?;
    after_dispute(
        &ctx,
        tops::designate(&s, &ctx, id, &input).await,
        "已指定管辖",
    )
}

/// Filters of the coordination view.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CoordinationQuery {
    /// Transfer status (empty: open ones).
    #[serde(default)]
    status: String,
    /// `administrative`, `judicial` or empty.
    #[serde(default)]
    kind: String,
}

async fn coordination_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiQuery(q): UiQuery<CoordinationQuery>,
) -> UiResult {
    let tq = TransferQuery {
        open: Some(q.status.is_empty()),
        status: opt(&q.status),
        kind: opt(&q.kind),
    };
    let transfers = tops::list_transfers(&s, &ctx, &tq).await?;
    let disputes = tops::list_disputes(&s, &ctx, &DisputeQuery { open: Some(true) }).await?;
    ok(&CoordinationPage {
        layout: Layout::new(&s, &ctx, &headers, "移送与争议", "/transfers").await,
        transfers,
        disputes,
        q,
        statuses: xiezhi_domain::transfer::TransferStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    })
}
