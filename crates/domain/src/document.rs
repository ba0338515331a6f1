//! Enforcement documents (执法文书): the standard kinds and their numbers (文号). A number
//! follows a per-org pattern and, with the store's per org/kind/year counter, never repeats.

use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// A standard document.
    DocumentKind {
        /// Filing approval form (立案审批表).
        FilingApproval = "filing_approval" / "立案审批表",
        /// Inspection record (现场检查笔录).
        InspectionRecord = "inspection_record" / "现场检查笔录",
        /// Notice of proposed penalty, with the right to state a defence or ask for a hearing
        /// (行政处罚事先告知书).
        PenaltyNotice = "penalty_notice" / "行政处罚事先告知书",
        /// Penalty decision (行政处罚决定书).
        PenaltyDecision = "penalty_decision" / "行政处罚决定书",
        /// Service receipt (送达回证).
        ServiceReceipt = "service_receipt" / "送达回证",
        /// Transfer letter (涉嫌违法案件移送函).
        TransferLetter = "transfer_letter" / "涉嫌违法案件移送函",
        /// Assistance letter (协助函).
        AssistanceLetter = "assistance_letter" / "协助函",
        /// Closing report (结案报告).
        ClosingReport = "closing_report" / "结案报告",
    }
);

impl DocumentKind {
    /// The character code in the number (字), e.g. 罚决 for a penalty decision.
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::FilingApproval => "立审",
            DocumentKind::InspectionRecord => "检",
            DocumentKind::PenaltyNotice => "罚告",
            DocumentKind::PenaltyDecision => "罚决",
            DocumentKind::ServiceReceipt => "送",
            DocumentKind::TransferLetter => "移",
            DocumentKind::AssistanceLetter => "协",
            DocumentKind::ClosingReport => "结",
        }
    }
}

/// A field the handler writes or corrects before a document is issued: its name in the
/// template (`{{ f.facts }}`), its label, and whether it takes several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentField {
    pub name: &'static str,
    pub label: &'static str,
    pub long: bool,
}

impl DocumentKind {
    /// What the handler fills in for this kind (prefilled from the case, edited before
    /// issuing).
    pub fn fields(self) -> &'static [DocumentField] {
        match self {
            DocumentKind::FilingApproval => &[
                DocumentField {
                    name: "source",
                    label: "案件来源",
                    long: false,
                },
                DocumentField {
                    name: "facts",
                    label: "简要案情",
                    long: true,
                },
                DocumentField {
                    name: "basis",
                    label: "立案依据",
                    long: true,
                },
                DocumentField {
                    name: "opinion",
                    label: "承办人意见",
                    long: true,
                },
            ],
            DocumentKind::InspectionRecord => &[
                DocumentField {
                    name: "place",
                    label: "检查地点",
                    long: false,
                },
                DocumentField {
                    name: "time",
                    label: "检查时间",
                    long: false,
                },
                DocumentField {
                    name: "inspectors",
                    label: "执法人员及执法证号",
                    long: false,
                },
                DocumentField {
                    name: "findings",
                    label: "检查情况",
                    long: true,
                },
            ],
            DocumentKind::PenaltyNotice => &[
                DocumentField {
                    name: "facts",
                    label: "违法事实",
                    long: true,
                },
                DocumentField {
                    name: "evidence",
                    label: "证据",
                    long: true,
                },
                DocumentField {
                    name: "basis",
                    label: "违反的规定及处罚依据",
                    long: true,
                },
                DocumentField {
                    name: "penalty",
                    label: "拟作出的行政处罚",
                    long: true,
                },
            ],
            DocumentKind::PenaltyDecision => &[
                DocumentField {
                    name: "facts",
                    label: "违法事实",
                    long: true,
                },
                DocumentField {
                    name: "evidence",
                    label: "证据",
                    long: true,
                },
                DocumentField {
                    name: "basis",
                    label: "违反的规定及处罚依据",
                    long: true,
                },
                DocumentField {
                    name: "discretion",
                    label: "裁量情况",
                    long: true,
                },
                DocumentField {
                    name: "penalty",
                    label: "行政处罚内容",
                    long: true,
                },
            ],
            DocumentKind::ServiceReceipt => &[
                DocumentField {
                    name: "served",
                    label: "送达文书（名称及文号）",
                    long: false,
                },
                DocumentField {
                    name: "method",
                    label: "送达方式",
                    long: false,
                },
                DocumentField {
                    name: "place",
                    label: "送达地点",
                    long: false,
                },
            ],
            DocumentKind::TransferLetter => &[DocumentField {
                name: "facts",
                label: "基本违法事实及移送理由",
                long: true,
            }],
            DocumentKind::AssistanceLetter => &[DocumentField {
                name: "request",
                label: "请求协助的事项",
                long: true,
            }],
            DocumentKind::ClosingReport => &[
                DocumentField {
                    name: "result",
                    label: "处理结果",
                    long: true,
                },
                DocumentField {
                    name: "execution",
                    label: "执行情况",
                    long: true,
                },
            ],
        }
    }
}

/// Where a case stands, as the order of its documents needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentFacts {
    /// The case has been decided (决定 or later).
    pub decided: bool,
    /// The decision was a penalty.
    pub penalty: bool,
    /// A notice of the proposed penalty (事先告知书) has been issued.
    pub noticed: bool,
    /// A penalty decision (决定书) has been issued.
    pub decision_issued: bool,
    /// Any document has been issued that a service receipt can name.
    pub anything_to_serve: bool,
}

/// Whether a document of this kind may be issued now: the procedure's order (事先告知 before
/// 决定, 决定书 only after a penalty decision and its notice, 送达回证 only for an issued
/// document, 结案报告 only after the decision), or why not.
pub fn may_issue(kind: DocumentKind, f: DocumentFacts) -> Result<(), &'static str> {
    use DocumentKind as K;
    match kind {
        K::PenaltyNotice if f.decided || f.decision_issued => {
            Err("行政处罚事先告知书须在作出处罚决定之前制发")
        }
        K::InspectionRecord if f.decided => Err("现场检查笔录须在作出决定之前制作"),
        K::PenaltyDecision if !f.decided || !f.penalty => {
            Err("行政处罚决定书须在负责人作出行政处罚决定后制发")
        }
        K::PenaltyDecision if !f.noticed => {
            Err("须先制发行政处罚事先告知书，告知陈述、申辩（听证）权利，再制发决定书")
        }
        K::ServiceReceipt if !f.anything_to_serve => Err("尚无可送达的文书：请先制发文书"),
        K::ClosingReport if !f.decided => Err("结案报告须在作出决定之后制作"),
        _ => Ok(()),
    }
}

/// The default number pattern: `{org}{code}〔{year}〕{seq}号`.
pub const DEFAULT_PATTERN: &str = "{org}{code}〔{year}〕{seq}号";

/// A document number from a pattern with `{org}`, `{code}`, `{year}` and `{seq}`.
pub fn format_number(pattern: &str, org: &str, kind: DocumentKind, year: i32, seq: i64) -> String {
    pattern
        .replace("{org}", org)
        .replace("{code}", kind.code())
        .replace("{year}", &year.to_string())
        .replace("{seq}", &seq.to_string())
}

/// A pattern must contain `{seq}` and `{year}` (so numbers never repeat across years).
pub fn check_pattern(pattern: &str) -> Result<(), &'static str> {
    if !pattern.contains("{seq}") || !pattern.contains("{year}") {
        return Err("文号格式须包含 {year} 和 {seq}");
    }
    if pattern.chars().count() > 60 {
        return Err("文号格式过长");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_comes_before_the_decision_and_the_receipt_names_an_issued_document() {
        let before = DocumentFacts {
            decided: false,
            penalty: false,
            noticed: false,
            decision_issued: false,
            anything_to_serve: false,
        };
        assert!(may_issue(DocumentKind::PenaltyNotice, before).is_ok());
        assert!(may_issue(DocumentKind::PenaltyDecision, before).is_err());
        assert!(may_issue(DocumentKind::ServiceReceipt, before).is_err());
        assert!(may_issue(DocumentKind::ClosingReport, before).is_err());
        let decided = DocumentFacts {
            decided: true,
            penalty: true,
            anything_to_serve: true,
            ..before
        };
        assert!(may_issue(DocumentKind::PenaltyNotice, decided).is_err());
        assert!(may_issue(DocumentKind::InspectionRecord, decided).is_err());
        assert!(
            may_issue(DocumentKind::PenaltyDecision, decided)
                .is_err_and(|m| m.contains("事先告知书"))
        );
        let noticed = DocumentFacts {
            noticed: true,
            ..decided
        };
        assert!(may_issue(DocumentKind::PenaltyDecision, noticed).is_ok());
        assert!(may_issue(DocumentKind::ServiceReceipt, noticed).is_ok());
        for k in DocumentKind::ALL {
            assert!(!k.fields().is_empty(), "{k:?}");
        }
    }

    #[test]
    fn numbers_follow_the_pattern() {
        assert_eq!(
            format_number(
                DEFAULT_PATTERN,
                "云市监",
                DocumentKind::PenaltyDecision,
                2026,
                12
            ),
            "云市监罚决〔2026〕12号"
        );
        assert!(check_pattern("{org}{code}第{seq}号").is_err());
        assert!(check_pattern(DEFAULT_PATTERN).is_ok());
    }
}
