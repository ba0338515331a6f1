//! Cases (案件): the enforcement matter proper, from filing (立案) to archiving (归档), as one
//! transition function. The store only calls [`transition`]; every rule about which step may
//! follow which, the legal-review gate (法制审核), discretion (裁量), the minor-first-offence
//! commitment (轻微违法告知承诺) and the guard against penalties replacing criminal
//! prosecution (以罚代刑) lives here.

use crate::catalog::DiscretionTier;
use crate::codes::{CodeError, CreditCode, IdNumber, parse_name};
use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// Where a case is.
    CaseStage {
        /// Filed (立案).
        Filed = "filed" / "立案",
        /// Investigation and evidence (调查取证).
        Investigation = "investigation" / "调查取证",
        /// Review by the head (审核).
        Review = "review" / "审核",
        /// Legal review (法制审核).
        LegalReview = "legal_review" / "法制审核",
        /// Decided (决定).
        Decision = "decision" / "决定",
        /// Served on the party (送达).
        Service = "service" / "送达",
        /// Being executed (执行).
        Execution = "execution" / "执行",
        /// Closed (结案).
        Closed = "closed" / "结案",
        /// Archived (归档).
        Archived = "archived" / "归档",
    }
);

impl CaseStage {
    /// Whether the case is still in hand (not closed or archived): the dashboard's 在办案件.
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStage::Closed | CaseStage::Archived)
    }

    /// Whether parties (当事人) may still be added: before the decision.
    pub fn takes_parties(self) -> bool {
        matches!(
            self,
            CaseStage::Filed | CaseStage::Investigation | CaseStage::Review
        )
    }

    /// The stored values of the open stages.
    pub fn open_values() -> impl Iterator<Item = &'static str> {
        Self::ALL
            .iter()
            .filter(|st| st.is_open())
            .map(|st| st.as_str())
    }
}

crate::term_enum!(
    /// What the decision was.
    DecisionKind {
        /// An administrative penalty (行政处罚决定).
        Penalty = "penalty" / "行政处罚",
        /// No penalty (不予处罚).
        NoPenalty = "no_penalty" / "不予处罚",
        /// A signed commitment instead of a penalty (轻微违法告知承诺).
        Commitment = "commitment" / "告知承诺，不予处罚",
    }
);

/// A party (当事人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Party {
    /// A natural person: name and resident ID number (personal data).
    Person {
        /// Name.
        name: String,
        /// ID number.
        id_number: IdNumber,
    },
    /// An organisation: name and unified social credit code.
    Organisation {
        /// Name.
        name: String,
        /// Unified social credit code.
        credit_code: CreditCode,
    },
}

impl Party {
    /// Parse a party: `person` with `id_number`, or `organisation` with `credit_code`.
    pub fn parse(kind: &str, name: &str, code: &str) -> Result<Party, CodeError> {
        let name = parse_name(name, "party_name")?;
        match kind.trim() {
            "person" => Ok(Party::Person {
                name,
                id_number: IdNumber::parse(code)?,
            }),
            "organisation" => Ok(Party::Organisation {
                name,
                credit_code: CreditCode::parse(code)?,
            }),
            _ => Err(CodeError::Format {
                field: "party_type",
                reason: "当事人类型应为 person 或 organisation",
            }),
        }
    }

    /// The identifying code (ID number or credit code).
    pub fn code(&self) -> &str {
        match self {
            Party::Person { id_number, .. } => id_number.as_str(),
            Party::Organisation { credit_code, .. } => credit_code.as_str(),
        }
    }

    /// Whether the party is a natural person.
    pub fn is_person(&self) -> bool {
        matches!(self, Party::Person { .. })
    }
}

/// Amount thresholds above which a penalty is a major decision (重大执法决定) that needs a
/// passed legal review; set per profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MajorThresholds {
    /// Fine on a natural person, yuan.
    pub person: i64,
    /// Fine on an organisation, yuan.
    pub organisation: i64,
}

/// Whether a fine makes the decision major.
pub fn is_major_fine(amount: i64, person: bool, t: MajorThresholds) -> bool {
    amount >= if person { t.person } else { t.organisation }
}

/// A chosen discretion tier and amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discretion {
    /// Tier name.
    pub tier: String,
    /// Fine, yuan.
    pub amount: i64,
    /// Written reason; required when the amount is outside the tier's range.
    pub reason: Option<String>,
    /// Whether the amount lies outside the tier's range.
    pub outside_range: bool,
}

/// Check a discretion choice against the item's benchmark (the version in force on the filing
/// date): the tier must exist; an amount outside its range needs a written reason.
pub fn check_discretion(
    tiers: &[DiscretionTier],
    tier: &str,
    amount: i64,
    reason: Option<&str>,
) -> Result<Discretion, CaseRefusal> {
    if amount < 0 {
        return Err(CaseRefusal::Invalid("罚款金额不能为负数"));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if tiers.is_empty() {
        // No benchmark, no control: the fine would be unchecked (裁量基准 is mandatory).
        return Err(CaseRefusal::Invalid(
            "该事项没有裁量基准，不能作出罚款决定：请先在权责清单中维护该事项的裁量基准",
        ));
    }
    let t = tiers
        .iter()
        .find(|t| t.name == tier.trim())
        .ok_or(CaseRefusal::Invalid("裁量档次不在该事项的裁量基准中"))?;
    let outside_range = amount < t.min || amount > t.max;
    if outside_range && reason.is_none() {
        return Err(CaseRefusal::ReasonRequired);
    }
    Ok(Discretion {
        tier: tier.trim().to_owned(),
        amount,
        reason: reason.map(str::to_owned),
        outside_range,
    })
}

/// A step asked of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseCommand {
    /// Begin investigation (调查取证).
    Investigate,
    /// Investigation done: submit for the head's review.
    SubmitForReview,
    /// The head sends it back for more investigation.
    ReturnForInvestigation {
        /// Why.
        reason: String,
    },
    /// Send to legal review (required for major decisions).
    SendToLegalReview,
    /// The legal reviewer passes it (审核通过).
    PassLegalReview {
        /// The reviewer (must not be a handler of the case).
        reviewer: i64,
    },
    /// The legal reviewer fails it: the case goes back with reasons.
    FailLegalReview {
        /// The reviewer.
        reviewer: i64,
        /// Why.
        reason: String,
    },
    /// Decide (决定).
    Decide {
        /// What.
        kind: DecisionKind,
        /// For a penalty: the discretion choice (already checked by [`check_discretion`]).
        discretion: Option<Discretion>,
    },
    /// The decision was served (送达).
    Serve,
    /// Execution begins (执行).
    Execute,
    /// Close (结案).
    Close,
    /// End without a decision (撤销立案/终止调查) with a reason.
    Terminate {
        /// Why.
        reason: String,
    },
    /// Archive (归档).
    Archive,
}

/// Facts about a case that the transition needs (read by the store before calling).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFacts {
    /// Flagged major (重大) by hand or by item.
    pub major: bool,
    /// A legal review has passed since the last return.
    pub legal_passed: bool,
    /// Flagged suspected crime (涉嫌犯罪).
    pub suspected_crime: bool,
    /// A judicial transfer of the case was answered by the judicial organs.
    pub judicial_answered: bool,
    /// The item allows the minor-first-offence commitment and the party has no earlier
    /// violation of it.
    pub commitment_allowed: bool,
    /// People handling the case (who may not review it).
    pub handlers: Vec<i64>,
    /// The decision made, if any.
    pub decision: Option<DecisionKind>,
    /// Thresholds for major fines and whether the party is a person.
    pub thresholds: Option<(MajorThresholds, bool)>,
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseRefusal {
    /// The step does not follow from this stage.
    #[error("案件处于“{stage}”阶段，不能{step}")]
    WrongStage {
        /// Current stage label.
        stage: &'static str,
        /// The step, in Chinese.
        step: &'static str,
    },
    /// A major decision without a passed legal review.
    #[error("重大执法决定须经法制审核通过后方可作出")]
    LegalReviewRequired,
    /// The reviewer handles the case.
    #[error("法制审核人员不能审核本人承办的案件")]
    ReviewerIsHandler,
    /// Suspected crime not transferred or not answered.
    #[error("涉嫌犯罪的案件须移送司法机关并收到答复后方可结案，不得以罚代刑")]
    JudicialTransferRequired,
    /// A commitment where the item or party does not allow it.
    #[error("该事项不适用轻微违法告知承诺制，或当事人此前有同类违法记录")]
    CommitmentNotAllowed,
    /// An amount outside the tier's range without a reason.
    #[error("罚款金额超出所选裁量档次的幅度，须书面说明理由")]
    ReasonRequired,
    /// Bad input.
    #[error("{0}")]
    Invalid(&'static str),
}

impl crate::Coded for CaseRefusal {
    fn code(&self) -> &'static str {
        match self {
            CaseRefusal::WrongStage { .. } => "case.wrong_stage",
            CaseRefusal::LegalReviewRequired => "case.legal_review_required",
            CaseRefusal::ReviewerIsHandler => "case.reviewer_is_handler",
            CaseRefusal::JudicialTransferRequired => "case.judicial_transfer_required",
            CaseRefusal::CommitmentNotAllowed => "case.commitment_not_allowed",
            CaseRefusal::ReasonRequired => "case.reason_required",
            CaseRefusal::Invalid(_) => "case.invalid",
        }
    }
}

impl CaseCommand {
    fn label(&self) -> &'static str {
        match self {
            CaseCommand::Investigate => "开始调查取证",
            CaseCommand::SubmitForReview => "提交审核",
            CaseCommand::ReturnForInvestigation { .. } => "退回补充调查",
            CaseCommand::SendToLegalReview => "提交法制审核",
            CaseCommand::PassLegalReview { .. } => "通过法制审核",
            CaseCommand::FailLegalReview { .. } => "退回法制审核",
            CaseCommand::Decide { .. } => "作出决定",
            CaseCommand::Serve => "送达",
            CaseCommand::Execute => "执行",
            CaseCommand::Close => "结案",
            CaseCommand::Terminate { .. } => "终止调查",
            CaseCommand::Archive => "归档",
        }
    }

    /// The event kind recorded for this step.
    pub fn event_kind(&self) -> crate::EventKind {
        match self {
            CaseCommand::Investigate => crate::EventKind::CaseInvestigationStarted,
            CaseCommand::SubmitForReview => crate::EventKind::CaseSubmittedForReview,
            CaseCommand::ReturnForInvestigation { .. } => crate::EventKind::CaseReturned,
            CaseCommand::SendToLegalReview => crate::EventKind::CaseSentToLegalReview,
            CaseCommand::PassLegalReview { .. } => crate::EventKind::CaseLegalReviewPassed,
            CaseCommand::FailLegalReview { .. } => crate::EventKind::CaseLegalReviewFailed,
            CaseCommand::Decide { .. } => crate::EventKind::CaseDecided,
            CaseCommand::Serve => crate::EventKind::CaseServed,
            CaseCommand::Execute => crate::EventKind::CaseExecutionStarted,
            CaseCommand::Close => crate::EventKind::CaseClosed,
            CaseCommand::Terminate { .. } => crate::EventKind::CaseTerminated,
            CaseCommand::Archive => crate::EventKind::CaseArchived,
        }
    }
}

/// What a step changes besides the stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseEffects {
    /// The legal-review flag afterwards (None: unchanged).
    pub legal_passed: Option<bool>,
    /// The case became major because of the fine (None: unchanged).
    pub major: Option<bool>,
}

/// One step of a case: the next stage and what else changes, or why not.
pub fn transition(
    stage: CaseStage,
    cmd: &CaseCommand,
    f: &CaseFacts,
) -> Result<(CaseStage, CaseEffects), CaseRefusal> {
    use CaseCommand as C;
    use CaseStage as S;
    let wrong = || CaseRefusal::WrongStage {
        stage: stage.label(),
        step: cmd.label(),
    };
    let none = CaseEffects::default();
    let guard_crime = || {
        if f.suspected_crime && !f.judicial_answered {
            Err(CaseRefusal::JudicialTransferRequired)
        } else {
            Ok(())
        }
    };
    match (stage, cmd) {
        (S::Filed, C::Investigate) => Ok((S::Investigation, none)),
        (S::Investigation, C::SubmitForReview) => Ok((S::Review, none)),
        (S::Review | S::LegalReview, C::ReturnForInvestigation { reason }) => {
            require(reason)?;
            Ok((
                S::Investigation,
                CaseEffects {
                    legal_passed: Some(false),
                    ..none
                },
            ))
        }
        (S::Review, C::SendToLegalReview) => Ok((S::LegalReview, none)),
        (S::LegalReview, C::PassLegalReview { reviewer }) => {
            if f.handlers.contains(reviewer) {
                return Err(CaseRefusal::ReviewerIsHandler);
            }
            Ok((
                S::Review,
                CaseEffects {
                    legal_passed: Some(true),
                    ..none
                },
            ))
        }
        (S::LegalReview, C::FailLegalReview { reviewer, reason }) => {
            if f.handlers.contains(reviewer) {
                return Err(CaseRefusal::ReviewerIsHandler);
            }
            require(reason)?;
            Ok((
                S::Investigation,
                CaseEffects {
                    legal_passed: Some(false),
                    ..none
                },
            ))
        }
        (S::Review, C::Decide { kind, discretion }) => {
            let major_by_fine = match (kind, discretion, f.thresholds) {
                (DecisionKind::Penalty, Some(d), Some((t, person))) => {
                    is_major_fine(d.amount, person, t)
                }
                _ => false,
            };
            match (kind, discretion) {
                (DecisionKind::Penalty, None) => {
                    return Err(CaseRefusal::Invalid("行政处罚决定须选择裁量档次和金额"));
                }
                (DecisionKind::Commitment, _) if !f.commitment_allowed => {
                    return Err(CaseRefusal::CommitmentNotAllowed);
                }
                _ => {}
            }
            if (f.major || major_by_fine) && !f.legal_passed {
                return Err(CaseRefusal::LegalReviewRequired);
            }
            Ok((
                S::Decision,
                CaseEffects {
                    major: major_by_fine.then_some(true),
                    ..none
                },
            ))
        }
        (S::Decision, C::Serve) => Ok((S::Service, none)),
        (S::Service, C::Execute) if f.decision == Some(DecisionKind::Penalty) => {
            Ok((S::Execution, none))
        }
        (S::Execution, C::Close) => {
            guard_crime()?;
            Ok((S::Closed, none))
        }
        (S::Service, C::Close) if f.decision != Some(DecisionKind::Penalty) => {
            guard_crime()?;
            Ok((S::Closed, none))
        }
        (S::Filed | S::Investigation | S::Review, C::Terminate { reason }) => {
            require(reason)?;
            guard_crime()?;
            Ok((S::Closed, none))
        }
        (S::Closed, C::Archive) => Ok((S::Archived, none)),
        _ => Err(wrong()),
    }
}

fn require(reason: &str) -> Result<(), CaseRefusal> {
    if reason.trim().is_empty() {
        Err(CaseRefusal::Invalid("须写明理由"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use CaseCommand as C;
    use CaseStage as S;

    fn tiers() -> Vec<DiscretionTier> {
        crate::catalog::parse_discretion("轻微/初次/0-500/200|一般/再次/500-2000/1000").unwrap()
    }

    fn penalty(amount: i64) -> C {
        C::Decide {
            kind: DecisionKind::Penalty,
            discretion: Some(check_discretion(&tiers(), "一般", amount, Some("情节")).unwrap()),
        }
    }

    fn every_command() -> Vec<C> {
        vec![
            C::Investigate,
            C::SubmitForReview,
            C::ReturnForInvestigation {
                reason: "补证".into(),
            },
            C::SendToLegalReview,
            C::PassLegalReview { reviewer: 9 },
            C::FailLegalReview {
                reviewer: 9,
                reason: "证据不足".into(),
            },
            penalty(1000),
            C::Decide {
                kind: DecisionKind::NoPenalty,
                discretion: None,
            },
            C::Serve,
            C::Execute,
            C::Close,
            C::Terminate {
                reason: "违法事实不成立".into(),
            },
            C::Archive,
        ]
    }

    /// The whole table: for every stage and every command, the expected next stage (None:
    /// refused as the wrong stage), with facts that let every gate pass.
    #[test]
    fn the_transition_table_allows_exactly_the_listed_steps() {
        let f = CaseFacts {
            decision: Some(DecisionKind::Penalty),
            ..Default::default()
        };
        let expected = |stage: S, cmd: &C| -> Option<S> {
            Some(match (stage, cmd) {
                (S::Filed, C::Investigate) => S::Investigation,
                (S::Investigation, C::SubmitForReview) => S::Review,
                (S::Review | S::LegalReview, C::ReturnForInvestigation { .. }) => S::Investigation,
                (S::Review, C::SendToLegalReview) => S::LegalReview,
                (S::LegalReview, C::PassLegalReview { .. }) => S::Review,
                (S::LegalReview, C::FailLegalReview { .. }) => S::Investigation,
                (S::Review, C::Decide { .. }) => S::Decision,
                (S::Decision, C::Serve) => S::Service,
                (S::Service, C::Execute) => S::Execution,
                (S::Execution, C::Close) => S::Closed,
                (S::Filed | S::Investigation | S::Review, C::Terminate { .. }) => S::Closed,
                (S::Closed, C::Archive) => S::Archived,
                _ => return None,
            })
        };
        let mut allowed = 0;
        for stage in S::ALL {
            for cmd in every_command() {
                let got = transition(*stage, &cmd, &f);
                match expected(*stage, &cmd) {
                    Some(next) => {
                        assert_eq!(got.unwrap().0, next, "{stage:?} {cmd:?}");
                        allowed += 1;
                    }
                    None => assert!(
                        matches!(got, Err(CaseRefusal::WrongStage { .. })),
                        "{stage:?} {cmd:?}: {got:?}"
                    ),
                }
            }
        }
        assert_eq!(allowed, 16);
    }

    #[test]
    fn a_major_decision_needs_a_passed_legal_review_by_someone_not_handling_the_case() {
        let f = CaseFacts {
            major: true,
            handlers: vec![1, 2],
            ..Default::default()
        };
        assert_eq!(
            transition(S::Review, &penalty(800), &f),
            Err(CaseRefusal::LegalReviewRequired)
        );
        assert_eq!(
            transition(S::LegalReview, &C::PassLegalReview { reviewer: 2 }, &f),
            Err(CaseRefusal::ReviewerIsHandler)
        );
        let (stage, fx) =
            transition(S::LegalReview, &C::PassLegalReview { reviewer: 7 }, &f).unwrap();
        assert_eq!((stage, fx.legal_passed), (S::Review, Some(true)));
        let passed = CaseFacts {
            legal_passed: true,
            ..f.clone()
        };
        assert_eq!(
            transition(S::Review, &penalty(800), &passed).unwrap().0,
            S::Decision
        );
        // A failed review returns the case with reasons and clears the pass.
        let (stage, fx) = transition(
            S::LegalReview,
            &C::FailLegalReview {
                reviewer: 7,
                reason: "证据不足".into(),
            },
            &f,
        )
        .unwrap();
        assert_eq!((stage, fx.legal_passed), (S::Investigation, Some(false)));
        assert!(matches!(
            transition(
                S::LegalReview,
                &C::FailLegalReview {
                    reviewer: 7,
                    reason: " ".into()
                },
                &f
            ),
            Err(CaseRefusal::Invalid(_))
        ));
    }

    #[test]
    fn a_fine_over_the_threshold_makes_the_decision_major() {
        let t = MajorThresholds {
            person: 1000,
            organisation: 10_000,
        };
        let person = CaseFacts {
            thresholds: Some((t, true)),
            ..Default::default()
        };
        assert_eq!(
            transition(S::Review, &penalty(1500), &person),
            Err(CaseRefusal::LegalReviewRequired)
        );
        let org = CaseFacts {
            thresholds: Some((t, false)),
            ..Default::default()
        };
        let (_, fx) = transition(S::Review, &penalty(1500), &org).unwrap();
        assert_eq!(fx.major, None);
    }

    #[test]
    fn discretion_outside_the_tier_needs_a_reason() {
        let t = tiers();
        assert!(
            !check_discretion(&t, "一般", 800, None)
                .unwrap()
                .outside_range
        );
        assert_eq!(
            check_discretion(&t, "一般", 3000, None),
            Err(CaseRefusal::ReasonRequired)
        );
        let d = check_discretion(&t, "一般", 3000, Some("多次违法且拒不改正")).unwrap();
        assert!(d.outside_range);
        assert!(check_discretion(&t, "特别严重", 100, None).is_err());
        assert!(check_discretion(&t, "一般", -1, None).is_err());
        assert!(
            check_discretion(&[], "一般", 100, None).is_err(),
            "no benchmark, no fine"
        );
    }

    #[test]
    fn a_suspected_crime_cannot_be_closed_without_the_judicial_answer() {
        let f = CaseFacts {
            suspected_crime: true,
            decision: Some(DecisionKind::Penalty),
            ..Default::default()
        };
        assert_eq!(
            transition(S::Execution, &C::Close, &f),
            Err(CaseRefusal::JudicialTransferRequired)
        );
        assert_eq!(
            transition(S::Investigation, &C::Terminate { reason: "x".into() }, &f),
            Err(CaseRefusal::JudicialTransferRequired)
        );
        let answered = CaseFacts {
            judicial_answered: true,
            ..f
        };
        assert_eq!(
            transition(S::Execution, &C::Close, &answered).unwrap().0,
            S::Closed
        );
    }

    #[test]
    fn a_minor_first_offence_ends_with_a_commitment_only_where_allowed() {
        let commit = C::Decide {
            kind: DecisionKind::Commitment,
            discretion: None,
        };
        assert_eq!(
            transition(S::Review, &commit, &CaseFacts::default()),
            Err(CaseRefusal::CommitmentNotAllowed)
        );
        let f = CaseFacts {
            commitment_allowed: true,
            decision: Some(DecisionKind::Commitment),
            ..Default::default()
        };
        assert_eq!(transition(S::Review, &commit, &f).unwrap().0, S::Decision);
        // Served, it closes without execution.
        assert_eq!(transition(S::Service, &C::Close, &f).unwrap().0, S::Closed);
        assert!(transition(S::Service, &C::Execute, &f).is_err());
    }

    #[test]
    fn parties_are_checked() {
        assert!(
            Party::parse("person", "张三", "11010519491231002X")
                .unwrap()
                .is_person()
        );
        assert_eq!(
            Party::parse("organisation", "某公司", "91350100M000100Y44")
                .unwrap_err()
                .field(),
            "credit_code"
        );
        assert_eq!(
            Party::parse("robot", "x", "1").unwrap_err().field(),
            "party_type"
        );
    }
}
