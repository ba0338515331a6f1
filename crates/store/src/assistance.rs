//! Assistance requests in the database, through `domain::assistance::transition`, with their
//! clocks: the written answer (7 working days by default, paused while supplementary material
//! is awaited, extendable with a reason), and officers on site at once for urgent requests.

use crate::clocks::{self, ClockEnv, ClockStart};
use crate::entities::{assistance_request as ar, clock, org};
use crate::{Store, StoreError, Writer};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder,
};
use xiezhi_domain::EventKind;
use xiezhi_domain::assistance::{
    AssistanceCommand, AssistanceFacts, AssistanceKind, AssistanceStatus, transition,
};
use xiezhi_domain::clock::ClockCommand;
use xiezhi_domain::clock::ClockState;
use xiezhi_domain::payload;

/// The rule of an urgent request's officers on site (立即派员到场).
pub const ON_SITE_RULE: &str = "assistance_request.urgent_on_site";

/// A new request.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// Asking org.
    pub from_org_id: i64,
    /// Asked org.
    pub to_org_id: i64,
    /// The case it serves, if any.
    pub case_id: Option<i64>,
    /// What is asked.
    pub kind: AssistanceKind,
    /// The letter's text.
    pub text: String,
    /// Urgent, or evidence may be lost: officers on site at once.
    pub urgent: bool,
    /// Who sent it.
    pub created_by: Option<i64>,
}

async fn org_row(w: &Writer, id: i64) -> Result<org::Model, StoreError> {
    org::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("机构"))
}

fn start(id: i64, rule: &str, holder: i64, at: DateTime<Utc>) -> ClockStart {
    ClockStart {
        subject_type: "assistance_request".into(),
        subject_id: id.to_string(),
        rule_id: rule.into(),
        holder_org_id: holder,
        holder_person_id: None,
        at,
    }
}

/// Send a request: the receiver's clock for the written answer starts (and, when urgent, the
/// clock for officers on site at once).
pub async fn send(
    w: &mut Writer,
    env: ClockEnv<'_>,
    r: NewRequest,
) -> Result<ar::Model, StoreError> {
    if r.from_org_id == r.to_org_id {
        return Err(StoreError::invalid("to_org_id", "不能向本机构发协助函"));
    }
    let to = org_row(w, r.to_org_id)
        .await
        .map_err(|_| StoreError::invalid("to_org_id", "被请求机构不存在"))?;
    if !to.active {
        return Err(StoreError::invalid(
            "to_org_id",
            format!("{} 已停用", to.name),
        ));
    }
    let now = w.now();
    let m = ar::ActiveModel {
        from_org_id: Set(r.from_org_id),
        to_org_id: Set(r.to_org_id),
        case_id: Set(r.case_id),
        kind: Set(r.kind.as_str().into()),
        text: Set(r.text.clone()),
        urgent: Set(r.urgent),
        status: Set(AssistanceStatus::Sent.as_str().into()),
        supplement_asked: Set(false),
        sent_at: Set(now),
        created_by: Set(r.created_by),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "assistance_request",
        m.id,
        EventKind::AssistanceSent,
        &payload::AssistanceSent {
            from_org_id: m.from_org_id,
            to_org_id: m.to_org_id,
            case_id: m.case_id,
            kind: m.kind.clone(),
            urgent: m.urgent,
            text: m.text.clone(),
        },
    );
    clocks::start(
        w,
        env,
        start(m.id, "assistance_request.written_opinion", m.to_org_id, now),
    )
    .await?;
    if r.urgent {
        clocks::start(w, env, start(m.id, ON_SITE_RULE, m.to_org_id, now)).await?;
    }
    Ok(m)
}

/// The receiver's open written-answer clock.
async fn answer_clock(w: &Writer, id: i64) -> Result<Option<clock::Model>, StoreError> {
    Ok(clock::Entity::find()
        .filter(clock::Column::SubjectType.eq("assistance_request"))
        .filter(clock::Column::SubjectId.eq(id.to_string()))
        .filter(clock::Column::RuleId.eq("assistance_request.written_opinion"))
        .filter(clock::Column::State.is_in(ClockState::open_values()))
        .one(w.txn())
        .await?)
}

/// An extension: the new last day (a working day) and who approved it.
#[derive(Debug, Clone)]
pub struct Extension {
    /// The new last day; the deadline is its end (Beijing time).
    pub new_day: xiezhi_calendar::Date,
    /// Who approved.
    pub approver: String,
}

/// One step of a request by the org acting (`by_org`): the receiver asks for supplementary
/// material, answers, refuses or extends; the requester supplies material or withdraws.
/// A request's status and the facts its transition reads at `now`.
async fn facts(
    db: &impl ConnectionTrait,
    env: ClockEnv<'_>,
    m: &ar::Model,
    now: DateTime<Utc>,
) -> Result<(AssistanceStatus, AssistanceFacts), StoreError> {
    // The window for asking supplementary material, from the receiver's rule, through the
    // clock engine.
    let receiver = org::Entity::find_by_id(m.to_org_id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("机构"))?;
    let profile = clocks::profile_for(db, env.rules, &receiver).await?;
    let within_ask_window = match profile.rule("assistance_request.ask_supplement") {
        Some(rule) => {
            now <= xiezhi_domain::clock::due_at(rule, m.sent_at, env.calendar)
                .map_err(StoreError::refused)?
        }
        None => false,
    };
    let status = crate::stored(
        AssistanceStatus::parse(&m.status),
        "assistance_requests",
        m.id,
        "status",
        &m.status,
    )?;
    Ok((
        status,
        AssistanceFacts {
            supplement_asked: m.supplement_asked,
            within_ask_window,
        },
    ))
}

pub async fn act(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    cmd: AssistanceCommand,
    text: &str,
    by_org: i64,
    extension: Option<Extension>,
) -> Result<ar::Model, StoreError> {
    let m = ar::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("协助请求"))?;
    let receiver_step = !matches!(
        cmd,
        AssistanceCommand::Supplement | AssistanceCommand::Withdraw
    );
    let side = if receiver_step {
        m.to_org_id
    } else {
        m.from_org_id
    };
    if side != by_org {
        return Err(StoreError::not_party(
            "assistance.not_party",
            if receiver_step {
                "只有被请求机构可以办理此操作"
            } else {
                "只有请求机构可以办理此操作"
            },
        ));
    }
    let (from, facts) = facts(w.txn(), env, &m, w.now()).await?;
    let to = transition(from, cmd.clone(), facts).map_err(StoreError::refused)?;
    let clock = answer_clock(w, id).await?;
    let now = w.now();
    let mut am: ar::ActiveModel = m.clone().into();
    am.status = Set(to.as_str().into());
    let kind = match cmd {
        AssistanceCommand::AskSupplement => {
            am.supplement_asked = Set(true);
            am.supplement_note = Set(Some(text.into()));
            if let Some(c) = &clock {
                clocks::apply(
                    w,
                    env,
                    c.id,
                    ClockCommand::Pause {
                        reason: format!("要求补充材料：{text}"),
                    },
                )
                .await?;
            }
            EventKind::AssistanceSupplementRequested
        }
        AssistanceCommand::Supplement => {
            if let Some(c) = &clock {
                clocks::apply(w, env, c.id, ClockCommand::Resume).await?;
            }
            EventKind::AssistanceSupplemented
        }
        AssistanceCommand::Answer | AssistanceCommand::Refuse => {
            am.answer = Set(Some(text.into()));
            am.answered_at = Set(Some(now));
            clocks::satisfy_subject(
                w,
                env,
                "assistance_request",
                &id.to_string(),
                "assistance_request.written_opinion",
            )
            .await?;
            clocks::satisfy_subject(w, env, "assistance_request", &id.to_string(), ON_SITE_RULE)
                .await?;
            if cmd == AssistanceCommand::Answer {
                EventKind::AssistanceAnswered
            } else {
                EventKind::AssistanceRefused
            }
        }
        AssistanceCommand::Withdraw => {
            crate::transfers::cancel_subject(w, env, "assistance_request", id, "协助请求已撤回")
                .await?;
            EventKind::AssistanceWithdrawn
        }
        AssistanceCommand::Extend => {
            let (Some(c), Some(e)) = (&clock, extension) else {
                return Err(StoreError::invalid("new_due", "请填写延长后的期限"));
            };
            let workday = env
                .calendar
                .is_workday(e.new_day)
                .map_err(StoreError::refused)?;
            if !workday {
                return Err(StoreError::invalid(
                    "new_due",
                    format!("{} 不是工作日，延长后的期限应为工作日", e.new_day),
                ));
            }
            clocks::apply(
                w,
                env,
                c.id,
                ClockCommand::Extend {
                    reason: text.into(),
                    approver: e.approver,
                    new_due: xiezhi_domain::clock::end_of(e.new_day),
                },
            )
            .await?;
            EventKind::AssistanceExtended
        }
    };
    let m = am.update(w.txn()).await?;
    w.record(
        "assistance_request",
        id,
        kind,
        &payload::AssistanceStep {
            by_org_id: by_org,
            text: text.to_owned(),
        },
    );
    Ok(m)
}

/// Officers arrived on site for an urgent request.
pub async fn on_site(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    by_org: i64,
) -> Result<ar::Model, StoreError> {
    let m = ar::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("协助请求"))?;
    if m.to_org_id != by_org {
        return Err(StoreError::not_party(
            "assistance.not_party",
            "只有被请求机构可以派员",
        ));
    }
    let done = clocks::satisfy_subject(w, env, "assistance_request", &id.to_string(), ON_SITE_RULE)
        .await?;
    if done.is_empty() {
        return Err(StoreError::conflict(
            "assistance.no_dispatch_needed",
            "该请求无需或已派员到场",
        ));
    }
    w.record(
        "assistance_request",
        id,
        EventKind::AssistanceOnSite,
        &payload::AssistanceOnSite { by_org_id: by_org },
    );
    Ok(m)
}

impl Store {
    /// A request's status and the facts its transition reads now: what a view asks to offer
    /// exactly the steps the transition will accept.
    pub async fn assistance_facts(
        &self,
        env: ClockEnv<'_>,
        m: &ar::Model,
        now: DateTime<Utc>,
    ) -> Result<(AssistanceStatus, AssistanceFacts), StoreError> {
        facts(self.db(), env, m, now).await
    }

    /// One request.
    pub async fn assistance_request(&self, id: i64) -> Result<ar::Model, StoreError> {
        ar::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("协助请求"))
    }

    /// Requests sent or received by some orgs (refusals included), newest first.
    pub async fn assistance_requests(&self, orgs: &[i64]) -> Result<Vec<ar::Model>, StoreError> {
        Ok(ar::Entity::find()
            .filter(
                Condition::any()
                    .add(ar::Column::FromOrgId.is_in(orgs.to_vec()))
                    .add(ar::Column::ToOrgId.is_in(orgs.to_vec())),
            )
            .order_by_desc(ar::Column::Id)
            .all(self.db())
            .await?)
    }
}

/// The requester rates the answer (满意度, once): satisfied, basically satisfied or not.
pub async fn rate(
    w: &mut Writer,
    id: i64,
    rating: xiezhi_domain::lead::Satisfaction,
    by_org: i64,
) -> Result<ar::Model, StoreError> {
    use xiezhi_domain::lead::Satisfaction;
    let m = ar::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("协助请求"))?;
    if m.from_org_id != by_org {
        return Err(StoreError::not_party(
            "assistance.not_party",
            "只有请求机构可以评价",
        ));
    }
    if rating == Satisfaction::NotFixed {
        return Err(StoreError::invalid(
            "satisfaction",
            "评价应为满意、基本满意或不满意",
        ));
    }
    if m.answered_at.is_none() {
        return Err(StoreError::conflict(
            "assistance.not_answered",
            "尚未答复，暂不能评价",
        ));
    }
    if m.rating.is_some() {
        return Err(StoreError::conflict("assistance.already_rated", "已评价"));
    }
    let mut am: ar::ActiveModel = m.clone().into();
    am.rating = Set(Some(rating.as_str().into()));
    am.rated_at = Set(Some(w.now()));
    let m = am.update(w.txn()).await?;
    w.record(
        "assistance_request",
        id,
        EventKind::AssistanceRated,
        &payload::AssistanceRated {
            satisfaction: rating.as_str().to_owned(),
            to_org_id: m.to_org_id,
        },
    );
    Ok(m)
}
