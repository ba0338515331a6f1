//! Assistance requests (协助函): one body asks another for material, an appraisal or test, archive
//! access or officers on site. The receiver answers in writing within its clock; it may ask
//! once for supplementary material within its own window (the time until the material
//! arrives does not count: the clock pauses); it may extend with a written reason; urgent or
//! perishable evidence means officers on site at once. A refusal is recorded and visible to
//! the coordination office.

use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// What is asked for.
    AssistanceKind {
        /// Material or information (提供材料).
        Material = "material" / "提供材料",
        /// Appraisal, inspection or testing (鉴定、检验、检测).
        Appraisal = "appraisal" / "鉴定检验检测",
        /// Access to archives (查阅档案).
        Archive = "archive" / "查阅档案",
        /// Officers on site (派员协助).
        OnSite = "on_site" / "派员现场协助",
    }
);

crate::term_enum!(
    /// Where a request is.
    AssistanceStatus {
        /// Sent, waiting for the written answer (待答复).
        Sent = "sent" / "待答复",
        /// The receiver asked for supplementary material; its clock is paused (待补充材料).
        AwaitingSupplement = "awaiting_supplement" / "待补充材料（时限暂停）",
        /// Answered in writing (已书面答复).
        Answered = "answered" / "已书面答复",
        /// Refused (拒绝协助).
        Refused = "refused" / "拒绝协助",
        /// Withdrawn by the requester (已撤回).
        Withdrawn = "withdrawn" / "已撤回",
    }
);

/// A step asked of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssistanceCommand {
    /// The receiver asks for supplementary material (once, within its window).
    AskSupplement,
    /// The requester supplies it; the clock resumes.
    Supplement,
    /// The receiver answers in writing.
    Answer,
    /// The receiver refuses, with reasons.
    Refuse,
    /// The requester withdraws.
    Withdraw,
    /// The receiver extends its own deadline with a written reason.
    Extend,
}

/// Facts the transition needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssistanceFacts {
    /// Supplementary material was asked for before.
    pub supplement_asked: bool,
    /// The window for asking is still open.
    pub within_ask_window: bool,
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssistanceRefusal {
    /// Not from this state.
    #[error("协助请求当前为“{0}”，不能进行此操作")]
    WrongState(&'static str),
    /// Asked twice.
    #[error("补充材料只能要求一次")]
    AskedBefore,
    /// The window passed.
    #[error("已超过要求补充材料的期限")]
    WindowPassed,
}

impl crate::Coded for AssistanceRefusal {
    fn code(&self) -> &'static str {
        match self {
            AssistanceRefusal::WrongState(_) => "assistance.wrong_state",
            AssistanceRefusal::AskedBefore => "assistance.asked_before",
            AssistanceRefusal::WindowPassed => "assistance.window_passed",
        }
    }
}

/// One step: the next status, or why not.
pub fn transition(
    s: AssistanceStatus,
    cmd: AssistanceCommand,
    f: AssistanceFacts,
) -> Result<AssistanceStatus, AssistanceRefusal> {
    use AssistanceCommand as C;
    use AssistanceStatus as S;
    match (s, cmd) {
        (S::Sent, C::AskSupplement) if f.supplement_asked => Err(AssistanceRefusal::AskedBefore),
        (S::Sent, C::AskSupplement) if !f.within_ask_window => Err(AssistanceRefusal::WindowPassed),
        (S::Sent, C::AskSupplement) => Ok(S::AwaitingSupplement),
        (S::AwaitingSupplement, C::Supplement) => Ok(S::Sent),
        (S::Sent, C::Answer) => Ok(S::Answered),
        (S::Sent | S::AwaitingSupplement, C::Refuse) => Ok(S::Refused),
        (S::Sent | S::AwaitingSupplement, C::Withdraw) => Ok(S::Withdrawn),
        (S::Sent, C::Extend) => Ok(S::Sent),
        (s, _) => Err(AssistanceRefusal::WrongState(s.label())),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use AssistanceCommand as C;
    use AssistanceStatus as S;

    #[test]
    fn the_transition_table() {
        let open = AssistanceFacts {
            supplement_asked: false,
            within_ask_window: true,
        };
        let cmds = [
            C::AskSupplement,
            C::Supplement,
            C::Answer,
            C::Refuse,
            C::Withdraw,
            C::Extend,
        ];
        let expected = |s: S, c: &C| -> Option<S> {
            Some(match (s, c) {
                (S::Sent, C::AskSupplement) => S::AwaitingSupplement,
                (S::AwaitingSupplement, C::Supplement) => S::Sent,
                (S::Sent, C::Answer) => S::Answered,
                (S::Sent | S::AwaitingSupplement, C::Refuse) => S::Refused,
                (S::Sent | S::AwaitingSupplement, C::Withdraw) => S::Withdrawn,
                (S::Sent, C::Extend) => S::Sent,
                _ => return None,
            })
        };
        for s in S::ALL {
            for c in &cmds {
                assert_eq!(
                    transition(*s, c.clone(), open).ok(),
                    expected(*s, c),
                    "{s:?} {c:?}"
                );
            }
        }
    }

    #[test]
    fn supplementary_material_is_asked_once_within_the_window() {
        let asked = AssistanceFacts {
            supplement_asked: true,
            within_ask_window: true,
        };
        assert_eq!(
            transition(S::Sent, C::AskSupplement, asked),
            Err(AssistanceRefusal::AskedBefore)
        );
        let late = AssistanceFacts {
            supplement_asked: false,
            within_ask_window: false,
        };
        assert_eq!(
            transition(S::Sent, C::AskSupplement, late),
            Err(AssistanceRefusal::WindowPassed)
        );
    }
}
