//! Operations on assistance requests (协助函): send in the org's name, read, and each step by
//! the side allowed to take it.

use super::Steps;
use super::acting::{acting_for, may_act};
use super::clocks::ClockView;
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xiezhi_domain::assistance::{AssistanceCommand, AssistanceKind, AssistanceStatus, transition};
use xiezhi_domain::clock::ClockState;
use xiezhi_domain::transfer::required_text;
use xiezhi_domain::{Action, Target};
use xiezhi_store::assistance::ON_SITE_RULE;
use xiezhi_store::assistance::{self as sa, Extension, NewRequest};
use xiezhi_store::entities::{assistance_request as ar, org};

/// A request as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssistanceView {
    pub id: i64,
    pub from_org_id: i64,
    pub from_org_name: String,
    pub to_org_id: i64,
    pub to_org_name: String,
    pub case_id: Option<i64>,
    pub kind: String,
    pub kind_label: String,
    pub text: String,
    pub urgent: bool,
    pub status: String,
    pub status_label: String,
    pub supplement_asked: bool,
    pub supplement_note: Option<String>,
    /// The written answer or the reasons of a refusal.
    pub answer: Option<String>,
    pub sent_at: String,
    pub answered_at: Option<String>,
    /// The requester's rating of the answer.
    pub rating: Option<String>,
    pub rating_label: Option<String>,
    pub clocks: Vec<ClockView>,
    /// The steps the caller may take now, by the checks the steps make (acting for the
    /// side that takes the step, the request's transition, an open on-site clock, an
    /// unrated answer): `ask_supplement`, `answer`, `refuse`, `extend`, `on_site`,
    /// `supplement`, `withdraw`, `rate`. On a single request's view; empty in lists.
    pub steps: Steps,
}

/// Each transition step by its API name and whether the receiver (被请求机构) takes it.
const STEPS: [(&str, AssistanceCommand, bool); 6] = [
    ("ask_supplement", AssistanceCommand::AskSupplement, true),
    ("answer", AssistanceCommand::Answer, true),
    ("refuse", AssistanceCommand::Refuse, true),
    ("extend", AssistanceCommand::Extend, true),
    ("supplement", AssistanceCommand::Supplement, false),
    ("withdraw", AssistanceCommand::Withdraw, false),
];

/// The steps the caller may take on a request now (see [`AssistanceView::steps`]).
async fn steps_for(
    s: &AppState,
    ctx: &Ctx,
    m: &ar::Model,
    from: &org::Model,
    to: &org::Model,
    clocks: &[ClockView],
) -> Result<Steps, AppError> {
    let receiver = may_act(ctx, Action::HandleCase, to);
    let requester = may_act(ctx, Action::HandleCase, from);
    if !(receiver || requester) {
        return Ok(Steps::default());
    }
    let cal = s.calendar();
    let (status, facts) = s
        .store
        .assistance_facts(s.clock_env(&cal), m, ctx.now())
        .await?;
    let mut steps: Vec<String> = STEPS
        .iter()
        .filter(|(_, cmd, receiver_side)| {
            (if *receiver_side { receiver } else { requester })
                && transition(status, cmd.clone(), facts).is_ok()
        })
        .map(|(name, _, _)| (*name).to_owned())
        .collect();
    let dispatch_due = clocks.iter().any(|c| {
        c.rule_id == ON_SITE_RULE && ClockState::parse(&c.state).is_some_and(ClockState::is_open)
    });
    if receiver && dispatch_due {
        steps.push("on_site".into());
    }
    if requester && m.answered_at.is_some() && m.rating.is_none() {
        steps.push("rate".into());
    }
    Ok(Steps(steps))
}

async fn view(s: &AppState, ctx: &Ctx, m: &ar::Model) -> Result<AssistanceView, AppError> {
    let from = s.store.org(m.from_org_id).await?;
    let to = s.store.org(m.to_org_id).await?;
    let clocks = s.store.clocks_of("assistance_request", m.id).await?;
    Ok(AssistanceView {
        id: m.id,
        from_org_id: from.id,
        from_org_name: from.name,
        to_org_id: to.id,
        to_org_name: to.name,
        steps: Steps::default(),
        case_id: m.case_id,
        kind: m.kind.clone(),
        kind_label: AssistanceKind::parse(&m.kind)
            .map(|k| k.label().to_owned())
            .unwrap_or_default(),
        text: m.text.clone(),
        urgent: m.urgent,
        status: m.status.clone(),
        status_label: AssistanceStatus::parse(&m.status)
            .map(|k| k.label().to_owned())
            .unwrap_or_default(),
        supplement_asked: m.supplement_asked,
        supplement_note: m.supplement_note.clone(),
        answer: m.answer.clone(),
        sent_at: beijing_time(m.sent_at),
        answered_at: m.answered_at.map(beijing_time),
        rating: m.rating.clone(),
        rating_label: m
            .rating
            .as_deref()
            .and_then(xiezhi_domain::lead::Satisfaction::parse)
            .map(|r| r.label().to_owned()),
        clocks: super::clocks::views(s, &clocks, ctx.now()).await?,
    })
}

/// A request to send.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AssistanceInput {
    /// The body asked.
    pub to_org_id: i64,
    /// The case it serves (of the caller's org), if any.
    pub case_id: Option<i64>,
    /// `material`, `appraisal`, `archive` or `on_site`.
    pub kind: String,
    /// The letter.
    pub text: String,
    /// Urgent, or evidence may be lost: officers on site at once.
    #[serde(default)]
    pub urgent: bool,
}

/// Send an assistance request in the caller's org's name.
pub async fn send(
    s: &AppState,
    ctx: &Ctx,
    input: &AssistanceInput,
) -> Result<AssistanceView, AppError> {
    let me = s.store.org(ctx.actor.org_id).await?;
    let by = acting_for(ctx, Action::HandleCase, &me)?;
    let kind = AssistanceKind::parse(&input.kind).ok_or_else(|| {
        AppError::invalid(
            "kind",
            "协助类型应为 material、appraisal、archive 或 on_site",
        )
    })?;
    let text = required_text(&input.text, "text", 4000)?;
    let to = s
        .store
        .org(input.to_org_id)
        .await
        .map_err(|_| AppError::invalid("to_org_id", "被请求机构不存在"))?;
    super::acting::same_tree(ctx, &to)?;
    if let Some(c) = input.case_id {
        let case = s.store.case(c).await?;
        if case.holder_org_id != by.org_id {
            return Err(AppError::invalid(
                "case_id",
                "只能为本机构承办的案件请求协助",
            ));
        }
    }
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    let m = sa::send(
        &mut w,
        env,
        NewRequest {
            from_org_id: by.org_id,
            to_org_id: input.to_org_id,
            case_id: input.case_id,
            kind,
            text,
            urgent: input.urgent,
            created_by: by.person_id,
        },
    )
    .await?;
    w.commit().await?;
    get(s, ctx, m.id).await
}

/// One request (either side, or anyone who sees them).
pub async fn get(s: &AppState, ctx: &Ctx, id: i64) -> Result<AssistanceView, AppError> {
    let m = s.store.assistance_request(id).await?;
    let from = s.store.org(m.from_org_id).await?;
    let to = s.store.org(m.to_org_id).await?;
    if !ctx.can(Action::ViewCase, &Target::org(from.path.clone())) {
        ctx.authorize(Action::ViewCase, &Target::org(to.path.clone()))?;
    }
    let mut v = view(s, ctx, &m).await?;
    v.steps = steps_for(s, ctx, &m, &from, &to, &v.clocks).await?;
    Ok(v)
}

/// The requester's rating of an answer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RatingInput {
    /// `satisfied`, `basic` or `unsatisfied`.
    #[serde(default)]
    pub satisfaction: String,
}

/// The requesting org rates the answer it got (seed 004 §三(三)3), once.
pub async fn rate(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &RatingInput,
) -> Result<AssistanceView, AppError> {
    let m = s.store.assistance_request(id).await?;
    let from = s.store.org(m.from_org_id).await?;
    let by = acting_for(ctx, Action::HandleCase, &from)?;
    let rating = xiezhi_domain::lead::Satisfaction::parse(&input.satisfaction)
        .filter(|r| *r != xiezhi_domain::lead::Satisfaction::NotFixed)
        .ok_or_else(|| {
            AppError::invalid("satisfaction", "评价应为 satisfied、basic 或 unsatisfied")
        })?;
    let mut w = ctx.writer(s).await?;
    sa::rate(&mut w, id, rating, by.org_id).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// Requests sent or received by orgs in reach; the office sees refusals to cooperate too.
pub async fn list(s: &AppState, ctx: &Ctx) -> Result<Vec<AssistanceView>, AppError> {
    let orgs = ctx.list_scope(Action::ViewCase)?.org_ids(&s.store).await?;
    let mut out = vec![];
    for m in s.store.assistance_requests(&orgs).await?.iter().take(500) {
        out.push(view(s, ctx, m).await?);
    }
    Ok(out)
}

/// A step on a request.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AssistanceStepInput {
    /// Receiver: `ask_supplement`, `answer`, `refuse`, `extend`, `on_site`; requester:
    /// `supplement`, `withdraw`.
    pub step: String,
    /// The answer, reasons, what material is asked or supplied.
    #[serde(default)]
    pub text: String,
    /// For `extend`: the new last day (`YYYY-MM-DD`, a working day).
    pub new_due: Option<String>,
}

/// Take a step.
pub async fn step(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &AssistanceStepInput,
) -> Result<AssistanceView, AppError> {
    let m = s.store.assistance_request(id).await?;
    let cmd = match input.step.trim() {
        "ask_supplement" => Some(AssistanceCommand::AskSupplement),
        "supplement" => Some(AssistanceCommand::Supplement),
        "answer" => Some(AssistanceCommand::Answer),
        "refuse" => Some(AssistanceCommand::Refuse),
        "withdraw" => Some(AssistanceCommand::Withdraw),
        "extend" => Some(AssistanceCommand::Extend),
        "on_site" => None,
        _ => return Err(AppError::invalid("step", "未知的操作")),
    };
    let receiver_side = !matches!(
        cmd,
        Some(AssistanceCommand::Supplement | AssistanceCommand::Withdraw)
    );
    let side = s
        .store
        .org(if receiver_side {
            m.to_org_id
        } else {
            m.from_org_id
        })
        .await?;
    let by = acting_for(ctx, Action::HandleCase, &side)?;
    let needs_text = matches!(
        cmd,
        Some(
            AssistanceCommand::AskSupplement
                | AssistanceCommand::Answer
                | AssistanceCommand::Refuse
                | AssistanceCommand::Extend
        )
    );
    let text = if needs_text {
        required_text(&input.text, "text", 4000)?
    } else {
        input.text.trim().to_owned()
    };
    let extension = match (&cmd, &input.new_due) {
        (Some(AssistanceCommand::Extend), Some(d)) => Some(Extension {
            new_day: d
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("new_due", "日期应为 YYYY-MM-DD"))?,
            approver: ctx
                .person
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| ctx.actor.id.record_name()),
        }),
        (Some(AssistanceCommand::Extend), None) => {
            return Err(AppError::invalid("new_due", "请填写延长后的期限"));
        }
        _ => None,
    };
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    match cmd {
        Some(c) => sa::act(&mut w, env, id, c, &text, by.org_id, extension).await?,
        None => sa::on_site(&mut w, env, id, by.org_id).await?,
    };
    w.commit().await?;
    get(s, ctx, id).await
}
