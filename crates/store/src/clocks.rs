//! Clocks in the database: start, commands, the background pass that warns and marks
//! breaches (issuing supervision orders), the inbox, profile assignment and loaded calendar
//! years. The timing itself is `xiezhi_domain::clock`; this module only persists it.

use crate::entities::{calendar_year, clock, org, org_profile, rule_version, supervision_order};
use crate::record::Subjects;
use crate::{Engine, Store, StoreError, Writer};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use xiezhi_calendar::{Calendar, OFFICIAL_CSV, OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR};
use xiezhi_domain::clock::{
    self as engine, ClockCommand, ClockRefusal, ClockState, OrderState, OrderStep, Timing,
    order_transition,
};
use xiezhi_domain::rules::{Rule, RuleProfile, Rules};
use xiezhi_domain::{EventKind, payload};

/// What the clock engine needs: the rule profiles and the calendar.
#[derive(Debug, Clone, Copy)]
pub struct ClockEnv<'a> {
    /// Loaded profiles.
    pub rules: &'a Rules,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
}

/// What to start a clock on.
#[derive(Debug, Clone)]
pub struct ClockStart {
    /// Subject type (`transfer`, `case`, …).
    pub subject_type: String,
    /// Subject id.
    pub subject_id: String,
    /// Rule id in the holder's profile (`transfer.send`, …).
    pub rule_id: String,
    /// The org that must act.
    pub holder_org_id: i64,
    /// The person, when one is assigned.
    pub holder_person_id: Option<i64>,
    /// When the trigger happened (or, for a `before` rule, the anchor).
    pub at: DateTime<Utc>,
}

/// The rule snapshots with these ids.
pub async fn rules_by_version(
    c: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Rule>, StoreError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let rows = rule_version::Entity::find()
        .filter(rule_version::Column::Id.is_in(ids))
        .all(c)
        .await?;
    rows.into_iter()
        .map(|r| {
            serde_json::from_str(&r.rule)
                .map(|rule| (r.id, rule))
                .map_err(|e| StoreError::Config(format!("规则快照 {} 损坏：{e}", r.id)))
        })
        .collect()
}

/// The rule snapshot a clock started under.
pub async fn rule_of(c: &impl ConnectionTrait, m: &clock::Model) -> Result<Rule, StoreError> {
    rules_by_version(c, &[m.rule_version_id])
        .await?
        .remove(&m.rule_version_id)
        .ok_or(StoreError::NotFound("规则快照"))
}

/// The snapshot id of a rule of a profile version, made (and recorded) on first use.
pub(crate) async fn snapshot(
    w: &mut Writer,
    profile: &RuleProfile,
    rule: &Rule,
) -> Result<i64, StoreError> {
    let found = rule_version::Entity::find()
        .filter(rule_version::Column::ProfileId.eq(profile.profile.id.as_str()))
        .filter(rule_version::Column::ProfileVersion.eq(profile.profile.version))
        .filter(rule_version::Column::RuleId.eq(rule.id.as_str()))
        .one(w.txn())
        .await?;
    if let Some(f) = found {
        return Ok(f.id);
    }
    let m = rule_version::ActiveModel {
        profile_id: Set(profile.profile.id.clone()),
        profile_version: Set(profile.profile.version),
        rule_id: Set(rule.id.clone()),
        rule: Set(serde_json::to_string(rule).unwrap_or_default()),
        created_at: Set(w.now()),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "rule_version",
        m.id,
        EventKind::RuleVersionRecorded,
        &payload::RuleVersionRecorded {
            profile_id: m.profile_id.clone(),
            profile_version: m.profile_version,
            rule_id: m.rule_id.clone(),
            rule: rule.clone(),
        },
    );
    Ok(m.id)
}

/// The timing of a clock row. A state, pause list or extension list that cannot be read is
/// an error naming the row: a lost extension would move the due time.
pub fn timing_of(m: &clock::Model) -> Result<Timing, StoreError> {
    Ok(Timing {
        state: crate::stored(
            ClockState::parse(&m.state),
            "clocks",
            m.id,
            "state",
            &m.state,
        )?,
        started_at: m.started_at,
        due_at: m.due_at,
        pauses: crate::stored(
            serde_json::from_str(&m.pauses).ok(),
            "clocks",
            m.id,
            "pauses",
            &m.pauses,
        )?,
        extensions: crate::stored(
            serde_json::from_str(&m.extensions).ok(),
            "clocks",
            m.id,
            "extensions",
            &m.extensions,
        )?,
        warned_at: m.warned_at,
        breached_at: m.breached_at,
        closed_at: m.closed_at,
    })
}

fn calendar_err(e: xiezhi_calendar::CalendarError) -> StoreError {
    StoreError::refused(e)
}

/// The profile that applies to an org: the nearest assignment on its path, else the default.
pub async fn profile_for<'r>(
    c: &impl ConnectionTrait,
    rules: &'r Rules,
    o: &org::Model,
) -> Result<&'r RuleProfile, StoreError> {
    let ids: Vec<i64> = o.path.split('/').filter_map(|s| s.parse().ok()).collect();
    let assigned = org_profile::Entity::find()
        .filter(org_profile::Column::OrgId.is_in(ids.clone()))
        .all(c)
        .await?;
    for id in ids.iter().rev() {
        if let Some(a) = assigned.iter().find(|a| a.org_id == *id)
            && let Some(p) = rules.profile(&a.profile_id)
        {
            return Ok(p);
        }
    }
    Ok(rules.default_profile())
}

fn apply_timing(am: &mut clock::ActiveModel, t: &Timing, warn_at: Option<DateTime<Utc>>) {
    am.state = Set(t.state.as_str().into());
    am.due_at = Set(t.due_at);
    am.warn_at = Set(warn_at);
    am.warned_at = Set(t.warned_at);
    am.breached_at = Set(t.breached_at);
    am.closed_at = Set(t.closed_at);
    am.pauses = Set(serde_json::to_string(&t.pauses).unwrap_or_else(|_| "[]".into()));
    am.extensions = Set(serde_json::to_string(&t.extensions).unwrap_or_else(|_| "[]".into()));
}

/// Start a clock under the holder's profile. Records `clock.started` with the rule, its
/// source and the due time.
pub async fn start(
    w: &mut Writer,
    env: ClockEnv<'_>,
    s: ClockStart,
) -> Result<clock::Model, StoreError> {
    start_with(w, env, s, None).await
}

/// Start a clock whose rule takes its due time from the issuer (an instruction's or a meeting
/// decision's due time, `unit = "assigned"`).
pub async fn start_assigned(
    w: &mut Writer,
    env: ClockEnv<'_>,
    s: ClockStart,
    due: DateTime<Utc>,
) -> Result<clock::Model, StoreError> {
    start_with(w, env, s, Some(due)).await
}

async fn start_with(
    w: &mut Writer,
    env: ClockEnv<'_>,
    s: ClockStart,
    due: Option<DateTime<Utc>>,
) -> Result<clock::Model, StoreError> {
    let holder = org::Entity::find_by_id(s.holder_org_id)
        .one(w.txn())
        .await?
        .ok_or_else(|| StoreError::invalid("holder_org_id", "承办机构不存在"))?;
    let profile = profile_for(w.txn(), env.rules, &holder).await?;
    let rule = profile.rule(&s.rule_id).ok_or_else(|| {
        StoreError::invalid(
            "rule_id",
            format!("规则配置 {} 中没有规则 {}", profile.profile.id, s.rule_id),
        )
    })?;
    let t = match due {
        Some(due) => engine::start_assigned(rule, s.at, due).map_err(|e| match e {
            ClockRefusal::DueInPast => StoreError::invalid("due_at", e.to_string()),
            other => refusal(other),
        })?,
        None if rule.duration.unit == xiezhi_domain::rules::Unit::Assigned => {
            return Err(StoreError::invalid("due_at", "请指定期限"));
        }
        None => engine::start(rule, s.at, env.calendar).map_err(calendar_err)?,
    };
    let rule_version_id = snapshot(w, profile, rule).await?;
    let warn = engine::warn_at(rule, t.due_at, env.calendar).map_err(calendar_err)?;
    let mut am = clock::ActiveModel {
        subject_type: Set(s.subject_type.clone()),
        subject_id: Set(s.subject_id.clone()),
        rule_id: Set(rule.id.clone()),
        profile_id: Set(profile.profile.id.clone()),
        profile_version: Set(profile.profile.version),
        rule_version_id: Set(rule_version_id),
        holder_org_id: Set(s.holder_org_id),
        holder_person_id: Set(s.holder_person_id),
        started_at: Set(t.started_at),
        created_at: Set(w.now()),
        ..Default::default()
    };
    apply_timing(&mut am, &t, warn);
    let m = am.insert(w.txn()).await?;
    w.record(
        "clock",
        m.id,
        EventKind::ClockStarted,
        &payload::ClockStarted {
            subject_type: s.subject_type.clone(),
            subject_id: s.subject_id.clone(),
            rule_id: rule.id.clone(),
            profile: profile.profile.id.clone(),
            profile_version: profile.profile.version,
            duration: rule.duration.text(),
            source: rule.source_text(),
            holder_org_id: s.holder_org_id,
            holder_person_id: s.holder_person_id,
            started_at: t.started_at.to_rfc3339(),
            due_at: t.due_at.to_rfc3339(),
        },
    );
    Ok(m)
}

fn refusal(e: ClockRefusal) -> StoreError {
    match e {
        ClockRefusal::ReasonRequired => StoreError::invalid("reason", e.to_string()),
        ClockRefusal::NotLater => StoreError::invalid("new_due", e.to_string()),
        other => StoreError::refused(other),
    }
}

/// What a change of a clock says besides its state and due time, which [`save`] fills in.
fn note() -> payload::ClockStep {
    payload::ClockStep {
        state: String::new(),
        due_at: String::new(),
        reason: None,
        approver: None,
        escalate_to: None,
        old_due: None,
    }
}

async fn save(
    w: &mut Writer,
    env: ClockEnv<'_>,
    m: clock::Model,
    rule: &Rule,
    t: &Timing,
    kind: EventKind,
    note: payload::ClockStep,
) -> Result<clock::Model, StoreError> {
    let warn = if t.state == ClockState::Running {
        engine::warn_at(rule, t.due_at, env.calendar).map_err(calendar_err)?
    } else {
        None
    };
    let warn = if t.warned_at.is_some() { None } else { warn };
    let id = m.id;
    let mut am: clock::ActiveModel = m.into();
    apply_timing(&mut am, t, warn);
    let m = am.update(w.txn()).await?;
    let step = payload::ClockStep {
        state: t.state.as_str().into(),
        due_at: t.due_at.to_rfc3339(),
        ..note
    };
    w.record("clock", id, kind, &step);
    if m.subject_type == "supervision_order"
        && matches!(t.state, ClockState::Satisfied | ClockState::Cancelled)
    {
        close_order(w, &m).await?;
    }
    Ok(m)
}

/// Answer a supervision order (答复督办): the answer is recorded, the order's response clock
/// satisfied and the order closed, in one write.
pub async fn answer_order(
    w: &mut Writer,
    env: ClockEnv<'_>,
    order_id: i64,
    answer: &str,
) -> Result<supervision_order::Model, StoreError> {
    let order = supervision_order::Entity::find_by_id(order_id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("督办"))?;
    order_next(&order, OrderStep::Answer)?;
    let answer = answer.trim();
    if answer.is_empty() || answer.chars().count() > 2000 {
        return Err(StoreError::invalid(
            "answer",
            "请填写答复内容（整改措施、办理结果，2000字以内）",
        ));
    }
    w.record(
        "supervision_order",
        order_id,
        EventKind::SupervisionOrderAnswered,
        &payload::OrderAnswered {
            answer: answer.to_owned(),
        },
    );
    satisfy_subject(
        w,
        env,
        "supervision_order",
        &order_id.to_string(),
        "supervision_order.respond",
    )
    .await?;
    Ok(order)
}

/// Ask `domain::clock::order_transition` where a step takes a stored supervision order.
fn order_next(o: &supervision_order::Model, step: OrderStep) -> Result<OrderState, StoreError> {
    let state = crate::stored(
        OrderState::parse(&o.state),
        "supervision_orders",
        o.id,
        "state",
        &o.state,
    )?;
    order_transition(state, step).map_err(StoreError::refused)
}

/// Close the supervision order whose response clock has ended (answered or cancelled).
async fn close_order(w: &mut Writer, respond: &clock::Model) -> Result<(), StoreError> {
    let Some(order) = supervision_order::Entity::find_by_id(
        respond.subject_id.parse::<i64>().unwrap_or_default(),
    )
    .one(w.txn())
    .await?
    .filter(|o| o.closed_at.is_none()) else {
        return Ok(());
    };
    let id = order.id;
    let next = order_next(&order, OrderStep::Close)?;
    let mut am: supervision_order::ActiveModel = order.into();
    am.state = Set(next.as_str().into());
    am.closed_at = Set(Some(w.now()));
    am.update(w.txn()).await?;
    w.record(
        "supervision_order",
        id,
        EventKind::SupervisionOrderClosed,
        &payload::OrderClosed {
            clock_id: respond.id,
            state: respond.state.clone(),
        },
    );
    Ok(())
}

/// Apply a command (pause, resume, extend, satisfy, cancel) to a clock.
pub async fn apply(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    cmd: ClockCommand,
) -> Result<clock::Model, StoreError> {
    let m = clock::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("时限"))?;
    let rule = rule_of(w.txn(), &m).await?;
    let (t, kind) =
        engine::transition(&timing_of(&m)?, &rule, &cmd, w.now(), env.calendar).map_err(refusal)?;
    let note = match &cmd {
        ClockCommand::Pause { reason } | ClockCommand::Cancel { reason } => payload::ClockStep {
            reason: Some(reason.clone()),
            ..note()
        },
        ClockCommand::Extend {
            reason, approver, ..
        } => payload::ClockStep {
            reason: Some(reason.clone()),
            approver: Some(approver.clone()),
            ..note()
        },
        _ => note(),
    };
    save(w, env, m, &rule, &t, kind, note).await
}

/// Satisfy the open clocks of a subject under a rule (for the capabilities that own them).
pub async fn satisfy_subject(
    w: &mut Writer,
    env: ClockEnv<'_>,
    subject_type: &str,
    subject_id: &str,
    rule_id: &str,
) -> Result<Vec<clock::Model>, StoreError> {
    let open = clock::Entity::find()
        .filter(clock::Column::SubjectType.eq(subject_type))
        .filter(clock::Column::SubjectId.eq(subject_id))
        .filter(clock::Column::RuleId.eq(rule_id))
        .filter(clock::Column::State.is_in(ClockState::open_values()))
        .all(w.txn())
        .await?;
    let mut out = vec![];
    for m in open {
        out.push(apply(w, env, m.id, ClockCommand::Satisfy).await?);
    }
    Ok(out)
}

/// What one pass of the background job did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobReport {
    /// Clocks warned.
    pub warned: usize,
    /// Clocks marked breached.
    pub breached: usize,
    /// Supervision orders issued.
    pub orders: usize,
}

/// The coordination office responsible for an org: the nearest one under the org's
/// governments, from the nearest government up; else the top org.
async fn office_for(c: &impl ConnectionTrait, o: &org::Model) -> Result<i64, StoreError> {
    let ids: Vec<i64> = o.path.split('/').filter_map(|s| s.parse().ok()).collect();
    let offices = org::Entity::find()
        .filter(org::Column::Kind.eq("coordination_office"))
        .filter(org::Column::Active.eq(true))
        .all(c)
        .await?;
    for id in ids.iter().rev() {
        if let Some(off) = offices.iter().find(|x| x.parent_id == Some(*id)) {
            return Ok(off.id);
        }
    }
    Ok(ids.first().copied().unwrap_or(o.id))
}

/// One pass: warn clocks whose warning time has come, mark clocks past due as breached and
/// issue a supervision order (督办) from the coordination office to the holder, with its own
/// clock. Several instances may run it at once: on PostgreSQL due rows are taken with
/// `FOR UPDATE SKIP LOCKED` inside the write that also holds the chain lock, so nothing fires
/// twice.
pub async fn run_due(
    store: &Store,
    env: ClockEnv<'_>,
    request_id: &str,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<JobReport, StoreError> {
    let mut w = store
        .begin_write(crate::RecordContext::system(request_id, now))
        .await?;
    let lock = |q: sea_orm::Select<clock::Entity>| {
        if store.engine() == Engine::Postgres {
            q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        } else {
            q
        }
    };
    let mut report = JobReport::default();
    let due = lock(
        clock::Entity::find()
            .filter(clock::Column::State.eq(ClockState::Running.as_str()))
            .filter(clock::Column::DueAt.lt(now))
            .order_by_asc(clock::Column::DueAt)
            .limit(limit),
    )
    .all(w.txn())
    .await?;
    let rules = rules_by_version(
        w.txn(),
        &due.iter().map(|m| m.rule_version_id).collect::<Vec<_>>(),
    )
    .await?;
    for m in due {
        let Some(rule) = rules.get(&m.rule_version_id).cloned() else {
            continue;
        };
        let (t, kind) = match engine::transition(
            &timing_of(&m)?,
            &rule,
            &ClockCommand::Breach,
            now,
            env.calendar,
        ) {
            Ok(x) => x,
            Err(_) => continue,
        };
        let (subject_type, subject_id, holder) = (
            m.subject_type.clone(),
            m.subject_id.clone(),
            m.holder_org_id,
        );
        let clock_id = m.id;
        save(
            &mut w,
            env,
            m,
            &rule,
            &t,
            kind,
            payload::ClockStep {
                escalate_to: Some(rule.escalate_to),
                ..note()
            },
        )
        .await?;
        report.breached += 1;
        if subject_type == "supervision_order" {
            continue;
        }
        let holder_org = org::Entity::find_by_id(holder)
            .one(w.txn())
            .await?
            .ok_or(StoreError::NotFound("机构"))?;
        let office = office_for(w.txn(), &holder_org).await?;
        let reason = format!(
            "{}超过时限（{}，{}）",
            rule.name,
            rule.duration.text(),
            rule.source_text()
        );
        let order = supervision_order::ActiveModel {
            clock_id: Set(clock_id),
            from_org_id: Set(office),
            to_org_id: Set(holder),
            subject_type: Set(subject_type.clone()),
            subject_id: Set(subject_id.clone()),
            reason: Set(reason.clone()),
            state: Set(OrderState::Open.as_str().into()),
            issued_at: Set(now),
            closed_at: Set(None),
            ..Default::default()
        }
        .insert(w.txn())
        .await?;
        w.record(
            "supervision_order",
            order.id,
            EventKind::SupervisionOrderIssued,
            &payload::OrderIssued {
                clock_id,
                from_org_id: office,
                to_org_id: holder,
                subject_type: subject_type.clone(),
                subject_id: subject_id.clone(),
                reason: reason.clone(),
            },
        );
        start(
            &mut w,
            env,
            ClockStart {
                subject_type: "supervision_order".into(),
                subject_id: order.id.to_string(),
                rule_id: "supervision_order.respond".into(),
                holder_org_id: holder,
                holder_person_id: None,
                at: now,
            },
        )
        .await?;
        report.orders += 1;
    }
    let warn = lock(
        clock::Entity::find()
            .filter(clock::Column::State.eq(ClockState::Running.as_str()))
            .filter(clock::Column::WarnedAt.is_null())
            .filter(clock::Column::WarnAt.lte(now))
            .order_by_asc(clock::Column::WarnAt)
            .limit(limit),
    )
    .all(w.txn())
    .await?;
    let rules = rules_by_version(
        w.txn(),
        &warn.iter().map(|m| m.rule_version_id).collect::<Vec<_>>(),
    )
    .await?;
    for m in warn {
        let Some(rule) = rules.get(&m.rule_version_id).cloned() else {
            continue;
        };
        if let Ok((t, kind)) = engine::transition(
            &timing_of(&m)?,
            &rule,
            &ClockCommand::Warn,
            now,
            env.calendar,
        ) {
            save(&mut w, env, m, &rule, &t, kind, note()).await?;
            report.warned += 1;
        }
    }
    if report == JobReport::default() {
        return Ok(report); // nothing to record: the writer rolls back
    }
    w.commit().await?;
    Ok(report)
}

/// Recompute the due times of open clocks over the calendar of `env` (see
/// [`recompute_with`]); returns how many moved.
pub async fn recompute(w: &mut Writer, env: ClockEnv<'_>) -> Result<usize, StoreError> {
    let moved = recompute_with(w, env, &|old, new| {
        format!(
            "期限按工作日历重新计算：原{}，现{}",
            beijing_minute(old),
            beijing_minute(new)
        )
    })
    .await?;
    Ok(moved.len())
}

/// Recompute the due times of running and paused clocks: from the start under the rule
/// snapshot, then each finished pause; an extension's date stands. Records
/// `clock.recomputed` with the old and new due time and `reason(old, new)` (shown to the
/// holder) for each clock that moved. Satisfied, cancelled and breached clocks keep theirs.
pub async fn recompute_with(
    w: &mut Writer,
    env: ClockEnv<'_>,
    reason: &(dyn Fn(DateTime<Utc>, DateTime<Utc>) -> String + Sync),
) -> Result<Vec<MovedClock>, StoreError> {
    let open = clock::Entity::find()
        .filter(
            clock::Column::State.is_in([ClockState::Running.as_str(), ClockState::Paused.as_str()]),
        )
        .all(w.txn())
        .await?;
    let rules = rules_by_version(
        w.txn(),
        &open.iter().map(|m| m.rule_version_id).collect::<Vec<_>>(),
    )
    .await?;
    let mut changed = Vec::new();
    for m in open {
        let rule = rules
            .get(&m.rule_version_id)
            .cloned()
            .ok_or(StoreError::NotFound("规则快照"))?;
        if rule.duration.unit == xiezhi_domain::rules::Unit::Assigned {
            continue; // its due time was given, not counted on the calendar
        }
        let t = timing_of(&m)?;
        let new_due = match t.extensions.last() {
            Some(e) => e.new_due,
            None => {
                let mut fresh =
                    engine::start(&rule, t.started_at, env.calendar).map_err(calendar_err)?;
                for p in &t.pauses {
                    fresh.state = ClockState::Running;
                    let (paused, _) = engine::transition(
                        &fresh,
                        &rule,
                        &ClockCommand::Pause {
                            reason: p.reason.clone(),
                        },
                        p.from,
                        env.calendar,
                    )
                    .map_err(refusal)?;
                    fresh = match p.to {
                        Some(to) => {
                            engine::transition(
                                &paused,
                                &rule,
                                &ClockCommand::Resume,
                                to,
                                env.calendar,
                            )
                            .map_err(refusal)?
                            .0
                        }
                        None => paused,
                    };
                }
                fresh.due_at
            }
        };
        if new_due != t.due_at {
            let old = t.due_at;
            let t = Timing {
                due_at: new_due,
                warned_at: if new_due > old { None } else { t.warned_at },
                ..t
            };
            changed.push(MovedClock {
                clock_id: m.id,
                holder_org_id: m.holder_org_id,
                old_due: old,
                new_due,
            });
            save(
                w,
                env,
                m,
                &rule,
                &t,
                EventKind::ClockRecomputed,
                payload::ClockStep {
                    reason: Some(reason(old, new_due)),
                    old_due: Some(old.to_rfc3339()),
                    ..note()
                },
            )
            .await?;
        }
    }
    Ok(changed)
}

/// Select a rule profile for an org and its subtree.
pub async fn assign_profile(
    w: &mut Writer,
    rules: &Rules,
    org_id: i64,
    profile_id: &str,
) -> Result<(), StoreError> {
    if rules.profile(profile_id).is_none() {
        return Err(StoreError::invalid(
            "profile_id",
            format!("没有规则配置 {profile_id}"),
        ));
    }
    org::Entity::find_by_id(org_id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("机构"))?;
    org_profile::Entity::delete_by_id(org_id)
        .exec(w.txn())
        .await?;
    org_profile::ActiveModel {
        org_id: Set(org_id),
        profile_id: Set(profile_id.into()),
        assigned_at: Set(w.now()),
    }
    .insert(w.txn())
    .await?;
    w.record(
        "org",
        org_id,
        EventKind::OrgRuleProfileAssigned,
        &payload::RuleProfileAssigned {
            profile_id: profile_id.to_owned(),
        },
    );
    Ok(())
}

/// A clock whose due time a calendar change moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedClock {
    /// The clock.
    pub clock_id: i64,
    /// Its holder org.
    pub holder_org_id: i64,
    /// Due before.
    pub old_due: DateTime<Utc>,
    /// Due now.
    pub new_due: DateTime<Utc>,
}

/// A day whose status a loaded year changes from what the calendar said before (for a
/// provisional year: from the holiday-law derivation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayChange {
    /// The date.
    pub date: xiezhi_calendar::Date,
    /// Working day before.
    pub was_workday: bool,
    /// Working day now.
    pub workday: bool,
    /// The holiday it is named for now (or was, if it is no longer listed).
    pub name: String,
}

/// A year's arrangement as read from a notice or CSV, and what loading it does.
#[derive(Debug, Clone)]
pub struct YearLoad {
    /// The year.
    pub year: i32,
    /// `notice` (the text as published) or `csv`.
    pub source: &'static str,
    /// The entries set (may include the last days of the year before).
    pub entries: Vec<xiezhi_calendar::CalendarEntry>,
    /// Sentences of the notice that arrange nothing.
    pub advice: Vec<String>,
    /// Days that differ from the calendar before.
    pub changes: Vec<DayChange>,
    /// Running and paused clocks whose due time moved.
    pub moved: Vec<MovedClock>,
}

/// A year's arrangement as read: year, `notice` or `csv`, entries, sentences that arrange
/// nothing.
type YearRead = (
    i32,
    &'static str,
    Vec<xiezhi_calendar::CalendarEntry>,
    Vec<String>,
);

/// Reads a year's arrangement: the notice text as published (`一、元旦：…`), or CSV lines
/// `date,kind,name` (the header optional). `year` is needed only for items without a title.
pub fn read_year(text: &str, year: Option<i32>) -> Result<YearRead, StoreError> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let is_csv = first == "date,kind,name"
        || first.len() >= 11 && first.as_bytes().get(4) == Some(&b'-') && first.contains(',');
    if !is_csv {
        let notice = xiezhi_calendar::notice::parse_notice(text, year)
            .map_err(|e| StoreError::invalid("text", e.to_string()))?;
        let advice = notice
            .items
            .iter()
            .flat_map(|i| i.advice.iter().cloned())
            .collect();
        return Ok((notice.year, "notice", notice.entries(), advice));
    }
    let body: String = text
        .lines()
        .filter(|l| !l.trim().is_empty() && l.trim() != "date,kind,name")
        .map(|l| format!("{}\n", l.trim()))
        .collect();
    let found: i32 = body
        .get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| StoreError::invalid("text", "文件第一行应为 YYYY-MM-DD,kind,name"))?;
    let cal = Calendar::from_csv(&format!("date,kind,name\n{body}"), found, found)
        .map_err(|e| StoreError::invalid("text", e.to_string()))?;
    Ok((found, "csv", cal.entries().to_vec(), Vec::new()))
}

/// The calendar of the shipped notices and the loaded years (a later year's entries win on
/// a date both name), continued by provisional years.
fn merged_calendar(years: &[calendar_year::Model]) -> Result<Calendar, StoreError> {
    if years.is_empty() {
        return Ok(Calendar::official().clone());
    }
    let mut lines: std::collections::BTreeMap<String, String> = OFFICIAL_CSV
        .lines()
        .skip(1)
        .filter_map(|l| Some((l.get(..10)?.to_owned(), l.to_owned())))
        .collect();
    let mut sorted: Vec<&calendar_year::Model> = years.iter().collect();
    sorted.sort_by_key(|y| y.year);
    for y in &sorted {
        for l in y.csv.lines().filter(|l| l.len() > 10) {
            lines.insert(l[..10].to_owned(), l.to_owned());
        }
    }
    let last = sorted.last().map_or(OFFICIAL_LAST_YEAR, |y| y.year);
    let mut text = String::from("date,kind,name\n");
    for l in lines.values() {
        text.push_str(l);
        text.push('\n');
    }
    Calendar::from_csv(&text, OFFICIAL_FIRST_YEAR, last)
        .map(|c| c.with_provisional_years(xiezhi_calendar::PROVISIONAL_LAST_YEAR))
        .map_err(|e| StoreError::Config(e.to_string()))
}

/// Load one year's holiday arrangement ([`read_year`]) and, in the same write, recompute every
/// running or paused clock whose due time it changes: each recorded as `clock.recomputed`
/// with the old and new due time and the reason shown to its holder
/// (`期限因2027年放假安排调整：原…，现…`). Years shipped with the program cannot be loaded;
/// a year loaded before only with `replace`; years must follow each other. Does not commit:
/// a caller that only previews drops the writer.
pub async fn load_calendar_year(
    w: &mut Writer,
    rules: &Rules,
    text: &str,
    year: Option<i32>,
    replace: bool,
) -> Result<YearLoad, StoreError> {
    let (year, source, entries, advice) = read_year(text, year)?;
    if year <= OFFICIAL_LAST_YEAR {
        return Err(StoreError::invalid(
            "text",
            format!("{year} 年的放假安排已随程序内置（国务院办公厅通知），不能再导入"),
        ));
    }
    let loaded = calendar_year::Entity::find().all(w.txn()).await?;
    if loaded.iter().any(|y| y.year == year) && !replace {
        return Err(StoreError::invalid(
            "text",
            format!("{year} 年的放假安排已经导入；如需更正，请勾选“更正已导入的年度”"),
        ));
    }
    let expected_next = loaded
        .iter()
        .map(|y| y.year)
        .filter(|y| *y != year)
        .max()
        .unwrap_or(OFFICIAL_LAST_YEAR)
        + 1;
    if year > expected_next {
        return Err(StoreError::invalid(
            "text",
            format!("请先导入 {expected_next} 年的放假安排"),
        ));
    }
    let before = merged_calendar(&loaded)?;
    let body: String = entries
        .iter()
        .map(|e| format!("{},{},{}\n", e.date, e.kind, e.name))
        .collect();
    let mut after_years: Vec<calendar_year::Model> =
        loaded.into_iter().filter(|y| y.year != year).collect();
    after_years.push(calendar_year::Model {
        year,
        csv: body.clone(),
        loaded_at: w.now(),
    });
    let after =
        merged_calendar(&after_years).map_err(|e| StoreError::invalid("text", e.to_string()))?;
    let changes = day_changes(&before, &after, year);
    calendar_year::Entity::delete_by_id(year)
        .exec(w.txn())
        .await?;
    calendar_year::ActiveModel {
        year: Set(year),
        csv: Set(body.clone()),
        loaded_at: Set(w.now()),
    }
    .insert(w.txn())
    .await?;
    w.record(
        "calendar",
        year,
        EventKind::CalendarYearLoaded,
        &payload::CalendarYearLoaded {
            year,
            source: source.to_owned(),
            lines: entries.len(),
            text: text.trim().to_owned(),
            changes: changes.len(),
            replaced: replace,
        },
    );
    let reason = |old: DateTime<Utc>, new: DateTime<Utc>| {
        format!(
            "期限因{year}年放假安排调整：原{}，现{}",
            beijing_minute(old),
            beijing_minute(new)
        )
    };
    let moved = recompute_with(
        w,
        ClockEnv {
            rules,
            calendar: &after,
        },
        &reason,
    )
    .await?;
    Ok(YearLoad {
        year,
        source,
        entries,
        advice,
        changes,
        moved,
    })
}

/// `2027-01-05 23:59` (Beijing).
fn beijing_minute(t: DateTime<Utc>) -> String {
    xiezhi_domain::beijing::local(t)
        .format("%Y年%-m月%-d日 %H:%M")
        .to_string()
}

/// Days of `year` (and the December before) whose working status or name differs.
fn day_changes(before: &Calendar, after: &Calendar, year: i32) -> Vec<DayChange> {
    let mut out = Vec::new();
    let (Some(first), Some(last)) = (
        xiezhi_calendar::Date::new(year - 1, 12, 1),
        xiezhi_calendar::Date::new(year, 12, 31),
    ) else {
        return out;
    };
    let mut day = first;
    while day <= last {
        let was = before.is_workday(day).unwrap_or(!day.is_weekend());
        let now = after.is_workday(day).unwrap_or(!day.is_weekend());
        if was != now {
            out.push(DayChange {
                date: day,
                was_workday: was,
                workday: now,
                name: after
                    .day_name(day)
                    .or_else(|| before.day_name(day))
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        match day.add_days(1) {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// A filter for listing clocks.
#[derive(Debug, Clone, Default)]
pub struct ClockFilter {
    /// Holder orgs.
    pub holder_orgs: Option<Vec<i64>>,
    /// Holder person (their own or their org's unassigned clocks).
    pub person: Option<(i64, i64)>,
    /// States.
    pub states: Option<Vec<String>>,
    /// Due before.
    pub due_before: Option<DateTime<Utc>>,
    /// Under this rule only (e.g. `supervision_order.respond`).
    pub rule_id: Option<String>,
    /// Only those due soon at this time: running and warned, or past their warning time
    /// (the dashboard's 临期 figure, [`Store::dashboard_facts`]).
    pub due_soon_at: Option<DateTime<Utc>>,
}

impl Store {
    /// The working-day calendar: the shipped years, the years loaded by administrators, and
    /// provisional years after them.
    pub async fn calendar(&self) -> Result<Calendar, StoreError> {
        let years = calendar_year::Entity::find()
            .order_by_asc(calendar_year::Column::Year)
            .all(self.db())
            .await?;
        merged_calendar(&years)
    }

    /// For each of these clocks whose due time a calendar change moved, the reason last
    /// recorded (`期限因2027年放假安排调整：原…，现…`).
    pub async fn calendar_adjustments(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, String>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self
            .events_about(&[Subjects::of("clock", ids)], &[EventKind::ClockRecomputed])
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|e| {
                let reason = e.payload_as::<payload::ClockStep>()?.reason?;
                Some((e.subject_id.parse().ok()?, reason))
            })
            .collect())
    }

    /// One supervision order and its answer, if given.
    pub async fn supervision_order(
        &self,
        id: i64,
    ) -> Result<(supervision_order::Model, Option<String>), StoreError> {
        let order = supervision_order::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("督办"))?;
        let answer = self
            .recent_events(
                "supervision_order",
                &id.to_string(),
                &[EventKind::SupervisionOrderAnswered],
                1,
            )
            .await?
            .first()
            .and_then(|e| e.payload_as::<payload::OrderAnswered>())
            .map(|p| p.answer);
        Ok((order, answer))
    }

    /// Years loaded by administrators.
    pub async fn loaded_years(&self) -> Result<Vec<calendar_year::Model>, StoreError> {
        Ok(calendar_year::Entity::find()
            .order_by_asc(calendar_year::Column::Year)
            .all(self.db())
            .await?)
    }

    /// One clock.
    pub async fn clock(&self, id: i64) -> Result<clock::Model, StoreError> {
        clock::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("时限"))
    }

    /// Clocks matching a filter, most urgent first, one page at a time; with the total.
    pub async fn clocks(
        &self,
        f: &ClockFilter,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<clock::Model>, u64), StoreError> {
        let mut q = clock::Entity::find();
        if let Some(orgs) = &f.holder_orgs {
            q = q.filter(clock::Column::HolderOrgId.is_in(orgs.clone()));
        }
        if let Some((person, org)) = f.person {
            q = q.filter(
                Condition::any()
                    .add(clock::Column::HolderPersonId.eq(person))
                    .add(
                        Condition::all()
                            .add(clock::Column::HolderOrgId.eq(org))
                            .add(clock::Column::HolderPersonId.is_null()),
                    ),
            );
        }
        if let Some(states) = &f.states {
            q = q.filter(clock::Column::State.is_in(states.clone()));
        }
        if let Some(before) = f.due_before {
            q = q.filter(clock::Column::DueAt.lt(before));
        }
        if let Some(rule) = &f.rule_id {
            q = q.filter(clock::Column::RuleId.eq(rule.as_str()));
        }
        if let Some(now) = f.due_soon_at {
            q = q
                .filter(clock::Column::State.eq(ClockState::Running.as_str()))
                .filter(
                    Condition::any()
                        .add(clock::Column::WarnedAt.is_not_null())
                        .add(clock::Column::WarnAt.lte(now)),
                );
        }
        let total = q.clone().count(self.db()).await?;
        let rows = q
            .order_by_asc(clock::Column::DueAt)
            .order_by_asc(clock::Column::Id)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .limit(per_page)
            .all(self.db())
            .await?;
        Ok((rows, total))
    }

    /// The profile assignments (org id → profile id).
    pub async fn profile_assignments(&self) -> Result<Vec<org_profile::Model>, StoreError> {
        Ok(org_profile::Entity::find().all(self.db()).await?)
    }

    /// Supervision orders to some orgs.
    pub async fn supervision_orders_to(
        &self,
        orgs: &[i64],
    ) -> Result<Vec<supervision_order::Model>, StoreError> {
        Ok(supervision_order::Entity::find()
            .filter(supervision_order::Column::ToOrgId.is_in(orgs.to_vec()))
            .order_by_desc(supervision_order::Column::Id)
            .all(self.db())
            .await?)
    }

    /// Number of clocks in a state (for the dashboard and benchmarks).
    pub async fn count_clocks(&self, state: &str) -> Result<u64, StoreError> {
        Ok(clock::Entity::find()
            .filter(clock::Column::State.eq(state))
            .count(self.db())
            .await?)
    }
}
