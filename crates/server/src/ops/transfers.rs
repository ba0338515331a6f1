//! Operations after intake: verification outcomes, transfers, judicial transfers, disputes
//! and designation, the final reply, the lead's timeline and the coordination
//! office's view. Each checks the policy for the org it acts for, then calls the store.

use super::clocks::ClockView;
use super::leads::{LeadView, lead_orgs, view as lead_view};
use super::{EventView, Steps};
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiezhi_domain::clock::ClockState;
use xiezhi_domain::lead::{LeadOutcome, LeadStatus, LeadStep, transition as lead_transition};
use xiezhi_domain::transfer::{
    DisputeKind, DisputeNoteKind, DisputeStatus, DisputeStep, DraftFields, MaterialFields,
    TransferCommand, TransferFacts, TransferKind, TransferStatus, dispute_transition,
    required_text, transition as transfer_transition,
};
use xiezhi_domain::{Action, Refusal, Target};
use xiezhi_store::entities::{dispute, dispute_note, org, transfer};
use xiezhi_store::transfers::{self as st, Acting};

use super::acting::{acting_for, same_tree};
use super::attachments::{AttachmentView, attachment_view};

async fn org_of(s: &AppState, id: i64) -> Result<org::Model, AppError> {
    Ok(s.store.org(id).await?)
}

fn text(s: &str, field: &'static str, max: usize) -> Result<String, AppError> {
    Ok(required_text(s, field, max)?)
}

// ---------------------------------------------------------------------------------------
// Views

/// A transfer as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferView {
    pub id: i64,
    pub lead_id: i64,
    pub kind: String,
    pub kind_label: String,
    pub from_org_id: i64,
    pub from_org_name: String,
    pub to_org_id: i64,
    pub to_org_name: String,
    pub status: String,
    pub status_label: String,
    pub facts: String,
    pub urgent: bool,
    /// The oral transfer record, when made orally (口头移交).
    pub oral_record: Option<String>,
    /// Whether the written formalities are complete.
    pub written: bool,
    /// Prior consultation of a historical matter.
    pub consultation: Option<String>,
    pub drafted_at: String,
    pub approved_at: Option<String>,
    pub sent_at: Option<String>,
    pub decided_at: Option<String>,
    /// Written reasons of a rejection, or why it was withdrawn.
    pub decision_reason: Option<String>,
    pub outcome: Option<String>,
    pub outcome_at: Option<String>,
    /// Always true: every transfer is copied to the coordination office (抄送).
    pub copied_to_office: bool,
    pub materials: Vec<AttachmentView>,
    pub clocks: Vec<ClockView>,
    /// The steps the caller may take now, by the checks the steps themselves make:
    /// `approve`, `send`, `complete_written`, `accept`, `reject`, `withdraw`,
    /// `report_outcome`, `reconsider`, `accept_refusal`.
    pub steps: Steps,
}

fn name_of(orgs: &[org::Model], id: i64) -> String {
    orgs.iter()
        .find(|o| o.id == id)
        .map(|o| o.name.clone())
        .unwrap_or_default()
}

async fn transfer_view(
    s: &AppState,
    ctx: &Ctx,
    t: &transfer::Model,
    orgs: &[org::Model],
) -> Result<TransferView, AppError> {
    let materials = s.store.attachments_of("transfer", t.id).await?;
    let clocks = s.store.clocks_of("transfer", t.id).await?;
    let reconsider_open = clocks.iter().any(|c| {
        c.rule_id == "transfer.judicial_reconsider"
            && ClockState::parse(&c.state).is_some_and(|st| st.is_open())
    });
    let bt = |x: Option<chrono::DateTime<chrono::Utc>>| x.map(beijing_time);
    Ok(TransferView {
        steps: Steps(steps_for(ctx, t, orgs, reconsider_open)),
        id: t.id,
        lead_id: t.lead_id,
        kind: t.kind.clone(),
        kind_label: TransferKind::parse(&t.kind)
            .map(|k| k.label().to_owned())
            .unwrap_or_default(),
        from_org_id: t.from_org_id,
        from_org_name: name_of(orgs, t.from_org_id),
        to_org_id: t.to_org_id,
        to_org_name: name_of(orgs, t.to_org_id),
        status: t.status.clone(),
        status_label: TransferStatus::parse(&t.status)
            .map(|k| k.label().to_owned())
            .unwrap_or_default(),
        facts: t.facts.clone(),
        urgent: t.urgent,
        oral_record: t.oral_record.clone(),
        written: t.written,
        consultation: t.consultation.clone(),
        drafted_at: beijing_time(t.drafted_at),
        approved_at: bt(t.approved_at),
        sent_at: bt(t.sent_at),
        decided_at: bt(t.decided_at),
        decision_reason: t.decision_reason.clone(),
        outcome: t.outcome.clone(),
        outcome_at: bt(t.outcome_at),
        copied_to_office: true,
        materials: materials.iter().map(attachment_view).collect(),
        clocks: super::clocks::views(s, &clocks, ctx.now()).await?,
    })
}

/// A negotiation record or minutes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteView {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub text: String,
    pub org_id: i64,
    pub org_name: String,
    pub at: String,
}

/// A dispute as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisputeView {
    pub id: i64,
    pub lead_id: i64,
    pub transfer_id: Option<i64>,
    pub kind: String,
    pub kind_label: String,
    pub org_a_id: i64,
    pub org_a_name: String,
    pub org_b_id: Option<i64>,
    pub org_b_name: Option<String>,
    pub status: String,
    pub status_label: String,
    pub reason: String,
    pub opened_at: String,
    pub escalated_at: Option<String>,
    pub designated_org_id: Option<i64>,
    pub designated_org_name: Option<String>,
    pub decision: Option<String>,
    pub decided_at: Option<String>,
    /// While the dispute is open the first handler goes on enforcing (未移送前不得停止执法活动).
    pub notice: Option<String>,
    /// Returns and re-routes of the lead so far (推诿扯皮 count).
    pub bounces: i32,
    pub notes: Vec<NoteView>,
    pub clocks: Vec<ClockView>,
    /// The steps the caller may take now, by the checks the steps make: `note`, `escalate`,
    /// `designate`.
    pub steps: Steps,
}

/// Who acts in a dispute: a party (for its org), or the coordination office over the first
/// party (for its own org). `orgs` holds at least the parties.
fn dispute_acting(ctx: &Ctx, d: &dispute::Model, orgs: &[org::Model]) -> Result<Acting, AppError> {
    let mut last = AppError::Forbidden(Refusal::NotPermitted);
    for id in [Some(d.org_a_id), d.org_b_id].into_iter().flatten() {
        let Some(o) = orgs.iter().find(|o| o.id == id) else {
            continue;
        };
        match acting_for(ctx, Action::HandleLead, o) {
            Ok(a) => return Ok(a),
            Err(e) => last = e,
        }
    }
    if may_coordinate(ctx, d, orgs) {
        return Ok(Acting {
            org_id: ctx.actor.org_id,
            person_id: ctx.actor.person_id(),
        });
    }
    Err(last)
}

/// Whether the caller coordinates (and designates in) this dispute: the office over its
/// first party.
fn may_coordinate(ctx: &Ctx, d: &dispute::Model, orgs: &[org::Model]) -> bool {
    orgs.iter()
        .find(|o| o.id == d.org_a_id)
        .is_some_and(|a| ctx.can(Action::Coordinate, &Target::org(a.path.clone())))
}

/// The steps the caller may take in a dispute now (see [`DisputeView::steps`]).
fn dispute_steps(ctx: &Ctx, d: &dispute::Model, orgs: &[org::Model]) -> Vec<String> {
    let Some(status) = DisputeStatus::parse(&d.status) else {
        return vec![];
    };
    let party = dispute_acting(ctx, d, orgs).is_ok();
    let office = may_coordinate(ctx, d, orgs);
    [
        ("note", DisputeStep::Note, party),
        ("escalate", DisputeStep::Escalate, party),
        ("designate", DisputeStep::Designate, office),
    ]
    .into_iter()
    .filter(|(_, step, who)| *who && dispute_transition(status, *step).is_ok())
    .map(|(name, ..)| name.to_owned())
    .collect()
}

async fn dispute_view(
    s: &AppState,
    ctx: &Ctx,
    d: &dispute::Model,
    orgs: &[org::Model],
) -> Result<DisputeView, AppError> {
    let notes: Vec<dispute_note::Model> = s.store.dispute_notes(d.id).await?;
    let clocks = s.store.clocks_of("dispute", d.id).await?;
    let l = s.store.lead(d.lead_id).await?;
    let status = DisputeStatus::parse(&d.status);
    Ok(DisputeView {
        steps: Steps(dispute_steps(ctx, d, orgs)),
        id: d.id,
        lead_id: d.lead_id,
        transfer_id: d.transfer_id,
        kind: d.kind.clone(),
        kind_label: DisputeKind::parse(&d.kind)
            .map(|k| k.label().to_owned())
            .unwrap_or_default(),
        org_a_id: d.org_a_id,
        org_a_name: name_of(orgs, d.org_a_id),
        org_b_id: d.org_b_id,
        org_b_name: d.org_b_id.map(|id| name_of(orgs, id)),
        status: d.status.clone(),
        status_label: status.map(|k| k.label().to_owned()).unwrap_or_default(),
        reason: d.reason.clone(),
        opened_at: beijing_time(d.opened_at),
        escalated_at: d.escalated_at.map(beijing_time),
        designated_org_id: d.designated_org_id,
        designated_org_name: d.designated_org_id.map(|id| name_of(orgs, id)),
        decision: d.decision.clone(),
        decided_at: d.decided_at.map(beijing_time),
        notice: status.filter(|s| s.is_open()).map(|_| {
            format!(
                "争议解决前，{} 继续负首问责任，不得停止执法活动。",
                name_of(orgs, l.holder())
            )
        }),
        bounces: l.bounces,
        notes: notes
            .iter()
            .map(|n| NoteView {
                id: n.id,
                kind: n.kind.clone(),
                kind_label: DisputeNoteKind::parse(&n.kind)
                    .map(|k| k.label().to_owned())
                    .unwrap_or_default(),
                text: n.text.clone(),
                org_id: n.org_id,
                org_name: name_of(orgs, n.org_id),
                at: beijing_time(n.at),
            })
            .collect(),
        clocks: super::clocks::views(s, &clocks, ctx.now()).await?,
    })
}

/// A case record as shown (the case lifecycle builds on it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseRef {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub holder_org_id: i64,
    pub holder_org_name: String,
    pub stage: String,
    pub filed_at: String,
}

/// Everything about a lead: the lead, its case, transfers, disputes, open clocks and the
/// timeline of every event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadDetail {
    pub lead: LeadView,
    pub case: Option<CaseRef>,
    pub transfers: Vec<TransferView>,
    pub disputes: Vec<DisputeView>,
    pub attachments: Vec<AttachmentView>,
    pub clocks: Vec<ClockView>,
    pub timeline: Vec<EventView>,
    /// A transfer of the lead is under way (drafted, approved or sent).
    pub transfer_open: bool,
    /// The steps the caller may take on the lead now, by the checks the steps make: `sign`,
    /// `close`, `file_case`, `transfer`, `refer`, `reply`, and `dispute` (raise a dispute
    /// over who is competent, in the caller's own name).
    pub steps: Steps,
}

/// The steps the caller may take on a lead (see [`LeadDetail::steps`]): the holder acts
/// (`acting_for`), the lead's transition allows the step, and what the store checks besides
/// (no transfer under way; a township does not refer to a township).
fn lead_steps(
    ctx: &Ctx,
    l: &xiezhi_store::entities::lead::Model,
    orgs: &[org::Model],
    transfer_open: bool,
) -> Vec<String> {
    let Some(holder) = orgs.iter().find(|o| o.id == l.holder()) else {
        return vec![];
    };
    let Some(status) = LeadStatus::parse(&l.status) else {
        return vec![];
    };
    // Signing for a lead needs the policy's reach over the holder (the office may sign for a
    // body of its government); every other step acts in the holder's name.
    let reach = ctx.can(Action::HandleLead, &Target::held_by(holder.path.clone()));
    let acting = acting_for(ctx, Action::HandleLead, holder).is_ok();
    if !reach {
        return vec![];
    }
    let township = holder.kind == xiezhi_domain::OrgKind::Township.as_str();
    [
        ("sign", LeadStep::SignFor, true),
        (
            "close",
            LeadStep::Close(LeadOutcome::NoViolation),
            !transfer_open,
        ),
        ("file_case", LeadStep::FileCase, !transfer_open),
        (
            "transfer",
            LeadStep::DraftTransfer { judicial: false },
            !transfer_open,
        ),
        (
            "refer",
            LeadStep::ReferToTownship,
            !transfer_open && !township,
        ),
        ("reply", LeadStep::FinalReply, true),
    ]
    .into_iter()
    .filter(|(name, step, besides)| {
        (acting || *name == "sign") && *besides && lead_transition(status, *step).is_ok()
    })
    .map(|(name, ..)| name.to_owned())
    .collect()
}

/// The full detail of a lead (for anyone who may see it).
pub async fn detail(s: &AppState, ctx: &Ctx, id: i64) -> Result<LeadDetail, AppError> {
    let lead = super::leads::get(s, ctx, id).await?;
    let orgs = s.store.orgs_under("/").await?;
    let mut transfers = vec![];
    for t in s.store.transfers_of_lead(id).await? {
        transfers.push(transfer_view(s, ctx, &t, &orgs).await?);
    }
    let mut disputes = vec![];
    for d in s.store.disputes_of_lead(id).await? {
        disputes.push(dispute_view(s, ctx, &d, &orgs).await?);
    }
    let case = s.store.case_of_lead(id).await?.map(|c| CaseRef {
        id: c.id,
        number: c.number,
        title: c.title,
        holder_org_name: name_of(&orgs, c.holder_org_id),
        holder_org_id: c.holder_org_id,
        stage: c.stage,
        filed_at: beijing_time(c.filed_at),
    });
    let clocks = s.store.clocks_of("lead", id).await?;
    let timeline = super::event_views(s, s.store.lead_timeline(id).await?).await?;
    let transfer_open = transfers
        .iter()
        .any(|t| TransferStatus::parse(&t.status).is_some_and(TransferStatus::is_open));
    let dispute_open = disputes
        .iter()
        .any(|d| DisputeStatus::parse(&d.status).is_some_and(DisputeStatus::is_open));
    let row = s.store.lead(id).await?;
    let mut steps = lead_steps(ctx, &row, &orgs, transfer_open);
    // Raising a dispute over the matter (管辖异议) is done in the caller's own name by any
    // body that sees the lead, while the lead allows it and no dispute is open.
    let own = orgs.iter().find(|o| o.id == ctx.actor.org_id);
    if own.is_some_and(|o| acting_for(ctx, Action::HandleLead, o).is_ok())
        && !dispute_open
        && LeadStatus::parse(&row.status)
            .is_some_and(|st| lead_transition(st, LeadStep::DisputeRaised).is_ok())
    {
        steps.push("dispute".into());
    }
    let steps = Steps(steps);
    Ok(LeadDetail {
        transfer_open,
        steps,
        lead,
        case,
        transfers,
        disputes,
        attachments: s
            .store
            .attachments_of("lead", id)
            .await?
            .iter()
            .map(attachment_view)
            .collect(),
        clocks: super::clocks::views(s, &clocks, ctx.now()).await?,
        timeline,
    })
}

// ---------------------------------------------------------------------------------------
// Verification outcomes

async fn holder_acting(s: &AppState, ctx: &Ctx, lead_id: i64) -> Result<Acting, AppError> {
    let l = s.store.lead(lead_id).await?;
    let holder = org_of(s, l.holder()).await?;
    acting_for(ctx, Action::HandleLead, &holder)
}

/// Reply text.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReplyInput {
    /// The reply to the reporter (shown on the public lookup page).
    pub reply: String,
    /// When closing without a case, what came of it: `not_found`, `no_violation` (the
    /// default), `educated`, `rectification_ordered` (keeps the lead open) or `rectified`.
    pub outcome: Option<String>,
}

/// Close the lead without a case, saying what came of it (not found, no violation,
/// admonished, ordered to rectify, rectified) in the reply to the reporter.
pub async fn no_violation(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &ReplyInput,
) -> Result<LeadView, AppError> {
    let by = holder_acting(s, ctx, id).await?;
    let reply = text(&input.reply, "reply", 2000)?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let outcome = match input.outcome.as_deref().map(str::trim) {
        None | Some("") => LeadOutcome::NoViolation,
        Some(o) => LeadOutcome::parse(o)
            .filter(|o| LeadOutcome::CLOSING.contains(o))
            .ok_or_else(|| AppError::invalid("outcome", "请选择处理结果"))?,
    };
    let l = st::close_lead(&mut w, s.clock_env(&cal), id, outcome, &reply, by).await?;
    w.commit().await?;
    Ok(lead_view(&l, true))
}

/// The final reply of the body that handled the matter.
pub async fn final_reply(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &ReplyInput,
) -> Result<LeadView, AppError> {
    let by = holder_acting(s, ctx, id).await?;
    let reply = text(&input.reply, "reply", 2000)?;
    let mut w = ctx.writer(s).await?;
    let l = st::final_reply(&mut w, id, &reply, by).await?;
    w.commit().await?;
    Ok(lead_view(&l, true))
}

/// A case to file from a lead.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CaseInput {
    /// Case title (案由), e.g. "某店占道经营案".
    pub title: String,
    /// The catalog item (default: the lead's suggested item).
    pub item_code: Option<String>,
    /// Division of the place (default: the lead's).
    pub division_code: Option<String>,
}

/// Our matter: file a case.
pub async fn file_case(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &CaseInput,
) -> Result<CaseRef, AppError> {
    let by = holder_acting(s, ctx, id).await?;
    let title = text(&input.title, "title", 200)?;
    let l = s.store.lead(id).await?;
    let pick = |given: &Option<String>, lead: &Option<String>| {
        given
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .or(lead.clone())
    };
    let item = pick(&input.item_code, &l.item_code)
        .ok_or_else(|| AppError::invalid("item_code", "请选择立案所依据的执法事项（权责清单）"))?;
    let division = pick(&input.division_code, &l.division_code)
        .ok_or_else(|| AppError::invalid("division_code", "请填写违法行为发生地的行政区划"))?;
    let div = xiezhi_domain::DivisionCode::parse(&division)?;
    let today = super::catalog::today_for(ctx);
    let version = s
        .store
        .item_on(&item, today)
        .await
        .map_err(|_| {
            AppError::invalid("item_code", format!("执法事项 {item} 在今日不适用或不存在"))
        })?
        .version;
    // Filing checks the catalog: only the competent holder may open a penalty case here.
    let check = s.store.may_penalise(by.org_id, &item, &div, today).await?;
    if !check.allowed {
        let competent = match s.store.resolve(&item, &div, today).await? {
            Some(r) => org_of(s, r.competent_org_id).await?.name,
            None => "（无承接机构，请报执法办指定管辖）".into(),
        };
        return Err(AppError::conflict(
            "case.not_competent",
            format!(
                "不能立案：{}。该事项在此区域的承接机构为 {competent}",
                check.reason
            ),
        ));
    }
    let filing = st::Filing {
        title,
        item_code: Some(item),
        item_version: Some(version),
        division_code: Some(division),
    };
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let c = st::file_case(&mut w, s.clock_env(&cal), id, &filing, by).await?;
    w.commit().await?;
    let o = org_of(s, c.holder_org_id).await?;
    Ok(CaseRef {
        id: c.id,
        number: c.number,
        title: c.title,
        holder_org_id: o.id,
        holder_org_name: o.name,
        stage: c.stage,
        filed_at: beijing_time(c.filed_at),
    })
}

/// A township matter a department received.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReferInput {
    /// The competent township.
    pub township_id: i64,
    /// What the reporter is told (which body is competent).
    pub notice: String,
}

/// A department registers a township's matter, tells the reporter, notifies the township.
/// Returns the township's new lead.
pub async fn refer(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &ReferInput,
) -> Result<LeadView, AppError> {
    let by = holder_acting(s, ctx, id).await?;
    let notice = text(&input.notice, "notice", 1000)?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let l = st::refer_to_township(
        &mut w,
        s.clock_env(&cal),
        id,
        input.township_id,
        &notice,
        by,
    )
    .await?;
    w.commit().await?;
    Ok(lead_view(&l, true))
}

// ---------------------------------------------------------------------------------------
// Transfers

/// A transfer draft.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct TransferInput {
    /// The competent body.
    pub to_org_id: i64,
    /// `administrative` (default) or `judicial` (suspected crime, to the public security organ).
    pub kind: Option<String>,
    /// Basic facts and why the matter is not the sender's.
    pub facts: String,
    /// Materials: the letter (`letter`) and source (`source`) or evidence (`evidence`); files
    /// uploaded first to `/api/v1/attachments`.
    #[serde(default)]
    pub materials: Vec<MaterialInput>,
    /// Safety, food and drugs, environment or risk of major loss: send immediately.
    #[serde(default)]
    pub urgent: bool,
    /// Oral transfer in an emergency: who was told.
    pub oral_told: Option<String>,
    /// Oral transfer: how and when.
    pub oral_how: Option<String>,
    /// Historical matter (历史遗留).
    #[serde(default)]
    pub historical: bool,
    /// The prior consultation of a historical matter.
    pub consultation: Option<String>,
}

/// One material.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct MaterialInput {
    /// `letter`, `source`, `evidence` or `other`.
    pub kind: String,
    pub title: String,
    /// SM3 digest of an uploaded file.
    pub digest: Option<String>,
}

/// The stored files materials name.
fn named(m: &[MaterialInput]) -> impl Iterator<Item = &str> {
    m.iter().filter_map(|m| m.digest.as_deref())
}

fn materials(m: &[MaterialInput]) -> Vec<MaterialFields> {
    m.iter()
        .map(|m| MaterialFields {
            kind: m.kind.clone(),
            title: m.title.clone(),
            digest: m.digest.clone(),
        })
        .collect()
}

/// Draft a transfer of a lead the caller's org holds.
pub async fn draft(
    s: &AppState,
    ctx: &Ctx,
    lead_id: i64,
    input: &TransferInput,
) -> Result<TransferView, AppError> {
    let by = holder_acting(s, ctx, lead_id).await?;
    if let Ok(to) = s.store.org(input.to_org_id).await {
        same_tree(ctx, &to)?;
    }
    super::attachments::may_name(s, ctx, named(&input.materials)).await?;
    let d = DraftFields {
        kind: input.kind.clone(),
        facts: input.facts.clone(),
        materials: materials(&input.materials),
        urgent: input.urgent,
        oral_told: input.oral_told.clone(),
        oral_how: input.oral_how.clone(),
        historical: input.historical,
        consultation: input.consultation.clone(),
    }
    .parse()?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let t = st::draft(&mut w, s.clock_env(&cal), lead_id, input.to_org_id, &d, by).await?;
    w.commit().await?;
    let orgs = s.store.orgs_under("/").await?;
    transfer_view(s, ctx, &t, &orgs).await
}

/// Which side of a transfer acts.
#[derive(Clone, Copy, Debug)]
enum Side {
    Sender,
    Receiver,
}

/// Each step on a transfer: its name (the page's form), the command, the side that takes it
/// and the action the policy must allow there — what the step's own function checks.
const STEPS: [(&str, TransferCommand, Side, Action); 9] = [
    (
        "approve",
        TransferCommand::Approve,
        Side::Sender,
        Action::ApproveTransfer,
    ),
    (
        "send",
        TransferCommand::Send,
        Side::Sender,
        Action::HandleLead,
    ),
    (
        "complete_written",
        TransferCommand::CompleteWritten,
        Side::Sender,
        Action::ApproveTransfer,
    ),
    (
        "accept",
        TransferCommand::Accept,
        Side::Receiver,
        Action::HandleLead,
    ),
    (
        "reject",
        TransferCommand::Reject,
        Side::Receiver,
        Action::HandleLead,
    ),
    (
        "withdraw",
        TransferCommand::Withdraw,
        Side::Sender,
        Action::HandleLead,
    ),
    (
        "report_outcome",
        TransferCommand::ReportOutcome,
        Side::Receiver,
        Action::HandleLead,
    ),
    (
        "reconsider",
        TransferCommand::Reconsider,
        Side::Sender,
        Action::HandleLead,
    ),
    (
        "accept_refusal",
        TransferCommand::AcceptRefusal,
        Side::Sender,
        Action::HandleLead,
    ),
];

/// The steps the caller may take on a transfer now (see [`TransferView::steps`]).
fn steps_for(
    ctx: &Ctx,
    t: &transfer::Model,
    orgs: &[org::Model],
    reconsider_open: bool,
) -> Vec<String> {
    let Some(status) = TransferStatus::parse(&t.status) else {
        return vec![];
    };
    let facts = TransferFacts {
        judicial: t.kind == TransferKind::Judicial.as_str(),
        written: t.written,
        reconsider_open,
    };
    STEPS
        .iter()
        .filter(|(_, cmd, side, action)| {
            let org_id = match side {
                Side::Sender => t.from_org_id,
                Side::Receiver => t.to_org_id,
            };
            orgs.iter()
                .find(|o| o.id == org_id)
                .is_some_and(|o| acting_for(ctx, *action, o).is_ok())
                && transfer_transition(status, *cmd, facts).is_ok()
        })
        .map(|(name, ..)| (*name).to_owned())
        .collect()
}

async fn transfer_acting(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    side: Side,
    action: Action,
) -> Result<Acting, AppError> {
    let t = s.store.transfer(id).await?;
    let o = org_of(
        s,
        match side {
            Side::Sender => t.from_org_id,
            Side::Receiver => t.to_org_id,
        },
    )
    .await?;
    acting_for(ctx, action, &o)
}

async fn show(s: &AppState, ctx: &Ctx, t: &transfer::Model) -> Result<TransferView, AppError> {
    let orgs = s.store.orgs_under("/").await?;
    transfer_view(s, ctx, t, &orgs).await
}

/// One transfer (for the sender, the receiver and the office).
pub async fn get_transfer(s: &AppState, ctx: &Ctx, id: i64) -> Result<TransferView, AppError> {
    let t = s.store.transfer(id).await?;
    let from = org_of(s, t.from_org_id).await?;
    let to = org_of(s, t.to_org_id).await?;
    if !ctx.can(Action::ViewLead, &Target::org(from.path.clone())) {
        ctx.authorize(Action::ViewLead, &Target::org(to.path))?;
    }
    show(s, ctx, &t).await
}

/// The head approves (and an administrative transfer is sent).
pub async fn approve(s: &AppState, ctx: &Ctx, id: i64) -> Result<TransferView, AppError> {
    let by = transfer_acting(s, ctx, id, Side::Sender, Action::ApproveTransfer).await?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let t = st::approve(&mut w, s.clock_env(&cal), id, by).await?;
    w.commit().await?;
    show(s, ctx, &t).await
}

/// Send an approved judicial transfer.
pub async fn send(s: &AppState, ctx: &Ctx, id: i64) -> Result<TransferView, AppError> {
    let by = transfer_acting(s, ctx, id, Side::Sender, Action::HandleLead).await?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let t = st::send_judicial(&mut w, s.clock_env(&cal), id, by).await?;
    w.commit().await?;
    show(s, ctx, &t).await
}

/// Materials completing an oral transfer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct WrittenInput {
    pub materials: Vec<MaterialInput>,
}

/// Complete the written formalities of an oral transfer (the head's act).
pub async fn complete_written(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &WrittenInput,
) -> Result<TransferView, AppError> {
    let by = transfer_acting(s, ctx, id, Side::Sender, Action::ApproveTransfer).await?;
    super::attachments::may_name(s, ctx, named(&input.materials)).await?;
    let m = materials(&input.materials)
        .iter()
        .map(MaterialFields::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let t = st::complete_written(&mut w, s.clock_env(&cal), id, &m, by).await?;
    w.commit().await?;
    show(s, ctx, &t).await
}

/// The receiver accepts.
pub async fn accept(s: &AppState, ctx: &Ctx, id: i64) -> Result<TransferView, AppError> {
    let by = transfer_acting(s, ctx, id, Side::Receiver, Action::HandleLead).await?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let t = st::accept(&mut w, s.clock_env(&cal), id, by).await?;
    w.commit().await?;
    show(s, ctx, &t).await
}

/// Written reasons.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReasonInput {
    pub reason: String,
}

/// The receiver rejects with written reasons.
pub async fn reject(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &ReasonInput,
) -> Result<TransferView, AppError> {
    let by = transfer_acting(s, ctx, id, Side::Receiver, Action::HandleLead).await?;
    let reason = text(&input.reason, "reason", 2000)?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let t = st::reject(&mut w, s.clock_env(&cal), id, &reason, by).await?;
    w.commit().await?;
    show(s, ctx, &t).await
}

/// The sender withdraws.
pub async fn withdraw(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &ReasonInput,
) -> Result<TransferView, AppError> {
    let by = transfer_acting(s, ctx, id, Side::Sender, Action::HandleLead).await?;
    let reason = text(&input.reason, "reason", 2000)?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let t = st::withdraw(&mut w, s.clock_env(&cal), id, &reason, by).await?;
    w.commit().await?;
    show(s, ctx, &t).await
}

/// An outcome report.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct OutcomeInput {
    pub outcome: String,
}

/// The receiver reports the outcome back.
pub async fn report_outcome(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &OutcomeInput,
) -> Result<TransferView, AppError> {
    let by = transfer_acting(s, ctx, id, Side::Receiver, Action::HandleLead).await?;
    let outcome = text(&input.outcome, "outcome", 2000)?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let t = st::report_outcome(&mut w, s.clock_env(&cal), id, &outcome, by).await?;
    w.commit().await?;
    show(s, ctx, &t).await
}

/// The answer to a refused judicial transfer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RefusalInput {
    /// True: ask the public security organ to reconsider; false: accept the refusal.
    pub reconsider: bool,
}

/// Answer a refused judicial transfer.
pub async fn answer_refusal(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &RefusalInput,
) -> Result<TransferView, AppError> {
    let by = transfer_acting(s, ctx, id, Side::Sender, Action::HandleLead).await?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let t = st::answer_refusal(&mut w, s.clock_env(&cal), id, input.reconsider, by).await?;
    w.commit().await?;
    show(s, ctx, &t).await
}

/// Filters of the transfer list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct TransferQuery {
    /// Only open transfers (draft, approved, sent).
    pub open: Option<bool>,
    /// Only this status.
    pub status: Option<String>,
    /// `administrative` or `judicial`.
    pub kind: Option<String>,
}

/// Transfers sent or received by orgs in reach; the coordination office sees all of its
/// government's (every transfer is copied to it).
pub async fn list_transfers(
    s: &AppState,
    ctx: &Ctx,
    q: &TransferQuery,
) -> Result<Vec<TransferView>, AppError> {
    let orgs = ctx.list_scope(Action::ViewLead)?.org_ids(&s.store).await?;
    let mut statuses = vec![];
    if let Some(st) = &q.status {
        let st = TransferStatus::parse(st)
            .ok_or_else(|| AppError::invalid("status", "未知的移送状态"))?;
        statuses.push(st.as_str().to_owned());
    } else if q.open == Some(true) {
        statuses = ["draft", "approved", "sent"].map(String::from).to_vec();
    }
    let kind = match &q.kind {
        Some(k) => Some(
            TransferKind::parse(k)
                .ok_or_else(|| {
                    AppError::invalid("kind", "移送类型应为 administrative 或 judicial")
                })?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    let rows = s
        .store
        .transfers(&st::TransferFilter {
            orgs,
            statuses,
            kind,
            limit: 500,
        })
        .await?;
    let all = s.store.orgs_under("/").await?;
    let mut out = vec![];
    for t in &rows {
        out.push(transfer_view(s, ctx, t, &all).await?);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Disputes

/// A claim or refusal about a lead.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ConflictInput {
    /// The other body.
    pub org_id: i64,
    pub reason: String,
}

/// Open a dispute about a lead (two bodies claim or refuse it). The caller's org (or the
/// holder it acts for) is one party.
pub async fn open_conflict(
    s: &AppState,
    ctx: &Ctx,
    lead_id: i64,
    input: &ConflictInput,
) -> Result<DisputeView, AppError> {
    let me = org_of(s, ctx.actor.org_id).await?;
    let by = acting_for(ctx, Action::HandleLead, &me)?;
    let l = s.store.lead(lead_id).await?;
    let visible = lead_orgs(s, &l).await?;
    if !visible
        .iter()
        .any(|o| ctx.can(Action::ViewLead, &Target::org(o.path.clone())))
    {
        return Err(AppError::Forbidden(Refusal::OutOfScope));
    }
    if let Ok(other) = s.store.org(input.org_id).await {
        same_tree(ctx, &other)?;
    }
    let reason = text(&input.reason, "reason", 2000)?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    let d = st::open_conflict(
        &mut w,
        s.clock_env(&cal),
        lead_id,
        input.org_id,
        &reason,
        by,
    )
    .await?;
    w.commit().await?;
    let orgs = s.store.orgs_under("/").await?;
    dispute_view(s, ctx, &d, &orgs).await
}

/// Whether the actor is a party of the dispute (acting for one side) or coordinates.
async fn dispute_party(s: &AppState, ctx: &Ctx, d: &dispute::Model) -> Result<Acting, AppError> {
    let mut orgs = vec![org_of(s, d.org_a_id).await?];
    if let Some(b) = d.org_b_id {
        orgs.push(org_of(s, b).await?);
    }
    dispute_acting(ctx, d, &orgs)
}

/// One dispute.
pub async fn get_dispute(s: &AppState, ctx: &Ctx, id: i64) -> Result<DisputeView, AppError> {
    let d = s.store.dispute(id).await?;
    let a = org_of(s, d.org_a_id).await?;
    let mut ok = ctx.can(Action::ViewLead, &Target::org(a.path.clone()));
    if let Some(b) = d.org_b_id {
        let b = org_of(s, b).await?;
        ok = ok || ctx.can(Action::ViewLead, &Target::org(b.path));
    }
    if !ok {
        ctx.authorize(Action::ViewLead, &Target::org(a.path))?;
    }
    let orgs = s.store.orgs_under("/").await?;
    dispute_view(s, ctx, &d, &orgs).await
}

/// A negotiation record or minutes.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NoteInput {
    /// `negotiation` or `minutes`.
    pub kind: String,
    pub text: String,
}

/// Add a record to a dispute (a party or the office).
pub async fn add_note(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &NoteInput,
) -> Result<DisputeView, AppError> {
    let d = s.store.dispute(id).await?;
    let by = dispute_party(s, ctx, &d).await?;
    let kind = DisputeNoteKind::parse(&input.kind)
        .ok_or_else(|| AppError::invalid("kind", "记录类型应为 negotiation 或 minutes"))?;
    let t = text(&input.text, "text", 4000)?;
    let mut w = ctx.writer(s).await?;
    st::note(&mut w, id, kind, &t, by.org_id, by.person_id).await?;
    w.commit().await?;
    get_dispute(s, ctx, id).await
}

/// Negotiation failed: escalate to the coordination office (a party may).
pub async fn escalate(s: &AppState, ctx: &Ctx, id: i64) -> Result<DisputeView, AppError> {
    let d = s.store.dispute(id).await?;
    dispute_party(s, ctx, &d).await?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    st::escalate(&mut w, s.clock_env(&cal), id).await?;
    w.commit().await?;
    get_dispute(s, ctx, id).await
}

/// A designation of jurisdiction.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DesignateInput {
    /// The body designated.
    pub org_id: i64,
    /// The decision and its reasons.
    pub decision: String,
}

/// Whether the caller may designate jurisdiction in this dispute (403 if not).
pub async fn may_designate(s: &AppState, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let d = s.store.dispute(id).await?;
    let a = org_of(s, d.org_a_id).await?;
    if may_coordinate(ctx, &d, &[a]) {
        Ok(())
    } else {
        Err(AppError::Forbidden(Refusal::NotPermitted))
    }
}

/// The coordination office designates jurisdiction; binding on both.
pub async fn designate(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &DesignateInput,
) -> Result<DisputeView, AppError> {
    may_designate(s, ctx, id).await?;
    let target = s
        .store
        .org(input.org_id)
        .await
        .map_err(|_| AppError::invalid("org_id", "被指定的机构不存在"))?;
    ctx.authorize(Action::Coordinate, &Target::org(target.path))?;
    let decision = text(&input.decision, "decision", 2000)?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    st::designate(&mut w, s.clock_env(&cal), id, input.org_id, &decision).await?;
    w.commit().await?;
    get_dispute(s, ctx, id).await
}

/// Filters of the dispute list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct DisputeQuery {
    /// Only open disputes (negotiating or escalated).
    pub open: Option<bool>,
}

/// Disputes involving orgs in reach (the office: all of its government's).
pub async fn list_disputes(
    s: &AppState,
    ctx: &Ctx,
    q: &DisputeQuery,
) -> Result<Vec<DisputeView>, AppError> {
    let orgs = ctx.list_scope(Action::ViewLead)?.org_ids(&s.store).await?;
    let rows = s
        .store
        .disputes(Some(&orgs), q.open.unwrap_or(false))
        .await?;
    let all = s.store.orgs_under("/").await?;
    let mut out = vec![];
    for d in rows.iter().take(500) {
        out.push(dispute_view(s, ctx, d, &all).await?);
    }
    Ok(out)
}
