//! Instructions (指令, "一键即达、一呼即动"): a leader or the coordination office sends a
//! text, with attachments and a due time, to orgs or people. Each recipient has a receipt:
//! it must acknowledge (签收) within its clock — unacknowledged instructions escalate — and
//! later report completion (办结反馈) by the due time.

use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// Where one recipient's receipt is.
    ReceiptStatus {
        /// Delivered, not yet acknowledged (待签收).
        Sent = "sent" / "待签收",
        /// Acknowledged (已签收).
        Acknowledged = "acknowledged" / "已签收",
        /// Completion reported (已办结).
        Completed = "completed" / "已办结",
    }
);

/// A step a recipient takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptCommand {
    /// Acknowledge receipt.
    Acknowledge,
    /// Report completion (with a report).
    Complete,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptRefusal {
    /// Already acknowledged.
    #[error("该指令已签收")]
    AlreadyAcknowledged,
    /// Completion before acknowledging.
    #[error("请先签收指令，再反馈办结情况")]
    NotAcknowledged,
    /// Already completed.
    #[error("该指令已反馈办结")]
    Completed,
}

impl crate::Coded for ReceiptRefusal {
    fn code(&self) -> &'static str {
        match self {
            ReceiptRefusal::AlreadyAcknowledged => "instruction.already_acknowledged",
            ReceiptRefusal::NotAcknowledged => "instruction.not_acknowledged",
            ReceiptRefusal::Completed => "instruction.completed",
        }
    }
}

/// The next status of a receipt.
pub fn transition(
    status: ReceiptStatus,
    cmd: ReceiptCommand,
) -> Result<ReceiptStatus, ReceiptRefusal> {
    use ReceiptCommand::*;
    use ReceiptStatus::*;
    match (status, cmd) {
        (Completed, _) => Err(ReceiptRefusal::Completed),
        (Sent, Acknowledge) => Ok(Acknowledged),
        (Acknowledged, Acknowledge) => Err(ReceiptRefusal::AlreadyAcknowledged),
        (Sent, Complete) => Err(ReceiptRefusal::NotAcknowledged),
        (Acknowledged, Complete) => Ok(Completed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_from_every_status() {
        use ReceiptCommand::*;
        use ReceiptStatus::*;
        let table = [
            (Sent, Acknowledge, Ok(Acknowledged)),
            (Sent, Complete, Err(ReceiptRefusal::NotAcknowledged)),
            (
                Acknowledged,
                Acknowledge,
                Err(ReceiptRefusal::AlreadyAcknowledged),
            ),
            (Acknowledged, Complete, Ok(Completed)),
            (Completed, Acknowledge, Err(ReceiptRefusal::Completed)),
            (Completed, Complete, Err(ReceiptRefusal::Completed)),
        ];
        for (s, c, want) in table {
            assert_eq!(transition(s, c), want, "{s:?} {c:?}");
        }
    }
}
