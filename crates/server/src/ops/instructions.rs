//! Instructions (指令一键即达): leaders and the coordination office send; recipients get them
//! live (SSE, across instances) and in their list, acknowledge and report completion; the
//! sender follows every receipt.

use super::attachments::{AttachmentView, attachment_view};
use super::clocks::ClockView;
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xiezhi_domain::instruction::{ReceiptCommand, ReceiptStatus, transition};
use xiezhi_domain::transfer::required_text;
use xiezhi_domain::{Action, Refusal, Relation, Target};
use xiezhi_store::entities::{instruction as ins, instruction_receipt as rc, org};
use xiezhi_store::instructions::{self as si, NewInstruction};

/// A time typed by a person: RFC 3339, or `YYYY-MM-DD HH:MM` / `YYYY-MM-DDTHH:MM` in Beijing
/// time (what a `datetime-local` field sends).
pub(crate) fn input_time(s: &str, field: &'static str) -> Result<DateTime<Utc>, AppError> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f)
            && let Some(t) = chrono::FixedOffset::east_opt(8 * 3600)
                .and_then(|tz| tz.from_local_datetime(&t).single())
        {
            return Ok(t.with_timezone(&Utc));
        }
    }
    Err(AppError::invalid(
        field,
        "时间格式应为 2026-12-31 17:30（北京时间）",
    ))
}

/// One recipient's receipt as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptView {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub status: String,
    pub status_label: String,
    pub acknowledged_at: Option<String>,
    pub completed_at: Option<String>,
    /// The completion report.
    pub report: Option<String>,
    /// Its clocks (acknowledgement, completion).
    pub clocks: Vec<ClockView>,
}

/// An instruction as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstructionView {
    pub id: i64,
    pub from_org_id: i64,
    pub from_org_name: String,
    pub from_person_name: Option<String>,
    pub body: String,
    pub due_at: Option<String>,
    pub sent_at: String,
    /// Attached files.
    pub attachments: Vec<AttachmentView>,
    /// Every receipt for the sender's side; the caller's own for a recipient.
    pub receipts: Vec<ReceiptView>,
    /// The caller's receipt still to act on, if any.
    pub my_receipt: Option<i64>,
    /// Its status (`sent`, `acknowledged`), if any.
    pub my_status: Option<String>,
    /// Counts by status: sent, acknowledged, completed.
    pub counts: [usize; 3],
    /// Some receipt shown is not yet acknowledged.
    pub awaiting: bool,
    /// The steps the caller may take on their own open receipt now, by the checks the steps
    /// make (the policy to answer instructions, the receipt's transition): `acknowledge`,
    /// `complete`.
    pub steps: super::Steps,
}

async fn person_name(s: &AppState, id: Option<i64>) -> Result<Option<String>, AppError> {
    Ok(match id {
        Some(p) => Some(s.store.person(p).await?.name),
        None => None,
    })
}

/// Whether the caller may follow an instruction as its sender's side.
fn sender_side(ctx: &Ctx, from_path: &str) -> bool {
    ctx.can(Action::Instruct, &Target::org(from_path.to_owned()))
}

/// The caller's receipts among these: those whose addressee (the person, or the org) the
/// policy says they answer for.
async fn mine<'a>(
    s: &AppState,
    ctx: &Ctx,
    from: &org::Model,
    receipts: &'a [rc::Model],
) -> Result<Vec<&'a rc::Model>, AppError> {
    let mut out = vec![];
    for r in receipts {
        let t = Target::org(from.path.clone());
        let t = match r.person_id {
            Some(p) => t.tie_person(Relation::Addressee, p),
            None => t.tie(Relation::Addressee, &s.store.org(r.org_id).await?.path),
        };
        if ctx.can(Action::AnswerInstruction, &t) {
            out.push(r);
        }
    }
    Ok(out)
}

async fn view(s: &AppState, ctx: &Ctx, m: &ins::Model) -> Result<InstructionView, AppError> {
    let from = s.store.org(m.from_org_id).await?;
    let all = s.store.instruction_receipts(m.id).await?;
    let own = mine(s, ctx, &from, &all).await?;
    let shown: Vec<&rc::Model> = if sender_side(ctx, &from.path) {
        all.iter().collect()
    } else if own.is_empty() {
        return Err(AppError::Forbidden(Refusal::OutOfScope));
    } else {
        own.clone()
    };
    let clocks = s.store.clocks_of("instruction", m.id).await?;
    let mut receipts = vec![];
    for r in shown {
        let org = s.store.org(r.org_id).await?;
        let theirs: Vec<_> = clocks
            .iter()
            .filter(|c| c.holder_org_id == r.org_id && c.holder_person_id == r.person_id)
            .cloned()
            .collect();
        receipts.push(ReceiptView {
            id: r.id,
            org_id: r.org_id,
            org_name: org.name,
            person_id: r.person_id,
            person_name: person_name(s, r.person_id).await?,
            status: r.status.clone(),
            status_label: ReceiptStatus::parse(&r.status)
                .map(|x| x.label().to_owned())
                .unwrap_or_default(),
            acknowledged_at: r.acknowledged_at.map(beijing_time),
            completed_at: r.completed_at.map(beijing_time),
            report: r.report.clone(),
            clocks: super::clocks::views(s, &theirs, ctx.now()).await?,
        });
    }
    let awaiting = receipts
        .iter()
        .any(|r| r.status == ReceiptStatus::Sent.as_str());
    let open_own = own
        .iter()
        .find(|r| r.status != ReceiptStatus::Completed.as_str());
    let count = |st: ReceiptStatus| all.iter().filter(|r| r.status == st.as_str()).count();
    let steps = receipt_steps(open_own.copied())?;
    Ok(InstructionView {
        steps,
        id: m.id,
        from_org_id: from.id,
        from_org_name: from.name,
        from_person_name: person_name(s, m.from_person_id).await?,
        body: m.body.clone(),
        attachments: s
            .store
            .attachments_of("instruction", m.id)
            .await?
            .iter()
            .map(attachment_view)
            .collect(),
        due_at: m.due_at.map(beijing_time),
        sent_at: beijing_time(m.sent_at),
        receipts,
        my_receipt: open_own.map(|r| r.id),
        my_status: open_own.map(|r| r.status.clone()),
        awaiting,
        counts: [
            count(ReceiptStatus::Sent),
            count(ReceiptStatus::Acknowledged),
            count(ReceiptStatus::Completed),
        ],
    })
}

/// The receipt steps by their API names.
const STEPS: [(&str, ReceiptCommand); 2] = [
    ("acknowledge", ReceiptCommand::Acknowledge),
    ("complete", ReceiptCommand::Complete),
];

/// The steps the caller may take on their open receipt (see [`InstructionView::steps`]).
fn receipt_steps(own: Option<&rc::Model>) -> Result<super::Steps, AppError> {
    let Some(r) = own else {
        return Ok(super::Steps::default());
    };
    let status = si::receipt_status(r)?;
    Ok(super::Steps(
        STEPS
            .iter()
            .filter(|(_, cmd)| transition(status, *cmd).is_ok())
            .map(|(name, _)| (*name).to_owned())
            .collect(),
    ))
}

/// An instruction to send.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct InstructionInput {
    /// The text.
    pub body: String,
    /// Addressed orgs (ids).
    #[serde(default)]
    pub to_orgs: Vec<i64>,
    /// Addressed people (ids).
    #[serde(default)]
    pub to_people: Vec<i64>,
    /// When completion must be reported (Beijing time `YYYY-MM-DD HH:MM` or RFC 3339); none:
    /// acknowledgement only.
    pub due_at: Option<String>,
    /// Attached files: SM3 digests of files uploaded first (`POST /api/v1/attachments`).
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// Send an instruction in the caller's org's name (leaders and the coordination office), to
/// orgs and people within their government.
pub async fn send(
    s: &AppState,
    ctx: &Ctx,
    input: &InstructionInput,
) -> Result<InstructionView, AppError> {
    ctx.authorize(Action::Instruct, &Target::org(ctx.actor.org_path.clone()))?;
    let body = required_text(&input.body, "body", 2000)?;
    if input.to_orgs.is_empty() && input.to_people.is_empty() {
        return Err(AppError::invalid("to_orgs", "请选择接收单位或人员"));
    }
    if input.to_orgs.len() + input.to_people.len() > 5000 {
        return Err(AppError::invalid("to_orgs", "接收对象不超过5000个"));
    }
    for o in &input.to_orgs {
        let org = s
            .store
            .org(*o)
            .await
            .map_err(|_| AppError::invalid("to_orgs", format!("接收单位 {o} 不存在")))?;
        ctx.authorize(Action::Instruct, &Target::org(org.path))?;
    }
    for p in &input.to_people {
        let person = s
            .store
            .person(*p)
            .await
            .map_err(|_| AppError::invalid("to_people", format!("接收人员 {p} 不存在")))?;
        let org = s.store.org(person.org_id).await?;
        ctx.authorize(Action::Instruct, &Target::org(org.path))?;
    }
    let due_at = match input.due_at.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => Some(input_time(d, "due_at")?),
        _ => None,
    };
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    super::attachments::may_name(s, ctx, input.attachments.iter().map(String::as_str)).await?;
    let mut w = ctx.writer(s).await?;
    let (m, _) = si::send(
        &mut w,
        env,
        NewInstruction {
            from_org_id: ctx.actor.org_id,
            from_person_id: ctx.actor.person_id(),
            body,
            due_at,
            to_orgs: input.to_orgs.clone(),
            to_people: input.to_people.clone(),
            attachments: input.attachments.clone(),
        },
    )
    .await?;
    w.commit().await?;
    view(s, ctx, &m).await
}

/// One instruction: for its sender's side, or a recipient.
pub async fn get(s: &AppState, ctx: &Ctx, id: i64) -> Result<InstructionView, AppError> {
    let m = s.store.instruction(id).await?;
    view(s, ctx, &m).await
}

/// The caller's instructions: those addressed to them or their org, and those sent by their
/// org when they may send.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstructionLists {
    pub received: Vec<InstructionView>,
    pub sent: Vec<InstructionView>,
}

/// Received and sent instructions (newest first, 100 each).
pub async fn list(s: &AppState, ctx: &Ctx) -> Result<InstructionLists, AppError> {
    let mut received = vec![];
    if let Some(me) = ctx.actor.person_id() {
        let mut seen = std::collections::BTreeSet::new();
        for r in s.store.receipts_for(ctx.actor.org_id, me).await? {
            if seen.insert(r.instruction_id) && seen.len() <= 100 {
                received.push(get(s, ctx, r.instruction_id).await?);
            }
        }
    }
    let mut sent = vec![];
    if ctx.can(Action::Instruct, &Target::org(ctx.actor.org_path.clone())) {
        for m in s.store.instructions_from(&[ctx.actor.org_id], 100).await? {
            sent.push(view(s, ctx, &m).await?);
        }
    }
    Ok(InstructionLists { received, sent })
}

/// A completion report.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReportInput {
    /// What was done.
    #[serde(default)]
    pub report: String,
}

/// Acknowledge (`report` none) or report completion, on the caller's own receipt.
pub async fn answer(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    cmd: ReceiptCommand,
    report: Option<&str>,
) -> Result<InstructionView, AppError> {
    let m = s.store.instruction(id).await?;
    let from = s.store.org(m.from_org_id).await?;
    let all = s.store.instruction_receipts(id).await?;
    let own = mine(s, ctx, &from, &all).await?;
    let Some(r) = own
        .iter()
        .find(|r| r.status != ReceiptStatus::Completed.as_str())
        .or(own.first())
    else {
        return Err(AppError::Forbidden(Refusal::OutOfScope));
    };
    let report = match (cmd, report) {
        (ReceiptCommand::Complete, Some(t)) => Some(required_text(t, "report", 4000)?),
        (ReceiptCommand::Complete, None) => {
            return Err(AppError::invalid("report", "请填写办结情况"));
        }
        _ => None,
    };
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    si::answer(&mut w, env, r.id, cmd, ctx.actor.person_id(), report).await?;
    w.commit().await?;
    view(s, ctx, &m).await
}
