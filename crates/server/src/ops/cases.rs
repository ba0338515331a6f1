//! Operations on cases: reading (ID numbers masked outside the holder), parties, handlers,
//! flags, lifecycle steps (each checked by the policy for the step: handling, legal review,
//! the head's decision), the copy to the permit department and the permit check.

use super::acting::{acting_for, may_act};
use super::clocks::ClockView;
use super::{EventView, PER_PAGE, Page, Steps};
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiezhi_domain::case::{
    CaseCommand, CaseStage, DecisionKind, Party, check_discretion, transition,
};
use xiezhi_domain::catalog::DiscretionTier;
use xiezhi_domain::{Action, Target, mask};
use xiezhi_store::cases;
use xiezhi_store::entities::{case, org};

/// A party as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartyView {
    pub id: i64,
    /// `person` or `organisation`.
    pub kind: String,
    /// A person's name is masked outside the holder.
    pub name: String,
    /// ID number (masked outside the holder) or credit code.
    pub code: String,
}

/// A stage on the stage bar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageMark {
    pub stage: String,
    pub label: String,
    /// `done`, `current` or `todo`.
    pub state: String,
}

/// A case as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub lead_id: Option<i64>,
    pub holder_org_id: i64,
    pub holder_org_name: String,
    pub item_code: Option<String>,
    pub item_version: Option<i32>,
    pub division_code: Option<String>,
    pub stage: String,
    pub stage_label: String,
    pub stages: Vec<StageMark>,
    pub major: bool,
    pub suspected_crime: bool,
    pub legal_passed: bool,
    pub decision_kind: Option<String>,
    pub decision_label: Option<String>,
    pub decision_tier: Option<String>,
    pub decision_amount: Option<i64>,
    /// Why the amount lies outside the tier's range (part of the decision record).
    pub decision_reason: Option<String>,
    pub decided_at: Option<String>,
    pub filed_at: String,
    pub closed_at: Option<String>,
    pub parties: Vec<PartyView>,
    pub handlers: Vec<i64>,
    pub clocks: Vec<ClockView>,
    /// Evidence files (SM3 digests), in the order added.
    pub evidence: Vec<super::attachments::AttachmentView>,
    /// The steps the caller may take now, by the checks the steps make (the policy for the
    /// step's action, acting for the holder, the case transition over the case's facts):
    /// the lifecycle steps by their API names, and `party`, `evidence`, `flags`,
    /// `document` and `export`. On a single case's view; empty in lists.
    pub steps: Steps,
}

/// The lifecycle steps (办案环节) by their names in the API, with the policy action each
/// needs: handling (承办), legal review (法制审核) or the head's decision (负责人决定).
const LIFECYCLE: [(&str, Action); 12] = [
    ("investigate", Action::HandleCase),
    ("submit", Action::HandleCase),
    ("return", Action::HandleCase),
    ("legal_review", Action::HandleCase),
    ("pass", Action::ReviewCase),
    ("fail", Action::ReviewCase),
    ("decide", Action::DecideCase),
    ("serve", Action::HandleCase),
    ("execute", Action::HandleCase),
    ("close", Action::HandleCase),
    ("terminate", Action::HandleCase),
    ("archive", Action::HandleCase),
];

/// The command a lifecycle step names, except a decision (built from its form, see [`step`]).
fn command(step: &str, reason: String, person: i64) -> Option<CaseCommand> {
    Some(match step {
        "investigate" => CaseCommand::Investigate,
        "submit" => CaseCommand::SubmitForReview,
        "return" => CaseCommand::ReturnForInvestigation { reason },
        "legal_review" => CaseCommand::SendToLegalReview,
        "pass" => CaseCommand::PassLegalReview { reviewer: person },
        "fail" => CaseCommand::FailLegalReview {
            reviewer: person,
            reason,
        },
        "serve" => CaseCommand::Serve,
        "execute" => CaseCommand::Execute,
        "close" => CaseCommand::Close,
        "terminate" => CaseCommand::Terminate { reason },
        "archive" => CaseCommand::Archive,
        _ => return None,
    })
}

/// The steps the caller may take on a case now (see [`CaseView::steps`]). A step whose form
/// asks for a reason is probed with one; a decision with 不予处罚, the decision every case in
/// review may take unless the law needs a legal review first.
async fn case_steps(
    s: &AppState,
    ctx: &Ctx,
    c: &case::Model,
    holder: &org::Model,
) -> Result<Steps, AppError> {
    let may = |a| may_act(ctx, a, holder);
    let (handle, review, decide) = (
        may(Action::HandleCase),
        may(Action::ReviewCase),
        may(Action::DecideCase),
    );
    if !(handle || review || decide) {
        return Ok(Steps::default());
    }
    let cal = s.calendar();
    let (stage, facts) = s.store.case_facts(s.clock_env(&cal), c).await?;
    let person = ctx.actor.person_id().unwrap_or(0);
    let mut steps = vec![];
    for (name, action) in LIFECYCLE {
        let cmd = match name {
            "decide" => Some(CaseCommand::Decide {
                kind: DecisionKind::NoPenalty,
                discretion: None,
            }),
            _ => command(name, "（理由）".into(), person),
        };
        let allowed = match action {
            Action::ReviewCase => review,
            Action::DecideCase => decide,
            _ => handle,
        };
        if allowed && cmd.is_some_and(|cmd| transition(stage, &cmd, &facts).is_ok()) {
            steps.push(name.to_owned());
        }
    }
    if handle {
        if stage.takes_parties() {
            steps.push("party".into());
        }
        if stage.is_open() {
            steps.extend(["evidence".into(), "flags".into()]);
        }
        steps.extend(["document".into(), "export".into()]);
    }
    Ok(Steps(steps))
}

fn stage_marks(current: CaseStage) -> Vec<StageMark> {
    let at = CaseStage::ALL
        .iter()
        .position(|s| *s == current)
        .unwrap_or(0);
    CaseStage::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| StageMark {
            stage: s.as_str().into(),
            label: s.label().into(),
            state: match i.cmp(&at) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "todo",
            }
            .into(),
        })
        .collect()
}

async fn view(s: &AppState, ctx: &Ctx, c: &case::Model) -> Result<CaseView, AppError> {
    let holder = s.store.org(c.holder_org_id).await?;
    let unmasked = ctx.actor.org_id == c.holder_org_id;
    let stage = xiezhi_store::stored(CaseStage::parse(&c.stage), "cases", c.id, "stage", &c.stage)?;
    let clocks = s.store.clocks_of("case", c.id).await?;
    Ok(CaseView {
        id: c.id,
        number: c.number.clone(),
        title: c.title.clone(),
        lead_id: c.lead_id,
        holder_org_id: c.holder_org_id,
        holder_org_name: holder.name,
        item_code: c.item_code.clone(),
        item_version: c.item_version,
        division_code: c.division_code.clone(),
        stage: c.stage.clone(),
        stage_label: stage.label().into(),
        stages: stage_marks(stage),
        major: c.major,
        suspected_crime: c.suspected_crime,
        legal_passed: c.legal_passed,
        decision_kind: c.decision_kind.clone(),
        decision_label: c
            .decision_kind
            .as_deref()
            .and_then(DecisionKind::parse)
            .map(|k| k.label().into()),
        decision_tier: c.decision_tier.clone(),
        decision_amount: c.decision_amount,
        decision_reason: c.decision_reason.clone(),
        decided_at: c.decided_at.map(beijing_time),
        filed_at: beijing_time(c.filed_at),
        closed_at: c.closed_at.map(beijing_time),
        parties: s
            .store
            .case_parties(c.id)
            .await?
            .into_iter()
            .map(|p| {
                let person = p.kind == "person";
                PartyView {
                    id: p.id,
                    name: if person && !unmasked {
                        mask::name(&p.name)
                    } else {
                        p.name
                    },
                    code: if person && !unmasked {
                        mask::id_number(&p.code)
                    } else {
                        p.code
                    },
                    kind: p.kind,
                }
            })
            .collect(),
        handlers: s.store.case_handlers(c.id).await?,
        clocks: super::clocks::views(s, &clocks, ctx.now()).await?,
        evidence: s
            .store
            .attachments_of("case", c.id)
            .await?
            .iter()
            .map(super::attachments::attachment_view)
            .collect(),
        steps: Steps::default(),
    })
}

async fn case_and_holder(s: &AppState, id: i64) -> Result<(case::Model, org::Model), AppError> {
    let c = s.store.case(id).await?;
    let o = s.store.org(c.holder_org_id).await?;
    Ok((c, o))
}

/// One case.
pub async fn get(s: &AppState, ctx: &Ctx, id: i64) -> Result<CaseView, AppError> {
    let (c, o) = case_and_holder(s, id).await?;
    ctx.authorize(Action::ViewCase, &Target::org(o.path.clone()))?;
    let mut v = view(s, ctx, &c).await?;
    v.steps = case_steps(s, ctx, &c, &o).await?;
    Ok(v)
}

/// The case and the events of its record.
pub async fn timeline(s: &AppState, ctx: &Ctx, id: i64) -> Result<Vec<EventView>, AppError> {
    get(s, ctx, id).await?;
    let f = xiezhi_store::record::EventFilter {
        subject_type: Some("case".into()),
        subject_id: Some(id.to_string()),
        ..Default::default()
    };
    let (rows, _) = s.store.list_events(&f, 1, 1000).await?;
    let mut out: Vec<EventView> = super::event_views(s, rows).await?;
    out.sort_by_key(|e| e.seq);
    Ok(out)
}

/// Query of the case list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct CaseQuery {
    pub page: Option<u64>,
    /// Only cases still in hand, not closed or archived (`true`).
    pub open: Option<bool>,
}

/// Cases held by orgs in reach, newest first.
pub async fn list(s: &AppState, ctx: &Ctx, q: &CaseQuery) -> Result<Page<CaseView>, AppError> {
    let orgs = ctx.list_scope(Action::ViewCase)?.org_ids(&s.store).await?;
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let (rows, total) = s
        .store
        .cases_of(&orgs, q.open == Some(true), page, PER_PAGE)
        .await?;
    let mut items = vec![];
    for c in &rows {
        items.push(view(s, ctx, c).await?);
    }
    Ok(Page {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// The legal reviewer's queue: cases in legal review in their reach.
pub async fn review_queue(s: &AppState, ctx: &Ctx) -> Result<Vec<CaseView>, AppError> {
    let orgs = ctx
        .list_scope(Action::ReviewCase)?
        .org_ids(&s.store)
        .await?;
    let mut out = vec![];
    for c in s.store.legal_review_queue(&orgs).await? {
        out.push(view(s, ctx, &c).await?);
    }
    Ok(out)
}

/// A party to add.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PartyInput {
    /// `person` or `organisation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    /// ID number (person) or unified social credit code (organisation).
    pub code: String,
}

/// Add a party.
pub async fn add_party(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &PartyInput,
) -> Result<CaseView, AppError> {
    let (_, o) = case_and_holder(s, id).await?;
    acting_for(ctx, Action::HandleCase, &o)?;
    let p = Party::parse(&input.kind, &input.name, &input.code)?;
    let mut w = ctx.writer(s).await?;
    cases::add_party(&mut w, id, &p).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// Evidence to attach.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct EvidenceInput {
    /// SM3 digest of a file uploaded to `/api/v1/attachments`.
    pub digest: String,
    /// What it shows (e.g. "现场检查录像").
    pub title: String,
}

/// Attach uploaded evidence to a case (noting the current stage).
pub async fn add_evidence(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &EvidenceInput,
) -> Result<CaseView, AppError> {
    let (_, o) = case_and_holder(s, id).await?;
    let by = acting_for(ctx, Action::HandleCase, &o)?;
    let title = xiezhi_domain::transfer::required_text(&input.title, "title", 200)?;
    let digest = input.digest.trim();
    if !xiezhi_domain::transfer::is_digest(digest) {
        return Err(AppError::invalid("digest", "应为64位小写十六进制 SM3 摘要"));
    }
    super::attachments::may_name(s, ctx, [digest]).await?;
    let mut w = ctx.writer(s).await?;
    cases::add_evidence(&mut w, id, &title, digest, by.org_id).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// A handler to add.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct HandlerInput {
    pub person_id: i64,
}

/// Add a handler (a person of the holder org).
pub async fn add_handler(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &HandlerInput,
) -> Result<CaseView, AppError> {
    let (_, o) = case_and_holder(s, id).await?;
    acting_for(ctx, Action::HandleCase, &o)?;
    let p = s
        .store
        .person(input.person_id)
        .await
        .map_err(|_| AppError::invalid("person_id", "人员不存在"))?;
    if p.org_id != o.id || !p.active {
        return Err(AppError::invalid("person_id", "承办人应为本机构在岗人员"));
    }
    let mut w = ctx.writer(s).await?;
    cases::add_handler(&mut w, id, p.id).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// Flags to set.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FlagsInput {
    /// Major decision (重大执法决定).
    pub major: Option<bool>,
    /// Suspected crime (涉嫌犯罪).
    pub suspected_crime: Option<bool>,
}

/// Flag a case major or suspected crime.
pub async fn set_flags(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &FlagsInput,
) -> Result<CaseView, AppError> {
    let (_, o) = case_and_holder(s, id).await?;
    acting_for(ctx, Action::HandleCase, &o)?;
    let mut w = ctx.writer(s).await?;
    cases::set_flags(&mut w, id, input.major, input.suspected_crime).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// A lifecycle step.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct StepInput {
    /// `investigate`, `submit`, `return`, `legal_review`, `pass`, `fail`, `decide`, `serve`,
    /// `execute`, `close`, `terminate`, `archive`.
    pub step: String,
    /// Reason (return, fail, terminate; and a fine outside the tier's range).
    pub reason: Option<String>,
    /// Decision: `penalty`, `no_penalty` or `commitment`.
    pub decision: Option<String>,
    /// Discretion tier name (penalty).
    pub tier: Option<String>,
    /// Fine in yuan (penalty).
    pub amount: Option<i64>,
}

/// Take one step; the policy action depends on the step.
pub async fn step(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &StepInput,
) -> Result<CaseView, AppError> {
    let (c, o) = case_and_holder(s, id).await?;
    let reason = input.reason.clone().unwrap_or_default();
    let person = ctx.actor.person_id().unwrap_or(0);
    let name = input.step.trim();
    let action = LIFECYCLE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, a)| *a)
        .ok_or_else(|| AppError::invalid("step", "未知的办案环节"))?;
    acting_for(ctx, action, &o)?;
    let cmd = match command(name, reason, person) {
        Some(cmd) => cmd,
        None => decision(s, &c, input).await?,
    };
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    if action == Action::HandleCase
        && let Some(p) = ctx.actor.person_id()
    {
        cases::add_handler(&mut w, id, p).await?;
    }
    cases::step(&mut w, env, id, &cmd, ctx.actor.person_id()).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// The decision a head's form asks for; a fine is checked against the item's benchmark.
async fn decision(
    s: &AppState,
    c: &case::Model,
    input: &StepInput,
) -> Result<CaseCommand, AppError> {
    let kind = input
        .decision
        .as_deref()
        .and_then(DecisionKind::parse)
        .ok_or_else(|| {
            AppError::invalid("decision", "决定类型应为 penalty、no_penalty 或 commitment")
        })?;
    let discretion = if kind == DecisionKind::Penalty {
        // The fine is checked against the item's benchmark (裁量基准): a case with no
        // item, or an item whose benchmark cannot be read, gets no penalty decision.
        let (Some(code), Some(v)) = (&c.item_code, c.item_version) else {
            return Err(AppError::conflict(
                "case.no_item",
                "案件未关联权责清单事项，无法适用裁量基准，不能作出行政处罚决定",
            ));
        };
        let item = s
            .store
            .item_versions(code)
            .await?
            .into_iter()
            .find(|i| i.version == v)
            .ok_or(AppError::NotFound("案件适用的事项版本"))?;
        let tiers =
            serde_json::from_str::<Vec<DiscretionTier>>(&item.discretion).map_err(|_| {
                AppError::conflict(
                    "case.benchmark_unreadable",
                    format!(
                        "事项“{}”（{}第{}版）的裁量基准无法读取，请系统管理员重新导入权责清单",
                        item.name, item.code, item.version
                    ),
                )
            })?;
        let amount = input
            .amount
            .ok_or_else(|| AppError::invalid("amount", "请填写罚款金额"))?;
        let tier = input.tier.clone().unwrap_or_default();
        Some(
            check_discretion(&tiers, &tier, amount, input.reason.as_deref()).map_err(
                |e| match e {
                    xiezhi_domain::case::CaseRefusal::ReasonRequired => {
                        AppError::invalid("reason", e.to_string())
                    }
                    other => AppError::invalid("tier", other.to_string()),
                },
            )?,
        )
    } else {
        None
    };
    Ok(CaseCommand::Decide { kind, discretion })
}

/// The permit department the decision was copied to.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PermitCopyInput {
    pub permit_org_id: i64,
}

/// Record that the penalty decision was copied to the permit department (抄告).
pub async fn copy_to_permit(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &PermitCopyInput,
) -> Result<CaseView, AppError> {
    let (_, o) = case_and_holder(s, id).await?;
    acting_for(ctx, Action::HandleCase, &o)?;
    s.store
        .org(input.permit_org_id)
        .await
        .map_err(|_| AppError::invalid("permit_org_id", "许可部门不存在"))?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    cases::copy_to_permit(&mut w, env, id, input.permit_org_id).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// Query of the permit check.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct PermitQuery {
    /// The applicant's unified social credit code or ID number.
    pub party: String,
    /// The catalog item of the matter.
    pub item: String,
}

/// A blocking case (no personal data).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BlockingCase {
    pub number: String,
    pub holder_org_name: String,
    pub stage_label: String,
}

/// The answer of the permit check.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PermitCheck {
    /// True while a penalty case on the same matter is open: the permit must wait.
    pub blocked: bool,
    pub cases: Vec<BlockingCase>,
    /// Why, in Chinese.
    pub reason: String,
}

/// Whether a permit on a matter is blocked by an open penalty case (seed 003 二、(四)3 相关行政
/// 管理部门(4)).
pub async fn permit_check(
    s: &AppState,
    ctx: &Ctx,
    q: &PermitQuery,
) -> Result<PermitCheck, AppError> {
    ctx.authorize(
        Action::CheckPermit,
        &Target::org(ctx.actor.government_path.clone()),
    )?;
    let party = q.party.trim().to_ascii_uppercase();
    if party.is_empty() {
        return Err(AppError::invalid(
            "party",
            "请填写申请人的统一社会信用代码或身份证号",
        ));
    }
    if q.item.trim().is_empty() {
        return Err(AppError::invalid("item", "请填写执法事项编码"));
    }
    let gov = s.store.orgs_under(&ctx.actor.government_path).await?;
    let mut out = vec![];
    for c in s.store.permit_blocks(&party, q.item.trim()).await? {
        if let Some(o) = gov.iter().find(|o| o.id == c.holder_org_id) {
            out.push(BlockingCase {
                number: c.number,
                holder_org_name: o.name.clone(),
                stage_label: CaseStage::parse(&c.stage)
                    .map(|s| s.label().to_owned())
                    .unwrap_or_default(),
            });
        }
    }
    let blocked = !out.is_empty();
    Ok(PermitCheck {
        blocked,
        reason: if blocked {
            "综合行政执法部门未对移交的违法行为作出行政处罚前，不得为当事人办理行政许可手续".into()
        } else {
            "无未办结的同一事项处罚案件".into()
        },
        cases: out,
    })
}

/// The case file (卷宗) as a zip archive, for the holder's people; the export is recorded.
pub async fn export(s: &AppState, ctx: &Ctx, id: i64) -> Result<(String, Vec<u8>), AppError> {
    let (c, o) = case_and_holder(s, id).await?;
    acting_for(ctx, Action::HandleCase, &o)?;
    let mut buf = std::io::Cursor::new(Vec::new());
    s.store
        .export_case(
            id,
            &mut buf,
            xiezhi_store::RecordContext {
                actor: ctx.actor.id.record_name(),
                org: Some(ctx.actor.org_id),
                request_id: ctx.meta.request_id.clone(),
                at: ctx.now(),
            },
            &s.printer,
        )
        .await?;
    Ok((format!("{}.zip", c.number), buf.into_inner()))
}
