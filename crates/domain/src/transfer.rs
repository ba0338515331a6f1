//! Transfers (移送) and jurisdiction disputes (争议协调): the nouns and the checks that need
//! no database. A lead found not to be the holder's matter goes to the competent body with
//! materials, after the head's approval; the receiver accepts or rejects with reasons; a
//! rejection or a conflicting claim becomes a dispute that the coordination office settles
//! by designating jurisdiction (指定管辖).

use crate::codes::CodeError;
use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// Administrative transfer between bodies, or transfer of a suspected crime to the
    /// judicial organs (两法衔接, 国务院令第310号).
    TransferKind {
        /// To the competent administrative body (行政移送).
        Administrative = "administrative" / "行政移送",
        /// Suspected crime to the public security organ (涉嫌犯罪移送司法机关).
        Judicial = "judicial" / "涉嫌犯罪移送",
    }
);

crate::term_enum!(
    /// Where a transfer is.
    TransferStatus {
        /// Drafted, waiting for the head's approval (待审批).
        Draft = "draft" / "待负责人审批",
        /// Approved, not yet sent (judicial: the 24-hour sending clock runs) (已批准待移送).
        Approved = "approved" / "已批准，待移送",
        /// Sent; the receiver must reply whether it accepts (已移送待受理).
        Sent = "sent" / "已移送，待受理",
        /// Accepted by the receiver (已受理).
        Accepted = "accepted" / "已受理",
        /// Rejected with written reasons (不予受理).
        Rejected = "rejected" / "不予受理",
        /// Withdrawn by the sender (已撤回).
        Withdrawn = "withdrawn" / "已撤回",
        /// The receiver reported the outcome back (已反馈办理结果).
        Reported = "reported" / "已反馈办理结果",
    }
);

impl TransferStatus {
    /// Whether the transfer is still under way (not accepted, rejected, withdrawn or reported).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TransferStatus::Draft | TransferStatus::Approved | TransferStatus::Sent
        )
    }

    /// The stored values of the open statuses (for queries).
    pub fn open_values() -> impl Iterator<Item = &'static str> {
        Self::ALL
            .iter()
            .filter(|st| st.is_open())
            .map(|st| st.as_str())
    }
}

crate::term_enum!(
    /// A transfer material (移送材料, seed 001 二、(二)2).
    MaterialKind {
        /// Transfer letter (涉嫌违法案件移送函).
        Letter = "letter" / "移送函",
        /// Source material: inspection record, the complaint (案源材料).
        Source = "source" / "案源材料",
        /// Preliminary evidence (初步证据材料).
        Evidence = "evidence" / "初步证据材料",
        /// Other (其他材料).
        Other = "other" / "其他材料",
    }
);

crate::term_enum!(
    /// Why a dispute was opened.
    DisputeKind {
        /// A transfer was rejected (不予受理).
        Rejected = "rejected" / "移送被拒",
        /// Two bodies claim or refuse the same matter (管辖冲突).
        Conflict = "conflict" / "管辖冲突",
        /// Returned or re-routed too many times without acceptance (推诿扯皮，自动上报).
        BuckPassing = "buck_passing" / "多次退回，自动上报",
    }
);

crate::term_enum!(
    /// Where a dispute is.
    DisputeStatus {
        /// The parties negotiate (协商中).
        Negotiating = "negotiating" / "协商中",
        /// Escalated to the coordination office or the common superior (已上报指定管辖).
        Escalated = "escalated" / "已上报，待指定管辖",
        /// Jurisdiction designated; binds both (已指定管辖).
        Designated = "designated" / "已指定管辖",
        /// Settled by the receiver accepting the matter (协商解决).
        Settled = "settled" / "协商解决",
    }
);

impl DisputeStatus {
    /// Whether the dispute is still open.
    pub fn is_open(self) -> bool {
        matches!(self, DisputeStatus::Negotiating | DisputeStatus::Escalated)
    }

    /// The stored values of the open statuses (for queries).
    pub fn open_values() -> impl Iterator<Item = &'static str> {
        Self::ALL
            .iter()
            .filter(|st| st.is_open())
            .map(|st| st.as_str())
    }
}

/// A step of a dispute (争议协调的一步).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeStep {
    /// A negotiation record or minutes added (协商记录、会议纪要).
    Note,
    /// Negotiation failed: up to the coordination office (上报).
    Escalate,
    /// The office designated the competent body (指定管辖).
    Designate,
    /// Settled: the receiver accepted, or the holder filed a case (协商解决).
    Settle,
}

/// Why a dispute step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisputeRefusal {
    /// The dispute is over.
    #[error("该争议已了结")]
    Closed,
    /// Escalating what is no longer being negotiated.
    #[error("该争议当前为“{0}”，不能上报")]
    NotNegotiating(&'static str),
}

impl crate::Coded for DisputeRefusal {
    fn code(&self) -> &'static str {
        match self {
            DisputeRefusal::Closed => "dispute.closed",
            DisputeRefusal::NotNegotiating(_) => "dispute.not_negotiating",
        }
    }
}

/// One step of a dispute: the next status, or why not.
pub fn dispute_transition(
    s: DisputeStatus,
    step: DisputeStep,
) -> Result<DisputeStatus, DisputeRefusal> {
    use DisputeStatus as S;
    use DisputeStep as P;
    match (s, step) {
        (S::Negotiating, P::Escalate) => Ok(S::Escalated),
        (_, P::Escalate) => Err(DisputeRefusal::NotNegotiating(s.label())),
        (s, P::Note) if s.is_open() => Ok(s),
        (s, P::Designate) if s.is_open() => Ok(S::Designated),
        (s, P::Settle) if s.is_open() => Ok(S::Settled),
        _ => Err(DisputeRefusal::Closed),
    }
}

crate::term_enum!(
    /// A record in a dispute.
    DisputeNoteKind {
        /// Negotiation record (协商记录).
        Negotiation = "negotiation" / "协商记录",
        /// Meeting minutes (会议纪要).
        Minutes = "minutes" / "会议纪要",
    }
);

/// One material of a transfer as submitted: kind, title and optionally a stored file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    /// Kind.
    pub kind: MaterialKind,
    /// Title, e.g. "现场检查笔录".
    pub title: String,
    /// SM3 digest of a stored attachment, if a file.
    pub digest: Option<String>,
}

/// The oral transfer record (口头移交记录): who was told, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OralRecord {
    /// Who at the receiver was told (name and post).
    pub told: String,
    /// How and when (e.g. "电话，14:05").
    pub how: String,
}

/// A checked transfer draft.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferDraft {
    /// Kind.
    pub kind: TransferKind,
    /// Facts and why the matter is not the sender's (基本违法事实).
    pub facts: String,
    /// Materials (at least the letter and one source or evidence, unless oral).
    pub materials: Vec<Material>,
    /// Urgent: safety, food and drugs, environment, risk of major loss (立即移送).
    pub urgent: bool,
    /// Oral transfer in an emergency; the written formalities follow within 24 hours.
    pub oral: Option<OralRecord>,
    /// A historical matter (历史遗留问题): needs the prior consultation record.
    pub consultation: Option<String>,
}

/// Raw fields of a transfer draft.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DraftFields {
    /// `administrative` (default) or `judicial`.
    pub kind: Option<String>,
    /// Facts.
    pub facts: String,
    /// Materials.
    pub materials: Vec<MaterialFields>,
    /// Urgent.
    pub urgent: bool,
    /// Oral: who was told.
    pub oral_told: Option<String>,
    /// Oral: how and when.
    pub oral_how: Option<String>,
    /// Historical matter.
    pub historical: bool,
    /// Prior consultation record for a historical matter.
    pub consultation: Option<String>,
}

/// Raw fields of one material.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MaterialFields {
    /// `letter`, `source`, `evidence` or `other`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// SM3 digest of an uploaded attachment.
    pub digest: Option<String>,
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Check text of at most `max` characters; empty is refused.
pub fn required_text(s: &str, field: &'static str, max: usize) -> Result<String, CodeError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(CodeError::Empty { field });
    }
    if t.chars().count() > max {
        return Err(CodeError::Format {
            field,
            reason: "内容过长",
        });
    }
    Ok(t.to_owned())
}

/// Whether a string is an SM3 digest in lower-case hex.
pub fn is_digest(s: &str) -> bool {
    s.len() == 64
        && s.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

impl MaterialFields {
    /// Check one material.
    pub fn parse(&self) -> Result<Material, CodeError> {
        let kind = MaterialKind::parse(&self.kind).ok_or(CodeError::Format {
            field: "materials",
            reason: "材料类型应为 letter、source、evidence 或 other",
        })?;
        let title = required_text(&self.title, "materials", 200)?;
        let digest = trimmed(&self.digest);
        if let Some(d) = &digest
            && !is_digest(d)
        {
            return Err(CodeError::Format {
                field: "materials",
                reason: "附件摘要应为64位小写十六进制 SM3 摘要",
            });
        }
        Ok(Material {
            kind,
            title,
            digest,
        })
    }
}

impl DraftFields {
    /// Check a draft: facts are required; a written transfer needs the letter and at least
    /// one source or evidence material (seed 001 二、(二)2); an oral one needs its record; a
    /// historical matter needs the prior consultation (seed 001, 003 二、(四)3(4)).
    pub fn parse(&self) -> Result<TransferDraft, CodeError> {
        let kind = match trimmed(&self.kind) {
            None => TransferKind::Administrative,
            Some(k) => TransferKind::parse(&k).ok_or(CodeError::Format {
                field: "kind",
                reason: "移送类型应为 administrative 或 judicial",
            })?,
        };
        let facts = required_text(&self.facts, "facts", 4000)?;
        let materials = self
            .materials
            .iter()
            .map(MaterialFields::parse)
            .collect::<Result<Vec<_>, _>>()?;
        let oral = match (trimmed(&self.oral_told), trimmed(&self.oral_how)) {
            (None, None) => None,
            (Some(told), Some(how)) => Some(OralRecord { told, how }),
            _ => {
                return Err(CodeError::Format {
                    field: "oral",
                    reason: "口头移交须记录告知对象及方式、时间",
                });
            }
        };
        if oral.is_some() && !self.urgent {
            return Err(CodeError::Format {
                field: "oral",
                reason: "仅情况特别紧急的可以口头移交",
            });
        }
        if oral.is_none() {
            check_written(&materials)?;
        }
        let consultation = trimmed(&self.consultation);
        if self.historical && consultation.is_none() {
            return Err(CodeError::Format {
                field: "consultation",
                reason: "历史遗留问题移送前须与对方充分协商，请填写协商情况",
            });
        }
        Ok(TransferDraft {
            kind,
            facts,
            materials,
            urgent: self.urgent,
            oral,
            consultation: if self.historical { consultation } else { None },
        })
    }
}

/// Written formalities: the letter and at least one source or evidence material.
pub fn check_written(materials: &[Material]) -> Result<(), CodeError> {
    let has = |k: MaterialKind| materials.iter().any(|m| m.kind == k);
    if !has(MaterialKind::Letter) {
        return Err(CodeError::Format {
            field: "materials",
            reason: "书面移送须附移送函",
        });
    }
    if !has(MaterialKind::Source) && !has(MaterialKind::Evidence) {
        return Err(CodeError::Format {
            field: "materials",
            reason: "须附案源材料或初步证据材料",
        });
    }
    Ok(())
}

/// A step asked of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferCommand {
    /// The sender's head approves (an administrative transfer is sent at once).
    Approve,
    /// An approved judicial transfer is sent to the public security organ.
    Send,
    /// The receiver accepts.
    Accept,
    /// The receiver rejects with written reasons.
    Reject,
    /// The sender withdraws.
    Withdraw,
    /// The receiver reports the outcome back.
    ReportOutcome,
    /// The sender asks the police to reconsider a refusal (提请复议).
    Reconsider,
    /// The sender accepts the police's refusal.
    AcceptRefusal,
    /// The sender completes the written formalities of an oral transfer.
    CompleteWritten,
    /// Jurisdiction was designated to this transfer's receiver: a sent transfer counts as
    /// accepted (指定管辖).
    DesignatedHere,
    /// Jurisdiction was designated to another body: a pending transfer is withdrawn.
    DesignatedElsewhere,
}

/// Facts a transfer step needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransferFacts {
    /// A suspected crime sent to the police.
    pub judicial: bool,
    /// The written formalities are complete.
    pub written: bool,
    /// The sender's reconsideration window is still open (its clock is running).
    pub reconsider_open: bool,
}

/// Why a transfer step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferRefusal {
    /// Not from this status.
    #[error("该移送当前为“{status}”，不能{step}")]
    WrongState {
        /// Current status label.
        status: &'static str,
        /// The step, in Chinese.
        step: &'static str,
    },
    /// Answering a withdrawn transfer.
    #[error("移送方已撤回该移送，无需答复")]
    Withdrawn,
    /// Answering twice.
    #[error("该移送已作出答复（{0}）")]
    Answered(&'static str),
    /// Written formalities already complete.
    #[error("该移送的书面手续已经齐全")]
    AlreadyWritten,
    /// Reconsideration is only for a refused judicial transfer whose window is open.
    #[error("只有被公安机关决定不予立案、且仍在复议期限内的涉嫌犯罪移送可以提请复议或接受决定")]
    NotReconsiderable,
}

impl crate::Coded for TransferRefusal {
    fn code(&self) -> &'static str {
        match self {
            TransferRefusal::WrongState { .. } => "transfer.wrong_state",
            TransferRefusal::Withdrawn => "transfer.withdrawn",
            TransferRefusal::Answered(_) => "transfer.answered",
            TransferRefusal::AlreadyWritten => "transfer.already_written",
            TransferRefusal::NotReconsiderable => "transfer.not_reconsiderable",
        }
    }
}

impl TransferCommand {
    fn label(self) -> &'static str {
        match self {
            TransferCommand::Approve => "审批",
            TransferCommand::Send => "发出",
            TransferCommand::Accept => "受理",
            TransferCommand::Reject => "作出不予受理答复",
            TransferCommand::Withdraw => "撤回",
            TransferCommand::ReportOutcome => "反馈办理结果",
            TransferCommand::Reconsider | TransferCommand::AcceptRefusal => "处理不予立案决定",
            TransferCommand::CompleteWritten => "补齐书面手续",
            TransferCommand::DesignatedHere | TransferCommand::DesignatedElsewhere => "指定管辖",
        }
    }
}

/// One step of a transfer: the next status, or why not.
pub fn transition(
    s: TransferStatus,
    cmd: TransferCommand,
    f: TransferFacts,
) -> Result<TransferStatus, TransferRefusal> {
    use TransferCommand as C;
    use TransferStatus as S;
    let wrong = || TransferRefusal::WrongState {
        status: s.label(),
        step: cmd.label(),
    };
    match (s, cmd) {
        (S::Draft, C::Approve) if f.judicial => Ok(S::Approved),
        (S::Draft, C::Approve) => Ok(S::Sent),
        (S::Approved, C::Send) if f.judicial => Ok(S::Sent),
        (S::Sent, C::Accept) => Ok(S::Accepted),
        (S::Sent, C::Reject) => Ok(S::Rejected),
        (S::Withdrawn, C::Accept | C::Reject) => Err(TransferRefusal::Withdrawn),
        (S::Accepted | S::Reported | S::Rejected, C::Accept | C::Reject) => {
            Err(TransferRefusal::Answered(s.label()))
        }
        (S::Draft | S::Approved | S::Sent, C::Withdraw) => Ok(S::Withdrawn),
        (S::Accepted, C::ReportOutcome) => Ok(S::Reported),
        (S::Rejected, C::Reconsider) if f.judicial && f.reconsider_open => Ok(S::Sent),
        (S::Rejected, C::AcceptRefusal) if f.judicial && f.reconsider_open => Ok(S::Rejected),
        (_, C::Reconsider | C::AcceptRefusal) => Err(TransferRefusal::NotReconsiderable),
        (_, C::CompleteWritten) if f.written => Err(TransferRefusal::AlreadyWritten),
        (S::Sent, C::DesignatedHere) => Ok(S::Accepted),
        (S::Draft | S::Approved | S::Sent, C::DesignatedElsewhere) => Ok(S::Withdrawn),
        (S::Withdrawn, C::CompleteWritten) => Err(wrong()),
        (s, C::CompleteWritten) => Ok(s),
        _ => Err(wrong()),
    }
}

/// Whether a matter bounced `bounces` times without acceptance must go to the coordination
/// office (推诿扯皮: the profile's `bounce_limit`, 3 by default).
pub fn must_escalate(bounces: u32, limit: u32) -> bool {
    limit > 0 && bounces >= limit
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn m(kind: &str) -> MaterialFields {
        MaterialFields {
            kind: kind.into(),
            title: "材料".into(),
            digest: None,
        }
    }

    fn draft() -> DraftFields {
        DraftFields {
            facts: "经核查，该店无证经营食品".into(),
            materials: vec![m("letter"), m("source")],
            ..Default::default()
        }
    }

    #[test]
    fn a_written_transfer_needs_the_letter_and_source_or_evidence() {
        let d = draft().parse().unwrap();
        assert_eq!(d.kind, TransferKind::Administrative);
        assert!(d.oral.is_none());
        let field = |f: DraftFields| f.parse().unwrap_err().field();
        assert_eq!(
            field(DraftFields {
                materials: vec![],
                ..draft()
            }),
            "materials"
        );
        assert_eq!(
            field(DraftFields {
                materials: vec![m("letter")],
                ..draft()
            }),
            "materials"
        );
        assert!(
            DraftFields {
                materials: vec![m("letter"), m("evidence")],
                ..draft()
            }
            .parse()
            .is_ok()
        );
        assert_eq!(
            field(DraftFields {
                facts: " ".into(),
                ..draft()
            }),
            "facts"
        );
        assert_eq!(
            field(DraftFields {
                materials: vec![m("letter"), m("photo")],
                ..draft()
            }),
            "materials"
        );
        let bad_digest = MaterialFields {
            digest: Some("abc".into()),
            ..m("source")
        };
        assert_eq!(
            field(DraftFields {
                materials: vec![m("letter"), bad_digest],
                ..draft()
            }),
            "materials"
        );
        assert_eq!(
            field(DraftFields {
                kind: Some("moon".into()),
                ..draft()
            }),
            "kind"
        );
    }

    #[test]
    fn an_oral_transfer_is_only_for_urgent_matters_and_needs_its_record() {
        let oral = DraftFields {
            materials: vec![],
            urgent: true,
            oral_told: Some("市场监管局值班员李明".into()),
            oral_how: Some("电话 14:05".into()),
            ..draft()
        };
        assert!(oral.parse().unwrap().oral.is_some());
        let field = |f: DraftFields| f.parse().unwrap_err().field();
        assert_eq!(
            field(DraftFields {
                urgent: false,
                ..oral.clone()
            }),
            "oral"
        );
        assert_eq!(
            field(DraftFields {
                oral_how: None,
                ..oral
            }),
            "oral"
        );
    }

    #[test]
    fn a_historical_matter_needs_prior_consultation() {
        let h = DraftFields {
            historical: true,
            ..draft()
        };
        assert_eq!(h.parse().unwrap_err().field(), "consultation");
        let ok = DraftFields {
            consultation: Some("2026年11月20日与城东街道协商一致".into()),
            ..h
        };
        assert!(ok.parse().unwrap().consultation.is_some());
    }

    #[test]
    fn the_transfer_transition_table() {
        use TransferCommand as C;
        use TransferStatus as S;
        let adm = TransferFacts {
            written: true,
            ..Default::default()
        };
        let jud = TransferFacts {
            judicial: true,
            written: true,
            reconsider_open: true,
        };
        let cmds = [
            C::Approve,
            C::Send,
            C::Accept,
            C::Reject,
            C::Withdraw,
            C::ReportOutcome,
            C::Reconsider,
            C::AcceptRefusal,
            C::CompleteWritten,
            C::DesignatedHere,
            C::DesignatedElsewhere,
        ];
        let expected = |s: S, c: C, f: TransferFacts| -> Option<S> {
            Some(match (s, c) {
                (S::Draft, C::Approve) if f.judicial => S::Approved,
                (S::Draft, C::Approve) => S::Sent,
                (S::Approved, C::Send) if f.judicial => S::Sent,
                (S::Sent, C::Accept) => S::Accepted,
                (S::Sent, C::Reject) => S::Rejected,
                (S::Draft | S::Approved | S::Sent, C::Withdraw) => S::Withdrawn,
                (S::Accepted, C::ReportOutcome) => S::Reported,
                (S::Rejected, C::Reconsider) if f.judicial => S::Sent,
                (S::Rejected, C::AcceptRefusal) if f.judicial => S::Rejected,
                (S::Sent, C::DesignatedHere) => S::Accepted,
                (S::Draft | S::Approved | S::Sent, C::DesignatedElsewhere) => S::Withdrawn,
                _ => return None,
            })
        };
        for f in [adm, jud] {
            for s in S::ALL {
                for c in cmds {
                    assert_eq!(
                        transition(*s, c, f).ok(),
                        expected(*s, c, f),
                        "{s:?} {c:?} {f:?}"
                    );
                }
            }
        }
        assert_eq!(
            transition(S::Withdrawn, C::Accept, adm),
            Err(TransferRefusal::Withdrawn)
        );
        let oral = TransferFacts::default();
        assert_eq!(transition(S::Sent, C::CompleteWritten, oral), Ok(S::Sent));
        assert!(transition(S::Withdrawn, C::CompleteWritten, oral).is_err());
        let closed = TransferFacts {
            reconsider_open: false,
            ..jud
        };
        assert_eq!(
            transition(S::Rejected, C::Reconsider, closed),
            Err(TransferRefusal::NotReconsiderable)
        );
    }

    #[test]
    fn the_third_bounce_escalates() {
        assert!(!must_escalate(2, 3));
        assert!(must_escalate(3, 3));
        assert!(!must_escalate(9, 0));
    }

    #[test]
    fn open_states_and_every_dispute_step() {
        assert!(TransferStatus::Sent.is_open());
        assert!(!TransferStatus::Rejected.is_open());
        assert!(DisputeStatus::Escalated.is_open());
        use DisputeStatus as D;
        use DisputeStep as P;
        let table = [
            (D::Negotiating, P::Note, Ok(D::Negotiating)),
            (D::Escalated, P::Note, Ok(D::Escalated)),
            (D::Settled, P::Note, Err(DisputeRefusal::Closed)),
            (D::Negotiating, P::Escalate, Ok(D::Escalated)),
            (
                D::Escalated,
                P::Escalate,
                Err(DisputeRefusal::NotNegotiating("已上报，待指定管辖")),
            ),
            (
                D::Designated,
                P::Escalate,
                Err(DisputeRefusal::NotNegotiating("已指定管辖")),
            ),
            (D::Negotiating, P::Designate, Ok(D::Designated)),
            (D::Escalated, P::Designate, Ok(D::Designated)),
            (D::Designated, P::Designate, Err(DisputeRefusal::Closed)),
            (D::Escalated, P::Settle, Ok(D::Settled)),
            (D::Settled, P::Settle, Err(DisputeRefusal::Closed)),
        ];
        for (from, step, to) in table {
            assert_eq!(dispute_transition(from, step), to, "{from:?} {step:?}");
        }
        assert!(!DisputeStatus::Designated.is_open());
    }
}
