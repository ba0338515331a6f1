//! Joint meetings and consultations (联席会议/会商, seed 003 §二(四)1, 002 §四(三)2): regular
//! meetings every half year with all member orgs and special ones as needed; each member org
//! names one leader and one liaison; the office collects agenda items before the meeting
//! (regular meetings: until 5 working days before), records the minutes, the convenor signs
//! them, and the decisions become action items with an owner org and a due time, tracked to
//! completion.

use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// Regular or special.
    MeetingKind {
        /// Every half year, all member orgs (例行会议).
        Regular = "regular" / "例行会议",
        /// As needed, on members' topics (专题会议/会商).
        Special = "special" / "专题会商",
    }
);

crate::term_enum!(
    /// Where a meeting is.
    MeetingStatus {
        /// Collecting agenda items (征集议题).
        Collecting = "collecting" / "征集议题",
        /// Agenda settled, waiting for the meeting (议题已确定).
        Scheduled = "scheduled" / "议题已确定",
        /// Held; minutes recorded, awaiting the convenor's signature (纪要待签发).
        Held = "held" / "纪要待签发",
        /// Minutes signed; action items running (纪要已签发).
        Signed = "signed" / "纪要已签发",
        /// Called off (已取消).
        Cancelled = "cancelled" / "已取消",
    }
);

crate::term_enum!(
    /// An action item's state.
    ActionStatus {
        /// Being done (办理中).
        Open = "open" / "办理中",
        /// Done, with the owner's report (已办结).
        Done = "done" / "已办结",
    }
);

/// A step asked of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingCommand {
    /// A member proposes an agenda item.
    Propose,
    /// The office closes the collection and settles the agenda.
    SettleAgenda,
    /// The office records the minutes and the decisions after the meeting.
    RecordMinutes,
    /// The convenor signs the minutes (签发): the action items start.
    Sign,
    /// Call it off.
    Cancel,
}

/// What the transition needs to know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MeetingFacts {
    /// For a proposal: the collection window is still open.
    pub collecting_open: bool,
    /// The meeting's start time has come.
    pub started: bool,
    /// Minutes text is given (for recording).
    pub has_minutes: bool,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingRefusal {
    /// Not in a status that allows it.
    #[error("会议当前为“{0}”，不能执行此操作")]
    WrongStatus(&'static str),
    /// Agenda collection has closed.
    #[error("议题征集已截止（例行会议于会前5个工作日截止）")]
    CollectionClosed,
    /// Minutes before the meeting has taken place.
    #[error("会议尚未召开，不能记录纪要")]
    NotYetHeld,
    /// Minutes text missing.
    #[error("请填写会议纪要")]
    MinutesRequired,
}

impl crate::Coded for MeetingRefusal {
    fn code(&self) -> &'static str {
        match self {
            MeetingRefusal::WrongStatus(_) => "meeting.wrong_status",
            MeetingRefusal::CollectionClosed => "meeting.collection_closed",
            MeetingRefusal::NotYetHeld => "meeting.not_yet_held",
            MeetingRefusal::MinutesRequired => "meeting.minutes_required",
        }
    }
}

/// The next status of a meeting.
pub fn transition(
    status: MeetingStatus,
    cmd: MeetingCommand,
    f: MeetingFacts,
) -> Result<MeetingStatus, MeetingRefusal> {
    use MeetingCommand::*;
    use MeetingStatus::*;
    match (status, cmd) {
        (Collecting, Propose) if f.collecting_open => Ok(Collecting),
        (Collecting, Propose) => Err(MeetingRefusal::CollectionClosed),
        (Collecting, SettleAgenda) => Ok(Scheduled),
        (Scheduled, RecordMinutes) if !f.started => Err(MeetingRefusal::NotYetHeld),
        (Scheduled, RecordMinutes) if !f.has_minutes => Err(MeetingRefusal::MinutesRequired),
        (Scheduled, RecordMinutes) => Ok(Held),
        (Held, Sign) => Ok(Signed),
        (Collecting | Scheduled, Cancel) => Ok(Cancelled),
        _ => Err(MeetingRefusal::WrongStatus(status.label())),
    }
}

/// Why an action item cannot be completed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionRefusal {
    /// Action items run only once the minutes are signed.
    #[error("会议纪要尚未签发")]
    MinutesUnsigned,
    /// Completed already.
    #[error("该事项已办结")]
    AlreadyDone,
}

impl crate::Coded for ActionRefusal {
    fn code(&self) -> &'static str {
        match self {
            ActionRefusal::MinutesUnsigned => "action_item.minutes_unsigned",
            ActionRefusal::AlreadyDone => "action_item.already_done",
        }
    }
}

/// An action item's owner reports it done (交办事项办结): the next state, or why not.
pub fn complete_action(
    meeting: MeetingStatus,
    action: ActionStatus,
) -> Result<ActionStatus, ActionRefusal> {
    match (meeting, action) {
        (MeetingStatus::Signed, ActionStatus::Open) => Ok(ActionStatus::Done),
        (MeetingStatus::Signed, ActionStatus::Done) => Err(ActionRefusal::AlreadyDone),
        _ => Err(ActionRefusal::MinutesUnsigned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeetingCommand::*;
    use MeetingStatus::*;

    const ALL_TRUE: MeetingFacts = MeetingFacts {
        collecting_open: true,
        started: true,
        has_minutes: true,
    };

    #[test]
    fn every_step_from_every_status() {
        for s in MeetingStatus::ALL {
            for c in [Propose, SettleAgenda, RecordMinutes, Sign, Cancel] {
                let allowed = matches!(
                    (s, c),
                    (Collecting, Propose | SettleAgenda | Cancel)
                        | (Scheduled, RecordMinutes | Cancel)
                        | (Held, Sign)
                );
                let r = transition(*s, c, ALL_TRUE);
                assert_eq!(r.is_ok(), allowed, "{s:?} {c:?}: {r:?}");
            }
        }
        assert_eq!(transition(Held, Sign, ALL_TRUE), Ok(Signed));
        assert_eq!(transition(Scheduled, RecordMinutes, ALL_TRUE), Ok(Held));
    }

    #[test]
    fn proposals_close_with_the_window_and_minutes_wait_for_the_meeting() {
        let closed = MeetingFacts {
            collecting_open: false,
            ..ALL_TRUE
        };
        assert_eq!(
            transition(Collecting, Propose, closed),
            Err(MeetingRefusal::CollectionClosed)
        );
        let early = MeetingFacts {
            started: false,
            ..ALL_TRUE
        };
        assert_eq!(
            transition(Scheduled, RecordMinutes, early),
            Err(MeetingRefusal::NotYetHeld)
        );
        let blank = MeetingFacts {
            has_minutes: false,
            ..ALL_TRUE
        };
        assert_eq!(
            transition(Scheduled, RecordMinutes, blank),
            Err(MeetingRefusal::MinutesRequired)
        );
    }

    #[test]
    fn an_action_item_is_done_once_after_the_minutes_are_signed() {
        for m in MeetingStatus::ALL {
            for a in ActionStatus::ALL {
                let expected = match (m, a) {
                    (MeetingStatus::Signed, ActionStatus::Open) => Ok(ActionStatus::Done),
                    (MeetingStatus::Signed, _) => Err(ActionRefusal::AlreadyDone),
                    _ => Err(ActionRefusal::MinutesUnsigned),
                };
                assert_eq!(complete_action(*m, *a), expected, "{m:?} {a:?}");
            }
        }
    }
}
