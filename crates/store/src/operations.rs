//! Joint operations in the database, through `domain::operation::transition`: the plan
//! (units with their responsible people and tasks, officers checked for a certificate in the
//! domain), the clocks of the special start (apply at least the lead time ahead; the office's
//! written decision), check-ins, field reports with photos, leads and cases found, and notices
//! to units outside the operation with their same-day clock (互动执法).

use crate::clocks::{self, ClockEnv, ClockStart};
use crate::entities::{
    certificate, clock, operation as op, operation_link as link, operation_notice as notice,
    operation_officer as officer, operation_report as report, operation_unit as unit, org, person,
};
use crate::orgs::Visibility;
use crate::transfers::office_for;
use crate::{Store, StoreError, Writer};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde_json::json;
use xiezhi_domain::clock::ClockCommand;
use xiezhi_domain::clock::ClockState;
use xiezhi_domain::operation::{
    Certificate, OperationCommand, OperationFacts, OperationMode, OperationStatus,
    qualifying_certificate, transition,
};
use xiezhi_domain::transfer::{Material, MaterialKind};
use xiezhi_domain::{EventKind, payload};

const APPLY_AHEAD: &str = "joint_operation.special_apply_ahead";
const DECIDE: &str = "joint_operation.special_decide";
const DISPATCH: &str = "joint_operation.notified_unit_dispatch";

/// A participating unit in a plan.
#[derive(Debug, Clone)]
pub struct UnitPlan {
    /// The unit.
    pub org_id: i64,
    /// Its named responsible person (a person of the unit).
    pub responsible_person_id: i64,
    /// Its tasks.
    pub tasks: String,
}

/// A plan (行动方案).
#[derive(Debug, Clone)]
pub struct Plan {
    /// How it starts.
    pub mode: OperationMode,
    /// Title.
    pub title: String,
    /// Goal.
    pub goal: String,
    /// Enforcement domain (执法领域) officers must be certified for.
    pub domain: String,
    /// Places (division codes or named places).
    pub area: Vec<String>,
    /// Time window.
    pub starts_at: DateTime<Utc>,
    /// End of the window.
    pub ends_at: DateTime<Utc>,
    /// The lead unit (for a special operation: the applicant).
    pub lead_org_id: i64,
    /// Participating units (the lead unit among them).
    pub units: Vec<UnitPlan>,
    /// Officers (people of the units).
    pub officers: Vec<i64>,
}

/// Beijing date of an instant.
fn beijing_day(t: DateTime<Utc>) -> chrono::NaiveDate {
    xiezhi_domain::beijing::day(t)
}

/// Draft an operation's plan in the name of `by_org`; every officer must hold a certificate
/// for the domain valid through the last day.
pub async fn create(
    w: &mut Writer,
    plan: Plan,
    by_org: i64,
    by: Option<i64>,
) -> Result<op::Model, StoreError> {
    if plan.ends_at <= plan.starts_at {
        return Err(StoreError::invalid("ends_at", "结束时间应晚于开始时间"));
    }
    if !plan.units.iter().any(|u| u.org_id == plan.lead_org_id) {
        return Err(StoreError::invalid(
            "units",
            "参与单位中应包括牵头单位，并写明其负责人和任务",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for u in &plan.units {
        if !seen.insert(u.org_id) {
            return Err(StoreError::invalid("units", "参与单位重复"));
        }
        let o = org::Entity::find_by_id(u.org_id)
            .one(w.txn())
            .await?
            .filter(|o| o.active)
            .ok_or_else(|| {
                StoreError::invalid("units", format!("参与单位 {} 不存在或已停用", u.org_id))
            })?;
        let p = person::Entity::find_by_id(u.responsible_person_id)
            .one(w.txn())
            .await?
            .filter(|p| p.active && p.org_id == o.id)
            .ok_or_else(|| {
                StoreError::invalid("units", format!("{} 的负责人应为本单位在职人员", o.name))
            })?;
        if u.tasks.trim().is_empty() {
            return Err(StoreError::invalid(
                "units",
                format!("请写明 {}（负责人 {}）的任务", o.name, p.name),
            ));
        }
    }
    let last_day = beijing_day(plan.ends_at);
    let mut officers = vec![];
    let mut seen = std::collections::BTreeSet::new();
    for id in &plan.officers {
        if !seen.insert(*id) {
            continue;
        }
        let p = person::Entity::find_by_id(*id)
            .one(w.txn())
            .await?
            .filter(|p| p.active)
            .ok_or_else(|| {
                StoreError::invalid("officers", format!("执法人员 {id} 不存在或已停用"))
            })?;
        if !plan.units.iter().any(|u| u.org_id == p.org_id) {
            return Err(StoreError::invalid(
                "officers",
                format!("{}（{}）不属于参与单位", p.name, p.login),
            ));
        }
        let certs: Vec<Certificate> = certificate::Entity::find()
            .filter(certificate::Column::PersonId.eq(p.id))
            .all(w.txn())
            .await?
            .into_iter()
            .map(|c| Certificate {
                number: c.number,
                domains: serde_json::from_str(&c.domains).unwrap_or_default(),
                valid_until: c.valid_until,
            })
            .collect();
        let Some(cert) = qualifying_certificate(&certs, &plan.domain, last_day) else {
            return Err(StoreError::invalid(
                "officers",
                format!(
                    "{}（{}）没有在行动期间有效的“{}”领域执法证，不能参加执法",
                    p.name, p.login, plan.domain
                ),
            ));
        };
        officers.push((p, cert.number.clone()));
    }
    if officers.is_empty() {
        return Err(StoreError::invalid("officers", "请安排持证执法人员"));
    }
    let now = w.now();
    let m = op::ActiveModel {
        mode: Set(plan.mode.as_str().into()),
        status: Set(OperationStatus::Draft.as_str().into()),
        title: Set(plan.title.clone()),
        goal: Set(plan.goal.clone()),
        domain: Set(plan.domain.clone()),
        area: Set(serde_json::to_string(&plan.area).unwrap_or_else(|_| "[]".into())),
        starts_at: Set(plan.starts_at),
        ends_at: Set(plan.ends_at),
        lead_org_id: Set(plan.lead_org_id),
        created_by_org_id: Set(by_org),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    for u in &plan.units {
        unit::ActiveModel {
            operation_id: Set(m.id),
            org_id: Set(u.org_id),
            responsible_person_id: Set(u.responsible_person_id),
            tasks: Set(u.tasks.trim().into()),
            ..Default::default()
        }
        .insert(w.txn())
        .await?;
    }
    for (p, cert) in &officers {
        officer::ActiveModel {
            operation_id: Set(m.id),
            person_id: Set(p.id),
            org_id: Set(p.org_id),
            certificate_number: Set(cert.clone()),
            ..Default::default()
        }
        .insert(w.txn())
        .await?;
    }
    w.record(
        "operation",
        m.id,
        EventKind::OperationDrafted,
        &payload::OperationDrafted {
            mode: plan.mode.as_str().into(),
            title: plan.title.clone(),
            domain: plan.domain.clone(),
            area: plan.area.clone(),
            starts_at: plan.starts_at.to_rfc3339(),
            ends_at: plan.ends_at.to_rfc3339(),
            lead_org_id: plan.lead_org_id,
            units: plan
                .units
                .iter()
                .map(|u| payload::OperationUnit {
                    org_id: u.org_id,
                    responsible_person_id: u.responsible_person_id,
                    tasks: u.tasks.clone(),
                })
                .collect(),
            officers: officers
                .iter()
                .map(|(p, c)| payload::OperationOfficer {
                    person_id: p.id,
                    certificate: c.clone(),
                })
                .collect(),
        },
    );
    Ok(m)
}

async fn find(w: &Writer, id: i64) -> Result<op::Model, StoreError> {
    op::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("联合执法行动"))
}

/// An operation's stored mode and status, read back (an unknown value names the row).
pub fn mode_and_status(m: &op::Model) -> Result<(OperationMode, OperationStatus), StoreError> {
    Ok((
        crate::stored(
            OperationMode::parse(&m.mode),
            "operations",
            m.id,
            "mode",
            &m.mode,
        )?,
        crate::stored(
            OperationStatus::parse(&m.status),
            "operations",
            m.id,
            "status",
            &m.status,
        )?,
    ))
}

/// Who is acting on an operation, as the transition needs it (the roles are the caller's to
/// establish; whether the application is in time is found here).
#[derive(Debug, Clone, Copy, Default)]
pub struct Acting {
    /// Speaks for the leading group.
    pub by_leader: bool,
    /// Is the coordination office.
    pub by_office: bool,
    /// Is of the lead unit or the drafting body.
    pub by_lead: bool,
    /// The person.
    pub person_id: Option<i64>,
}

/// A step: submit (for a special operation, apply — refused when later than its lead time
/// before the start; the office's decision clock starts), approve or reject (with the written
/// decision), start, close (with the report), cancel.
pub async fn step(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    cmd: OperationCommand,
    by: Acting,
    text: Option<String>,
) -> Result<op::Model, StoreError> {
    let m = find(w, id).await?;
    let (mode, status) = mode_and_status(&m)?;
    let now = w.now();
    let lead = org::Entity::find_by_id(m.lead_org_id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("机构"))?;
    let in_time = if mode == OperationMode::Special && cmd == OperationCommand::Submit {
        let profile = clocks::profile_for(w.txn(), env.rules, &lead).await?;
        let rule = profile.rule(APPLY_AHEAD).ok_or_else(|| {
            StoreError::conflict("rules.missing", format!("规则配置中没有 {APPLY_AHEAD}"))
        })?;
        let latest = xiezhi_domain::clock::due_at(rule, m.starts_at, env.calendar)
            .map_err(StoreError::refused)?;
        now <= latest
    } else {
        true
    };
    let facts = OperationFacts {
        by_leader: by.by_leader,
        by_office: by.by_office,
        by_lead: by.by_lead,
        in_time,
        written: text.as_deref().is_some_and(|t| !t.trim().is_empty()),
    };
    let next = transition(mode, status, cmd, facts).map_err(|e| match e {
        xiezhi_domain::operation::OperationRefusal::WrittenRequired => {
            StoreError::invalid("text", e.to_string())
        }
        other => StoreError::refused(other),
    })?;
    let mut am: op::ActiveModel = m.clone().into();
    am.status = Set(next.as_str().into());
    let kind = match cmd {
        OperationCommand::Submit => EventKind::OperationSubmitted,
        OperationCommand::Approve => EventKind::OperationApproved,
        OperationCommand::Reject => EventKind::OperationRejected,
        OperationCommand::Start => EventKind::OperationStarted,
        OperationCommand::Close => EventKind::OperationClosed,
        OperationCommand::Cancel => EventKind::OperationCancelled,
    };
    match cmd {
        OperationCommand::Approve | OperationCommand::Reject => {
            am.decision = Set(text.clone());
            am.decided_by = Set(by.person_id);
            am.decided_at = Set(Some(now));
        }
        OperationCommand::Close => {
            am.report = Set(text.clone());
            am.closed_at = Set(Some(now));
        }
        _ => {}
    }
    let updated = am.update(w.txn()).await?;
    if mode == OperationMode::Special {
        match cmd {
            OperationCommand::Submit => {
                let office = office_for(w.txn(), &lead).await?;
                clocks::start(
                    w,
                    env,
                    ClockStart {
                        subject_type: "joint_operation".into(),
                        subject_id: id.to_string(),
                        rule_id: DECIDE.into(),
                        holder_org_id: office.id,
                        holder_person_id: None,
                        at: now,
                    },
                )
                .await?;
            }
            OperationCommand::Approve | OperationCommand::Reject | OperationCommand::Cancel => {
                clocks::satisfy_subject(w, env, "joint_operation", &id.to_string(), DECIDE).await?;
            }
            _ => {}
        }
    }
    w.record(
        "operation",
        id,
        kind,
        &payload::OperationStep {
            status: next.as_str().into(),
            text,
            by: by.person_id,
        },
    );
    let orgs = participants(w, &m).await?;
    w.announce("operation", id, orgs, vec![], next.label());
    Ok(updated)
}

/// The orgs that follow an operation live: its units and the body that drafted it.
async fn participants(w: &Writer, m: &op::Model) -> Result<Vec<i64>, StoreError> {
    let mut orgs: Vec<i64> = unit::Entity::find()
        .filter(unit::Column::OperationId.eq(m.id))
        .all(w.txn())
        .await?
        .iter()
        .map(|u| u.org_id)
        .collect();
    orgs.push(m.created_by_org_id);
    orgs.sort_unstable();
    orgs.dedup();
    Ok(orgs)
}

async fn running(w: &Writer, id: i64) -> Result<op::Model, StoreError> {
    let m = find(w, id).await?;
    if m.status != OperationStatus::Running.as_str() {
        return Err(StoreError::conflict(
            "operation.not_running",
            "行动不在实施中",
        ));
    }
    Ok(m)
}

/// An officer on the plan checks in, with where they are.
pub async fn check_in(
    w: &mut Writer,
    id: i64,
    person_id: i64,
    at: Option<(f64, f64)>,
) -> Result<officer::Model, StoreError> {
    let m = running(w, id).await?;
    let o = officer::Entity::find()
        .filter(officer::Column::OperationId.eq(id))
        .filter(officer::Column::PersonId.eq(person_id))
        .one(w.txn())
        .await?
        .ok_or_else(|| {
            StoreError::not_party("operation.not_officer", "您不在本次行动的执法人员名单中")
        })?;
    if o.checked_in_at.is_some() {
        return Err(StoreError::conflict("operation.checked_in", "已经签到"));
    }
    let mut am: officer::ActiveModel = o.into();
    am.checked_in_at = Set(Some(w.now()));
    am.lat = Set(at.map(|a| a.0));
    am.lon = Set(at.map(|a| a.1));
    let o = am.update(w.txn()).await?;
    w.record(
        "operation",
        id,
        EventKind::OperationCheckedIn,
        &payload::OperationCheckedIn {
            person_id,
            lat: o.lat,
            lon: o.lon,
        },
    );
    let orgs = participants(w, &m).await?;
    w.announce("operation", id, orgs, vec![], "签到");
    Ok(o)
}

/// A field report (with photos already stored by digest) from a person of a participating
/// unit.
pub async fn add_report(
    w: &mut Writer,
    id: i64,
    person_id: Option<i64>,
    org_id: i64,
    body: &str,
    at: Option<(f64, f64)>,
    photos: &[String],
) -> Result<report::Model, StoreError> {
    let m = running(w, id).await?;
    let orgs = participants(w, &m).await?;
    if !orgs.contains(&org_id) {
        return Err(StoreError::not_party(
            "operation.not_unit",
            "只有参与单位可以报送现场情况",
        ));
    }
    let r = report::ActiveModel {
        operation_id: Set(id),
        person_id: Set(person_id),
        org_id: Set(org_id),
        body: Set(body.into()),
        lat: Set(at.map(|a| a.0)),
        lon: Set(at.map(|a| a.1)),
        at: Set(w.now()),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    let materials: Vec<Material> = photos
        .iter()
        .map(|d| Material {
            kind: MaterialKind::Evidence,
            title: "现场照片".into(),
            digest: Some(d.clone()),
        })
        .collect();
    crate::transfers::attach(w, "operation_report", r.id, &materials, Some(org_id)).await?;
    w.record(
        "operation",
        id,
        EventKind::OperationReported,
        &payload::OperationReported {
            report_id: r.id,
            person_id,
            org_id,
            body: body.into(),
            lat: r.lat,
            lon: r.lon,
            photos: photos.to_vec(),
        },
    );
    w.announce("operation", id, orgs, vec![], body);
    Ok(r)
}

/// Link a lead or case found during the operation.
pub async fn add_link(
    w: &mut Writer,
    id: i64,
    subject_type: &str,
    subject_id: i64,
) -> Result<link::Model, StoreError> {
    running(w, id).await?;
    if link::Entity::find()
        .filter(link::Column::OperationId.eq(id))
        .filter(link::Column::SubjectType.eq(subject_type))
        .filter(link::Column::SubjectId.eq(subject_id))
        .one(w.txn())
        .await?
        .is_some()
    {
        return Err(StoreError::conflict("operation.already_linked", "已关联"));
    }
    let l = link::ActiveModel {
        operation_id: Set(id),
        subject_type: Set(subject_type.into()),
        subject_id: Set(subject_id),
        at: Set(w.now()),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "operation",
        id,
        EventKind::OperationLinked,
        &payload::OperationLinked {
            subject_type: subject_type.into(),
            subject_id,
        },
    );
    Ok(l)
}

/// Notify a unit outside the operation of a violation in its remit (互动执法): it must send
/// officers the same day (its clock starts) and is told live.
pub async fn notify_unit(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    org_id: i64,
    body: &str,
) -> Result<notice::Model, StoreError> {
    let m = running(w, id).await?;
    if unit::Entity::find()
        .filter(unit::Column::OperationId.eq(id))
        .filter(unit::Column::OrgId.eq(org_id))
        .one(w.txn())
        .await?
        .is_some()
    {
        return Err(StoreError::invalid(
            "org_id",
            "该单位已参加本次行动，请直接在行动中分派",
        ));
    }
    org::Entity::find_by_id(org_id)
        .one(w.txn())
        .await?
        .filter(|o| o.active)
        .ok_or_else(|| StoreError::invalid("org_id", "被通知单位不存在或已停用"))?;
    let now = w.now();
    let n = notice::ActiveModel {
        operation_id: Set(id),
        org_id: Set(org_id),
        body: Set(body.into()),
        sent_at: Set(now),
        officers: Set("[]".into()),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    clocks::start(
        w,
        env,
        ClockStart {
            subject_type: "joint_operation".into(),
            subject_id: id.to_string(),
            rule_id: DISPATCH.into(),
            holder_org_id: org_id,
            holder_person_id: None,
            at: now,
        },
    )
    .await?;
    w.record(
        "operation",
        id,
        EventKind::OperationUnitNotified,
        &payload::OperationUnitNotified {
            notice_id: n.id,
            org_id,
            body: body.into(),
        },
    );
    w.announce("operation_notice", m.id, vec![org_id], vec![], body);
    Ok(n)
}

/// The notified unit sends officers; its same-day clock is satisfied.
pub async fn dispatch(
    w: &mut Writer,
    env: ClockEnv<'_>,
    notice_id: i64,
    officers: &[i64],
    note: &str,
) -> Result<notice::Model, StoreError> {
    let n = notice::Entity::find_by_id(notice_id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("互动执法通知"))?;
    if n.dispatched_at.is_some() {
        return Err(StoreError::conflict(
            "operation.already_dispatched",
            "已派员",
        ));
    }
    if officers.is_empty() {
        return Err(StoreError::invalid("officers", "请写明派出的执法人员"));
    }
    for p in officers {
        person::Entity::find_by_id(*p)
            .one(w.txn())
            .await?
            .filter(|x| x.active && x.org_id == n.org_id)
            .ok_or_else(|| StoreError::invalid("officers", "派出人员应为本单位在职人员"))?;
    }
    let mut am: notice::ActiveModel = n.clone().into();
    am.dispatched_at = Set(Some(w.now()));
    am.dispatch_note = Set(Some(note.into()));
    am.officers = Set(json!(officers).to_string());
    let updated = am.update(w.txn()).await?;
    // The unit's own open same-day clock for this operation.
    let open = clock::Entity::find()
        .filter(clock::Column::SubjectType.eq("joint_operation"))
        .filter(clock::Column::SubjectId.eq(n.operation_id.to_string()))
        .filter(clock::Column::RuleId.eq(DISPATCH))
        .filter(clock::Column::HolderOrgId.eq(n.org_id))
        .filter(
            clock::Column::State
                .is_in([ClockState::Running.as_str(), ClockState::Breached.as_str()]),
        )
        .order_by_asc(clock::Column::Id)
        .one(w.txn())
        .await?;
    if let Some(c) = open {
        clocks::apply(w, env, c.id, ClockCommand::Satisfy).await?;
    }
    w.record(
        "operation",
        n.operation_id,
        EventKind::OperationUnitDispatched,
        &payload::OperationUnitDispatched {
            notice_id: n.id,
            org_id: n.org_id,
            officers: officers.to_vec(),
            note: note.into(),
        },
    );
    Ok(updated)
}

impl Store {
    /// One operation.
    pub async fn operation(&self, id: i64) -> Result<op::Model, StoreError> {
        op::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("联合执法行动"))
    }

    /// The operations `who` may see (one, with `only`), newest start first: those led by an
    /// org in an overseen scope, and those its org drafted, takes part in or was notified by.
    pub async fn operations(
        &self,
        who: &Visibility,
        only: Option<i64>,
    ) -> Result<Vec<op::Model>, StoreError> {
        let mut cond = who.overseen_by(op::Column::LeadOrgId);
        if let Some(me) = who.party_org {
            let units = unit::Entity::find()
                .select_only()
                .column(unit::Column::OperationId)
                .filter(unit::Column::OrgId.eq(me));
            let notices = notice::Entity::find()
                .select_only()
                .column(notice::Column::OperationId)
                .filter(notice::Column::OrgId.eq(me));
            cond = cond
                .add(op::Column::CreatedByOrgId.eq(me))
                .add(op::Column::Id.in_subquery(units.into_query()))
                .add(op::Column::Id.in_subquery(notices.into_query()));
        }
        let mut q = op::Entity::find().filter(cond);
        if let Some(id) = only {
            q = q.filter(op::Column::Id.eq(id));
        }
        Ok(q.order_by_desc(op::Column::StartsAt).all(self.db()).await?)
    }

    /// Units, officers, reports, links and notices of an operation.
    pub async fn operation_parts(&self, id: i64) -> Result<OperationParts, StoreError> {
        Ok(OperationParts {
            units: unit::Entity::find()
                .filter(unit::Column::OperationId.eq(id))
                .order_by_asc(unit::Column::Id)
                .all(self.db())
                .await?,
            officers: officer::Entity::find()
                .filter(officer::Column::OperationId.eq(id))
                .order_by_asc(officer::Column::Id)
                .all(self.db())
                .await?,
            reports: report::Entity::find()
                .filter(report::Column::OperationId.eq(id))
                .order_by_desc(report::Column::Id)
                .all(self.db())
                .await?,
            links: link::Entity::find()
                .filter(link::Column::OperationId.eq(id))
                .order_by_asc(link::Column::Id)
                .all(self.db())
                .await?,
            notices: notice::Entity::find()
                .filter(notice::Column::OperationId.eq(id))
                .order_by_asc(notice::Column::Id)
                .all(self.db())
                .await?,
        })
    }

    /// One field report.
    pub async fn operation_report(&self, id: i64) -> Result<report::Model, StoreError> {
        report::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("现场报送"))
    }

    /// One notice.
    pub async fn operation_notice(&self, id: i64) -> Result<notice::Model, StoreError> {
        notice::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("互动执法通知"))
    }
}

/// The parts of an operation.
#[derive(Debug, Clone)]
pub struct OperationParts {
    /// Participating units.
    pub units: Vec<unit::Model>,
    /// Officers.
    pub officers: Vec<officer::Model>,
    /// Field reports, newest first.
    pub reports: Vec<report::Model>,
    /// Leads and cases found.
    pub links: Vec<link::Model>,
    /// Notices to units outside it.
    pub notices: Vec<notice::Model>,
}
