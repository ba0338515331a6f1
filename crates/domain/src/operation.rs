//! Joint enforcement operations (联合执法行动, seed 002 §四(二)): three ways to start —
//! *regular* (常规: the office drafts the plan, the leading group agrees), *special* (专项: a
//! unit applies with its plan at least its lead time before the start, the office decides in
//! writing within its clock, the applicant leads) and *emergency* (应急: the office drafts, the
//! group leader agrees and it runs at once) — then running (check-ins, field reports, leads
//! and cases found, notices to units outside it) and closing with a report.

use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// How an operation starts.
    OperationMode {
        /// The office drafts, the leading group agrees (常规启动).
        Regular = "regular" / "常规启动",
        /// A unit applies ahead of time, the office decides in writing (专项启动).
        Special = "special" / "专项启动",
        /// The office drafts, the group leader agrees, it runs at once (应急启动).
        Emergency = "emergency" / "应急启动",
    }
);

crate::term_enum!(
    /// Where an operation is.
    OperationStatus {
        /// The plan is being drafted (方案草拟).
        Draft = "draft" / "方案草拟",
        /// Submitted: awaiting the leading group, or for a special operation the office's
        /// written decision (待审批).
        Pending = "pending" / "待审批",
        /// Approved, not yet started (已批准待实施).
        Approved = "approved" / "已批准待实施",
        /// Refused (不予启动).
        Rejected = "rejected" / "不予启动",
        /// Running (实施中).
        Running = "running" / "实施中",
        /// Closed with its report (已结束).
        Closed = "closed" / "已结束",
        /// Withdrawn before it ran (已撤销).
        Cancelled = "cancelled" / "已撤销",
    }
);

/// A step asked of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationCommand {
    /// Submit the plan (for a special operation: apply).
    Submit,
    /// Agree / decide to start.
    Approve,
    /// Decide not to start (with reasons).
    Reject,
    /// Start the approved operation.
    Start,
    /// Close it with the results and the closing report.
    Close,
    /// Withdraw it before it runs.
    Cancel,
}

/// Who is acting and what is known, as the transition needs it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperationFacts {
    /// The actor speaks for the leading group (its leader: 领导小组组长).
    pub by_leader: bool,
    /// The actor is the coordination office (执法办).
    pub by_office: bool,
    /// The actor is of the lead unit (or the body that drafted or applied).
    pub by_lead: bool,
    /// For a special operation: the application comes at least the lead time before the start.
    pub in_time: bool,
    /// A written text (reasons, decision, closing report) is given.
    pub written: bool,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperationRefusal {
    /// Not in a status that allows the step.
    #[error("行动当前为“{0}”，不能执行此操作")]
    WrongStatus(&'static str),
    /// A special operation applied for too late.
    #[error("专项联合执法应在实施3日前提出申请，本申请已逾期，不能提交")]
    TooLate,
    /// Only the leading group's leader agrees to a regular or emergency operation.
    #[error("常规和应急联合执法行动须经领导小组组长同意")]
    LeaderOnly,
    /// Only the office (or the group leader) decides on a special operation.
    #[error("专项联合执法由执法办报领导小组组长审定后作出书面决定")]
    OfficeDecides,
    /// Only the lead unit or the office runs it.
    #[error("只有牵头单位或执法办可以执行此操作")]
    LeadOnly,
    /// A written text is required.
    #[error("必须写明理由或报告")]
    WrittenRequired,
}

impl crate::Coded for OperationRefusal {
    fn code(&self) -> &'static str {
        match self {
            OperationRefusal::WrongStatus(_) => "operation.wrong_status",
            OperationRefusal::TooLate => "operation.too_late",
            OperationRefusal::LeaderOnly => "operation.leader_only",
            OperationRefusal::OfficeDecides => "operation.office_decides",
            OperationRefusal::LeadOnly => "operation.lead_only",
            OperationRefusal::WrittenRequired => "operation.written_required",
        }
    }
}

/// The next status of an operation.
pub fn transition(
    mode: OperationMode,
    status: OperationStatus,
    cmd: OperationCommand,
    f: OperationFacts,
) -> Result<OperationStatus, OperationRefusal> {
    use OperationCommand::*;
    use OperationStatus::*;
    let wrong = || OperationRefusal::WrongStatus(status.label());
    let decider = |f: OperationFacts| match mode {
        OperationMode::Special if f.by_office || f.by_leader => Ok(()),
        OperationMode::Special => Err(OperationRefusal::OfficeDecides),
        _ if f.by_leader => Ok(()),
        _ => Err(OperationRefusal::LeaderOnly),
    };
    let lead = |f: OperationFacts| {
        if f.by_lead || f.by_office {
            Ok(())
        } else {
            Err(OperationRefusal::LeadOnly)
        }
    };
    match (status, cmd) {
        (Draft, Submit) => {
            lead(f)?;
            if mode == OperationMode::Special && !f.in_time {
                return Err(OperationRefusal::TooLate);
            }
            Ok(Pending)
        }
        (Pending, Approve) => {
            decider(f)?;
            if mode == OperationMode::Special && !f.written {
                return Err(OperationRefusal::WrittenRequired);
            }
            Ok(if mode == OperationMode::Emergency {
                Running
            } else {
                Approved
            })
        }
        (Pending, Reject) => {
            decider(f)?;
            if !f.written {
                return Err(OperationRefusal::WrittenRequired);
            }
            Ok(Rejected)
        }
        (Approved, Start) => {
            lead(f)?;
            Ok(Running)
        }
        (Running, Close) => {
            lead(f)?;
            if !f.written {
                return Err(OperationRefusal::WrittenRequired);
            }
            Ok(Closed)
        }
        (Draft | Pending | Approved, Cancel) => {
            lead(f)?;
            Ok(Cancelled)
        }
        _ => Err(wrong()),
    }
}

/// An enforcement certificate (执法证) as the plan check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// Its number.
    pub number: String,
    /// The domains it covers (执法领域).
    pub domains: Vec<String>,
    /// Valid until (inclusive).
    pub valid_until: chrono::NaiveDate,
}

/// The certificate that lets an officer act in `domain` through `last_day` of an operation,
/// if they hold one: it must cover the domain and still be valid on the last day.
pub fn qualifying_certificate<'a>(
    certs: &'a [Certificate],
    domain: &str,
    last_day: chrono::NaiveDate,
) -> Option<&'a Certificate> {
    certs
        .iter()
        .filter(|c| c.valid_until >= last_day && c.domains.iter().any(|d| d == domain))
        .max_by_key(|c| c.valid_until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OperationCommand::*;
    use OperationMode::*;
    use OperationStatus::*;

    const LEADER: OperationFacts = OperationFacts {
        by_leader: true,
        by_office: false,
        by_lead: false,
        in_time: true,
        written: true,
    };
    const OFFICE: OperationFacts = OperationFacts {
        by_leader: false,
        by_office: true,
        by_lead: false,
        in_time: true,
        written: true,
    };
    const UNIT: OperationFacts = OperationFacts {
        by_leader: false,
        by_office: false,
        by_lead: true,
        in_time: true,
        written: true,
    };
    const NOBODY: OperationFacts = OperationFacts {
        by_leader: false,
        by_office: false,
        by_lead: false,
        in_time: true,
        written: true,
    };

    #[test]
    fn an_officer_needs_a_certificate_for_the_domain_valid_to_the_last_day() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let certs = vec![
            Certificate {
                number: "A".into(),
                domains: vec!["市场监管".into()],
                valid_until: d("2026-12-10"),
            },
            Certificate {
                number: "B".into(),
                domains: vec!["城市管理".into(), "市场监管".into()],
                valid_until: d("2027-06-30"),
            },
        ];
        let n = |domain: &str, day: &str| {
            qualifying_certificate(&certs, domain, d(day)).map(|c| c.number.clone())
        };
        assert_eq!(n("市场监管", "2026-12-05"), Some("B".into()));
        assert_eq!(n("城市管理", "2027-06-30"), Some("B".into()));
        assert_eq!(n("城市管理", "2027-07-01"), None, "expired before the end");
        assert_eq!(n("生态环境", "2026-12-05"), None, "not the domain");
        assert_eq!(
            qualifying_certificate(&[], "市场监管", d("2026-12-05")),
            None
        );
    }

    #[test]
    fn the_three_start_modes() {
        // Regular: the office drafts, the leading group agrees, the lead unit runs it.
        assert_eq!(transition(Regular, Draft, Submit, OFFICE), Ok(Pending));
        assert_eq!(
            transition(Regular, Pending, Approve, OFFICE),
            Err(OperationRefusal::LeaderOnly)
        );
        assert_eq!(transition(Regular, Pending, Approve, LEADER), Ok(Approved));
        assert_eq!(transition(Regular, Approved, Start, UNIT), Ok(Running));
        assert_eq!(transition(Regular, Running, Close, UNIT), Ok(Closed));
        // Special: a unit applies in time; the office decides in writing.
        let late = OperationFacts {
            in_time: false,
            ..UNIT
        };
        assert_eq!(
            transition(Special, Draft, Submit, late),
            Err(OperationRefusal::TooLate)
        );
        assert_eq!(transition(Special, Draft, Submit, UNIT), Ok(Pending));
        assert_eq!(
            transition(Special, Pending, Approve, UNIT),
            Err(OperationRefusal::OfficeDecides)
        );
        let unwritten = OperationFacts {
            written: false,
            ..OFFICE
        };
        assert_eq!(
            transition(Special, Pending, Approve, unwritten),
            Err(OperationRefusal::WrittenRequired)
        );
        assert_eq!(transition(Special, Pending, Approve, OFFICE), Ok(Approved));
        assert_eq!(transition(Special, Pending, Reject, OFFICE), Ok(Rejected));
        // Emergency: the leader's agreement starts it at once.
        assert_eq!(transition(Emergency, Draft, Submit, OFFICE), Ok(Pending));
        assert_eq!(transition(Emergency, Pending, Approve, LEADER), Ok(Running));
        assert_eq!(
            transition(Emergency, Pending, Approve, OFFICE),
            Err(OperationRefusal::LeaderOnly)
        );
    }

    #[test]
    fn every_refused_step() {
        for mode in OperationMode::ALL {
            for status in OperationStatus::ALL {
                for cmd in [Submit, Approve, Reject, Start, Close, Cancel] {
                    let allowed = matches!(
                        (status, cmd),
                        (Draft, Submit)
                            | (Pending, Approve | Reject)
                            | (Approved, Start)
                            | (Running, Close)
                            | (Draft | Pending | Approved, Cancel)
                    );
                    let r = transition(
                        *mode,
                        *status,
                        cmd,
                        OperationFacts {
                            by_leader: true,
                            ..OFFICE
                        },
                    );
                    assert_eq!(r.is_ok(), allowed, "{mode:?} {status:?} {cmd:?}: {r:?}");
                    if !allowed {
                        assert_eq!(r, Err(OperationRefusal::WrongStatus(status.label())));
                    }
                    // Nobody in particular may do nothing.
                    assert!(transition(*mode, *status, cmd, NOBODY).is_err());
                }
            }
        }
        assert_eq!(
            transition(
                Regular,
                Running,
                Close,
                OperationFacts {
                    written: false,
                    ..UNIT
                }
            ),
            Err(OperationRefusal::WrittenRequired)
        );
        assert_eq!(
            transition(
                Regular,
                Pending,
                Reject,
                OperationFacts {
                    written: false,
                    ..LEADER
                }
            ),
            Err(OperationRefusal::WrittenRequired)
        );
    }
}
