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
