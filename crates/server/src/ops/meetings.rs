//! Joint meetings and consultations (联席会议/会商): the office calls them and keeps the
//! agenda and minutes, members propose agenda items, the convenor signs the minutes, and the
//! owners of action items report them done.

use super::Steps;
use super::acting::{acting_for, same_tree};
use super::clocks::ClockView;
use super::instructions::input_time;
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xiezhi_domain::meeting::{
    ActionStatus, MeetingCommand, MeetingFacts, MeetingKind, MeetingStatus,
    complete_action as complete_action_step, transition as meeting_transition,
};
use xiezhi_domain::policy;
use xiezhi_domain::transfer::required_text;
use xiezhi_domain::{Action, Refusal, Relation, Target};
use xiezhi_store::entities::{action_item, agenda_item, meeting as mt, meeting_member, org};
use xiezhi_store::meetings::{self as sm, Member, NewAction, NewMeeting};
use xiezhi_store::orgs::Visibility;

/// A member org as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub org_id: i64,
    pub org_name: String,
    /// 分管领导.
    pub leader: String,
    /// 联络员.
    pub liaison: String,
}

/// An agenda item as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgendaView {
    pub org_name: String,
    pub person_name: Option<String>,
    pub title: String,
    pub detail: String,
    pub at: String,
}

/// An action item as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionView {
    pub id: i64,
    pub meeting_id: i64,
    pub owner_org_id: i64,
    pub owner_org_name: String,
    pub body: String,
    pub due_at: String,
    pub status: String,
    pub status_label: String,
    pub report: Option<String>,
    pub done_at: Option<String>,
    /// Its clock, once the minutes are signed.
    pub clock: Option<ClockView>,
    /// Whether the caller may report it done now (the check `complete_action` makes).
    pub may_complete: bool,
}

/// A meeting as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub status: String,
    pub status_label: String,
    pub title: String,
    pub starts_at: String,
    pub place: String,
    pub office_org_id: i64,
    pub office_org_name: String,
    pub convenor_person_id: i64,
    pub convenor_name: String,
    pub members: Vec<MemberView>,
    pub agenda: Vec<AgendaView>,
    pub minutes: Option<String>,
    pub minutes_at: Option<String>,
    pub signed_at: Option<String>,
    pub actions: Vec<ActionView>,
    /// The meeting's own clocks (agenda collection, the next regular meeting).
    pub clocks: Vec<ClockView>,
    /// The steps the caller may take now, by the checks the steps themselves make:
    /// `propose`, `settle`, `minutes`, `sign`, `cancel`.
    pub steps: Steps,
}

/// The step names of [`MeetingStepInput`] (and `propose`) and their commands.
const COMMANDS: [(&str, MeetingCommand); 5] = [
    ("propose", MeetingCommand::Propose),
    ("settle", MeetingCommand::SettleAgenda),
    ("minutes", MeetingCommand::RecordMinutes),
    ("sign", MeetingCommand::Sign),
    ("cancel", MeetingCommand::Cancel),
];

/// The meeting as the policy sees it: owned and organised by the convening office, its
/// member orgs, its convenor.
async fn target(
    s: &AppState,
    m: &mt::Model,
    office: &org::Model,
    members: &[meeting_member::Model],
) -> Result<Target, AppError> {
    let mut t = Target::org(office.path.clone())
        .tie(Relation::Organiser, &office.path)
        .tie_person(Relation::Convenor, m.convenor_person_id);
    for x in members {
        t = t.tie(Relation::Member, &s.store.org(x.org_id).await?.path);
    }
    Ok(t)
}

/// A new meeting as the policy sees it: organised by the caller's org.
pub(crate) fn organised_by(ctx: &Ctx) -> Target {
    Target::org(ctx.actor.org_path.clone()).tie(Relation::Organiser, &ctx.actor.org_path)
}

/// Who may take a step (403 otherwise): a member org's people propose; the convenor signs;
/// the office does the rest.
fn may_take(ctx: &Ctx, meeting: &Target, cmd: MeetingCommand) -> Result<(), AppError> {
    let action = match cmd {
        MeetingCommand::Propose => Action::TakePart,
        MeetingCommand::Sign => Action::SignMinutes,
        _ => Action::ConveneMeeting,
    };
    ctx.authorize(action, meeting)
}

/// The steps the caller may take now (see [`MeetingView::steps`]). Timing (the agenda's
/// closing, the meeting's start) is the store's to check with the clock.
fn steps_for(ctx: &Ctx, m: &mt::Model, meeting: &Target) -> Vec<String> {
    let Some(status) = MeetingStatus::parse(&m.status) else {
        return vec![];
    };
    let facts = MeetingFacts {
        collecting_open: true,
        started: ctx.now() >= m.starts_at,
        has_minutes: true,
    };
    COMMANDS
        .iter()
        .filter(|(_, cmd)| {
            may_take(ctx, meeting, *cmd).is_ok() && meeting_transition(status, *cmd, facts).is_ok()
        })
        .map(|(name, _)| (*name).to_owned())
        .collect()
}

async fn org_name(s: &AppState, id: i64) -> String {
    s.store.org(id).await.map(|o| o.name).unwrap_or_default()
}

async fn person_name(s: &AppState, id: i64) -> String {
    s.store.person(id).await.map(|p| p.name).unwrap_or_default()
}

/// Members, agenda items and action items of a meeting.
type Parts = (
    Vec<meeting_member::Model>,
    Vec<agenda_item::Model>,
    Vec<action_item::Model>,
);

/// Who may see meetings, from the policy, as the store's SQL conditions: the board and the
/// office over the convening office, the convenor, and the people of a member org or of an
/// org owning one of its action items.
fn visibility(ctx: &Ctx) -> Visibility {
    Visibility {
        overseen: [Action::ViewCommand, Action::ConveneMeeting]
            .into_iter()
            .filter_map(|a| policy::scope(&ctx.actor, a))
            .collect(),
        party_org: ctx
            .may_somewhere(Action::TakePart)
            .then_some(ctx.actor.org_id),
        person: ctx.actor.person_id(),
    }
}

/// The meeting as the caller sees it, or None when they may not.
async fn shown(s: &AppState, ctx: &Ctx, m: &mt::Model) -> Result<Option<MeetingView>, AppError> {
    if s.store
        .meetings(&visibility(ctx), Some(m.id))
        .await?
        .is_empty()
    {
        return Ok(None);
    }
    let parts = s.store.meeting_parts(m.id).await?;
    view(s, ctx, m, parts).await.map(Some)
}

async fn view(
    s: &AppState,
    ctx: &Ctx,
    m: &mt::Model,
    parts: Parts,
) -> Result<MeetingView, AppError> {
    let (members, agenda, actions) = parts;
    let office = s.store.org(m.office_org_id).await?;
    let steps = Steps(steps_for(ctx, m, &target(s, m, &office, &members).await?));
    let meeting_status = MeetingStatus::parse(&m.status);
    let clocks = s.store.clocks_of("meeting", m.id).await?;
    let views = super::clocks::views(s, &clocks, ctx.now()).await?;
    let mut mv = vec![];
    for x in &members {
        mv.push(MemberView {
            org_id: x.org_id,
            org_name: org_name(s, x.org_id).await,
            leader: person_name(s, x.leader_person_id).await,
            liaison: person_name(s, x.liaison_person_id).await,
        });
    }
    let mut av = vec![];
    for a in &agenda {
        av.push(AgendaView {
            org_name: org_name(s, a.org_id).await,
            person_name: match a.person_id {
                Some(p) => Some(person_name(s, p).await),
                None => None,
            },
            title: a.title.clone(),
            detail: a.detail.clone(),
            at: beijing_time(a.at),
        });
    }
    let mut acts = vec![];
    for a in &actions {
        let owner = s.store.org(a.owner_org_id).await?;
        let may_complete = acting_for(ctx, Action::TakePart, &owner).is_ok()
            && match (meeting_status, ActionStatus::parse(&a.status)) {
                (Some(ms), Some(st)) => complete_action_step(ms, st).is_ok(),
                _ => false,
            };
        acts.push(ActionView {
            may_complete,
            id: a.id,
            meeting_id: m.id,
            owner_org_id: a.owner_org_id,
            owner_org_name: owner.name.clone(),
            body: a.body.clone(),
            due_at: beijing_time(a.due_at),
            status: a.status.clone(),
            status_label: ActionStatus::parse(&a.status)
                .map(|x| x.label().to_owned())
                .unwrap_or_default(),
            report: a.report.clone(),
            done_at: a.done_at.map(beijing_time),
            clock: a
                .clock_id
                .and_then(|c| views.iter().find(|v| v.id == c).cloned()),
        });
    }
    let own: Vec<ClockView> = views
        .into_iter()
        .filter(|v| v.rule_id != "meeting.action_item")
        .collect();
    Ok(MeetingView {
        id: m.id,
        kind: m.kind.clone(),
        kind_label: MeetingKind::parse(&m.kind)
            .map(|x| x.label().to_owned())
            .unwrap_or_default(),
        status: m.status.clone(),
        status_label: MeetingStatus::parse(&m.status)
            .map(|x| x.label().to_owned())
            .unwrap_or_default(),
        title: m.title.clone(),
        starts_at: beijing_time(m.starts_at),
        place: m.place.clone(),
        office_org_id: m.office_org_id,
        office_org_name: office.name.clone(),
        convenor_person_id: m.convenor_person_id,
        convenor_name: person_name(s, m.convenor_person_id).await,
        members: mv,
        agenda: av,
        minutes: m.minutes.clone(),
        minutes_at: m.minutes_at.map(beijing_time),
        signed_at: m.signed_at.map(beijing_time),
        actions: acts,
        clocks: own,
        steps,
    })
}

/// A member org in the input.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct MemberInput {
    pub org_id: i64,
    pub leader_person_id: i64,
    pub liaison_person_id: i64,
}

/// A meeting to call.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct MeetingInput {
    /// `regular` or `special`.
    pub kind: String,
    pub title: String,
    /// Beijing time `YYYY-MM-DD HH:MM` or RFC 3339.
    pub starts_at: String,
    pub place: String,
    /// The convenor (召集人), who signs the minutes.
    pub convenor_person_id: i64,
    pub members: Vec<MemberInput>,
}

/// Call a meeting (the coordination office, as the joint meeting's office).
pub async fn call(s: &AppState, ctx: &Ctx, input: &MeetingInput) -> Result<MeetingView, AppError> {
    ctx.authorize(Action::ConveneMeeting, &organised_by(ctx))?;
    let kind = MeetingKind::parse(&input.kind)
        .ok_or_else(|| AppError::invalid("kind", "会议形式应为 regular 或 special"))?;
    let title = required_text(&input.title, "title", 200)?;
    let place = required_text(&input.place, "place", 200)?;
    let starts_at = input_time(&input.starts_at, "starts_at")?;
    for x in &input.members {
        let o =
            s.store.org(x.org_id).await.map_err(|_| {
                AppError::invalid("members", format!("成员单位 {} 不存在", x.org_id))
            })?;
        same_tree(ctx, &o)?;
    }
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    let m = sm::call(
        &mut w,
        env,
        NewMeeting {
            kind,
            title,
            starts_at,
            place,
            office_org_id: ctx.actor.org_id,
            convenor_person_id: input.convenor_person_id,
            members: input
                .members
                .iter()
                .map(|x| Member {
                    org_id: x.org_id,
                    leader_person_id: x.leader_person_id,
                    liaison_person_id: x.liaison_person_id,
                })
                .collect(),
            created_by: ctx.actor.person_id(),
        },
    )
    .await?;
    w.commit().await?;
    let parts = s.store.meeting_parts(m.id).await?;
    view(s, ctx, &m, parts).await
}

/// The meetings the caller may see, newest first.
pub async fn list(s: &AppState, ctx: &Ctx) -> Result<Vec<MeetingView>, AppError> {
    let mut out = vec![];
    for m in s.store.meetings(&visibility(ctx), None).await? {
        let parts = s.store.meeting_parts(m.id).await?;
        out.push(view(s, ctx, &m, parts).await?);
    }
    Ok(out)
}

/// One meeting.
pub async fn get(s: &AppState, ctx: &Ctx, id: i64) -> Result<MeetingView, AppError> {
    let m = s.store.meeting(id).await?;
    shown(s, ctx, &m)
        .await?
        .ok_or(AppError::Forbidden(Refusal::OutOfScope))
}

/// An agenda item to propose.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AgendaInput {
    pub title: String,
    #[serde(default)]
    pub detail: String,
}

/// A member org proposes an agenda item (its people).
pub async fn propose(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &AgendaInput,
) -> Result<MeetingView, AppError> {
    let m = s.store.meeting(id).await?;
    let office = s.store.org(m.office_org_id).await?;
    let (members, _, _) = s.store.meeting_parts(id).await?;
    let meeting = target(s, &m, &office, &members).await?;
    may_take(ctx, &meeting, MeetingCommand::Propose)?;
    let title = required_text(&input.title, "title", 200)?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    sm::propose(
        &mut w,
        env,
        id,
        ctx.actor.org_id,
        ctx.actor.person_id(),
        &title,
        input.detail.trim(),
    )
    .await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// An action item in the minutes.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ActionInput {
    pub owner_org_id: i64,
    pub body: String,
    /// Beijing time or RFC 3339.
    pub due_at: String,
}

/// A step on a meeting.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct MeetingStepInput {
    /// `settle` (close the agenda), `minutes` (record them with the action items), `sign`
    /// (the convenor) or `cancel`.
    pub step: String,
    pub minutes: Option<String>,
    #[serde(default)]
    pub actions: Vec<ActionInput>,
}

/// Settle the agenda, record the minutes, sign them (the convenor named), or cancel.
pub async fn step(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &MeetingStepInput,
) -> Result<MeetingView, AppError> {
    let m = s.store.meeting(id).await?;
    let office = s.store.org(m.office_org_id).await?;
    let Some(&(_, cmd)) = COMMANDS
        .iter()
        .find(|(name, _)| *name == input.step && *name != "propose")
    else {
        return Err(AppError::invalid(
            "step",
            "步骤应为 settle、minutes、sign 或 cancel",
        ));
    };
    may_take(ctx, &target(s, &m, &office, &[]).await?, cmd)?;
    let mut actions = vec![];
    for a in &input.actions {
        let o = s
            .store
            .org(a.owner_org_id)
            .await
            .map_err(|_| AppError::invalid("actions", "承办单位不存在"))?;
        same_tree(ctx, &o)?;
        actions.push(NewAction {
            owner_org_id: o.id,
            body: required_text(&a.body, "actions", 2000)?,
            due_at: input_time(&a.due_at, "actions")?,
        });
    }
    let minutes = input
        .minutes
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| required_text(t, "minutes", 20_000))
        .transpose()?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    sm::step(
        &mut w,
        env,
        id,
        cmd,
        ctx.actor.person_id(),
        minutes,
        actions,
    )
    .await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// A completion report.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ActionReportInput {
    #[serde(default)]
    pub report: String,
}

/// The owner org reports an action item done.
pub async fn complete_action(
    s: &AppState,
    ctx: &Ctx,
    action_id: i64,
    input: &ActionReportInput,
) -> Result<MeetingView, AppError> {
    let a = s.store.action_item(action_id).await?;
    let owner = s.store.org(a.owner_org_id).await?;
    acting_for(ctx, Action::TakePart, &owner)?;
    let report = required_text(&input.report, "report", 4000)?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    sm::complete_action(&mut w, env, action_id, ctx.actor.person_id(), &report).await?;
    w.commit().await?;
    get(s, ctx, a.meeting_id).await
}

/// The caller's org's action items (the owners' list), soonest due first.
pub async fn my_actions(s: &AppState, ctx: &Ctx) -> Result<Vec<ActionView>, AppError> {
    if !ctx.may_somewhere(Action::TakePart) {
        return Err(AppError::Forbidden(Refusal::NotPermitted));
    }
    let mut out = vec![];
    for a in s.store.action_items_of(&[ctx.actor.org_id]).await? {
        let m = get(s, ctx, a.meeting_id).await?;
        if let Some(v) = m.actions.into_iter().find(|x| x.id == a.id) {
            out.push(v);
        }
    }
    Ok(out)
}
