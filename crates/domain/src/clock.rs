//! The clock engine (时限): one statutory time limit on one subject, computed over the official
//! working-day calendar from a rule of a profile. Pure: time and the calendar are arguments.
//! Every later capability starts its clocks through this module (see `docs/clocks.md`).

use crate::rules::{Direction, IMMEDIATELY_MINUTES, Rule, Unit};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use xiezhi_calendar::{
    Calendar, CalendarError, Date, deadline_instant, shanghai_date, start_instant,
};

/// Where a clock is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Counting.
    Running,
    /// Stopped for supplementary material; the time does not count.
    Paused,
    /// Done (on time or late).
    Satisfied,
    /// Past due and not done.
    Breached,
    /// No longer needed.
    Cancelled,
}

impl ClockState {
    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Satisfied => "satisfied",
            ClockState::Breached => "breached",
            ClockState::Cancelled => "cancelled",
        }
    }
    /// Parse a machine name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            ClockState::Running,
            ClockState::Paused,
            ClockState::Satisfied,
            ClockState::Breached,
            ClockState::Cancelled,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ClockState::Running => "计时中",
            ClockState::Paused => "已暂停",
            ClockState::Satisfied => "已办结",
            ClockState::Breached => "已超时",
            ClockState::Cancelled => "已撤销",
        }
    }
    /// Whether the clock is still waiting on its holder.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ClockState::Running | ClockState::Paused | ClockState::Breached
        )
    }

    /// The stored values of the open states (for queries).
    pub fn open_values() -> [&'static str; 3] {
        [
            ClockState::Running.as_str(),
            ClockState::Paused.as_str(),
            ClockState::Breached.as_str(),
        ]
    }
}

/// A pause interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// From.
    pub from: DateTime<Utc>,
    /// To (None while paused).
    pub to: Option<DateTime<Utc>>,
    /// Why.
    pub reason: String,
}

/// An extension (延期): a written reason, who approved, the new due time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// When it was granted.
    pub at: DateTime<Utc>,
    /// Written reason.
    pub reason: String,
    /// Who approved.
    pub approver: String,
    /// The due time before.
    pub old_due: DateTime<Utc>,
    /// The new due time.
    pub new_due: DateTime<Utc>,
}

/// The timing part of a clock (the store adds subject and holder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// State.
    pub state: ClockState,
    /// When the trigger happened (or, for a `before` rule, the anchor).
    pub started_at: DateTime<Utc>,
    /// When it is due.
    pub due_at: DateTime<Utc>,
    /// Pauses.
    pub pauses: Vec<Pause>,
    /// Extensions.
    pub extensions: Vec<Extension>,
    /// When the warning went out.
    pub warned_at: Option<DateTime<Utc>>,
    /// When it was found breached.
    pub breached_at: Option<DateTime<Utc>>,
    /// When it was satisfied or cancelled.
    pub closed_at: Option<DateTime<Utc>>,
}

/// A command on a clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockCommand {
    /// Stop counting (only for pausable rules).
    Pause {
        /// Why.
        reason: String,
    },
    /// Count again; the due time moves by the time paused, in the rule's unit.
    Resume,
    /// A new due time with a written reason and an approver.
    Extend {
        /// Written reason.
        reason: String,
        /// Who approved.
        approver: String,
        /// New due time (later than the current one).
        new_due: DateTime<Utc>,
    },
    /// Done.
    Satisfy,
    /// Not needed any more.
    Cancel {
        /// Why.
        reason: String,
    },
    /// The warning went out (background job).
    Warn,
    /// Past due (background job).
    Breach,
}

/// Why a command was refused (Chinese, shown to users).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockRefusal {
    /// Not in a state that allows it.
    #[error("时限当前为“{state}”，不能{action}")]
    WrongState {
        /// Current state label.
        state: &'static str,
        /// Action label.
        action: &'static str,
    },
    /// The rule does not allow pausing.
    #[error("该时限规则不允许暂停计时")]
    NotPausable,
    /// A reason is needed.
    #[error("必须写明理由")]
    ReasonRequired,
    /// The new due time is not later.
    #[error("延期后的期限必须晚于原期限")]
    NotLater,
    /// Not yet due/warnable.
    #[error("尚未到期")]
    NotYet,
    /// An assigned due time that is not after the start.
    #[error("指定的期限必须晚于现在")]
    DueInPast,
    /// A due time given for a rule that sets its own.
    #[error("该时限由规则确定，不能另行指定期限")]
    NotAssigned,
    /// The calendar lacks a year.
    #[error("{0}")]
    Calendar(#[from] CalendarError),
}

impl crate::Coded for ClockRefusal {
    fn code(&self) -> &'static str {
        match self {
            ClockRefusal::WrongState { .. } => "clock.wrong_state",
            ClockRefusal::NotPausable => "clock.not_pausable",
            ClockRefusal::ReasonRequired => "clock.reason_required",
            ClockRefusal::NotLater => "clock.not_later",
            ClockRefusal::NotYet => "clock.not_yet",
            ClockRefusal::DueInPast => "clock.due_in_past",
            ClockRefusal::NotAssigned => "clock.not_assigned",
            ClockRefusal::Calendar(_) => "clock.calendar",
        }
    }
}

fn to_utc(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// The Beijing date of an instant.
pub fn date_of(t: DateTime<Utc>) -> Date {
    shanghai_date(t.timestamp()).unwrap_or(Date::MIN)
}

/// The end (23:59:59 Beijing) of a date.
pub fn end_of(d: Date) -> DateTime<Utc> {
    to_utc(deadline_instant(d))
}

fn shift_days(d: Date, n: i64) -> Result<Date, CalendarError> {
    d.add_days(n).ok_or(CalendarError::YearNotLoaded {
        year: if n < 0 {
            Date::MIN.year()
        } else {
            Date::MAX.year()
        },
    })
}

/// When a clock under `rule` triggered (or anchored) at `at` is due.
/// Working days count from the day after the trigger: N working days end at the end of the
/// N-th working day after it.
pub fn due_at(
    rule: &Rule,
    at: DateTime<Utc>,
    cal: &Calendar,
) -> Result<DateTime<Utc>, CalendarError> {
    let d = date_of(at);
    let n = rule.duration.count();
    let sign = if rule.direction == Direction::Before {
        -1
    } else {
        1
    };
    Ok(match rule.duration.unit {
        Unit::WorkingDays => end_of(cal.add_workdays(d, sign * n)?),
        Unit::CalendarDays => {
            let target = shift_days(d, sign * n)?;
            if !cal.covers(target) {
                return Err(CalendarError::YearNotLoaded {
                    year: target.year(),
                });
            }
            end_of(target)
        }
        Unit::Hours => at + Duration::hours(sign * n),
        Unit::SameDay => end_of(d),
        Unit::Immediately => at + Duration::minutes(IMMEDIATELY_MINUTES),
        // The due time itself is the anchor (see [`start_assigned`]).
        Unit::Assigned => at,
    })
}

/// When the warning is due: `warn_before` ahead of the due time (working days: from the start
/// of the day when that many working days are left, the due day included).
pub fn warn_at(
    rule: &Rule,
    due: DateTime<Utc>,
    cal: &Calendar,
) -> Result<Option<DateTime<Utc>>, CalendarError> {
    let Some(w) = rule.warn_before else {
        return Ok(None);
    };
    Ok(Some(match w.unit {
        Unit::WorkingDays => {
            let day = cal.add_workdays(date_of(due), -(w.count() - 1).max(0))?;
            let day = if cal.is_workday(day)? {
                day
            } else {
                cal.previous_workday(day)?
            };
            to_utc(start_instant(day))
        }
        _ => due - Duration::hours(w.count()),
    }))
}

/// Start a clock.
pub fn start(rule: &Rule, at: DateTime<Utc>, cal: &Calendar) -> Result<Timing, CalendarError> {
    Ok(Timing {
        state: ClockState::Running,
        started_at: at,
        due_at: due_at(rule, at, cal)?,
        pauses: vec![],
        extensions: vec![],
        warned_at: None,
        breached_at: None,
        closed_at: None,
    })
}

/// Start a clock whose rule takes the due time from whoever issues the task
/// ([`Unit::Assigned`]); the due time must be later than the start.
pub fn start_assigned(
    rule: &Rule,
    at: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Result<Timing, ClockRefusal> {
    if rule.duration.unit != Unit::Assigned {
        return Err(ClockRefusal::NotAssigned);
    }
    if due <= at {
        return Err(ClockRefusal::DueInPast);
    }
    Ok(Timing {
        state: ClockState::Running,
        started_at: at,
        due_at: due,
        pauses: vec![],
        extensions: vec![],
        warned_at: None,
        breached_at: None,
        closed_at: None,
    })
}

/// How far the due time moves for a pause from `from` to `to`, in the rule's unit.
fn shifted_due(
    rule: &Rule,
    due: DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    cal: &Calendar,
) -> Result<DateTime<Utc>, CalendarError> {
    Ok(match rule.duration.unit {
        Unit::WorkingDays => {
            let k = cal.workdays_between(date_of(from), date_of(to))?;
            if k == 0 {
                due
            } else {
                end_of(cal.add_workdays(date_of(due), k)?)
            }
        }
        Unit::CalendarDays => {
            let k = date_of(to).days_since_epoch() - date_of(from).days_since_epoch();
            if k == 0 {
                due
            } else {
                end_of(shift_days(date_of(due), k)?)
            }
        }
        _ => due + (to - from),
    })
}

fn wrong(t: &Timing, action: &'static str) -> ClockRefusal {
    ClockRefusal::WrongState {
        state: t.state.label(),
        action,
    }
}

/// The one transition function: apply a command at `now`. Returns the new timing and the
/// event kind to record.
pub fn transition(
    t: &Timing,
    rule: &Rule,
    cmd: &ClockCommand,
    now: DateTime<Utc>,
    cal: &Calendar,
) -> Result<(Timing, crate::EventKind), ClockRefusal> {
    use ClockState::*;
    let mut n = t.clone();
    let kind = match cmd {
        ClockCommand::Pause { reason } => {
            if t.state != Running {
                return Err(wrong(t, "暂停"));
            }
            if !rule.pausable {
                return Err(ClockRefusal::NotPausable);
            }
            if reason.trim().is_empty() {
                return Err(ClockRefusal::ReasonRequired);
            }
            n.state = Paused;
            n.pauses.push(Pause {
                from: now,
                to: None,
                reason: reason.trim().to_owned(),
            });
            crate::EventKind::ClockPaused
        }
        ClockCommand::Resume => {
            if t.state != Paused {
                return Err(wrong(t, "恢复计时"));
            }
            let from = t.pauses.last().map(|p| p.from).unwrap_or(now);
            n.due_at = shifted_due(rule, t.due_at, from, now, cal)?;
            if let Some(p) = n.pauses.last_mut() {
                p.to = Some(now);
            }
            n.state = Running;
            if n.due_at > now {
                n.warned_at = None;
            }
            crate::EventKind::ClockResumed
        }
        ClockCommand::Extend {
            reason,
            approver,
            new_due,
        } => {
            if !matches!(t.state, Running | Paused) {
                return Err(wrong(t, "延期"));
            }
            if reason.trim().is_empty() || approver.trim().is_empty() {
                return Err(ClockRefusal::ReasonRequired);
            }
            if *new_due <= t.due_at {
                return Err(ClockRefusal::NotLater);
            }
            n.extensions.push(Extension {
                at: now,
                reason: reason.trim().to_owned(),
                approver: approver.trim().to_owned(),
                old_due: t.due_at,
                new_due: *new_due,
            });
            n.due_at = *new_due;
            n.warned_at = None;
            crate::EventKind::ClockExtended
        }
        ClockCommand::Satisfy => {
            if !t.state.is_open() {
                return Err(wrong(t, "办结"));
            }
            if let Some(p) = n.pauses.last_mut()
                && p.to.is_none()
            {
                p.to = Some(now);
            }
            n.state = Satisfied;
            n.closed_at = Some(now);
            crate::EventKind::ClockSatisfied
        }
        ClockCommand::Cancel { reason } => {
            if !t.state.is_open() {
                return Err(wrong(t, "撤销"));
            }
            if reason.trim().is_empty() {
                return Err(ClockRefusal::ReasonRequired);
            }
            n.state = Cancelled;
            n.closed_at = Some(now);
            crate::EventKind::ClockCancelled
        }
        ClockCommand::Warn => {
            if t.state != Running || t.warned_at.is_some() {
                return Err(wrong(t, "预警"));
            }
            match warn_at(rule, t.due_at, cal)? {
                Some(w) if now >= w => {}
                _ => return Err(ClockRefusal::NotYet),
            }
            n.warned_at = Some(now);
            crate::EventKind::ClockWarned
        }
        ClockCommand::Breach => {
            if t.state != Running {
                return Err(wrong(t, "标记超时"));
            }
            if now <= t.due_at {
                return Err(ClockRefusal::NotYet);
            }
            n.state = Breached;
            n.breached_at = Some(now);
            crate::EventKind::ClockBreached
        }
    };
    Ok((n, kind))
}

/// How urgent an open clock is, for colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Time enough.
    Normal,
    /// Within the warning lead (or the last working day).
    DueSoon,
    /// Past due.
    Overdue,
    /// Paused.
    Paused,
}

/// What is left on a clock at `now`, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remaining {
    /// Colour class.
    pub urgency: Urgency,
    /// Chinese text: `剩余2个工作日`, `剩余5小时`, `已超时1个工作日`.
    pub text: String,
    /// Working days left (negative: overdue), counting the due day.
    pub working_days: i64,
}

/// Time left on a clock.
pub fn remaining(t: &Timing, rule: &Rule, now: DateTime<Utc>, cal: &Calendar) -> Remaining {
    let today = date_of(now);
    let due_day = date_of(t.due_at);
    let wd = cal.workdays_between(today, due_day).unwrap_or(0);
    if t.state == ClockState::Paused {
        return Remaining {
            urgency: Urgency::Paused,
            text: "已暂停计时".into(),
            working_days: wd,
        };
    }
    if now > t.due_at {
        let late = cal.workdays_between(due_day, today).unwrap_or(0);
        let text = if late > 0 {
            format!("已超时{late}个工作日")
        } else {
            format!("已超时{}小时", ((now - t.due_at).num_minutes() + 59) / 60)
        };
        return Remaining {
            urgency: Urgency::Overdue,
            text,
            working_days: -late,
        };
    }
    let soon = match warn_at(rule, t.due_at, cal) {
        Ok(Some(w)) => now >= w,
        _ => wd == 0,
    };
    let text = if today == due_day
        || rule.duration.unit == Unit::Hours
        || rule.duration.unit == Unit::Immediately
        || rule.duration.unit == Unit::Assigned && (t.due_at - now).num_hours() < 24
    {
        format!("剩余{}小时", ((t.due_at - now).num_minutes() + 59) / 60)
    } else {
        format!("剩余{wd}个工作日")
    };
    Remaining {
        urgency: if soon {
            Urgency::DueSoon
        } else {
            Urgency::Normal
        },
        text,
        working_days: wd,
    }
}

crate::term_enum!(
    /// Where a supervision order is (督办).
    OrderState {
        /// Issued, waiting for the holder's answer (督办中).
        Open = "open" / "督办中",
        /// Answered, or its matter ended (已办结).
        Closed = "closed" / "已办结",
    }
);

/// A step of a supervision order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStep {
    /// The holder answers (答复督办); the order closes when its clock is satisfied.
    Answer,
    /// Its response clock ended (answered, or the matter was cancelled).
    Close,
}

/// Why a supervision order step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderRefusal {
    /// Answered and closed already.
    #[error("该督办已经答复办结")]
    Closed,
}

impl crate::Coded for OrderRefusal {
    fn code(&self) -> &'static str {
        match self {
            OrderRefusal::Closed => "supervision_order.closed",
        }
    }
}

/// One step of a supervision order: the next state, or why not.
pub fn order_transition(s: OrderState, step: OrderStep) -> Result<OrderState, OrderRefusal> {
    match (s, step) {
        (OrderState::Open, OrderStep::Answer) => Ok(OrderState::Open),
        (OrderState::Open, OrderStep::Close) => Ok(OrderState::Closed),
        (OrderState::Closed, _) => Err(OrderRefusal::Closed),
    }
}

impl crate::Coded for CalendarError {
    fn code(&self) -> &'static str {
        match self {
            CalendarError::YearNotLoaded { .. } => "calendar.year_not_loaded",
            _ => "calendar.invalid",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_supervision_order_is_answered_while_open_and_closes_once() {
        use OrderState as S;
        use OrderStep as P;
        assert_eq!(order_transition(S::Open, P::Answer), Ok(S::Open));
        assert_eq!(order_transition(S::Open, P::Close), Ok(S::Closed));
        assert_eq!(
            order_transition(S::Closed, P::Answer),
            Err(OrderRefusal::Closed)
        );
        assert_eq!(
            order_transition(S::Closed, P::Close),
            Err(OrderRefusal::Closed)
        );
    }
}
