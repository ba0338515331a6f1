//! Operations on clocks, the inbox (我的待办), rule profiles and calendar years.

use super::{PER_PAGE, Page};
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use xiezhi_domain::clock::{self as engine, ClockCommand, Urgency};
use xiezhi_domain::rules::{Rule, subject_label};
use xiezhi_domain::{Action, Target};
use xiezhi_store::clocks::{self, ClockFilter, rules_by_version, timing_of};
use xiezhi_store::entities::{clock, org};

/// A rule as shown, with its source.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RuleView {
    pub id: String,
    pub name: String,
    pub applies_to: String,
    pub applies_to_label: String,
    pub trigger: String,
    /// E.g. `3个工作日`.
    pub duration: String,
    /// `before` when the limit counts back from an anchor.
    pub direction: String,
    pub warn_before: Option<String>,
    pub escalate_to: String,
    pub pausable: bool,
    /// Seed, section and quote in one line.
    pub source: String,
    pub note: Option<String>,
}

impl From<&Rule> for RuleView {
    fn from(r: &Rule) -> Self {
        RuleView {
            id: r.id.clone(),
            name: r.name.clone(),
            applies_to: r.applies_to.clone(),
            applies_to_label: subject_label(&r.applies_to).into(),
            trigger: r.trigger.clone(),
            duration: r.duration.text(),
            direction: serde_json::to_value(r.direction)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            warn_before: r.warn_before.map(|w| w.text()),
            escalate_to: serde_json::to_value(r.escalate_to)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            pausable: r.pausable,
            source: r.source_text(),
            note: r.note.clone(),
        }
    }
}

/// The rules in force for an org.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RulesInForce {
    pub org_id: i64,
    pub org_name: String,
    pub profile_id: String,
    pub profile_name: String,
    pub profile_version: i64,
    pub description: String,
    pub rules: Vec<RuleView>,
}

/// The web page of a clock's subject.
fn subject_href(subject_type: &str, id: &str) -> Option<String> {
    let base = match subject_type {
        "lead" => "/leads",
        "case" => "/cases",
        "assistance_request" => "/assistance",
        "instruction" => "/instructions",
        "joint_operation" => "/operations",
        "meeting" => "/meetings",
        "transfer" => "/transfers",
        "dispute" => "/disputes",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

/// A clock as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClockView {
    pub id: i64,
    pub subject_type: String,
    pub subject_label: String,
    pub subject_id: String,
    /// The subject in words (its tracking or case number and what it is about).
    pub subject_name: String,
    /// The page of the subject, where there is one.
    pub subject_href: Option<String>,
    pub rule_id: String,
    pub rule_name: String,
    pub duration: String,
    pub source: String,
    pub profile_id: String,
    pub profile_version: i64,
    pub holder_org_id: i64,
    pub holder_org_name: String,
    pub holder_person_id: Option<i64>,
    pub state: String,
    pub state_label: String,
    /// Beijing time.
    pub started_at: String,
    /// Beijing time.
    pub due_at: String,
    /// RFC 3339.
    pub due_at_utc: String,
    /// `剩余2个工作日`, `已超时1个工作日`, …
    pub remaining: String,
    /// `normal`, `due_soon`, `overdue`, `paused` (closed clocks: `normal`).
    pub urgency: String,
    pub pausable: bool,
    pub pauses: usize,
    pub extensions: Vec<ExtensionView>,
    /// The window touches a year whose holiday notice is not loaded: the due time is
    /// derived from the holiday law and will be recomputed when the notice is loaded.
    pub provisional: bool,
    /// What to tell people when `provisional` (按法定节假日推算，待国务院办公厅通知发布后重算).
    pub provisional_note: Option<String>,
    /// The last change of the due time by a calendar change (期限因…放假安排调整：原…，现…).
    pub adjustment: Option<String>,
}

/// Shown with every provisional due time.
pub const PROVISIONAL_NOTE: &str = "按法定节假日推算，待国务院办公厅通知发布后重算";

/// Whether any of these clocks is provisional (for the banner above a list).
pub fn any_provisional(clocks: &[ClockView]) -> bool {
    clocks.iter().any(|c| c.provisional)
}

/// Whether an open clock counted in working days has a window (start to due) that touches a
/// provisional year. (Clocks in hours, calendar days or with an assigned due time do not
/// depend on the holiday arrangement.)
pub fn is_provisional(cal: &xiezhi_calendar::Calendar, rule: &Rule, t: &engine::Timing) -> bool {
    let later = engine::date_of(t.started_at.max(t.due_at));
    t.state.is_open()
        && rule.duration.unit == xiezhi_domain::rules::Unit::WorkingDays
        && cal.is_provisional(later)
}

/// An extension as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExtensionView {
    pub at: String,
    pub reason: String,
    pub approver: String,
    pub old_due: String,
    pub new_due: String,
}

fn urgency_name(u: Urgency) -> &'static str {
    match u {
        Urgency::Normal => "normal",
        Urgency::DueSoon => "due_soon",
        Urgency::Overdue => "overdue",
        Urgency::Paused => "paused",
    }
}

fn clock_view(
    s: &AppState,
    m: &clock::Model,
    rules: &HashMap<i64, Rule>,
    orgs: &[org::Model],
    adjustments: &HashMap<i64, String>,
    now: DateTime<Utc>,
) -> Result<ClockView, AppError> {
    let rule = rules.get(&m.rule_version_id).cloned();
    let t = timing_of(m)?;
    let cal = s.calendar();
    let (remaining, urgency) = match (&rule, t.state.is_open()) {
        (Some(r), true) => {
            let left = engine::remaining(&t, r, now, &cal);
            (left.text, urgency_name(left.urgency))
        }
        _ => (t.state.label().to_owned(), "normal"),
    };
    let provisional = rule.as_ref().is_some_and(|r| is_provisional(&cal, r, &t));
    Ok(ClockView {
        provisional,
        provisional_note: provisional.then(|| PROVISIONAL_NOTE.to_owned()),
        adjustment: adjustments.get(&m.id).cloned(),
        id: m.id,
        subject_type: m.subject_type.clone(),
        subject_label: subject_label(&m.subject_type).into(),
        subject_id: m.subject_id.clone(),
        subject_name: format!("{} {}", subject_label(&m.subject_type), m.subject_id),
        subject_href: subject_href(&m.subject_type, &m.subject_id),
        rule_id: m.rule_id.clone(),
        rule_name: rule.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
        duration: rule.as_ref().map(|r| r.duration.text()).unwrap_or_default(),
        source: rule.as_ref().map(|r| r.source_text()).unwrap_or_default(),
        profile_id: m.profile_id.clone(),
        profile_version: m.profile_version,
        holder_org_id: m.holder_org_id,
        holder_org_name: orgs
            .iter()
            .find(|o| o.id == m.holder_org_id)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        holder_person_id: m.holder_person_id,
        state: m.state.clone(),
        state_label: t.state.label().into(),
        started_at: beijing_time(m.started_at),
        due_at: beijing_time(m.due_at),
        due_at_utc: m.due_at.to_rfc3339(),
        remaining,
        urgency: urgency.into(),
        pausable: rule.as_ref().is_some_and(|r| r.pausable),
        pauses: t.pauses.len(),
        extensions: t
            .extensions
            .iter()
            .map(|e| ExtensionView {
                at: beijing_time(e.at),
                reason: e.reason.clone(),
                approver: e.approver.clone(),
                old_due: beijing_time(e.old_due),
                new_due: beijing_time(e.new_due),
            })
            .collect(),
    })
}

/// Clocks as shown.
pub(crate) async fn views(
    s: &AppState,
    rows: &[clock::Model],
    now: DateTime<Utc>,
) -> Result<Vec<ClockView>, AppError> {
    let orgs = s.store.orgs_under("/").await?;
    let ids: Vec<i64> = rows.iter().map(|m| m.rule_version_id).collect();
    let rules = rules_by_version(s.store.db(), &ids).await?;
    let adjustments = s
        .store
        .calendar_adjustments(&rows.iter().map(|m| m.id).collect::<Vec<_>>())
        .await?;
    let names = s
        .store
        .subject_names(
            &rows
                .iter()
                .map(|m| (m.subject_type.clone(), m.subject_id.clone()))
                .collect::<Vec<_>>(),
        )
        .await?;
    rows.iter()
        .map(|m| {
            let mut v = clock_view(s, m, &rules, &orgs, &adjustments, now)?;
            if let Some(name) = names.get(&(m.subject_type.clone(), m.subject_id.clone())) {
                v.subject_name = name.clone();
            }
            Ok(v)
        })
        .collect()
}

/// A date typed as `YYYY-MM-DD`.
fn parse_day(s: &str, field: &str) -> Result<xiezhi_calendar::Date, AppError> {
    s.trim()
        .parse::<xiezhi_calendar::Date>()
        .map_err(|_| AppError::invalid(field, "日期应为 YYYY-MM-DD"))
}

const OPEN: [&str; 3] = ["running", "paused", "breached"];

/// Query of the inbox.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct InboxQuery {
    /// An org's inbox instead of one's own (needs the right to see that org's clocks).
    pub org_id: Option<i64>,
}

/// What is waiting: one's own (assigned to the person, or to their org and nobody in
/// particular), or an org's; most urgent first.
pub async fn inbox(s: &AppState, ctx: &Ctx, q: &InboxQuery) -> Result<Vec<ClockView>, AppError> {
    let mut f = ClockFilter {
        states: Some(OPEN.iter().map(|x| x.to_string()).collect()),
        ..Default::default()
    };
    match q.org_id {
        Some(id) => {
            let o = s.store.org(id).await?;
            ctx.authorize(Action::ViewClocks, &Target::org(o.path.clone()))?;
            f.holder_orgs = Some(vec![id]);
        }
        None => {
            let p = ctx
                .person
                .as_ref()
                .ok_or(AppError::Forbidden(xiezhi_domain::Refusal::NotPermitted))?;
            f.person = Some((p.id, p.org_id));
        }
    }
    let (rows, _) = s.store.clocks(&f, 1, 500).await?;
    views(s, &rows, ctx.now()).await
}

/// Query of the clock list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ClockQuery {
    /// Holder org (with its subtree).
    pub holder_org_id: Option<i64>,
    /// `running`, `paused`, `breached`, `satisfied`, `cancelled`, or `open` (the first three).
    pub state: Option<String>,
    /// Due before this date (`YYYY-MM-DD`, Beijing, exclusive of the day after).
    pub due_before: Option<String>,
    /// Only clocks under this rule (e.g. `supervision_order.respond`: open supervision orders).
    pub rule: Option<String>,
    /// Only clocks due soon (`true`): running and warned, or past their warning time.
    pub soon: Option<bool>,
    pub page: Option<u64>,
}

/// Clocks in reach, filtered (for the coordination office).
pub async fn list_clocks(
    s: &AppState,
    ctx: &Ctx,
    q: &ClockQuery,
) -> Result<Page<ClockView>, AppError> {
    let orgs: Vec<i64> = match q.holder_org_id {
        Some(id) => {
            let o = s.store.org(id).await?;
            ctx.authorize(Action::ViewClocks, &Target::org(o.path.clone()))?;
            crate::ctx::ListScope::Under(o.path)
        }
        None => ctx.list_scope(Action::ViewClocks)?,
    }
    .org_ids(&s.store)
    .await?;
    let states = match q.state.as_deref().filter(|v| !v.is_empty()) {
        None => None,
        Some("open") => Some(OPEN.iter().map(|x| x.to_string()).collect()),
        Some(st) if xiezhi_domain::clock::ClockState::parse(st).is_some() => {
            Some(vec![st.to_owned()])
        }
        Some(st) => return Err(AppError::invalid("state", format!("未知的时限状态：{st}"))),
    };
    let due_before = match q.due_before.as_deref().filter(|v| !v.is_empty()) {
        None => None,
        Some(d) => Some(engine::end_of(parse_day(d, "due_before")?)),
    };
    let rule = q.rule.clone().filter(|r| !r.is_empty());
    if let Some(r) = &rule
        && (r.len() > 100
            || !r
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._".contains(c)))
    {
        return Err(AppError::invalid(
            "rule",
            "时限规则编号只含字母、数字、点和下划线",
        ));
    }
    let f = ClockFilter {
        holder_orgs: Some(orgs),
        states,
        due_before,
        rule_id: rule,
        due_soon_at: (q.soon == Some(true)).then(|| ctx.now()),
        ..Default::default()
    };
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let (rows, total) = s.store.clocks(&f, page, PER_PAGE).await?;
    Ok(Page {
        items: views(s, &rows, ctx.now()).await?,
        total,
        page,
        per_page: PER_PAGE,
    })
}

async fn clock_and_target(s: &AppState, id: i64) -> Result<(clock::Model, Target), AppError> {
    let m = s.store.clock(id).await?;
    let o = s.store.org(m.holder_org_id).await?;
    Ok((m, Target::org(o.path)))
}

/// One clock.
pub async fn get_clock(s: &AppState, ctx: &Ctx, id: i64) -> Result<ClockView, AppError> {
    let (m, target) = clock_and_target(s, id).await?;
    if m.holder_person_id.is_none() || m.holder_person_id != ctx.actor.person_id() {
        ctx.authorize(Action::ViewClocks, &target)?;
    }
    Ok(views(s, &[m], ctx.now()).await?.remove(0))
}

/// A supervision order (督办) as its holder reads it: what it is about and the answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderView {
    pub id: i64,
    /// Why it was issued (which time limit was exceeded, with its source).
    pub reason: String,
    /// The matter late, in words (线索 6).
    pub about: String,
    /// Its page.
    pub about_href: Option<String>,
    pub from_org_name: String,
    /// Still waiting for an answer.
    pub open: bool,
    pub answer: Option<String>,
}

/// The supervision order a clock answers, if it is one's response clock.
pub async fn order_of(s: &AppState, c: &ClockView) -> Result<Option<OrderView>, AppError> {
    if c.subject_type != "supervision_order" {
        return Ok(None);
    }
    let Ok(id) = c.subject_id.parse::<i64>() else {
        return Ok(None);
    };
    let (o, answer) = s.store.supervision_order(id).await?;
    let from = s.store.org(o.from_org_id).await?;
    let subject = (o.subject_type.clone(), o.subject_id.clone());
    let about = s
        .store
        .subject_names(std::slice::from_ref(&subject))
        .await?
        .remove(&subject)
        .unwrap_or_else(|| format!("{} {}", subject_label(&o.subject_type), o.subject_id));
    Ok(Some(OrderView {
        id: o.id,
        reason: o.reason,
        about,
        about_href: subject_href(&o.subject_type, &o.subject_id),
        from_org_name: from.name,
        open: o.closed_at.is_none(),
        answer,
    }))
}

/// Answer the supervision order a clock belongs to (the holder's officers and the office).
pub async fn answer_order(
    s: &AppState,
    ctx: &Ctx,
    clock_id: i64,
    answer: &str,
) -> Result<(), AppError> {
    let (m, target) = clock_and_target(s, clock_id).await?;
    ctx.authorize(Action::ManageClock, &target)?;
    let order_id = match m.subject_type.as_str() {
        "supervision_order" => m.subject_id.parse::<i64>().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        AppError::conflict(
            "supervision_order.not_order_clock",
            "该时限不是督办的答复时限",
        )
    })?;
    let cal = s.calendar();
    let mut w = ctx.writer(s).await?;
    clocks::answer_order(&mut w, s.clock_env(&cal), order_id, answer).await?;
    w.commit().await?;
    Ok(())
}

/// A command from a person on a clock.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ClockCommandInput {
    /// `pause`, `resume`, `extend`, `satisfy`, `cancel`.
    pub command: String,
    /// Reason (pause, extend, cancel).
    #[serde(default)]
    pub reason: String,
    /// New due date for `extend` (`YYYY-MM-DD`: the end of that day, Beijing).
    #[serde(default)]
    pub new_due: String,
}

/// Apply a command; who may do what: pause/resume/satisfy — the holder's officers and the
/// office; extend — leaders and the office (the approver is recorded); cancel — the office.
pub async fn command_clock(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &ClockCommandInput,
) -> Result<ClockView, AppError> {
    let (_, target) = clock_and_target(s, id).await?;
    let approver = ctx
        .person
        .as_ref()
        .map(|p| format!("{}（{}）", p.name, p.login))
        .unwrap_or_else(|| ctx.actor.id.record_name());
    let cmd = match input.command.as_str() {
        "pause" => (
            Action::ManageClock,
            ClockCommand::Pause {
                reason: input.reason.clone(),
            },
        ),
        "resume" => (Action::ManageClock, ClockCommand::Resume),
        "satisfy" => (Action::ManageClock, ClockCommand::Satisfy),
        "extend" => {
            let date = parse_day(&input.new_due, "new_due")?;
            (
                Action::ExtendClock,
                ClockCommand::Extend {
                    reason: input.reason.clone(),
                    approver,
                    new_due: engine::end_of(date),
                },
            )
        }
        "cancel" => (
            Action::CancelClock,
            ClockCommand::Cancel {
                reason: input.reason.clone(),
            },
        ),
        other => {
            return Err(AppError::invalid(
                "command",
                format!("未知的操作：{other}（可用 pause、resume、extend、satisfy、cancel）"),
            ));
        }
    };
    ctx.authorize(cmd.0, &target)?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    let m = clocks::apply(&mut w, env, id, cmd.1).await?;
    w.commit().await?;
    Ok(views(s, &[m], ctx.now()).await?.remove(0))
}

/// Query naming an org.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct OrgQuery {
    /// The org (default: the caller's).
    pub org_id: Option<i64>,
}

/// The rules in force for an org, with their sources.
pub async fn rules_for(s: &AppState, ctx: &Ctx, q: &OrgQuery) -> Result<RulesInForce, AppError> {
    let o = s.store.org(q.org_id.unwrap_or(ctx.actor.org_id)).await?;
    ctx.authorize(Action::ViewRules, &Target::org(o.path.clone()))?;
    let p = clocks::profile_for(s.store.db(), &s.rules, &o).await?;
    Ok(RulesInForce {
        org_id: o.id,
        org_name: o.name,
        profile_id: p.profile.id.clone(),
        profile_name: p.profile.name.clone(),
        profile_version: p.profile.version,
        description: p.profile.description.clone(),
        rules: p.rules.iter().map(RuleView::from).collect(),
    })
}

/// A profile as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileView {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub description: String,
    /// Orgs that selected it (their subtrees use it).
    pub assigned_org_ids: Vec<i64>,
}

/// The loaded profiles and where they are selected.
pub async fn profiles(s: &AppState, ctx: &Ctx) -> Result<Vec<ProfileView>, AppError> {
    ctx.authorize(
        Action::ViewRules,
        &Target::org(ctx.actor.government_path.clone()),
    )?;
    let assigned = s.store.profile_assignments().await?;
    Ok(s.rules
        .all()
        .iter()
        .map(|p| ProfileView {
            id: p.profile.id.clone(),
            name: p.profile.name.clone(),
            version: p.profile.version,
            description: p.profile.description.clone(),
            assigned_org_ids: assigned
                .iter()
                .filter(|a| a.profile_id == p.profile.id)
                .map(|a| a.org_id)
                .collect(),
        })
        .collect())
}

/// Input selecting a profile.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ProfileInput {
    pub profile_id: String,
}

/// Select a profile for an org's subtree (system administrator).
pub async fn assign_profile(
    s: &AppState,
    ctx: &Ctx,
    org_id: i64,
    input: &ProfileInput,
) -> Result<(), AppError> {
    let o = s.store.org(org_id).await?;
    ctx.authorize(Action::ManageRules, &Target::org(o.path))?;
    let mut w = ctx.writer(s).await?;
    clocks::assign_profile(&mut w, &s.rules, org_id, input.profile_id.trim()).await?;
    w.commit().await?;
    Ok(())
}

/// The calendar's years.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarYears {
    pub first_year: i32,
    /// Last year answered (provisional years included).
    pub last_year: i32,
    /// Last year set by a notice; later years are provisional.
    pub official_last_year: i32,
    /// Years shipped with the program.
    pub shipped: Vec<i32>,
    /// Years loaded by administrators, with when.
    pub loaded: Vec<LoadedYear>,
}

/// A loaded year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoadedYear {
    pub year: i32,
    pub loaded_at: String,
    pub lines: usize,
}

/// The years the calendar covers (anyone signed in).
pub async fn calendar_years(s: &AppState, ctx: &Ctx) -> Result<CalendarYears, AppError> {
    ctx.authorize(
        Action::ViewRules,
        &Target::org(ctx.actor.government_path.clone()),
    )?;
    let cal = s.calendar();
    Ok(CalendarYears {
        first_year: cal.first_year(),
        last_year: cal.last_year(),
        official_last_year: cal.official_last_year(),
        shipped: (xiezhi_calendar::OFFICIAL_FIRST_YEAR..=xiezhi_calendar::OFFICIAL_LAST_YEAR)
            .collect(),
        loaded: s
            .store
            .loaded_years()
            .await?
            .into_iter()
            .map(|y| LoadedYear {
                year: y.year,
                loaded_at: beijing_time(y.loaded_at),
                lines: y.csv.lines().count(),
            })
            .collect(),
    })
}

async fn top_target(s: &AppState) -> Result<Target, AppError> {
    let top = s.store.top_org().await?.ok_or(AppError::NotFound("机构"))?;
    Ok(Target::org(top.path))
}

/// What to load: the notice text as published, or CSV `date,kind,name`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, ToSchema)]
pub struct CalendarLoadQuery {
    /// The year, when the text is only the items (no title).
    pub year: Option<i32>,
    /// Replace a year loaded before (a corrected or adjusted notice).
    #[serde(default)]
    pub replace: bool,
    /// Only read and show; change nothing.
    #[serde(default)]
    pub preview: bool,
}

/// A day as shown: `2027年1月1日（星期五）`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayView {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `2027年1月1日（星期五）`.
    pub label: String,
    /// The holiday.
    pub name: String,
}

/// A day whose status the loaded year changes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayChangeView {
    #[serde(flatten)]
    pub day: DayView,
    /// `上班 → 放假`.
    pub change: String,
}

/// A clock whose due time moves.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MovedClockView {
    pub clock_id: i64,
    pub holder_org_name: String,
    /// Beijing time.
    pub old_due: String,
    /// Beijing time.
    pub new_due: String,
}

/// A year's arrangement as read, and what loading it does (or did).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarLoadView {
    pub year: i32,
    /// `notice` or `csv`.
    pub source: String,
    /// Days off.
    pub rest_days: Vec<DayView>,
    /// Days off as runs of consecutive days of one holiday: `元旦：2027年1月1日（星期五）至
    /// 2027年1月4日（星期一），共4天`.
    pub rest_spans: Vec<String>,
    /// Adjusted working days (调休上班).
    pub work_days: Vec<DayView>,
    /// Differences from the calendar before (for a provisional year: from the derivation).
    pub changes: Vec<DayChangeView>,
    /// Running and paused clocks whose due time moves.
    pub moved: Vec<MovedClockView>,
    /// Sentences of the notice that arrange nothing.
    pub advice: Vec<String>,
    /// Whether it was loaded (false: a preview).
    pub loaded: bool,
}

fn day_view(date: xiezhi_calendar::Date, name: &str) -> DayView {
    DayView {
        date: date.to_string(),
        label: format!(
            "{}年{}月{}日（{}）",
            date.year(),
            date.month(),
            date.day(),
            date.weekday()
        ),
        name: name.to_owned(),
    }
}

/// Days off as runs of consecutive days of one holiday.
fn rest_spans(entries: &[xiezhi_calendar::CalendarEntry]) -> Vec<String> {
    let mut runs: Vec<(&str, xiezhi_calendar::Date, xiezhi_calendar::Date, usize)> = Vec::new();
    for e in entries
        .iter()
        .filter(|e| e.kind == xiezhi_calendar::DayKind::Rest)
    {
        match runs.last_mut() {
            Some((name, _, last, n)) if *name == e.name && last.add_days(1) == Some(e.date) => {
                *last = e.date;
                *n += 1;
            }
            _ => runs.push((&e.name, e.date, e.date, 1)),
        }
    }
    runs.into_iter()
        .map(|(name, first, last, n)| {
            if n == 1 {
                format!("{name}：{}，1天", day_view(first, name).label)
            } else {
                format!(
                    "{name}：{} 至 {}，共{n}天",
                    day_view(first, name).label,
                    day_view(last, name).label
                )
            }
        })
        .collect()
}

/// Read a year's holiday arrangement and, unless previewing, load it: in one write, the
/// year and the recomputed due times of the running and paused clocks it moves (the top
/// government's system administrator).
pub async fn load_calendar_year(
    s: &AppState,
    ctx: &Ctx,
    text: &str,
    q: &CalendarLoadQuery,
) -> Result<CalendarLoadView, AppError> {
    ctx.authorize(Action::ManageRules, &top_target(s).await?)?;
    let mut w = ctx.writer(s).await?;
    let load = clocks::load_calendar_year(&mut w, &s.rules, text, q.year, q.replace).await?;
    if !q.preview {
        w.commit().await?;
        s.refresh_calendar().await?;
    }
    let orgs = s.store.orgs_under("/").await?;
    let org_name = |id: i64| {
        orgs.iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let of_kind = |kind: xiezhi_calendar::DayKind| {
        load.entries
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| day_view(e.date, &e.name))
            .collect()
    };
    let status = |work: bool| if work { "上班" } else { "放假" };
    let rest_days: Vec<DayView> = of_kind(xiezhi_calendar::DayKind::Rest);
    Ok(CalendarLoadView {
        rest_spans: rest_spans(&load.entries),
        year: load.year,
        source: load.source.into(),
        rest_days,
        work_days: of_kind(xiezhi_calendar::DayKind::Work),
        changes: load
            .changes
            .iter()
            .map(|c| DayChangeView {
                day: day_view(c.date, &c.name),
                change: format!("{} → {}", status(c.was_workday), status(c.workday)),
            })
            .collect(),
        moved: load
            .moved
            .iter()
            .map(|m| MovedClockView {
                clock_id: m.clock_id,
                holder_org_name: org_name(m.holder_org_id),
                old_due: beijing_time(m.old_due),
                new_due: beijing_time(m.new_due),
            })
            .collect(),
        advice: load.advice.clone(),
        loaded: !q.preview,
    })
}

/// Recompute the due times of open clocks over the current calendar.
pub async fn recompute(s: &AppState, ctx: &Ctx) -> Result<usize, AppError> {
    ctx.authorize(Action::ManageRules, &top_target(s).await?)?;
    s.refresh_calendar().await?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    let n = clocks::recompute(&mut w, env).await?;
    if n == 0 {
        return Ok(0);
    }
    w.commit().await?;
    Ok(n)
}
