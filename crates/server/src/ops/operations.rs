//! Joint operations (联合执法行动): drafting and applying, the decisions, running (check-ins,
//! field reports, leads and cases found, notices to units outside it) and closing. Each
//! operation checks the policy, then the transition decides which role each mode needs.

use super::Steps;
use super::acting::same_tree;
use super::attachments::{AttachmentView, attachment_view};
use super::clocks::ClockView;
use super::instructions::input_time;
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xiezhi_domain::operation::{
    OperationCommand, OperationFacts, OperationMode, OperationRefusal, OperationStatus, transition,
};
use xiezhi_domain::policy;
use xiezhi_domain::transfer::required_text;
use xiezhi_domain::{Action, Refusal, Relation, Target};
use xiezhi_store::entities::operation as op;
use xiezhi_store::operations::{self as so, Acting, OperationParts, Plan, UnitPlan};
use xiezhi_store::orgs::Visibility;

/// A participating unit as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitView {
    pub org_id: i64,
    pub org_name: String,
    /// The responsible person (负责人).
    pub responsible: String,
    pub tasks: String,
}

/// An officer as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfficerView {
    pub person_id: i64,
    pub name: String,
    pub org_name: String,
    /// The certificate that qualified them (执法证号).
    pub certificate_number: String,
    pub checked_in_at: Option<String>,
}

/// A field report as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub org_name: String,
    pub person_name: Option<String>,
    pub body: String,
    pub at: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub photos: Vec<AttachmentView>,
}

/// A lead or case found during the operation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LinkView {
    pub subject_type: String,
    pub subject_id: i64,
    pub href: String,
    pub label: String,
}

/// A notice to a unit outside the operation (互动执法).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub body: String,
    pub sent_at: String,
    pub dispatched_at: Option<String>,
    pub dispatch_note: Option<String>,
}

/// An operation as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OperationView {
    pub id: i64,
    pub mode: String,
    pub mode_label: String,
    pub status: String,
    pub status_label: String,
    pub title: String,
    pub goal: String,
    /// Enforcement domain (执法领域).
    pub domain: String,
    /// Places.
    pub area: Vec<String>,
    pub starts_at: String,
    pub ends_at: String,
    pub lead_org_id: i64,
    pub lead_org_name: String,
    pub created_by_org_name: String,
    /// The written decision or the reasons for refusing.
    pub decision: Option<String>,
    pub decided_at: Option<String>,
    /// Results and closing report.
    pub report: Option<String>,
    pub closed_at: Option<String>,
    pub units: Vec<UnitView>,
    pub officers: Vec<OfficerView>,
    pub reports: Vec<ReportView>,
    pub links: Vec<LinkView>,
    pub notices: Vec<NoticeView>,
    pub clocks: Vec<ClockView>,
    /// The steps the caller may take now, computed by the checks the steps themselves make:
    /// `submit`, `approve`, `reject`, `start`, `close`, `cancel`, `notify` (通知非参与单位)
    /// `report` (报送现场情况、关联线索或案件), `check_in` (an officer on the plan, not yet
    /// checked in) and `dispatch` (a notified unit sends officers).
    pub steps: Steps,
}

async fn org_name(s: &AppState, id: i64) -> String {
    s.store.org(id).await.map(|o| o.name).unwrap_or_default()
}

async fn person_name(s: &AppState, id: i64) -> String {
    s.store.person(id).await.map(|p| p.name).unwrap_or_default()
}

/// Who may see operations, from the policy, as the store's SQL conditions: the command
/// board over the lead unit (leaders, the office, auditors), and the enforcement people of an
/// org that drafted it, takes part in it or was notified by it.
fn visibility(ctx: &Ctx) -> Visibility {
    Visibility {
        overseen: policy::scope(&ctx.actor, Action::ViewCommand)
            .into_iter()
            .collect(),
        party_org: ctx
            .may_somewhere(Action::TakePart)
            .then_some(ctx.actor.org_id),
        person: None,
    }
}

/// The operation as the caller sees it, or None when they may not.
async fn shown(s: &AppState, ctx: &Ctx, m: &op::Model) -> Result<Option<OperationView>, AppError> {
    if s.store
        .operations(&visibility(ctx), Some(m.id))
        .await?
        .is_empty()
    {
        return Ok(None);
    }
    let parts = s.store.operation_parts(m.id).await?;
    view(s, ctx, m, parts).await.map(Some)
}

async fn view(
    s: &AppState,
    ctx: &Ctx,
    m: &op::Model,
    parts: OperationParts,
) -> Result<OperationView, AppError> {
    let mut units = vec![];
    for u in &parts.units {
        units.push(UnitView {
            org_id: u.org_id,
            org_name: org_name(s, u.org_id).await,
            responsible: person_name(s, u.responsible_person_id).await,
            tasks: u.tasks.clone(),
        });
    }
    let mut officers = vec![];
    for o in &parts.officers {
        officers.push(OfficerView {
            person_id: o.person_id,
            name: person_name(s, o.person_id).await,
            org_name: org_name(s, o.org_id).await,
            certificate_number: o.certificate_number.clone(),
            checked_in_at: o.checked_in_at.map(beijing_time),
        });
    }
    let mut reports = vec![];
    for r in &parts.reports {
        reports.push(ReportView {
            id: r.id,
            org_name: org_name(s, r.org_id).await,
            person_name: match r.person_id {
                Some(p) => Some(person_name(s, p).await),
                None => None,
            },
            body: r.body.clone(),
            at: beijing_time(r.at),
            lat: r.lat,
            lon: r.lon,
            photos: s
                .store
                .attachments_of("operation_report", r.id)
                .await?
                .iter()
                .map(attachment_view)
                .collect(),
        });
    }
    let links = parts
        .links
        .iter()
        .map(|l| LinkView {
            subject_type: l.subject_type.clone(),
            subject_id: l.subject_id,
            href: format!("/{}s/{}", l.subject_type, l.subject_id),
            label: format!(
                "{} {}",
                if l.subject_type == "case" {
                    "案件"
                } else {
                    "线索"
                },
                l.subject_id
            ),
        })
        .collect();
    let mut notices = vec![];
    for n in &parts.notices {
        notices.push(NoticeView {
            id: n.id,
            org_id: n.org_id,
            org_name: org_name(s, n.org_id).await,
            body: n.body.clone(),
            sent_at: beijing_time(n.sent_at),
            dispatched_at: n.dispatched_at.map(beijing_time),
            dispatch_note: n.dispatch_note.clone(),
        });
    }
    let clocks = s.store.clocks_of("joint_operation", m.id).await?;
    let steps = Steps(steps_for(s, ctx, m, &parts).await?);
    Ok(OperationView {
        steps,
        id: m.id,
        mode: m.mode.clone(),
        mode_label: OperationMode::parse(&m.mode)
            .map(|x| x.label().to_owned())
            .unwrap_or_default(),
        status: m.status.clone(),
        status_label: OperationStatus::parse(&m.status)
            .map(|x| x.label().to_owned())
            .unwrap_or_default(),
        title: m.title.clone(),
        goal: m.goal.clone(),
        domain: m.domain.clone(),
        area: serde_json::from_str(&m.area).unwrap_or_default(),
        starts_at: beijing_time(m.starts_at),
        ends_at: beijing_time(m.ends_at),
        lead_org_id: m.lead_org_id,
        lead_org_name: org_name(s, m.lead_org_id).await,
        created_by_org_name: org_name(s, m.created_by_org_id).await,
        decision: m.decision.clone(),
        decided_at: m.decided_at.map(beijing_time),
        report: m.report.clone(),
        closed_at: m.closed_at.map(beijing_time),
        units,
        officers,
        reports,
        links,
        notices,
        clocks: super::clocks::views(s, &clocks, ctx.now()).await?,
    })
}

/// A participating unit in the input.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct UnitInput {
    pub org_id: i64,
    /// Its responsible person (a person of the unit).
    pub responsible_person_id: i64,
    pub tasks: String,
}

/// A plan to draft (regular, emergency: the office) or apply with (special: a unit, which
/// then leads).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct OperationInput {
    /// `regular`, `special` or `emergency`.
    pub mode: String,
    pub title: String,
    pub goal: String,
    /// Enforcement domain officers must be certified for, e.g. 市场监管.
    pub domain: String,
    /// Places: division codes or named places.
    #[serde(default)]
    pub area: Vec<String>,
    /// Beijing time `YYYY-MM-DD HH:MM` or RFC 3339.
    pub starts_at: String,
    pub ends_at: String,
    /// The lead unit (ignored for a special operation: the applicant leads).
    pub lead_org_id: Option<i64>,
    pub units: Vec<UnitInput>,
    /// Officers (person ids), each with a valid certificate for the domain.
    pub officers: Vec<i64>,
}

/// Draft an operation (regular or emergency: the coordination office; special: a unit applies
/// in its own name and leads).
pub async fn create(
    s: &AppState,
    ctx: &Ctx,
    input: &OperationInput,
) -> Result<OperationView, AppError> {
    let mode = OperationMode::parse(&input.mode)
        .ok_or_else(|| AppError::invalid("mode", "启动方式应为 regular、special 或 emergency"))?;
    let lead_org_id = match mode {
        OperationMode::Special => {
            ctx.authorize(
                Action::PlanOperation,
                &Target::in_name_of(ctx.actor.org_path.clone()),
            )?;
            ctx.actor.org_id
        }
        _ => {
            ctx.authorize(Action::Coordinate, &Target::org(ctx.actor.org_path.clone()))?;
            input
                .lead_org_id
                .ok_or_else(|| AppError::invalid("lead_org_id", "请选择牵头单位"))?
        }
    };
    let title = required_text(&input.title, "title", 200)?;
    let goal = required_text(&input.goal, "goal", 4000)?;
    let domain = required_text(&input.domain, "domain", 50)?;
    let area: Vec<String> = input
        .area
        .iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    if area.is_empty() {
        return Err(AppError::invalid("area", "请写明行动区域"));
    }
    let starts_at = input_time(&input.starts_at, "starts_at")?;
    let ends_at = input_time(&input.ends_at, "ends_at")?;
    for u in &input.units {
        let o = s
            .store
            .org(u.org_id)
            .await
            .map_err(|_| AppError::invalid("units", format!("参与单位 {} 不存在", u.org_id)))?;
        same_tree(ctx, &o)?;
    }
    let mut w = ctx.writer(s).await?;
    let m = so::create(
        &mut w,
        Plan {
            mode,
            title,
            goal,
            domain,
            area,
            starts_at,
            ends_at,
            lead_org_id,
            units: input
                .units
                .iter()
                .map(|u| UnitPlan {
                    org_id: u.org_id,
                    responsible_person_id: u.responsible_person_id,
                    tasks: u.tasks.clone(),
                })
                .collect(),
            officers: input.officers.clone(),
        },
        ctx.actor.org_id,
        ctx.actor.person_id(),
    )
    .await?;
    w.commit().await?;
    let parts = s.store.operation_parts(m.id).await?;
    view(s, ctx, &m, parts).await
}

/// The operations the caller may see (the board), newest first.
pub async fn list(s: &AppState, ctx: &Ctx) -> Result<Vec<OperationView>, AppError> {
    let mut out = vec![];
    for m in s.store.operations(&visibility(ctx), None).await? {
        let parts = s.store.operation_parts(m.id).await?;
        out.push(view(s, ctx, &m, parts).await?);
    }
    Ok(out)
}

/// One operation.
pub async fn get(s: &AppState, ctx: &Ctx, id: i64) -> Result<OperationView, AppError> {
    let m = s.store.operation(id).await?;
    shown(s, ctx, &m)
        .await?
        .ok_or(AppError::Forbidden(Refusal::OutOfScope))
}

/// A step on an operation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct OperationStepInput {
    /// `submit`, `approve`, `reject`, `start`, `close` or `cancel`.
    pub step: String,
    /// The written decision, the reasons, or the closing report.
    pub text: Option<String>,
}

/// Whether the caller may approve (or decide to start) this pending operation: the check
/// [`step`] makes for `approve`, for the to-do list.
pub(crate) async fn may_approve(s: &AppState, ctx: &Ctx, m: &op::Model) -> Result<bool, AppError> {
    let by = acting(s, ctx, m).await?;
    let (mode, status) = so::mode_and_status(m)?;
    let facts = facts_of(&by);
    Ok((by.by_leader || by.by_office)
        && transition(mode, status, OperationCommand::Approve, facts).is_ok())
}

/// The transition's facts for who is acting (timing and writing are checked elsewhere).
fn facts_of(by: &Acting) -> OperationFacts {
    OperationFacts {
        by_leader: by.by_leader,
        by_office: by.by_office,
        by_lead: by.by_lead,
        in_time: true,
        written: true,
    }
}

/// The operation as the policy sees it: owned by the lead unit, run by the lead unit and the
/// org that drafted it, taken part in by those, its units and the officers on its plan.
async fn target(s: &AppState, m: &op::Model, parts: &OperationParts) -> Result<Target, AppError> {
    let path = |id| async move { s.store.org(id).await.map(|o| o.path) };
    let lead = path(m.lead_org_id).await?;
    let drafter = path(m.created_by_org_id).await?;
    let mut t = Target::org(lead.clone())
        .tie(Relation::LeadUnit, &lead)
        .tie(Relation::LeadUnit, &drafter)
        .tie(Relation::Member, &drafter);
    for u in &parts.units {
        t = t.tie(Relation::Member, &path(u.org_id).await?);
    }
    for o in &parts.officers {
        t = t.tie_person(Relation::Officer, o.person_id);
    }
    Ok(t)
}

/// Who the caller is for this operation.
async fn acting(s: &AppState, ctx: &Ctx, m: &op::Model) -> Result<Acting, AppError> {
    let parts = s.store.operation_parts(m.id).await?;
    Ok(acting_at(ctx, &target(s, m, &parts).await?))
}

/// Who the caller is for the operation the policy sees as `t`: the leading group's leader,
/// the office, or the lead unit.
fn acting_at(ctx: &Ctx, t: &Target) -> Acting {
    Acting {
        by_leader: ctx.can(Action::ApproveOperation, t),
        by_office: ctx.can(Action::Coordinate, t),
        by_lead: ctx.can(Action::PlanOperation, t),
        person_id: ctx.actor.person_id(),
    }
}

/// Take a step. A caller whose role the mode does not allow for the step is refused (403).
pub async fn step(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &OperationStepInput,
) -> Result<OperationView, AppError> {
    let Some(&(_, cmd)) = COMMANDS.iter().find(|(name, _)| *name == input.step) else {
        return Err(AppError::invalid(
            "step",
            "步骤应为 submit、approve、reject、start、close 或 cancel",
        ));
    };
    let m = s.store.operation(id).await?;
    let by = acting(s, ctx, &m).await?;
    may_take(&by, &m, cmd)?;
    let text = input
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| required_text(t, "text", 4000))
        .transpose()?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    so::step(&mut w, env, id, cmd, by, text).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// The role first (403), then the state (409): whether `by` may take `cmd` on the
/// operation, as far as can be told before writing (timing and the written text are the
/// store's).
fn may_take(by: &Acting, m: &op::Model, cmd: OperationCommand) -> Result<(), AppError> {
    let (mode, status) = so::mode_and_status(m)?;
    match transition(mode, status, cmd, facts_of(by)) {
        _ if !(by.by_leader || by.by_office || by.by_lead) => {
            Err(AppError::Forbidden(Refusal::NotPermitted))
        }
        Err(
            OperationRefusal::LeaderOnly
            | OperationRefusal::OfficeDecides
            | OperationRefusal::LeadOnly,
        ) => Err(AppError::Forbidden(Refusal::NotPermitted)),
        Err(e) => Err(AppError::refused(e)),
        Ok(_) => Ok(()),
    }
}

/// The step names of [`OperationStepInput`] and their commands.
const COMMANDS: [(&str, OperationCommand); 6] = [
    ("submit", OperationCommand::Submit),
    ("approve", OperationCommand::Approve),
    ("reject", OperationCommand::Reject),
    ("start", OperationCommand::Start),
    ("close", OperationCommand::Close),
    ("cancel", OperationCommand::Cancel),
];

/// The steps the caller may take now (see [`OperationView::steps`]): each by the check the
/// step itself makes.
async fn steps_for(
    s: &AppState,
    ctx: &Ctx,
    m: &op::Model,
    parts: &OperationParts,
) -> Result<Vec<String>, AppError> {
    let t = target(s, m, parts).await?;
    let by = acting_at(ctx, &t);
    let mut out: Vec<String> = COMMANDS
        .iter()
        .filter(|(_, cmd)| may_take(&by, m, *cmd).is_ok())
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let running = m.status == OperationStatus::Running.as_str();
    if running && may_notify(&by) {
        out.push("notify".into());
    }
    if running && ctx.can(Action::TakePart, &t) {
        out.push("report".into());
    }
    let me = ctx.actor.person_id();
    let checked_in = parts
        .officers
        .iter()
        .any(|o| Some(o.person_id) == me && o.checked_in_at.is_some());
    if running && !checked_in && ctx.can(Action::TakePart, &on_plan(&t.org_path, parts)) {
        out.push("check_in".into());
    }
    for n in parts.notices.iter().filter(|n| n.dispatched_at.is_none()) {
        let o = s.store.org(n.org_id).await?;
        if super::acting::may_act(ctx, Action::HandleLead, &o) {
            out.push("dispatch".into());
            break;
        }
    }
    Ok(out)
}

/// The operation as the policy sees it for checking in: the officers on its plan.
fn on_plan(lead_path: &str, parts: &OperationParts) -> Target {
    let mut t = Target::org(lead_path.to_owned());
    for o in &parts.officers {
        t = t.tie_person(Relation::Officer, o.person_id);
    }
    t
}

/// Where the officer is (optional).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CheckInInput {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

fn point(lat: Option<f64>, lon: Option<f64>) -> Result<Option<(f64, f64)>, AppError> {
    match (lat, lon) {
        (Some(a), Some(o)) if (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&o) => {
            Ok(Some((a, o)))
        }
        (None, None) => Ok(None),
        _ => Err(AppError::invalid("lat", "位置应为有效的纬度和经度")),
    }
}

/// An officer on the plan checks in.
pub async fn check_in(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &CheckInInput,
) -> Result<OperationView, AppError> {
    let m = s.store.operation(id).await?;
    let parts = s.store.operation_parts(id).await?;
    let lead = s.store.org(m.lead_org_id).await?;
    ctx.authorize(Action::TakePart, &on_plan(&lead.path, &parts))?;
    let me = ctx
        .actor
        .person_id()
        .ok_or(AppError::Forbidden(Refusal::NotPermitted))?;
    let at = point(input.lat, input.lon)?;
    let mut w = ctx.writer(s).await?;
    so::check_in(&mut w, m.id, me, at).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// A field report.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FieldReportInput {
    pub body: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// SM3 digests of photos uploaded first (`POST /api/v1/attachments`).
    #[serde(default)]
    pub photos: Vec<String>,
}

/// Refuse (403) a caller who does not take part: their org is not a unit nor drafted the
/// operation, and they are not an officer on its plan.
async fn taking_part(s: &AppState, ctx: &Ctx, m: &op::Model) -> Result<(), AppError> {
    let parts = s.store.operation_parts(m.id).await?;
    ctx.authorize(Action::TakePart, &target(s, m, &parts).await?)
}

/// The lead unit or the office notifies a non-participating unit (互动执法).
fn may_notify(by: &Acting) -> bool {
    by.by_lead || by.by_office
}

/// Report from the field (people of participating units).
pub async fn report(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &FieldReportInput,
) -> Result<OperationView, AppError> {
    let m = s.store.operation(id).await?;
    taking_part(s, ctx, &m).await?;
    let body = required_text(&input.body, "body", 2000)?;
    let at = point(input.lat, input.lon)?;
    if input.photos.len() > 20 {
        return Err(AppError::invalid("photos", "每次最多20张照片"));
    }
    super::attachments::may_name(s, ctx, input.photos.iter().map(String::as_str)).await?;
    let mut w = ctx.writer(s).await?;
    so::add_report(
        &mut w,
        id,
        ctx.actor.person_id(),
        ctx.actor.org_id,
        &body,
        at,
        &input.photos,
    )
    .await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// A lead or case found during the operation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct LinkInput {
    pub lead_id: Option<i64>,
    pub case_id: Option<i64>,
}

/// Link a lead or case (held by a participating unit) to the operation.
pub async fn link(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &LinkInput,
) -> Result<OperationView, AppError> {
    let m = s.store.operation(id).await?;
    taking_part(s, ctx, &m).await?;
    let (kind, subject, holder) = match (input.lead_id, input.case_id) {
        (Some(l), None) => {
            let lead = s
                .store
                .lead(l)
                .await
                .map_err(|_| AppError::invalid("lead_id", "线索不存在"))?;
            (
                "lead",
                l,
                lead.holder_org_id.unwrap_or(lead.received_org_id),
            )
        }
        (None, Some(c)) => {
            let case = s
                .store
                .case(c)
                .await
                .map_err(|_| AppError::invalid("case_id", "案件不存在"))?;
            ("case", c, case.holder_org_id)
        }
        _ => {
            return Err(AppError::invalid(
                "lead_id",
                "请填写一个线索编号或一个案件编号",
            ));
        }
    };
    let parts = s.store.operation_parts(id).await?;
    if !parts.units.iter().any(|u| u.org_id == holder) {
        return Err(AppError::invalid(
            if kind == "lead" { "lead_id" } else { "case_id" },
            "只能关联参与单位承办的线索或案件",
        ));
    }
    let mut w = ctx.writer(s).await?;
    so::add_link(&mut w, id, kind, subject).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// A notice to a unit outside the operation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NoticeInput {
    pub org_id: i64,
    /// What was found and where.
    pub body: String,
}

/// Notify a non-participating unit (the lead unit or the office): it must send officers the
/// same day.
pub async fn notify(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &NoticeInput,
) -> Result<OperationView, AppError> {
    let m = s.store.operation(id).await?;
    let by = acting(s, ctx, &m).await?;
    if !may_notify(&by) {
        return Err(AppError::Forbidden(Refusal::NotPermitted));
    }
    let body = required_text(&input.body, "body", 2000)?;
    let o = s
        .store
        .org(input.org_id)
        .await
        .map_err(|_| AppError::invalid("org_id", "被通知单位不存在"))?;
    same_tree(ctx, &o)?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    so::notify_unit(&mut w, env, id, o.id, &body).await?;
    w.commit().await?;
    get(s, ctx, id).await
}

/// Officers sent by a notified unit.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct DispatchInput {
    /// People of the unit sent.
    pub officers: Vec<i64>,
    #[serde(default)]
    pub note: String,
}

/// The notified unit sends officers (its people with handling rights).
pub async fn dispatch(
    s: &AppState,
    ctx: &Ctx,
    notice_id: i64,
    input: &DispatchInput,
) -> Result<OperationView, AppError> {
    let n = s.store.operation_notice(notice_id).await?;
    let o = s.store.org(n.org_id).await?;
    super::acting::acting_for(ctx, Action::HandleLead, &o)?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    so::dispatch(&mut w, env, notice_id, &input.officers, input.note.trim()).await?;
    w.commit().await?;
    get(s, ctx, n.operation_id).await
}
